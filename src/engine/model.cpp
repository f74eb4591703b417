// The model scheduler: a scenario's threads run as fibers on the calling OS thread, and every
// shared access or lock operation is a step that the scheduler hands out.
//
// How it fits together:
//  - Engine is the Runtime installed while a fiber runs. A thread stops at each scheduling
//    point (before an access, at a lock operation) and the scheduler decides right there, on
//    that fiber's stack, who takes the next step. Only when it is another thread does control
//    go back to the main context, which resumes that thread.
//  - Exploration is stateless: each schedule re-executes a fresh Trial from the start,
//    following the prefix kept by the depth-first search in `nodes_`.
//  - Reduction::dpor is source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas,
//    POPL 2014). Vector clocks give happens-before; when a new step closes a race with an
//    earlier one, a thread that can start the reordered suffix becomes a backtrack point in
//    the state before the earlier step.
#include "engine/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <boost/context/fiber.hpp>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "cli/interrupt.hpp"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#endif

namespace racedemo {
namespace {

namespace context = boost::context;

using ThreadMask = std::uint64_t;  // a set of virtual threads, bit t for thread t (0-based)
constexpr int max_threads = 64;
// Scenario code, fmt and the scheduler itself run on these stacks; sanitizers need the room.
constexpr std::size_t stack_size = 256 * 1024;

constexpr ThreadMask bit(int thread) {
    return ThreadMask{1} << thread;
}

// AddressSanitizer has to be told when execution moves to another stack.
void start_stack_switch(void** fake_stack, const void* bottom, std::size_t size) {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
    (void)fake_stack, (void)bottom, (void)size;
#endif
}

void finish_stack_switch(void* fake_stack, const void** bottom, std::size_t* size) {
#if defined(__SANITIZE_ADDRESS__)
    __sanitizer_finish_switch_fiber(fake_stack, bottom, size);
#else
    (void)fake_stack, (void)bottom, (void)size;
#endif
}

// Thrown inside a deadlocked thread to unwind its stack when its execution is over.
struct UnwindThread {};

int lowest_thread(ThreadMask threads) {
    return std::countr_zero(threads);
}

bool is_lock_op(Op op) {
    return op != Op::read && op != Op::write;
}
bool is_acquire(Op op) {
    return op == Op::lock || op == Op::lock_shared;
}

// Fiber stacks are recycled: allocating them afresh for every execution would cost more than
// the steps themselves.
class StackPool {
  public:
    StackPool() = default;
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;
    ~StackPool() {
        for (void* base : free_) std::free(base);
    }

    // At most `stacks` are ever in use at once, so deallocate() never has to grow the list.
    void reserve(std::size_t stacks) { free_.reserve(stacks); }

    context::stack_context allocate() {
        void* base = nullptr;
        if (free_.empty()) {
            base = std::malloc(stack_size);
            if (base == nullptr) throw std::bad_alloc();
        } else {
            base = free_.back();
            free_.pop_back();
        }
        context::stack_context stack;
        stack.size = stack_size;
        stack.sp = static_cast<char*>(base) + stack_size;
        last_allocated_ = base;
        return stack;
    }

    // The stack the latest fiber got, for the sanitizer.
    const void* last_allocated() const { return last_allocated_; }

    void deallocate(context::stack_context& stack) noexcept {
        free_.push_back(static_cast<char*>(stack.sp) - stack.size);
    }

  private:
    std::vector<void*> free_;
    const void* last_allocated_ = nullptr;
};

// The stack allocator a fiber keeps inside its own stack: a handle on the pool.
struct PooledStack {
    StackPool* pool;
    context::stack_context allocate() { return pool->allocate(); }
    void deallocate(context::stack_context& stack) noexcept { pool->deallocate(stack); }
};

// The operation a thread is paused in front of.
struct PendingStep {
    const SharedObject* object = nullptr;
    LockObject* lock = nullptr;  // the same object, for lock operations
    Op op = Op::read;
};

struct VirtualThread {
    context::fiber fiber;         // empty once finished (or never started)
    const void* stack = nullptr;  // for the sanitizer
    void* fake_stack = nullptr;
    PendingStep pending;
    bool finished = false;
    // Tracing only: the thread's notes.
    std::string lane;       // its first note
    std::string operation;  // its latest note
    int notes = 0;
};

// What a step touches, for the dependency relation.
struct Footprint {
    const SharedObject* object = nullptr;
    Op op = Op::read;
    // A step that leaves its thread waiting to take a reader/writer lock exclusively also
    // blocks new readers of that lock (a pending writer goes first).
    const LockObject* arrival = nullptr;
};

// Two steps are dependent when their order can matter: the same cell with a write among them,
// any two operations on the same lock, a pending writer and the lock's operations.
bool dependent(const Footprint& a, const Footprint& b) {
    if (a.object == b.object) return is_lock_op(a.op) || a.op == Op::write || b.op == Op::write;
    if (a.arrival != nullptr && (a.arrival == b.object || a.arrival == b.arrival)) return true;
    return b.arrival != nullptr && b.arrival == a.object;
}

// Whether two operations of different threads on one lock, `earlier` then `later`, can both
// be enabled in one state: if not, their order is forced and reversing them is pointless.
bool lock_ops_coenabled(Op earlier, Op later) {
    switch (earlier) {
        case Op::lock:
            return is_acquire(later);  // the lock was free: nobody could release it
        case Op::unlock:
            return false;  // it was held exclusively
        case Op::lock_shared:
            return later != Op::unlock;
        case Op::unlock_shared:
            return later == Op::lock_shared || later == Op::unlock_shared;
        default:
            return true;
    }
}

bool is_reader_writer_lock(const LockObject& lock) {
    // A plain Mutex has no readers for a pending writer to hold back.
    return dynamic_cast<const Mutex*>(&lock) == nullptr;
}

// One step of the current execution, for DPOR.
struct Event {
    int thread = 0;
    std::uint32_t local = 0;  // how many steps its thread had taken, this one included
    Footprint footprint;
};

// A state of the depth-first search: the one before step `depth` (its index in nodes_).
struct Node {
    ThreadMask enabled = 0;
    ThreadMask backtrack = 0;  // threads to run from here
    ThreadMask done = 0;       // threads already run from here
    ThreadMask sleep = 0;      // threads whose step from here leads only to explored schedules
    // Of `sleep` and `done`: threads whose step from here left them waiting on a RW lock.
    ThreadMask sleep_arrivals = 0;
    ThreadMask done_arrivals = 0;
    int chosen = -1;
    int last_thread = -1;  // the thread that took the previous step
    int preemptions = 0;   // before this step
};

// The steps on one shared object in the current execution.
struct History {
    const SharedObject* object = nullptr;
    bool is_lock = false;
    std::vector<int> events;             // cells: every access; locks: every operation
    std::vector<int> reads_since_write;  // cells only
    int last_write = -1;
};

// Shared objects by address, for the current execution. Cleared in O(1) by a generation
// count, and the histories keep their capacity, so a steady exploration allocates nothing.
class HistoryTable {
  public:
    void clear() {
        ++generation_;
        used_ = 0;
    }

