// Reduction::reads_from (state caching) and the estimate of a cut search: the reduced search
// must reach exactly the outcomes that full enumeration (or DPOR) reaches.
//
// Under the sanitizers: the model scheduler runs fibers on one OS thread, so ThreadSanitizer has
// nothing to report here, and its memory grows with every execution explored
// (tests/sanitizers/tsan_check.sh): the large searches are skipped in that build. The stack at 4
// threads (about 2.5 million executions, some 20 s in a release build) is skipped under
// AddressSanitizer as well, where it takes minutes; the smaller searches still run there.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <array>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/sanitizers.hpp"
#include "engine/model.hpp"
#include "pinned_exploration.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "test_scale.hpp"

namespace {

using racedemo::ModelOptions;
using racedemo::ModelResult;
using racedemo::Reduction;
using racedemo::Scenario;
using racedemo::Variant;

#if defined(RACEDEMO_TSAN)
constexpr bool under_tsan = true;
#else
constexpr bool under_tsan = false;
#endif
#if defined(RACEDEMO_TSAN) || defined(RACEDEMO_ASAN)
constexpr bool under_sanitizer = true;
#else
constexpr bool under_sanitizer = false;
#endif

ModelResult explore(const Scenario& scenario, Variant variant, int threads, Reduction reduction,
                    std::uint64_t budget = 1'000'000) {
    ModelOptions options;
    options.strategy = racedemo::Strategy::explore;
    options.reduction = reduction;
    options.budget = budget;
    racedemo::TrialConfig config{.threads = threads, .model = true};
    return racedemo::run_model(scenario, variant, config, options);
}

template <typename Outcomes>
std::set<std::string> labels(const Outcomes& outcomes) {
    std::set<std::string> out;
    for (const auto& [label, count] : outcomes) out.insert(label);
    return out;
}

// The pinned reference for a scenario: full enumeration where it is pinned, else DPOR.
const PinnedExploration* reference_row(std::string_view name, Variant variant, int threads) {
    const PinnedExploration* found = nullptr;
    for (const PinnedExploration& row : pinned()) {
        if (row.scenario != name || row.variant != variant || row.threads != threads) continue;
        if (found == nullptr || row.reduction == Reduction::none) found = &row;
    }
    return found;
}

// ---- Random programs -----------------------------------------------------------------------

enum class Kind { read, write, read_address, write_address, locked, nested, read_locked, branch };
constexpr int kinds = 8;
struct Instruction {
    Kind kind = Kind::read;
    int cell = 0;
    int lock = 0;
};
using Program = std::vector<std::vector<Instruction>>;  // per thread

Program program;  // what RandomTrial runs (a TrialFactory is a plain function)

// Threads read and write three int cells and one address cell, under two mutexes (taken in
// either order: deadlocks happen) and a RW lock, and branch on what they read. The outcome's
// label names every final value and every thread's local state.
class RandomTrial final : public racedemo::Trial {
  public:
    explicit RandomTrial(const racedemo::TrialConfig& config)
        : locals_(static_cast<std::size_t>(config.threads), 1) {}
    void actor(int thread) override {
        for (const Instruction& instruction : program[static_cast<std::size_t>(thread)])
            run(thread, instruction);
    }
    racedemo::Outcome arbiter() override {
        const std::string state = fmt::format(
            "x={},{},{} p={} t={}", cells_[0].peek(), cells_[1].peek(), cells_[2].peek(),
            address_.peek() == &targets_[0] ? 0 : 1, fmt::join(locals_, ","));
        return racedemo::Outcome::corrupt(state, state);
    }

