// The random program generator: each thread is built as nested blocks (accesses, lock sections,
// branches), so that every lock taken is released on every path and every jump goes forward.
#include "random_programs.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "enumerator.hpp"
#include "instructions.hpp"
#include "program.hpp"

namespace reference::random_programs_detail {

using testprog::Instr;
using testprog::Program;

std::uint64_t below(std::mt19937_64& random, std::uint64_t bound) {
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const std::uint64_t accepted = max - max % bound;  // a multiple of bound: no value favoured
    for (;;) {
        const std::uint64_t value = random();
        if (value < accepted) return value % bound;
    }
}

int between(std::mt19937_64& random, int low, int high) {
    if (high <= low) return low;
    return low + static_cast<int>(below(random, static_cast<std::uint64_t>(high - low) + 1));
}

bool chance(std::mt19937_64& random, int percent) {
    return static_cast<int>(below(random, 100)) < percent;
}

template <typename T>
const T& pick(std::mt19937_64& random, const std::vector<T>& values) {
    return values[static_cast<std::size_t>(below(random, values.size()))];
}

template <typename T>
void shuffle(std::mt19937_64& random, std::vector<T>& values) {
    for (std::size_t i = values.size(); i > 1; --i) {
        std::swap(values[i - 1], values[static_cast<std::size_t>(below(random, i))]);
    }
}

// One thread under construction.
struct ThreadBuilder {
    std::mt19937_64& random;
    const Program& program;   // its objects are declared
    int budget = 0;           // steps still to spend (a section under way is always closed)
    int section_percent = 0;  // how often a block is a lock section
    std::vector<Instr> code;
    std::vector<int> read_regs;      // registers given a value read earlier
    std::vector<bool> held_mutexes;  // nested sections take other objects
    std::vector<bool> held_rwlocks;
    std::vector<Instr> channel_ops;  // its sends and recvs, in the order to place
    std::size_t placed = 0;          // of channel_ops
};

int any_reg(ThreadBuilder& b) {
    return between(b.random, 0, b.program.registers - 1);
}

testprog::Expr random_value(ThreadBuilder& b) {
    if (!b.read_regs.empty() && chance(b.random, 40)) {
        return ops::reg_plus(pick(b.random, b.read_regs), between(b.random, 0, 2));
    }
    return ops::constant(between(b.random, 1, 3));
}

void note_read(ThreadBuilder& b, int reg) {
    for (int r : b.read_regs) {
        if (r == reg) return;
    }
    b.read_regs.push_back(reg);
}

void add_access(ThreadBuilder& b) {
    const int cell = between(b.random, 0, static_cast<int>(b.program.cells.size()) - 1);
    const int kind = between(b.random, 0, 99);
    if (kind < 40) {
        const int reg = any_reg(b);
        b.code.push_back(ops::read(cell, reg));
        note_read(b, reg);
    } else if (kind < 85) {
        b.code.push_back(ops::write(cell, random_value(b)));
    } else {
        const int reg = any_reg(b);
        b.code.push_back(ops::cas(cell, between(b.random, 0, 1), random_value(b), reg));
        note_read(b, reg);
    }
    --b.budget;
}

void add_channel_op(ThreadBuilder& b) {
    Instr op = b.channel_ops[b.placed++];
    if (op.kind == testprog::Kind::send) {
        op.value = random_value(b);
    } else {
        op.reg = any_reg(b);
        note_read(b, op.reg);
    }
    b.code.push_back(op);
    --b.budget;
}

std::vector<int> free_objects(const std::vector<bool>& held) {
    std::vector<int> objects;
    for (std::size_t i = 0; i < held.size(); ++i) {
        if (!held[i]) objects.push_back(static_cast<int>(i));
    }
    return objects;
}

void add_blocks(ThreadBuilder& b, int depth, int count);  // count > 0

// lock m1; [lock m2;] body; unlocks, in either order for two (other threads may take the same
// two in the other order: a possible deadlock).
void add_mutex_section(ThreadBuilder& b, int depth) {
    std::vector<int> mutexes = free_objects(b.held_mutexes);
    shuffle(b.random, mutexes);
    const std::size_t taken = mutexes.size() >= 2 && chance(b.random, 70) ? 2 : 1;
    mutexes.resize(taken);
    for (int m : mutexes) {
        b.code.push_back(ops::lock(m));
        b.held_mutexes[static_cast<std::size_t>(m)] = true;
    }
    b.budget -= 2 * static_cast<int>(taken);
    add_blocks(b, depth + 1, between(b.random, 1, 2));
    if (taken == 2 && chance(b.random, 50)) std::swap(mutexes[0], mutexes[1]);
    for (auto it = mutexes.rbegin(); it != mutexes.rend(); ++it) {
        b.code.push_back(ops::unlock(*it));
        b.held_mutexes[static_cast<std::size_t>(*it)] = false;
    }
}

// A read section (sometimes with a recursive rlock) or a write section.
void add_rwlock_section(ThreadBuilder& b, int depth) {
    const int lock = pick(b.random, free_objects(b.held_rwlocks));
    b.held_rwlocks[static_cast<std::size_t>(lock)] = true;
    const bool write = chance(b.random, 45);
    const int depth_of_rlock = !write && chance(b.random, 35) ? 2 : 1;
    for (int i = 0; i < (write ? 1 : depth_of_rlock); ++i) {
        b.code.push_back(write ? ops::wlock(lock) : ops::rlock(lock));
    }
    b.budget -= 2 * depth_of_rlock;
    add_blocks(b, depth + 1, between(b.random, 1, 2));
    for (int i = 0; i < (write ? 1 : depth_of_rlock); ++i) {
        b.code.push_back(write ? ops::wunlock(lock) : ops::runlock(lock));
    }
    b.held_rwlocks[static_cast<std::size_t>(lock)] = false;
}

// if reg == value: skip the body. The body is balanced, so skipping it keeps every lock count.
void add_branch(ThreadBuilder& b, int depth) {
    const std::size_t jump = b.code.size();
    b.code.push_back(ops::jump_if(pick(b.random, b.read_regs), between(b.random, 0, 2), 0));
    add_blocks(b, depth + 1, between(b.random, 1, 2));
    b.code[jump].target = static_cast<int>(b.code.size());
}

void add_block(ThreadBuilder& b, int depth) {
    if (b.placed < b.channel_ops.size() && chance(b.random, 30)) {
        add_channel_op(b);
        return;
    }
    const int choice = depth >= 2 ? 99 : between(b.random, 0, 99);
    const bool has_mutex = !free_objects(b.held_mutexes).empty();
    const bool has_rwlock = !free_objects(b.held_rwlocks).empty();
    const bool section = choice < b.section_percent && (has_mutex || has_rwlock);
    if (section && (!has_rwlock || (has_mutex && chance(b.random, 40)))) {
        add_mutex_section(b, depth);
    } else if (section) {
        add_rwlock_section(b, depth);
    } else if (choice < b.section_percent + 15 && !b.read_regs.empty()) {
        add_branch(b, depth);
    } else {
        add_access(b);
    }
}

// A section's or a branch's body: its first block even when the budget is spent (an empty
// section shows nothing).
void add_blocks(ThreadBuilder& b, int depth, int count) {
    for (int i = 0; i < count && (i == 0 || b.budget > 0); ++i) add_block(b, depth);
}

struct Plan {
    std::vector<std::vector<Instr>> channel_ops;  // per thread
    std::vector<std::vector<int>> closes;         // per thread: the channels it closes at its end
};

// Each channel: one sender (1-2 sends, closing it after them or not) and 1-3 receives by the
// other threads. A send's value and a recv's register are drawn when placed.
Plan plan_channels(std::mt19937_64& random, const Program& program) {
    const int threads = static_cast<int>(program.threads.size());
    Plan plan;
    plan.channel_ops.resize(program.threads.size());
    plan.closes.resize(program.threads.size());
    for (int ch = 0; ch < static_cast<int>(program.channels.size()); ++ch) {
        const int sender = between(random, 0, threads - 1);
        const std::size_t s = static_cast<std::size_t>(sender);
        for (int i = between(random, 1, 2); i > 0; --i)
            plan.channel_ops[s].push_back(ops::send(ch, 0));
        if (chance(random, 50)) plan.closes[s].push_back(ch);
        for (int i = between(random, 1, 3); i > 0; --i) {
            const int receiver = (sender + between(random, 1, threads - 1)) % threads;
            plan.channel_ops[static_cast<std::size_t>(receiver)].push_back(ops::recv(ch, 0));
        }
    }
    for (std::vector<Instr>& list : plan.channel_ops) shuffle(random, list);
    return plan;
}

std::vector<Instr> build_thread(std::mt19937_64& random, const Program& program, const Plan& plan,
                                int thread, int budget, int section_percent) {
    const std::size_t t = static_cast<std::size_t>(thread);
    ThreadBuilder b{random, program, budget, section_percent, {}, {}, {}, {}, {}, 0};
    b.held_mutexes.assign(static_cast<std::size_t>(program.mutexes), false);
    b.held_rwlocks.assign(program.rwlocks.size(), false);
    b.channel_ops = plan.channel_ops[t];
    while (b.budget > 0) add_block(b, 0);
    while (b.placed < b.channel_ops.size()) add_channel_op(b);
    for (int ch : plan.closes[t]) b.code.push_back(ops::close(ch));
    return b.code;
}

void declare_objects(std::mt19937_64& random, const GeneratorSettings& settings, Program& program) {
    program.cells.assign(static_cast<std::size_t>(between(random, 1, settings.max_cells)), 0);
    // Deadlocks need two mutexes: the most allowed, half of the time.
    program.mutexes =
        chance(random, 50) ? settings.max_mutexes : between(random, 0, settings.max_mutexes);
    const int rwlocks = chance(random, 20) ? 0 : between(random, 1, settings.max_rwlocks);
    for (int i = std::min(rwlocks, settings.max_rwlocks); i > 0; --i) {
        program.rwlocks.push_back({chance(random, 60)});  // writer-preferring
    }
    for (int i = between(random, 0, settings.max_channels); i > 0; --i) {
        program.channels.push_back({chance(random, 50) ? 0 : between(random, 1, 2)});
    }
}

void add_corruption(std::mt19937_64& random, Program& program) {
    if (!chance(random, 35)) return;
    for (int i = between(random, 1, 2); i > 0; --i) {
        if (chance(random, 60)) {
            const int thread = between(random, 0, static_cast<int>(program.threads.size()) - 1);
            program.corrupt_when.push_back(
                {thread, between(random, 0, program.registers - 1), between(random, 0, 2)});
        } else {
            const int cell = between(random, 0, static_cast<int>(program.cells.size()) - 1);
            program.corrupt_when.push_back({-1, cell, between(random, 0, 3)});
        }
    }
}

// One draw, of threads of up to max_budget[largest] steps.
Program draw_program(std::mt19937_64& random, const GeneratorSettings& settings, int largest) {
    Program program;
    program.name = "random program";
    program.registers = 2;
    const int threads = between(random, std::max(1, settings.min_threads), settings.max_threads);
    program.threads.resize(static_cast<std::size_t>(threads));
    declare_objects(random, settings, program);
    if (threads < 2) program.channels.clear();  // a channel needs a sender and a receiver
    const Plan plan = plan_channels(random, program);
    static constexpr int max_budget[] = {1, 3, 5, 7};
    const int scale = between(random, 0, largest);
    const int section_percent = pick(random, std::vector<int>{15, 35, 60});  // the program's style
    for (int t = 0; t < threads; ++t) {
        const int budget = between(random, 1, max_budget[scale]);
        program.threads[static_cast<std::size_t>(t)] =
            build_thread(random, program, plan, t, budget, section_percent);
    }
    add_corruption(random, program);
    return program;
}

}  // namespace reference::random_programs_detail

namespace reference {

testprog::Program random_program(std::mt19937_64& random, const GeneratorSettings& settings) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
        // Smaller and smaller after draws too big: each costs max_interleavings to find out.
        const int largest = std::max(0, 3 - attempt / 3);
        testprog::Program program = random_programs_detail::draw_program(random, settings, largest);
        if (!enumerate_interleavings(program, settings.max_interleavings).truncated) return program;
    }
    throw std::runtime_error("random_program: no program within max_interleavings");
}

std::vector<testprog::Program> random_programs(std::uint64_t seed, int count,
                                               const GeneratorSettings& settings) {
    std::mt19937_64 random(seed);
    std::vector<testprog::Program> programs;
    for (int i = 0; i < count; ++i) {
        programs.push_back(random_program(random, settings));
        programs.back().name = "random seed " + std::to_string(seed) + " #" + std::to_string(i);
    }
    return programs;
}

}  // namespace reference
