// A seeded generator of random programs, for comparing checkers on many small cases. Its output
// depends only on the seed: std::mt19937_64's numbers are fixed by the standard, and every bounded
// draw is made here (std::uniform_int_distribution's are implementation-defined).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "program.hpp"

namespace reference {

struct GeneratorSettings {
    int min_threads = 2, max_threads = 4;
    int max_cells = 3;
    int max_mutexes = 2;
    int max_rwlocks = 0;   // each with a random policy
    int max_channels = 0;  // each buffered (capacity 1-2) or unbuffered
    // regenerate (deterministically) until enumerate_interleavings finds at most this
    std::uint64_t max_interleavings = 20'000;
};

// A random program: reads into registers, writes of constants or register + constant, cas,
// forward branches on a register read earlier (jump_if), mutex sections nested in either order
// (so some programs deadlock) and released on every path by the thread's end, in either order;
// with rwlocks, read and write sections, sometimes a recursive rlock; with channels, one sending
// thread per channel, which may close it after its last send, and receivers among the other
// threads, each receiving a bounded number of times (a receiver may wait for ever: a deadlock).
// Sizes vary from a step per thread to thousands of interleavings. Sometimes corrupt_when holds a
// clause or two. Named "random program"; random_programs names them.
// Throws std::runtime_error when a thousand draws in a row exceed settings.max_interleavings.
testprog::Program random_program(std::mt19937_64& random, const GeneratorSettings& settings);

// `count` programs drawn from std::mt19937_64(seed), named "random seed S #i" (i from 0).
std::vector<testprog::Program> random_programs(std::uint64_t seed, int count,
                                               const GeneratorSettings& settings);

namespace random_programs_detail {

// Uniform in [0, bound) (bound > 0), by rejection: the same numbers on every standard library.
std::uint64_t below(std::mt19937_64& random, std::uint64_t bound);
// Uniform in [low, high]; low when high < low.
int between(std::mt19937_64& random, int low, int high);

}  // namespace random_programs_detail

}  // namespace reference
