// Ctrl-C and SIGTERM: long runs stop soon, clean up their trial processes, and report what they
// had so far. The handler only records the signal; the loops that run for long look at it.
#pragma once

#include <csignal>

namespace racedemo {

// Installs the recording handler for SIGINT and SIGTERM (without SA_RESTART, so a waiting
// poll() returns at once).
void catch_interrupts();
// Back to the default dispositions: for trial processes, which the parent ends itself.
void default_interrupts();
// The signal that asked racedemo to stop, or 0.
int interrupted();
// For tests: forget a recorded interrupt.
void clear_interrupt();

}  // namespace racedemo
