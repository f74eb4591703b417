// A memory cell (Shared<T>, Atomic<T>): every access can step at once. Two accesses commute
// unless one of them writes; an atomic update reads and writes in one step.
#include "engine/primitives/primitives.hpp"

namespace racedemo {

bool CellRules::can_step(const ObjectState&, Op, bool) const {
    return true;
}

StepLinks CellRules::apply(ObjectState& state, Op op, int, int step, bool) const {
    StepLinks links;
    if (op != Op::write) links.reads_from = state.last_write;
    if (op != Op::read) state.last_write = step;
    return links;
}

bool CellRules::dependent(StepShape a, StepShape b) const {
    return a.op != Op::read || b.op != Op::read;
}

SignatureRole CellRules::role(StepShape step) const {
    switch (step.op) {
        case Op::read:
            return SignatureRole::value_read;
        case Op::write:
            return SignatureRole::write;
        default:
            return SignatureRole::update;
    }
}

}  // namespace racedemo
