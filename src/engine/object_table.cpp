#include "engine/object_table.hpp"

namespace racedemo {

int ObjectTable::add(const SharedObject& object, ObjectKind kind) {
    if (used_ == states_.size()) states_.emplace_back();
    ObjectState& state = states_[used_];
    state = ObjectState{};
    state.object = &object;
    state.name = detail::ObjectAccess::name(object);
    state.kind = kind;
    state.rules = &primitive_of(kind);
    state.rules->registered(state);
    detail::ObjectAccess::model_index(object) = static_cast<int>(used_);
    return static_cast<int>(used_++);
}

StepLinks ObjectTable::apply_to_sync(int index, Op op, int thread, int step, bool waited) {
    ObjectState& object = mutable_state(index);
    StepLinks links;
    switch (object.kind) {
        case ObjectKind::mutex:
            links = MutexRules::step(object, op, thread, step);
            break;
        case ObjectKind::rw_lock:
        case ObjectKind::rw_lock_readers_first:
            links = RWLockRules::step(object, op, thread, step, waited,
                                      object.kind == ObjectKind::rw_lock);
            break;
        default:
            links = object.rules->apply(object, op, thread, step, waited);
            break;
    }
    claimant_ = links.claims_next ? index : -1;
    return links;
}

}  // namespace racedemo
