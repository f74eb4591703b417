#include "engine/object_table.hpp"

#include <algorithm>

namespace racedemo {

int ObjectTable::add(const SharedObject& object, ObjectKind kind) {
    if (used_ == states_.size()) states_.emplace_back();
    states_[used_] = ObjectState{&object, kind};
    object.model_index_ = static_cast<int>(used_);
    return static_cast<int>(used_++);
}

void ObjectTable::arrive(int index, Op op) {
    if (op == Op::lock) ++states_[static_cast<std::size_t>(index)].writers_waiting;
}

bool ObjectTable::can_step(int index, Op op) const {
    const ObjectState& lock = state(index);
    switch (op) {
        case Op::lock:
            return lock.writer < 0 && lock.readers == 0;
        case Op::lock_shared:
            if (lock.kind == ObjectKind::rw_lock_readers_first) return lock.writer < 0;
            // A waiting writer keeps new readers out while others read (it goes first).
            return lock.writer < 0 && !(lock.readers > 0 && lock.writers_waiting > 0);
        default:
            return true;
    }
}

StepLinks ObjectTable::apply_to_lock(ObjectState& lock, Op op, int thread, int step) {
    StepLinks links;
    switch (op) {
        case Op::lock:
            --lock.writers_waiting;
            lock.writer = thread;
            links.after_release = lock.last_release;
            break;
        case Op::lock_shared:
            ++lock.readers;
            links.after_release = lock.last_release;
            break;
        case Op::unlock:
            lock.writer = -1;
            lock.last_release = step;
            break;
        case Op::unlock_shared:
            lock.readers = std::max(0, lock.readers - 1);
            lock.last_release = step;
            break;
        default:
            break;
    }
    return links;
}

}  // namespace racedemo
