// 08 lock-order: transfers between accounts, each account with its own mutex.
//
// What goes wrong: Transfer locks the account it takes money from, then the one it pays into.
// T1 pays a into b while T2 pays b into a: T1 holds a and waits for b, T2 holds b and waits
// for a, and neither ever goes on. With N threads the transfers form a ring (a to b, b to c,
// ..., the last back to a), and the deadlock is a ring of waits.
//
//   racedemo lock-order --mode model --explore   DEADLOCKED: the cycle, the shortest schedule
//   racedemo lock-order                          real threads: deadlocked runs, contained
//   racedemo lock-order --fixed --mode model --explore
//                                                every thread locks the lower account first:
//                                                no cycle can form, every schedule finishes
#include <fmt/format.h>

#include <deque>
#include <mutex>
#include <string>
#include <utility>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::Mutex;
using racedemo::ObjectName;
using racedemo::Shared;

constexpr int kOpeningBalance = 100;
constexpr int kAmount = 10;

// Accounts a, b, c, ... (past z: acct26, acct27, ...).
struct Account {
    explicit Account(int id)
        : id(id),
          balance(id < 26 ? ObjectName::indexed("{:c}.balance", 'a' + id)
                          : ObjectName::indexed("acct{}.balance", id),
                  kOpeningBalance),
          mu(id < 26 ? ObjectName::indexed("{:c}.mu", 'a' + id)
                     : ObjectName::indexed("acct{}.mu", id)) {}
    std::string label() const {
        return id < 26 ? std::string(1, static_cast<char>('a' + id)) : fmt::format("acct{}", id);
    }
    int id;
    Shared<int> balance;
    Mutex mu;
};

// lesson:begin
// Which of the two accounts' locks a transfer takes first: the only difference between the
// variants.
struct PayerFirst {  // unsafe: the order depends on the direction of the transfer
    static std::pair<Account*, Account*> order(Account& from, Account& to) {
        return {&from, &to};  // the payer's lock first, whoever the payer is
    }
};
struct LowerIdFirst {  // fixed: one order for everyone
    static std::pair<Account*, Account*> order(Account& from, Account& to) {
        if (to.id < from.id) return {&to, &from};
        return {&from, &to};
    }
};

template <class LockOrder>
void Transfer(Account& from, Account& to, int amount) {
    auto [first, second] = LockOrder::order(from, to);
    std::lock_guard lock_first(first->mu);
    std::lock_guard lock_second(second->mu);
    from.balance.store(from.balance.load() - amount);
    to.balance.store(to.balance.load() + amount);
}
// lesson:end

// Thread t pays account t into account t+1 (the last pays the first): a ring of transfers.
template <class LockOrder>
class TransferTrial final : public racedemo::Trial {
  public:
    explicit TransferTrial(const racedemo::TrialConfig& config) : threads_(config.threads) {
        reset();
    }

    void actor(int thread) override {
        const auto from = static_cast<std::size_t>(thread);
        const auto to = static_cast<std::size_t>((thread + 1) % threads_);
        racedemo::note("Transfer({}, {}, {})", accounts_[from].label(), accounts_[to].label(),
                       kAmount);
        Transfer<LockOrder>(accounts_[from], accounts_[to], kAmount);
    }

    bool reset() override {
        accounts_.clear();  // a deque: the accounts stay where they are built
        for (int id = 0; id < threads_; ++id) accounts_.emplace_back(id);
        return true;
    }

    racedemo::Outcome arbiter() override {
        int total = 0;
        for (Account& account : accounts_) total += account.balance.load();
        const int expected = threads_ * kOpeningBalance;
        if (total == expected) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt("money changed", [=] {
            return fmt::format("the accounts hold {} in all, not {}", total, expected);
        });
    }

  private:
    int threads_;
    std::deque<Account> accounts_;
};

}  // namespace

RACEDEMO_SCENARIO({
    .number = 8,
    .name = "lock-order",
    .summary = "transfers lock two accounts in opposite orders: the threads deadlock",
    .lesson = R"(Every account has its own mutex, and a transfer locks both accounts it touches,
so no one can see money that has left one account and not yet arrived in the other. Each lock
on its own is used correctly. Together they are not.

Transfer locks the payer first and the payee second. Thread 1 pays a into b: it locks a. At
the same moment thread 2 pays b into a: it locks b. Now thread 1 waits for b, which thread 2
holds, and thread 2 waits for a, which thread 1 holds. Neither will ever let go. Nothing is
corrupted; the program simply stops, forever. That is a deadlock: a cycle of threads, each
holding a lock the next one waits for. It needs only two locks taken in opposite orders by
two threads, and a schedule that interleaves them just so. Many schedules do not, which is
why such a program can pass its tests for a long time.

With more threads the transfers go round a ring: a into b, b into c, c into a. That is the
dining philosophers' table: each philosopher picks up the fork on one side and waits for the
one on the other. The cycle of waits is longer, and it still needs every thread to take its
first lock before any takes its second, so it happens even more rarely in testing.

The fix is a rule, not another lock: every thread takes the locks in one agreed order. Here
the lower account number goes first, whichever way the money moves. A cycle of waits would
need some thread to hold a later lock while waiting for an earlier one, and nobody ever does
that. (C++'s std::scoped_lock, given both mutexes, avoids the deadlock another way: it backs
off and retries when it cannot take them all.))",
    .takeaway = "when a thread holds several locks, everyone must take them in one global order",
    .terms = {"deadlock", "waits", "lock-order inversion"},
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 200,
    .unsafe = racedemo::make_trial<TransferTrial<PayerFirst>>,
    .fixed = racedemo::make_trial<TransferTrial<LowerIdFirst>>,
    .fix = "the order of the two locks. The unsafe variant takes the payer's lock\nfirst "
           "(PayerFirst), the fixed one the lower account's (LowerIdFirst)",
});
