// A thread that waits for good (a deadlocked execution, a stuck real trial): what it holds and
// what it waits for, as facts. Model and real mode describe a deadlock alike; present/ words it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "racedemo/shared_state.hpp"

namespace racedemo {

// Why a thread in front of an operation cannot take it (typed; the report words it).
enum class WaitCause : std::uint8_t {
    none,
    held_by_writer,      // a lock: a thread holds it exclusively
    held_by_readers,     // a lock: readers hold it
    writer_queued,       // a reader kept out by a queued writer
    nothing_to_receive,  // a channel: empty and open
    no_receiver,         // an unbuffered channel: nobody waits to receive
    full,                // a buffered channel: no room
};

struct Waiter {
    int thread = 0;                     // 1-based
    std::vector<std::string> holds;     // the locks it holds, exclusively or shared
    std::string waits_for;              // the lock or channel it cannot take
    std::vector<int> held_by;           // 1-based threads holding that lock (finished ones too)
    bool shared = false;                // it wants the lock to read (an rlock)
    Op op = Op::lock;                   // what it is in front of
    WaitCause cause = WaitCause::none;  // a channel's: nothing to receive, no receiver, full
    bool writer_queued = false;         // it wants to read, and a queued writer keeps it out
};

// The outcome label of a deadlocked run, in both modes.
inline constexpr std::string_view deadlock_label = "deadlock";

}  // namespace racedemo
