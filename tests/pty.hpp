// Runs racedemo on a pseudo-terminal, as a person at a terminal would: read what it shows
// up to a prompt, type a line, read on.
#pragma once

#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace racedemo::testing {

class TerminalSession {
  public:
    // Without colour (NO_COLOR=1) unless `environment` says otherwise: it replaces NO_COLOR and
    // sets the settings it lists ("TERM=dumb").
    explicit TerminalSession(const std::vector<std::string>& args,
                             const std::vector<std::string>& environment = {"NO_COLOR=1"}) {
        pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
        if (pid_ == 0) {
            std::vector<char*> argv{const_cast<char*>(RACEDEMO_BINARY)};
            for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
            argv.push_back(nullptr);
            unsetenv("NO_COLOR");
            for (const std::string& setting : environment)
                putenv(const_cast<char*>(setting.c_str()));
            execv(RACEDEMO_BINARY, argv.data());
            _exit(127);
        }
    }
    ~TerminalSession() {
        if (master_ >= 0) close(master_);
        if (pid_ > 0 && !reaped_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }

    // Everything shown until `text` appears (true) or the program ends (false). The generous
    // limit only stops a broken build from hanging the suite; it is no timing assertion.
    bool read_until(const std::string& text) {
        while (screen_.find(text, searched_) == std::string::npos) {
            pollfd fd{master_, POLLIN, 0};
            if (poll(&fd, 1, 60'000) <= 0) return false;
            char buffer[4096];
            ssize_t n = read(master_, buffer, sizeof buffer);
            if (n <= 0) {
                closed_ = true;
                return false;
            }
            screen_.append(buffer, static_cast<std::size_t>(n));
        }
        searched_ = screen_.find(text, searched_) + text.size();
        return true;
    }
    void type(const std::string& line) {
        std::string text = line + "\n";
        (void)!write(master_, text.data(), text.size());
    }
    // Reads to the end and reaps the program: its exit code, or -signal when a signal ended it.
    int wait_exit() {
        // Drained until the program closes the terminal; one still running a minute after its
        // last output is hung: it is killed, so that the test fails instead of hanging.
        if (!read_until("\x01never") && !closed_) kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    }
    const std::string& screen() const { return screen_; }
    pid_t pid() const { return pid_; }
    void send_signal(int signal) { kill(pid_, signal); }
    // What was shown after the last text that read_until found.
    std::string since_last_match() const { return screen_.substr(searched_); }

  private:
    int master_ = -1;
    pid_t pid_ = -1;
    bool reaped_ = false;
    bool closed_ = false;  // the program closed its side of the terminal
    std::string screen_;
    std::size_t searched_ = 0;
};

}  // namespace racedemo::testing
