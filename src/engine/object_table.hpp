// The model state of the shared objects of one execution (loom's object store).
//
// Each object a thread touches gets a stable index, in the order threads first reach it, and
// its model state: for a cell, the step that last wrote it; for a lock, its owner, readers,
// waiting writers and the step that last released it. The public types (Shared<T>, Mutex,
// RWMutex) carry no model bookkeeping: it all lives here.
//
// reset() forgets everything in O(1). An object keeps its index on itself, and the index is
// trusted only when this table's entry at that index is that object: an index left from an
// earlier execution (or from another table) points past the end or at another object. A new
// object starts with no index, so an object created where a dead one was is never mistaken
// for it. The vector keeps its capacity, so a steady exploration allocates nothing. Adding a
// kind of object (a channel): a value in ObjectKind, its state in ObjectState, its rules in
// can_step() and apply().
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "racedemo/shared_state.hpp"

namespace racedemo {

// rw_lock lets a queued writer go before new readers; rw_lock_readers_first does not.
enum class ObjectKind : std::uint8_t { cell, mutex, rw_lock, rw_lock_readers_first, channel };

struct ObjectState {
    const SharedObject* object = nullptr;
    ObjectKind kind = ObjectKind::cell;
    int last_write = -1;      // cells: the step that wrote the value now held (-1: initial)
    int writer = -1;          // locks: the thread holding it exclusively (-1: none)
    int readers = 0;          // locks: how many threads share it
    int writers_waiting = 0;  // locks: threads paused in front of an exclusive acquisition
    int last_release = -1;    // locks: the step of the latest release (-1: none yet)
    int capacity = 0;         // channels: 0 unbuffered
    int items = 0;            // channels: values sent and not yet received
    int receivers = 0;        // channels: threads paused in front of a receive
    bool closed = false;      // channels
};

// What a committed step connects to, for reductions: the write a read reads from, the
// release an acquisition comes after (-1: the initial value / no release yet).
struct StepLinks {
    int reads_from = -1;
    int after_release = -1;
};

class ObjectTable {
  public:
    // Forgets every object: an index kept on an object no longer matches.
    void reset() { used_ = 0; }
    // The object's index in this execution, registering it on first sight.
    int index_of(const SharedObject& object, ObjectKind kind) {
        // The index kept on the object is this execution's if this table's entry there is it.
        const auto index = static_cast<std::size_t>(object.model_index_);
        if (index < used_ && states_[index].object == &object) return object.model_index_;
        return add(object, kind);
    }
    int size() const { return static_cast<int>(used_); }
    const ObjectState& state(int index) const { return states_[static_cast<std::size_t>(index)]; }
    const SharedObject& object(int index) const { return *state(index).object; }
    bool is_lock(int index) const { return state(index).kind != ObjectKind::cell; }
    bool is_channel(int index) const { return state(index).kind == ObjectKind::channel; }
    bool is_reader_writer(int index) const {
        const ObjectKind kind = state(index).kind;
        return kind == ObjectKind::rw_lock || kind == ObjectKind::rw_lock_readers_first;
    }

    // A thread has stopped in front of `op` on the object.
    void arrive(int index, Op op);
    // Whether a thread paused in front of `op` may take its step now.
    bool can_step(int index, Op op) const;
    // The step happens: the object's state changes.
    // Inline for cells, the steps most frequent.
    StepLinks apply(int index, Op op, int thread, int step) {
        ObjectState& object = states_[static_cast<std::size_t>(index)];
        if (object.kind != ObjectKind::cell) return apply_to_lock(object, op, thread, step);
        StepLinks links;
        if (op == Op::read) {
            links.reads_from = object.last_write;
        } else {
            object.last_write = step;
        }
        return links;
    }

  private:
    int add(const SharedObject& object, ObjectKind kind);
    StepLinks apply_to_lock(ObjectState& lock, Op op, int thread, int step);
    static bool channel_can_step(const ObjectState& channel, Op op);
    static void apply_to_channel(ObjectState& channel, Op op);

    std::vector<ObjectState> states_;
    std::size_t used_ = 0;
};

}  // namespace racedemo
