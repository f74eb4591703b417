// Tearing down an execution's threads that did not finish (deadlocked, at the step bound,
// interrupted, drained for too long). Each is resumed once more, in turn, to leave its actor:
//  - a thread paused at a release (a lock_guard's unlock, often inside a destructor) takes it
//    and runs on to its next scheduling point: throwing from a destructor would terminate;
//  - at any other scheduling point an UnwindThread exception unwinds its stack, running the
//    destructors on the way; their own steps do nothing then;
//  - a `catch (...)` that swallows the exception meets it again at the thread's next step;
//  - where unwinding cannot be done (the thread waits inside a destructor, and the exception
//    would leave a noexcept frame, which calls std::terminate), or a thread swallows it again
//    and again, the thread is given up: its fiber is abandoned where it stands (what its
//    frames own is leaked), its stack goes back to the pool, and the trial is rebuilt.
#include <cxxabi.h>

#include <exception>
#include <typeinfo>

#include "engine/executor.hpp"

namespace racedemo {
namespace {

// Thrown inside an unfinished thread to unwind its stack when its execution is over.
struct UnwindThread {};

// How often a thread may swallow its unwinding before it is given up.
constexpr int kMostSwallowed = 16;

// The executor tearing threads down on this OS thread, for the terminate handler.
thread_local Executor* tearing_down = nullptr;
std::terminate_handler previous_terminate = nullptr;

bool is_release(Op op) {
    return op == Op::unlock || op == Op::unlock_shared;
}

// std::terminate during a teardown: if it is our unwinding that reached a noexcept frame, the
// thread is given up (the exception, caught by the runtime to call terminate, is let go of
// first). Anything else terminates as it would have.
[[noreturn]] void terminate_in_teardown() {
    const std::type_info* type = abi::__cxa_current_exception_type();
    if (tearing_down != nullptr && type != nullptr && *type == typeid(UnwindThread)) {
        abi::__cxa_end_catch();
        tearing_down->give_up_current_thread();
    }
    if (previous_terminate != nullptr) previous_terminate();
    std::abort();
}

// Installs the handler above for one teardown, and restores the previous one after it.
class TerminateScope {
  public:
    explicit TerminateScope(Executor* executor) {
        tearing_down = executor;
        previous_terminate = std::set_terminate(terminate_in_teardown);
    }
    ~TerminateScope() {
        std::set_terminate(previous_terminate);
        tearing_down = nullptr;
    }
    TerminateScope(const TerminateScope&) = delete;
    TerminateScope& operator=(const TerminateScope&) = delete;
};

}  // namespace

void Executor::unwind_threads() {
    phase_ = Phase::unwinding;
    bool any = false;
    for (const VirtualThread& thread : threads_) any = any || thread.active;
    if (!any) return;
    TerminateScope scope(this);
    for (int t = 0; t < thread_count_; ++t) {
        if (threads_[static_cast<std::size_t>(t)].active) teardown_thread(t);
    }
}

void Executor::teardown_thread(int thread) {
    rethrows_ = 0;
    transfer(main_context, thread);  // back when the thread has left its actor, or is given up
}

// A thread resumed by the teardown, where it was paused: see the top of this file.
void Executor::leave_scheduling_point(int self) {
    at_scheduling_point_in_teardown(pending_[static_cast<std::size_t>(self)].op);
}

// A step of a thread being torn down: a release goes through (it may be in a destructor), as
// does anything during the unwinding itself (a destructor's step); anything else unwinds.
void Executor::at_scheduling_point_in_teardown(Op op) {
    if (is_release(op) || std::uncaught_exceptions() > 0) return;
    if (++rethrows_ > kMostSwallowed) give_up_current_thread();
    throw UnwindThread{};
}

void Executor::run_actor(int thread) {
    VirtualThread& self = threads_[static_cast<std::size_t>(thread)];
    self.active = true;
    try {
        trial_->actor(thread);
    } catch (const UnwindThread&) {
        // Unwound at the end of its execution: nothing more to do.
    } catch (...) {
        if (phase_ != Phase::unwinding) {
            if (!execution_.failure) execution_.failure = std::current_exception();
            stop(ExecutionEnd::failed);
        }
    }
    self.active = false;
    self.finished = true;
    view_.unfinished &= ~bit(thread);
    if (phase_ == Phase::running) next_ = decide();
}

// The switch keeps the fiber's fake stack (AddressSanitizer's, with detect_stack_use_after_return)
// as any switch does: telling the sanitizer that the stack is done would free the frame this
// function still runs in. Never comes back: see arrived().
void Executor::give_up_current_thread() {
    const int self = current_;
    VirtualThread& thread = threads_[static_cast<std::size_t>(self)];
    thread.given_up = true;
    thread.active = false;
    trial_spoiled_ = true;  // the thread left it half-changed
    transfer(self, main_context);
    std::abort();
}

// Each fiber, waiting for an execution, is resumed once more to return.
void Executor::close_threads() {
    closing_ = true;
    for (int t = 0; t < thread_count_; ++t) {
        if (threads_[static_cast<std::size_t>(t)].context.fiber) transfer(main_context, t);
    }
}

}  // namespace racedemo
