// The reference enumerator: an interpreter of program.hpp's semantics and two searches over it.
//
// Why the lexicographic-normal-form pruning of enumerate_traces is sound here. Anisimov and
// Knuth's theorem counts one word per trace among all words; it counts one *execution* per trace
// when the executable words are closed under swapping adjacent independent letters (and the
// swapped word ends in the same state). That holds when (1) two independent letters change
// disjoint parts of the state (or both only read a cell), and (2) whether a letter can step
// depends only on the state of its own object and of its own thread(s), so an independent letter
// can neither enable nor disable it. Letter by letter:
//  - cells, mutexes and buffered channels: plainly so.
//  - reader/writer locks: rlock depends on the lock's writer and its count of queued writers;
//    wlock on its writer and readers; the writer's queueing step on the lock's writer and readers
//    and on its own thread's "queued" flag, which only that thread's steps change. The queueing
//    step changes the lock's count of queued writers (which rlock reads), so it is dependent with
//    every operation of the same lock, as program.hpp says, and independent of everything else.
//    A queued writer whose lock is freed takes it by its wlock step, which the unlock (same lock,
//    dependent) enabled. So (1) and (2) hold.
//  - unbuffered channels: a receiver that finds the channel open and no hand-off under way first
//    takes a step to queue (the channel counts its queued receivers; the thread's "queued" flag
//    only its own steps change), and a send can step only while the channel has a queued
//    receiver: a condition on the channel, so (2) holds. But nothing may step between the send
//    and its recv, so a hand-off is one letter, the pair (sender, queued receiver): it belongs to
//    both threads (dependent with every letter of either) and touches the channel, and no letter
//    can be pruned into the middle of a hand-off. A send or recv on a closed channel is a letter
//    of one thread, and a channel never reopens.
// Same-thread letters are dependent, so letters compared by the pruning (independent ones) never
// share a thread, and ordering them by their (first) thread is a total order on what is compared.
//
// The plain lex-normal search also visits prefixes that lead to no complete normal word: after a
// letter b, a smaller independent letter a stays pruned until some letter dependent with a steps,
// and when none ever does, every continuation ends with a still enabled: none completes. With many
// independent threads those dead prefixes are exponentially many (indexer), so enumerate_traces
// also cuts a prefix as soon as a pruned letter can never be woken: no other thread can reach,
// in its code from where it stands (both ways of every jump), an instruction touching that
// letter's object in a dependent way. That only removes prefixes of no complete normal word, so
// the numbers stay those of the plain search (enumerate_traces_without_cutoff, which the tests
// compare). It is as sharp as the code is: a thread whose code could touch many cells (a long
// unrolled probe loop) keeps many dead prefixes alive.
#include "enumerator.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <vector>

#include "program.hpp"