  private:
    void run(int thread, const Instruction& op) {
        int& local = locals_[static_cast<std::size_t>(thread)];
        racedemo::Shared<int>& cell = cells_[static_cast<std::size_t>(op.cell)];
        racedemo::Mutex& mutex = mutexes_[static_cast<std::size_t>(op.lock)];
        racedemo::Mutex& other = mutexes_[static_cast<std::size_t>(1 - op.lock)];
        switch (op.kind) {
            case Kind::read:
                local = (local * 3 + cell.load()) % 1000;
                break;
            case Kind::write:
                cell.store(local % 7 + thread);
                break;
            case Kind::read_address:
                local += address_.load() == &targets_[1] ? 5 : 1;
                break;
            case Kind::write_address:
                address_.store(&targets_[static_cast<std::size_t>((local + thread) % 2)]);
                break;
            case Kind::locked:
                mutex.lock();
                cell.store(cell.load() + local % 3 + 1);
                mutex.unlock();
                break;
            case Kind::nested:
                mutex.lock();
                other.lock();
                cell.store(local % 4);
                other.unlock();
                mutex.unlock();
                break;
            case Kind::read_locked:
                rw_.lock_shared();
                local = (local * 2 + cell.load()) % 1000;
                rw_.unlock_shared();
                break;
            case Kind::branch:
                if (cell.load() % 2 == 0) {
                    rw_.lock();
                    cell.store(local % 5);
                    rw_.unlock();
                }
                break;
        }
    }

    std::vector<int> locals_;
    std::array<int, 2> targets_{};
    std::array<racedemo::Shared<int>, 3> cells_{racedemo::Shared<int>{"x0", 0},
                                                racedemo::Shared<int>{"x1", 1},
                                                racedemo::Shared<int>{"x2", 2}};
    racedemo::Shared<const void*> address_{"p", &targets_[0]};
    std::array<racedemo::Mutex, 2> mutexes_{racedemo::Mutex{"m0"}, racedemo::Mutex{"m1"}};
    racedemo::RWMutex rw_{"rw"};
};

Program random_program(std::mt19937& random, int threads) {
    Program result(static_cast<std::size_t>(threads));
    for (auto& code : result) {
        const int length = (result.size() == 2 ? 2 : 1) + static_cast<int>(random() % 3);
        for (int i = 0; i < length; ++i) {
            code.push_back(Instruction{static_cast<Kind>(random() % kinds),
                                       static_cast<int>(random() % 3),
                                       static_cast<int>(random() % 2)});
        }
    }
    return result;
}

}  // namespace

TEST_CASE("reads-from reaches the pinned outcomes of every scenario at 2 and 3 threads" *
          doctest::skip(under_tsan)) {
    std::uint64_t pinned_schedules = 0, reduced_schedules = 0;
    for (const Scenario* scenario : racedemo::scenarios()) {
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            if (scenario->effective(variant) != variant) continue;
            for (int threads : {2, 3}) {
                CAPTURE(scenario->name);
                CAPTURE(variant == Variant::fixed);
                CAPTURE(threads);
                const PinnedExploration* reference =
                    reference_row(scenario->name, variant, threads);
                REQUIRE(reference != nullptr);
                const ModelResult reduced =
                    explore(*scenario, variant, threads, Reduction::reads_from);
                CHECK(reduced.complete);
                CHECK(!reduced.estimate);
                CHECK(labels(reduced.outcomes) == labels(reference->outcomes));
                CHECK((reduced.schedules_corrupt > 0) == (reference->corrupt > 0));
                CHECK(reduced.executions >= reduced.schedules_explored);
                // The shown run is a shortest corrupting one, as the pinned search's (the
                // bounded DPOR searches after the cached one see to it).
                CHECK(reduced.shortest_schedule.value_or(std::vector<int>{}).size() ==
                      reference->shortest_steps);
                pinned_schedules += reference->schedules;
                reduced_schedules += reduced.schedules_explored;
            }
        }
    }
    MESSAGE(pinned_schedules << " schedules pinned, " << reduced_schedules << " with reads-from");
}

