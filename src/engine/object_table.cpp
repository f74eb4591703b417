#include "engine/object_table.hpp"

#include <algorithm>

#include "racedemo/channel.hpp"

namespace racedemo {

int ObjectTable::add(const SharedObject& object, ObjectKind kind) {
    if (used_ == states_.size()) states_.emplace_back();
    states_[used_] = ObjectState{&object, kind};
    if (kind == ObjectKind::channel) {
        const auto& channel = static_cast<const ChannelObject&>(object);
        states_[used_].capacity = channel.capacity();
        states_[used_].items = channel.buffered();
        states_[used_].closed = channel.is_closed();
    }
    object.model_index_ = static_cast<int>(used_);
    return static_cast<int>(used_++);
}

void ObjectTable::arrive(int index, Op op) {
    if (op == Op::lock) ++states_[static_cast<std::size_t>(index)].writers_waiting;
    if (op == Op::recv) ++states_[static_cast<std::size_t>(index)].receivers;
}

// A send needs room: in the buffer, or (unbuffered) a receiver waiting that no value is meant
// for yet. A receive needs a value, or a closed channel. A send on a closed channel goes
// through, to fail as Go's panics.
bool ObjectTable::channel_can_step(const ObjectState& channel, Op op) {
    switch (op) {
        case Op::send:
            if (channel.closed) return true;
            if (channel.capacity > 0) return channel.items < channel.capacity;
            return channel.receivers > channel.items;
        case Op::recv:
            return channel.items > 0 || channel.closed;
        default:
            return true;
    }
}

void ObjectTable::apply_to_channel(ObjectState& channel, Op op) {
    switch (op) {
        case Op::send:
            ++channel.items;
            break;
        case Op::recv:
            --channel.receivers;
            if (channel.items > 0) --channel.items;
            break;
        case Op::close:
            channel.closed = true;
            break;
        default:
            break;
    }
}

bool ObjectTable::can_step(int index, Op op) const {
    const ObjectState& lock = state(index);
    if (lock.kind == ObjectKind::channel) return channel_can_step(lock, op);
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
    if (lock.kind == ObjectKind::channel) {
        apply_to_channel(lock, op);
        return links;
    }
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
