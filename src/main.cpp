#include <csignal>

#include "cli.hpp"

int main(int argc, char** argv) {
    // A reader that goes away early (racedemo ... | head -1) must end racedemo with an error
    // from write, never by SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    return racedemo::run_cli(argc, argv);
}
