#include "engine/source_dpor.hpp"

#include <algorithm>

namespace racedemo {

SourceDpor::SourceDpor(int threads, std::vector<SearchNode>& path)
    : threads_(threads),
      path_(path),
      thread_clocks_(static_cast<std::size_t>(threads * threads), 0),
      pre_step_clock_(static_cast<std::size_t>(threads), 0),
      scratch_clock_(static_cast<std::size_t>(threads), 0),
      blocked_clock_(static_cast<std::size_t>(threads), 0),
      first_step_of_(static_cast<std::size_t>(threads), -1),
      last_event_(static_cast<std::size_t>(threads), -1),
      last_yield_(static_cast<std::size_t>(threads), -1),
      blocked_seen_(static_cast<std::size_t>(threads), -1) {}

void SourceDpor::begin_execution() {
    events_.clear();
    event_clocks_.clear();
    std::fill(thread_clocks_.begin(), thread_clocks_.end(), 0);
    std::fill(last_event_.begin(), last_event_.end(), -1);
    std::fill(last_yield_.begin(), last_yield_.end(), -1);
    std::fill(blocked_seen_.begin(), blocked_seen_.end(), -1);
    histories_used_ = 0;
    next_sleep_ = 0;
}

// Two steps of different threads are dependent when their object's rules say so; a yield is
// dependent on everything.
bool SourceDpor::dependent(const Footprint& a, const Footprint& b) const {
    if (a.object < 0 || b.object < 0) return true;
    if (a.object != b.object) return false;
    return histories_[static_cast<std::size_t>(a.object)].rules->dependent(a.shape, b.shape);
}

void SourceDpor::join(std::uint32_t* into, const std::uint32_t* from) const {
    for (int t = 0; t < threads_; ++t) into[t] = std::max(into[t], from[t]);
}

SourceDpor::History& SourceDpor::history(int object, const ObjectTable& objects) {
    while (histories_used_ <= static_cast<std::size_t>(object)) {
        if (histories_used_ == histories_.size()) histories_.emplace_back();
        History& fresh = histories_[histories_used_];
        const int index = static_cast<int>(histories_used_++);
        fresh.sync = objects.is_sync(index);
        fresh.rules = &objects.rules(index);
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
    if (step.object < 0) {
        for (int other = 0; other < threads_; ++other)  // a yield follows everything
            if (other != step.thread) join(clock, thread_clock(other));
        last_yield_[static_cast<std::size_t>(step.thread)] = step.step;
    } else {
        History& object = history(step.object, objects);
        record_access(object, step, clock);
        object.events.push_back(step.step);
    }
    for (int other = 0; other < threads_; ++other) {  // and everything follows a yield
        const int yield = last_yield_[static_cast<std::size_t>(other)];
        if (other != step.thread && yield >= 0) join(clock, event_clock(yield));
    }
    event_clocks_.insert(event_clocks_.end(), clock, clock + threads_);
    events_.push_back(
        Event{step.thread, local, Footprint{step.object, StepShape{step.op, step.wait}}});
    last_event_[static_cast<std::size_t>(step.thread)] = step.step;
}

void SourceDpor::record_access(History& object, const StepRecord& step, std::uint32_t* clock) {
    if (object.sync) {
        if (!object.events.empty()) join(clock, event_clock(object.events.back()));
        return;
    }
    if (object.last_write >= 0) join(clock, event_clock(object.last_write));
    if (step.op == Op::read) {
        object.reads_since_write.push_back(step.step);
        return;
    }
    for (int read : object.reads_since_write) join(clock, event_clock(read));
    object.reads_since_write.clear();
    object.last_write = step.step;
}

void SourceDpor::settle(int step, const ExecutionView& view, bool fresh) {
    if (fresh) find_races(step);
    races_of_blocked(view, fresh);
    if (static_cast<std::size_t>(step) + 1 == path_.size()) settle_sleep(step, view);
}

// A sleeping thread stays asleep past a step independent of its own next step.
void SourceDpor::settle_sleep(int step, const ExecutionView& view) {
    const Event& event = events_[static_cast<std::size_t>(step)];
    const SearchNode& node = path_[static_cast<std::size_t>(step)];
    const ThreadMask sleeping = (node.sleep | node.done) & ~bit(event.thread);
    next_sleep_ = 0;
    for (ThreadMask rest = sleeping; rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        const PendingOp& pending = view.pending_of(t);
        const Footprint next{pending.op == Op::yield ? -1 : pending.object,
                             StepShape{pending.op, (view.wait_next & bit(t)) != 0}};
        if (!dependent(next, event.footprint)) next_sleep_ |= bit(t);
    }
}

// The races a step closes: earlier steps of other threads it depends on directly, not through
// a third step or through its own thread's past.
void SourceDpor::find_races(int step) {
    const Event& event = events_[static_cast<std::size_t>(step)];
    const std::uint32_t* past = pre_step_clock_.data();
    const std::uint32_t* clock = event_clock(step);
    if (event.footprint.object < 0) return races_of_yield(step, past, clock);
    races_with_yields(step, past, clock);
    const History& object = histories_[static_cast<std::size_t>(event.footprint.object)];
    if (object.sync) {
        race_with_chain(object, step, event.thread, event.footprint, past, clock);
    } else if (event.footprint.shape.op == Op::read) {
        // Earlier writes are ordered before the last one.
        const int write = object.last_write;
        if (write < 0) return;
        const Event& written = events_[static_cast<std::size_t>(write)];
        if (past[written.thread] < written.local) reverse_race(write, step, event.thread, clock);
    } else {
        race_with_write(object, step, past, clock);
    }
}

// A yield races with the latest step of every other thread it is not already ordered after.
void SourceDpor::races_of_yield(int step, const std::uint32_t* past, const std::uint32_t* clock) {
    const int mover = events_[static_cast<std::size_t>(step)].thread;
    for (int other = 0; other < threads_; ++other) {
        const int latest = last_event_[static_cast<std::size_t>(other)];
        if (other == mover || latest < 0 || latest >= step) continue;
        const Event& earlier = events_[static_cast<std::size_t>(latest)];
        if (past[other] < earlier.local) reverse_race(latest, step, mover, clock);
    }
}

// Any step races with the latest yield of every other thread it is not already ordered after.
void SourceDpor::races_with_yields(int step, const std::uint32_t* past,
                                   const std::uint32_t* clock) {
    const int mover = events_[static_cast<std::size_t>(step)].thread;
    for (int other = 0; other < threads_; ++other) {
        const int yield = last_yield_[static_cast<std::size_t>(other)];
        if (other == mover || yield < 0) continue;
        const Event& earlier = events_[static_cast<std::size_t>(yield)];
        if (past[other] < earlier.local) reverse_race(yield, step, mover, clock);
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
        if (earlier.footprint.shape.op != Op::read) break;
    }
}

// A step on a lock or channel races with the latest earlier step of another thread on it that
// could have been enabled with it. Steps that could not (the release a blocked acquisition
// waited for) are passed over: the race is with the acquisition before them, which is how two
// critical sections swap. Where the rules say so (reader/writer locks, channels: whether two
// steps can be enabled together depends on more than the two of them), every earlier step
// that could be is taken as a race, back to the thread's own past.
void SourceDpor::race_with_chain(const History& chain, int step, int thread, const Footprint& later,
                                 const std::uint32_t* past, const std::uint32_t* clock) {
    for (auto it = chain.events.rbegin(); it != chain.events.rend(); ++it) {
        if (*it == step) continue;
        const Event& earlier = events_[static_cast<std::size_t>(*it)];
        if (past[earlier.thread] >= earlier.local) return;  // and so are all before it
        if (!chain.rules->coenabled(earlier.footprint.shape, later.shape)) continue;
        reverse_race(*it, step, thread, clock);
        if (!chain.rules->races_with_all_earlier()) return;
    }
}

// The threads blocked in front of a lock or channel operation in this state (not those held
// back only by a hand-off under way, which can go on right after it).
ThreadMask SourceDpor::blocked_threads(const ExecutionView& view) const {
    if (view.objects->claimant() >= 0) return 0;
    ThreadMask blocked = 0;
    for (ThreadMask rest = view.unfinished & ~view.enabled; rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        const PendingOp& pending = view.pending_of(t);
        if (pending.object >= 0 && view.objects->is_sync(pending.object)) blocked |= bit(t);
    }
    return blocked;
}

// Each blocked thread's race, found again whenever its object has had another step since.
void SourceDpor::races_of_blocked(const ExecutionView& view, bool fresh) {
    const ThreadMask blocked = blocked_threads(view);
    for (int t = 0; t < threads_; ++t) {
        int& seen = blocked_seen_[static_cast<std::size_t>(t)];
        if ((blocked & bit(t)) == 0) {
            seen = -1;
            continue;
        }
        const int object = view.pending_of(t).object;
        if (static_cast<std::size_t>(object) >= histories_used_) continue;  // nothing to race
        const int length =
            static_cast<int>(histories_[static_cast<std::size_t>(object)].events.size());
        if (seen == length) continue;
        seen = length;
        if (fresh) race_of_blocked_thread(t, view);
    }
}

// The blocked thread's operation as if it were the next step: its races with the steps on the
// object that keep it out.
void SourceDpor::race_of_blocked_thread(int thread, const ExecutionView& view) {
    const PendingOp& blocked = view.pending_of(thread);
    const History& chain = histories_[static_cast<std::size_t>(blocked.object)];
    if (chain.events.empty()) return;
    std::uint32_t* clock = blocked_clock_.data();
    std::copy(thread_clock(thread), thread_clock(thread) + threads_, clock);
    join(clock, event_clock(chain.events.back()));
    const Footprint acquisition{blocked.object, StepShape{blocked.op, false}};
    race_with_chain(chain, view.steps, thread, acquisition, thread_clock(thread), clock);
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
        const std::uint32_t* clock = step == later ? later_clock : event_clock(step);
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
