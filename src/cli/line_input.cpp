#include "cli/line_input.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "cli/interrupt.hpp"
#include "cli/output.hpp"
#include "real/real_runner.hpp"

namespace racedemo {

LineInput::LineInput(std::FILE* in, std::FILE* out)
    : in_(in), out_(out), echo_(isatty(fileno(in)) == 0) {}

std::optional<std::string> LineInput::read(std::string_view prompt, bool lower_case) {
    fmt::print(out_, " {} ", prompt);
    flush_output(out_);
    std::string line;
    int c = 0;
    while ((c = next_char()) != EOF && c != '\n')
        line += static_cast<char>(lower_case ? std::tolower(c) : c);
    if ((c == EOF && line.empty()) || interrupted() != 0) {
        if (echo_ || interrupted() != 0)
            fmt::print(out_, "{}\n", interrupted() != 0 ? "(interrupted)" : "(end of input)");
        return std::nullopt;
    }
    const auto start = line.find_first_not_of(" \t\r");
    const auto end = line.find_last_not_of(" \t\r");
    line = start == std::string::npos ? "" : line.substr(start, end - start + 1);
    if (echo_) fmt::print(out_, "{}\n", line);
    return line;
}

void LineInput::say(std::string_view text) {
    fmt::print(out_, " {}\n", text);
}

// The descriptor is read directly, through poll: a signal that comes just before a blocking read
// would otherwise leave racedemo waiting for a line that never comes. A stream with no descriptor
// (a test's string) is read through stdio.
int LineInput::next_char() {
    if (taken_ < buffered_.size()) return static_cast<unsigned char>(buffered_[taken_++]);
    const int fd = fileno(in_);
    if (fd < 0) return interrupted() != 0 ? EOF : std::fgetc(in_);
    constexpr int kLookMs = 100;  // how often the interrupt flag is looked at while waiting
    while (interrupted() == 0) {
        pollfd wait{fd, POLLIN, 0};
        const int ready = poll(&wait, 1, kLookMs);
        if (ready < 0 && errno != EINTR) return EOF;
        if (ready <= 0) continue;
        char chunk[4096];
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return EOF;
        buffered_.assign(chunk, static_cast<std::size_t>(got));
        taken_ = 1;
        return static_cast<unsigned char>(buffered_[0]);
    }
    return EOF;
}

bool LineInput::ended_by_signal() const {
    return interrupted() != 0;
}

std::string LineInput::why_ended() const {
    if (!ended_by_signal()) return "the input ended";
    return fmt::format("it was interrupted by {}", signal_name(interrupted()));
}

}  // namespace racedemo
