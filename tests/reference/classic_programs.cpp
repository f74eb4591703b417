// The named programs of classic_programs.hpp, written out as data.
#include "classic_programs.hpp"

#include <string>
#include <vector>

#include "instructions.hpp"
#include "program.hpp"

namespace reference {

namespace classic_programs_detail {

using testprog::Instr;
using testprog::Program;

// Philosopher i of n; `reversed`: takes his right fork first.
std::vector<Instr> philosopher(int i, int n, bool reversed) {
    const int left = i;
    const int right = (i + 1) % n;
    const int first = reversed ? right : left;
    const int second = reversed ? left : right;
    return {ops::lock(first), ops::lock(second), ops::write(i, 1), ops::unlock(second),
            ops::unlock(first)};
}

Program philosophers(int n, bool fixed) {
    Program program;
    program.name = std::string(fixed ? "dining philosophers (fixed) " : "dining philosophers ") +
                   std::to_string(n);
    program.cells.assign(static_cast<std::size_t>(n), 0);
    program.mutexes = n;
    program.registers = 1;
    for (int i = 0; i < n; ++i) program.threads.push_back(philosopher(i, n, fixed && i == n - 1));
    return program;
}

// One thread of indexer: four insertions, each a chain of `probes` cas, then the overflow.
std::vector<Instr> indexer_thread(int tid, int probes) {
    std::vector<Instr> code;
    const int insertion_size = 2 * probes + 1;
    for (int m = 1; m <= 4; ++m) {
        const int w = m * 11 + tid;
        const int h = (w * 7) % 128;
        const int next = m * insertion_size;  // the first instruction of the next insertion
        for (int k = 0; k < probes; ++k) {
            code.push_back(ops::cas((h + k) % 128, 0, ops::constant(w), 0));
            code.push_back(ops::jump_if(0, 1, next));
        }
        code.push_back(ops::write(128, 1));  // every probe failed: the overflow cell
    }
    return code;
}

}  // namespace classic_programs_detail

testprog::Program lastzero(int n) {
    testprog::Program program;
    program.name = "lastzero " + std::to_string(n);
    program.cells.assign(static_cast<std::size_t>(n) + 1, 0);
    program.registers = 1;
    std::vector<testprog::Instr> scanner;
    const int end = 2 * n + 1;
    for (int i = n; i >= 1; --i) {
        scanner.push_back(ops::read(i, 0));
        scanner.push_back(ops::jump_if(0, 0, end));
    }
    scanner.push_back(ops::read(0, 0));
    program.threads.push_back(scanner);
    for (int j = 1; j <= n; ++j) {
        program.threads.push_back({ops::read(j - 1, 0), ops::write(j, ops::reg_plus(0, 1))});
    }
    return program;
}

testprog::Program indexer(int n, int probes) {
    testprog::Program program;
    program.name = "indexer " + std::to_string(n);
    program.cells.assign(129, 0);
    program.registers = 1;
    for (int tid = 0; tid < n; ++tid) {
        program.threads.push_back(classic_programs_detail::indexer_thread(tid, probes));
    }
    return program;
}

testprog::Program three_thread_bug() {
    enum { x = 0, y = 1, a = 0, b = 1 };
    testprog::Program program;
    program.name = "three threads, two locks";
    program.cells = {0, 0};
    program.mutexes = 2;
    program.registers = 2;
    program.threads = {
        {ops::read(x, 0)},
        {ops::lock(b), ops::lock(a), ops::write(y, 1), ops::unlock(a), ops::unlock(b)},
        {ops::read(x, 1), ops::lock(a), ops::lock(b), ops::read(y, 0), ops::write(x, 1),
         ops::unlock(b), ops::unlock(a)},
    };
    program.corrupt_when = {{0, 0, 1}, {2, 0, 1}};
    return program;
}

testprog::Program dining_philosophers(int n) {
    return classic_programs_detail::philosophers(n, false);
}

testprog::Program dining_philosophers_fixed(int n) {
    return classic_programs_detail::philosophers(n, true);
}

testprog::Program unbuffered_handoff() {
    testprog::Program program;
    program.name = "unbuffered hand-off";
    program.channels = {{0}};
    program.registers = 1;
    program.threads = {{ops::send(0, 7), ops::close(0)}, {ops::recv(0, 0)}, {ops::recv(0, 0)}};
    return program;
}

testprog::Program unbuffered_ping_pong() {
    testprog::Program program;
    program.name = "unbuffered ping-pong";
    program.channels = {{0}, {0}};
    program.registers = 1;
    program.threads = {{ops::send(0, 1), ops::recv(1, 0)},
                       {ops::recv(0, 0), ops::send(1, ops::reg_plus(0, 1))}};
    return program;
}

testprog::Program buffered_pipeline() {
    testprog::Program program;
    program.name = "buffered pipeline";
    program.channels = {{1}};
    program.registers = 1;
    program.threads = {
        {ops::send(0, 1), ops::send(0, 2), ops::close(0)}, {ops::recv(0, 0)}, {ops::recv(0, 0)}};
    return program;
}

testprog::Program recursive_rlock(bool writer_preferring) {
    testprog::Program program;
    program.name = writer_preferring ? "recursive rlock, writer-preferring"
                                     : "recursive rlock, reader-preferring";
    program.cells = {0};
    program.rwlocks = {{writer_preferring}};
    program.registers = 1;
    program.threads = {{ops::rlock(0), ops::rlock(0), ops::runlock(0), ops::runlock(0)},
                       {ops::wlock(0), ops::write(0, 1), ops::wunlock(0)}};
    return program;
}

testprog::Program queued_writer_inversion() {
    testprog::Program program;
    program.name = "mutex and writer-preferring RWMutex, taken in opposite orders";
    program.cells = {0, 0};
    program.mutexes = 1;
    program.rwlocks = {{true}};
    program.registers = 1;
    program.threads = {
        {ops::lock(0), ops::wlock(0), ops::read(0, 0), ops::wunlock(0), ops::unlock(0)},
        {ops::wlock(0), ops::lock(0), ops::write(0, 1), ops::unlock(0), ops::wunlock(0)},
        {ops::write(1, 2)},
    };
    return program;
}

testprog::Program queued_writer_reversal() {
    testprog::Program program;
    program.name = "a queued writer's wait, reversed";
    program.cells = {0};
    program.mutexes = 2;
    program.rwlocks = {{true}};
    program.registers = 2;
    program.threads = {
        {ops::write(0, 3), ops::wlock(0), ops::lock(1), ops::cas(0, 1, ops::constant(2), 0),
         ops::unlock(1), ops::wunlock(0)},
        {ops::lock(0), ops::lock(1), ops::wlock(0), ops::write(0, 2), ops::wunlock(0),
         ops::unlock(0), ops::unlock(1)},
    };
    return program;
}

testprog::Program independent_writers(int n) {
    testprog::Program program;
    program.name = "independent writers " + std::to_string(n);
    program.cells.assign(static_cast<std::size_t>(n), 0);
    program.registers = 1;
    for (int t = 0; t < n; ++t) program.threads.push_back({ops::write(t, 1)});
    return program;
}

}  // namespace reference
