#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "engine/model.hpp"
#include "engine/trace.hpp"

namespace racedemo {

namespace {

// Why the waiter waits: "held by T2", "held by T1, which has finished", "a writer is queued".
std::string why_it_waits(const Waiter& waiter, const std::vector<int>& finished) {
    if (!waiter.reason.empty()) return waiter.reason;  // a channel's
    std::vector<std::string> holders;
    for (int holder : waiter.held_by) {
        const bool gone = std::find(finished.begin(), finished.end(), holder) != finished.end();
        holders.push_back(fmt::format("T{}{}", holder, gone ? ", which has finished" : ""));
    }
    std::string why =
        holders.empty() ? std::string() : fmt::format("held by {}", fmt::join(holders, " and "));
    if (waiter.writer_queued) why += why.empty() ? "a writer is queued" : "; a writer is queued";
    return why.empty() ? "held by itself" : why;
}

}  // namespace

std::string describe_wait_step(const Waiter& waiter) {
    // Short, to fit a lane: the verdict line under the trace says who holds what.
    if (is_channel_op(waiter.op))
        return fmt::format("{} {}: waits", op_name(waiter.op), waiter.waits_for);
    const bool reads = waiter.shared || waiter.writer_queued;
    return fmt::format("{} {}: waits", reads ? "rlock" : "lock", waiter.waits_for);
}

std::string describe_wait(const Waiter& waiter, const std::vector<int>& finished) {
    const std::string why = why_it_waits(waiter, finished);
    const std::string holds =
        waiter.holds.empty() ? "" : fmt::format("holds {}, ", fmt::join(waiter.holds, " and "));
    return fmt::format("T{} {}waits for {} ({})", waiter.thread, holds, waiter.waits_for, why);
}

Outcome deadlock_outcome(const std::vector<Waiter>& waiters, const std::vector<int>& finished) {
    std::vector<std::string> waits;
    for (const Waiter& waiter : waiters) waits.push_back(describe_wait(waiter, finished));
    return Outcome{std::string(deadlock_label), false, fmt::format("{}", fmt::join(waits, "; "))};
}

}  // namespace racedemo
