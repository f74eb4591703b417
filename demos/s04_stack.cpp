// 04 stack: Push and Pop on a slice-backed stack, shared by threads.
//
// What races: Push reads the length, writes the entry, stores length + 1; Pop reads the
// length, reads the top entry, stores length - 1. Two pushes that read the same length write
// the same slot (a lost push); two pops that read the same length return the same entry (a
// double pop); a length stored from a stale read can expose a slot nobody filled (garbage).
//
//   racedemo stack                 unsafe: CORRUPTED, lost pushes / double pops
//   racedemo stack --fixed         the mutex lives in the struct: CLEAN
//   racedemo stack --mode model --explore
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::Shared;

constexpr int kEmpty = 0;  // what Pop returns for an empty stack, like Go's ""

// The lesson's Stack. The fields are private, so no caller can touch the entries without the
// lock; `Lock` is the only difference between the variants (NoLock or a Mutex).
// lesson:begin
template <class Lock>
class Stack {
  public:
    explicit Stack(int capacity) {
        for (int slot = 0; slot < capacity; ++slot)
            entries_.emplace_back(racedemo::ObjectName::indexed("entries[{}]", slot), kEmpty);
    }

    void Push(int entry) {
        std::lock_guard guard(mx_);
        int length = len_.load();
        entries_[static_cast<std::size_t>(length)].store(entry);
        len_.store(length + 1);
    }

    int Pop() {
        // The guard unlocks on every way out of Pop, the early return included (Go's defer).
        std::lock_guard guard(mx_);
        int length = len_.load();
        if (length == 0) return kEmpty;
        int entry = entries_[static_cast<std::size_t>(length - 1)].load();
        len_.store(length - 1);
        return entry;
    }
    // lesson:end

    // Empty again, for the model's next execution.
    void Reset() {
        for (Shared<int>& entry : entries_) entry.poke(kEmpty);
        len_.poke(0);
    }

    // The entries left on the stack, bottom first (for the arbiter).
    std::vector<int> Entries() {
        std::lock_guard guard(mx_);
        std::vector<int> left;
        for (int slot = 0; slot < len_.load(); ++slot)
            left.push_back(entries_[static_cast<std::size_t>(slot)].load());
        return left;
    }

  private:
    std::deque<Shared<int>> entries_;  // a slice with room for every push: cells never move
    Shared<int> len_{"len", 0};
    // lesson:begin
    Lock mx_{"mx"};
    // lesson:end
};

// Each thread pushes its own entries (thread 1: 101, 102, ...) and then pops as many.
template <class Lock>
class StackTrial final : public racedemo::Trial {
  public:
    explicit StackTrial(const racedemo::TrialConfig& config)
        : threads_(config.threads),
          per_thread_(config.model ? 1 : 4),
          stack_(threads_ * per_thread_),
          popped_(static_cast<std::size_t>(threads_ * per_thread_), kEmpty) {}

    void actor(int thread) override {
        for (int i = 1; i <= per_thread_; ++i) {
            int entry = (thread + 1) * 100 + i;
            racedemo::note("Push({})", entry);
            stack_.Push(entry);
        }
        for (int i = 0; i < per_thread_; ++i) {
            racedemo::note("Pop()");
            popped_[static_cast<std::size_t>(thread * per_thread_ + i)] = stack_.Pop();
        }
    }

    bool reset() override {
        stack_.Reset();
        std::fill(popped_.begin(), popped_.end(), kEmpty);
        return true;
    }

    racedemo::Outcome arbiter() override {
        // Every pushed entry must come out exactly once: popped, or still on the stack.
        const std::vector<int> out = came_out();
        bool lost = false;
        for_each_push(
            [&](int entry) { lost |= !std::binary_search(out.begin(), out.end(), entry); });
        const bool doubled = std::adjacent_find(out.begin(), out.end(), [&](int a, int b) {
                                 return a == b && pushed(a);
                             }) != out.end();
        const bool garbage = std::any_of(out.begin(), out.end(), [&](int e) { return !pushed(e); });
        if (!lost && !doubled && !garbage) return racedemo::Outcome::clean();
        return racedemo::Outcome::corrupt(
            racedemo::label_of(
                {{lost, "lost push"}, {doubled, "double pop"}, {garbage, "garbage pop"}}),
            [&] { return evidence(out); });
    }

