// A trace: the steps one execution took, in order, each naming what it touched.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/waiter.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

// Which of mark_damage's rules (below) a step's damage comes from.
enum class DamageKind { none, lost_update, lost_write, stale_write, half_done_read };

// The damage a step does, as facts: present/ words it ("overwrites n2 written by T2 at step 3").
struct Damage {
    DamageKind kind = DamageKind::none;
    // The other thread's write this step overwrites (lost_update, lost_write, stale_write), or
    // sees half-done (half_done_read): its thread, its step and the value it wrote.
    int other_thread = 0;
    int other_step = 0;
    std::string other_value;
    // lost_update and stale_write: the read the write acts on, by whom and when, and when it
    // was changed.
    std::string stale_target;
    int stale_thread = 0;
    int stale_step = 0;
    int changed_step = 0;
    // half_done_read: the step at which the other thread replaces the value seen, and the
    // operation of that thread it belongs to (its note: "m[2] = 2"; empty without one).
    int replaced_step = 0;
    std::string other_operation;
    // half_done_read of two objects: the operation, after this read, changes another object
    // (replaced_target, at replaced_step) that this thread read before it (at earlier_read_step):
    // the reader saw one part of the operation done and another not yet. Empty: the same object.
    std::string replaced_target;
    int earlier_read_step = 0;
    // The steps a trace shows, when it shows part of the execution (0: all of it): a step cited
    // above may lie outside them.
    int first_shown_step = 0;
    int last_shown_step = 0;

    explicit operator bool() const { return kind != DamageKind::none; }
};

struct TraceEvent {
    int step = 0;    // 1-based position in the execution
    int thread = 0;  // 1-based thread number, as schedules and swimlanes name threads
    Op op = Op::read;
    std::string target;        // "root['g']", "stack.len", "mu"
    std::string value;         // the value read or written ("nil", "n2", "3")
    std::string operation;     // what the thread was doing (its latest note): "insert(\"go\")"
    Damage damage;             // set by trace analysis (mark_damage) where damage happened
    std::uint64_t object = 0;  // identity of the shared object (its address), for analysis
    int operation_index = 0;   // which of its thread's notes `operation` is (1 = first; 0: none)
    bool waits = false;  // a lock operation that found the lock taken: the thread waits from here
    // A wait: the threads it waits for (those holding the lock, or, for a reader kept out, the
    // writers queued in front of it: waits_for_writers). Empty when nobody in particular (a
    // channel; a real run, which knows the lock was taken, not by whom).
    std::vector<int> waits_for;
    bool waits_for_writers = false;
    std::string contents;  // a buffered channel's values after the step, oldest first: "[1 2]"
};

// What each thread said it was doing (its lane's heading), indexed by thread - 1.
using LaneLabels = std::vector<std::string>;

// A thread stopped for good in front of a lock (a deadlocked run), shown in its lane after the
// last step: "lock b.mu: waits".
struct TraceWait {
    int thread = 0;  // 1-based
    Waiter waiter;   // what it waits for (present/ words it: "lock b.mu: waits")
};

// A lock a thread still held when it finished: no one will ever release it (an abandoned
// lock), shown in its lane after its last step: "finished, still holding mu".
struct TraceAbandoned {
    int thread = 0;  // 1-based
    std::string lock;
};

struct Trace {
    std::vector<TraceEvent> events;
    LaneLabels lanes;
    std::vector<TraceWait> waits;
    std::vector<TraceAbandoned> abandoned;
    // Real threads: how the observed order was made (real_trace.cpp). Reads the cores' clocks
    // put before the write whose value they returned, and moved after it; or no order agrees
    // with every value read, and the clocks' order is shown as it is.
    int reads_moved = 0;
    bool order_inconsistent = false;
};

// Adds to the trace the waiters of a deadlock (those not shown waiting already) and, before
// them, each finished thread holding a lock one of them waits for.
void add_deadlock_ending(Trace& trace, const std::vector<Waiter>& wait_for,
                         const std::vector<int>& finished);

std::string_view op_name(Op op);  // "read", "write", "lock", "unlock", "rlock", "runlock"

// Finds the damage in a trace from the steps alone and marks it on the events (Damage):
//  - a lost update: a thread writes a cell that another thread wrote after this thread last
//    read it ("overwrites n2 written by T2 at step 3: the root['g'] T1 read at step 1 was
//    changed at step 3"), or whose value no other thread has
//    read ("overwrites 101 written by T1 at step 2, unread"; "..., read by T1 only");
//  - a half-done read: a thread reads a value that another thread wrote and then overwrote
//    within the same operation ("sees T1's update(k) half-done: it wrote writing at step 2 and
//    replaces it at step 5"), or that operation goes on to change another object the reader
//    read earlier in its own operation ("... it wrote -1 at step 18, and changes m.buckets,
//    read at step 21, only at step 26").
// Returns the step of the first damage found, or 0. DamageScope::first stops there: for a long
// trace in which only the first damage matters (the rest is not marked).
enum class DamageScope { all, first };
int mark_damage(Trace& trace, DamageScope scope = DamageScope::all);

// Whether two steps belong to the same operation of the same thread (one note's span).
bool same_operation(const TraceEvent& a, const TraceEvent& b);
// The first step mark_damage marked, or null.
const TraceEvent* first_damage(const Trace& trace);

// The steps `thread` (1-based) repeats at the end of a trace (a spin loop's round): the shortest
// run of at most 8 of its last steps that its steps just before repeat twice more; without
// one, its last 3 steps.
std::vector<const TraceEvent*> repeated_steps(const Trace& trace, int thread);

}  // namespace racedemo
