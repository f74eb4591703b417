#include "present/refusals.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

#include "present/waits.hpp"

namespace racedemo {
namespace {

// "thread 2", "threads 1 and 3", "threads 1, 2 and 3".
std::string threads_named(std::vector<int> numbers) {
    if (numbers.size() == 1) return fmt::format("thread {}", numbers.front());
    const int last = numbers.back();
    numbers.pop_back();
    return fmt::format("threads {} and {}", fmt::join(numbers, ", "), last);
}

// "thread 2 can run", "threads 1 and 3 can run; thread 2 can begin to wait".
std::string who_can_run(const ScheduleError& refusal) {
    if (refusal.can_run.empty())
        return refusal.all_finished ? "every thread has finished" : "no thread can run";
    std::string out = fmt::format("{} can run", threads_named(refusal.can_run));
    if (!refusal.can_wait.empty())
        out += fmt::format("; {} can begin to wait", threads_named(refusal.can_wait));
    return out;
}

// "held by thread 1", "held by 2 readers, a writer is queued", "nothing to receive".
std::string holder_words(const ScheduleError& refusal) {
    if (refusal.cause != WaitCause::none) return std::string(cause_words(refusal.cause));
    if (refusal.holder > 0) return fmt::format("held by thread {}", refusal.holder);
    std::string held =
        fmt::format("held by {} reader{}", refusal.readers, refusal.readers == 1 ? "" : "s");
    if (refusal.writer_queued) held += ", a writer is queued";
    return held;
}

}  // namespace

std::string refusal_words(const ScheduleError& refusal) {
    const int thread = refusal.thread;
    switch (refusal.kind) {
        case RefusalKind::no_such_thread:
            return fmt::format("thread {} does not exist ({} thread{})", thread, refusal.threads,
                               refusal.threads == 1 ? "" : "s");
        case RefusalKind::finished:
            return fmt::format("thread {} has finished; {}", thread, who_can_run(refusal));
        case RefusalKind::yielded:
            return fmt::format("thread {} has just yielded; {}", thread, who_can_run(refusal));
        case RefusalKind::handed_over:
            return fmt::format("thread {} cannot move while a value sent on {} is handed over; {}",
                               thread, refusal.object, who_can_run(refusal));
        case RefusalKind::blocked:
            return fmt::format("thread {} is blocked on {} ({}); {}", thread, refusal.object,
                               holder_words(refusal), who_can_run(refusal));
        case RefusalKind::no_step:
            break;
    }
    return fmt::format("no thread can move; {}", who_can_run(refusal));
}

std::string play_refusal_words(const ScheduleError& refusal) {
    if (refusal.kind == RefusalKind::no_step)
        return fmt::format("step {}: no thread can move", refusal.position);
    return fmt::format("step {}: T{} cannot move", refusal.position, refusal.thread);
}

std::string nondeterminism_words(const NondeterministicScenario& problem) {
    return fmt::format("scenario {} is not deterministic: replaying a schedule diverged at step {}",
                       problem.scenario, problem.step);
}

}  // namespace racedemo
