// Real-mode tracing and the text reports built from traces.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "cli/model_replay.hpp"
#include "cli/request.hpp"
#include "cli/terminal.hpp"
#include "core/sanitizers.hpp"
#include "core/trace.hpp"
#include "present/report.hpp"
#include "present/run_report.hpp"
#include "present/text.hpp"
#include "racedemo/bench.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "real/real_trace.hpp"

using namespace racedemo;

namespace {

int lines_in(const std::string& text) {
    int lines = 0;
    for (char c : text) lines += c == '\n';
    return lines;
}

TraceEvent step(int number, int thread, Op op, std::string target, std::string value,
                std::uint64_t object, std::string operation) {
    TraceEvent event;
    event.step = number;
    event.thread = thread;
    event.op = op;
    event.target = std::move(target);
    event.value = std::move(value);
    event.object = object;
    event.operation = std::move(operation);
    event.operation_index = 1;
    return event;
}

// A mutex that says when an attempt to take it found it taken: the test holds it until then.
class RefusingLock final : public LockObject {
  public:
    using LockObject::LockObject;
    void lock() { acquire_as(LockKind::exclusive); }
    void unlock() { release_as(LockKind::exclusive); }
    void native_acquire(LockKind) override { native_.lock(); }
    bool native_try_acquire(LockKind) override {
        const bool taken = native_.try_lock();
        if (!taken) refused.store(true);
        return taken;
    }
    void native_release(LockKind) override { native_.unlock(); }

    std::atomic<bool> refused{false};

  private:
    std::mutex native_;
};

}  // namespace

// The ThreadSanitizer build takes a traced lock without a try first (real_trace.cpp: a lock taken
// by a try gets no lock-order edge there), so it records no waits.
#if !defined(RACEDEMO_TSAN)
TEST_CASE("a real thread that finds its lock taken records a wait, then the acquisition") {
    RoundRecorder recorder(2);
    RefusingLock mu{"mx"};
    mu.native_acquire(LockKind::exclusive);  // held here until thread 2 has found it taken
    std::thread second([&] {
        RuntimeScope scope(recorder.runtime_for(1));
        mu.lock();
        mu.unlock();
    });
    while (!mu.refused.load()) std::this_thread::yield();
    mu.native_release(LockKind::exclusive);
    second.join();
    Trace trace = recorder.collect(100, 100);
    REQUIRE(trace.events.size() == 3);
    CHECK(trace.events[0].thread == 2);
    CHECK(trace.events[0].op == Op::lock);
    CHECK(trace.events[0].waits);
    CHECK_FALSE(trace.events[1].waits);
    CHECK(trace.events[1].op == Op::lock);
    CHECK(trace.events[2].op == Op::unlock);
    const std::string text = render_swimlanes(trace, Style(false));
    CAPTURE(text);
    CHECK(text.find("lock mx: waits\n") != std::string::npos);
}
#endif

TEST_CASE("a thread's recorded steps come back in order, named, valued and labelled") {
    RoundRecorder recorder(2);
    Shared<int> len{"len", 0};
    Mutex mu{"mx"};
    {
        RuntimeScope scope(recorder.runtime_for(0));
        note("Push({})", 7);
        mu.lock();
        len.store(len.load() + 1);
        mu.unlock();
    }
    CHECK(len.peek() == 1);
    Trace trace = recorder.collect(100, 100);
    REQUIRE(trace.events.size() == 4);
    CHECK(trace.events[0].op == Op::lock);
    CHECK(trace.events[0].target == "mx");
    CHECK(trace.events[1].op == Op::read);
    CHECK(trace.events[1].value == "0");
    CHECK(trace.events[2].op == Op::write);
    CHECK(trace.events[2].value == "1");
    CHECK(trace.events[3].op == Op::unlock);
    for (int index = 0; index < 4; ++index) {
        CHECK(trace.events[static_cast<std::size_t>(index)].step == index + 1);
        CHECK(trace.events[static_cast<std::size_t>(index)].thread == 1);
        CHECK(trace.events[static_cast<std::size_t>(index)].operation == "Push(7)");
    }
    CHECK(trace.lanes[0] == "Push(7)");
}

