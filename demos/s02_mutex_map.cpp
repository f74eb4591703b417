// 02 mutex-map: the program of 01 (unsafe-map) with a mutex around every map access.
//
// What it shows: writeLoop locks around each m[i] = i, readLoop locks around the whole
// iteration, so the reader never sees the map in the middle of a write.
//
//   racedemo mutex-map             CLEAN in every run (this scenario is the fixed program)
//   racedemo mutex-map --mode model --explore    every schedule clean
#include "go_map.hpp"

RACEDEMO_SCENARIO({
    .number = 2,
    .name = "mutex-map",
    .summary = "the same map program with a mutex around every access: always clean",
    .lesson = R"(This is the program of scenario 01 with one change: a mutex shared by both
threads. The writer locks it before each m[i] = i and unlocks it after; the reader locks it
before it starts iterating and unlocks it when the iteration is over. While one thread holds
the mutex, the other's Lock waits. So the reader only ever sees the map between two complete
stores, never in the middle of one, and the writer never changes the map under an iteration.

The price is waiting: the writer cannot store while a long iteration holds the lock. That is
the trade every lock makes, and scenario 05 shows a lock that lets readers share it.)",
    .takeaway = "while any thread may write the map: lock, touch, unlock, every access under one "
                "mutex, reads included",
    .terms = {"mutex", "unsafe and fixed", "critical section"},
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 200,
    .fixed = racedemo::make_trial<racedemo::go_map::MapTrial<racedemo::Mutex>>,
});
