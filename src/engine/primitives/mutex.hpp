// A mutex: lock can step while nobody holds it. A thread's wait changes nothing (no queue:
// std::mutex promises no order among waiters), so it is shown but never chosen by a search.
#pragma once

#include "engine/primitive.hpp"

namespace racedemo {

class MutexRules final : public Primitive {
  public:
    // The rules the executor asks at every state and step, inline (ObjectTable dispatches to them
    // by kind); the virtual members below say the same for the rest of the engine.
    static bool may_step(const ObjectState& state, Op op) {
        return op != Op::lock || state.writer < 0;
    }
    static StepLinks step(ObjectState& state, Op op, int thread, int step_index) {
        StepLinks links;
        if (op == Op::lock) {
            state.writer = thread;
            links.after_release = state.last_release;
        } else {
            state.writer = -1;
            state.last_release = step_index;
        }
        return links;
    }

    bool can_step(const ObjectState& state, Op op, bool) const override {
        return may_step(state, op);
    }
    StepLinks apply(ObjectState& state, Op op, int thread, int step_index, bool) const override {
        return step(state, op, thread, step_index);
    }
    // std::mutex is let go of by the thread that holds it, and by no other.
    std::optional<MisuseKind> misuse(const ObjectState& state, Op op, int thread,
                                     bool) const override {
        if (op != Op::unlock || state.writer == thread) return std::nullopt;
        return state.writer < 0 ? MisuseKind::unlock_free : MisuseKind::unlock_other;
    }
    bool dependent(StepShape, StepShape) const override { return true; }
    bool coenabled(StepShape earlier, StepShape later) const override;
    bool races_with_all_earlier() const override { return false; }
    SignatureRole role(StepShape) const override { return SignatureRole::event; }
    WaitCause cause(const ObjectState&, Op) const override { return WaitCause::held_by_writer; }
};

}  // namespace racedemo
