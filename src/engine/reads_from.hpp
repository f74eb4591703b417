// Reduction::reads_from: depth-first search with sleep sets and state caching.
//
// A thread's local state is a function of its code and of the values its steps observed. So
// two prefixes of executions reach the same global state (every thread's local state, every
// cell's value, every lock's holders) when
//   (a) every thread took the same number of steps, and the same of them were waits (a writer
//       queueing on a writer-preferring lock is a step: the k-th step of a thread may be its
//       wait in one execution and its acquisition in another, with different holders),
//   (b) every read returned the same value; a read of an address (Shared<T*>) instead read
//       from the same write (named by its thread and that thread's step count, or the cell's
//       initial value), since an address names different objects in different executions,
//   (c) the latest write to every cell is the same write event.
// (a) and (b) give every thread the same local state, so every write event the same target
// and value; (c) then gives the same memory; a lock's holders are whoever took it and has not
// released it, which (a) fixes. Lock order is not needed: a lock operation returns no value.
// This is coarser than reads-from equivalence (two reads of 2 from different writes agree).
// Cells are named by events, never by addresses or object indices: a cell created during a run
// (a trie node) has neither stable across executions.
//
// ReadsFromSignature hashes that description incrementally, one step at a time; VisitedStates
// remembers the states the search has expanded, with their sleep sets (state_coverage.hpp).
//
// Assumptions: a cell lives until the execution's end (the trial owns it); addresses are only
// stored in pointer-typed cells (an address kept in a Shared<std::uintptr_t> would be compared
// by its bits, which is unsound). No preemption counts are stored with a state, so under a
// preemption bound the explorer runs reads_from as dpor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/state_coverage.hpp"

namespace racedemo {

// 128 bits: two independent 64-bit lanes. With n states stored the chance that two different
// states collide is about n^2 / 2^129, under 1e-20 for a billion states.
struct StateKey {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    friend bool operator==(const StateKey&, const StateKey&) = default;
};

// The signature of the current execution's state, updated after every step. The parts that are
// sets (events with what they read, latest writes) are combined by addition, so the order in
// which independent steps happened does not change the key.
class ReadsFromSignature {
  public:
    void reset(int threads);
    // A step was committed, with its role (primitive.hpp); `address`: it reads a cell that
    // holds an address.
    void on_step(const StepRecord& step, SignatureRole role, bool address);
    // The last step's access is done; `bits` is what it read, if it was a read.
    void on_access_done(std::uint64_t bits);
    StateKey key() const { return key_; }
    // The key of the state with the fairness of yields: which thread may not run next.
    StateKey key_with(ThreadMask yielded) const;

  private:
    std::uint64_t& last_write(int object);
    void add(std::uint64_t tag, std::uint64_t a, std::uint64_t b, bool remove = false);

    StateKey key_;
    bool read_pending_ = false;  // the last step was a read whose value is still to come
    std::uint64_t pending_read_ = 0;
    std::vector<std::uint32_t> steps_;       // per thread
    std::vector<std::uint64_t> last_write_;  // by object index: event id + 1 (0: initial value)
    std::size_t objects_used_ = 0;
};

// States already expanded by the search, with the sleep set each was expanded under.
class VisitedStates {
  public:
    StateVisit visit(const StateKey& key, ThreadMask sleep);
    std::size_t size() const { return used_; }

  private:
    struct Entry {
        StateKey key;
        ThreadMask sleep = 0;
        bool used = false;
    };
    void grow();
    Entry& find(const StateKey& key);

    std::vector<Entry> table_;
    std::size_t used_ = 0;
};

class ReadsFromCoverage final : public StateCoverage {
  public:
    explicit ReadsFromCoverage(int threads) : threads_(threads) {}
    void begin_execution() override { signature_.reset(threads_); }
    void record(const StepRecord& step, const ExecutionView& view) override;
    void settle(const ExecutionView& view) override { signature_.on_access_done(view.last_bits); }
    StateVisit visit(ThreadMask sleep, const ExecutionView& view) override {
        return visited_.visit(signature_.key_with(view.yielded), sleep);
    }

  private:
    int threads_;
    ReadsFromSignature signature_;
    VisitedStates visited_;
};

}  // namespace racedemo
