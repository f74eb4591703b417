// Trace analysis: finds the damage in an execution from its steps alone, whichever engine
// recorded them.
#include "core/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <tuple>
#include <unordered_map>

namespace racedemo {

std::string_view op_name(Op op) {
    switch (op) {
        case Op::read:
            return "read";
        case Op::write:
            return "write";
        case Op::lock:
            return "lock";
        case Op::unlock:
            return "unlock";
        case Op::lock_shared:
            return "rlock";
        case Op::unlock_shared:
            return "runlock";
        case Op::send:
            return "send";
        case Op::recv:
            return "recv";
        case Op::close:
            return "close";
        case Op::update:
            return "update";
        case Op::yield:
            return "yield";
    }
    return "?";
}

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// What the analysis remembers of one shared object while it walks the trace forwards.
struct ObjectHistory {
    std::size_t last_write = kNone;                         // the latest write to it
    std::size_t last_access = kNone;                        // the latest read or write
    std::vector<std::pair<int, std::size_t>> last_read_by;  // (thread, its latest read)

    std::size_t read_by(int thread) const {
        for (auto [reader, index] : last_read_by)
            if (reader == thread) return index;
        return kNone;
    }
    void note_read(int thread, std::size_t index) {
        for (auto& [reader, latest] : last_read_by)
            if (reader == thread) return void(latest = index);
        last_read_by.emplace_back(thread, index);
    }
};

// For every step: the step at which its thread's operation ends (that thread's first later step
// of another operation), or kNone while it lasts to the end of the trace.
std::vector<std::size_t> operation_ends(const std::vector<TraceEvent>& events) {
    std::vector<std::size_t> ends(events.size(), kNone);
    std::unordered_map<int, std::size_t> later_step;  // thread -> its next step, walking back
    for (std::size_t index = events.size(); index-- > 0;) {
        auto [later, first_seen] = later_step.try_emplace(events[index].thread, index);
        if (first_seen) continue;
        ends[index] = same_operation(events[index], events[later->second]) ? ends[later->second]
                                                                           : later->second;
        later->second = index;
    }
    return ends;
}

// For every write: the next write of the same thread to the same object, or kNone.
std::vector<std::size_t> next_own_writes(const std::vector<TraceEvent>& events) {
    std::vector<std::size_t> next(events.size(), kNone);
    std::unordered_map<std::uint64_t, std::vector<std::pair<int, std::size_t>>> later_write;
    for (std::size_t index = events.size(); index-- > 0;) {
        const TraceEvent& event = events[index];
        if (event.op != Op::write) continue;
        auto& writers = later_write[event.object];
        auto own = std::find_if(writers.begin(), writers.end(),
                                [&](const auto& entry) { return entry.first == event.thread; });
        if (own == writers.end()) {
            writers.emplace_back(event.thread, index);
        } else {
            next[index] = own->second;
            own->second = index;
        }
    }
    return next;
}

// What each thread's current operation has read, and which of those reads another thread has
// made stale since (written after them): a write that acts on a stale read acts on old news.
class StaleReads {
  public:
    struct Read {
        std::uint64_t object;
        std::size_t read;             // the thread's latest read of it in this operation
        std::size_t changed = kNone;  // the first write of another thread after it
    };

    // Called for every event: a thread that starts another operation forgets its reads.
    void enter(const std::vector<TraceEvent>& events, std::size_t index) {
        const TraceEvent& event = events[index];
        auto [last, first_seen] = last_event_.try_emplace(event.thread, index);
        if (!first_seen && !same_operation(events[last->second], event))
            reads_[event.thread].clear();
        last->second = index;
    }
    void read(int thread, std::uint64_t object, std::size_t index) {
        std::vector<Read>& reads = reads_[thread];
        auto known = std::find_if(reads.begin(), reads.end(),
                                  [&](const Read& read) { return read.object == object; });
        if (known == reads.end()) return reads.push_back(Read{object, index});
        *known = Read{object, index};  // read afresh: no longer stale
    }
    void written(int writer, std::uint64_t object, std::size_t index) {
        for (auto& [thread, reads] : reads_) {
            if (thread == writer) continue;
            for (Read& read : reads)
                if (read.object == object && read.changed == kNone) read.changed = index;
        }
    }
    // What `thread`'s current operation has read so far.
    const std::vector<Read>& reads_of(int thread) { return reads_[thread]; }
    // The read of `thread`'s operation made stale first, if any.
    const Read* first_stale(int thread) const {
        auto found = reads_.find(thread);
        if (found == reads_.end()) return nullptr;
        const Read* first = nullptr;
        for (const Read& read : found->second)
            if (read.changed != kNone && (first == nullptr || read.changed < first->changed))
                first = &read;
        return first;
    }

