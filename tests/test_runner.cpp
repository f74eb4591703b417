// The real runner contains whatever a trial does: crash, abort, hang, exit early.
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/sanitizers.hpp"
#include "racedemo/scenario.hpp"
#include "real/real_runner.hpp"

using namespace racedemo;

namespace {

// A trial whose thread 0 does `Act` and whose arbiter judges by `Judge`.
template <void (*Act)(), bool Corrupt>
class ScriptedTrial final : public Trial {
  public:
    explicit ScriptedTrial(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 0) Act();
    }
    Outcome arbiter() override {
        return Corrupt ? Outcome::corrupt("scripted", "the script says so") : Outcome::clean();
    }
};

void nothing() {}
void segfault() {
    std::raise(SIGSEGV);
}
void abort_now() {
    std::abort();
}
void spin_forever() {
    for (volatile int forever = 1; forever;) {
    }
}
void exit_early() {
    std::_Exit(7);
}

template <class T>
Scenario scripted(int rounds = 3) {
    Scenario scenario;
    scenario.number = 90;
    scenario.name = "scripted";
    scenario.rounds = rounds;
    scenario.unsafe = make_trial<T>;
    scenario.fixed = make_trial<T>;
    return scenario;
}

RealOptions options(int runs, double timeout = 10.0) {
    RealOptions result;
    result.threads = 2;
    result.runs = runs;
    result.timeout_seconds = timeout;
    result.trial_budget_ms = 1e9;  // rounds, not time, end these trials: the counts are exact
    return result;
}

}  // namespace

TEST_CASE("a trial that dies of SIGSEGV is counted as crashed, and racedemo goes on") {
    Scenario scenario = scripted<ScriptedTrial<segfault, false>>();
    RealResult result = run_real(scenario, Variant::unsafe, options(3));
    CHECK(result.runs_done == 3);
    CHECK(result.crashed_runs == 3);
    CHECK(result.outcomes.count("crashed: SIGSEGV") == 3);
    REQUIRE(result.first_bad);
    CHECK(result.first_bad->signal == SIGSEGV);
    CHECK(result.first_bad->outcome.evidence.find("SIGSEGV") != std::string::npos);
    CHECK(result.corrupt());
}

TEST_CASE("an aborting trial is counted as crashed with SIGABRT") {
    Scenario scenario = scripted<ScriptedTrial<abort_now, false>>();
    RealResult result = run_real(scenario, Variant::unsafe, options(2));
    CHECK(result.crashed_runs == 2);
    CHECK(result.outcomes.count("crashed: SIGABRT") == 2);
}

TEST_CASE("a trial that never ends is killed by the watchdog and counted as hung") {
    Scenario scenario = scripted<ScriptedTrial<spin_forever, false>>();
    RealResult result = run_real(scenario, Variant::unsafe, options(2, 0.2));
    CHECK(result.runs_done == 2);
    CHECK(result.hung_runs == 2);
    CHECK(result.outcomes.count("hung") == 2);
    // No damage was seen: a hang is no corruption, and names no first one.
    CHECK(!result.corrupt());
    CHECK(!result.first_bad);
    CHECK(!result.first_corrupt_run);
}

TEST_CASE("a trial that exits without reporting is counted as failed") {
    Scenario scenario = scripted<ScriptedTrial<exit_early, false>>();
    RealResult result = run_real(scenario, Variant::unsafe, options(2));
    CHECK(result.failed_runs == 2);
    CHECK(result.outcomes.count("exited 7") == 2);
}

TEST_CASE("the arbiter's verdict is counted, and a corrupted trial stops at its first round") {
    Scenario corrupt = scripted<ScriptedTrial<nothing, true>>(50);
    RealResult bad = run_real(corrupt, Variant::unsafe, options(4));
    CHECK(bad.corrupted_runs == 4);
    CHECK(bad.rounds_total == 4);  // one round each: the first one corrupts
    REQUIRE(bad.first_corrupt_run);
    CHECK(*bad.first_corrupt_run == 1);
    CHECK(bad.first_corruption_ms.has_value());

    Scenario clean = scripted<ScriptedTrial<nothing, false>>(50);
    RealResult good = run_real(clean, Variant::unsafe, options(4));
    CHECK(good.corrupted_runs == 0);
    CHECK(good.rounds_total == 200);  // every round of every run
    CHECK(!good.corrupt());
    CHECK(!good.first_corruption_ms);
}

