// Trace analysis: finds the damage in an execution from its steps alone, whichever engine
// recorded them.
#include "trace.hpp"

#include <fmt/format.h>

#include <cstddef>

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

bool is_access(const TraceEvent& event) {
    return event.op == Op::read || event.op == Op::write;
}

bool same_operation(const TraceEvent& a, const TraceEvent& b) {
    return a.thread == b.thread && a.operation_index == b.operation_index &&
           a.operation == b.operation;
}

// A write that overwrites what another thread wrote after this thread last read the cell: the
// other thread's update is lost. Returns the overwritten write, or null.
const TraceEvent* overwritten_write(const std::vector<TraceEvent>& events, std::size_t index) {
    const TraceEvent& write = events[index];
    const TraceEvent* latest_foreign_write = nullptr;
    for (std::size_t i = index; i-- > 0;) {
        const TraceEvent& earlier = events[i];
        if (earlier.object != write.object || !is_access(earlier)) continue;
        if (earlier.thread == write.thread) {
            // Its own last read (or write) of the cell: what it knew about the cell then.
            if (earlier.op == Op::read) return latest_foreign_write;
            if (latest_foreign_write == nullptr) return nullptr;  // it had already overwritten
            continue;
        }
        if (earlier.op == Op::write && latest_foreign_write == nullptr)
            latest_foreign_write = &earlier;
    }
    return nullptr;  // a blind write: it never claimed to know the cell's value
}

// A blind write over what another thread wrote that no thread has read since: that value
// vanishes unseen (two pushes filling the same slot). Returns the vanished write, or null.
const TraceEvent* unread_write_overwritten(const std::vector<TraceEvent>& events,
                                           std::size_t index) {
    const TraceEvent& write = events[index];
    for (std::size_t i = index; i-- > 0;) {
        const TraceEvent& earlier = events[i];
        if (earlier.object != write.object || !is_access(earlier)) continue;
        if (earlier.op == Op::read) return nullptr;  // someone saw the value
        // Rewriting the same value loses nothing.
        return earlier.thread != write.thread && earlier.value != write.value ? &earlier : nullptr;
    }
    return nullptr;
}

// For a read: the write it saw, when that write was an intermediate value that its writer
// replaced later in the same operation. Returns {seen write, replacing write} or nulls.
std::pair<const TraceEvent*, const TraceEvent*> half_done_write(
    const std::vector<TraceEvent>& events, std::size_t index) {
    const TraceEvent& read = events[index];
    const TraceEvent* seen = nullptr;
    for (std::size_t i = index; i-- > 0;) {
        if (events[i].object == read.object && events[i].op == Op::write) {
            seen = &events[i];
            break;
        }
    }
    if (seen == nullptr || seen->thread == read.thread) return {nullptr, nullptr};
    for (std::size_t i = index + 1; i < events.size(); ++i) {
        const TraceEvent& later = events[i];
        if (later.thread != seen->thread) continue;
        if (!same_operation(later, *seen)) return {nullptr, nullptr};  // its operation had ended
        if (later.object == read.object && later.op == Op::write) return {seen, &later};
    }
    return {nullptr, nullptr};
}

}  // namespace

int mark_damage(Trace& trace) {
    std::vector<TraceEvent>& events = trace.events;
    int first_damage = 0;
    for (std::size_t index = 0; index < events.size(); ++index) {
        TraceEvent& event = events[index];
        if (event.op == Op::write) {
            if (const TraceEvent* lost = overwritten_write(events, index)) {
                event.note = fmt::format("overwrites {} written by T{} at step {}", lost->value,
                                         lost->thread, lost->step);
            } else if (const TraceEvent* unseen = unread_write_overwritten(events, index)) {
                event.note = fmt::format("overwrites {} written by T{} at step {}, unread",
                                         unseen->value, unseen->thread, unseen->step);
            }
        } else if (event.op == Op::read) {
            auto [seen, replacing] = half_done_write(events, index);
            if (seen != nullptr) {
                event.note = fmt::format(
                    "sees a half-done write: T{} wrote {} at step {} and replaces it at step {}",
                    seen->thread, seen->value, seen->step, replacing->step);
            }
        }
        if (!event.note.empty() && (first_damage == 0 || event.step < first_damage))
            first_damage = event.step;
    }
    return first_damage;
}

}  // namespace racedemo
