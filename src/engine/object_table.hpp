// The model state of the shared objects of one execution (loom's object store).
//
// Each object a thread touches gets a stable index, in the order threads first reach it, and
// its model state (primitive.hpp); what a step does to it is its primitive's rule. Its name is
// copied when it registers: an object may be gone by the time a report names it (a list node
// freed with its mutex). The public types (Shared<T>, Mutex, RWMutex, Chan<T>) carry no model
// bookkeeping: it all lives here.
//
// reset() forgets everything in O(1). An object keeps its index on itself, and the index is
// trusted only when this table's entry at that index is that object: an index left from an
// earlier execution (or from another table) points past the end or at another object. A new
// object starts with no index, so an object created where a dead one was is never mistaken
// for it. The vector keeps its capacity, so a steady exploration allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/primitive.hpp"
#include "engine/primitives/primitives.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

class ObjectTable {
  public:
    // Forgets every object: an index kept on an object no longer matches.
    void reset() {
        used_ = 0;
        claimant_ = -1;
    }
    // The object's index in this execution, registering it on first sight.
    int index_of(const SharedObject& object, ObjectKind kind) {
        // The index kept on the object is this execution's if this table's entry there is it.
        const auto index = static_cast<std::size_t>(detail::ObjectAccess::model_index(object));
        if (index < used_ && states_[index].object == &object)
            return detail::ObjectAccess::model_index(object);
        return add(object, kind);
    }
    int size() const { return static_cast<int>(used_); }
    const ObjectState& state(int index) const { return states_[static_cast<std::size_t>(index)]; }
    // The object itself: only while its execution runs.
    const SharedObject& object(int index) const { return *state(index).object; }
    // Its name, as it was when it registered: also after the execution.
    std::string name(int index) const { return state(index).name.str(); }
    ObjectKind kind(int index) const { return state(index).kind; }
    const Primitive& rules(int index) const { return *state(index).rules; }
    // A lock or a channel: an object a thread may have to wait for.
    bool is_sync(int index) const { return kind(index) != ObjectKind::cell; }
    bool is_channel(int index) const { return kind(index) == ObjectKind::channel; }

    // Asked for every thread paused at a lock, at every state: the rules of the common kinds are
    // called directly (inline), the same rules their classes give the rest of the engine.
    bool can_step(int index, Op op, bool waited) const {
        const ObjectState& object = state(index);
        switch (object.kind) {
            case ObjectKind::mutex:
                return MutexRules::may_step(object, op);
            case ObjectKind::rw_lock:
                return RWLockRules::may_step(object, op, true);
            case ObjectKind::rw_lock_readers_first:
                return RWLockRules::may_step(object, op, false);
            case ObjectKind::channel:
                return ChannelRules::may_step(object, op, waited);
            default:
                return true;
        }
    }
    bool wait_is_step(int index, Op op) const {
        const ObjectState& object = state(index);
        switch (object.kind) {
            case ObjectKind::rw_lock:
                return RWLockRules::queues(op, true);
            case ObjectKind::channel:
                return ChannelRules::queues(object, op);
            default:  // a mutex's wait, a reader-preferring lock's: nothing changes
                return false;
        }
    }
    void wait(int index, Op op) { rules(index).wait(mutable_state(index), op); }
    std::optional<MisuseKind> misuse(int index, Op op, int thread, bool holds) const {
        return rules(index).misuse(state(index), op, thread, holds);
    }
    WaitCause cause(int index, Op op) const { return rules(index).cause(state(index), op); }

    // The step happens: the object's state changes. Inline for cells, the steps most frequent.
    StepLinks apply(int index, Op op, int thread, int step, bool waited) {
        ObjectState& object = mutable_state(index);
        if (object.kind == ObjectKind::cell) return CellRules::step(object, op, step);
        return apply_to_sync(index, op, thread, step, waited);
    }
    // The object whose last step claimed the next one (an unbuffered send), or -1.
    int claimant() const { return claimant_; }

  private:
    ObjectState& mutable_state(int index) { return states_[static_cast<std::size_t>(index)]; }
    int add(const SharedObject& object, ObjectKind kind);
    StepLinks apply_to_sync(int index, Op op, int thread, int step, bool waited);

    std::vector<ObjectState> states_;
    std::size_t used_ = 0;
    int claimant_ = -1;
};

}  // namespace racedemo
