#include "cli/crash_guard.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string_view>
#include <vector>

#include "engine/model.hpp"

namespace racedemo {

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
// The handler runs on its own stack: a thread's fiber stack may be what went wrong.
constexpr std::size_t kHandlerStackSize = 64 * 1024;

}  // namespace

// What the handler prints, made before the run: in the handler there is only writing.
struct ModelCrashGuard::Prepared {
    std::string scenario;
    std::string replay_before;  // the replay command up to its schedule
    std::string replay_after;   // and after it
    ModelProbe probe;           // what the model run keeps up to date (ModelOptions::probe)
    std::vector<char> handler_stack = std::vector<char>(kHandlerStackSize);
    stack_t previous_stack{};
    struct sigaction previous[std::size(kFatalSignals)]{};
};

namespace {

// The innermost guard's: a guarded run can start another (play's finish runs a report).
ModelCrashGuard::Prepared* prepared = nullptr;

// Writes to stderr through a small buffer with write(2) alone: async-signal-safe.
class SignalWriter {
  public:
    SignalWriter(const SignalWriter&) = delete;
    SignalWriter() = default;
    ~SignalWriter() { flush(); }

    void text(std::string_view words) {
        for (char c : words) put(c);
    }
    void number(std::uint64_t value) {
        char digits[20];
        int count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (count > 0) put(digits[--count]);
    }

  private:
    void put(char c) {
        if (used_ == sizeof buffer_) flush();
        buffer_[used_++] = c;
    }
    void flush() {
        for (std::size_t done = 0; done < used_;) {
            const ssize_t written = ::write(STDERR_FILENO, buffer_ + done, used_ - done);
            if (written <= 0) break;
            done += static_cast<std::size_t>(written);
        }
        used_ = 0;
    }

    char buffer_[1024];
    std::size_t used_ = 0;
};

static_assert(model_thread_stack_bytes == 256 * 1024,
              "the stack overflow's description gives the size");

std::string_view description(int signal, const void* fault_address) {
    // A fault in a guard page: a thread went past the end of its stack.
    if (signal == SIGSEGV && is_fiber_stack_overflow(fault_address))
        return "SIGSEGV (a stack overflow: a thread used up its 256 KiB stack, as recursion "
               "without end does)";
    switch (signal) {
        case SIGSEGV:
            return "SIGSEGV (a segmentation fault: a read or write of memory it may not touch)";
        case SIGBUS:
            return "SIGBUS (a bus error: a bad memory access)";
        case SIGFPE:
            return "SIGFPE (an arithmetic error, such as a division by zero)";
        case SIGILL:
            return "SIGILL (an illegal instruction)";
        default:
            return "SIGABRT (it aborted)";
    }
}

// As --schedule reads it, and as schedule_text writes it: a run of 3 or more steps is TxN.
void write_schedule(SignalWriter& out, const std::vector<int>& schedule) {
    for (std::size_t at = 0; at < schedule.size();) {
        std::size_t end = at;
        while (end < schedule.size() && schedule[end] == schedule[at]) ++end;
        const std::size_t repeats = end - at;
        for (std::size_t i = 0; i < (repeats >= 3 ? 1 : repeats); ++i) {
            if (at + i > 0) out.text(",");
            out.number(static_cast<std::uint64_t>(schedule[at]));
        }
        if (repeats >= 3) {
            out.text("x");
            out.number(repeats);
        }
        at = end;
    }
}

[[noreturn]] void on_fatal_signal(int signal, siginfo_t* info, void*) {
    const ModelProbe& where = prepared->probe;
    const std::vector<int>* schedule = where.schedule;
    const std::size_t steps = schedule != nullptr ? schedule->size() : 0;
    {
        SignalWriter out;
        out.text("racedemo: the model run of ");
        out.text(prepared->scenario);
        out.text(" crashed: ");
        out.text(description(signal, info != nullptr ? info->si_addr : nullptr));
        out.text(", in execution ");
        out.number(where.executions);
        if (steps == 0) {
            out.text(" before its first step");
        } else {
            out.text(" after step ");
            out.number(steps);
        }
        out.text("\nracedemo: the same schedule crashes again: ");
        out.text(prepared->replay_before);
        // Every schedule reaches a crash before the first step; thread 1's first step will do.
        if (steps == 0) out.text("1");
        if (steps != 0) write_schedule(out, *schedule);
        out.text(prepared->replay_after);
        out.text("\n");
    }
    _exit(kExitError);
}

}  // namespace

ModelCrashGuard::ModelCrashGuard(const RunRequest& request) {
    own_ = std::make_unique<Prepared>();
    outer_ = prepared;
    prepared = own_.get();  // before the handler can run
    prepared->scenario = std::string(request.scenario->name);
    // The replay command is made twice, with schedules "1" and "2": where they differ is where
    // the handler writes the schedule.
    const std::string one = replay_command(request, {1});
    const std::string two = replay_command(request, {2});
    std::size_t differ = 0;
    while (differ < one.size() && one[differ] == two[differ]) ++differ;
    prepared->replay_before = one.substr(0, differ);
    prepared->replay_after = one.substr(differ + 1);

    const stack_t handler_stack{prepared->handler_stack.data(), 0, kHandlerStackSize};
    sigaltstack(&handler_stack, &prepared->previous_stack);
    struct sigaction action {};
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_ONSTACK | SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
        sigaction(kFatalSignals[i], &action, &prepared->previous[i]);
}

ModelProbe* ModelCrashGuard::probe() const {
    return &own_->probe;
}

ModelCrashGuard::~ModelCrashGuard() {
    for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
        sigaction(kFatalSignals[i], &own_->previous[i], nullptr);
    sigaltstack(&own_->previous_stack, nullptr);
    prepared = outer_;
}

}  // namespace racedemo
