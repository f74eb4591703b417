// Test fixture: a plugin with two scenarios, built with racedemo_add_scenario as a user's would be.
//   plugin-counter  threads add one to a counter (unsafe: lost updates; fixed: a mutex)
//   plugin-crash    the unsafe variant dereferences a null pointer: in every real trial, and in the
//                   model when its second thread reads first. racedemo must count crashed trials,
//                   and report a crash in the model with its replay, not die of either
//   plugin-slow     a clean program whose real trials would take minutes: a test interrupts them
//                   knowing they are still running
//   plugin-overflow the unsafe variant recurses without end after its first read: in the model,
//                   the thread's fiber stack overflows into its guard page, which racedemo must
//                   report as a stack overflow (not write over the memory below the stack)
//   plugin-spin     T1 waits for a flag T2 sets. Unsafe: a busy wait without a yield, which the
//                   model's default schedule spins in until the step bound (STEP BOUND, never
//                   CLEAN). Fixed: the same wait with racedemo::yield(), explored to its end
//   plugin-busy     the unsafe variant's T2 loops for ever without touching shared state: the
//                   model cannot take it back; racedemo must say so and stop, not hang
#include <fmt/format.h>

#include <csignal>
#include <mutex>
#include <optional>
#include <racedemo/scenario.hpp>
#include <racedemo/shared_state.hpp>

namespace {

template <class Lock>
class CounterTrial final : public racedemo::Trial {
  public:
    explicit CounterTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads), hits_(config.model ? 1 : 1000) {}
    // lesson:begin plugin-counter
    void actor(int) override {
        for (int hit = 0; hit < hits_; ++hit) {
            racedemo::note("Add()");
            std::lock_guard guard(mu_);
            int seen = count_.load();
            count_.store(seen + 1);
        }
    }
    // lesson:end
    racedemo::Outcome arbiter() override {
        const int count = count_.load();
        if (count == threads_ * hits_) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt(
            "lost updates", [&] { return fmt::format("{} of {}", count, threads_ * hits_); });
    }

  private:
    int threads_;
    int hits_;
    racedemo::Shared<int> count_{"count", 0};
    Lock mu_{"mu"};
};

template <bool Crash>
class CrashTrial final : public racedemo::Trial {
  public:
    explicit CrashTrial(const racedemo::TrialConfig& config) : model_(config.model) {}
    // On real threads every trial of the unsafe variant crashes; in the model, the second thread
    // crashes when it reads before the first has written (a crash that depends on the schedule).
    void actor(int thread) override {
        const int seen = value_.load();
        if (Crash && (!model_ || (thread == 1 && seen == 0)))
            std::raise(SIGSEGV);  // as a null dereference would end it
        value_.store(seen + 1);
    }
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }

  private:
    bool model_;
    racedemo::Shared<int> value_{"value", 0};
};

// Each thread takes a lock and adds one, a billion times on real threads (once in the model).
class SlowTrial final : public racedemo::Trial {
  public:
    explicit SlowTrial(const racedemo::TrialConfig& config)
        : adds_(config.model ? 1 : 1'000'000'000) {}
    void actor(int) override {
        for (long add = 0; add < adds_; ++add) {
            std::lock_guard guard(mu_);
            count_.store(count_.load() + 1);
        }
    }
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }

  private:
    long adds_;
    racedemo::Shared<long> count_{"count", 0};
    racedemo::Mutex mu_{"mu"};
};

// Deep enough to overflow any stack; each frame keeps a buffer, so it is no loop in disguise.
[[gnu::noinline]] long dive(long depth, long limit) {
    volatile char frame[512];
    frame[0] = static_cast<char>(depth);
    if (depth == limit) return frame[0];
    return dive(depth + 1, limit) + frame[0];
}

template <bool Overflow>
class OverflowTrial final : public racedemo::Trial {
  public:
    explicit OverflowTrial(const racedemo::TrialConfig&) {}
    void actor(int) override {
        const long seen = value_.load();
        if (Overflow) value_.store(dive(seen, 1L << 40));
        value_.store(seen + 1);
    }
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }

  private:
    racedemo::Shared<long> value_{"value", 0};
};

template <bool Yields>
class SpinTrial final : public racedemo::Trial {
  public:
    explicit SpinTrial(const racedemo::TrialConfig&) {}
    void actor(int thread) override {
        if (thread == 1) {
            racedemo::note("Set()");
            ready_.store(1);
            return;
        }
        racedemo::note("Wait()");
        while (ready_.load() == 0)
            if (Yields) racedemo::yield();
    }
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }

  private:
    racedemo::Shared<int> ready_{"ready", 0};
};

template <bool Busy>
class BusyTrial final : public racedemo::Trial {
  public:
    explicit BusyTrial(const racedemo::TrialConfig&) {}
    void actor(int thread) override {
        const int seen = value_.load();
        if (Busy && thread == 1) {
            volatile long turns = 0;
            for (;;) turns = turns + 1;
        }
        value_.store(seen + 1);
    }
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }

  private:
    racedemo::Shared<int> value_{"value", 0};
};

}  // namespace

RACEDEMO_SCENARIO({
    .name = "plugin-counter",
    .summary = "a plugin's counter: increments are lost",
    .lesson = "A counter in a plugin, with and without its mutex.",
    .takeaway = "plugins race too",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 100,
    .unsafe = racedemo::make_trial<CounterTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<CounterTrial<racedemo::Mutex>>,
});

RACEDEMO_SCENARIO({
    .name = "plugin-crash",
    .summary = "a plugin whose unsafe trials crash on real threads",
    .lesson = "Its unsafe variant crashes.",
    .takeaway = "a crash in a trial is the trial's",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 10,
    .unsafe = racedemo::make_trial<CrashTrial<true>>,
    .fixed = racedemo::make_trial<CrashTrial<false>>,
});

RACEDEMO_SCENARIO({
    .name = "plugin-slow",
    .summary = "a plugin whose real trials take minutes",
    .lesson = "Its trials are long.",
    .takeaway = "an interrupt ends a long trial",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 1,
    .fixed = racedemo::make_trial<SlowTrial>,
});

RACEDEMO_SCENARIO({
    .name = "plugin-overflow",
    .summary = "a plugin whose unsafe variant overflows its stack",
    .lesson = "Its unsafe variant recurses without end.",
    .takeaway = "a stack overflow in the model is reported, not survived",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 1,
    .unsafe = racedemo::make_trial<OverflowTrial<true>>,
    .fixed = racedemo::make_trial<OverflowTrial<false>>,
});

RACEDEMO_SCENARIO({
    .name = "plugin-spin",
    .summary = "a plugin whose unsafe variant spins without yielding",
    .lesson = "A busy wait, with and without racedemo::yield().",
    .takeaway = "a spin loop in the model yields",
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 1,
    .unsafe = racedemo::make_trial<SpinTrial<false>>,
    .fixed = racedemo::make_trial<SpinTrial<true>>,
});

RACEDEMO_SCENARIO({
    .name = "plugin-busy",
    .summary = "a plugin whose unsafe variant loops without a step",
    .lesson = "Its unsafe variant loops for ever without touching shared state.",
    .takeaway = "a thread the model cannot take back stops racedemo",
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 1,
    .unsafe = racedemo::make_trial<BusyTrial<true>>,
    .fixed = racedemo::make_trial<BusyTrial<false>>,
});
