// A small concurrent program given as data: the common input of the model checker's tests.
//
// The same Program runs two ways: as a scenario on racedemo's engine (program_scenario.hpp,
// through the scenario API like any demo), and under the reference enumerator
// (enumerator.hpp), a brute-force interpreter written apart from the engine. The tests compare
// what the two find.
//
// A thread is a list of instructions with a few integer registers (all 0 at the start). An
// instruction that touches shared state (a cell, a lock, a channel) is one step; the others
// (jumps) are local and take no step. Semantics, the contract both sides implement:
//  - read c -> r; write c <- e; cas c (expected, e) -> r: one step each. cas is atomic: when
//    cell c holds `expected` it stores e and r = 1, else r = 0; it counts as a write either way.
//  - lock m / unlock m on a mutex: lock can step only while m is free.
//  - rlock / runlock / wlock / wunlock on a reader/writer lock. wlock can step only while
//    nobody holds the lock. Reader-preferring: rlock can step while no writer holds it.
//    Writer-preferring: rlock can step while no writer holds it and no writer is queued. A
//    writer in front of a wlock it cannot take may take one step to queue (it counts as queued
//    from that step until its wlock steps). These two queueing steps are the only waits that
//    are steps.
//  - send ch <- e; recv ch -> r (r = -1 when the channel is closed and empty); close ch.
//    Buffered (capacity > 0): send can step while fewer than `capacity` values are held or the
//    channel is closed; recv while a value is held or it is closed. Unbuffered: a receiver that
//    finds the channel open (and no hand-off under way) first takes one step to queue (Go's
//    queue of receivers); a send can step while the channel is closed, or while some receiver
//    is queued on it; the send then hands its value over: the very next step is the recv of
//    one of the queued receivers (any of them), and nothing else can step in between. A queued
//    receiver's recv steps only as that second half, or once the channel is closed. close can
//    step at any time outside a hand-off. (Generated programs never send on a channel that may
//    be closed.)
//  - jump_if r == k -> target: local; target is an instruction index (the end: the size).
//  - A thread finishes after its last instruction. No thread can step and some have not
//    finished: the execution is deadlocked (its outcome is "deadlock").
// Two steps of different threads are dependent (for Mazurkiewicz traces) when they touch the
// same cell and one of them writes (cas writes), or the same lock or channel (queueing steps
// included).
#pragma once

#include <string>
#include <vector>

namespace testprog {

enum class Kind {
    read,     // cell -> reg
    write,    // cell <- value
    cas,      // cell (expected, value) -> reg
    lock,     // mutex
    unlock,   // mutex
    rlock,    // rwlock
    runlock,  // rwlock
    wlock,    // rwlock
    wunlock,  // rwlock
    send,     // channel <- value
    recv,     // channel -> reg
    close,    // channel
    jump_if,  // if reg == constant: goto target
};

// A value: reg's content plus constant; reg -1 for the constant alone.
struct Expr {
    int reg = -1;
    int constant = 0;
};

struct Instr {
    Kind kind = Kind::read;
    int object = 0;    // the cell, mutex, rwlock or channel (each kind numbered from 0)
    int reg = 0;       // read, cas, recv: the register written; jump_if: the register tested
    Expr value;        // write, cas (the value stored), send
    int expected = 0;  // cas: the value compared; jump_if: the constant compared
    int target = 0;    // jump_if: the instruction to go to
};

struct RWLockDecl {
    bool writer_preferring = true;
};

struct ChannelDecl {
    int capacity = 0;  // 0: unbuffered
};

// One clause of the corruption predicate: thread's register == value (thread -1: cell `reg`).
struct Clause {
    int thread = 0;
    int reg = 0;
    int value = 0;
};

struct Program {
    std::string name = "program";
    std::vector<int> cells;  // initial values
    int mutexes = 0;
    std::vector<RWLockDecl> rwlocks;
    std::vector<ChannelDecl> channels;
    std::vector<std::vector<Instr>> threads;
    int registers = 2;  // per thread
    // A finished execution is corrupt when every clause holds (never, when there is none).
    std::vector<Clause> corrupt_when;
};

// The outcome of a finished execution, as both sides name it: every thread's registers, then
// every cell's final value: "r 0,1 | 1,0 ; c 1,1".
std::string outcome_label(const std::vector<std::vector<int>>& registers,
                          const std::vector<int>& cells);
// Whether the finished execution is corrupt under `program.corrupt_when`.
bool is_corrupt(const Program& program, const std::vector<std::vector<int>>& registers,
                const std::vector<int>& cells);
// The label of a deadlocked execution (the engine's own).
inline const std::string deadlock_label = "deadlock";

// A readable listing ("T1: read c0 -> r0; write c1 <- r0+1"), for a failed test's message.
std::string describe(const Program& program);

}  // namespace testprog