    History* find(const SharedObject* object) {
        if (slots_.empty()) return nullptr;
        for (std::size_t i = home(object);; i = (i + 1) & (slots_.size() - 1)) {
            const Slot& slot = slots_[i];
            if (slot.generation != generation_) return nullptr;
            if (slot.key == object) return &histories_[slot.index];
        }
    }

    History& get(const SharedObject* object, bool is_lock) {
        if (History* history = find(object)) return *history;
        if ((used_ + 1) * 2 > slots_.size()) grow();
        std::size_t i = home(object);
        while (slots_[i].generation == generation_) i = (i + 1) & (slots_.size() - 1);
        slots_[i] = Slot{object, generation_, used_};
        if (used_ == histories_.size()) histories_.emplace_back();
        History& history = histories_[used_++];
        history.object = object;
        history.is_lock = is_lock;
        history.events.clear();
        history.reads_since_write.clear();
        history.last_write = -1;
        return history;
    }

  private:
    struct Slot {
        const SharedObject* key = nullptr;
        std::uint64_t generation = 0;
        std::size_t index = 0;
    };

    std::size_t home(const SharedObject* object) const {
        auto address = reinterpret_cast<std::uintptr_t>(object);
        return static_cast<std::size_t>((address >> 4) * 0x9E3779B97F4A7C15ull >> 32) &
               (slots_.size() - 1);
    }

    void grow() {
        std::vector<Slot> old = std::move(slots_);
        slots_.assign(std::max<std::size_t>(64, old.size() * 2), Slot{});
        for (const Slot& slot : old) {
            if (slot.generation != generation_) continue;
            std::size_t i = home(slot.key);
            while (slots_[i].generation == generation_) i = (i + 1) & (slots_.size() - 1);
            slots_[i] = slot;
        }
    }

    std::vector<Slot> slots_;
    std::vector<History> histories_;
    std::size_t used_ = 0;
    std::uint64_t generation_ = 1;
};

class Engine final : public Runtime {
  public:
    Engine(const Scenario& scenario, Variant variant, const TrialConfig& config,
           const ModelOptions& options);

    ModelResult run();

    // Runtime: what Shared<T> and the locks call inside a fiber.
    void before_access(const SharedObject& cell, Op op) override;
    void after_access(const SharedObject& cell, Op op, std::uint64_t bits) override;
    void acquire(LockObject& lock, LockKind kind) override;
    void release(LockObject& lock, LockKind kind) override;
    void note(std::string_view text) override;
    bool wants_notes() const override { return tracing_; }

  private:
    enum class Mode { replay, random, explore };
    enum class Phase { starting, running, unwinding };
    enum class End { running, finished, deadlock, abandoned, schedule_error, failed };

    // One execution.
    End execute();
    void begin_execution();
    context::fiber thread_main(int thread, context::fiber&& main);
    void switch_to(int thread);
    void yield_to_main();
    void unwind_threads();
    void scheduling_point(const SharedObject& object, LockObject* lock, Op op);

    // Choosing steps.
    int decide();
    bool is_enabled(int thread) const;
    bool writer_waiting(const LockObject& lock) const;
    int pick(ThreadMask enabled);
    int pick_replay(ThreadMask enabled);
    int pick_random(ThreadMask enabled);
    int pick_explore(ThreadMask enabled);
    int default_choice(ThreadMask candidates) const;
    bool exceeds_bound(const Node& node, int thread) const;
    int fail(std::string message);
    int stop(End end);
    void commit(int thread, ThreadMask enabled);
    Outcome deadlock_outcome() const;

    // The search over schedules.
    bool advance();
    void tally(ModelResult& result);
    ModelRun shown_run();

