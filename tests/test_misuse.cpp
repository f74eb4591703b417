// Misuse: a lock let go of by a thread that does not hold it, an extra unlock_shared, a closed
// channel closed again or sent on, peek()/poke() inside a thread. Each is a MISUSE verdict with
// the thread, the object and (model) the step, in both modes; a program that uses the primitives
// by their rules never gets one.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/pipeline.hpp"
#include "cli/request.hpp"
#include "cli/terminal.hpp"
#include "engine/model.hpp"
#include "model_options.hpp"
#include "present/run_report.hpp"
#include "present/waits.hpp"
#include "racedemo/atomic.hpp"
#include "racedemo/channel.hpp"
#include "racedemo/scenario.hpp"
#include "real/real_runner.hpp"
#include "test_trials.hpp"

using namespace racedemo;

namespace {

// T1 locks mu, writes, unlocks; T2 unlocks mu, which it never locked.
class UnlockNotHeld final : public Trial {
  public:
    explicit UnlockNotHeld(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 0) {
            mu_.lock();
            x_.store(1);
            mu_.unlock();
        } else if (thread == 1) {
            mu_.unlock();
        }
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex mu_{"mu"};
    Shared<int> x_{"x"};
};

// T1 reads under rw, lets go of its read lock, and lets go again.
class ExtraUnlockShared final : public Trial {
  public:
    explicit ExtraUnlockShared(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread != 0) return;
        rw_.lock_shared();
        x_.load();
        rw_.unlock_shared();
        rw_.unlock_shared();
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    RWMutex rw_{"rw"};
    Shared<int> x_{"x"};
};

// T1 holds rw to read; T2 calls unlock on it, as if it held it to write.
class UnlockWhileRead final : public Trial {
  public:
    explicit UnlockWhileRead(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 0) {
            rw_.lock_shared();
            x_.load();
            rw_.unlock_shared();
        } else if (thread == 1) {
            rw_.unlock();
        }
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    RWMutex rw_{"rw"};
    Shared<int> x_{"x"};
};

// T1 closes jobs twice (Capacity 0: unbuffered).
template <int Capacity>
class CloseTwice final : public Trial {
  public:
    explicit CloseTwice(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread != 0) return;
        jobs_.close();
        jobs_.close();
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Chan<int> jobs_{"jobs", Capacity};
};

// T1 closes jobs, then sends on it.
template <int Capacity>
class SendAfterClose final : public Trial {
  public:
    explicit SendAfterClose(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread != 0) return;
        jobs_.close();
        jobs_.send(7);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Chan<int> jobs_{"jobs", Capacity};
};

// T1 stores to x, then reads it with peek() (Poke: writes it with poke()), which no runtime sees.
template <bool Poke>
class PeekInThread final : public Trial {
  public:
    explicit PeekInThread(const TrialConfig&) {}
    void actor(int thread) override {
        if (thread != 0) return;
        x_.store(1);
        if (Poke) {
            x_.poke(2);
        } else {
            seen_ = x_.peek();
        }
        x_.store(3);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Shared<int> x_{"x"};
    int seen_ = 0;
};

// Every primitive used by its rules: a recursive read lock let go of twice, a mutex by its
// holder, a channel closed once after its sends. Never a misuse.
class ByTheRules final : public Trial {
  public:
    explicit ByTheRules(const TrialConfig&) {}
    void actor(int thread) override {
        rw_.lock_shared();
        rw_.lock_shared();
        x_.load();
        rw_.unlock_shared();
        rw_.unlock_shared();
        mu_.lock();
        x_.store(x_.load() + 1);
        mu_.unlock();
        if (thread == 0) {
            jobs_.send(1);
            jobs_.close();
        } else if (thread == 1) {
            for (int job : jobs_) got_ += job;
        }
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    RWMutex rw_{"rw", RWPolicy::reader_preferring};
    Mutex mu_{"mu"};
    Shared<int> x_{"x"};
    Chan<int> jobs_{"jobs", 1};
    int got_ = 0;
};

ModelResult replayed(const Scenario& scenario, std::vector<int> schedule, int threads = 2) {
    return run_model(scenario, Variant::unsafe, TrialConfig{threads, true},
                     replay(std::move(schedule)));
}

ModelResult explored(const Scenario& scenario, Reduction reduction, int threads = 2) {
    ModelOptions options;
    options.strategy = Strategy::explore;
    options.reduction = reduction;
    return run_model(scenario, Variant::unsafe, TrialConfig{threads, true}, options);
}

// The report racedemo prints for a model request on `scenario`: text or JSON.
std::string printed(const Scenario& scenario, Strategy strategy, bool json,
                    std::vector<int> schedule = {}) {
    RunRequest request = default_run(scenario);
    request.runner = Runner::model;
    request.threads = 2;
    request.model.strategy = strategy;
    request.model.schedule = std::move(schedule);
    request.json = json;
    Terminal plain{};
    plain.width = 200;  // a line each, unwrapped
    return render_report(run_request(request, plain), form_of(request, plain));
}

}  // namespace

TEST_CASE("an unlock by a thread that does not hold the mutex is a misuse at its step") {
    const Scenario scenario = test_scenario<UnlockNotHeld>("unlock-not-held");
    SUBCASE("while T1 holds it") {
        const ModelResult result = replayed(scenario, {1, 2});
        REQUIRE(result.shown.misuse);
        const Misuse& misuse = *result.shown.misuse;
        CHECK(misuse.kind == MisuseKind::unlock_other);
        CHECK(misuse.thread == 2);
        CHECK(misuse.holder == 1);
        CHECK(misuse.object == "mu");
        CHECK(misuse.step == 2);
        // The execution stops at the misuse: its step is the last one.
        CHECK(result.shown.schedule == std::vector<int>{1, 2});
        CHECK(result.shown.trace.events.size() == 2);
        CHECK(result.shown.trace.events.back().op == Op::unlock);
        CHECK(result.schedules_misused == 1);
    }
    SUBCASE("before anyone locked it") {
        const ModelResult result = replayed(scenario, {2});
        REQUIRE(result.shown.misuse);
        CHECK(result.shown.misuse->kind == MisuseKind::unlock_free);
        CHECK(result.shown.misuse->holder == 0);
        CHECK(result.shown.misuse->step == 1);
    }
    SUBCASE("every reduction's search finds it and stops, incomplete") {
        for (Reduction reduction :
             {Reduction::none, Reduction::dpor, Reduction::reads_from, Reduction::automatic}) {
            CAPTURE(static_cast<int>(reduction));
            const ModelResult result = explored(scenario, reduction);
            CHECK(result.schedules_misused == 1);
            CHECK_FALSE(result.complete);
            REQUIRE(result.shown.misuse);
            CHECK(result.shown.misuse->thread == 2);
            CHECK(result.misuse_schedule == result.shown.schedule);
        }
    }
}

TEST_CASE("read locks: an extra unlock_shared, and an unlock of a lock held to read") {
    SUBCASE("one unlock_shared more than lock_shared") {
        const ModelResult result =
            replayed(test_scenario<ExtraUnlockShared>("extra-unlock-shared"), {1, 1, 1, 1}, 1);
        REQUIRE(result.shown.misuse);
        CHECK(result.shown.misuse->kind == MisuseKind::unlock_shared_unheld);
        CHECK(result.shown.misuse->thread == 1);
        CHECK(result.shown.misuse->object == "rw");
        CHECK(result.shown.misuse->step == 4);
    }
    SUBCASE("unlock while T1 reads") {
        const ModelResult result =
            replayed(test_scenario<UnlockWhileRead>("unlock-while-read"), {1, 2});
        REQUIRE(result.shown.misuse);
        CHECK(result.shown.misuse->kind == MisuseKind::unlock_other);
        CHECK(result.shown.misuse->holder == 0);  // readers hold it
        CHECK(result.shown.misuse->step == 2);
    }
}

TEST_CASE("a second close, and a send on a closed channel, buffered or not") {
    const auto check_at_step_2 = [](const Scenario& scenario, MisuseKind kind) {
        const ModelResult result = replayed(scenario, {1, 1}, 1);
        REQUIRE(result.shown.misuse);
        CHECK(result.shown.misuse->kind == kind);
        CHECK(result.shown.misuse->object == "jobs");
        CHECK(result.shown.misuse->step == 2);
        CHECK(result.shown.trace.events.back().op ==
              (kind == MisuseKind::close_closed ? Op::close : Op::send));
    };
    check_at_step_2(test_scenario<CloseTwice<0>>("close-twice"), MisuseKind::close_closed);
    check_at_step_2(test_scenario<CloseTwice<2>>("close-twice"), MisuseKind::close_closed);
    check_at_step_2(test_scenario<SendAfterClose<0>>("send-after-close"), MisuseKind::send_closed);
    check_at_step_2(test_scenario<SendAfterClose<2>>("send-after-close"), MisuseKind::send_closed);
}

TEST_CASE("peek() and poke() inside a thread are a misuse, after the thread's last step") {
    for (const bool poke : {false, true}) {
        CAPTURE(poke);
        const Scenario scenario = poke ? test_scenario<PeekInThread<true>>("poke-in-thread")
                                       : test_scenario<PeekInThread<false>>("peek-in-thread");
        const ModelResult result = replayed(scenario, {1}, 1);
        REQUIRE(result.shown.misuse);
        CHECK(result.shown.misuse->kind == MisuseKind::bypass);
        CHECK(result.shown.misuse->op == (poke ? Op::write : Op::read));
        CHECK(result.shown.misuse->object == "x");
        CHECK(result.shown.misuse->step == 1);         // after the store, the one step it took
        CHECK(result.shown.trace.events.size() == 1);  // the store after it never ran
    }
}

TEST_CASE("primitives used by their rules are never a misuse, in any schedule") {
    const Scenario scenario = test_scenario<ByTheRules>("by-the-rules");
    for (Reduction reduction : {Reduction::dpor, Reduction::reads_from}) {
        const ModelResult result = explored(scenario, reduction);
        CHECK(result.complete);
        CHECK(result.schedules_misused == 0);
        CHECK_FALSE(result.shown.misuse);
        CHECK(result.schedules_explored > 1);
    }
}

TEST_CASE("the report says MISUSE, with the thread, the object, the step and the rule") {
    const Scenario scenario = test_scenario<UnlockNotHeld>("unlock-not-held");
    const std::string text = printed(scenario, Strategy::replay, false, {1, 2});
    INFO(text);
    CHECK(text.find("MISUSE: T2 unlocks mu, which T1 holds, at step 2") != std::string::npos);
    CHECK(text.find("only the thread that locked a mutex may unlock it") != std::string::npos);
    CHECK(text.find("CLEAN") == std::string::npos);

    const std::string explored_text = printed(scenario, Strategy::explore, false);
    INFO(explored_text);
    CHECK(explored_text.find("INCOMPLETE (stopped at a misuse)") != std::string::npos);
    CHECK(explored_text.find("MISUSE: T2 unlocks mu") != std::string::npos);

    const auto json = nlohmann::json::parse(printed(scenario, Strategy::replay, true, {1, 2}));
    CHECK(json["verdict"] == "misuse");
    CHECK(json["schedules_misused"] == 1);
    CHECK(json["misuse"]["kind"] == "unlock-by-a-non-holder");
    CHECK(json["misuse"]["thread"] == 2);
    CHECK(json["misuse"]["holder"] == 1);
    CHECK(json["misuse"]["object"] == "mu");
    CHECK(json["misuse"]["step"] == 2);
    CHECK(json["evidence"] == "T2 unlocks mu, which T1 holds");
}

TEST_CASE("real threads: each misuse stops its trial as MISUSE, and racedemo survives it") {
    SUBCASE("an unlock of a mutex the thread never locked") {
        const RealResult result = run_two_threads<UnlockNotHeld>(20, 3);
        CHECK(result.runs_done == 3);
        CHECK(result.misused_runs == 3);  // every trial: T2 never holds mu
        REQUIRE(result.first_misuse);
        REQUIRE(result.first_misuse->misuse);
        const Misuse& misuse = *result.first_misuse->misuse;
        CHECK(misuse.thread == 2);
        CHECK(misuse.object == "mu");
        const bool by_holder = misuse.kind == MisuseKind::unlock_other && misuse.holder == 1;
        const bool when_free = misuse.kind == MisuseKind::unlock_free && misuse.holder == 0;
        CHECK((by_holder || when_free));
        CHECK(result.first_misuse->rounds == 1);  // the trial ends with the round
        CHECK(result.crashed_runs == 0);
        CHECK(result.hung_runs == 0);

        RealResult worded = result;
        word_result(worded);
        const Scenario scenario = test_scenario<UnlockNotHeld>("unlock-not-held");
        const RunRequest request = default_run(scenario);  // points to it
        const RunReport report{{request.scenario, Variant::unsafe, Mode::real, 2},
                               RealReport{request.real, worded, {}},
                               0};
        CHECK(verdict_of(report) == Verdict::misuse);
        const std::string text = render_text(report, Style(false, 200));
        INFO(text);
        CHECK(
            text.find("MISUSE: 3 of 3 runs stopped at a misuse; the first, run 1: T2 unlocks mu") !=
            std::string::npos);
        CHECK(text.find("CLEAN") == std::string::npos);
    }
    SUBCASE("an extra unlock_shared") {
        const RealResult result = run_two_threads<ExtraUnlockShared>(20, 2);
        CHECK(result.misused_runs == 2);
        REQUIRE(result.first_misuse);
        CHECK(result.first_misuse->misuse->kind == MisuseKind::unlock_shared_unheld);
        CHECK(result.first_misuse->misuse->object == "rw");
    }
    SUBCASE("a closed channel closed again or sent on, buffered or not") {
        CHECK(run_two_threads<CloseTwice<0>>(5, 1).first_misuse->misuse->kind ==
              MisuseKind::close_closed);
        CHECK(run_two_threads<CloseTwice<2>>(5, 1).first_misuse->misuse->kind ==
              MisuseKind::close_closed);
        CHECK(run_two_threads<SendAfterClose<0>>(5, 1).first_misuse->misuse->kind ==
              MisuseKind::send_closed);
        CHECK(run_two_threads<SendAfterClose<2>>(5, 1).first_misuse->misuse->kind ==
              MisuseKind::send_closed);
    }
    SUBCASE("peek() inside a traced thread") {
        const RealResult result = run_two_threads<PeekInThread<false>>(5, 1);
        REQUIRE(result.first_misuse);
        CHECK(result.first_misuse->misuse->kind == MisuseKind::bypass);
        CHECK(result.first_misuse->misuse->object == "x");
    }
    SUBCASE("by the rules: never") {
        const RealResult result = run_two_threads<ByTheRules>(200, 2);
        CHECK(result.misused_runs == 0);
        CHECK(result.runs_done == 2);
        CHECK_FALSE(result.corrupt());
    }
}
