#include "cli/interrupt.hpp"

#include <fcntl.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <initializer_list>
#include <stdexcept>

namespace racedemo {
namespace {

// Atomics, not volatile sig_atomic_t: the handler writes them in whichever thread the signal
// reached, and other threads (the watcher below) read them.
std::atomic<int> g_signal{0};
std::atomic<bool> g_time_up{false};
static_assert(std::atomic<bool>::is_always_lock_free);
// The write end of the current StopOnInterrupt's pipe, or -1. Lock-free, so the handler may
// read it.
std::atomic<int> g_wake_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free);

void wake_watcher() {
    const int fd = g_wake_fd.load();
    if (fd >= 0) {
        const char byte = 1;
        [[maybe_unused]] ssize_t written = write(fd, &byte, 1);
    }
}

extern "C" void record_signal(int signal) {
    const int saved_errno = errno;
    g_signal = signal;
    wake_watcher();
    errno = saved_errno;
}

extern "C" void record_time_up(int) {
    const int saved_errno = errno;
    g_time_up = true;
    wake_watcher();
    errno = saved_errno;
}

void install(void (*handler)(int), std::initializer_list<int> signals, int flags = 0) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;  // 0, no SA_RESTART: blocking calls return EINTR and the loop looks
    for (int signal : signals) sigaction(signal, &action, nullptr);
}

}  // namespace

void catch_interrupts() {
    install(record_signal, {SIGINT, SIGTERM, SIGHUP});
}
void default_interrupts() {
    install(SIG_DFL, {SIGINT, SIGTERM, SIGHUP, SIGALRM});
}
int interrupted() {
    return g_signal;
}
void clear_interrupt() {
    g_signal = 0;
    g_time_up = false;
}

// SIGALRM from an interval timer: fork() does not pass the timer on, so trial processes are
// never woken by it.
void limit_time(double seconds) {
    // SA_RESTART: the limit must not fail a write to a slow reader with EINTR. The loops that
    // wait (poll, never restarted) look at the flag within a second anyway.
    install(record_time_up, {SIGALRM}, SA_RESTART);
    itimerval timer{};
    const double whole = std::floor(seconds);
    timer.it_value.tv_sec = static_cast<time_t>(whole);
    timer.it_value.tv_usec = static_cast<suseconds_t>((seconds - whole) * 1e6);
    if (timer.it_value.tv_sec == 0 && timer.it_value.tv_usec == 0) timer.it_value.tv_usec = 1;
    setitimer(ITIMER_REAL, &timer, nullptr);
}
bool time_is_up() {
    return g_time_up;
}

// One pipe for the life of the process, never closed: the handler may have read its write end
// just before a StopOnInterrupt ends, and must not write to a closed (or reused) descriptor.
const int* wake_pipe() {
    static const auto fds = [] {
        std::array<int, 2> pair{-1, -1};
        if (pipe2(pair.data(), O_CLOEXEC) != 0) throw std::runtime_error("cannot create a pipe");
        return pair;
    }();
    return fds.data();
}

StopOnInterrupt::StopOnInterrupt() {
    const int* fds = wake_pipe();
    pipe_[0] = fds[0];
    pipe_[1] = fds[1];
    g_wake_fd.store(pipe_[1]);
    // A signal that came before the pipe was published is in the flag: the watcher looks at the
    // flag after every wake-up and once at its start. It ends on the destructor's zero byte.
    watcher_ = std::thread([this] {
        char byte = 1;
        for (;;) {
            if (should_stop()) source_.request_stop();
            const ssize_t got = read(pipe_[0], &byte, 1);
            if (got == 0 || (got < 0 && errno != EINTR) || (got > 0 && byte == 0)) return;
        }
    });
}

StopOnInterrupt::~StopOnInterrupt() {
    g_wake_fd.store(-1);
    const char done = 0;
    [[maybe_unused]] ssize_t written = write(pipe_[1], &done, 1);
    watcher_.join();
}

}  // namespace racedemo