namespace reference::enumerator_detail {

using testprog::Instr;
using testprog::Kind;
using testprog::Program;

// ---------------------------------------------------------------------------------------------
// The objects an instruction touches.

enum class ObjectClass { none, cell, mutex, rwlock, channel };

ObjectClass object_class(Kind kind) {
    switch (kind) {
        case Kind::read:
        case Kind::write:
        case Kind::cas:
            return ObjectClass::cell;
        case Kind::lock:
        case Kind::unlock:
            return ObjectClass::mutex;
        case Kind::rlock:
        case Kind::runlock:
        case Kind::wlock:
        case Kind::wunlock:
            return ObjectClass::rwlock;
        case Kind::send:
        case Kind::recv:
        case Kind::close:
            return ObjectClass::channel;
        case Kind::jump_if:
            return ObjectClass::none;
    }
    return ObjectClass::none;
}

// What one step touches: a cell (read or written) or a synchronisation object.
struct Access {
    ObjectClass object_class = ObjectClass::none;
    int object = 0;
    bool writes = false;  // cells only: write and cas write (cas even when it fails)
};

Access access_of(const Instr& instr) {
    return {object_class(instr.kind), instr.object,
            instr.kind == Kind::write || instr.kind == Kind::cas};
}

// Two steps of different threads are dependent when this holds.
bool conflicting(const Access& a, const Access& b) {
    if (a.object_class != b.object_class || a.object != b.object) return false;
    if (a.object_class == ObjectClass::cell) return a.writes || b.writes;
    return a.object_class != ObjectClass::none;
}

// ---------------------------------------------------------------------------------------------
// A malformed program is refused before anything runs.

int object_count(const Program& program, ObjectClass object_class) {
    switch (object_class) {
        case ObjectClass::cell:
            return static_cast<int>(program.cells.size());
        case ObjectClass::mutex:
            return program.mutexes;
        case ObjectClass::rwlock:
            return static_cast<int>(program.rwlocks.size());
        case ObjectClass::channel:
            return static_cast<int>(program.channels.size());
        case ObjectClass::none:
            return 0;
    }
    return 0;
}

bool names_register(Kind kind) {
    return kind == Kind::read || kind == Kind::cas || kind == Kind::recv || kind == Kind::jump_if;
}

bool has_value(Kind kind) {
    return kind == Kind::write || kind == Kind::cas || kind == Kind::send;
}

void validate_instr(const Program& program, const Instr& instr, std::size_t size) {
    const auto in_range = [](int value, int count) { return value >= 0 && value < count; };
    const ObjectClass object_class = enumerator_detail::object_class(instr.kind);
    if (object_class != ObjectClass::none &&
        !in_range(instr.object, object_count(program, object_class))) {
        throw std::invalid_argument("an instruction names an object that does not exist");
    }
    if (names_register(instr.kind) && !in_range(instr.reg, program.registers)) {
        throw std::invalid_argument("an instruction names a register that does not exist");
    }
    if (has_value(instr.kind) && instr.value.reg >= 0 &&
        !in_range(instr.value.reg, program.registers)) {
        throw std::invalid_argument("a value names a register that does not exist");
    }
    if (instr.kind == Kind::jump_if && !in_range(instr.target, static_cast<int>(size) + 1)) {
        throw std::invalid_argument("a jump_if targets an instruction that does not exist");
    }
}

void validate(const Program& program) {
    if (program.registers < 0 || program.mutexes < 0) {
        throw std::invalid_argument("a negative count of registers or mutexes");
    }
    for (const testprog::ChannelDecl& channel : program.channels) {
        if (channel.capacity < 0) throw std::invalid_argument("a negative channel capacity");
    }
    for (const std::vector<Instr>& code : program.threads) {
        for (const Instr& instr : code) validate_instr(program, instr, code.size());
    }
}

// ---------------------------------------------------------------------------------------------
// The state of an execution, and one step of it.

struct RWLockState {
    int writer = -1;  // the thread holding it for writing
    int readers = 0;
    int queued = 0;  // writers queued (writer-preferring only)
};

struct ChannelState {
    std::vector<int> items;  // buffered values, oldest first
    bool closed = false;
    int waiting = 0;  // unbuffered: receivers that took their step to queue
};

struct State {
    std::vector<int> pc;        // per thread; the code's size once finished
    std::vector<char> queued;   // per thread: queued on the rwlock of its wlock
    std::vector<char> waiting;  // per thread: queued on the unbuffered channel of its recv
    std::vector<int> regs;      // thread t's register r at t * registers + r
    std::vector<int> cells;
    std::vector<int> mutex_owner;  // -1: free
    std::vector<RWLockState> rwlocks;
    std::vector<ChannelState> channels;
    int handoff_channel = -1;  // an unbuffered send waits for its recv: nothing else can step
    int handoff_sender = -1;
    int handoff_value = 0;
};

int thread_count(const Program& program) {
    return static_cast<int>(program.threads.size());
}

int code_size(const Program& program, int thread) {
    return static_cast<int>(program.threads[static_cast<std::size_t>(thread)].size());
}

bool finished(const Program& program, const State& state, int thread) {
    return state.pc[static_cast<std::size_t>(thread)] >= code_size(program, thread);
}

bool all_finished(const Program& program, const State& state) {
    for (int t = 0; t < thread_count(program); ++t) {
        if (!finished(program, state, t)) return false;
    }
    return true;
}

// The instruction in front of an unfinished thread.
const Instr& current(const Program& program, const State& state, int thread) {
    const std::size_t t = static_cast<std::size_t>(thread);
    return program.threads[t][static_cast<std::size_t>(state.pc[t])];
}

int& reg(const Program& program, State& state, int thread, int index) {
    return state.regs[static_cast<std::size_t>(thread * program.registers + index)];
}

int eval(const Program& program, State& state, int thread, const testprog::Expr& expr) {
    return (expr.reg >= 0 ? reg(program, state, thread, expr.reg) : 0) + expr.constant;
}

// Runs the thread's jumps (local: no step) up to its next step or its end.
void settle(const Program& program, State& state, int thread) {
    const int size = code_size(program, thread);
    int& pc = state.pc[static_cast<std::size_t>(thread)];
    for (int jumps = 0; pc < size && current(program, state, thread).kind == Kind::jump_if;
         ++jumps) {
        // Jumps do not change registers: more jumps than instructions is a loop for ever.
        if (jumps > size) throw std::invalid_argument("a loop of jump_if that takes no step");
        const Instr& jump = current(program, state, thread);
        pc = reg(program, state, thread, jump.reg) == jump.expected ? jump.target : pc + 1;
    }
}

State initial_state(const Program& program) {
    validate(program);
    const std::size_t threads = program.threads.size();
    State state;
    state.pc.assign(threads, 0);
    state.queued.assign(threads, 0);
    state.waiting.assign(threads, 0);
    state.regs.assign(threads * static_cast<std::size_t>(program.registers), 0);
    state.cells = program.cells;
    state.mutex_owner.assign(static_cast<std::size_t>(program.mutexes), -1);
    state.rwlocks.resize(program.rwlocks.size());
    state.channels.resize(program.channels.size());
    for (int t = 0; t < thread_count(program); ++t) settle(program, state, t);
    return state;
}

RWLockState& rwlock(State& state, int object) {
    return state.rwlocks[static_cast<std::size_t>(object)];
}
const RWLockState& rwlock(const State& state, int object) {
    return state.rwlocks[static_cast<std::size_t>(object)];
}
ChannelState& channel(State& state, int object) {
    return state.channels[static_cast<std::size_t>(object)];
}
const ChannelState& channel(const State& state, int object) {
    return state.channels[static_cast<std::size_t>(object)];
}
int capacity(const Program& program, int object) {
    return program.channels[static_cast<std::size_t>(object)].capacity;
}
bool writer_preferring(const Program& program, int object) {
    return program.rwlocks[static_cast<std::size_t>(object)].writer_preferring;
}

bool in_front_of_recv(const Program& program, const State& state, int thread, int object) {
    if (finished(program, state, thread)) return false;
    const Instr& instr = current(program, state, thread);
    return instr.kind == Kind::recv && instr.object == object;
}

// A receiver that took its step to queue on the unbuffered channel `object`.
bool queued_receiver(const Program& program, const State& state, int thread, int object) {
    return state.waiting[static_cast<std::size_t>(thread)] != 0 &&
           in_front_of_recv(program, state, thread, object);
}

bool wlock_free(const State& state, int object) {
    return rwlock(state, object).writer < 0 && rwlock(state, object).readers == 0;
}

// A wlock that cannot take its lock is, under writer preference, the step that queues; so is a
// recv of an open unbuffered channel outside a hand-off, by a thread not queued yet.
bool is_queue_step(const Program& program, const State& state, int thread) {
    const Instr& instr = current(program, state, thread);
    if (instr.kind == Kind::wlock) return !wlock_free(state, instr.object);
    return instr.kind == Kind::recv && capacity(program, instr.object) == 0 &&
           !channel(state, instr.object).closed && state.handoff_channel != instr.object &&
           state.waiting[static_cast<std::size_t>(thread)] == 0;
}

bool send_enabled(const Program& program, const State& state, int thread, int object) {
    const ChannelState& ch = channel(state, object);
    if (ch.closed) return true;  // the thread panics
    const int cap = capacity(program, object);
    if (cap > 0) return static_cast<int>(ch.items.size()) < cap;
    (void)thread;
    return ch.waiting > 0;
}

// Outside a hand-off: a buffered recv needs a value; an unbuffered one can queue, once.
bool recv_enabled(const Program& program, const State& state, int thread, int object) {
    const ChannelState& ch = channel(state, object);
    if (ch.closed) return true;
    if (capacity(program, object) > 0) return !ch.items.empty();
    return state.waiting[static_cast<std::size_t>(thread)] == 0;
}

// Whether the thread's step can be taken, outside a hand-off. A thread has at most one step at a
// time: its instruction, or the queueing step of a wlock it cannot take.
bool step_enabled(const Program& program, const State& state, int thread) {
    if (finished(program, state, thread)) return false;
    const Instr& instr = current(program, state, thread);
    const int object = instr.object;
    switch (instr.kind) {
        case Kind::lock:
            return state.mutex_owner[static_cast<std::size_t>(object)] < 0;
        case Kind::rlock:
            return rwlock(state, object).writer < 0 &&
                   !(writer_preferring(program, object) && rwlock(state, object).queued > 0);
        case Kind::wlock:
            return wlock_free(state, object) ||
                   (writer_preferring(program, object) &&
                    state.queued[static_cast<std::size_t>(thread)] == 0);
        case Kind::send:
            return send_enabled(program, state, thread, object);
        case Kind::recv:
            return recv_enabled(program, state, thread, object);
        default:
            return true;
    }
}

bool receives_handoff(const Program& program, const State& state, int thread) {
    return thread != state.handoff_sender &&
           queued_receiver(program, state, thread, state.handoff_channel);
}

// The threads that can step now, each of which has exactly one step.
std::vector<int> enabled_threads(const Program& program, const State& state) {
    std::vector<int> threads;
    for (int t = 0; t < thread_count(program); ++t) {
        const bool enabled = state.handoff_channel >= 0 ? receives_handoff(program, state, t)
                                                        : step_enabled(program, state, t);
        if (enabled) threads.push_back(t);
    }
    return threads;
}

void execute_cell_step(const Program& program, State& state, int thread, const Instr& instr) {
    int& cell = state.cells[static_cast<std::size_t>(instr.object)];
    if (instr.kind == Kind::read) {
        reg(program, state, thread, instr.reg) = cell;
    } else if (instr.kind == Kind::write) {
        cell = eval(program, state, thread, instr.value);
    } else {  // cas: the value is computed before its register is overwritten
        const int value = eval(program, state, thread, instr.value);
        const bool success = cell == instr.expected;
        if (success) cell = value;
        reg(program, state, thread, instr.reg) = success ? 1 : 0;
    }
}

// Returns whether the thread moves past the instruction (a queueing step does not).
bool execute_lock_step(State& state, int thread, const Instr& instr) {
    const std::size_t t = static_cast<std::size_t>(thread);
    RWLockState* rw =
        object_class(instr.kind) == ObjectClass::rwlock ? &rwlock(state, instr.object) : nullptr;
    switch (instr.kind) {
        case Kind::lock:
            state.mutex_owner[static_cast<std::size_t>(instr.object)] = thread;
            break;
        case Kind::unlock:
            state.mutex_owner[static_cast<std::size_t>(instr.object)] = -1;
            break;
        case Kind::rlock:
            ++rw->readers;
            break;
        case Kind::runlock:
            rw->readers = std::max(0, rw->readers - 1);
            break;
        case Kind::wunlock:
            rw->writer = -1;
            break;
        case Kind::wlock:
            if (!wlock_free(state, instr.object)) {  // the queueing step
                state.queued[t] = 1;
                ++rw->queued;
                return false;
            }
            rw->writer = thread;
            if (state.queued[t] != 0) --rw->queued;
            state.queued[t] = 0;
            break;
        default:
            break;
    }
    return true;
}

// A receiver no longer queued: it got its value, or found the channel closed.
void leave_queue(State& state, int thread, ChannelState& ch) {
    char& waiting = state.waiting[static_cast<std::size_t>(thread)];
    if (waiting == 0) return;
    waiting = 0;
    --ch.waiting;
}

// Returns whether the thread moves past the instruction (a send on a closed channel ends it; a
// receiver's queueing step leaves it in front of its recv).
bool execute_channel_step(const Program& program, State& state, int thread, const Instr& instr) {
    ChannelState& ch = channel(state, instr.object);
    if (is_queue_step(program, state, thread)) {
        state.waiting[static_cast<std::size_t>(thread)] = 1;
        ++ch.waiting;
        return false;
    }
    if (instr.kind == Kind::close) {
        ch.closed = true;
    } else if (instr.kind == Kind::send) {
        if (ch.closed) {  // a panic: the thread stops here, its registers as they are
            state.pc[static_cast<std::size_t>(thread)] = code_size(program, thread);
            return false;
        }
        const int value = eval(program, state, thread, instr.value);
        if (capacity(program, instr.object) > 0) {
            ch.items.push_back(value);
        } else {
            state.handoff_channel = instr.object;
            state.handoff_sender = thread;
            state.handoff_value = value;
        }
    } else if (state.handoff_channel == instr.object) {  // the recv half of a hand-off
        reg(program, state, thread, instr.reg) = state.handoff_value;
        state.handoff_channel = -1;
        state.handoff_sender = -1;
        leave_queue(state, thread, ch);
    } else if (!ch.items.empty()) {
        reg(program, state, thread, instr.reg) = ch.items.front();
        ch.items.erase(ch.items.begin());
    } else {  // closed and empty
        reg(program, state, thread, instr.reg) = -1;
        leave_queue(state, thread, ch);
    }
    return true;
}

// Takes the thread's one enabled step.
void execute(const Program& program, State& state, int thread) {
    const Instr& instr = current(program, state, thread);
    bool moves = true;
    switch (object_class(instr.kind)) {
        case ObjectClass::cell:
            execute_cell_step(program, state, thread, instr);
            break;
        case ObjectClass::mutex:
        case ObjectClass::rwlock:
            moves = execute_lock_step(state, thread, instr);
            break;
        case ObjectClass::channel:
            moves = execute_channel_step(program, state, thread, instr);
            break;
        case ObjectClass::none:
            break;
    }
    if (!moves) return;
    ++state.pc[static_cast<std::size_t>(thread)];
    settle(program, state, thread);
}

std::vector<std::vector<int>> registers_by_thread(const Program& program, const State& state) {
    std::vector<std::vector<int>> registers;
    const auto width = static_cast<std::ptrdiff_t>(program.registers);
    for (int t = 0; t < thread_count(program); ++t) {
        const auto first = state.regs.begin() + t * width;
        registers.emplace_back(first, first + width);
    }
    return registers;
}

// Counts a complete execution (one interleaving, or one trace) into `result`, and into
// `finished_count` when it finished.
void count_outcome(const Program& program, const State& state, std::uint64_t& finished_count,
                   Enumeration& result) {
    if (!all_finished(program, state)) {
        ++result.outcomes[testprog::deadlock_label];
        return;
    }
    ++finished_count;
    const std::vector<std::vector<int>> registers = registers_by_thread(program, state);
    ++result.outcomes[testprog::outcome_label(registers, state.cells)];
    if (testprog::is_corrupt(program, registers, state.cells)) ++result.corrupt;
}

// ---------------------------------------------------------------------------------------------
// enumerate_interleavings: every interleaving, and the trace of each by a canonical key.

struct Event {
    int thread = 0;
    int pc = 0;
    bool queue = false;  // a queueing step: a writer's (at its wlock), a receiver's (its recv)
    Access access;
};

void append_number(std::string& key, int number) {
    const auto value = static_cast<std::uint32_t>(number);
    for (int shift = 0; shift < 32; shift += 8) key.push_back(static_cast<char>(value >> shift));
}

// Two executions are in the same trace iff they have the same events (each thread's sequence of
// steps) and order every dependent pair of events alike: the key says exactly that, listing the
// events thread by thread, then the order of each dependent pair, pairs taken in that listing's
// order.
std::string trace_key(const std::vector<Event>& events) {
    std::vector<std::size_t> listing(events.size());  // indices into events, thread by thread
    std::iota(listing.begin(), listing.end(), std::size_t{0});
    std::stable_sort(listing.begin(), listing.end(), [&](std::size_t a, std::size_t b) {
        return events[a].thread < events[b].thread;
    });
    std::string key;
    key.reserve(events.size() * (8 + events.size()));
    for (std::size_t i : listing) {
        append_number(key, events[i].thread);
        append_number(key, events[i].pc * 2 + (events[i].queue ? 1 : 0));
    }
    for (std::size_t a = 0; a < listing.size(); ++a) {
        const Event& first = events[listing[a]];
        for (std::size_t b = a + 1; b < listing.size(); ++b) {
            const Event& second = events[listing[b]];
            if (first.thread != second.thread && conflicting(first.access, second.access)) {
                key.push_back(listing[a] < listing[b] ? '<' : '>');
            }
        }
    }
    return key;
}

class InterleavingSearch {
  public:
    InterleavingSearch(const Program& program, std::uint64_t limit)
        : program_(program), limit_(limit) {}

