// The executor: runs a scenario's threads as fibers (Boost.Context) on the calling OS thread
// and performs the step of whichever thread it is told to run. It is the Runtime installed in
// the fibers: every shared access and lock operation stops its thread at a scheduling point.
//
// It knows nothing about how a thread is chosen: at each state it asks its Scheduler. The
// question is asked right on the stack of the thread that just reached its scheduling point,
// so a thread that goes on costs no context switch, and another thread chosen is switched to
// directly. The fibers live as long as the executor: each loops, running its actor once per
// execution; control goes back to the main context only when an execution is over.
//
// An execution ends finished, deadlocked, at the step bound, interrupted, stopped by its
// scheduler or failed. Threads left in the middle of their actors are then torn down
// (executor_teardown.cpp): unwound, or, where unwinding cannot be done, given up.
#pragma once

#include <atomic>
#include <boost/context/fiber.hpp>
#include <cstdint>
#include <exception>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/misuse.hpp"
#include "core/trace.hpp"
#include "engine/execution_view.hpp"
#include "engine/model.hpp"
#include "engine/object_table.hpp"
#include "engine/scheduler.hpp"
#include "engine/stack_pool.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

// One execution, as it came out.
struct Execution {
    ExecutionEnd end = ExecutionEnd::finished;
    Outcome outcome;               // finished: the arbiter's verdict; deadlock: who waits for what
    std::vector<Waiter> wait_for;  // deadlock: the threads left
    std::vector<int> finished;     // deadlock: the threads (1-based) that had finished
    // A thread took lock `second` while it held lock `first` (object indexes of this execution).
    struct LockEdge {
        int first;
        int second;
        int thread;
    };
    std::vector<LockEdge> lock_edges;
    std::vector<int> schedule;  // 1-based threads, one per step
    int preemptions = 0;
    StopKind stop = StopKind::none;  // why the scheduler stopped it, if it did
    int stop_position = 0;           // the 1-based step at which it did
    Trace trace;                     // only when traced
    std::exception_ptr failure;      // failed: what an actor threw
    std::optional<Misuse> misuse;    // misuse: what, where and by whom
    // bound: the unfinished thread that had taken the most steps (0-based), and its steps.
    int bound_thread = -1;
    int bound_thread_steps = 0;

    int steps() const { return static_cast<int>(schedule.size()); }
};

// What bounds one execution.
struct ExecutionLimits {
    int max_steps = default_max_steps;
    std::stop_token stop;         // looked at every few hundred steps
    ModelProbe* probe = nullptr;  // kept up to date, when given
};

class Executor final : public Runtime {
  public:
    Executor(TrialFactory factory, const TrialConfig& config);
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;
    ~Executor() override;

    void set_limits(const ExecutionLimits& limits) { limits_ = limits; }
    // Runs one execution of a fresh (or reset) trial, each step chosen by `scheduler`. With
    // `tracing`, records every step and note.
    Execution& run(Scheduler& scheduler, bool tracing);
    // The objects of the latest execution (names stay valid until the next run()).
    const ObjectTable& objects() const { return objects_; }
    // Goes up as executions and steps go by: a watchdog on another OS thread reads it to tell
    // a thread that runs without ever reaching a step.
    std::uint64_t heartbeat() const { return heartbeat_.load(std::memory_order_relaxed); }
    // The virtual thread (0-based) that runs now, or -1; for the same watchdog.
    int running_thread() const { return running_thread_.load(std::memory_order_relaxed); }

    // Runtime: what Shared<T> and the locks call inside a fiber.
    void before_access(const SharedObject& cell, Op op) override;
    void after_access(const SharedObject& cell, Op op, std::uint64_t bits) override;
    void after_update(const SharedObject& cell, std::uint64_t before, std::uint64_t after) override;
    void acquire(LockObject& lock, LockKind kind) override;
    void release(LockObject& lock, LockKind kind) override;
    void yield_now() override;
    void note(std::string_view text) override;
    void bypassed(const SharedObject& cell, Op op) override;

    // Called by the terminate handler while a thread is torn down: the thread cannot be
    // unwound (the unwinding reached a noexcept frame), so it is given up. Never returns.
    [[noreturn]] void give_up_current_thread();