TEST_CASE("a lost update recorded by two threads is found and the window is cut around it") {
    RoundRecorder recorder(2);
    Shared<int> x{"x", 0};
    // The interleaving is forced by running the threads' steps one after another here.
    int first_read = 0, second_read = 0;
    {
        RuntimeScope scope(recorder.runtime_for(0));
        first_read = x.load();
    }
    {
        RuntimeScope scope(recorder.runtime_for(1));
        second_read = x.load();
        x.store(second_read + 1);
    }
    {
        RuntimeScope scope(recorder.runtime_for(0));
        x.store(first_read + 1);
        for (int i = 0; i < 10; ++i) x.load();  // later steps that the window cuts off
    }
    Trace trace = recorder.collect(1, 1);
    // From T1's read that the damage rests on (step 1), through the damage, to 1 step after.
    REQUIRE(trace.events.size() == 5);
    CHECK(trace.events[0].step == 1);
    CHECK(trace.events[3].step == 4);
    CHECK(trace.events[3].thread == 1);
    CHECK(racedemo::damage_note(trace.events[3].damage).find("overwrites 1 written by T2") !=
          std::string::npos);
    CHECK(trace.events[4].step == 5);

    recorder.clear();
    CHECK(recorder.collect(10, 10).events.empty());
}

TEST_CASE("a half-done write seen long before it is finished: the window keeps the damage") {
    // Go's map check in small: T1 sets a flag, works, clears it, all one operation; T2 reads
    // the flag while it is set. The flag is cleared long after, past the steps shown.
    RoundRecorder recorder(2);
    Shared<int> flags{"m.flags", 0};
    Shared<int> slot{"slot", 0};
    {
        RuntimeScope scope(recorder.runtime_for(0));
        note("m[1] = 1");
        flags.store(1);
    }
    {
        RuntimeScope scope(recorder.runtime_for(1));
        note("range m");
        CHECK(flags.load() == 1);
        for (int i = 0; i < 5; ++i) slot.load();
    }
    {
        RuntimeScope scope(recorder.runtime_for(0));
        for (int i = 0; i < 60; ++i) slot.store(i);
        flags.store(0);  // step 68: the end of T1's operation
    }
    const Trace trace = recorder.collect(1, 1);
    const TraceEvent* damage = first_damage(trace);
    REQUIRE(damage != nullptr);
    CHECK(damage->step == 2);
    CHECK(damage->thread == 2);
    CHECK(damage->damage.kind == DamageKind::half_done_read);
    CHECK(damage->damage.replaced_step == 68);
    CHECK(trace.events.back().step < 68);  // the window stops well short of it...
    // ...and says so, rather than cite a step the reader looks for in vain.
    CHECK(damage_note(damage->damage) ==
          "sees T1's m[1] = 1 half-done: it wrote 1 at step 1 and replaces it at step 68 (after "
          "those shown)");
}

TEST_CASE("no runtime: shared cells are plain memory and nothing is recorded") {
    Shared<int> x{"x", 5};
    x.store(x.load() * 2);
    CHECK(x.peek() == 10);
    Shared<bool> flag{"flag", false};
    flag.store(true);
    CHECK(flag.load());
}

TEST_CASE("swimlanes: one column per thread, steps numbered, damage marked") {
    Trace trace;
    trace.lanes = {"insert(\"go\")", "insert(\"git\")"};
    trace.events = {step(1, 1, Op::read, "root['g']", "nil", 1, "insert(\"go\")"),
                    step(2, 2, Op::read, "root['g']", "nil", 1, "insert(\"git\")"),
                    step(3, 2, Op::write, "root['g']", "n1", 1, "insert(\"git\")"),
                    step(4, 1, Op::write, "root['g']", "n2", 1, "insert(\"go\")")};
    trace.events[3].damage = racedemo::Damage{racedemo::DamageKind::lost_update, 2, 3, "n1"};
    std::string text = render_swimlanes(trace, Style(false));
    CHECK(text.find("T1 insert(\"go\")") != std::string::npos);
    CHECK(text.find("T2 insert(\"git\")") != std::string::npos);
    CHECK(text.find("    1  read  root['g'] -> nil") != std::string::npos);
    // Thread 2's steps sit in the second column.
    auto second = text.find("    3  ");
    REQUIRE(second != std::string::npos);
    CHECK(text.find("write root['g'] <- n1", second) > second + 20);
    CHECK(text.find("! overwrites n1 written by T2 at step 3") != std::string::npos);
    CHECK(lines_in(text) == 6);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(render_swimlanes(trace, Style(true)).find('\x1b') != std::string::npos);
}

