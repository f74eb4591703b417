#include "real/stuck_trace.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "real/lock_board.hpp"
#include "real/real_trace.hpp"

namespace racedemo {
namespace {

// Steps shown before a deadlock: as many as a corruption's window shows in all.
constexpr std::size_t kStepsShown = 18;

}  // namespace

StuckTraceReporter::StuckTraceReporter(int request_fd, const LockBoard& board, int threads,
                                       Answer answer)
    : request_fd_(request_fd), board_(board), threads_(threads), answer_(std::move(answer)) {
    // Detached: the child ends with _exit, whether or not the question ever comes.
    std::thread([this] { serve(); }).detach();
}

void StuckTraceReporter::serve() {
    char request = 0;
    ssize_t n = 0;
    do {
        n = ::read(request_fd_, &request, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1) return;  // the parent went without asking
    const RoundRecorder* recorder = recorder_.load();
    if (recorder == nullptr || !board_.all_stopped(threads_)) {
        answer_(std::nullopt);
        return;
    }
    answer_(recorder->last_steps(kStepsShown));
}

std::string ask_for_stuck_trace(int request_fd, int result_fd, std::chrono::milliseconds patience) {
    const char request = '?';
    if (::write(request_fd, &request, 1) != 1) return {};
    const auto deadline = std::chrono::steady_clock::now() + patience;
    std::string answer;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return {};  // no whole answer: none
        pollfd ready{result_fd, POLLIN, 0};
        const int polled = ::poll(&ready, 1, static_cast<int>(left.count()) + 1);
        if (polled < 0 && errno == EINTR) continue;
        if (polled <= 0) return {};
        char buffer[4096];
        const ssize_t n = ::read(result_fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return {};
        answer.append(buffer, static_cast<std::size_t>(n));
        const std::size_t end = answer.find('\n');
        if (end != std::string::npos) return answer.substr(0, end);  // a whole line
    }
}

}  // namespace racedemo
