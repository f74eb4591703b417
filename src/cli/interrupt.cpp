#include "cli/interrupt.hpp"

namespace racedemo {
namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void record_signal(int signal) {
    g_signal = signal;
}

void install(void (*handler)(int)) {
    struct sigaction action {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR and the loop looks
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

void catch_interrupts() {
    install(record_signal);
}
void default_interrupts() {
    install(SIG_DFL);
}
int interrupted() {
    return g_signal;
}
void clear_interrupt() {
    g_signal = 0;
}

}  // namespace racedemo
