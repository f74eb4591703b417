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

// How often (in steps) an execution looks at its stop token and beats its heart.
constexpr int kPollEvery = 256;
// How many steps an execution that is no schedule runs on before its threads are unwound.
constexpr int kDrainBudget = 4096;

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

Executor::~Executor() {
    if (limits_.probe != nullptr && limits_.probe->schedule == &execution_.schedule)
        limits_.probe->schedule = nullptr;
    close_threads();
}

// ---- Runtime -------------------------------------------------------------------------------

void Executor::before_access(const SharedObject& object, Op op) {
    if (phase_ == Phase::unwinding) return at_scheduling_point_in_teardown(op);
    const ObjectKind kind = is_channel_op(op) ? ObjectKind::channel : ObjectKind::cell;
    scheduling_point(objects_.index_of(object, kind), op);
}

void Executor::after_access(const SharedObject& object, Op op, std::uint64_t bits) {
    view_.last_bits = bits;  // for the next state's scheduler (reads_from)
    if (!tracing_ || phase_ != Phase::running || draining_) return;
    TraceEvent& event = execution_.trace.events.back();
    if (op != Op::close) event.value = object.show_bits(bits);
    if (is_channel_op(op))
        event.contents = static_cast<const ChannelObject&>(object).show_contents();
}

void Executor::after_update(const SharedObject& object, std::uint64_t before, std::uint64_t after) {
    view_.last_bits = before;  // what the thread learnt
    if (!tracing_ || phase_ != Phase::running || draining_) return;
    TraceEvent& event = execution_.trace.events.back();
    event.value = fmt::format("{} -> {}", object.show_bits(before), object.show_bits(after));
}

void Executor::acquire(LockObject& lock, LockKind kind) {
    const Op op = kind == LockKind::exclusive ? Op::lock : Op::lock_shared;
    if (phase_ == Phase::unwinding) return at_scheduling_point_in_teardown(op);
    scheduling_point(objects_.index_of(lock, kind_of(lock)), op);
}

void Executor::release(LockObject& lock, LockKind kind) {
    const Op op = kind == LockKind::exclusive ? Op::unlock : Op::unlock_shared;
    if (phase_ == Phase::unwinding) return at_scheduling_point_in_teardown(op);
    scheduling_point(objects_.index_of(lock, kind_of(lock)), op);
}

void Executor::yield_now() {
    if (phase_ == Phase::unwinding) return at_scheduling_point_in_teardown(Op::yield);
    scheduling_point(-1, Op::yield);
}

void Executor::note(std::string_view text) {
    if (!tracing_ || phase_ == Phase::unwinding) return;
    VirtualThread& thread = threads_[static_cast<std::size_t>(current_)];
    if (thread.notes++ == 0) thread.lane = text;
    thread.operation = text;
}

