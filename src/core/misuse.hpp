// A primitive used against its rules: a lock let go of by a thread that does not hold it, a read
// lock let go of more often than it was taken, a channel closed twice or sent on once closed, a
// cell read or written with peek()/poke() from inside a thread. C++ calls the first ones
// undefined behaviour and Go panics; racedemo stops the execution (model) or the trial (real)
// there and says so: a verdict of its own (MISUSE), never silence. Facts only: present/ words them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "racedemo/detail/runtime.hpp"

namespace racedemo {

enum class MisuseKind : std::uint8_t {
    unlock_free,           // unlock of a lock that nobody holds
    unlock_other,          // unlock of a lock another thread holds (holder), or readers hold (0)
    unlock_shared_unheld,  // unlock_shared by a thread that does not hold the lock to read
    close_closed,          // close of a closed channel
    send_closed,           // send on a closed channel
    bypass,                // peek() or poke() inside a thread: a step the model never sees
};

struct Misuse {
    MisuseKind kind = MisuseKind::unlock_free;
    int thread = 0;      // 1-based: who misused it
    std::string object;  // the lock, channel or cell
    int holder = 0;      // unlock_other: the thread that holds the lock (1-based); 0: readers do
    int step = 0;        // model: the 1-based step of the misuse (bypass: the next step); real: 0
    Op op = Op::read;    // bypass: a read (peek) or a write (poke)
};

// The outcome label of a trial that stopped at a misuse.
inline constexpr std::string_view misuse_label = "misuse";

// What a misuse of `op` on an object is, when the operation's own rules reject it.
constexpr MisuseKind misuse_of_channel_op(Op op) {
    return op == Op::close ? MisuseKind::close_closed : MisuseKind::send_closed;
}

}  // namespace racedemo
