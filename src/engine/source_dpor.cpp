#include "engine/source_dpor.hpp"

#include <algorithm>

namespace racedemo {
namespace {

bool is_lock_op(Op op) {
    return op != Op::read && op != Op::write;
}
bool is_acquire(Op op) {
    return op == Op::lock || op == Op::lock_shared;
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

}  // namespace

SourceDpor::SourceDpor(int threads, std::vector<SearchNode>& path)
    : threads_(threads),
      path_(path),
      thread_clocks_(static_cast<std::size_t>(threads * threads), 0),
      pre_step_clock_(static_cast<std::size_t>(threads), 0),
      scratch_clock_(static_cast<std::size_t>(threads), 0),
      first_step_of_(static_cast<std::size_t>(threads), -1) {}

void SourceDpor::begin_execution() {
    events_.clear();
    event_clocks_.clear();
    std::fill(thread_clocks_.begin(), thread_clocks_.end(), 0);
    histories_used_ = 0;
    next_sleep_ = next_sleep_arrivals_ = 0;
}

// Two steps are dependent when their order can matter: the same cell with a write among them,
// any two operations on the same lock, a pending writer and the lock's operations.
bool SourceDpor::dependent(const Footprint& a, const Footprint& b) {
    if (a.object == b.object) return is_lock_op(a.op) || a.op == Op::write || b.op == Op::write;
    if (a.arrival >= 0 && (a.arrival == b.object || a.arrival == b.arrival)) return true;
    return b.arrival >= 0 && b.arrival == a.object;
}

void SourceDpor::join(std::uint32_t* into, const std::uint32_t* from) const {
    for (int t = 0; t < threads_; ++t) into[t] = std::max(into[t], from[t]);
}

SourceDpor::History& SourceDpor::history(int object, const ObjectTable& objects) {
    while (histories_used_ <= static_cast<std::size_t>(object)) {
        if (histories_used_ == histories_.size()) histories_.emplace_back();
        History& fresh = histories_[histories_used_];
        const int index = static_cast<int>(histories_used_++);
        fresh.is_lock = objects.is_lock(index);
        fresh.reader_writer = objects.is_reader_writer(index);
        fresh.events.clear();
        fresh.reads_since_write.clear();
        fresh.last_write = -1;
    }
    return histories_[static_cast<std::size_t>(object)];
}

// Gives the step just committed its vector clock: its thread's past, joined with every earlier
// step it depends on.
void SourceDpor::record(const StepRecord& step, const ObjectTable& objects) {
    std::uint32_t* clock = thread_clock(step.thread);
    std::copy(clock, clock + threads_, pre_step_clock_.begin());
    const std::uint32_t local = ++clock[step.thread];

    History& object = history(step.object, objects);
    if (object.is_lock) {
        if (!object.events.empty()) join(clock, event_clock(object.events.back()));
    } else if (step.op == Op::read) {
        if (object.last_write >= 0) join(clock, event_clock(object.last_write));
        object.reads_since_write.push_back(step.step);
    } else {
        if (object.last_write >= 0) join(clock, event_clock(object.last_write));
        for (int read : object.reads_since_write) join(clock, event_clock(read));
        object.reads_since_write.clear();
        object.last_write = step.step;
    }
    object.events.push_back(step.step);
    event_clocks_.insert(event_clocks_.end(), clock, clock + threads_);
    events_.push_back(Event{step.thread, local, Footprint{step.object, step.op, -1}});
}

void SourceDpor::settle(int step, const ExecutionView& view, bool fresh) {
    const int mover = events_[static_cast<std::size_t>(step)].thread;
    const PendingOp& next = view.pending_of(mover);
    if ((view.unfinished & bit(mover)) != 0 && next.op == Op::lock &&
        view.objects->is_reader_writer(next.object))
        settle_arrival(step, view, fresh);
    if (fresh) find_races(step);
    if (static_cast<std::size_t>(step) + 1 == path_.size()) settle_sleep(step, view);
}

// The thread now waits to write-lock a RW lock, which holds back new readers: part of this
// step, which therefore joins the lock's chain of operations.
void SourceDpor::settle_arrival(int step, const ExecutionView& view, bool fresh) {
    Event& event = events_[static_cast<std::size_t>(step)];
    const int mover = event.thread;
    const int lock = view.pending_of(mover).object;
    event.footprint.arrival = lock;
    path_[static_cast<std::size_t>(step)].done_arrivals |= bit(mover);
    History& chain = history(lock, *view.objects);
    if (!chain.events.empty() && chain.events.back() == step) return;
    if (!chain.events.empty()) {
        join(event_clock(step), event_clock(chain.events.back()));
        join(thread_clock(mover), event_clock(chain.events.back()));
        if (fresh) {
            race_with_lock_chain(chain, lock, step, mover, event.footprint, pre_step_clock_.data(),
                                 event_clock(step));
        }
    }
    chain.events.push_back(step);
}

// A sleeping thread stays asleep past a step independent of its own next step.
void SourceDpor::settle_sleep(int step, const ExecutionView& view) {
    const Event& event = events_[static_cast<std::size_t>(step)];
    const SearchNode& node = path_[static_cast<std::size_t>(step)];
    const ThreadMask sleeping = (node.sleep | node.done) & ~bit(event.thread);
    const ThreadMask arrivals = node.sleep_arrivals | node.done_arrivals;
    const bool touches_locks = is_lock_op(event.footprint.op) || event.footprint.arrival >= 0;
    next_sleep_ = next_sleep_arrivals_ = 0;
    for (ThreadMask rest = sleeping; rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        const PendingOp& pending = view.pending_of(t);
        const bool wakes = dependent(Footprint{pending.object, pending.op, -1}, event.footprint) ||
                           ((arrivals & bit(t)) != 0 && touches_locks);
        if (!wakes) {
            next_sleep_ |= bit(t);
            next_sleep_arrivals_ |= arrivals & bit(t);
        }
    }
}

// The races a step closes: earlier steps of other threads it depends on directly, not through
// a third step or through its own thread's past.
void SourceDpor::find_races(int step) {
    const Event& event = events_[static_cast<std::size_t>(step)];
    const std::uint32_t* past = pre_step_clock_.data();
    const std::uint32_t* clock = event_clock(step);
    const History& object = histories_[static_cast<std::size_t>(event.footprint.object)];
    if (object.is_lock) {
        race_with_lock_chain(object, event.footprint.object, step, event.thread, event.footprint,
                             past, clock);
    } else if (event.footprint.op == Op::read) {
        // Earlier writes are ordered before the last one.
        const int write = object.last_write;
        if (write < 0) return;
        const Event& written = events_[static_cast<std::size_t>(write)];
        if (past[written.thread] < written.local) reverse_race(write, step, event.thread, clock);
    } else {
        race_with_write(object, step, past, clock);
    }
}

// The reads since the last write race with this write independently of each other; the last
// write only when no read came after it.
void SourceDpor::race_with_write(const History& history, int step, const std::uint32_t* past,
                                 const std::uint32_t* clock) {
    const int mover = events_[static_cast<std::size_t>(step)].thread;
    std::uint32_t* seen = scratch_clock_.data();
    std::copy(past, past + threads_, seen);
    for (auto it = history.events.rbegin(); it != history.events.rend(); ++it) {
        if (*it == step) continue;
        const Event& earlier = events_[static_cast<std::size_t>(*it)];
        if (seen[earlier.thread] < earlier.local) reverse_race(*it, step, mover, clock);
        join(seen, event_clock(*it));
        if (earlier.footprint.op == Op::write) break;
    }
}

// A step in a lock's chain races with the latest earlier one of another thread that could
// have been enabled with it. Steps that could not (the release a blocked acquisition waited
// for) are passed over: the race is with the acquisition before them, which is how two
// critical sections swap. On a reader/writer lock whether two steps can be enabled together
// also depends on waiting writers, so a reversal may be infeasible; there every earlier step
// that could be is taken as a race, back to the thread's own past.
void SourceDpor::race_with_lock_chain(const History& chain, int chain_object, int step, int thread,
                                      const Footprint& later, const std::uint32_t* past,
                                      const std::uint32_t* clock) {
    // A writer starting to wait is an ordinary step, enabled whatever the lock's state.
    const bool later_waits = later.object != chain_object;
    for (auto it = chain.events.rbegin(); it != chain.events.rend(); ++it) {
        if (*it == step) continue;
        const Event& earlier = events_[static_cast<std::size_t>(*it)];
        if (past[earlier.thread] >= earlier.local) return;  // and so are all before it
        const bool earlier_waits = earlier.footprint.object != chain_object;
        if (!later_waits && !earlier_waits && !lock_ops_coenabled(earlier.footprint.op, later.op))
            continue;
        reverse_race(*it, step, thread, clock);
        if (!chain.reader_writer) return;
    }
}

// A deadlocked execution ends with threads whose acquisitions never happened: their races with
// the holders are found as if they had.
void SourceDpor::races_of_blocked_threads(const ExecutionView& view) {
    for (ThreadMask rest = view.unfinished; rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        const PendingOp& blocked = view.pending_of(t);
        if (static_cast<std::size_t>(blocked.object) >= histories_used_) continue;
        const History& chain = histories_[static_cast<std::size_t>(blocked.object)];
        if (chain.events.empty()) continue;
        std::uint32_t* clock = scratch_clock_.data();
        std::copy(thread_clock(t), thread_clock(t) + threads_, clock);
        join(clock, event_clock(chain.events.back()));
        const Footprint acquisition{blocked.object, blocked.op, -1};
        race_with_lock_chain(chain, blocked.object, view.steps, t, acquisition, thread_clock(t),
                             clock);
    }
}

// Source-DPOR's reversal of the race between steps `earlier` and `later` (of `thread`, with
// vector clock `later_clock`; `later` may be one past the last step, for a blocked thread).
// v = the steps in between that do not happen after `earlier`, then `later`. Some thread that
// can start v must run in the state before `earlier`. Picking the racing thread itself is not
// enough with sleep sets: v may have to start with a third thread's step.
void SourceDpor::reverse_race(int earlier, int later, int thread,
                              const std::uint32_t* later_clock) {
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

    const ThreadMask initials = initials_of_reversal(later, later_clock);
    SearchNode& node = path_[static_cast<std::size_t>(earlier)];
    if ((initials & (node.backtrack | node.sleep)) != 0) return;  // explored or covered
    const ThreadMask can_start = initials & node.enabled;
    if (can_start == 0) {
        node.backtrack |= node.enabled;  // v cannot start there (a lock is held): try them all
    } else {
        node.backtrack |=
            (can_start & bit(thread)) != 0 ? bit(thread) : bit(lowest_thread(can_start));
    }
}

// The initials of v: threads whose first step in v has no predecessor in v.
ThreadMask SourceDpor::initials_of_reversal(int later, const std::uint32_t* later_clock) const {
    ThreadMask initials = 0;
    for (int u = 0; u < threads_; ++u) {
        const int step = first_step_of_[static_cast<std::size_t>(u)];
        if (step < 0) continue;
        const std::uint32_t* clock =
            step == later ? later_clock : &event_clocks_[static_cast<std::size_t>(step * threads_)];
        bool preceded = false;
        for (int w = 0; w < threads_ && !preceded; ++w) {
            const int other = first_step_of_[static_cast<std::size_t>(w)];
            if (w == u || other < 0 || other >= step) continue;
            preceded = clock[w] >= events_[static_cast<std::size_t>(other)].local;
        }
        if (!preceded) initials |= bit(u);
    }
    return initials;
}

}  // namespace racedemo