TEST_CASE("reads-from finds every final state of random small programs" *
          doctest::skip(under_tsan)) {
    Scenario scenario;
    scenario.number = 901;
    scenario.name = "random";
    scenario.fixed = racedemo::make_trial<RandomTrial>;
    std::mt19937 random(2026);
    std::uint64_t all = 0, reduced_total = 0;
    const int rounds = racedemo::testing::scaled(150, 30);
    for (int round = 0; round < rounds; ++round) {
        const int threads = 2 + round % 2;
        program = random_program(random, threads);
        CAPTURE(round);
        ModelResult full = explore(scenario, Variant::fixed, threads, Reduction::none, 20'000);
        // A rare large one: DPOR (checked against full enumeration in test_model.cpp) instead.
        if (!full.complete) full = explore(scenario, Variant::fixed, threads, Reduction::dpor);
        const ModelResult reduced =
            explore(scenario, Variant::fixed, threads, Reduction::reads_from);
        REQUIRE(full.complete);
        CHECK(reduced.complete);
        CHECK(labels(reduced.outcomes) == labels(full.outcomes));
        all += full.schedules_explored;
        reduced_total += reduced.schedules_explored;
    }
    MESSAGE(all << " schedules without reduction, " << reduced_total << " with reads-from");
    CHECK(reduced_total < all);
}

TEST_CASE("the stack at 4 threads completes within 2,000,000 schedules with reads-from" *
          doctest::skip(under_sanitizer)) {
    const Scenario* stack = racedemo::find_scenario("stack");
    REQUIRE(stack != nullptr);
    const ModelResult result =
        explore(*stack, Variant::unsafe, 4, Reduction::reads_from, 2'000'000);
    CHECK(result.complete);
    CHECK(!result.estimate);
    CHECK(result.schedules_corrupt > 0);
    CHECK(result.executions > result.schedules_explored);  // cut at states explored before
}

TEST_CASE(
    "auto is the default; under a preemption bound reads-from searches as dpor, and says so") {
    CHECK(ModelOptions{}.reduction == Reduction::automatic);
    const Scenario* counter = racedemo::find_scenario("counter");
    REQUIRE(counter != nullptr);
    ModelOptions options;
    options.strategy = racedemo::Strategy::explore;
    options.preemption_bound = 1;
    racedemo::TrialConfig config{.threads = 3, .model = true};
    options.reduction = Reduction::reads_from;
    const ModelResult reads_from = racedemo::run_model(*counter, Variant::unsafe, config, options);
    options.reduction = Reduction::dpor;
    const ModelResult dpor = racedemo::run_model(*counter, Variant::unsafe, config, options);
    CHECK(reads_from.schedules_explored == dpor.schedules_explored);
    CHECK(reads_from.outcomes == dpor.outcomes);
    CHECK(reads_from.shortest_schedule == dpor.shortest_schedule);
    CHECK(reads_from.reduction == Reduction::dpor);  // what ran, for the report to say
    options.reduction = Reduction::automatic;
    const ModelResult automatic = racedemo::run_model(*counter, Variant::unsafe, config, options);
    CHECK(automatic.reduction == Reduction::dpor);
    CHECK(automatic.other_executions == 0);  // one search: the bound leaves reads-from out
    CHECK(automatic.schedules_explored == dpor.schedules_explored);
    // Cut by the bound: not complete, so an estimate of the unbounded search.
    CHECK(!reads_from.complete);
    REQUIRE(reads_from.estimate);
    CHECK(reads_from.estimate->schedules >= static_cast<double>(reads_from.schedules_explored));
}

TEST_CASE("a search cut at half its size estimates its full size within a factor of 3") {
    const Scenario* counter = racedemo::find_scenario("counter");
    REQUIRE(counter != nullptr);
    for (Reduction reduction : {Reduction::none, Reduction::dpor, Reduction::reads_from}) {
        for (int threads : {3, 4}) {
            CAPTURE(static_cast<int>(reduction));
            CAPTURE(threads);
            const ModelResult full = explore(*counter, Variant::unsafe, threads, reduction);
            REQUIRE(full.complete);
            CHECK(!full.estimate);
            if (full.schedules_explored < 4) continue;  // too small to cut in half
            const ModelResult half =
                explore(*counter, Variant::unsafe, threads, reduction, full.schedules_explored / 2);
            CHECK(!half.complete);
            REQUIRE(half.estimate);
            const double truth = static_cast<double>(full.schedules_explored);
            MESSAGE(threads << " threads: " << truth << " schedules, estimated "
                            << half.estimate->schedules);
            CHECK(half.estimate->schedules >= truth / 3);
            CHECK(half.estimate->schedules <= truth * 3);
            CHECK(half.estimate->seconds >= 0);
        }
    }
}
