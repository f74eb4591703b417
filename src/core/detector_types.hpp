// What a run under ThreadSanitizer (real/detector.hpp) comes to: the races it reported, located
// in the scenario's own code, and how far it got.
#pragma once

#include <string>
#include <vector>

namespace racedemo {

// One side of a race: what the access was, and where in the scenario's code.
struct RaceAccess {
    std::string op;        // "write", "read", "previous write", ...
    std::string thread;    // "T1"
    std::string location;  // "s03_trie_race.cpp:72"
    std::string function;  // "Trie<racedemo::NoLock>::Insert"
};

struct RaceReport {
    RaceAccess current, previous;
    int count = 1;  // reports with the same pair of locations
};

// One edge of a lock-order cycle: `thread` took mutex `acquired` while it held `held` (the
// mutexes as ThreadSanitizer names them, "M9"), at `location` in `function`.
struct LockOrderEdge {
    std::string thread;  // racedemo's "T2"
    std::string acquired, held;
    std::string location, function;
};

// A lock-order inversion (a potential deadlock): the edges of its cycle.
struct LockOrderReport {
    std::vector<LockOrderEdge> edges;
    int count = 1;  // reports with the same edges' locations
};

struct DetectorResult {
    int reports = 0;                // "WARNING: ThreadSanitizer: data race" reports in all
    std::vector<RaceReport> races;  // distinct by the pair of source locations
    // "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock)" reports
    int lock_order_inversions = 0;
    std::vector<LockOrderReport> inversions;  // distinct by their edges' locations
    // How far the run under ThreadSanitizer got. A run cut short (a trial killed by the
    // watchdog, fewer runs done than asked, the twin itself killed) saw less than was asked:
    // no race reported then proves nothing. incomplete: why, empty when the run was whole.
    int runs_requested = 0;
    int runs_done = 0;
    std::string incomplete;
    // Runs of the twin that racedemo's watchdog found deadlocked (a lock no one will release,
    // which ThreadSanitizer does not report), and the first one's wait, as the twin worded it.
    int deadlocked_runs = 0;
    std::string deadlock;
};

}  // namespace racedemo
