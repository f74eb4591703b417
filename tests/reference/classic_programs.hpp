// Named programs from the literature and small textbook cases, as testprog::Program data (loops
// unrolled: the format has no indexed cells), with the counts known for them.
#pragma once

#include "program.hpp"

namespace reference {

// lastzero(N) (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014): cells array[0..N], all 0. Thread
// 0: for (i = N; array[i] != 0; i--); (each read into r0; array[0] is never written, so it stops
// there at the latest). Thread j = 1..N: array[j] = array[j-1] + 1 (a read into r0, then a
// write). Traces for N = 2, 3, 4, 5: 5, 12, 28, 64.
testprog::Program lastzero(int n);

// indexer(N) (Flanagan and Godefroid, POPL 2005): cells table[0..127] and an overflow cell (128).
// Thread tid = 0..N-1, for m = 1..4: w = m*11 + tid; h = (w*7) % 128; while (!cas(table[h], 0,
// w)) h = (h+1) % 128; the probe loop unrolled to `probes` probes (r0 holds each cas's result),
// then, if every probe failed, a write of 1 to the overflow cell. Traces for N = 11..15: 1, 8,
// 64, 512, 4096. Two probes suffice up to N = 15 (two insertions collide only in pairs, and the
// loser finds h+1 free), so the overflow cell stays 0. Deeper unrolling keeps every count but
// slows enumerate_traces badly: its cutoff of dead prefixes reads each thread's code, and longer
// probe chains reach into the other threads' cells (3 probes: 8 s for N = 13, at -O2).
testprog::Program indexer(int n, int probes = 2);

// The three-thread program of the engine's known bug: cells x (c0) and y (c1), mutexes a (m0)
// and b (m1), two registers per thread.
//   T1: r0 = read x
//   T2: lock b; lock a; write y <- 1; unlock a; unlock b
//   T3: read x -> r1 (ignored); lock a; lock b; r0 = read y; write x <- 1; unlock b; unlock a
// Corrupt when T1.r0 == 1 and T3.r0 == 1. 5 traces: 4 finished (T2's section before or after
// T3's, times T1's read before or after the write of x), one of them corrupt, and 1 deadlocked
// (T2 holds b, T3 holds a). 181 interleavings: 169 finished (33 corrupt), 12 deadlocked.
testprog::Program three_thread_bug();

// N philosophers around N forks (mutexes): philosopher i locks fork i, then fork (i+1) % N,
// writes 1 to its plate (cell i), unlocks both. It can deadlock (every philosopher holding his
// left fork). The fixed one: the last philosopher takes his forks in the other order.
testprog::Program dining_philosophers(int n);
testprog::Program dining_philosophers_fixed(int n);

// An unbuffered channel: T1 sends 7 and closes it; T2 and T3 receive once each. The 7 goes to
// exactly one of them; the other receives -1 (closed). Each receiver queues (a step) before the
// send: 8 interleavings, each its own trace (every step touches the channel).
testprog::Program unbuffered_handoff();

// Ping-pong over two unbuffered channels: T1 sends 1 on ch0 and receives on ch1 into r0; T2
// receives on ch0 into r0 and sends r0 + 1 on ch1. One interleaving: T1.r0 == 2, T2.r0 == 1.
testprog::Program unbuffered_ping_pong();

// A buffered channel of capacity 1: T1 sends 1, then 2, then closes it; T2 and T3 receive once
// each. First in, first out: whoever receives first gets 1.
testprog::Program buffered_pipeline();

// T1: rlock; rlock; runlock; runlock. T2: wlock; write c0 <- 1; wunlock. Writer-preferring, it
// can deadlock: T2 queues between T1's two rlocks, which then waits behind the queued writer
// while T2 waits for T1's first read lock. Reader-preferring, it always finishes.
testprog::Program recursive_rlock(bool writer_preferring);

// A lock-order inversion between a mutex and a writer-preferring RWMutex, found by the random
// programs (seed 1796667746, #60). T1: lock m0; wlock rw0; read c0; wunlock rw0; unlock m0.
// T2: wlock rw0; lock m0; write c0 <- 1; unlock m0; wunlock rw0. T3: write c1 <- 2 (without
// it the search happens to take an order that reaches the deadlock anyway). It deadlocks when each
// takes its first lock; then T1 queues on rw0, a step. A state cache that counted only how many
// steps each thread took confused "T1 queued, T2 holds rw0" with "T1 holds rw0, T2 queued" and
// never reached the deadlock.
testprog::Program queued_writer_inversion();

// A writer's wait that must race with the write lock that made it wait, found by the random
// programs (seed 405, #19). Mutexes m0, m1, a writer-preferring rw0, one cell.
//   T1: write c0 <- 3; wlock rw0; lock m1; cas c0 (1, 2) -> r0; unlock m1; wunlock rw0
//   T2: lock m0; lock m1; wlock rw0; write c0 <- 2; wunlock rw0; unlock m0; unlock m1
// T2 holding m1 queues on rw0, which T1 took, and T1 then waits for m1: a deadlock. The outcome
// c0 = 3 needs T2's whole section before T1's first write; dpor, taking T2's queueing for a
// step unrelated to T1's wlock, never ran T2 first and missed it.
testprog::Program queued_writer_reversal();

// N threads, each writing 1 to a cell of its own: every step commutes with every other, so one
// trace; (N)! interleavings.
testprog::Program independent_writers(int n);

}  // namespace reference
