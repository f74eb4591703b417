// A data race planted on purpose, for the ThreadSanitizer check (tests/sanitizers/tsan_check.sh).
//
//   racedemo_planted_race           every thread locks the mutex around count = count + 1: correct,
//                                   and ThreadSanitizer must stay silent
//   racedemo_planted_race planted   thread 2 skips the lock (one flag flipped): a real data race,
//                                   which ThreadSanitizer must report
//
// It is a fixed-style scenario run by the real runner's run_rounds, in this process (no child
// process), on real threads that start each round together: so any report is this program's
// own, and TSan's exit code (66 by default) says so too.
#include <fmt/format.h>

#include <cstdio>
#include <cstring>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "real/real_runner.hpp"

namespace {

bool planted = false;  // set once in main, before any thread starts

// Every thread adds one to a shared counter under a mutex; when `planted`, thread 2 does not lock.
class LockedCounterTrial final : public racedemo::Trial {
  public:
    explicit LockedCounterTrial(const racedemo::TrialConfig& config) : threads_(config.threads) {}

    void actor(int thread) override {
        const bool lock = !(planted && thread == 1);
        if (lock) mu_.lock();
        count_.store(count_.load() + 1);
        if (lock) mu_.unlock();
    }

    racedemo::Outcome arbiter() override {
        const int count = count_.peek();
        if (count == threads_) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt(
            "lost update", fmt::format("count is {} after {} increments", count, threads_));
    }

  private:
    int threads_;
    racedemo::Shared<int> count_{"count", 0};
    racedemo::Mutex mu_{"mu"};
};

}  // namespace

int main(int argc, char** argv) {
    if (argc > 2 || (argc == 2 && std::strcmp(argv[1], "planted") != 0)) {
        std::fprintf(stderr, "usage: %s [planted]\n", argv[0]);
        return 2;
    }
    planted = argc == 2;

    racedemo::Scenario scenario;
    scenario.number = 99;
    scenario.name = "planted-race";
    scenario.min_threads = 2;
    scenario.rounds = 500;
    scenario.fixed = racedemo::make_trial<LockedCounterTrial>;

    constexpr int threads = 3;  // thread 2 is the one that skips the lock when planted
    const racedemo::TrialResult result = racedemo::run_rounds(
        scenario, racedemo::Variant::fixed, racedemo::TrialConfig{threads}, scenario.rounds);
    std::printf("planted-race, %s: %d threads, %d rounds, outcome %s%s%s\n",
                planted ? "planted (thread 2 skips the lock)" : "correct (every thread locks)",
                threads, result.rounds, result.outcome.label.c_str(),
                result.outcome.evidence.empty() ? "" : ": ", result.outcome.evidence.c_str());
    return 0;
}