    Enumeration run() {
        explore(initial_state(program_));
        result_.traces = finished_keys_.size();
        result_.deadlock_traces = deadlock_keys_.size();
        return result_;
    }

  private:
    void explore(const State& state) {
        const std::vector<int> threads = enabled_threads(program_, state);
        if (threads.empty()) {
            record(state);
            return;
        }
        for (int t : threads) {
            if (result_.truncated) return;
            events_.push_back({t, state.pc[static_cast<std::size_t>(t)],
                               is_queue_step(program_, state, t),
                               access_of(current(program_, state, t))});
            State next = state;
            execute(program_, next, t);
            explore(next);
            events_.pop_back();
        }
    }

    void record(const State& state) {
        if (result_.interleavings >= limit_) {
            result_.truncated = true;
            return;
        }
        ++result_.interleavings;
        std::string key = trace_key(events_);
        if (all_finished(program_, state)) {
            finished_keys_.insert(std::move(key));
        } else {
            ++result_.deadlocked;
            deadlock_keys_.insert(std::move(key));
        }
        count_outcome(program_, state, result_.finished, result_);
    }

    const Program& program_;
    const std::uint64_t limit_;
    Enumeration result_;
    std::vector<Event> events_;  // the current execution so far
    std::unordered_set<std::string> finished_keys_;
    std::unordered_set<std::string> deadlock_keys_;
};

// ---------------------------------------------------------------------------------------------
// enumerate_traces: one execution per trace, the lexicographically least.

// A letter: one step, or a whole hand-off (the send and its recv, see the top of the file).
struct Letter {
    int thread = 0;    // the thread that steps; the sender of a hand-off
    int partner = -1;  // the receiver of a hand-off
    Access access;
};

bool shares_thread(const Letter& a, const Letter& b) {
    const auto in = [](int thread, const Letter& letter) {
        return thread == letter.thread || (thread >= 0 && thread == letter.partner);
    };
    return in(a.thread, b) || in(a.partner, b);
}

bool dependent(const Letter& a, const Letter& b) {
    return shares_thread(a, b) || conflicting(a.access, b.access);
}

// The order of letters: by thread (independent letters never share one), then by partner.
bool precedes(const Letter& a, const Letter& b) {
    return a.thread != b.thread ? a.thread < b.thread : a.partner < b.partner;
}

bool is_handoff_send(const Program& program, const State& state, const Instr& instr) {
    return instr.kind == Kind::send && capacity(program, instr.object) == 0 &&
           !channel(state, instr.object).closed;
}

std::vector<Letter> enabled_letters(const Program& program, const State& state) {
    std::vector<Letter> letters;
    for (int t = 0; t < thread_count(program); ++t) {
        if (!step_enabled(program, state, t)) continue;
        const Instr& instr = current(program, state, t);
        if (!is_handoff_send(program, state, instr)) {
            letters.push_back({t, -1, access_of(instr)});
            continue;
        }
        for (int u = 0; u < thread_count(program); ++u) {  // each receiver is its own branch
            if (u != t && queued_receiver(program, state, u, instr.object)) {
                letters.push_back({t, u, access_of(instr)});
            }
        }
    }
    return letters;
}

void take_letter(const Program& program, State& state, const Letter& letter) {
    execute(program, state, letter.thread);
    if (letter.partner >= 0) execute(program, state, letter.partner);
}

// Whether word·next is in lexicographic normal form, given that the word is: no factor b u next
// with next < b, next independent of b and of all of u. Only the suffix of the word independent
// of `next` can hold such a b.
bool extends_normal_form(const std::vector<Letter>& word, const Letter& next) {
    for (auto it = word.rbegin(); it != word.rend(); ++it) {
        if (dependent(*it, next)) return true;
        if (precedes(next, *it)) return false;
    }
    return true;
}

// What a thread may still touch from an instruction on, whatever the values (both ways of every
// jump_if): a static over-approximation of its future.
struct Footprint {
    std::vector<bool> reads;   // cells
    std::vector<bool> writes;  // cells
    std::vector<bool> syncs;   // mutexes, then rwlocks, then channels
};

std::size_t sync_index(const Program& program, const Access& access) {
    std::size_t index = static_cast<std::size_t>(access.object);
    if (access.object_class == ObjectClass::mutex) return index;
    index += static_cast<std::size_t>(program.mutexes);
    if (access.object_class == ObjectClass::rwlock) return index;
    return index + program.rwlocks.size();
}

void mark(const Program& program, const Instr& instr, Footprint& footprint) {
    const Access access = access_of(instr);
    if (access.object_class == ObjectClass::none) return;
    const std::size_t object = static_cast<std::size_t>(access.object);
    if (access.object_class != ObjectClass::cell) {
        footprint.syncs[sync_index(program, access)] = true;
    } else if (access.writes) {
        footprint.writes[object] = true;
    } else {
        footprint.reads[object] = true;
    }
}

Footprint footprint_from(const Program& program, int thread, int start) {
    const std::vector<Instr>& code = program.threads[static_cast<std::size_t>(thread)];
    Footprint footprint;
    footprint.reads.assign(program.cells.size(), false);
    footprint.writes.assign(program.cells.size(), false);
    footprint.syncs.assign(static_cast<std::size_t>(program.mutexes) + program.rwlocks.size() +
                               program.channels.size(),
                           false);
    std::vector<bool> seen(code.size() + 1, false);
    std::vector<int> pending{start};
    while (!pending.empty()) {
        const int pc = pending.back();
        pending.pop_back();
        if (pc >= static_cast<int>(code.size()) || seen[static_cast<std::size_t>(pc)]) continue;
        seen[static_cast<std::size_t>(pc)] = true;
        const Instr& instr = code[static_cast<std::size_t>(pc)];
        mark(program, instr, footprint);
        pending.push_back(pc + 1);
        if (instr.kind == Kind::jump_if) pending.push_back(instr.target);
    }
    return footprint;
}

class TraceSearch {
  public:
    TraceSearch(const Program& program, std::uint64_t limit, bool cutoff)
        : program_(program), limit_(limit), cutoff_(cutoff) {}