TEST_CASE("swimlanes fit 80 columns, and many threads fall back to one tagged column") {
    Trace trace;
    for (int thread = 1; thread <= 5; ++thread)
        trace.events.push_back(step(thread, thread, Op::write,
                                    "a-rather-long-target-name[12345].value", "n123456", 9, "op"));
    std::string text = render_swimlanes(trace, Style(false));
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        std::string line = text.substr(start, end - start);
        std::size_t columns = 0;
        for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
        CHECK(columns <= 80);
        start = end + 1;
    }
    CHECK(text.find("T5 write") != std::string::npos);
}

TEST_CASE("an indexed name is formatted when it is asked for, a plain one is kept") {
    Shared<int> slot{ObjectName::indexed("t{}[{}].key", 3, 47), -1};
    Shared<int> entry{ObjectName::indexed("entries[{}]", 5)};
    Shared<int> count{"m.count", 0};
    CHECK(slot.name() == "t3[47].key");
    CHECK(entry.name() == "entries[5]");
    CHECK(count.name() == "m.count");
}

TEST_CASE("a --bench table names each row's winner, ties within 10%, and where each lock wins") {
    const RunHeader header{find_scenario("rwmutex-cache"), Variant::unsafe, Mode::real, 2};
    BenchSettings settings;
    settings.repetitions = 5;
    settings.warmup_seconds_per_sample = 0.03;
    settings.seconds_per_sample = 0.03;
    BenchTable table;
    table.title = "ns per operation";
    table.parameters = {"threads", "read_pct"};
    table.variants = {"mutex", "shared_mutex", "unsync"};
    table.reference = {"unsync"};
    table.rows = {
        {{2, 100}, {400.0, 100.0, 90.0}},  // shared_mutex 4x faster
        {{2, 50}, {50.0, 100.0, 20.0}},    // shared_mutex 2x slower
        {{1, 90}, {100.0, 105.0, 80.0}},   // within 10%: a tie
        {{4, 99}, {100.0, 80.0, 60.0}},    // shared_mutex 1.25x faster
    };
    // Drawn for a wide screen: each sentence checked below stays on one line.
    const std::string text = render_bench(header, settings, table, Style(false, 120));
    CHECK(text.find("median of 5 samples of 30 ms per cell, each after 30 ms of warm-up") !=
          std::string::npos);
    CHECK(text.find("shared_mutex  4.00x ████████████") != std::string::npos);
    CHECK(text.find("mutex         2.00x ██████") != std::string::npos);
    CHECK(text.find("tie           1.05x") != std::string::npos);
    CHECK(text.find("Where it loses: shared_mutex loses to mutex in 1 of 4 rows; at worst it is "
                    "2.0x slower (threads 2, read_pct 50).") != std::string::npos);
    CHECK(text.find("Where it wins: shared_mutex beats mutex in 2 of 4 rows; at best it is 4.0x "
                    "faster (threads 2, read_pct 100).") != std::string::npos);
    CHECK(text.find("Ties: 1 of 4 rows") != std::string::npos);

    const nlohmann::json json = bench_json(header, settings, table);
    REQUIRE(json["bench"].size() == 4);
    CHECK(json["bench"][0]["winner"] == "shared_mutex");
    CHECK(json["bench"][1]["winner"] == "mutex");
    CHECK(json["bench"][2]["winner"] == "tie");
    CHECK(json["bench"][3]["winner"] == "shared_mutex");
    CHECK(json["bench"][1]["shared_mutex_ns"] == 100.0);
    CHECK(json["bench"][1]["read_pct"] == 50);
    CHECK(json["bench_warmup_ms"] == 30.0);
    CHECK(json["bench_sample_ms"] == 30.0);
}