  private:
    std::unordered_map<int, std::size_t> last_event_;
    std::unordered_map<int, std::vector<Read>> reads_;
};

// The damage a write does, given what the analysis knows of its object so far:
//  - a lost update: another thread wrote after this thread last read the cell;
//  - a lost write: another thread's value that nobody read is replaced blindly;
//  - a write on old news: it replaces another thread's value while its operation acts on a
//    value that another thread has changed since it was read.
// None when it does none.
Damage write_damage(const std::vector<TraceEvent>& events, const ObjectHistory& history,
                    const StaleReads& stale, const TraceEvent& event) {
    const std::size_t latest = history.last_write;
    if (latest == kNone || events[latest].thread == event.thread) return {};
    const TraceEvent& earlier = events[latest];
    Damage overwrites;
    overwrites.kind = DamageKind::lost_update;
    overwrites.other_thread = earlier.thread;
    overwrites.other_step = earlier.step;
    overwrites.other_value = earlier.value;
    const std::size_t own_read = history.read_by(event.thread);
    if (own_read != kNone && own_read < latest) {
        // Said as the read it undoes: a write-back of the same value loses an update too.
        overwrites.stale_target = events[own_read].target;
        overwrites.stale_thread = event.thread;
        overwrites.stale_step = events[own_read].step;
        overwrites.changed_step = earlier.step;
        return overwrites;
    }
    if (earlier.value == event.value) return {};
    if (history.last_access == latest) {
        overwrites.kind = DamageKind::lost_write;
        return overwrites;
    }
    const StaleReads::Read* old_news = stale.first_stale(event.thread);
    if (old_news == nullptr) return {};
    const TraceEvent& read = events[old_news->read];
    overwrites.kind = DamageKind::stale_write;
    overwrites.stale_target = read.target;
    overwrites.stale_thread = read.thread;
    overwrites.stale_step = read.step;
    overwrites.changed_step = events[old_news->changed].step;
    return overwrites;
}

// Steps in a trace's order that the analysis of reads needs: when each operation ends, and
// each write's next write by the same thread to the same object.
struct OperationBounds {
    std::vector<std::size_t> operation_end;
    std::vector<std::size_t> next_own_write;
};

// The first write of the operation of `seen` after the read at `index` to an object that the
// reader's own operation read before it, or kNone: the read at `index` sees that operation's
// write `seen` done, and that object not yet changed.
std::pair<std::size_t, std::size_t> later_change_of_earlier_read(
    const std::vector<TraceEvent>& events, std::size_t seen, std::size_t index,
    const std::vector<StaleReads::Read>& reads, const OperationBounds& bounds) {
    const std::size_t end = std::min(bounds.operation_end[seen], events.size());
    for (std::size_t later = index + 1; later < end; ++later) {
        const TraceEvent& write = events[later];
        if (write.thread != events[seen].thread || write.op != Op::write) continue;
        for (const StaleReads::Read& read : reads)
            if (read.object == write.object) return {later, read.read};
    }
    return {kNone, kNone};
}

// A read that sees another thread's write `seen` sees its operation half-done when that thread
// writes the object again before its operation ends, or writes there an object this thread's
// operation read before. `seen` is the object's latest write before the read, so that thread's
// next write to it comes after the read.
Damage read_damage(const std::vector<TraceEvent>& events, const ObjectHistory& history,
                   std::size_t index, const std::vector<StaleReads::Read>& reads,
                   const OperationBounds& bounds) {
    const TraceEvent& event = events[index];
    const std::size_t seen = history.last_write;
    if (seen == kNone || events[seen].thread == event.thread) return {};
    std::size_t replacing = bounds.next_own_write[seen], earlier_read = kNone;
    if (replacing == kNone || replacing >= bounds.operation_end[seen])
        std::tie(replacing, earlier_read) =
            later_change_of_earlier_read(events, seen, index, reads, bounds);
    if (replacing == kNone) return {};
    Damage half_done;
    if (earlier_read != kNone) {
        half_done.replaced_target = events[replacing].target;
        half_done.earlier_read_step = events[earlier_read].step;
    }
    half_done.kind = DamageKind::half_done_read;
    half_done.other_thread = events[seen].thread;
    half_done.other_step = events[seen].step;
    half_done.other_value = events[seen].value;
    half_done.replaced_step = events[replacing].step;
    half_done.other_operation = events[seen].operation;
    return half_done;
}

}  // namespace

