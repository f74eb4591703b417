// Small trials that more than one test file runs.
#pragma once

#include "racedemo/channel.hpp"
#include "racedemo/scenario.hpp"
#include "real/real_runner.hpp"

// T2 receives from a channel that T1 never sends on: T1 returns, T2 waits forever.
class NobodySends final : public racedemo::Trial {
  public:
    explicit NobodySends(const racedemo::TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 1) jobs_.recv();
    }
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }

  private:
    racedemo::Chan<int> jobs_{"jobs"};
};

// `runs` real trials of `rounds` rounds of T on 2 threads, with a timeout far longer than the
// watchdog's look at the board needs: a deadlock must be named, never timed out.
template <class T>
racedemo::RealResult run_two_threads(int rounds, int runs) {
    racedemo::Scenario scenario;
    scenario.number = 99;
    scenario.name = "test-trial";
    scenario.rounds = rounds;
    scenario.unsafe = racedemo::make_trial<T>;
    scenario.fixed = racedemo::make_trial<T>;
    racedemo::RealOptions options;
    options.threads = 2;
    options.runs = runs;
    options.timeout_seconds = 60;
    return racedemo::run_real(scenario, racedemo::Variant::unsafe, options);
}
