// Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014), the race
// analysis behind the explore strategy's Reduction::dpor.
//
// Vector clocks give happens-before; when a new step closes a race with an earlier one, a
// thread that can start the reordered suffix becomes a backtrack point in the state before the
// earlier step. The search tree itself (SearchNode) belongs to the ExploreScheduler.
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
    // Of `sleep` and `done`: threads whose step from here left them waiting on a RW lock.
    ThreadMask sleep_arrivals = 0;
    ThreadMask done_arrivals = 0;
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
    // and works out the sleep set of the state it led to.
    void settle(int step, const ExecutionView& view, bool fresh);
    // A deadlocked execution: the races of the acquisitions that never happened.
    void races_of_blocked_threads(const ExecutionView& view);

    // The sleep set of the state the last settled step led to.
    ThreadMask next_sleep() const { return next_sleep_; }
    ThreadMask next_sleep_arrivals() const { return next_sleep_arrivals_; }

  private:
    // What a step touches, for the dependency relation.
    struct Footprint {
        int object = -1;
        Op op = Op::read;
        // A step that leaves its thread waiting to take a reader/writer lock exclusively also
        // blocks new readers of that lock (a pending writer goes first).
        int arrival = -1;
    };
    struct Event {
        int thread = 0;
        std::uint32_t local = 0;  // how many steps its thread had taken, this one included
        Footprint footprint;
    };
    // The steps on one shared object in the current execution.
    struct History {
        bool is_lock = false;
        bool reader_writer = false;
        std::vector<int> events;             // cells: every access; locks: every operation
        std::vector<int> reads_since_write;  // cells only
        int last_write = -1;
    };

    static bool dependent(const Footprint& a, const Footprint& b);
    std::uint32_t* thread_clock(int thread) { return &thread_clocks_[thread * threads_]; }
    std::uint32_t* event_clock(int step) { return &event_clocks_[step * threads_]; }
    void join(std::uint32_t* into, const std::uint32_t* from) const;
    History& history(int object, const ObjectTable& objects);
    void settle_arrival(int step, const ExecutionView& view, bool fresh);
    void settle_sleep(int step, const ExecutionView& view);
    void find_races(int step);
    void race_with_write(const History& history, int step, const std::uint32_t* past,
                         const std::uint32_t* clock);
    void race_with_lock_chain(const History& chain, int chain_object, int step, int thread,
                              const Footprint& later, const std::uint32_t* past,
                              const std::uint32_t* clock);
    void reverse_race(int earlier, int later, int thread, const std::uint32_t* later_clock);
    ThreadMask initials_of_reversal(int later, const std::uint32_t* later_clock) const;

    const int threads_;
    std::vector<SearchNode>& path_;
    std::vector<Event> events_;
    std::vector<std::uint32_t> thread_clocks_;
    std::vector<std::uint32_t> event_clocks_;
    std::vector<std::uint32_t> pre_step_clock_;  // the last mover's clock before its step
    std::vector<std::uint32_t> scratch_clock_;
    std::vector<int> first_step_of_;  // reverse_race(): each thread's first step in the suffix
    std::vector<History> histories_;  // by object index; the first `histories_used_` are live
    std::size_t histories_used_ = 0;
    ThreadMask next_sleep_ = 0;
    ThreadMask next_sleep_arrivals_ = 0;
};

}  // namespace racedemo
