// A channel, as Go has them. Buffered: a send can step while there is room, a receive while a
// value is held; both once it is closed (a send then fails, as Go's panics). Unbuffered: a value
// passes from hand to hand. A receiver that finds no sender queues, as a step of its own (Go's
// queue of receivers); a send can step only while a queued receiver is there, and the very next
// step is the receive of one of them: the hand-off is two adjacent steps, nothing in between.
// A queued receiver also goes on once the channel is closed.
#include "racedemo/channel.hpp"

#include "engine/primitives/primitives.hpp"

namespace racedemo {

void ChannelRules::registered(ObjectState& state) const {
    const auto& channel = static_cast<const ChannelObject&>(*state.object);
    state.capacity = channel.capacity();
    state.items = channel.buffered();
    state.closed = channel.is_closed();
}

bool ChannelRules::can_step(const ObjectState& state, Op op, bool waited) const {
    if (state.handoff) return op == Op::recv && waited;  // only the hand-off's receive
    switch (op) {
        case Op::send:
            if (state.closed) return true;
            return state.capacity > 0 ? state.items < state.capacity : state.receivers_waiting > 0;
        case Op::recv:
            return state.closed || (state.capacity > 0 && state.items > 0);
        default:
            return true;
    }
}

bool ChannelRules::wait_is_step(const ObjectState& state, Op op) const {
    return op == Op::recv && state.capacity == 0 && !state.handoff;
}

void ChannelRules::wait(ObjectState& state, Op) const {
    ++state.receivers_waiting;
}

StepLinks ChannelRules::apply(ObjectState& state, Op op, int, int, bool waited) const {
    switch (op) {
        case Op::send:
            if (state.closed) break;  // it fails
            ++state.items;
            state.handoff = state.capacity == 0;
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
    return {};
}

bool ChannelRules::claims_next_step(const ObjectState& state) const {
    return state.handoff;
}

bool ChannelRules::dependent(StepShape, StepShape) const {
    return true;
}

SignatureRole ChannelRules::role(StepShape) const {
    return SignatureRole::history;
}

WaitCause ChannelRules::cause(const ObjectState& state, Op op) const {
    if (op == Op::recv) return WaitCause::nothing_to_receive;
    return state.capacity == 0 ? WaitCause::no_receiver : WaitCause::full;
}

}  // namespace racedemo
