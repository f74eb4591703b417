#include "present/waits.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/trace.hpp"
#include "present/misuse.hpp"

namespace racedemo {

namespace {

// Why the waiter waits: "held by T2", "held by T1, which has finished: an abandoned lock",
// "a writer is queued".
std::string why_it_waits(const Waiter& waiter, const std::vector<int>& finished) {
    if (!cause_words(waiter.cause).empty()) return std::string(cause_words(waiter.cause));
    std::vector<std::string> holders;
    for (int holder : waiter.held_by) {
        const bool gone = std::find(finished.begin(), finished.end(), holder) != finished.end();
        holders.push_back(
            fmt::format("T{}{}", holder, gone ? ", which has finished: an abandoned lock" : ""));
    }
    std::string why =
        holders.empty() ? std::string() : fmt::format("held by {}", fmt::join(holders, " and "));
    if (waiter.writer_queued) why += why.empty() ? "a writer is queued" : "; a writer is queued";
    return why.empty() ? "held by itself" : why;
}

}  // namespace

std::string_view cause_words(WaitCause cause) {
    switch (cause) {
        case WaitCause::nothing_to_receive:
            return "nothing to receive";
        case WaitCause::no_receiver:
            return "no receiver";
        case WaitCause::full:
            return "full";
        default:
            return "";
    }
}

std::string describe_wait_step(const Waiter& waiter) {
    // Short, to fit a lane: the verdict line under the trace says who holds what.
    if (is_channel_op(waiter.op))
        return fmt::format("{} {}: waits", op_name(waiter.op), waiter.waits_for);
    const bool reads = waiter.shared || waiter.writer_queued;
    return fmt::format("{} {}: waits", op_name(reads ? Op::lock_shared : Op::lock),
                       waiter.waits_for);
}

std::string describe_wait(const Waiter& waiter, const std::vector<int>& finished) {
    const std::string why = why_it_waits(waiter, finished);
    const std::string holds =
        waiter.holds.empty() ? "" : fmt::format("holds {}, ", fmt::join(waiter.holds, " and "));
    return fmt::format("T{} {}waits for {} ({})", waiter.thread, holds, waiter.waits_for, why);
}

std::string deadlock_evidence(const std::vector<Waiter>& waiters,
                              const std::vector<int>& finished) {
    std::vector<std::string> waits;
    for (const Waiter& waiter : waiters) waits.push_back(describe_wait(waiter, finished));
    return fmt::format("{}", fmt::join(waits, "; "));
}

void word_result(ModelResult& result) {
    ModelRun& shown = result.shown;
    if (shown.misuse && shown.outcome.evidence.empty())
        shown.outcome.evidence = describe_misuse(*shown.misuse);
    if (shown.deadlock && shown.outcome.evidence.empty())
        shown.outcome.evidence = deadlock_evidence(shown.wait_for, shown.finished);
}

void word_result(RealResult& result) {
    if (result.first_misuse && result.first_misuse->misuse &&
        result.first_misuse->outcome.evidence.empty())
        result.first_misuse->outcome.evidence = describe_misuse(*result.first_misuse->misuse);
    for (std::optional<TrialResult>* trial : {&result.first_bad, &result.first_deadlock}) {
        if (!*trial || (*trial)->status != TrialStatus::deadlocked) continue;
        if ((*trial)->outcome.evidence.empty())
            (*trial)->outcome.evidence = deadlock_evidence((*trial)->wait_for, (*trial)->finished);
    }
}

}  // namespace racedemo
