#include "engine/explore_scheduler.hpp"

#include <algorithm>
#include <bit>

namespace racedemo {

ExploreScheduler::ExploreScheduler(int threads, ExploreLimits limits,
                                   std::unique_ptr<StateCoverage> coverage)
    : limits_(limits),
      dpor_(threads, path_),
      coverage_(std::move(coverage)),
      sleep_sets_(limits.dpor || coverage_ != nullptr),
      races_(limits.dpor && coverage_ == nullptr) {}

bool ExploreScheduler::begin_execution() {
    if (started_ && !advance()) {
        exhausted_ = true;
        return false;
    }
    started_ = true;
    if (schedules_ >= limits_.budget) return false;  // with schedules left
    if (sleep_sets_) dpor_.begin_execution();
    if (coverage_) coverage_->begin_execution();
    settled_ = 0;
    return true;
}

// Settles the last step once its thread has reached its next scheduling point (or finished).
void ExploreScheduler::settle_through(const ExecutionView& view) {
    if (settled_ >= view.steps) return;
    settled_ = view.steps;
    if (coverage_) coverage_->settle(view);
    if (sleep_sets_)
        dpor_.settle(view.steps - 1, view, races_ && view.steps - 1 >= first_new_step_);
}

Choice ExploreScheduler::next_thread(const ExecutionView& view) {
    settle_through(view);
    const auto depth = static_cast<std::size_t>(view.steps);
    if (depth < path_.size()) return Choice::run(path_[depth].chosen);  // the prefix
    return branch(view);
}

Choice ExploreScheduler::at_end(const ExecutionView& view) {
    settle_through(view);  // a deadlock's blocked threads are raced there
    return {};
}

// A new state: run the default choice among the threads not asleep, and remember the state.
// With a StateCoverage, a state expanded before is cut, or expanded only where it was not.
Choice ExploreScheduler::branch(const ExecutionView& view) {
    SearchNode node;
    node.enabled = view.enabled;
    node.last_thread = view.last_thread;
    node.preemptions = view.preemptions;
    if (sleep_sets_) node.sleep = dpor_.next_sleep();
    ThreadMask branches = view.enabled;
    if (coverage_) {
        const StateVisit visit = coverage_->visit(node.sleep, view);
        if (visit.covered) return Choice::halt(StopKind::abandon);  // explored from here before
        node.sleep = visit.sleep;
        branches &= visit.only;
    }
    const ThreadMask candidates = branches & ~node.sleep;
    if (candidates == 0) return Choice::halt(StopKind::abandon);  // all explored already
    const int choice = view.default_choice(candidates);
    if (exceeds_bound(node, choice)) {
        pruned_ = true;
        return Choice::halt(StopKind::abandon);
    }
    // Without races to find every branch is taken; DPOR adds branches as it finds races.
    node.backtrack = races_ ? bit(choice) : branches;
    node.done = bit(choice);
    node.chosen = choice;
    path_.push_back(node);
    estimator_.enter();
    return Choice::run(choice);
}

void ExploreScheduler::step_committed(const StepRecord& step, const ExecutionView& view) {
    if (sleep_sets_) dpor_.record(step, *view.objects);
    if (coverage_) coverage_->record(step, view);
}

void ExploreScheduler::end_execution(const ExecutionSummary& summary) {
    if (summary.end == ExecutionEnd::finished || summary.end == ExecutionEnd::deadlock ||
        summary.end == ExecutionEnd::bound || summary.end == ExecutionEnd::misuse) {
        ++schedules_;
        estimator_.leaf(1);
    }
}

bool ExploreScheduler::exceeds_bound(const SearchNode& node, int thread) const {
    if (limits_.preemption_bound < 0) return false;
    const bool preempts = node.last_thread >= 0 && thread != node.last_thread &&
                          (node.enabled & bit(node.last_thread)) != 0;
    return node.preemptions + (preempts ? 1 : 0) > limits_.preemption_bound;
}

// Without reduction the bound only shapes the space; with DPOR it may hide schedules the
// reduction counted on. Those are sought instead where the preempted thread's run began,
// where switching costs no more (the conservative branch of bounded POR, Coons et al.,
// OOPSLA 2013).
void ExploreScheduler::seek_where_run_began(SearchNode& node, int thread) {
    pruned_ = true;
    std::size_t start = path_.size() - 1;
    while (start > 0 && path_[start - 1].chosen == node.last_thread) --start;
    if (start + 1 < path_.size() && (path_[start].enabled & bit(thread)) != 0)
        path_[start].backtrack |= bit(thread);
}

// Moves the depth-first search to the next schedule to run: the deepest state with a thread
// left to try. Returns false when there is none.
bool ExploreScheduler::advance() {
    while (!path_.empty()) {
        SearchNode& node = path_.back();
        ThreadMask left = node.backtrack & ~node.done & ~node.sleep;
        while (left != 0) {
            const int thread = lowest_thread(left);
            left &= left - 1;
            node.done |= bit(thread);
            if (exceeds_bound(node, thread)) {
                estimator_.skip();
                if (races_) seek_where_run_began(node, thread);
                continue;
            }
            node.chosen = thread;
            first_new_step_ = static_cast<int>(path_.size()) - 1;
            estimator_.next_branch();
            return true;
        }
        estimator_.finish();
        path_.pop_back();
    }
    return false;
}

double ExploreScheduler::estimated_schedules() const {
    const double guess = estimator_.estimate([this](std::size_t depth) {
        const SearchNode& node = path_[depth];
        return std::popcount(node.backtrack & ~node.done & ~node.sleep);
    });
    return std::max(guess, static_cast<double>(schedules_));
}

}  // namespace racedemo
