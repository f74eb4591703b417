#include "present/misuse.hpp"

#include <fmt/format.h>

namespace racedemo {

std::string describe_misuse(const Misuse& misuse) {
    const int thread = misuse.thread;
    const std::string& object = misuse.object;
    switch (misuse.kind) {
        case MisuseKind::unlock_free:
            return fmt::format("T{} unlocks {}, which no thread holds", thread, object);
        case MisuseKind::unlock_other:
            if (misuse.holder > 0)
                return fmt::format("T{} unlocks {}, which T{} holds", thread, object,
                                   misuse.holder);
            return fmt::format("T{} unlocks {}, which is held to read (by readers, not by T{})",
                               thread, object, thread);
        case MisuseKind::unlock_shared_unheld:
            return fmt::format("T{} calls unlock_shared on {}, which it does not hold to read",
                               thread, object);
        case MisuseKind::close_closed:
            return fmt::format("T{} closes {}, which is closed already", thread, object);
        case MisuseKind::send_closed:
            return fmt::format("T{} sends on {}, which is closed", thread, object);
        case MisuseKind::bypass:
            return fmt::format("T{} {} {} with {} inside its thread", thread,
                               misuse.op == Op::write ? "writes" : "reads", object,
                               misuse.op == Op::write ? "poke()" : "peek()");
    }
    return "?";
}

std::string_view misuse_rule(MisuseKind kind) {
    switch (kind) {
        case MisuseKind::unlock_free:
            return "unlocking a lock nobody holds is undefined behaviour in C++, and a fatal error "
                   "in Go";
        case MisuseKind::unlock_other:
            return "in C++ only the thread that locked a mutex may unlock it (anything else is "
                   "undefined behaviour)";
        case MisuseKind::unlock_shared_unheld:
            return "each unlock_shared lets go of one read lock the thread took: one more is "
                   "undefined behaviour in C++, and a fatal error in Go (RUnlock)";
        case MisuseKind::close_closed:
            return "a channel is closed once: Go panics at a second close";
        case MisuseKind::send_closed:
            return "nothing can be sent on a closed channel: Go panics at the send";
        case MisuseKind::bypass:
            return "peek() and poke() are for set-up, reset and the arbiter, which run alone; a "
                   "thread's own accesses are load() and store(), which the runtime sees";
    }
    return "?";
}

}  // namespace racedemo
