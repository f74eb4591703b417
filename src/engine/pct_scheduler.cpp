#include "engine/pct_scheduler.hpp"

#include <algorithm>
#include <numeric>

#include "engine/random_scheduler.hpp"

namespace racedemo {

PctScheduler::PctScheduler(int threads, int depth, std::uint64_t seed, std::uint64_t runs)
    : depth_(std::max(depth, 1)),
      seed_(seed),
      runs_(runs),
      priority_(static_cast<std::size_t>(threads)) {}

bool PctScheduler::begin_execution() {
    if (run_ >= runs_) return false;
    random_.seed(run_seed(seed_, run_));
    shuffle_priorities();
    choose_change_points();
    return true;
}

// A random permutation of d .. d+n-1 (Fisher-Yates).
void PctScheduler::shuffle_priorities() {
    std::iota(priority_.begin(), priority_.end(), depth_);
    for (std::size_t i = priority_.size(); i > 1; --i) {
        const auto j = static_cast<std::size_t>(draw(random_, i));
        std::swap(priority_[i - 1], priority_[j]);
    }
}

// d-1 distinct step counts in [1, k] (as many as there are when k is smaller).
void PctScheduler::choose_change_points() {
    change_points_.clear();
    const int wanted = std::min(depth_ - 1, steps_per_run_);
    while (static_cast<int>(change_points_.size()) < wanted) {
        const int point =
            1 + static_cast<int>(draw(random_, static_cast<std::uint64_t>(steps_per_run_)));
        if (std::find(change_points_.begin(), change_points_.end(), point) == change_points_.end())
            change_points_.push_back(point);
    }
    // The i-th change point, in the order the run reaches them, lowers to priority i.
    std::sort(change_points_.begin(), change_points_.end());
}

Choice PctScheduler::next_thread(const ExecutionView& view) {
    for (std::size_t i = 0; i < change_points_.size(); ++i) {
        if (change_points_[i] == view.steps && view.last_thread >= 0)
            priority_[static_cast<std::size_t>(view.last_thread)] = static_cast<int>(i) + 1;
    }
    int best = -1;
    for (ThreadMask rest = view.choosable(); rest != 0; rest &= rest - 1) {
        const int t = lowest_thread(rest);
        if (best < 0 ||
            priority_[static_cast<std::size_t>(t)] > priority_[static_cast<std::size_t>(best)])
            best = t;
    }
    return Choice::run(best);
}

void PctScheduler::end_execution(const ExecutionSummary& summary) {
    steps_per_run_ = summary.steps;
    ++run_;
}

}  // namespace racedemo
