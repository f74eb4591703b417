// Trace analysis: finds the damage in an execution from its steps alone, whichever engine
// recorded them.
#include "trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
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
    }
    return "?";
}

namespace {

bool same_operation(const TraceEvent& a, const TraceEvent& b) {
    return a.thread == b.thread && a.operation_index == b.operation_index &&
           a.operation == b.operation;
}

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

// For a read at `index` that saw the write `seen` of another thread: the write with which
// that thread replaced the value later within the same operation, or kNone. Walks only the
// writer's own steps, and only while its operation lasts.
std::size_t replacing_write(const std::vector<TraceEvent>& events,
                            const std::vector<std::size_t>& writer_steps, std::size_t index,
                            std::size_t seen) {
    auto next = std::upper_bound(writer_steps.begin(), writer_steps.end(), index);
    for (; next != writer_steps.end(); ++next) {
        const TraceEvent& later = events[*next];
        if (!same_operation(later, events[seen])) return kNone;  // its operation had ended
        if (later.object == events[index].object && later.op == Op::write) return *next;
    }
    return kNone;
}

}  // namespace

// One pass forwards, remembering per object its latest write, latest access and each thread's
// latest read, so that a round of many thousand steps is analysed in about linear time.
int mark_damage(Trace& trace) {
    std::vector<TraceEvent>& events = trace.events;
    std::unordered_map<int, std::vector<std::size_t>> steps_of;  // thread -> its steps, in order
    for (std::size_t index = 0; index < events.size(); ++index)
        steps_of[events[index].thread].push_back(index);

    std::unordered_map<std::uint64_t, ObjectHistory> objects;
    int first_damage = 0;
    for (std::size_t index = 0; index < events.size(); ++index) {
        TraceEvent& event = events[index];
        if (event.op != Op::read && event.op != Op::write) continue;
        ObjectHistory& history = objects[event.object];
        if (event.op == Op::write) {
            const std::size_t latest = history.last_write;
            const std::size_t own_read = history.read_by(event.thread);
            // A lost update: another thread wrote after this thread last read the cell.
            if (latest != kNone && events[latest].thread != event.thread && own_read != kNone &&
                own_read < latest) {
                const TraceEvent& lost = events[latest];
                event.note = fmt::format("overwrites {} written by T{} at step {}", lost.value,
                                         lost.thread, lost.step);
            } else if (history.last_access != kNone && history.last_access == latest &&
                       events[latest].thread != event.thread &&
                       events[latest].value != event.value) {
                // A lost write: another thread's value that nobody read is replaced blindly.
                const TraceEvent& unseen = events[latest];
                event.note = fmt::format("overwrites {} written by T{} at step {}, unread",
                                         unseen.value, unseen.thread, unseen.step);
            }
            history.last_write = index;
        } else {
            const std::size_t seen = history.last_write;
            if (seen != kNone && events[seen].thread != event.thread) {
                std::size_t replacing =
                    replacing_write(events, steps_of[events[seen].thread], index, seen);
                if (replacing != kNone) {
                    event.note = fmt::format(
                        "sees a half-done write: T{} wrote {} at step {} and replaces it at step "
                        "{}",
                        events[seen].thread, events[seen].value, events[seen].step,
                        events[replacing].step);
                }
            }
            history.note_read(event.thread, index);
        }
        history.last_access = index;
        if (!event.note.empty() && (first_damage == 0 || event.step < first_damage))
            first_damage = event.step;
    }
    return first_damage;
}

}  // namespace racedemo
