// Writing to stderr without ever throwing (not marked noexcept: pmccabe cannot read that
// keyword; each catches what it could throw). fmt::print throws when a write fails; on stderr that
// would turn a message about one failure into a second failure (inside a catch handler: abort).
// A message that cannot be written is lost, and racedemo still ends with its exit code.
#pragma once

#include <fmt/format.h>

#include <cstdio>
#include <string_view>
#include <utility>

namespace racedemo {

// Writes `text` to stderr as it is; a failed write is ignored.
void write_to_stderr(std::string_view text);

template <class... Args>
void print_to_stderr(fmt::format_string<Args...> format, Args&&... args) {
    try {
        write_to_stderr(fmt::format(format, std::forward<Args>(args)...));
    } catch (...) {  // out of memory while formatting: the message is lost, nothing else
    }
}

// "racedemo: LINE\n" on stderr, never throwing.
void report_error(std::string_view line);

// What racedemo does when its output cannot be written (`error` is errno's value): a reader
// that went away (EPIPE: `racedemo ... | head -1`) wanted no more, so it stops quietly with exit
// 0, as ripgrep does; anything else (ENOSPC: a full disk) is said in one line, exit 1.
int output_failed(int error);

// Flushes `out`, and throws std::system_error if it cannot be written: a long run (the
// walkthrough) stops at the first write that fails instead of computing for no reader.
void flush_output(std::FILE* out);

}  // namespace racedemo
