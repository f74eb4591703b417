// Runs the racedemo binary as a user would, capturing what it prints and how it exits.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

// The tests that run racedemo through the whole course (every scenario, every command, the
// walkthrough) to check the words and the layout it prints. They run in the plain and the ASan
// builds; the ThreadSanitizer run leaves them out (tests/sanitizers/tsan_check.sh): they test
// what is printed, not threads, and their thousands of model executions are TSan's slowest
// work (the walkthrough alone took 349 s there).
inline const doctest::test_suite kCourseOutput{"course-output"};

namespace racedemo::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when it died of a signal
    int signal = 0;
    std::string out;
    std::string err;
};

// Where the child's stdout or stderr goes instead of the pipe the test reads.
enum class Redirect {
    captured,     // the pipe the test reads (ProcessResult::out, ::err)
    closed,       // no such file descriptor (racedemo ... 2>&-)
    full,         // /dev/full: every write fails with ENOSPC (a full disk)
    broken_pipe,  // a pipe whose reader has gone: every write fails with EPIPE (| head -1)
};

inline void redirect(int fd, Redirect where) {
    if (where == Redirect::closed) close(fd);
    if (where == Redirect::full) dup2(open("/dev/full", O_WRONLY | O_CLOEXEC), fd);
    if (where == Redirect::broken_pipe) {
        int reader_gone[2];
        if (pipe2(reader_gone, O_CLOEXEC) != 0) _exit(126);
        dup2(reader_gone[1], fd);
        close(reader_gone[0]);
    }
}

// Its standard input is a pipe holding `input` (nothing by default: it reads end of input at
// once, whatever the test runner's own input is).
inline ProcessResult run_program(const char* program, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env = {},
                                 const std::string& input = {},
                                 Redirect out_to = Redirect::captured,
                                 Redirect err_to = Redirect::captured) {
    int in_pipe[2], out_pipe[2], err_pipe[2];
    if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0 ||
        pipe2(err_pipe, O_CLOEXEC) != 0)
        return {};
    pid_t child = fork();
    if (child == 0) {
        dup2(in_pipe[0], STDIN_FILENO);
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        redirect(STDOUT_FILENO, out_to);
        redirect(STDERR_FILENO, err_to);
        // A pipe's width is COLUMNS when set: the tests' own shell's must not change what they
        // read (a test gives one in `env`).
        unsetenv("COLUMNS");
        for (const std::string& setting : env) putenv(const_cast<char*>(setting.c_str()));
        std::vector<char*> argv{const_cast<char*>(program)};
        for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        execv(program, argv.data());
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    // The tests' inputs are a few lines: far less than a pipe holds, so this never blocks.
    if (!input.empty()) {
        [[maybe_unused]] const ssize_t written = write(in_pipe[1], input.data(), input.size());
    }
    close(in_pipe[1]);
    ProcessResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) continue;
        for (pollfd& entry : fds) {
            if (entry.fd < 0 || entry.revents == 0) continue;
            char buffer[4096];
            ssize_t n = read(entry.fd, buffer, sizeof buffer);
            if (n > 0) {
                (entry.fd == out_pipe[0] ? result.out : result.err).append(buffer, std::size_t(n));
            } else {
                close(entry.fd);
                entry.fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    return result;
}

inline ProcessResult run_racedemo(const std::vector<std::string>& args,
                                  const std::vector<std::string>& env = {},
                                  const std::string& input = {},
                                  Redirect out_to = Redirect::captured,
                                  Redirect err_to = Redirect::captured) {
    return run_program(RACEDEMO_BINARY, args, env, input, out_to, err_to);
}

inline int count_lines(const std::string& text) {
    int lines = 0;
    for (char c : text) lines += c == '\n';
    return lines;
}

// A stand-in for racedemo-tsan: a shell script that runs `body` and leaves no ThreadSanitizer
// report. Sets `path` to the script (the test removes it) and returns the setting of
// RACEDEMO_TSAN that makes racedemo use it.
inline std::string fake_tsan_twin(const std::string& body, std::string& path) {
    char name[] = "/tmp/racedemo-fake-tsan-XXXXXX";
    const int fd = mkstemp(name);
    if (fd < 0) return {};
    const std::string script = "#!/bin/sh\n" + body + "\n";
    const bool written =
        write(fd, script.data(), script.size()) == static_cast<ssize_t>(script.size());
    close(fd);
    chmod(name, 0700);
    path = name;
    return written ? std::string("RACEDEMO_TSAN=") + name : std::string();
}

// A fake twin whose --json report is `report`, removed at the end of the scope.
class FakeTwinReport {
  public:
    explicit FakeTwinReport(const std::string& report)
        : environment_(fake_tsan_twin("echo '" + report + "'", path_)) {}
    ~FakeTwinReport() { unlink(path_.c_str()); }
    FakeTwinReport(const FakeTwinReport&) = delete;
    FakeTwinReport& operator=(const FakeTwinReport&) = delete;
    // RACEDEMO_TSAN=..., for run_racedemo's environment.
    const std::string& environment() const { return environment_; }

  private:
    std::string path_;
    std::string environment_;
};

}  // namespace racedemo::testing
