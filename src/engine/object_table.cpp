#include "engine/object_table.hpp"

namespace racedemo {

int ObjectTable::add(const SharedObject& object, ObjectKind kind) {
    if (used_ == states_.size()) states_.emplace_back();
    ObjectState& state = states_[used_];
    state = ObjectState{};
    state.object = &object;
    state.name = object.name_;
    state.kind = kind;
    state.holds_address = object.holds_address();
    primitive_of(kind).registered(state);
    object.model_index_ = static_cast<int>(used_);
    return static_cast<int>(used_++);
}

StepLinks ObjectTable::apply_to_sync(int index, Op op, int thread, int step, bool waited) {
    ObjectState& object = mutable_state(index);
    const Primitive& primitive = primitive_of(object.kind);
    const StepLinks links = primitive.apply(object, op, thread, step, waited);
    claimant_ = primitive.claims_next_step(object) ? index : -1;
    return links;
}

}  // namespace racedemo
