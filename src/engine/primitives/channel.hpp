// A channel, as Go has them. Buffered: a send can step while there is room, a receive while a
// value is held; both once it is closed (a send then fails, as Go's panics). Unbuffered: a value
// passes from hand to hand. A receiver that finds no sender queues, as a step of its own (Go's
// queue of receivers); a send can step only while a queued receiver is there, and the very next
// step is the receive of one of them: the hand-off is two adjacent steps, nothing in between.
// A queued receiver also goes on once the channel is closed.
#pragma once

#include "engine/primitive.hpp"

namespace racedemo {

class ChannelRules final : public Primitive {
  public:
    // The rules the executor asks at every state and step, inline (ObjectTable dispatches to them
    // by kind); the virtual members below say the same for the rest of the engine.
    static bool may_step(const ObjectState& state, Op op, bool waited) {
        if (state.handoff) return op == Op::recv && waited;  // only the hand-off's receive
        switch (op) {
            case Op::send:
                if (state.closed) return true;
                return state.capacity > 0 ? state.items < state.capacity
                                          : state.receivers_waiting > 0;
            case Op::recv:
                return state.closed || (state.capacity > 0 && state.items > 0);
            default:
                return true;
        }
    }
    static StepLinks step(ObjectState& state, Op op, bool waited) {
        StepLinks links;
        switch (op) {
            case Op::send:
                if (state.closed) break;  // a misuse, never applied (misuse() below)
                ++state.items;
                state.handoff = links.claims_next = state.capacity == 0;
                break;
            case Op::recv:
                if (waited && state.capacity == 0) --state.receivers_waiting;
                if (state.items > 0) --state.items;
                state.handoff = false;
                break;
            default:  // close
                state.closed = true;
                break;
        }
        return links;
    }

    void registered(ObjectState& state) const override;
    bool can_step(const ObjectState& state, Op op, bool waited) const override {
        return may_step(state, op, waited);
    }
    // Whether a thread that cannot take `op` changes the channel by waiting: a receiver queueing
    // at an unbuffered channel.
    static bool queues(const ObjectState& state, Op op) {
        return op == Op::recv && state.capacity == 0 && !state.handoff;
    }

    bool wait_is_step(const ObjectState& state, Op op) const override { return queues(state, op); }
    void wait(ObjectState& state, Op) const override { ++state.receivers_waiting; }
    StepLinks apply(ObjectState& state, Op op, int, int, bool waited) const override {
        return step(state, op, waited);
    }
    // Go panics at a close of a closed channel and at a send on one.
    std::optional<MisuseKind> misuse(const ObjectState& state, Op op, int, bool) const override {
        if (!state.closed || (op != Op::close && op != Op::send)) return std::nullopt;
        return misuse_of_channel_op(op);
    }
    bool dependent(StepShape, StepShape) const override { return true; }
    SignatureRole role(StepShape) const override { return SignatureRole::history; }
    WaitCause cause(const ObjectState& state, Op op) const override;
};

}  // namespace racedemo
