// What a scheduler sees of the execution in progress, and what it is told of each step.
#pragma once

#include <bit>
#include <cstdint>

#include "engine/object_table.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

using ThreadMask = std::uint64_t;  // a set of virtual threads, bit t for thread t (0-based)
constexpr int max_model_threads = 64;

constexpr ThreadMask bit(int thread) {
    return ThreadMask{1} << thread;
}
inline int lowest_thread(ThreadMask threads) {
    return std::countr_zero(threads);
}

// The operation a thread is paused in front of: its next step.
struct PendingOp {
    int object = -1;  // index in the execution's ObjectTable (-1: a yield, which touches none)
    Op op = Op::read;
};

// A read-only view of the current state of an execution.
struct ExecutionView {
    int threads = 0;
    ThreadMask enabled = 0;     // threads that can take a step now
    ThreadMask unfinished = 0;  // threads not yet returned (enabled, or blocked on a lock)
    // Of `enabled`: threads whose step is to start waiting, a step that changes what others can
    // do (a writer queueing at a writer-preferring lock, a receiver at an unbuffered channel).
    ThreadMask wait_next = 0;
    // The thread whose last step was a yield: not run again until another thread moves (unless
    // no other thread can).
    ThreadMask yielded = 0;
    // Threads in front of a lock they cannot have now that have not yet said so, where saying
    // so changes nothing (a mutex): choosing one takes a step of its own, the thread's wait,
    // after which it stays blocked until the lock is free. Shown in replays and random runs;
    // the explore strategy never chooses one.
    ThreadMask can_wait = 0;
    int steps = 0;                       // steps taken so far
    int last_thread = -1;                // the thread that took the last step
    int preemptions = 0;                 // so far
    const PendingOp* pending = nullptr;  // per thread
    const ObjectTable* objects = nullptr;
    // The bits the last step's access read or wrote (cells). Known once the access is done,
    // that is from the state after it on: a reduction that tells states apart by the values
    // read (reads_from) takes them from here.
    std::uint64_t last_bits = 0;

    const PendingOp& pending_of(int thread) const { return pending[thread]; }
    // Every thread that can take a step now: run on, or begin to wait.
    ThreadMask choosable() const { return enabled | can_wait; }
    // Whether running `thread` next switches away from a thread that could go on.
    bool preempts(int thread) const {
        return last_thread >= 0 && thread != last_thread && (enabled & bit(last_thread)) != 0;
    }
    // The default policy: keep running the thread that ran last, else the lowest-numbered.
    int default_choice(ThreadMask candidates) const {
        if (last_thread >= 0 && (candidates & bit(last_thread)) != 0) return last_thread;
        return lowest_thread(candidates);
    }
};

// One committed step, told to the scheduler.
struct StepRecord {
    int step = 0;  // 0-based
    int thread = 0;
    Op op = Op::read;
    bool wait = false;       // the thread started to wait in front of `op` (wait_next)
    int object = -1;         // stable index within the execution (-1: a yield)
    int reads_from = -1;     // reads: the step whose write it reads (-1: the initial value)
    int after_release = -1;  // acquisitions: the step of the lock's previous release (-1: none)
};

}  // namespace racedemo
