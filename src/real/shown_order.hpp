// The order in which a real round's steps are shown. Each step carries the time its core's clock
// gave it; the clocks of two cores need not agree, and a read can then be stamped before the
// write whose value it returned. The order shown keeps
//  - each thread's steps in the order it took them,
//  - each read after the write it read: a read that returned a value which no earlier step
//    stored there, while a write of another thread stamped at most `skew` later did, read that
//    write (a value some earlier write stored counts as read from it: a stale read is real
//    damage, and stays; a read further ahead of the write read the initial value),
//  - and otherwise the clocks' order.
// When no order keeps all of that, the clocks' order is shown as it is, and said to be so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "racedemo/detail/runtime.hpp"

namespace racedemo {

struct StampedStep {
    std::uint64_t time = 0;
    const void* object = nullptr;
    std::uint64_t bits = 0;  // the value read or written
    Op op = Op::read;
    std::uint32_t thread = 0;  // 0-based
    std::uint32_t local = 0;   // its place among its thread's steps
};

struct ShownOrder {
    std::vector<std::size_t> order;  // indices into the steps, in the order shown
    std::vector<char> moved;         // by index: a read placed after its write, against the clocks
    int reads_moved = 0;
    bool consistent = true;
};

// `skew`: how far apart, in the stamps' units, two cores' clocks may be.
ShownOrder shown_order(const std::vector<StampedStep>& steps, std::size_t threads,
                       std::uint64_t skew);

}  // namespace racedemo
