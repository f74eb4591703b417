#include "cli/output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "cli/request.hpp"

namespace racedemo {

void write_to_stderr(std::string_view text) {
    // A short write is not checked: there is nowhere left to report it.
    std::fwrite(text.data(), 1, text.size(), stderr);
}

void report_error(std::string_view line) {
    print_to_stderr("racedemo: {}\n", line);
}

int output_failed(int error) {
    if (error == EPIPE) return kExitRan;
    print_to_stderr("racedemo: cannot write the output: {}\n", std::strerror(error));
    return kExitError;
}

void flush_output(std::FILE* out) {
    if (std::fflush(out) != 0) throw std::system_error(errno, std::generic_category(), "write");
}

}  // namespace racedemo
