// What racedemo writes to: decided once, in one place, and passed down. Nothing else in
// racedemo calls isatty or reads NO_COLOR, TERM or the window size.
#pragma once

#include "cli/request.hpp"

namespace racedemo {

// What the process sees (sense_terminal reads it; tests build it by hand).
struct TerminalFacts {
    bool stdin_tty = false;
    bool stdout_tty = false;
    bool stderr_tty = false;
    bool no_color = false;  // NO_COLOR is set and not empty
    bool dumb = false;      // TERM=dumb
    int columns = 0;        // the window's width, 0 when unknown
};

// The decisions.
struct Terminal {
    bool color = false;        // escape codes in reports
    bool progress = false;     // progress lines on stderr during long runs
    bool interactive = false;  // a person can answer (walkthrough pauses, quiz answers)
    int width = 80;            // of the reports' lines
};

TerminalFacts sense_terminal();
// Colour: --color always/never, else a terminal without NO_COLOR or TERM=dumb. Width: the
// window's, from 60 to 100 columns, on a terminal; else 80 (files and pipes get the same bytes).
// Progress lines: stderr is a terminal and stdout is not JSON for a program.
Terminal decide_terminal(ColorChoice color, bool json, const TerminalFacts& facts);

}  // namespace racedemo
