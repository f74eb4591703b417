// An estimate of a whole depth-first search's size from the part of it that was explored.
//
// Knuth (1975) estimates a tree's size from one random path as the product of the branching
// factors along it. A depth-first search cut by its budget has explored a left part of the tree
// instead, so this is the same idea applied to that part (a partial-tree estimator): a state
// with b branches of which k were explored is estimated at (the sum of the explored branches'
// estimates) * b / k, recursively, and a leaf (one execution) counts as what it cost against
// the budget (1 for a schedule, 0 for an execution cut short). Branches the preemption bound
// skipped count as unexplored, so a bounded search gets an estimate of the unbounded one. The
// guess assumes unexplored branches look like their explored siblings; with DPOR, branches
// found later by race detection are not yet known, so there it tends to be low.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace racedemo {

class SearchEstimator {
  public:
    // A new state at the bottom of the search's stack; its first branch starts.
    void enter();
    // An execution ended below the deepest state, costing `weight` of the budget.
    void leaf(double weight);
    // The deepest state starts another branch.
    void next_branch();
    // The preemption bound keeps the deepest state from one of its branches.
    void skip() { ++frames_.back().skipped; }
    // The deepest state is done.
    void finish();
    // The estimated leaves of the whole search, given for each state on the stack (0 = root)
    // how many of its branches have not started. The deepest state's current branch has not
    // run yet (the search stopped just before it).
    double estimate(const std::function<int(std::size_t depth)>& unexplored) const;

  private:
    struct Frame {
        double done_sum = 0;  // estimates of the finished branches
        double current = 0;   // the branch in progress, so far
        int done = 0;
        int skipped = 0;
    };
    static double fold(const Frame& frame, int explored, int rest, double current);
    std::vector<Frame> frames_;
    double root_ = 0;  // finished top-level subtrees
};

}  // namespace racedemo