TEST_CASE("a bench winner is named only beyond the noise, of every variant that takes part") {
    const RunHeader header{find_scenario("job-queue"), Variant::unsafe, Mode::real, 2};
    BenchSettings settings;
    BenchTable table;
    table.title = "ns per job";
    table.parameters = {"workers"};
    table.variants = {"channel", "mutex", "atomic"};  // none for reference: all three contend
    table.rows = {
        // The atomic wins by 3x, its samples apart from both others'.
        {{1}, {80.0, 7.8, 2.6}, {78.0, 7.0, 2.5}, {82.0, 9.0, 2.8}},
        // The atomic's median leads the mutex's by 3.6%: a tie.
        {{2}, {76.0, 29.0, 28.0}, {70.0, 27.0, 26.0}, {80.0, 31.0, 30.0}},
        // A 25% lead of the medians, but a fast mutex sample beats a slow atomic one: a tie.
        {{4}, {100.0, 50.0, 40.0}, {95.0, 39.0, 38.0}, {105.0, 60.0, 44.0}},
    };
    const nlohmann::json json = bench_json(header, settings, table);
    CHECK(json["bench"][0]["winner"] == "atomic");
    CHECK(json["bench"][1]["winner"] == "tie");
    CHECK(json["bench"][2]["winner"] == "tie");
    CHECK(json["bench"][2]["mutex_range_ns"] == nlohmann::json::array({39.0, 60.0}));
    const std::string text = render_bench(header, settings, table, Style(false));
    INFO(text);
    CHECK(text.find("atomic        3.00x") != std::string::npos);
    CHECK(text.find("its slowest sample\n beats the others' fastest; else a tie") !=
          std::string::npos);
    // The lesson's pair (channel, mutex): the mutex beats the channel in every row.
    CHECK(text.find("Where it wins: mutex beats channel in 3 of 3 rows") != std::string::npos);
}

namespace {

// A table as a bench of the scenario's shape fills it, and the lines render_bench draws for it:
// the column names, then one line a row.
struct DrawnTable {
    const char* scenario;
    BenchTable table;
    std::vector<std::string> lines;
};

std::vector<DrawnTable> drawn_tables() {
    DrawnTable cache{"rwmutex-cache", {}, {}};
    cache.table.title = "Get/Set on the cache: nanoseconds per operation, all threads together";
    cache.table.parameters = {"threads", "read_pct", "work_ns"};
    cache.table.variants = {"mutex", "shared_mutex", "unsync"};
    cache.table.reference = {"unsync"};
    cache.table.rows = {{{1, 50, 0}, {67.7, 39.2, 27.4}},            // shared_mutex wins, 1.73x
                        {{4, 99, 1000}, {1056.0, 1063.9, 1048.8}}};  // a tie
    cache.lines = {
        "   threads read_pct  work_ns        mutex shared_mutex       unsync  winner",
        "         1       50        0         67.7         39.2         27.4  shared_mutex  1.73x "
        "█████",
        "         4       99     1000       1056.0       1063.9       1048.8  tie           1.01x"};
    DrawnTable jobs{"job-queue", {}, {}};
    jobs.table.title = "handing out jobs to workers: nanoseconds per job";
    jobs.table.parameters = {"workers"};
    jobs.table.variants = {"channel", "mutex", "atomic"};
    jobs.table.sample = "100000 jobs each, the whole run timed";
    jobs.table.rows = {{{2}, {342.0, 26.5, 4.9}}};  // the atomic wins by 5.4x: the longest bar
    jobs.lines = {"   workers      channel        mutex       atomic  winner",
                  "         2        342.0         26.5          4.9  atomic        5.41x "
                  "████████████"};
    return {cache, jobs};
}

}  // namespace

