#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace racedemo {

TerminalFacts sense_terminal() {
    TerminalFacts facts;
    facts.stdin_tty = isatty(STDIN_FILENO) == 1;
    facts.stdout_tty = isatty(STDOUT_FILENO) == 1;
    facts.stderr_tty = isatty(STDERR_FILENO) == 1;
    const char* no_color = std::getenv("NO_COLOR");
    facts.no_color = no_color != nullptr && *no_color != '\0';
    const char* term = std::getenv("TERM");
    facts.dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
    winsize size{};
    if (facts.stdout_tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0)
        facts.columns = size.ws_col;
    return facts;
}

Terminal decide_terminal(ColorChoice color, bool json, const TerminalFacts& facts) {
    Terminal terminal;
    if (color == ColorChoice::automatic)
        terminal.color = facts.stdout_tty && !facts.no_color && !facts.dumb;
    else
        terminal.color = color == ColorChoice::always;
    terminal.color = terminal.color && !json;
    terminal.progress = facts.stderr_tty;  // JSON goes to stdout: progress may go beside it
    terminal.interactive = facts.stdin_tty && facts.stdout_tty;
    if (facts.stdout_tty && facts.columns > 0) terminal.width = std::clamp(facts.columns, 60, 100);
    return terminal;
}

}  // namespace racedemo
