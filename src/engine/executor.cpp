#include "engine/executor.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <typeinfo>
#include <utility>

#include "racedemo/channel.hpp"

namespace racedemo {
namespace {

namespace context = boost::context;

// Thrown inside a deadlocked thread to unwind its stack when its execution is over.
struct UnwindThread {};

bool is_lock_op(Op op) {
    return op != Op::read && op != Op::write;
}

// A plain Mutex has no readers for a pending writer to hold back; a reader/writer lock's kind
// carries its policy.
ObjectKind kind_of(const LockObject& lock) {
    if (typeid(lock) == typeid(Mutex)) return ObjectKind::mutex;
    const bool readers_first =
        typeid(lock) == typeid(RWMutex) &&
        static_cast<const RWMutex&>(lock).policy() == RWPolicy::reader_preferring;
    return readers_first ? ObjectKind::rw_lock_readers_first : ObjectKind::rw_lock;
}

}  // namespace

Executor::Executor(TrialFactory factory, const TrialConfig& config)
    : factory_(factory),
      config_(config),
      thread_count_(config.threads),
      threads_(static_cast<std::size_t>(config.threads)),
      pending_(static_cast<std::size_t>(config.threads)),
      held_(static_cast<std::size_t>(config.threads)) {
    config_.model = true;
    steps_one_at_a_time_ = true;
    stacks_.reserve(threads_.size());
    view_.threads = thread_count_;
    view_.pending = pending_.data();
    view_.objects = &objects_;
}

namespace {
ModelWhereabouts whereabouts;
}  // namespace

const ModelWhereabouts& model_whereabouts() {
    return whereabouts;
}

Executor::~Executor() {
    if (whereabouts.schedule == &execution_.schedule) whereabouts.schedule = nullptr;
    close_threads();
}

// ---- Runtime -------------------------------------------------------------------------------

void Executor::before_access(const SharedObject& object, Op op) {
    if (phase_ == Phase::unwinding) return;
    scheduling_point(object, is_channel_op(op) ? ObjectKind::channel : ObjectKind::cell, op);
}

void Executor::after_access(const SharedObject& object, Op op, std::uint64_t bits) {
    view_.last_bits = bits;  // for the next state's scheduler (reads_from)
    if (!tracing_ || phase_ != Phase::running || draining_) return;
    TraceEvent& event = execution_.trace.events.back();
    if (op != Op::close) event.value = object.show_bits(bits);
    if (is_channel_op(op))
        event.contents = static_cast<const ChannelObject&>(object).show_contents();
}

void Executor::acquire(LockObject& lock, LockKind kind) {
    // The lock's model state changes when the step is committed (see commit()).
    if (phase_ == Phase::unwinding) return;
    scheduling_point(lock, kind_of(lock), kind == LockKind::exclusive ? Op::lock : Op::lock_shared);
}

void Executor::release(LockObject& lock, LockKind kind) {
    if (phase_ == Phase::unwinding) return;
    scheduling_point(lock, kind_of(lock),
                     kind == LockKind::exclusive ? Op::unlock : Op::unlock_shared);
}

void Executor::note(std::string_view text) {
    if (!tracing_ || phase_ == Phase::unwinding) return;
    VirtualThread& thread = threads_[static_cast<std::size_t>(current_)];
    if (thread.notes++ == 0) thread.lane = text;
    thread.operation = text;
}

// ---- One execution -------------------------------------------------------------------------

void Executor::begin(Scheduler& scheduler, bool tracing) {
    scheduler_ = &scheduler;
    tracing_ = tracing;
    observed_ = scheduler.observes_steps();
    wants_values_ = tracing_ || observed_;  // for the trace, and for reductions by value
    wants_notes_ = tracing_;
    phase_ = Phase::starting;
    draining_ = false;
    running_ = true;
    current_ = from_ = main_context;
    next_ = -1;
    view_.enabled = 0;
    view_.unfinished = thread_count_ == max_model_threads ? ~ThreadMask{0} : bit(thread_count_) - 1;
    view_.steps = view_.preemptions = 0;
    view_.last_thread = -1;
    execution_.end = ExecutionEnd::finished;
    // Cleared in place: the strings keep their buffers.
    execution_.outcome.label.clear();
    execution_.outcome.corrupted = false;
    execution_.outcome.evidence.clear();
    execution_.schedule.clear();
    whereabouts.schedule = &execution_.schedule;
    ++whereabouts.executions;
    execution_.preemptions = 0;
    if (execution_.failure) execution_.failure = nullptr;
    execution_.stop = StopKind::none;
    execution_.wait_for.clear();
    execution_.lock_edges.clear();
    if (locks_taken_) {
        for (std::vector<int>& held : held_) held.clear();
        locks_taken_ = false;
    }
    at_lock_ = waited_ = 0;
    if (tracing_) execution_.trace = Trace{};
    objects_.reset();
    for (VirtualThread& thread : threads_) {
        thread.active = thread.finished = false;
        thread.notes = 0;
        if (!tracing_) continue;  // lanes and operations are read only from a traced execution
        thread.lane.clear();
        thread.operation.clear();
    }
}

Execution& Executor::run(Scheduler& scheduler, bool tracing) {
    begin(scheduler, tracing);
    if (!trial_ || !trial_->reset()) trial_ = factory_(config_);
    play();
    finish_execution();  // on the main stack, no runtime installed
    return execution_;
}

// The execution proper: returns when no thread can go on.
void Executor::play() {
    // The fibers share the OS thread's thread-local runtime: ours while the execution runs.
    RuntimeScope scope(this);
    // The fibers point into the trial: unwind them before it goes, however the execution ends.
    struct UnwindGuard {
        Executor& executor;
        ~UnwindGuard() { executor.unwind_threads(); }
    } guard{*this};

    start_threads();  // back when the execution is over, or when no thread went on
    if (phase_ == Phase::starting) {
        // The last thread returned before its first step: the first choice is made here.
        begin_running();
        if (next_ >= 0) transfer(main_context, next_);  // back when the execution is over
    }
    // Who waits for what: before unwinding the blocked threads forgets it.
    if (execution_.end == ExecutionEnd::deadlock) record_deadlock();
}

void Executor::start_threads() {
    for (int t = 0; t < thread_count_; ++t) {
        if (!threads_[static_cast<std::size_t>(t)].context.fiber) create_fiber(t);
    }
    // Each thread runs up to its first shared operation (not yet a step), then starts the
    // next; the last one comes back here. A chain costs one switch a thread, not two.
    transfer(main_context, 0);
}

int Executor::started(int thread) const {
    return thread + 1 < thread_count_ ? thread + 1 : main_context;
}

// Every thread has reached its first step (or returned): the first step is chosen.
void Executor::begin_running() {
    phase_ = Phase::running;
    draining_ = !running_;  // an actor failed already
    next_ = decide();
}

void Executor::create_fiber(int thread) {
    Context& created = threads_[static_cast<std::size_t>(thread)].context;
    created.fiber = context::fiber(
        std::allocator_arg, PooledStack{&stacks_},
        [this, thread](context::fiber&& caller) { return thread_main(thread, std::move(caller)); });
    created.stack = stacks_.last_allocated();
    created.stack_size = fiber_stack_size;
}

void Executor::finish_execution() {
    execution_.preemptions = view_.preemptions;
    if (execution_.end == ExecutionEnd::finished) {
        // On the main stack, no runtime installed; untraced, nobody reads the evidence.
        EvidenceScope evidence(tracing_);
        execution_.outcome = trial_->arbiter();
    }
    if (!tracing_) return;
    execution_.trace.lanes.clear();
    for (const VirtualThread& thread : threads_) execution_.trace.lanes.push_back(thread.lane);
}

// A virtual thread's whole life: one actor per execution, until the executor goes.
context::fiber Executor::thread_main(int thread, context::fiber&& caller) {
    arrived(thread, std::move(caller));
    while (!closing_) {
        run_actor(thread);
        // On to the next step's thread, or back to the main context when there is none;
        // resumed by the next execution's start (or to close).
        if (phase_ == Phase::starting) {
            transfer(thread, started(thread));  // it returned before any shared operation
        } else {
            const bool goes_on = phase_ == Phase::running && next_ >= 0;
            transfer(thread, goes_on ? next_ : main_context);
        }
    }
    from_ = thread;  // the main context resumes with this fiber gone
    start_stack_switch(nullptr, main_.stack, main_.stack_size);  // this stack is done
    return std::move(main_.fiber);
}

void Executor::run_actor(int thread) {
    VirtualThread& self = threads_[static_cast<std::size_t>(thread)];
    self.active = true;
    try {
        trial_->actor(thread);
    } catch (const UnwindThread&) {
        // A deadlocked thread, unwound: nothing more to do.
    } catch (...) {
        if (!execution_.failure) execution_.failure = std::current_exception();
        stop(ExecutionEnd::failed);
    }
    self.active = false;
    self.finished = true;
    view_.unfinished &= ~bit(thread);
    if (phase_ == Phase::running) next_ = decide();
}

// Suspends context `from` (the one running) and resumes `to`; returns when `from` is resumed.
void Executor::transfer(int from, int to) {
    Context& target = context(to);
    start_stack_switch(&context(from).fake_stack, target.stack, target.stack_size);
    from_ = from;
    current_ = to;
    arrived(from, std::move(target.fiber).resume());
}

// Context `self` runs again: keeps the suspended context of whoever switched to it.
void Executor::arrived(int self, context::fiber&& caller) {
    Context& previous = context(from_);
    finish_stack_switch(context(self).fake_stack, &previous.stack, &previous.stack_size);
    previous.fiber = std::move(caller);
    current_ = self;
}

void Executor::unwind_threads() {
    // Only threads blocked on a lock are left (an execution that could go on was drained).
    // Each is resumed to throw from its acquisition; the destructors that run on the way
    // (a lock_guard releasing another mutex) still reach the runtime, which ignores them now.
    phase_ = Phase::unwinding;
    for (int t = 0; t < thread_count_; ++t) {
        if (threads_[static_cast<std::size_t>(t)].active) transfer(main_context, t);
    }
}

// Each fiber, waiting for an execution, is resumed once more to return.
void Executor::close_threads() {
    closing_ = true;
    for (int t = 0; t < thread_count_; ++t) {
        if (threads_[static_cast<std::size_t>(t)].context.fiber) transfer(main_context, t);
    }
}

void Executor::scheduling_point(const SharedObject& object, ObjectKind kind, Op op) {
    const int self = current_;
    const int index = objects_.index_of(object, kind);
    pending_[static_cast<std::size_t>(self)] = PendingOp{index, op};
    if (is_lock_op(op)) {
        objects_.arrive(index, op);
        at_lock_ |= bit(self);
    } else {
        at_lock_ &= ~bit(self);
    }
    if (phase_ == Phase::starting && started(self) != main_context) {
        transfer(self, started(self));  // resumed when chosen
    } else {
        // The last thread to start makes the first choice itself: no detour through main.
        if (phase_ == Phase::starting) {
            begin_running();
        } else {
            next_ = decide();
        }
        // Running on needs no switch; with no thread left to run, the main context takes over.
        if (next_ != self) transfer(self, next_ >= 0 ? next_ : main_context);
    }
    if (phase_ == Phase::unwinding) throw UnwindThread{};
}

// ---- Steps ---------------------------------------------------------------------------------

// Which locks a thread holds when it takes another: the edges of the lock-order graph. A
// drained step counts too: it is the program's own order, whoever chose it.
[[gnu::noinline]] void Executor::track_lock_order(int thread, const PendingOp& pending) {
    if (is_channel_op(pending.op)) {
        waited_ &= ~bit(thread);  // its send or receive went through: a later wait is a new one
        return;
    }
    std::vector<int>& held = held_[static_cast<std::size_t>(thread)];
    if (pending.op == Op::lock || pending.op == Op::lock_shared) {
        locks_taken_ = true;
        waited_ &= ~bit(thread);  // it has the lock: a later wait is a new one
        for (int first : held)
            if (first != pending.object)
                execution_.lock_edges.push_back({first, pending.object, thread});
        held.push_back(pending.object);
        return;
    }
    const auto last = std::find(held.rbegin(), held.rend(), pending.object);
    if (last != held.rend()) held.erase(std::next(last).base());
}

void Executor::refresh_view() {
    // A thread in front of a shared access can always take it; only a lock can hold one back.
    const ThreadMask at_lock = view_.unfinished & at_lock_;
    const ThreadMask may = at_lock != 0 ? may_lock(at_lock) : 0;
    view_.enabled = (view_.unfinished & ~at_lock_) | may;
    view_.can_wait = at_lock & ~may & ~waited_;
}

// Which of `threads`, each paused in front of a lock operation, can take it now. Out of line:
// the common step (a shared access) keeps decide() small.
[[gnu::noinline]] ThreadMask Executor::may_lock(ThreadMask threads) const {
    ThreadMask can = 0;
    for (ThreadMask rest = threads; rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        const PendingOp& pending = pending_[static_cast<std::size_t>(t)];
        if (objects_.can_step(pending.object, pending.op)) can |= bit(t);
    }
    return can;
}

// Called once per state, when the thread that took the last step has reached its next
// scheduling point or finished. Returns the thread that takes the next step (committed
// already), or -1 when the execution is over.
int Executor::decide() {
    refresh_view();
    if (draining_) {
        if (view_.enabled == 0) return -1;
        const int thread = view_.default_choice(view_.enabled);
        commit(thread);
        return thread;
    }
    int thread = choose();
    if (view_.enabled == 0) {
        if (running_)
            execution_.end =
                view_.unfinished == 0 ? ExecutionEnd::finished : ExecutionEnd::deadlock;
        running_ = false;
        return -1;
    }
    if (thread < 0) {
        stop(ExecutionEnd::stopped);  // not a schedule after all: drain it
        thread = view_.default_choice(view_.enabled);
    } else if ((view_.enabled & bit(thread)) == 0) [[unlikely]] {
        commit_wait(thread);  // the thread stays where it is: another choice, at once
        return decide();
    }
    commit(thread);
    return thread;
}

// The scheduler's choice: a thread, or -1. With no thread enabled -1 ends the execution;
// otherwise -1 stops it early, and the rest is drained without being part of a schedule.
int Executor::choose() {
    const Choice choice =
        view_.enabled == 0 ? scheduler_->at_end(view_) : scheduler_->next_thread(view_);
    if (choice.stop == StopKind::none) return choice.thread;
    execution_.stop = choice.stop;
    execution_.stop_position = view_.steps + 1;
    return -1;
}

// Ends the execution as a schedule; what is left of it is drained.
int Executor::stop(ExecutionEnd end) {
    if (running_) execution_.end = end;
    running_ = false;
    draining_ = true;
    return -1;
}

void Executor::commit(int thread) {
    const PendingOp pending = pending_[static_cast<std::size_t>(thread)];
    if (is_lock_op(pending.op)) [[unlikely]]
        track_lock_order(thread, pending);
    const int step = view_.steps;
    const StepLinks links = objects_.apply(pending.object, pending.op, thread, step);
    const bool preempts = view_.preempts(thread);
    view_.last_thread = thread;
    if (draining_) return;
    if (preempts) ++view_.preemptions;
    ++view_.steps;
    execution_.schedule.push_back(thread + 1);
    if (tracing_ || observed_) [[unlikely]]
        report_step(thread, pending, step, links);
}

// The chosen thread cannot have its lock: its step is to begin waiting for it. It moves no
// shared state, so the scheduler is not told of it (a reduction would only see a no-op).
[[gnu::noinline]] void Executor::commit_wait(int thread) {
    if (view_.preempts(thread)) ++view_.preemptions;
    view_.last_thread = thread;
    waited_ |= bit(thread);
    const int step = view_.steps++;
    execution_.schedule.push_back(thread + 1);
    if (tracing_) {
        trace_step(thread, step);
        TraceEvent& event = execution_.trace.events.back();
        event.waits = true;
        event.value = wait_reason(thread);
    }
}

// Out of commit's common path: an untraced random or pct series does neither.
[[gnu::noinline]] void Executor::report_step(int thread, const PendingOp& pending, int step,
                                             const StepLinks& links) {
    if (tracing_) trace_step(thread, step);
    if (observed_)
        scheduler_->step_committed(StepRecord{step, thread, pending.op, pending.object,
                                              links.reads_from, links.after_release},
                                   view_);
}

void Executor::trace_step(int thread, int step) {
    const VirtualThread& chosen = threads_[static_cast<std::size_t>(thread)];
    const PendingOp& pending = pending_[static_cast<std::size_t>(thread)];
    const SharedObject& object = objects_.object(pending.object);
    TraceEvent event;
    event.step = step + 1;
    event.thread = thread + 1;
    event.op = pending.op;
    event.target = object.name();
    event.operation = chosen.operation;
    event.operation_index = chosen.notes;
    event.object = reinterpret_cast<std::uintptr_t>(&object);
    execution_.trace.events.push_back(std::move(event));
}

// Whom `thread` waits for, in front of its lock (a channel: nobody in particular): "T1" (it holds
// the lock), "T2 and T3" (they read under it), "T3, a queued writer" (a reader kept out by a writer
// that goes first). Short: a lane shows "lock mx: waits for T1".
std::string Executor::wait_reason(int thread) const {
    const PendingOp& pending = pending_[static_cast<std::size_t>(thread)];
    const ObjectState& lock = objects_.state(pending.object);
    if (lock.kind == ObjectKind::channel) return {};  // plain "recv jobs: waits": fits a lane
    if (lock.writer >= 0) return fmt::format("T{}", lock.writer + 1);
    std::vector<std::string> names;
    const bool writer_first = pending.op == Op::lock_shared;  // else readers hold it
    for (int other = 0; other < thread_count_; ++other) {
        const std::size_t index = static_cast<std::size_t>(other);
        const std::vector<int>& held = held_[index];
        const bool queued = (at_lock_ & view_.unfinished & bit(other)) != 0 &&
                            pending_[index].object == pending.object &&
                            pending_[index].op == Op::lock;
        const bool reads = std::find(held.begin(), held.end(), pending.object) != held.end();
        if (writer_first ? queued : reads) names.push_back(fmt::format("T{}", other + 1));
    }
    return fmt::format(
        "{}{}", fmt::join(names, " and "),
        writer_first ? (names.size() == 1 ? ", a queued writer" : ", queued writers") : "");
}

// Thread `thread` is stopped in front of a lock it cannot take: what it holds and who holds
// what it wants.
Waiter Executor::waiter(int thread) const {
    Waiter waiter;
    waiter.thread = thread + 1;
    for (int lock : held_[static_cast<std::size_t>(thread)])
        waiter.holds.push_back(objects_.object(lock).name());
    const PendingOp& pending = pending_[static_cast<std::size_t>(thread)];
    waiter.waits_for = objects_.object(pending.object).name();
    // Its holders: the other threads (finished ones too) that took it and have not released it.
    for (int other = 0; other < thread_count_; ++other) {
        if (other == thread) continue;
        const std::vector<int>& held = held_[static_cast<std::size_t>(other)];
        if (std::find(held.begin(), held.end(), pending.object) != held.end())
            waiter.held_by.push_back(other + 1);
    }
    const ObjectState& lock = objects_.state(pending.object);  // only lock ops can block
    waiter.op = pending.op;
    if (lock.kind == ObjectKind::channel)
        waiter.reason = pending.op == Op::recv ? "nothing to receive"
                        : lock.capacity == 0   ? "no receiver"
                                               : "full";
    waiter.shared = pending.op == Op::lock_shared;
    waiter.writer_queued =
        pending.op == Op::lock_shared && lock.writer < 0 && lock.writers_waiting > 0;
    return waiter;
}

// No thread can move and some have not finished: who holds what, and waits for what. Taken
// before the blocked threads are unwound (which forgets it). Untraced, nobody reads it: the
// outcome is named only (the execution shown is replayed traced).
void Executor::record_deadlock() {
    if (!tracing_) {
        execution_.outcome = Outcome{std::string(deadlock_label), false, {}};
        return;
    }
    std::vector<int> finished;  // 1-based
    for (int t = 0; t < thread_count_; ++t)
        if ((view_.unfinished & bit(t)) == 0) finished.push_back(t + 1);
    for (ThreadMask rest = view_.unfinished; rest != 0; rest &= rest - 1)
        execution_.wait_for.push_back(waiter(lowest_thread(rest)));
    execution_.outcome = deadlock_outcome(execution_.wait_for, finished);
}

}  // namespace racedemo