namespace {

// Whether the thread's last step in the trace is a wait (it never got the lock after it).
bool waits_at_end(const Trace& trace, int thread) {
    const auto last =
        std::find_if(trace.events.rbegin(), trace.events.rend(),
                     [thread](const TraceEvent& event) { return event.thread == thread; });
    return last != trace.events.rend() && last->waits;
}

}  // namespace

void add_deadlock_ending(Trace& trace, const std::vector<Waiter>& wait_for,
                         const std::vector<int>& finished) {
    for (const Waiter& waiter : wait_for) {
        for (int holder : waiter.held_by) {
            if (std::find(finished.begin(), finished.end(), holder) == finished.end()) continue;
            const TraceAbandoned abandoned{holder, waiter.waits_for};
            const bool known = std::any_of(
                trace.abandoned.begin(), trace.abandoned.end(), [&](const TraceAbandoned& seen) {
                    return seen.thread == abandoned.thread && seen.lock == abandoned.lock;
                });
            if (!known) trace.abandoned.push_back(abandoned);
        }
    }
    // A waiter whose wait is a step of the trace already is not shown waiting twice.
    for (const Waiter& waiter : wait_for)
        if (!waits_at_end(trace, waiter.thread)) trace.waits.push_back({waiter.thread, waiter});
}

bool same_operation(const TraceEvent& a, const TraceEvent& b) {
    return a.thread == b.thread && a.operation_index == b.operation_index &&
           a.operation == b.operation;
}

const TraceEvent* first_damage(const Trace& trace) {
    for (const TraceEvent& event : trace.events)
        if (event.damage) return &event;
    return nullptr;
}

// One pass forwards, remembering per object its latest write, latest access and each thread's
// latest read, so that a round of many thousand steps is analysed in linear time.
int mark_damage(Trace& trace, DamageScope scope) {
    std::vector<TraceEvent>& events = trace.events;
    const OperationBounds bounds{operation_ends(events), next_own_writes(events)};
    std::unordered_map<std::uint64_t, ObjectHistory> objects;
    StaleReads stale;
    int first_damage = 0;
    for (std::size_t index = 0; index < events.size(); ++index) {
        TraceEvent& event = events[index];
        stale.enter(events, index);
        if (event.op != Op::read && event.op != Op::write) continue;
        ObjectHistory& history = objects[event.object];
        Damage damage = event.op == Op::write ? write_damage(events, history, stale, event)
                                              : read_damage(events, history, index,
                                                            stale.reads_of(event.thread), bounds);
        if (damage) event.damage = std::move(damage);
        if (event.op == Op::write) {
            history.last_write = index;
            stale.written(event.thread, event.object, index);
        } else {
            history.note_read(event.thread, index);
            stale.read(event.thread, event.object, index);
        }
        history.last_access = index;
        if (event.damage && (first_damage == 0 || event.step < first_damage)) {
            first_damage = event.step;
            if (scope == DamageScope::first) break;
        }
    }
    return first_damage;
}

namespace {

bool same_step(const TraceEvent& a, const TraceEvent& b) {
    return a.op == b.op && a.target == b.target && a.value == b.value && a.waits == b.waits;
}

// Whether the last `period` of `steps` were each also taken `period` and 2 * `period` back.
bool repeats(const std::vector<const TraceEvent*>& steps, std::size_t period) {
    if (steps.size() < 3 * period) return false;
    const std::size_t end = steps.size();
    for (std::size_t i = end - period; i < end; ++i)
        if (!same_step(*steps[i], *steps[i - period]) ||
            !same_step(*steps[i], *steps[i - 2 * period]))
            return false;
    return true;
}

}  // namespace

std::vector<const TraceEvent*> repeated_steps(const Trace& trace, int thread) {
    constexpr std::size_t kLongestRound = 8, kLookBack = 3 * kLongestRound, kFallback = 3;
    std::vector<const TraceEvent*> steps;  // its last steps, oldest first
    for (auto it = trace.events.rbegin(); it != trace.events.rend() && steps.size() < kLookBack;
         ++it)
        if (it->thread == thread) steps.push_back(&*it);
    std::reverse(steps.begin(), steps.end());
    std::size_t keep = std::min(kFallback, steps.size());
    for (std::size_t period = 1; period <= kLongestRound; ++period) {
        if (!repeats(steps, period)) continue;
        keep = period;
        break;
    }
    return {steps.end() - static_cast<std::ptrdiff_t>(keep), steps.end()};
}

}  // namespace racedemo