TEST_CASE("a --bench table keeps each row on one line at any width; only its words are fitted") {
    for (DrawnTable& drawn : drawn_tables()) {
        CAPTURE(drawn.scenario);
        drawn.table.cut_short = true;
        const RunHeader header{find_scenario(drawn.scenario), Variant::unsafe, Mode::real, 2};
        const RunReport report{header, BenchReport{BenchSettings{}, drawn.table}, 0, true};
        for (const int width : {40, 60, 80}) {
            CAPTURE(width);
            const std::string text = render_report(report, ReportForm{false, false, width});
            INFO(text);
            std::vector<std::string> table_lines;
            std::size_t start = 0;
            while (start < text.size()) {
                const std::size_t end = text.find('\n', start);
                const std::string line = text.substr(start, end - start);
                // The words around the table are fitted to the width, as every report's are.
                if (std::find(drawn.lines.begin(), drawn.lines.end(), line) != drawn.lines.end())
                    table_lines.push_back(line);
                else
                    CHECK(text::columns(line) <= static_cast<std::size_t>(width));
                start = end + 1;
            }
            CHECK(table_lines == drawn.lines);
        }
    }
}

TEST_CASE("the observed order of a real window becomes a model schedule prefix") {
    // Real threads T3 and T5 (of 8): T3 reads, T5 reads and writes, T3 writes over it. Earlier
    // steps of T3's previous operation are not part of the damage.
    Trace trace;
    trace.events = {step(40, 3, Op::write, "hits", "7", 1, "Hit()"),
                    step(41, 3, Op::read, "hits", "7", 1, "Hit()"),
                    step(42, 5, Op::read, "hits", "7", 1, "Hit()"),
                    step(43, 5, Op::write, "hits", "8", 1, "Hit()"),
                    step(44, 3, Op::write, "hits", "8", 1, "Hit()")};
    trace.events[0].operation_index = 1;  // T3's previous Hit()
    for (std::size_t i = 1; i < trace.events.size(); ++i) trace.events[i].operation_index = 2;
    REQUIRE(mark_damage(trace) == 44);
    const ObservedOrder order = observed_order(trace);
    CHECK(order.schedule == std::vector<int>{1, 2, 2, 1});
    CHECK(order.threads == 2);
    CHECK(order.kind == DamageKind::lost_update);
    // No damage marked: nothing to follow.
    Trace clean;
    clean.events = {step(1, 1, Op::read, "hits", "0", 1, "Hit()")};
    CHECK(observed_order(clean).schedule.empty());
}

TEST_CASE("each kind of damage is worded by its rule, from its facts") {
    using racedemo::Damage;
    CHECK(damage_note(Damage{DamageKind::lost_update, 2, 3, "1"}) ==
          "overwrites 1 written by T2 at step 3");
    CHECK(damage_note(Damage{DamageKind::lost_write, 1, 2, "101"}) ==
          "overwrites 101 written by T1 at step 2, unread");
    CHECK(damage_note(Damage{DamageKind::stale_write, 2, 3, "\"bob\"", "count", 1, 1, 5}) ==
          "overwrites \"bob\" written by T2 at step 3: the count T1 read at step 1 was changed "
          "at step 5");
    Damage half_done{DamageKind::half_done_read, 1, 2, "1"};
    half_done.replaced_step = 5;
    CHECK(damage_note(half_done) ==
          "sees T1's operation half-done: it wrote 1 at step 2 and replaces it at step 5");
    half_done.other_operation = "m[2] = 2";
    CHECK(damage_note(half_done) ==
          "sees T1's m[2] = 2 half-done: it wrote 1 at step 2 and replaces it at step 5");
    Damage undone{DamageKind::lost_update, 2, 3, "1", "hits", 1, 1, 3};
    CHECK(damage_note(undone) ==
          "overwrites 1 written by T2 at step 3: the hits T1 read at step 1 was changed at "
          "step 3");
    CHECK(damage_note(Damage{}).empty());
}

