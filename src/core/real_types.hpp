// What real runs are asked (RealOptions) and what they come to (RealResult, one TrialResult a
// trial): the vocabulary the real runner (real/real_runner.hpp) shares with the command line and
// the reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/misuse.hpp"
#include "core/trace.hpp"
#include "core/waiter.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// Controlled noise on real threads, as IBM's ConTest and rr's chaos mode use it: at the steps a
// scenario's threads take through the API, now and then a thread yields its core, spins a moment
// or sleeps a moment. The machine by itself rarely stops a thread between two nearby steps, and
// three threads rarely hold their first locks at once; noise makes those interleavings common.
// It changes only when steps happen, never what they do, so a clean program stays clean.
struct NoiseSettings {
    bool on = false;
    int one_in = 8;              // a step is perturbed with chance 1 in one_in
    int longest_pause_us = 200;  // a spin or a sleep lasts up to this long
};

struct RealOptions {
    int threads = 2;
    NoiseSettings noise;  // the command line turns it on for unsafe variants
    RWPolicy policy = RWPolicy::writer_preferring;  // of a scenario that offers --policy
    int runs = 20;
    double timeout_seconds = 10.0;  // per trial
    bool trace = true;              // record the observed order of the steps of each round
    // A trial ends clean after the scenario's rounds or after this long, whichever comes first,
    // so that a clean verdict with many threads on few cores still comes back in seconds.
    double trial_budget_ms = 150;
    // A trial whose structure grows without end is stopped here and counted as out of memory.
    std::size_t trial_memory_bytes = std::size_t{2} << 30;
    // Whether to stop (a signal, the time limit): the trial under way is ended and not counted,
    // and no other starts. Asked while a trial runs, at least once a second. A question rather
    // than the model's std::stop_token: a token needs a thread to request the stop when a signal
    // comes, and a process with a second thread must not fork trials (ThreadSanitizer, for
    // one, refuses a child that starts threads after such a fork).
    std::function<bool()> stop_requested;

    bool asked_to_stop() const { return stop_requested && stop_requested(); }
};

// deadlocked: the watchdog found threads waiting for locks only waiting threads hold.
// could_not_start: the machine refused the trial its process, threads or memory before its first
// round; the scenario's code never ran, so it is no outcome of the scenario.
// misused: a thread used a primitive against its rules (core/misuse.hpp); the trial ended with
// that round.
enum class TrialStatus {
    finished,
    misused,
    crashed,
    hung,
    deadlocked,
    failed,
    interrupted,
    could_not_start
};

// What one trial (one child process) came to.
struct TrialResult {
    TrialStatus status = TrialStatus::finished;
    Outcome outcome;               // for crashed/hung/failed: a synthesised outcome
    int signal = 0;                // crashed: the signal that ended the child
    int rounds = 0;                // rounds run (the corrupting one included)
    double elapsed_ms = 0;         // wall time of the trial, fork to reap
    std::string diagnostic;        // the first line the child wrote to stderr, if any;
                                   // could_not_start: why ("cannot create thread 37 of 64: ...")
    std::optional<Trace> trace;    // observed order of steps of the last round, when traced
    std::vector<Waiter> wait_for;  // deadlocked: who holds what and waits for what
    std::vector<int> finished;     // deadlocked: the threads (1-based) that had finished
    std::optional<Misuse> misuse;  // misused: the round's first misuse
};

// Outcome labels in the order they were first seen, with counts.
struct Histogram {
    std::vector<std::pair<std::string, int>> rows;
    void add(const std::string& label);
    int count(const std::string& label) const;
};

struct RealResult {
    int runs_requested = 0;
    int runs_done = 0;
    Histogram outcomes;
    int corrupted_runs = 0;  // corrupted by the arbiter's judgement
    int crashed_runs = 0;
    int hung_runs = 0;
    int deadlocked_runs = 0;  // stopped by the watchdog on a cycle of lock waits
    int failed_runs = 0;      // the child ended without a result and without a signal
    int misused_runs = 0;     // a thread used a primitive against its rules
    std::optional<TrialResult> first_misuse;  // the first trial that did, and its run (1-based)
    std::optional<int> first_misuse_run;
    // Trials the machine could not start (no process, thread or memory for them): not counted
    // in runs_done nor as any outcome. start_failure: the first one's reason; another reason
    // came later when start_failures_vary.
    int failed_to_start = 0;
    std::string start_failure;
    bool start_failures_vary = false;
    // The first trial that damaged something (corrupted, crashed or failed; a hang is no
    // damage seen, only no answer), when it was and its run (1-based).
    std::optional<double> first_corruption_ms;  // from the start of the run
    std::optional<int> first_corrupt_run;
    std::optional<TrialResult> first_bad;
    std::optional<TrialResult> first_deadlock;  // the first deadlocked trial
    std::optional<int> first_deadlock_run;      // 1-based
    std::uint64_t rounds_total = 0;
    double elapsed_ms = 0;
    int cores = 0;         // the cores the trials' threads were spread over
    bool stopped = false;  // RealOptions::stop ended it early (its trial under way discarded)
    // Why, as the caller knows it (set after the run, not by the runner):
    int interrupted_by = 0;  // SIGINT/SIGTERM/SIGHUP stopped the run early (its trial discarded)
    bool time_limit_reached = false;  // --max-time stopped it early (its trial discarded)

    // Damage seen. A hung trial showed none: it only gave no answer in time.
    bool corrupt() const { return corrupted_runs + crashed_runs + failed_runs > 0; }
};

// "SIGSEGV" for SIGSEGV, "signal 42" for one without a name.
std::string signal_name(int signal);

// Called after each trial, for progress lines; return false to stop early.
using TrialObserver = std::function<bool(int run, const TrialResult&)>;

}  // namespace racedemo
