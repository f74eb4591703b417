#include <csignal>

#include "cli/cli.hpp"
#include "cli/interrupt.hpp"

int main(int argc, char** argv) {
    // A reader that goes away early (racedemo ... | head -1) must end racedemo with an error
    // from write, never by SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    // Ctrl-C and SIGTERM end a long run early, with its partial result and no stray trial.
    racedemo::catch_interrupts();
    return racedemo::run_cli(argc, argv);
}