    // DPOR bookkeeping.
    std::uint32_t* thread_clock(int thread) { return &thread_clocks_[thread * thread_count_]; }
    std::uint32_t* event_clock(int step) { return &event_clocks_[step * thread_count_]; }
    void join(std::uint32_t* into, const std::uint32_t* from) const;
    void record_event(int thread, int step);
    void settle_event();
    void find_races(int step);
    void race_with_lock_chain(const History& chain, int step, int thread, const Footprint& later,
                              const std::uint32_t* past, const std::uint32_t* clock);
    void find_races_of_blocked_threads();
    void reverse_race(int earlier, int later, int thread, const std::uint32_t* later_clock);

    const Scenario& scenario_;
    TrialFactory factory_;
    TrialConfig config_;
    const ModelOptions& options_;
    const int thread_count_;

    StackPool stacks_;  // before threads_: fibers return their stacks to it
    std::vector<VirtualThread> threads_;
    context::fiber main_;               // the main context, while a fiber runs
    const void* main_stack_ = nullptr;  // for the sanitizer
    std::size_t main_stack_size_ = 0;
    void* main_fake_stack_ = nullptr;
    Trial* trial_ = nullptr;

    // The current execution.
    Mode mode_ = Mode::explore;
    Phase phase_ = Phase::starting;
    End end_ = End::running;
    // An execution that cannot be a schedule (abandoned, infeasible, failed) still runs to its
    // end: unwinding a thread paused in a destructor (a lock_guard's unlock) would terminate.
    bool draining_ = false;
    bool tracing_ = false;
    int current_ = -1;      // the fiber that runs
    int next_ = -1;         // the thread chosen for the next step; -1: the execution is over
    int last_thread_ = -1;  // the thread that took the last step
    int steps_ = 0;
    int preemptions_ = 0;
    std::vector<int> schedule_;
    Outcome outcome_;
    Trace trace_;
    std::exception_ptr failure_;
    ScheduleError schedule_error_;

    // Replay and random.
    std::vector<int> replay_;
    std::mt19937_64 random_;

    // Exploration.
    bool dpor_ = false;
    std::vector<Node> nodes_;
    int first_new_step_ = 0;  // steps before it replay a prefix whose races are already known
    bool pruned_ = false;     // the preemption bound cut a DPOR backtrack point
    std::vector<int> first_schedule_;
    std::optional<std::tuple<int, int, std::vector<int>>> best_;  // preemptions, steps, schedule

