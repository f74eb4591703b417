// Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014), the race
// analysis behind the explore strategy's Reduction::dpor.
//
// Vector clocks give happens-before; when a new step closes a race with an earlier one, a
// thread that can start the reordered suffix becomes a backtrack point in the state before the
// earlier step. Which steps are dependent, and which could have been enabled together, is each
// primitive's rule (primitive.hpp). Three more kinds of race:
//  - A thread blocked in front of a lock or channel operation never takes it, so its race with
//    the steps that keep it out is found at every state where it is blocked, as if it took the
//    step there: whether the execution then deadlocks, goes on, or is cut because every thread
//    that could move was asleep.
//  - A yield is dependent on every step of every other thread (it keeps its thread out until
//    another moves: CHESS's fairness), so it races with each other thread's latest step.
//  - A writer's or a receiver's wait, where it is a step, is an operation on its object.
// The search tree itself (SearchNode) belongs to the ExploreScheduler.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/execution_view.hpp"

namespace racedemo {

// A state of the depth-first search: the one before step `depth` (its index in the path).
struct SearchNode {
    ThreadMask enabled = 0;
    ThreadMask backtrack = 0;  // threads to run from here
    ThreadMask done = 0;       // threads already run from here
    ThreadMask sleep = 0;      // threads whose step from here leads only to explored schedules
    int chosen = -1;
    int last_thread = -1;  // the thread that took the previous step
    int preemptions = 0;   // before this step
};

class SourceDpor {
  public:
    SourceDpor(int threads, std::vector<SearchNode>& path);

    void begin_execution();
    // A step was committed: gives it its vector clock.
    void record(const StepRecord& step, const ObjectTable& objects);
    // The thread that took step `step` has reached its next scheduling point (or finished):
    // completes the step, finds the races it closes when `fresh` (past the replayed prefix),
    // and those of the threads blocked in the state it led to, and works out that state's
    // sleep set.
    void settle(int step, const ExecutionView& view, bool fresh);

    // The sleep set of the state the last settled step led to.
    ThreadMask next_sleep() const { return next_sleep_; }

  private:
    // What a step touches, for the dependency relation.
    struct Footprint {
        int object = -1;  // -1: a yield
        StepShape shape;
    };
    struct Event {
        int thread = 0;
        std::uint32_t local = 0;  // how many steps its thread had taken, this one included
        Footprint footprint;
    };
    // The steps on one shared object in the current execution.
    struct History {
        bool sync = false;  // a lock or a channel: every pair of its steps is dependent
        const Primitive* rules = nullptr;
        std::vector<int> events;             // cells: every access; sync objects: every step
        std::vector<int> reads_since_write;  // cells only
        int last_write = -1;
    };

    bool dependent(const Footprint& a, const Footprint& b) const;
    std::uint32_t* thread_clock(int thread) { return &thread_clocks_[thread * threads_]; }
    std::uint32_t* event_clock(int step) { return &event_clocks_[step * threads_]; }
    const std::uint32_t* event_clock(int step) const { return &event_clocks_[step * threads_]; }
    void join(std::uint32_t* into, const std::uint32_t* from) const;
    History& history(int object, const ObjectTable& objects);
    void record_access(History& object, const StepRecord& step, std::uint32_t* clock);
    void settle_sleep(int step, const ExecutionView& view);
    void find_races(int step);
    void races_of_yield(int step, const std::uint32_t* past, const std::uint32_t* clock);
    void races_with_yields(int step, const std::uint32_t* past, const std::uint32_t* clock);
    void race_with_write(const History& history, int step, const std::uint32_t* past,
                         const std::uint32_t* clock);
    void race_with_chain(const History& chain, int step, int thread, const Footprint& later,
                         const std::uint32_t* past, const std::uint32_t* clock);
    ThreadMask blocked_threads(const ExecutionView& view) const;
    void races_of_blocked(const ExecutionView& view, bool fresh);
    void race_of_blocked_thread(int thread, const ExecutionView& view);
    void reverse_race(int earlier, int later, int thread, const std::uint32_t* later_clock);
    ThreadMask initials_of_reversal(int later, const std::uint32_t* later_clock) const;

    const int threads_;
    std::vector<SearchNode>& path_;
    std::vector<Event> events_;
    std::vector<std::uint32_t> thread_clocks_;
    std::vector<std::uint32_t> event_clocks_;
    std::vector<std::uint32_t> pre_step_clock_;  // the last mover's clock before its step
    std::vector<std::uint32_t> scratch_clock_;
    std::vector<std::uint32_t> blocked_clock_;
    std::vector<int> first_step_of_;  // reverse_race(): each thread's first step in the suffix
    std::vector<int> last_event_;     // per thread: its latest step (-1: none)
    std::vector<int> last_yield_;     // per thread: its latest yield (-1: none)
    // Per thread blocked in the current state: the length of its object's history when its
    // race was last analysed (-1: not blocked in the state before).
    std::vector<int> blocked_seen_;
    std::vector<History> histories_;  // by object index; the first `histories_used_` are live
    std::size_t histories_used_ = 0;
    ThreadMask next_sleep_ = 0;
};

}  // namespace racedemo
