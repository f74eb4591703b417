#include "engine/search_estimate.hpp"

namespace racedemo {

void SearchEstimator::enter() {
    frames_.emplace_back();
}

void SearchEstimator::leaf(double weight) {
    if (frames_.empty()) {
        root_ += weight;
    } else {
        frames_.back().current += weight;
    }
}

void SearchEstimator::next_branch() {
    Frame& frame = frames_.back();
    frame.done_sum += frame.current;
    frame.current = 0;
    ++frame.done;
}

// A state's estimate: the explored branches' sum, scaled to all of its branches.
double SearchEstimator::fold(const Frame& frame, int explored, int rest, double current) {
    if (explored <= 0) return 0;
    return (frame.done_sum + current) * (explored + rest) / explored;
}

void SearchEstimator::finish() {
    const Frame frame = frames_.back();
    frames_.pop_back();
    leaf(fold(frame, frame.done + 1, frame.skipped, frame.current));
}

double SearchEstimator::estimate(const std::function<int(std::size_t)>& unexplored) const {
    if (frames_.empty()) return root_;
    // The deepest state's current branch has not run: it counts as unexplored.
    std::size_t depth = frames_.size() - 1;
    const Frame& deepest = frames_[depth];
    double below = fold(deepest, deepest.done, unexplored(depth) + deepest.skipped + 1, 0);
    while (depth-- > 0) {
        const Frame& frame = frames_[depth];
        below = fold(frame, frame.done + 1, unexplored(depth) + frame.skipped, below);
    }
    return root_ + below;
}

}  // namespace racedemo
