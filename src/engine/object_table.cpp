#include "engine/object_table.hpp"

#include <algorithm>

namespace racedemo {

void ObjectTable::reset() {
    ++generation_;
    used_ = 0;
}

std::size_t ObjectTable::home(const SharedObject* object) const {
    auto address = reinterpret_cast<std::uintptr_t>(object);
    return static_cast<std::size_t>((address >> 4) * 0x9E3779B97F4A7C15ull >> 32) &
           (slots_.size() - 1);
}

int ObjectTable::find(const SharedObject* object) const {
    if (slots_.empty()) return -1;
    for (std::size_t i = home(object);; i = (i + 1) & (slots_.size() - 1)) {
        const Slot& slot = slots_[i];
        if (slot.generation != generation_) return -1;
        if (slot.key == object) return static_cast<int>(slot.index);
    }
}

void ObjectTable::grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(64, old.size() * 2), Slot{});
    for (const Slot& slot : old) {
        if (slot.generation != generation_) continue;
        std::size_t i = home(slot.key);
        while (slots_[i].generation == generation_) i = (i + 1) & (slots_.size() - 1);
        slots_[i] = slot;
    }
}

int ObjectTable::add(const SharedObject& object, ObjectKind kind) {
    if ((used_ + 1) * 2 > slots_.size()) grow();
    std::size_t i = home(&object);
    while (slots_[i].generation == generation_) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = Slot{&object, generation_, used_};
    if (used_ == states_.size()) states_.emplace_back();
    states_[used_] = ObjectState{&object, kind};
    return static_cast<int>(used_++);
}

int ObjectTable::index_of(const SharedObject& object, ObjectKind kind) {
    const int found = find(&object);
    return found >= 0 ? found : add(object, kind);
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

StepLinks ObjectTable::apply(int index, Op op, int thread, int step) {
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

}  // namespace racedemo