  private:
    enum class Phase { starting, running, unwinding };
    // A suspended context: a virtual thread's fiber, or the main context (the caller of run()).
    struct Context {
        boost::context::fiber fiber;  // empty while it runs
        const void* stack = nullptr;  // for the sanitizer: its stack and size
        std::size_t stack_size = 0;
        void* fake_stack = nullptr;
    };
    struct VirtualThread {
        Context context;      // its fiber lives as long as the executor
        bool active = false;  // inside its actor
        bool finished = false;
        bool given_up = false;  // its fiber was abandoned mid-teardown: a new one next time
        std::string lane;       // tracing: its first note
        std::string operation;  // tracing: its latest note
        int notes = 0;
    };
    static constexpr int main_context = -1;

    void begin(Scheduler& scheduler, bool tracing);
    void play();
    void start_threads();
    int started(int thread) const;  // who runs once `thread` has reached its first step
    void begin_running();
    void create_fiber(int thread);
    boost::context::fiber thread_main(int thread, boost::context::fiber&& caller);
    void run_actor(int thread);
    Context& context(int who) {
        return who == main_context ? main_ : threads_[static_cast<std::size_t>(who)].context;
    }
    void transfer(int from, int to);
    void arrived(int self, boost::context::fiber&& caller);
    void bury(boost::context::fiber&& given_up);
    void scheduling_point(int object, Op op);
    void leave_scheduling_point(int self);
    int decide();
    int drain_step();
    bool over_limits();
    int choose();
    void refresh_view();
    void classify_waiting(ThreadMask at_sync);
    int stop(ExecutionEnd end);
    void end_here(ExecutionEnd end);
    void commit(int thread);
    void commit_reported(int thread, const PendingOp& pending);
    StepLinks commit_sync(int thread, const PendingOp& pending);
    bool misused(int thread, const PendingOp& pending);
    void commit_wait(int thread);
    void commit_visible_wait(int thread);
    void report_step(int thread, const PendingOp& pending, int step, const StepLinks& links,
                     bool wait);
    void track_lock_order(int thread, const PendingOp& pending);
    void trace_step(int thread, int step);
    void finish_execution();
    void note_bound();
    void record_deadlock();
    Waiter waiter(int thread) const;
    void note_whom_it_waits_for(int thread, TraceEvent& event) const;

    // Teardown (executor_teardown.cpp).
    void unwind_threads();
    void teardown_thread(int thread);
    void at_scheduling_point_in_teardown(Op op);
    void close_threads();

    TrialFactory factory_;
    TrialConfig config_;
    const int thread_count_;
    ExecutionLimits limits_;
    StackPool stacks_;  // before threads_: fibers return their stacks to it
    std::vector<VirtualThread> threads_;
    std::vector<PendingOp> pending_;
    std::vector<std::vector<int>> held_;  // per thread: the locks it holds, in the order taken
    bool locks_taken_ = false;            // held_ has something to clear
    ThreadMask at_sync_ = 0;              // threads paused in front of a lock or channel operation
    ThreadMask waited_ = 0;  // threads that took a step to wait, and have not gone on since
    ObjectTable objects_;
    ExecutionView view_;
    Context main_;                  // the main context, while a fiber runs
    std::unique_ptr<Trial> trial_;  // kept for the next execution when it can be reset
    bool trial_spoiled_ = false;    // a thread was given up inside it: build a new one
    Scheduler* scheduler_ = nullptr;

    Phase phase_ = Phase::starting;
    // An execution that cannot be a schedule (stopped, failed) still runs on for a while,
    // unrecorded, so that its threads mostly end by themselves (cheaper than unwinding them).
    bool draining_ = false;
    int drained_ = 0;  // steps run so while draining
    bool tracing_ = false;
    bool observed_ = false;       // the source is told of each step
    bool running_ = false;        // an execution has not ended (as finished, deadlock, stopped...)
    bool closing_ = false;        // the executor goes: the fibers return
    int current_ = main_context;  // the context that runs
    int from_ = main_context;     // the context that switched to the one that runs
    int next_ = -1;               // the thread chosen for the next step; -1: the execution is over
    int next_check_ = 0;          // the step at which the bound and the stop token are looked at
    bool halted_ = false;  // the step just committed was a misuse: its thread goes no further
    int rethrows_ = 0;     // teardown: how often the thread's unwinding was swallowed
    std::atomic<std::uint64_t> heartbeat_{0};
    std::atomic<int> running_thread_{-1};
    Execution execution_;
};

}  // namespace racedemo