    Enumeration run() {
        const State initial = initial_state(program_);
        if (cutoff_) {
            for (int t = 0; t < thread_count(program_); ++t) {
                footprints_.emplace_back();
                for (int pc = 0; pc <= code_size(program_, t); ++pc) {
                    footprints_.back().push_back(footprint_from(program_, t, pc));
                }
            }
        }
        explore(initial);
        return result_;
    }

  private:
    void explore(const State& state) {
        const std::vector<Letter> letters = enabled_letters(program_, state);
        if (letters.empty()) {
            if (spend_leaf()) count_trace(state);
            return;
        }
        std::vector<Letter> normal;
        std::vector<Letter> pruned;
        for (const Letter& letter : letters) {
            (extends_normal_form(word_, letter) ? normal : pruned).push_back(letter);
        }
        if (normal.empty() || (cutoff_ && hopeless(state, pruned))) {
            spend_leaf();  // a prefix of no complete normal word
            return;
        }
        for (const Letter& letter : normal) {
            if (result_.truncated) return;
            State next = state;
            take_letter(program_, next, letter);
            word_.push_back(letter);
            explore(next);
            word_.pop_back();
        }
    }

    bool spend_leaf() {
        if (leaves_ >= limit_) {
            result_.truncated = true;
            return false;
        }
        ++leaves_;
        return true;
    }

