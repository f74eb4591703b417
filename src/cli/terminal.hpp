// What racedemo writes to: decided once, in one place, and passed down. Nothing else in
// racedemo calls isatty or reads NO_COLOR, TERM, COLUMNS or the window size.
#pragma once

#include <string>

#include "cli/request.hpp"

namespace racedemo {

// What the process sees (sense_terminal reads it; tests build it by hand).
struct TerminalFacts {
    bool stdin_tty = false;
    bool stdout_tty = false;
    bool stderr_tty = false;
    bool no_color = false;         // NO_COLOR is set and not empty
    bool dumb = false;             // TERM=dumb
    int columns = 0;               // the window's width, 0 when unknown
    std::string columns_variable;  // COLUMNS as set, unchecked ("" when not set)
};

// The decisions.
struct Terminal {
    bool color = false;        // escape codes in reports
    bool progress = false;     // progress lines on stderr during long runs
    bool interactive = false;  // a person can answer (walkthrough pauses, quiz answers)
    int width = 80;            // of the reports' lines
};

// The narrowest width reports are drawn for (lanes of steps side by side), and the widest a
// terminal's window gives them (a projector's).
constexpr int kNarrowest = 60;
constexpr int kWidestTerminal = 100;
// The COLUMNS a pipe or a file honours; outside, it is no screen's width.
constexpr int kMinColumns = 40;
constexpr int kMaxColumns = 1000;

TerminalFacts sense_terminal();
// Colour: --color always/never, else a terminal without NO_COLOR or TERM=dumb. Width: the
// window's, from kNarrowest to kWidestTerminal columns, on a terminal; else COLUMNS when it is a
// whole number from kMinColumns to kMaxColumns (anything else is ignored), at least kNarrowest;
// else 80.
// Progress lines: stderr is a terminal and stdout is not JSON for a program.
Terminal decide_terminal(ColorChoice color, bool json, const TerminalFacts& facts);

}  // namespace racedemo