  private:
    // Every entry popped or left on the stack, sorted.
    std::vector<int> came_out() {
        std::vector<int> out = stack_.Entries();
        out.reserve(out.size() + popped_.size());
        std::copy_if(popped_.begin(), popped_.end(), std::back_inserter(out),
                     [](int entry) { return entry != kEmpty; });
        std::sort(out.begin(), out.end());
        return out;
    }
    template <class Visit>
    void for_each_push(Visit visit) const {
        for (int thread = 0; thread < threads_; ++thread)
            for (int i = 1; i <= per_thread_; ++i) visit((thread + 1) * 100 + i);
    }
    bool pushed(int entry) const {
        return entry % 100 >= 1 && entry % 100 <= per_thread_ && entry / 100 >= 1 &&
               entry / 100 <= threads_;
    }
    static std::string how_often(long times) {
        if (times == 1) return "once";
        return times == 2 ? "twice" : fmt::format("{} times", times);
    }
    // "201 popped once and still on the stack once": the pops are in the trace; what is left
    // on the stack is only seen when the threads are done.
    std::string where_it_came_out(int entry) {
        const long pops = std::count(popped_.begin(), popped_.end(), entry);
        const std::vector<int> left_on_stack = stack_.Entries();
        const long left = std::count(left_on_stack.begin(), left_on_stack.end(), entry);
        std::vector<std::string> where;
        if (pops > 0) where.push_back("popped " + how_often(pops));
        if (left > 0) where.push_back("still on the stack " + how_often(left));
        return fmt::format("{} {}", entry, fmt::join(where, " and "));
    }
    // What went wrong, entry by entry; `out` is sorted.
    std::string evidence(const std::vector<int>& out) {
        std::vector<std::string> lost, garbage;
        std::map<long, std::vector<std::string>> repeated;  // by how many times it came out
        for_each_push([&](int entry) {
            if (!std::binary_search(out.begin(), out.end(), entry))
                lost.push_back(std::to_string(entry));
        });
        for (auto first = out.begin(); first != out.end();) {
            auto last = std::upper_bound(first, out.end(), *first);
            if (!pushed(*first))
                garbage.push_back(std::to_string(*first));
            else if (last - first > 1)
                repeated[last - first].push_back(where_it_came_out(*first));
            first = last;
        }
        std::vector<std::string> parts;
        if (!lost.empty()) parts.push_back(fmt::format("lost {}", fmt::join(lost, ", ")));
        for (const auto& [times, entries] : repeated)
            parts.push_back(
                fmt::format("came out {}: {}", how_often(times), fmt::join(entries, ", ")));
        if (!garbage.empty())
            parts.push_back(fmt::format("never pushed: {}", fmt::join(garbage, ", ")));
        return fmt::format("{} (of {} pushes)", fmt::join(parts, "; "), threads_ * per_thread_);
    }

    int threads_;
    int per_thread_;
    Stack<Lock> stack_;
    // What each pop returned (kEmpty: nothing), a slot per pop: recording races with nothing.
    std::vector<int> popped_;
};

}  // namespace

RACEDEMO_SCENARIO({
    .number = 4,
    .name = "stack",
    .summary = "Push/Pop on a shared slice-backed stack: lost pushes, double pops",
    .lesson = R"(A stack kept in a slice looks like one operation per call, but Push is three
steps (read the length, write the slot, store the new length) and so is Pop. Two pushes that
read the same length fill the same slot: one entry is silently lost. Two pops that read the
same length hand the same entry to both callers. A length written back from a stale read can
even point past the entries that were really written, so a later Pop returns garbage.

The fix puts a mutex inside the struct, next to the slice it protects, and keeps both fields
private so that no caller can reach the slice without going through Push and Pop. Each method
locks first; Pop releases the lock on every way out, including the early return for an empty
stack (Go uses defer, C++ a scoped guard), so no path can leave it locked.)",
    .takeaway =
        "keep the mutex beside the data it guards, make the data private, unlock on every path",
    .terms = {"lost update"},
    .default_threads = 2,
    .min_threads = 1,
    .rounds = 4000,
    .unsafe = racedemo::make_trial<StackTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<StackTrial<racedemo::Mutex>>,
});
