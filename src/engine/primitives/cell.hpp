// A memory cell (Shared<T>, Atomic<T>): every access can step at once. Two accesses commute
// unless one of them writes; an atomic update reads and writes in one step.
#pragma once

#include "engine/primitive.hpp"

namespace racedemo {

class CellRules final : public Primitive {
  public:
    // The step, inline: the executor's most frequent (ObjectTable::apply calls it directly).
    static StepLinks step(ObjectState& state, Op op, int step_index) {
        StepLinks links;
        if (op != Op::write) links.reads_from = state.last_write;
        if (op != Op::read) state.last_write = step_index;
        return links;
    }

    bool can_step(const ObjectState&, Op, bool) const override { return true; }
    StepLinks apply(ObjectState& state, Op op, int, int step_index, bool) const override {
        return step(state, op, step_index);
    }
    bool dependent(StepShape a, StepShape b) const override;
    SignatureRole role(StepShape step) const override;
};

}  // namespace racedemo
