// A reader/writer lock: many readers or one writer. Writer-preferring (Go's RWMutex, the
// lesson's rule): a writer that cannot have the lock queues, as a step of its own, and from
// then on new readers are kept out until it has had the lock; so a reader that takes the lock
// again behind a queued writer waits for ever. Reader-preferring: new readers join the ones
// reading whatever waits; a writer's wait changes nothing.
#pragma once

#include <algorithm>

#include "engine/primitive.hpp"

namespace racedemo {

class RWLockRules final : public Primitive {
  public:
    explicit RWLockRules(bool writer_first) : writer_first_(writer_first) {}

    // The rules the executor asks at every state and step, inline (ObjectTable dispatches to them
    // by kind); the virtual members below say the same for the rest of the engine.
    static bool may_step(const ObjectState& state, Op op, bool writer_first) {
        switch (op) {
            case Op::lock:
                return state.writer < 0 && state.readers == 0;
            case Op::lock_shared:
                return state.writer < 0 && (!writer_first || state.writers_queued == 0);
            default:
                return true;
        }
    }
    static StepLinks step(ObjectState& state, Op op, int thread, int step_index, bool waited,
                          bool writer_first) {
        StepLinks links;
        switch (op) {
            case Op::lock:
                if (waited && writer_first) --state.writers_queued;
                state.writer = thread;
                links.after_release = state.last_release;
                break;
            case Op::lock_shared:
                ++state.readers;
                links.after_release = state.last_release;
                break;
            case Op::unlock:
                state.writer = -1;
                state.last_release = step_index;
                break;
            default:  // unlock_shared
                state.readers = std::max(0, state.readers - 1);
                state.last_release = step_index;
                break;
        }
        return links;
    }

    bool can_step(const ObjectState& state, Op op, bool) const override {
        return may_step(state, op, writer_first_);
    }
    // Whether a thread that cannot take `op` changes the lock by waiting: a writer queueing.
    static bool queues(Op op, bool writer_first) { return writer_first && op == Op::lock; }

    bool wait_is_step(const ObjectState&, Op op) const override {
        return queues(op, writer_first_);
    }
    void wait(ObjectState& state, Op) const override { ++state.writers_queued; }
    StepLinks apply(ObjectState& state, Op op, int thread, int step_index,
                    bool waited) const override {
        return step(state, op, thread, step_index, waited, writer_first_);
    }
    std::optional<MisuseKind> misuse(const ObjectState& state, Op op, int thread,
                                     bool holds) const override;
    bool dependent(StepShape, StepShape) const override { return true; }
    bool coenabled(StepShape earlier, StepShape later) const override;
    SignatureRole role(StepShape) const override { return SignatureRole::event; }
    WaitCause cause(const ObjectState& state, Op op) const override;

  private:
    bool writer_first_;
};

}  // namespace racedemo
