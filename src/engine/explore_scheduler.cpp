#include "engine/explore_scheduler.hpp"

namespace racedemo {

ExploreScheduler::ExploreScheduler(int threads, ExploreLimits limits,
                                   std::unique_ptr<StateCoverage> coverage)
    : limits_(limits), dpor_(threads, path_), coverage_(std::move(coverage)) {}

bool ExploreScheduler::begin_execution() {
    if (started_ && !advance()) {
        exhausted_ = true;
        return false;
    }
    started_ = true;
    if (schedules_ >= limits_.budget) return false;  // with schedules left
    if (limits_.dpor) dpor_.begin_execution();
    if (coverage_) coverage_->begin_execution();
    settled_ = 0;
    cut_ = false;
    return true;
}

// Settles the last step once its thread has reached its next scheduling point (or finished).
void ExploreScheduler::settle_through(const ExecutionView& view) {
    if (!limits_.dpor || settled_ >= view.steps) return;
    settled_ = view.steps;
    dpor_.settle(view.steps - 1, view, view.steps - 1 >= first_new_step_);
}

Choice ExploreScheduler::next_thread(const ExecutionView& view) {
    settle_through(view);
    const auto depth = static_cast<std::size_t>(view.steps);
    if (depth < path_.size()) return Choice::run(path_[depth].chosen);  // the prefix
    if (cut_) return Choice::halt(StopKind::abandon);
    return branch(view);
}

Choice ExploreScheduler::at_end(const ExecutionView& view) {
    settle_through(view);
    if (limits_.dpor && view.unfinished != 0) dpor_.races_of_blocked_threads(view);
    return {};
}

// A new state: run the default choice among the threads not asleep, and remember the state.
Choice ExploreScheduler::branch(const ExecutionView& view) {
    SearchNode node;
    node.enabled = view.enabled;
    node.last_thread = view.last_thread;
    node.preemptions = view.preemptions;
    if (limits_.dpor) {
        node.sleep = dpor_.next_sleep();
        node.sleep_arrivals = dpor_.next_sleep_arrivals();
    }
    const ThreadMask candidates = view.enabled & ~node.sleep;
    if (candidates == 0) return Choice::halt(StopKind::abandon);  // all explored already
    const int choice = view.default_choice(candidates);
    if (exceeds_bound(node, choice)) {
        pruned_ = true;
        return Choice::halt(StopKind::abandon);
    }
    // Without reduction every enabled thread is a branch; DPOR adds branches as it finds races.
    node.backtrack = limits_.dpor ? bit(choice) : view.enabled;
    node.done = bit(choice);
    node.chosen = choice;
    path_.push_back(node);
    return Choice::run(choice);
}

void ExploreScheduler::step_committed(const StepRecord& step, const ExecutionView& view) {
    if (limits_.dpor) dpor_.record(step, *view.objects);
    // Told of every step; a cut is honoured once past the replayed prefix (next_thread()).
    if (coverage_ && coverage_->covered(step)) cut_ = true;
}

void ExploreScheduler::end_execution(const ExecutionSummary& summary) {
    if (summary.end == ExecutionEnd::finished || summary.end == ExecutionEnd::deadlock)
        ++schedules_;
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
                if (limits_.dpor) seek_where_run_began(node, thread);
                continue;
            }
            node.chosen = thread;
            first_new_step_ = static_cast<int>(path_.size()) - 1;
            return true;
        }
        path_.pop_back();
    }
    return false;
}

}  // namespace racedemo