    // DPOR, per execution.
    std::vector<Event> events_;
    std::vector<std::uint32_t> thread_clocks_;
    std::vector<std::uint32_t> event_clocks_;
    std::vector<std::uint32_t> pre_step_clock_;  // the last mover's clock before its step
    std::vector<std::uint32_t> scratch_clock_;
    std::vector<int> first_step_of_;  // reverse_race(): each thread's first step in the suffix
    HistoryTable histories_;
    ThreadMask next_sleep_ = 0;  // the sleep set of the state the last step led to
    ThreadMask next_sleep_arrivals_ = 0;
};

Engine::Engine(const Scenario& scenario, Variant variant, const TrialConfig& config,
               const ModelOptions& options)
    : scenario_(scenario),
      factory_(scenario.factory(variant)),
      config_(config),
      options_(options),
      thread_count_(config.threads),
      threads_(static_cast<std::size_t>(std::max(config.threads, 0))) {
    if (factory_ == nullptr)
        throw std::invalid_argument(fmt::format("scenario {} has no program", scenario.name));
    if (thread_count_ < 1 || thread_count_ > max_threads) {
        throw std::invalid_argument(
            fmt::format("the model runs 1 to {} threads, not {}", max_threads, thread_count_));
    }
    config_.model = true;
    stacks_.reserve(threads_.size());
    const auto clock_size = static_cast<std::size_t>(thread_count_ * thread_count_);
    thread_clocks_.assign(clock_size, 0);
    pre_step_clock_.assign(static_cast<std::size_t>(thread_count_), 0);
    scratch_clock_.assign(static_cast<std::size_t>(thread_count_), 0);
    first_step_of_.assign(static_cast<std::size_t>(thread_count_), -1);
}

// ---- Runtime -------------------------------------------------------------------------------

void Engine::before_access(const SharedObject& cell, Op op) {
    if (phase_ != Phase::unwinding) scheduling_point(cell, nullptr, op);
}

void Engine::after_access(const SharedObject& cell, Op, std::uint64_t bits) {
    if (tracing_ && phase_ == Phase::running && !draining_)
        trace_.events.back().value = cell.show_bits(bits);
}

void Engine::acquire(LockObject& lock, LockKind kind) {
    // The lock's model state changes when the step is committed (see commit()).
    if (phase_ != Phase::unwinding)
        scheduling_point(lock, &lock, kind == LockKind::exclusive ? Op::lock : Op::lock_shared);
}

void Engine::release(LockObject& lock, LockKind kind) {
    if (phase_ != Phase::unwinding) {
        scheduling_point(lock, &lock, kind == LockKind::exclusive ? Op::unlock : Op::unlock_shared);
    }
}

void Engine::note(std::string_view text) {
    if (!tracing_ || phase_ == Phase::unwinding) return;
    VirtualThread& thread = threads_[static_cast<std::size_t>(current_)];
    if (thread.notes++ == 0) thread.lane = text;
    thread.operation = text;
}

// ---- One execution -------------------------------------------------------------------------

void Engine::begin_execution() {
    phase_ = Phase::starting;
    end_ = End::running;
    draining_ = false;
    current_ = next_ = last_thread_ = -1;
    steps_ = preemptions_ = 0;
    schedule_.clear();
    outcome_ = Outcome{};
    failure_ = nullptr;
    for (VirtualThread& thread : threads_) {
        thread.pending = PendingStep{};
        thread.finished = false;
        thread.lane.clear();
        thread.operation.clear();
        thread.notes = 0;
    }
    if (tracing_) trace_ = Trace{};
    if (dpor_) {
        events_.clear();
        event_clocks_.clear();
        std::fill(thread_clocks_.begin(), thread_clocks_.end(), 0);
        histories_.clear();
        next_sleep_ = next_sleep_arrivals_ = 0;
    }
}

Engine::End Engine::execute() {
    begin_execution();
    std::unique_ptr<Trial> trial = factory_(config_);
    trial_ = trial.get();
    // The fibers point into the trial: unwind them before it goes, however the execution ends.
    struct UnwindGuard {
        Engine& engine;
        ~UnwindGuard() { engine.unwind_threads(); }
    } guard{*this};

    for (int t = 0; t < thread_count_; ++t) {
        VirtualThread& thread = threads_[static_cast<std::size_t>(t)];
        thread.fiber = context::fiber(
            std::allocator_arg, PooledStack{&stacks_},
            [this, t](context::fiber&& main) { return thread_main(t, std::move(main)); });
        thread.stack = stacks_.last_allocated();
    }
    // Each thread runs up to its first shared operation, which is not yet a step.
    for (int t = 0; t < thread_count_; ++t) switch_to(t);

    phase_ = Phase::running;
    draining_ = end_ != End::running;  // an actor failed already
    next_ = decide();
    while (next_ >= 0) switch_to(next_);

    if (end_ == End::finished) {
        outcome_ = trial->arbiter();  // on the main stack, no runtime installed
    } else if (end_ == End::deadlock) {
        outcome_ = deadlock_outcome();
    }
    return end_;
}

context::fiber Engine::thread_main(int thread, context::fiber&& main) {
    finish_stack_switch(nullptr, &main_stack_, &main_stack_size_);
    main_ = std::move(main);
    try {
        trial_->actor(thread);
    } catch (const UnwindThread&) {
        // A deadlocked thread, unwound: nothing more to do.
    } catch (...) {
        if (!failure_) failure_ = std::current_exception();
        stop(End::failed);
    }
    threads_[static_cast<std::size_t>(thread)].finished = true;
    if (phase_ == Phase::running) next_ = decide();
    start_stack_switch(nullptr, main_stack_, main_stack_size_);  // this stack is done
    return std::move(main_);
}

void Engine::switch_to(int thread) {
    current_ = thread;
    // Installed on the main context around the switch: the fibers share the OS thread's
    // thread-local runtime, so it must be ours exactly while one of them runs.
    RuntimeScope scope(this);
    VirtualThread& target = threads_[static_cast<std::size_t>(thread)];
    start_stack_switch(&main_fake_stack_, target.stack, stack_size);
    target.fiber = std::move(target.fiber).resume();
    finish_stack_switch(main_fake_stack_, nullptr, nullptr);
}

void Engine::yield_to_main() {
    VirtualThread& self = threads_[static_cast<std::size_t>(current_)];
    start_stack_switch(&self.fake_stack, main_stack_, main_stack_size_);
    main_ = std::move(main_).resume();
    finish_stack_switch(self.fake_stack, &main_stack_, &main_stack_size_);
    if (phase_ == Phase::unwinding) throw UnwindThread{};
}

void Engine::unwind_threads() {
    // Only threads blocked on a lock are left (an execution that could go on was drained).
    // Each is resumed to throw from its acquisition; the destructors that run on the way
    // (a lock_guard releasing another mutex) still reach the runtime, which ignores them now.
    phase_ = Phase::unwinding;
    for (int t = 0; t < thread_count_; ++t) {
        if (threads_[static_cast<std::size_t>(t)].fiber) switch_to(t);
    }
    trial_ = nullptr;
}

void Engine::scheduling_point(const SharedObject& object, LockObject* lock, Op op) {
    const int self = current_;
    threads_[static_cast<std::size_t>(self)].pending = PendingStep{&object, lock, op};
    if (phase_ == Phase::starting) {
        yield_to_main();  // resumed when chosen
        return;
    }
    next_ = decide();
    // Running on needs no switch; otherwise the main context resumes the chosen thread.
    if (next_ != self) yield_to_main();
}

// ---- Choosing steps ------------------------------------------------------------------------

// Called once per state, when the thread that took the last step has reached its next
// scheduling point or finished: settles that step and commits the next one. Returns the thread
// that takes it, or -1 when the execution is over (end_ says why).
int Engine::decide() {
    if (dpor_ && !draining_ && steps_ > 0) settle_event();
    ThreadMask unfinished = 0;
    ThreadMask enabled = 0;
    for (int t = 0; t < thread_count_; ++t) {
        if (threads_[static_cast<std::size_t>(t)].finished) continue;
        unfinished |= bit(t);
        if (is_enabled(t)) enabled |= bit(t);
    }
    if (draining_) {
        if (enabled == 0) return -1;
        const int thread = default_choice(enabled);
        commit(thread, enabled);
        return thread;
    }
    if (enabled == 0) {
        // A replayed schedule that goes on names a thread that cannot move: say which.
        if (mode_ == Mode::replay && static_cast<std::size_t>(steps_) < replay_.size()) {
            pick_replay(enabled);
            return -1;
        }
        end_ = unfinished == 0 ? End::finished : End::deadlock;
        if (dpor_ && end_ == End::deadlock) find_races_of_blocked_threads();
        return -1;
    }
    int thread = pick(enabled);
    if (thread < 0) thread = default_choice(enabled);  // not a schedule after all: drain it
    commit(thread, enabled);
    return thread;
}

bool Engine::is_enabled(int thread) const {
    const PendingStep& pending = threads_[static_cast<std::size_t>(thread)].pending;
    switch (pending.op) {
        case Op::lock:
            return pending.lock->model_writer < 0 && pending.lock->model_readers == 0;
        case Op::lock_shared:
            return pending.lock->model_writer < 0 &&
                   !(pending.lock->model_readers > 0 && writer_waiting(*pending.lock));
        default:
            return true;
    }
}

// Whether a thread waits to take `lock` exclusively: then new readers wait behind it.
bool Engine::writer_waiting(const LockObject& lock) const {
    return std::any_of(threads_.begin(), threads_.end(), [&](const VirtualThread& thread) {
        return !thread.finished && thread.pending.op == Op::lock && thread.pending.lock == &lock;
    });
}

int Engine::pick(ThreadMask enabled) {
    switch (mode_) {
        case Mode::replay:
            return pick_replay(enabled);
        case Mode::random:
            return pick_random(enabled);
        case Mode::explore:
            return pick_explore(enabled);
    }
    return -1;
}

// Keeps running the thread that ran last when it can, else the lowest-numbered one.
int Engine::default_choice(ThreadMask candidates) const {
    if (last_thread_ >= 0 && (candidates & bit(last_thread_)) != 0) return last_thread_;
    return lowest_thread(candidates);
}

int Engine::pick_replay(ThreadMask enabled) {
    const auto position = static_cast<std::size_t>(steps_);
    if (position >= replay_.size()) return default_choice(enabled);
    const int entry = replay_[position];
    const int thread = entry - 1;
    auto reject = [&](std::string reason) {
        schedule_error_ = ScheduleError{steps_ + 1, std::move(reason)};
        return stop(End::schedule_error);
    };
    if (thread < 0 || thread >= thread_count_) {
        return reject(fmt::format("thread {} does not exist ({} thread{})", entry, thread_count_,
                                  thread_count_ == 1 ? "" : "s"));
    }
    const VirtualThread& named = threads_[static_cast<std::size_t>(thread)];
    if (named.finished) return reject(fmt::format("thread {} has finished", entry));
    if ((enabled & bit(thread)) == 0)
        return reject(fmt::format("thread {} is blocked on {}", entry, named.pending.lock->name()));
    return thread;
}

int Engine::pick_random(ThreadMask enabled) {
    // Plain modulo rather than a std distribution: the same seed gives the same schedule with
    // any standard library.
    auto index = static_cast<int>(random_() % static_cast<std::uint64_t>(std::popcount(enabled)));
    for (; index > 0; --index) enabled &= enabled - 1;  // drop the lowest threads
    return lowest_thread(enabled);
}

bool Engine::exceeds_bound(const Node& node, int thread) const {
    if (options_.preemption_bound < 0) return false;
    const bool preempts = node.last_thread >= 0 && thread != node.last_thread &&
                          (node.enabled & bit(node.last_thread)) != 0;
    return node.preemptions + (preempts ? 1 : 0) > options_.preemption_bound;
}

int Engine::fail(std::string message) {
    failure_ = std::make_exception_ptr(std::logic_error(std::move(message)));
    return stop(End::failed);
}

// Ends the execution as a schedule; what is left of it is drained.
int Engine::stop(End end) {
    if (end_ == End::running) end_ = end;
    draining_ = true;
    return -1;
}

int Engine::pick_explore(ThreadMask enabled) {
    const auto depth = static_cast<std::size_t>(steps_);
    if (depth < nodes_.size()) {
        // Replaying the prefix: the same schedule must reach the same state.
        const Node& node = nodes_[depth];
        if (node.enabled != enabled) {
            return fail(fmt::format(
                "scenario {} is not deterministic: replaying a schedule diverged at step {}",
                scenario_.name, steps_ + 1));
        }
        return node.chosen;
    }
    Node node;
    node.enabled = enabled;
    node.last_thread = last_thread_;
    node.preemptions = preemptions_;
    node.sleep = next_sleep_;
    node.sleep_arrivals = next_sleep_arrivals_;
    const ThreadMask candidates = enabled & ~node.sleep;
    if (candidates == 0) return stop(End::abandoned);  // all ways on were explored already
    const int choice = default_choice(candidates);
    if (exceeds_bound(node, choice)) {
        pruned_ = true;
        return stop(End::abandoned);
    }
    // Without reduction every enabled thread is a branch; DPOR adds branches as it finds races.
    node.backtrack = dpor_ ? bit(choice) : enabled;
    node.done = bit(choice);
    node.chosen = choice;
    nodes_.push_back(node);
    return choice;
}

void Engine::commit(int thread, ThreadMask enabled) {
    const VirtualThread& chosen = threads_[static_cast<std::size_t>(thread)];
    const PendingStep& pending = chosen.pending;
    if (LockObject* lock = pending.lock) {
        switch (pending.op) {
            case Op::lock:
                lock->model_writer = thread;
                break;
            case Op::lock_shared:
                ++lock->model_readers;
                break;
            case Op::unlock:
                lock->model_writer = -1;
                break;
            case Op::unlock_shared:
                lock->model_readers = std::max(0, lock->model_readers - 1);
                break;
            default:
                break;
        }
    }
    const bool preempts =
        last_thread_ >= 0 && thread != last_thread_ && (enabled & bit(last_thread_)) != 0;
    last_thread_ = thread;
    if (draining_) return;
    if (preempts) ++preemptions_;
    const int step = steps_++;
    schedule_.push_back(thread + 1);
    if (dpor_) record_event(thread, step);
    if (tracing_) {
        TraceEvent event;
        event.step = step + 1;
        event.thread = thread + 1;
        event.op = pending.op;
        event.target = pending.object->name();
        event.operation = chosen.operation;
        event.operation_index = chosen.notes;
        event.object = reinterpret_cast<std::uintptr_t>(pending.object);
        trace_.events.push_back(std::move(event));
    }
}

Outcome Engine::deadlock_outcome() const {
    std::vector<std::string> waits;
    for (int t = 0; t < thread_count_; ++t) {
        const VirtualThread& thread = threads_[static_cast<std::size_t>(t)];
        if (thread.finished) continue;
        const LockObject& lock = *thread.pending.lock;  // only lock operations can be blocked
        std::string holder;
        if (lock.model_writer >= 0) {
            holder = fmt::format("held by T{}", lock.model_writer + 1);
        } else if (lock.model_readers > 0) {
            holder = fmt::format("held by {} reader{}", lock.model_readers,
                                 lock.model_readers == 1 ? "" : "s");
        }
        if (thread.pending.op == Op::lock_shared && lock.model_writer < 0)
            holder += ", behind a waiting writer";
        waits.push_back(fmt::format("T{} waits for {} ({})", t + 1, lock.name(), holder));
    }
    return Outcome::corrupt("deadlock", fmt::format("{}", fmt::join(waits, "; ")));
}

// ---- The search ----------------------------------------------------------------------------

// Moves the depth-first search to the next schedule to run: the deepest state with a thread
// left to try. Returns false when there is none.
bool Engine::advance() {
    while (!nodes_.empty()) {
        Node& node = nodes_.back();
        ThreadMask left = node.backtrack & ~node.done & ~node.sleep;
        while (left != 0) {
            const int thread = lowest_thread(left);
            left &= left - 1;
            node.done |= bit(thread);
            if (exceeds_bound(node, thread)) {
                // Without reduction the bound only shapes the space; with DPOR it may hide
                // schedules the reduction counted on. Those are sought instead where the
                // preempted thread's run began, where switching costs no more (the
                // conservative branch of bounded POR, Coons et al., OOPSLA 2013).
                if (dpor_) {
                    pruned_ = true;
                    std::size_t start = nodes_.size() - 1;
                    while (start > 0 && nodes_[start - 1].chosen == node.last_thread) --start;
                    if (start + 1 < nodes_.size() && (nodes_[start].enabled & bit(thread)) != 0)
                        nodes_[start].backtrack |= bit(thread);
                }
                continue;
            }
            node.chosen = thread;
            first_new_step_ = static_cast<int>(nodes_.size()) - 1;
            return true;
        }
        nodes_.pop_back();
    }
    return false;
}

void Engine::tally(ModelResult& result) {
    ++result.schedules_explored;
    ++result.outcomes[outcome_.label];
    if (result.schedules_explored == 1) first_schedule_ = schedule_;
    if (!outcome_.corrupted) return;
    ++result.schedules_corrupt;
    // Fewest preemptions, then fewest steps, then the lexicographically smallest.
    if (!best_ || std::tie(preemptions_, steps_, schedule_) <
                      std::tie(std::get<0>(*best_), std::get<1>(*best_), std::get<2>(*best_))) {
        best_.emplace(preemptions_, steps_, schedule_);
    }
}

ModelRun Engine::shown_run() {
    ModelRun run;
    run.schedule = schedule_;
    run.outcome = outcome_;
    run.preemptions = preemptions_;
    run.deadlock = end_ == End::deadlock;
    run.trace = std::move(trace_);
    run.trace.lanes.clear();
    for (const VirtualThread& thread : threads_) run.trace.lanes.push_back(thread.lane);
    mark_damage(run.trace);
    return run;
}

ModelResult Engine::run() {
    ModelResult result;
    auto check = [&](End end) {
        if (end == End::failed) std::rethrow_exception(failure_);
        if (end == End::schedule_error) throw schedule_error_;
    };

    if (options_.strategy != Strategy::explore) {
        mode_ = options_.strategy == Strategy::replay ? Mode::replay : Mode::random;
        replay_ = options_.strategy == Strategy::replay ? options_.schedule : std::vector<int>{};
        random_.seed(options_.seed);
        tracing_ = true;
        check(execute());
        result.steps = static_cast<std::uint64_t>(steps_);
        tally(result);
        if (best_) result.shortest_schedule = std::get<2>(*best_);
        result.shown = shown_run();
        return result;
    }

    mode_ = Mode::explore;
    dpor_ = options_.reduction != Reduction::none;  // reads_from: not yet, dpor stands in
    tracing_ = false;
    for (;;) {
        if (result.schedules_explored >= options_.budget) break;  // with schedules left
        if (interrupted() != 0) break;  // Ctrl-C: report what was explored so far
        if (options_.progress && result.schedules_explored % 4096 == 4095)
            options_.progress(result.schedules_explored + 1);
        const End end = execute();
        check(end);
        result.steps += static_cast<std::uint64_t>(steps_);
        if (end == End::finished || end == End::deadlock) tally(result);
        if (!advance()) {
            result.complete = !pruned_;
            break;
        }
    }
    if (best_) result.shortest_schedule = std::get<2>(*best_);

    // The run to show, again, with everything traced.
    mode_ = Mode::replay;
    dpor_ = false;
    tracing_ = true;
    replay_ = best_ ? std::get<2>(*best_) : first_schedule_;
    check(execute());
    result.shown = shown_run();
    return result;
}

// ---- DPOR ----------------------------------------------------------------------------------

void Engine::join(std::uint32_t* into, const std::uint32_t* from) const {
    for (int t = 0; t < thread_count_; ++t) into[t] = std::max(into[t], from[t]);
}

// Gives the step just committed its vector clock: its thread's past, joined with every earlier
// step it depends on.
void Engine::record_event(int thread, int step) {
    const PendingStep& pending = threads_[static_cast<std::size_t>(thread)].pending;
    std::uint32_t* clock = thread_clock(thread);
    std::copy(clock, clock + thread_count_, pre_step_clock_.begin());
    const std::uint32_t local = ++clock[thread];

    History& history = histories_.get(pending.object, pending.lock != nullptr);
    if (history.is_lock) {
        if (!history.events.empty()) join(clock, event_clock(history.events.back()));
    } else if (pending.op == Op::read) {
        if (history.last_write >= 0) join(clock, event_clock(history.last_write));
        history.reads_since_write.push_back(step);
    } else {
        if (history.last_write >= 0) join(clock, event_clock(history.last_write));
        for (int read : history.reads_since_write) join(clock, event_clock(read));
        history.reads_since_write.clear();
        history.last_write = step;
    }
    history.events.push_back(step);
    event_clocks_.insert(event_clocks_.end(), clock, clock + thread_count_);
    events_.push_back(Event{thread, local, Footprint{pending.object, pending.op, nullptr}});
}

// The thread that took the last step has reached its next scheduling point (or finished): now
// the whole step is known. Completes its footprint, finds the races it closes (only for steps
// past the replayed prefix: those of the prefix were found when it was new), and works out the
// sleep set of the state it led to.
void Engine::settle_event() {
    const int step = steps_ - 1;
    Event& event = events_[static_cast<std::size_t>(step)];
    const int mover = event.thread;
    const VirtualThread& moved = threads_[static_cast<std::size_t>(mover)];
    Node& node = nodes_[static_cast<std::size_t>(step)];
    const bool fresh = step >= first_new_step_;

    if (!moved.finished && moved.pending.op == Op::lock &&
        is_reader_writer_lock(*moved.pending.lock)) {
        // The thread now waits to write-lock a RW lock, which holds back new readers: part of
        // this step, which therefore joins the lock's chain of operations.
        const LockObject* lock = moved.pending.lock;
        event.footprint.arrival = lock;
        node.done_arrivals |= bit(mover);
        History& chain = histories_.get(lock, true);
        if (chain.events.empty() || chain.events.back() != step) {
            if (!chain.events.empty()) {
                join(event_clock(step), event_clock(chain.events.back()));
                join(thread_clock(mover), event_clock(chain.events.back()));
                if (fresh) {
                    race_with_lock_chain(chain, step, mover, event.footprint,
                                         pre_step_clock_.data(), event_clock(step));
                }
            }
            chain.events.push_back(step);
        }
    }
    if (fresh) find_races(step);

    if (static_cast<std::size_t>(step) + 1 == nodes_.size()) {
        // A sleeping thread stays asleep past a step independent of its own next step.
        const ThreadMask sleeping = (node.sleep | node.done) & ~bit(mover);
        const ThreadMask arrivals = node.sleep_arrivals | node.done_arrivals;
        const bool touches_locks = is_lock_op(event.footprint.op) || event.footprint.arrival;
        next_sleep_ = next_sleep_arrivals_ = 0;
        for (ThreadMask rest = sleeping; rest != 0; rest &= rest - 1) {
            const int t = lowest_thread(rest);
            const PendingStep& pending = threads_[static_cast<std::size_t>(t)].pending;
            const bool wakes =
                dependent(Footprint{pending.object, pending.op, nullptr}, event.footprint) ||
                ((arrivals & bit(t)) != 0 && touches_locks);
            if (!wakes) {
                next_sleep_ |= bit(t);
                next_sleep_arrivals_ |= arrivals & bit(t);
            }
        }
    }
}

// The races a step closes: earlier steps of other threads it depends on directly, not through
// a third step or through its own thread's past.
void Engine::find_races(int step) {
    const Event& event = events_[static_cast<std::size_t>(step)];
    const int mover = event.thread;
    const std::uint32_t* past = pre_step_clock_.data();
    const std::uint32_t* clock = event_clock(step);
    const History& history = *histories_.find(event.footprint.object);
    auto in_past = [&](int earlier) {
        const Event& e = events_[static_cast<std::size_t>(earlier)];
        return past[e.thread] >= e.local;
    };

    if (history.is_lock) {
        race_with_lock_chain(history, step, mover, event.footprint, past, clock);
    } else if (event.footprint.op == Op::read) {
        // Earlier writes are ordered before the last one.
        const int write = history.last_write;
        if (write >= 0 && !in_past(write)) reverse_race(write, step, mover, clock);
    } else {
        // The reads since the last write race with this write independently of each other;
        // the last write only when no read came after it.
        std::uint32_t* seen = scratch_clock_.data();
        std::copy(past, past + thread_count_, seen);
        for (auto it = history.events.rbegin(); it != history.events.rend(); ++it) {
            if (*it == step) continue;
            const Event& earlier = events_[static_cast<std::size_t>(*it)];
            if (seen[earlier.thread] < earlier.local) reverse_race(*it, step, mover, clock);
            join(seen, event_clock(*it));
            if (earlier.footprint.op == Op::write) break;
        }
    }
}

// A step in a lock's chain races with the latest earlier one of another thread that could
// have been enabled with it. Steps that could not (the release a blocked acquisition waited
// for) are passed over: the race is with the acquisition before them, which is how two
// critical sections swap. On a reader/writer lock whether two steps can be enabled together
// also depends on waiting writers, so a reversal may be infeasible; there every earlier step
// that could be is taken as a race, back to the thread's own past.
void Engine::race_with_lock_chain(const History& chain, int step, int thread,
                                  const Footprint& later, const std::uint32_t* past,
                                  const std::uint32_t* clock) {
    const bool reader_writer = is_reader_writer_lock(static_cast<const LockObject&>(*chain.object));
    // A writer starting to wait is an ordinary step, enabled whatever the lock's state.
    const bool later_waits = later.object != chain.object;
    for (auto it = chain.events.rbegin(); it != chain.events.rend(); ++it) {
        if (*it == step) continue;
        const Event& earlier = events_[static_cast<std::size_t>(*it)];
        if (past[earlier.thread] >= earlier.local) return;  // and so are all before it
        const bool earlier_waits = earlier.footprint.object != chain.object;
        if (!later_waits && !earlier_waits && !lock_ops_coenabled(earlier.footprint.op, later.op))
            continue;
        reverse_race(*it, step, thread, clock);
        if (!reader_writer) return;
    }
}

// A deadlocked execution ends with threads whose acquisitions never happened: their races with
// the holders are found as if they had.
void Engine::find_races_of_blocked_threads() {
    const int end = steps_;
    for (int t = 0; t < thread_count_; ++t) {
        const VirtualThread& blocked = threads_[static_cast<std::size_t>(t)];
        if (blocked.finished) continue;
        const History* chain = histories_.find(blocked.pending.lock);
        if (chain == nullptr || chain->events.empty()) continue;
        std::uint32_t* clock = scratch_clock_.data();
        std::copy(thread_clock(t), thread_clock(t) + thread_count_, clock);
        join(clock, event_clock(chain->events.back()));
        const Footprint acquisition{blocked.pending.object, blocked.pending.op, nullptr};
        race_with_lock_chain(*chain, end, t, acquisition, thread_clock(t), clock);
    }
}

// Source-DPOR's reversal of the race between steps `earlier` and `later` (of `thread`, with
// vector clock `later_clock`; `later` may be one past the last step, for a blocked thread).
// v = the steps in between that do not happen after `earlier`, then `later`. Some thread that
// can start v must run in the state before `earlier`. Picking the racing thread itself is not
// enough with sleep sets: v may have to start with a third thread's step.
void Engine::reverse_race(int earlier, int later, int thread, const std::uint32_t* later_clock) {
    const Event& first = events_[static_cast<std::size_t>(earlier)];
    std::fill(first_step_of_.begin(), first_step_of_.end(), -1);
    ThreadMask after_earlier = 0;  // threads whose steps from here on all happen after it
    for (int k = earlier + 1; k < later; ++k) {
        const Event& event = events_[static_cast<std::size_t>(k)];
        if (first_step_of_[static_cast<std::size_t>(event.thread)] >= 0 ||
            (after_earlier & bit(event.thread)) != 0)
            continue;
        if (event_clock(k)[first.thread] >= first.local) {
            after_earlier |= bit(event.thread);
        } else {
            first_step_of_[static_cast<std::size_t>(event.thread)] = k;
        }
    }
    if ((after_earlier & bit(thread)) != 0) return;  // ordered through another step: no race
    if (first_step_of_[static_cast<std::size_t>(thread)] < 0)
        first_step_of_[static_cast<std::size_t>(thread)] = later;

    // The initials of v: threads whose first step in v has no predecessor in v.
    ThreadMask initials = 0;
    for (int u = 0; u < thread_count_; ++u) {
        const int step = first_step_of_[static_cast<std::size_t>(u)];
        if (step < 0) continue;
        const std::uint32_t* clock = step == later ? later_clock : event_clock(step);
        bool preceded = false;
        for (int w = 0; w < thread_count_ && !preceded; ++w) {
            const int other = first_step_of_[static_cast<std::size_t>(w)];
            if (w == u || other < 0 || other >= step) continue;
            preceded = clock[w] >= events_[static_cast<std::size_t>(other)].local;
        }
        if (!preceded) initials |= bit(u);
    }

    Node& node = nodes_[static_cast<std::size_t>(earlier)];
    if ((initials & (node.backtrack | node.sleep)) != 0) return;  // explored or covered
    const ThreadMask can_start = initials & node.enabled;
    if (can_start == 0) {
        node.backtrack |= node.enabled;  // v cannot start there (a lock is held): try them all
    } else {
        node.backtrack |=
            (can_start & bit(thread)) != 0 ? bit(thread) : bit(lowest_thread(can_start));
    }
}

}  // namespace

ModelResult run_model(const Scenario& scenario, Variant variant, const TrialConfig& config,
                      const ModelOptions& options) {
    Engine engine(scenario, variant, config, options);
    return engine.run();
}

}  // namespace racedemo
