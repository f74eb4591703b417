// The reference enumerator: a brute-force model checker of testprog::Program, written apart from
// racedemo's engine (it reads nothing of it) so that the engine's tests can measure the engine
// against it. It interprets the semantics stated in program.hpp step by step, copying the whole
// state at every branch: slow, but simple enough to trust.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "program.hpp"

namespace reference {

struct Enumeration {
    std::uint64_t interleavings = 0;  // complete executions (finished + deadlocked)
    std::uint64_t finished = 0;
    std::uint64_t deadlocked = 0;
    std::uint64_t traces = 0;           // Mazurkiewicz traces of finished executions
    std::uint64_t deadlock_traces = 0;  // ... of deadlocked executions
    // label -> interleavings with it ("deadlock" included); traces with it, for enumerate_traces
    std::map<std::string, std::uint64_t> outcomes;
    std::uint64_t corrupt = 0;  // finished interleavings that are corrupt
    bool truncated = false;     // the limit stopped it: the numbers are partial
};

// Every interleaving, one by one (brute force): counts interleavings; traces by a canonical key of
// each complete execution (its events and the order of every dependent pair). At most `limit`
// complete executions are counted: one more sets `truncated`.
// Throws std::invalid_argument on a malformed program (an object, register or jump target out of
// range, or a loop of jump_if that takes no step).
Enumeration enumerate_interleavings(const testprog::Program& program,
                                    std::uint64_t limit = 5'000'000);

// One interleaving per trace: depth-first, pruning every prefix that is not in lexicographic
// normal form (Anisimov-Knuth: a word is lex-minimal in its trace iff it has no factor b u a with
// a < b where a is independent of b and of every letter of u; letters ordered by thread). An
// unbuffered hand-off (the send and its recv) is one letter. Counts traces and outcomes (outcome
// counts then per trace; `corrupt` counts corrupt finished traces); interleavings, finished and
// deadlocked stay 0. `limit` bounds the leaves of the search (complete executions and prefixes
// found to lead to none); one more sets `truncated`. Throws as enumerate_interleavings does.
Enumeration enumerate_traces(const testprog::Program& program, std::uint64_t limit = 5'000'000);

namespace enumerator_detail {

// enumerate_traces without its cutoff of hopeless prefixes (those whose pruned letters no other
// thread can ever touch again): the plain lex-normal search, exponentially slower on many
// independent threads. The tests check that the cutoff changes no number.
Enumeration enumerate_traces_without_cutoff(const testprog::Program& program,
                                            std::uint64_t limit = 5'000'000);

}  // namespace enumerator_detail

}  // namespace reference
