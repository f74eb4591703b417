// bank-race: two or more threads deposit into one bank account.
//
// What races: Deposit reads the balance, adds the amount, and writes the sum back. Two threads
// that read the same balance both write their own sum: one deposit is lost.
//
//   racedemo --plugin build/bank-race.so bank-race                  unsafe: CORRUPTED, money lost
//   racedemo --plugin build/bank-race.so bank-race --fixed          a mutex: CLEAN
//   racedemo --plugin build/bank-race.so bank-race --mode model --explore
//                                   every schedule, and the shortest that loses a deposit
//
// To make it your own: change Account (the shared state and the code that races), the actors'
// work in actor(), and what arbiter() calls wrong; keep the Lock parameter, so that the unsafe
// and the fixed variant stay the same code, differing only in the lock.
#include <fmt/format.h>
#include <racedemo/scenario.hpp>
#include <racedemo/shared_state.hpp>

#include <mutex>
#include <optional>

namespace {

// lesson:begin
template <class Lock>
class Account {
  public:
    void Deposit(int amount) {
        std::lock_guard guard(mu_);  // NoLock in the unsafe variant: it does nothing
        int balance = balance_.load();
        balance_.store(balance + amount);
    }
    int Balance() {
        std::lock_guard guard(mu_);
        return balance_.load();
    }

  private:
    // Shared<T> and the locks are racedemo's: real memory and locks on real threads, and steps
    // the model scheduler can interleave in model mode.
    racedemo::Shared<int> balance_{"balance", 0};
    Lock mu_{"mu"};
};
// lesson:end

template <class Lock>
class AccountTrial final : public racedemo::Trial {
  public:
    // The model explores every schedule: it gets a small workload, one deposit per thread.
    explicit AccountTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads), deposits_(config.model ? 1 : 1000) {}

    // The work of one thread (0-based); all threads run it at once.
    void actor(int) override {
        for (int deposit = 0; deposit < deposits_; ++deposit) {
            racedemo::note("Deposit(10)");  // shown in traces: what the thread is doing
            account_->Deposit(10);
        }
    }

    // Runs alone after every thread is done: judges what happened.
    racedemo::Outcome arbiter() override {
        const int expected = 10 * threads_ * deposits_;
        const int balance = account_->Balance();
        if (balance == expected) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt("lost deposits", [&] {
            return fmt::format("the balance is {}, not {}: {} lost", balance, expected,
                               expected - balance);
        });
    }

    // A new account in the same place, so that the model reuses the trial between schedules.
    bool reset() override {
        account_.emplace();
        return true;
    }

  private:
    int threads_;
    int deposits_;
    std::optional<Account<Lock>> account_{std::in_place};
};

}  // namespace

RACEDEMO_SCENARIO({
    .name = "bank-race",
    .summary = "threads deposit into one account: deposits are lost",
    .lesson = R"(Deposit reads the balance, adds the amount and writes the sum back: three
steps, not one. Two threads that both read the same balance both write their own sum, and
one deposit is gone. The fix holds a mutex across the read and the write.)",
    .takeaway = "a read, then a write of what was read, is not one step: lock across both",
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 400,  // real mode: trials judged clean after this many rounds
    .unsafe = racedemo::make_trial<AccountTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<AccountTrial<racedemo::Mutex>>,
});
