// 06 counter: many threads add one to a shared counter.
//
// What races: hits++ is three steps (read the counter, add one, write it back). Two threads
// that read the same value both write value + 1: one increment is lost.
//
//   racedemo counter                  unsafe: CORRUPTED, the count comes out short
//   racedemo counter --fixed          a mutex around the increment: CLEAN, every hit counted
//   racedemo counter --mode model --explore --reduction none
//                                     6 schedules for 2 threads, 4 of them lose an update
#include <fmt/format.h>

#include <mutex>
#include <optional>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

// lesson:begin
template <class Lock>
class Counter {
  public:
    void Hit() {
        std::lock_guard guard(mu_);
        int seen = hits_.load();
        hits_.store(seen + 1);
    }
    int Hits() {
        std::lock_guard guard(mu_);
        return hits_.load();
    }

  private:
    racedemo::Shared<int> hits_{"hits", 0};
    Lock mu_{"mu"};
};
// lesson:end

template <class Lock>
class CounterTrial final : public racedemo::Trial {
  public:
    explicit CounterTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads), hits_per_thread_(config.model ? 1 : 1000) {}

    void actor(int) override {
        for (int hit = 0; hit < hits_per_thread_; ++hit) {
            racedemo::note("Hit()");
            counter_->Hit();
        }
    }

    bool reset() override {
        counter_.emplace();  // a new counter in the same place: nothing allocated
        return true;
    }

    racedemo::Outcome arbiter() override {
        const int expected = threads_ * hits_per_thread_;
        const int counted = counter_->Hits();
        if (counted == expected) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt("lost updates", [&] {
            return fmt::format("counted {} of {} hits: {} lost", counted, expected,
                               expected - counted);
        });
    }

  private:
    int threads_;
    int hits_per_thread_;
    std::optional<Counter<Lock>> counter_{std::in_place};
};

}  // namespace

RACEDEMO_SCENARIO({
    .number = 6,
    .name = "counter",
    .summary = "threads add one to a shared counter: increments are lost",
    .lesson = R"(The smallest race there is. hits++ looks like one step but is three: read the
counter, add one, write the result back. (The add happens inside the thread, so a trace shows
two steps: the read and the write.) When two threads both read 41 before either writes,
both write 42, and one of the two hits is gone. Nothing fails and nothing is reported; the
count is just too low, by more the more threads there are.

The fix takes a mutex around the read and the write, so that the next thread reads only
after the previous one has written. (For a lone counter an atomic increment does the same;
a mutex is the tool that also covers several fields at once.))",
    .takeaway = "read-modify-write is not one step: make it one, with a lock or an atomic",
    .terms = {"lost update", "preemption"},
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 400,
    .unsafe = racedemo::make_trial<CounterTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<CounterTrial<racedemo::Mutex>>,
});
