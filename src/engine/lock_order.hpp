// The lock-order graph of a model run: an edge a -> b for every time a thread took lock b while
// it held lock a, over every execution. A cycle in it is a potential deadlock (threads that
// each hold one lock of the cycle and want the next), whether or not a run deadlocked.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "engine/model.hpp"

namespace racedemo {

class LockOrderGraph {
  public:
    // `thread` (1-based) took `second` while holding `first`; the first thread seen is kept.
    void add(std::string first, std::string second, int thread);
    bool empty() const { return edges_.empty(); }
    // Every pair of locks taken in both orders, and, when there is none, one longer cycle.
    std::vector<LockOrderInversion> inversions() const;

  private:
    std::vector<LockOrderInversion> two_lock_cycles() const;
    std::vector<LockOrderInversion> one_longer_cycle() const;
    bool find_cycle(const std::string& lock, std::vector<std::string>& path,
                    std::map<std::string, int>& state) const;

    std::map<std::pair<std::string, std::string>, int> edges_;  // (first, second) -> thread
};

}  // namespace racedemo
