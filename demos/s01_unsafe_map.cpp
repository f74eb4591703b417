// 01 unsafe-map: one thread writes a map in a loop while another iterates it.
//
// What races: writeLoop stores m[i] = i for i < 100 (the map grows as it fills) while
// readLoop ranges over the map. Go's runtime notices and stops the program with "fatal error:
// concurrent map iteration and map write"; C++ does not stop you, and the reader really does
// see entries half-written (a key whose value was not stored yet).
//
//   racedemo unsafe-map            CORRUPTED: torn entries, and Go's check trips
//   racedemo unsafe-map --fixed    the same program with a mutex (scenario 02): CLEAN
//   racedemo unsafe-map --mode model --explore
#include "go_map.hpp"

RACEDEMO_SCENARIO({
    .number = 1,
    .name = "unsafe-map",
    .summary = "a map written by one thread while another iterates it",
    .lesson = R"(Ported from the lesson's Go program to C++, with a hash map built the way Go's is.
One thread keeps storing m[i] = i for the first hundred keys while another thread
iterates over the map. A store into a hash map is not one step: it may grow the table (copy
every entry into a bigger one and switch over), it writes the key into a slot, bumps the count
and then writes the value. An iteration that runs at the same moment can walk a table that is
being replaced, or find a key whose value has not been written yet.

Go checks for this: a map being written carries a flag, and an iteration that sees the flag
stops the whole program with "fatal error: concurrent map iteration and map write". That check
is a courtesy, not a guarantee. C++ makes no check at all: the same program is undefined
behaviour, and it may crash, hang, or quietly hand the reader wrong entries. racedemo shows
both: where Go's check would have fired, and the damage the reader really saw.

The fix is scenario 02, mutex-map: one mutex, locked around every store and around the whole
iteration.)",
    .takeaway = "while any thread may still write a map (or any structure), every reader needs "
                "the same lock; a map that is only read needs none (11 read-only)",
    .terms = {"race condition", "data race", "real mode", "run, round", "model mode", "step",
              "schedule", "torn read"},
    .default_threads = 2,
    .min_threads = 2,
    .rounds = 200,
    .unsafe = racedemo::make_trial<racedemo::go_map::MapTrial<racedemo::NoLock>>,
    .fixed = racedemo::make_trial<racedemo::go_map::MapTrial<racedemo::Mutex>>,
    .fixed_note = "--fixed runs the program of scenario 02, mutex-map",
});
