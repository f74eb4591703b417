#include "cli/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

namespace racedemo {
namespace {

// COLUMNS, when it is a width racedemo can draw for: plain digits, in range. A shell sets it to
// the window's width; a value from elsewhere may be anything, and is then not a width.
std::optional<int> columns_asked(std::string_view value) {
    int columns = 0;
    const char* end = value.data() + value.size();
    const auto [stop, error] = std::from_chars(value.data(), end, columns);
    if (value.empty() || error != std::errc() || stop != end) return std::nullopt;
    if (columns < kMinColumns || columns > kMaxColumns) return std::nullopt;
    return columns;
}

}  // namespace

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
    if (const char* columns = std::getenv("COLUMNS")) facts.columns_variable = columns;
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
    if (facts.stdout_tty && facts.columns > 0)
        terminal.width = std::clamp(facts.columns, kNarrowest, kWidestTerminal);
    // Off a terminal, the width a pipe's reader asked for (a terminal's own width wins on one);
    // no narrower than on a terminal, where lanes of steps side by side still fit.
    const std::optional<int> asked = columns_asked(facts.columns_variable);
    if (!facts.stdout_tty && asked) terminal.width = std::max(*asked, kNarrowest);
    return terminal;
}

}  // namespace racedemo
