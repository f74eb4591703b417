#include "real/shown_order.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

namespace racedemo {
namespace {

bool writes_value(Op op) {
    return op == Op::write || op == Op::send;
}
bool reads_value(Op op) {
    return op == Op::read || op == Op::recv;
}

// The steps by time; a thread's own steps by their place where their times tie.
std::vector<std::size_t> by_clock(const std::vector<StampedStep>& steps) {
    std::vector<std::size_t> order(steps.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return steps[a].time < steps[b].time; });
    return order;
}

// Adds to `source` (by step index: the index of the write it must follow, or -1) the reads that
// `order` shows before the write they read; returns how many it added.
int find_sources(const std::vector<StampedStep>& steps, const std::vector<std::size_t>& order,
                 std::uint64_t skew, std::vector<int>& source) {
    std::map<std::pair<const void*, std::uint64_t>, std::vector<std::size_t>> writes;
    std::vector<std::size_t> position(steps.size());
    for (std::size_t at = 0; at < order.size(); ++at) {
        position[order[at]] = at;
        const StampedStep& step = steps[order[at]];
        if (writes_value(step.op)) writes[{step.object, step.bits}].push_back(order[at]);
    }
    int added = 0;
    for (std::size_t at = 0; at < order.size(); ++at) {
        const std::size_t index = order[at];
        const StampedStep& read = steps[index];
        if (!reads_value(read.op) || source[index] >= 0) continue;
        const auto found = writes.find({read.object, read.bits});
        if (found == writes.end() || position[found->second.front()] < at) continue;
        for (std::size_t write : found->second) {
            const StampedStep& written = steps[write];
            if (written.thread == read.thread || written.time > read.time + skew) continue;
            source[index] = static_cast<int>(write);
            ++added;
            break;
        }
    }
    return added;
}

// Each thread's steps (indices), in the order it took them.
std::vector<std::vector<std::size_t>> program_order(const std::vector<StampedStep>& steps,
                                                    std::size_t threads) {
    std::vector<std::vector<std::size_t>> program(threads);
    for (std::size_t index = 0; index < steps.size(); ++index)
        program[steps[index].thread].push_back(index);
    for (auto& own : program)
        std::stable_sort(own.begin(), own.end(), [&](std::size_t a, std::size_t b) {
            return steps[a].local < steps[b].local;
        });
    return program;
}

// The next step to show: of the threads' next steps whose write, if they must follow one, is
// shown already, the first in `rank` (the clocks' order); -1 when there is none.
int next_shown(const std::vector<std::vector<std::size_t>>& program,
               const std::vector<std::size_t>& next, const std::vector<int>& source,
               const std::vector<char>& shown, const std::vector<std::size_t>& rank) {
    int best = -1;
    for (std::size_t t = 0; t < program.size(); ++t) {
        if (next[t] == program[t].size()) continue;
        const std::size_t candidate = program[t][next[t]];
        const int after = source[candidate];
        if (after >= 0 && !shown[static_cast<std::size_t>(after)]) continue;
        if (best < 0 || rank[candidate] < rank[static_cast<std::size_t>(best)])
            best = static_cast<int>(candidate);
    }
    return best;
}

// An order keeping each thread's own and `source`; empty when there is none.
std::vector<std::size_t> merge(const std::vector<StampedStep>& steps,
                               const std::vector<std::vector<std::size_t>>& program,
                               const std::vector<int>& source,
                               const std::vector<std::size_t>& rank) {
    std::vector<std::size_t> next(program.size(), 0);
    std::vector<char> shown(source.size(), 0);
    std::vector<std::size_t> order;
    order.reserve(source.size());
    while (order.size() < source.size()) {
        const int best = next_shown(program, next, source, shown, rank);
        if (best < 0) return {};
        shown[static_cast<std::size_t>(best)] = 1;
        order.push_back(static_cast<std::size_t>(best));
        ++next[steps[static_cast<std::size_t>(best)].thread];
    }
    return order;
}

}  // namespace

// Moving a read can put another read before its write: the sources are looked for again in the
// order made, until none is missing (or, after a few rounds, the order is given up on).
ShownOrder shown_order(const std::vector<StampedStep>& steps, std::size_t threads,
                       std::uint64_t skew) {
    ShownOrder result;
    const std::vector<std::size_t> clock = by_clock(steps);
    std::vector<std::size_t> rank(steps.size());
    for (std::size_t at = 0; at < clock.size(); ++at) rank[clock[at]] = at;
    const std::vector<std::vector<std::size_t>> program = program_order(steps, threads);
    std::vector<int> source(steps.size(), -1);
    result.order = merge(steps, program, source, rank);  // each thread's own order first
    for (int pass = 0; pass < 8; ++pass) {
        if (find_sources(steps, result.order, skew, source) == 0) {
            result.moved.assign(steps.size(), 0);
            for (std::size_t index = 0; index < steps.size(); ++index) {
                result.moved[index] = source[index] >= 0;
                result.reads_moved += source[index] >= 0;
            }
            return result;
        }
        result.order = merge(steps, program, source, rank);
        if (result.order.empty()) break;
    }
    result.order = clock;
    result.moved.assign(steps.size(), 0);
    result.consistent = false;
    return result;
}

}  // namespace racedemo