TEST_CASE("outcome counts add up to the runs, whatever the trials do") {
    Scenario scenario = scripted<ScriptedTrial<segfault, false>>();
    RealResult result = run_real(scenario, Variant::unsafe, options(5));
    int total = 0;
    for (const auto& [label, count] : result.outcomes.rows) total += count;
    CHECK(total == 5);
    CHECK(result.corrupted_runs + result.crashed_runs + result.hung_runs + result.failed_runs +
              result.outcomes.count("clean") ==
          5);
}

TEST_CASE("an observer can stop a run early and the counts say how far it got") {
    Scenario scenario = scripted<ScriptedTrial<nothing, false>>();
    RealResult result = run_real(scenario, Variant::unsafe, options(10),
                                 [](int run, const TrialResult&) { return run < 3; });
    CHECK(result.runs_done == 3);
    CHECK(result.runs_requested == 10);
}

TEST_CASE("signals are named") {
    CHECK(signal_name(SIGSEGV) == "SIGSEGV");
    CHECK(signal_name(SIGKILL) == "SIGKILL");
}

TEST_CASE("the histogram keeps labels in first-seen order") {
    Histogram histogram;
    histogram.add("clean");
    histogram.add("lost 1 key");
    histogram.add("clean");
    REQUIRE(histogram.rows.size() == 2);
    CHECK(histogram.rows[0] == std::pair<std::string, int>{"clean", 2});
    CHECK(histogram.count("lost 1 key") == 1);
    CHECK(histogram.count("missing") == 0);
}

#if !defined(RACEDEMO_ASAN) && !defined(RACEDEMO_TSAN)
// Sanitizer builds reserve huge address ranges, so the trial memory limit is off there.
namespace {
void allocate_forever() {
    std::vector<std::unique_ptr<char[]>> hoard;
    for (;;) {
        hoard.emplace_back(new char[1 << 20]);
        hoard.back()[0] = 1;
    }
}
}  // namespace

TEST_CASE("a trial that allocates without end is stopped by its memory limit and reported") {
    Scenario scenario = scripted<ScriptedTrial<allocate_forever, false>>();
    RealOptions limited = options(1);
    limited.trial_memory_bytes = std::size_t{256} << 20;
    RealResult result = run_real(scenario, Variant::unsafe, limited);
    CHECK(result.runs_done == 1);
    CHECK(result.outcomes.count("out of memory") == 1);
    CHECK(result.corrupt());
}
#endif

namespace {

// The pid of the process a trial forks, in memory shared with the test (mapped before the
// trial's own fork).
pid_t* forked_pid = nullptr;

// T1 forks a process that would sleep for ten minutes, holding the trial's pipes, and returns.
class ForksAndLeaves final : public Trial {
  public:
    explicit ForksAndLeaves(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread != 0 || *forked_pid != 0) return;
        const pid_t child = fork();
        if (child == 0) {
            sleep(600);
            _exit(0);
        }
        *forked_pid = child;
    }
    Outcome arbiter() override { return Outcome::clean(); }
};

// Whether `pid` has ended: waited for through a pidfd, which becomes readable when the process
// ends (or cannot be opened once it has been reaped). The bound only matters when it never does.
bool ends(pid_t pid) {
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) return errno == ESRCH;
    pollfd wait{pidfd, POLLIN, 0};
    const bool ended = poll(&wait, 1, 30'000) == 1;
    close(pidfd);
    return ended;
}

}  // namespace

TEST_CASE("a process a trial forks ends with the trial, which is not taken for hung") {
    void* shared =
        mmap(nullptr, sizeof(pid_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(shared != MAP_FAILED);
    forked_pid = static_cast<pid_t*>(shared);
    *forked_pid = 0;
    const RealResult result =
        run_real(scripted<ForksAndLeaves>(2), Variant::unsafe, options(1, 120));
    CHECK(result.runs_done == 1);
    CHECK(result.hung_runs == 0);  // its end is the trial's, not its pipes'
    REQUIRE(*forked_pid > 0);
    CHECK(ends(*forked_pid));
    munmap(shared, sizeof(pid_t));
}
