#include "engine/primitives/channel.hpp"

#include "racedemo/channel.hpp"

namespace racedemo {

void ChannelRules::registered(ObjectState& state) const {
    const auto& channel = static_cast<const ChannelObject&>(*state.object);
    state.capacity = channel.capacity();
    state.items = channel.buffered();
    state.closed = channel.is_closed();
}

WaitCause ChannelRules::cause(const ObjectState& state, Op op) const {
    if (op == Op::recv) return WaitCause::nothing_to_receive;
    return state.capacity == 0 ? WaitCause::no_receiver : WaitCause::full;
}

}  // namespace racedemo