    void count_trace(const State& state) {
        if (!all_finished(program_, state)) ++result_.deadlock_traces;
        count_outcome(program_, state, result_.traces, result_);
    }

    // The cutoff (see the top of the file). A pruned letter stays enabled and pruned until a
    // letter dependent with it steps: one of a thread other than the pruned letter's own, touching
    // its object. The letter's own thread(s) stay put meanwhile, and their other possible letters
    // (another receiver of the hand-off, the wlock of a queueing writer) need such a step first.
    bool hopeless(const State& state, const std::vector<Letter>& pruned) const {
        for (const Letter& letter : pruned) {
            if (!wakeable(state, letter)) return true;
        }
        return false;
    }

    bool wakeable(const State& state, const Letter& letter) const {
        const Access& access = letter.access;
        for (int v = 0; v < thread_count(program_); ++v) {
            if (v == letter.thread || v == letter.partner || finished(program_, state, v)) continue;
            const std::size_t pc = static_cast<std::size_t>(state.pc[static_cast<std::size_t>(v)]);
            const Footprint& future = footprints_[static_cast<std::size_t>(v)][pc];
            const std::size_t object = static_cast<std::size_t>(access.object);
            if (access.object_class != ObjectClass::cell) {
                if (future.syncs[sync_index(program_, access)]) return true;
            } else if (future.writes[object] || (access.writes && future.reads[object])) {
                return true;
            }
        }
        return false;
    }

    const Program& program_;
    const std::uint64_t limit_;
    const bool cutoff_;
    Enumeration result_;
    std::uint64_t leaves_ = 0;
    std::vector<Letter> word_;                        // the current prefix, in normal form
    std::vector<std::vector<Footprint>> footprints_;  // [thread][pc]
};

}  // namespace reference::enumerator_detail

namespace reference {

Enumeration enumerate_interleavings(const testprog::Program& program, std::uint64_t limit) {
    return enumerator_detail::InterleavingSearch(program, limit).run();
}

Enumeration enumerate_traces(const testprog::Program& program, std::uint64_t limit) {
    return enumerator_detail::TraceSearch(program, limit, true).run();
}

Enumeration enumerator_detail::enumerate_traces_without_cutoff(const testprog::Program& program,
                                                               std::uint64_t limit) {
    return TraceSearch(program, limit, false).run();
}

}  // namespace reference