// peek()/poke() inside a thread: an access the model would never schedule. The execution ends at
// the thread's next scheduling point (over_limits()); its last step so far is where it happened.
void Executor::bypassed(const SharedObject& cell, Op op) {
    if (phase_ == Phase::unwinding || draining_ || !running_) return;
    const int index = objects_.index_of(cell, ObjectKind::cell);
    execution_.misuse =
        Misuse{MisuseKind::bypass, current_ + 1, objects_.name(index), 0, view_.steps, op};
    end_here(ExecutionEnd::misuse);
    next_check_ = 0;
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
    drained_ = 0;
    running_ = true;
    current_ = from_ = main_context;
    next_ = -1;
    next_check_ = std::min(kPollEvery, limits_.max_steps);
    view_.enabled = view_.wait_next = view_.yielded = view_.can_wait = 0;
    view_.unfinished = thread_count_ == max_model_threads ? ~ThreadMask{0} : bit(thread_count_) - 1;
    view_.steps = view_.preemptions = 0;
    view_.last_thread = -1;
    execution_.end = ExecutionEnd::finished;
    // Cleared in place: the strings keep their buffers.
    execution_.outcome.label.clear();
    execution_.outcome.corrupted = false;
    execution_.outcome.evidence.clear();
    execution_.schedule.clear();
    if (limits_.probe != nullptr) {
        limits_.probe->schedule = &execution_.schedule;
        ++limits_.probe->executions;
    }
    heartbeat_.fetch_add(1, std::memory_order_relaxed);
    execution_.preemptions = 0;
    if (execution_.failure) execution_.failure = nullptr;
    execution_.stop = StopKind::none;
    execution_.wait_for.clear();
    execution_.finished.clear();
    execution_.lock_edges.clear();
    execution_.bound_thread = -1;
    execution_.bound_thread_steps = 0;
    if (execution_.misuse) execution_.misuse.reset();
    halted_ = false;
    if (locks_taken_) {
        for (std::vector<int>& held : held_) held.clear();
        locks_taken_ = false;
    }
    at_sync_ = waited_ = 0;
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
    if (trial_spoiled_) trial_.reset();
    trial_spoiled_ = false;
    if (!trial_ || !trial_->reset()) trial_ = factory_(config_);
    play();
    finish_execution();  // on the main stack, no runtime installed
    running_thread_.store(-1, std::memory_order_relaxed);
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
    if (execution_.end == ExecutionEnd::bound) note_bound();
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
    VirtualThread& created = threads_[static_cast<std::size_t>(thread)];
    created.given_up = false;
    created.context.fiber = context::fiber(
        std::allocator_arg, PooledStack{&stacks_},
        [this, thread](context::fiber&& caller) { return thread_main(thread, std::move(caller)); });
    created.context.stack = stacks_.last_allocated();
    created.context.stack_size = fiber_stack_size;
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

// Suspends context `from` (the one running) and resumes `to`; returns when `from` is resumed.
void Executor::transfer(int from, int to) {
    Context& target = context(to);
    start_stack_switch(&context(from).fake_stack, target.stack, target.stack_size);
    from_ = from;
    current_ = to;
    running_thread_.store(to, std::memory_order_relaxed);
    arrived(from, std::move(target.fiber).resume());
}

// Context `self` runs again: keeps the suspended context of whoever switched to it.
void Executor::arrived(int self, context::fiber&& caller) {
    Context& previous = context(from_);
    finish_stack_switch(context(self).fake_stack, &previous.stack, &previous.stack_size);
    current_ = self;
    running_thread_.store(self, std::memory_order_relaxed);
    if (from_ != main_context && threads_[static_cast<std::size_t>(from_)].given_up) [[unlikely]]
        return bury(std::move(caller));
    previous.fiber = std::move(caller);
}

// A thread given up is never resumed: its handle is let go of without destroying it (which
// would unwind it), and its stack goes back to the pool.
[[gnu::noinline]] void Executor::bury(context::fiber&& given_up) {
    // Kept, never destroyed, where a leak checker sees it held.
    static auto* graveyard = new std::vector<context::fiber>;
    graveyard->push_back(std::move(given_up));
    Context& buried = context(from_);
    stacks_.reclaim(buried.stack);
    buried.stack = nullptr;
}

void Executor::scheduling_point(int object, Op op) {
    const int self = current_;
    pending_[static_cast<std::size_t>(self)] = PendingOp{object, op};
    if (object >= 0 && objects_.is_sync(object)) {
        at_sync_ |= bit(self);
    } else {
        at_sync_ &= ~bit(self);
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
    if (phase_ == Phase::unwinding) [[unlikely]]
        leave_scheduling_point(self);  // resumed to be torn down
}

// ---- Steps ---------------------------------------------------------------------------------

// Which locks a thread holds when it takes another: the edges of the lock-order graph. A
// drained step counts too: it is the program's own order, whoever chose it.
void Executor::track_lock_order(int thread, const PendingOp& pending) {
    if (is_channel_op(pending.op)) return;
    std::vector<int>& held = held_[static_cast<std::size_t>(thread)];
    if (pending.op == Op::lock || pending.op == Op::lock_shared) {
        locks_taken_ = true;
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
    // A thread in front of a shared access or a yield can always take it; only a lock or a
    // channel can hold one back.
    const ThreadMask at_sync = view_.unfinished & at_sync_;
    view_.enabled = view_.unfinished & ~at_sync_;
    view_.wait_next = view_.can_wait = 0;
    if (at_sync != 0) classify_waiting(at_sync);
    if (view_.yielded != 0) [[unlikely]] {
        // Fairness (CHESS): the thread that yielded waits for another to move, if one can.
        if ((view_.enabled & ~view_.yielded) != 0) view_.enabled &= ~view_.yielded;
        view_.wait_next &= view_.enabled;
    }
}

// Of `at_sync`, each paused in front of a lock or channel operation: which can take it now,
// which would take a step by starting to wait, and which can only be shown waiting. A hand-off
// under way leaves only its receive. Out of line: the common step (a shared access) keeps
// decide() small.
[[gnu::noinline]] void Executor::classify_waiting(ThreadMask at_sync) {
    ThreadMask can = 0, wait_steps = 0, shown_waits = 0;
    for (ThreadMask rest = at_sync; rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        const PendingOp& pending = pending_[static_cast<std::size_t>(t)];
        const bool waited = (waited_ & bit(t)) != 0;
        if (objects_.can_step(pending.object, pending.op, waited)) {
            can |= bit(t);
        } else if (!waited) {
            (objects_.wait_is_step(pending.object, pending.op) ? wait_steps : shown_waits) |=
                bit(t);
        }
    }
    if (objects_.claimant() >= 0) [[unlikely]] {
        view_.enabled = 0;
        for (ThreadMask rest = can; rest != 0; rest &= rest - 1) {
            const int t = lowest_thread(rest);
            if (pending_[static_cast<std::size_t>(t)].object == objects_.claimant())
                view_.enabled |= bit(t);
        }
        return;
    }
    view_.enabled |= can | wait_steps;
    view_.wait_next = wait_steps;
    view_.can_wait = shown_waits;
}

// Called once per state, when the thread that took the last step has reached its next
// scheduling point or finished. Returns the thread that takes the next step (committed
// already), or -1 when the execution is over.
int Executor::decide() {
    refresh_view();
    if (draining_) return drain_step();
    if (view_.enabled == 0) {
        const Choice last = scheduler_->at_end(view_);
        if (last.stop != StopKind::none) {
            execution_.stop = last.stop;
            execution_.stop_position = view_.steps + 1;
        }
        if (running_)
            execution_.end =
                view_.unfinished == 0 ? ExecutionEnd::finished : ExecutionEnd::deadlock;
        running_ = false;
        return -1;
    }
    if (over_limits()) return -1;
    const int thread = choose();
    if (thread < 0) {
        stop(ExecutionEnd::stopped);  // not a schedule after all: drain it
        return drain_step();
    }
    if ((view_.enabled & bit(thread)) == 0) [[unlikely]] {
        commit_wait(thread);  // the thread stays where it is: another choice, at once
        return decide();
    }
    if ((view_.wait_next & bit(thread)) != 0) [[unlikely]] {
        commit_visible_wait(thread);
        return decide();
    }
    commit(thread);
    return halted_ ? -1 : thread;  // a misuse: its thread goes no further
}

// The step bound, and every few hundred steps the stop token: an execution that passes
// either ends here, and its threads are unwound where they stand (draining could go on for
// ever). One comparison a step: `next_check_` is the nearer of the two.
bool Executor::over_limits() {
    if (view_.steps < next_check_) [[likely]]
        return false;
    if (!running_) return true;  // a misuse between two steps (bypassed()) ended it
    if (view_.steps >= limits_.max_steps) {
        end_here(ExecutionEnd::bound);
        return true;
    }
    next_check_ = std::min(view_.steps + kPollEvery, limits_.max_steps);
    heartbeat_.fetch_add(1, std::memory_order_relaxed);
    if (!limits_.stop.stop_requested()) return false;
    end_here(ExecutionEnd::interrupted);
    return true;
}

void Executor::end_here(ExecutionEnd end) {
    if (running_) execution_.end = end;
    running_ = false;
}

// An execution that is no schedule goes on by the default policy, unrecorded, for a while.
int Executor::drain_step() {
    if (view_.enabled == 0 || ++drained_ > kDrainBudget) return -1;
    if ((drained_ & (kPollEvery - 1)) == 0 && limits_.stop.stop_requested()) return -1;
    const ThreadMask runnable = view_.enabled & ~view_.wait_next;
    if (runnable == 0) {
        commit_visible_wait(view_.default_choice(view_.wait_next));
        refresh_view();
        return drain_step();
    }
    const int thread = view_.default_choice(runnable);
    commit(thread);
    return halted_ ? -1 : thread;
}

// The scheduler's choice: a thread, or -1 to stop the execution early (the rest is drained
// without being part of a schedule).
int Executor::choose() {
    const Choice choice = scheduler_->next_thread(view_);
    if (choice.stop == StopKind::none) return choice.thread;
    execution_.stop = choice.stop;
    execution_.stop_position = view_.steps + 1;
    return -1;
}

// Ends the execution as a schedule; what is left of it is drained.
int Executor::stop(ExecutionEnd end) {
    end_here(end);
    draining_ = true;
    return -1;
}

// The common step, a shared access in an untraced, unobserved execution, in as few instructions
// as it takes; everything else goes through commit_reported().
void Executor::commit(int thread) {
    const PendingOp pending = pending_[static_cast<std::size_t>(thread)];
    if (!is_access(pending.op) || tracing_ || observed_) [[unlikely]]
        return commit_reported(thread, pending);
    objects_.apply(pending.object, pending.op, thread, view_.steps, false);
    view_.yielded = 0;  // someone moved: a thread that yielded may run again
    const bool preempts = view_.preempts(thread);
    view_.last_thread = thread;
    if (draining_) return;
    if (preempts) ++view_.preemptions;
    ++view_.steps;
    execution_.schedule.push_back(thread + 1);
}

[[gnu::noinline]] void Executor::commit_reported(int thread, const PendingOp& pending) {
    StepLinks links;
    if (is_access(pending.op)) {
        links = objects_.apply(pending.object, pending.op, thread, view_.steps, false);
        view_.yielded = 0;
    } else {
        links = commit_sync(thread, pending);
    }
    const bool preempts = view_.preempts(thread);
    view_.last_thread = thread;
    if (draining_) return;
    if (preempts) ++view_.preemptions;
    const int step = view_.steps++;
    execution_.schedule.push_back(thread + 1);
    if (tracing_ || observed_) report_step(thread, pending, step, links, false);
}

// A lock or channel operation, or a yield.
StepLinks Executor::commit_sync(int thread, const PendingOp& pending) {
    // A thread that yields may not run next; any other step lets one that yielded run again.
    view_.yielded = pending.op == Op::yield ? bit(thread) : 0;
    if (pending.op == Op::yield) return {};
    if (misused(thread, pending)) [[unlikely]]
        return {};
    track_lock_order(thread, pending);
    const bool waited = (waited_ & bit(thread)) != 0;
    waited_ &= ~bit(thread);  // it goes on: a later wait is a new one
    return objects_.apply(pending.object, pending.op, thread, view_.steps, waited);
}

// Whether the step breaks its object's rules (a lock let go of by a thread that does not hold
// it, a closed channel closed again): then it is not applied, the execution ends with it (its
// last step), and its thread goes no further (halted_). Draining, it only halts.
bool Executor::misused(int thread, const PendingOp& pending) {
    // Taking a lock or receiving breaks no rule: only a release, a close or a send can.
    const Op op = pending.op;
    if (op == Op::lock || op == Op::lock_shared || op == Op::recv) [[likely]]
        return false;
    const std::vector<int>& held = held_[static_cast<std::size_t>(thread)];
    const bool holds = op == Op::unlock_shared &&
                       std::find(held.begin(), held.end(), pending.object) != held.end();
    const std::optional<MisuseKind> kind =
        objects_.misuse(pending.object, pending.op, thread, holds);
    if (!kind) [[likely]]
        return false;
    halted_ = true;
    if (!running_) return true;
    const ObjectState& state = objects_.state(pending.object);
    execution_.misuse = Misuse{*kind,
                               thread + 1,
                               objects_.name(pending.object),
                               state.writer >= 0 ? state.writer + 1 : 0,
                               view_.steps + 1,
                               pending.op};
    end_here(ExecutionEnd::misuse);
    return true;
}

// The chosen thread cannot go on, and its waiting changes nothing: its step is to begin
// waiting, shown but not told to the scheduler (a reduction would only see a no-op).
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
        note_whom_it_waits_for(thread, event);
    }
}

// The chosen thread cannot go on, and starting to wait is a step that others see (a writer
// queues): the object's state changes, and the scheduler is told like any step.
[[gnu::noinline]] void Executor::commit_visible_wait(int thread) {
    const PendingOp pending = pending_[static_cast<std::size_t>(thread)];
    objects_.wait(pending.object, pending.op);
    waited_ |= bit(thread);
    const bool preempts = view_.preempts(thread);
    view_.last_thread = thread;
    view_.yielded = 0;
    if (draining_) return;
    if (preempts) ++view_.preemptions;
    const int step = view_.steps++;
    execution_.schedule.push_back(thread + 1);
    if (tracing_ || observed_) report_step(thread, pending, step, StepLinks{}, true);
    if (!tracing_) return;
    TraceEvent& event = execution_.trace.events.back();
    event.waits = true;
    note_whom_it_waits_for(thread, event);
}

// Out of commit's common path: an untraced random or pct series does neither.
[[gnu::noinline]] void Executor::report_step(int thread, const PendingOp& pending, int step,
                                             const StepLinks& links, bool wait) {
    if (tracing_) trace_step(thread, step);
    if (observed_)
        scheduler_->step_committed(StepRecord{step, thread, pending.op, wait, pending.object,
                                              links.reads_from, links.after_release},
                                   view_);
}

void Executor::trace_step(int thread, int step) {
    const VirtualThread& chosen = threads_[static_cast<std::size_t>(thread)];
    const PendingOp& pending = pending_[static_cast<std::size_t>(thread)];
    TraceEvent event;
    event.step = step + 1;
    event.thread = thread + 1;
    event.op = pending.op;
    if (pending.object >= 0) {
        event.target = objects_.name(pending.object);
        event.object = reinterpret_cast<std::uintptr_t>(&objects_.object(pending.object));
    }
    event.operation = chosen.operation;
    event.operation_index = chosen.notes;
    execution_.trace.events.push_back(std::move(event));
}

// The unfinished thread with the most steps: the one that ran on and on.
void Executor::note_bound() {
    std::vector<int> steps(static_cast<std::size_t>(thread_count_), 0);
    for (int thread : execution_.schedule) ++steps[static_cast<std::size_t>(thread - 1)];
    for (int t = 0; t < thread_count_; ++t) {
        const int taken = steps[static_cast<std::size_t>(t)];
        if (threads_[static_cast<std::size_t>(t)].finished) continue;
        if (taken <= execution_.bound_thread_steps) continue;
        execution_.bound_thread = t;
        execution_.bound_thread_steps = taken;
    }
    execution_.outcome = Outcome{std::string(step_bound_label), false, {}};
}

}  // namespace racedemo