TEST_CASE("a real run's order says what it keeps, and its exact model replay follows") {
    RealResult result;
    result.runs_requested = result.runs_done = 1;
    result.corrupted_runs = 1;
    result.first_corrupt_run = 1;
    result.first_corruption_ms = 1.5;
    result.outcomes.add("lost updates");
    TrialResult first;
    first.outcome = Outcome{"lost updates", true, "counted 3 of 4 hits: 1 lost"};
    first.rounds = 1;
    first.trace = Trace{};
    first.trace->events = {step(1, 1, Op::read, "hits", "0", 1, "Hit()"),
                           step(2, 2, Op::read, "hits", "0", 1, "Hit()")};
    result.first_bad = first;
    const ModelReplay replay{"racedemo counter --mode model --threads 2 --schedule 1,2,2,1", true,
                             true, true, "counted 1 of 2 hits: 1 lost"};
    const RunHeader header{find_scenario("counter"), Variant::unsafe, Mode::real, 2,
                           RWPolicy::writer_preferring};
    RealReport real{RealOptions{}, result, replay};
    real.variant = Variant::unsafe;
    std::string text = render_real(header, real, Style(false));
    // No step is marked as the damage: the trace is not said to be around it.
    CHECK(text.find("observed order of the steps around it") == std::string::npos);
    CHECK(text.find("observed order of the round's last recorded steps; none of them is") !=
          std::string::npos);
    CHECK(text.find("each thread's steps in its own order, each read after the write it") !=
          std::string::npos);
    CHECK(text.find("placed after the write") == std::string::npos);
    real.result.first_bad->trace->events[1].damage =
        racedemo::Damage{racedemo::DamageKind::lost_update, 1, 1, "0"};
    real.result.first_bad->trace->reads_moved = 2;
    text = render_real(header, real, Style(false));
    CHECK(text.find("observed order of the steps around it (real threads:") != std::string::npos);
    CHECK(text.find("2 reads placed after the write whose value they returned (the cores'") !=
          std::string::npos);
    real.result.first_bad->trace->order_inconsistent = true;
    text = render_real(header, real, Style(false));
    CHECK(text.find("no order of these steps agrees with every value read") != std::string::npos);
    CHECK(text.find("model replay: the same interleaving in the model (threads renumbered") !=
          std::string::npos);
    CHECK(text.find("   racedemo counter --mode model --threads 2 --schedule 1,2,2,1\n") !=
          std::string::npos);
}

namespace {

// Locked increments: no schedule of the model corrupts it, whatever a real run reported.
class LockedCount final : public Trial {
  public:
    explicit LockedCount(const TrialConfig&) {}
    void actor(int) override {
        mu_.lock();
        count_.store(count_.load() + 1);
        mu_.unlock();
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex mu_{"mu"};
    Shared<int> count_{"count"};
};

}  // namespace

TEST_CASE("a real corruption no schedule of the model has is said to lie outside the model") {
    Scenario scenario;
    scenario.number = 901;
    scenario.name = "locked-count";
    scenario.unsafe = make_trial<LockedCount>;
    scenario.fixed = make_trial<LockedCount>;
    RunRequest request = default_run(scenario);
    request.threads = 2;
    TrialResult first;  // as a machine that reorders memory could report it
    first.outcome = Outcome{"lost updates", true, "counted 1 of 2"};
    first.trace = Trace{};
    const std::optional<ModelReplay> replay = find_model_replay(request, first, Terminal{});
    REQUIRE(replay);
    CHECK(replay->none_in_model);
    CHECK(replay->searched_threads == 2);
    CHECK(replay->command.find("--explore") != std::string::npos);

    RealResult result;
    result.runs_requested = result.runs_done = result.corrupted_runs = 1;
    result.first_corrupt_run = 1;
    result.first_corruption_ms = 2.0;
    result.outcomes.add("lost updates");
    result.first_bad = first;
    RealReport real{RealOptions{}, result, replay};
    real.variant = Variant::unsafe;
    const RunHeader header{&scenario, Variant::unsafe, Mode::real, 2, RWPolicy::writer_preferring};
    const std::string text = render_real(header, real, Style(false, 200));
    INFO(text);
    CHECK(text.find("model replay: no schedule corrupts: a complete search at 2 threads, under "
                    "sequential consistency") != std::string::npos);
    CHECK(text.find("it reordered memory (a core's store held in its store buffer") !=
          std::string::npos);
}
