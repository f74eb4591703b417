// 09 early-return: Pop on an empty stack returns before it unlocks.
//
// What goes wrong: Pop locks by hand and unlocks by hand at its end, but its early return for
// an empty stack skips the unlock. The thread goes on (here it is done) still holding the
// mutex, an abandoned lock, and every thread that asks for it afterwards waits forever: a
// deadlock with a single lock, whose holder has long finished.
//
//   racedemo early-return --mode model --explore   T1 finished, still holding mu; DEADLOCKED:
//                                                  T2 waits for mu (held by T1, which has
//                                                  finished: an abandoned lock)
//   racedemo early-return                          real threads: deadlocked runs, contained
//   racedemo early-return --fixed --mode model --explore
//                                                  a lock_guard unlocks on every way out:
//                                                  every schedule finishes
#include <fmt/format.h>

#include <deque>
#include <mutex>
#include <optional>
#include <type_traits>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::Mutex;
using racedemo::ObjectName;
using racedemo::Shared;

constexpr int kEmpty = 0;  // what Pop returns for an empty stack

struct HandUnlocked {};  // unsafe: lock() at the top, unlock() at the bottom
struct Guarded {};       // fixed: a lock_guard, released however the function returns

template <class Unlocking>
class Stack {
  public:
    explicit Stack(int capacity) {
        for (int slot = 0; slot < capacity; ++slot)
            entries_.emplace_back(ObjectName::indexed("entries[{}]", slot), kEmpty);
    }

    // lesson:begin
    void Push(int value) {
        std::lock_guard guard(mu_);
        int n = len_.load();
        entries_[static_cast<std::size_t>(n)].store(value);
        len_.store(n + 1);
    }

    int Pop() {
        if constexpr (std::is_same_v<Unlocking, Guarded>) return PopGuarded();
        return PopByHand();
    }

    // Unsafe: the early return leaves with mu_ still locked.
    int PopByHand() {
        mu_.lock();
        int n = len_.load();
        if (n == 0) return kEmpty;
        int top = entries_[static_cast<std::size_t>(n - 1)].load();
        len_.store(n - 1);
        mu_.unlock();
        return top;
    }

    // Fixed: the guard unlocks on every way out of the function.
    int PopGuarded() {
        std::lock_guard guard(mu_);
        int n = len_.load();
        if (n == 0) return kEmpty;
        int top = entries_[static_cast<std::size_t>(n - 1)].load();
        len_.store(n - 1);
        return top;
    }
    // lesson:end

    int Len() { return len_.load(); }

  private:
    Shared<int> len_{"len", 0};
    std::deque<Shared<int>> entries_;
    Mutex mu_{"mu"};
};

// T1 pops; every other thread pushes its own value. A pop that comes first finds the stack
// empty.
template <class Unlocking>
class EarlyReturnTrial final : public racedemo::Trial {
  public:
    explicit EarlyReturnTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads), stack_(std::in_place, config.threads) {}

    void actor(int thread) override {
        if (thread == 0) {
            racedemo::note("Pop()");
            popped_ = stack_->Pop();
            return;
        }
        racedemo::note("Push({})", 100 * (thread + 1));
        stack_->Push(100 * (thread + 1));
    }

    bool reset() override {
        stack_.emplace(threads_);
        popped_ = kEmpty;
        return true;
    }

    // Every push is either still on the stack or was popped.
    racedemo::Outcome arbiter() override {
        const int pushes = threads_ - 1;
        const int expected = pushes - (popped_ != kEmpty ? 1 : 0);
        if (stack_->Len() == expected) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt("lost push", [this, expected] {
            return fmt::format("the stack holds {} entries, not {}", stack_->Len(), expected);
        });
    }

  private:
    int threads_;
    std::optional<Stack<Unlocking>> stack_;
    int popped_ = kEmpty;
};

}  // namespace

RACEDEMO_SCENARIO({
    .number = 9,
    .name = "early-return",
    .summary = "Pop on an empty stack returns without unlocking: the next caller waits forever",
    .lesson = R"(Every access to this stack takes its mutex, so no update can be lost. Push uses a
guard. Pop locks by hand at its top and unlocks by hand at its bottom, and that is fine on
the path the programmer had in mind. But Pop has a second way out: when the stack is empty,
it returns at once. That return skips the unlock.

Thread 1 pops an empty stack and returns, done, with the mutex still locked. Thread 2 wants
to push: it asks for the mutex and waits for a thread that will never unlock it, because that
thread is not even running any more: the trace shows thread 1 finished, still holding mu.
That is an abandoned lock, and waiting for one is a deadlock, though with no cycle and a single
lock: a thread blocked for ever, waiting for something no one will ever give. Nothing in Pop
looks wrong when read line by line; the bug is a path, not a line, and it shows only when Pop
runs first.

The fix is to tie the unlock to the scope instead of to a line: a guard (std::lock_guard,
std::unique_lock; in Go, defer mu.Unlock() right after mu.Lock()) unlocks when the function
is left, by any return or by an exception. Lock where you need it and let the guard unlock.)",
    .takeaway = "pair every lock with a scoped unlock: a guard releases on every way out",
    .terms = {"deadlock", "abandoned lock", "waits"},
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 200,
    .unsafe = racedemo::make_trial<EarlyReturnTrial<HandUnlocked>>,
    .fixed = racedemo::make_trial<EarlyReturnTrial<Guarded>>,
    .fix = "how Pop unlocks. The unsafe variant's Pop is PopByHand, whose early\nreturn skips "
           "the unlock; the fixed one's is PopGuarded",
});
