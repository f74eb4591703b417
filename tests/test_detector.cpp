// --detector tsan: the report parser on a real report's text, and the detector end to end.
#include <dirent.h>
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "process.hpp"
#include "pty.hpp"
#include "real/detector.hpp"

using racedemo::parse_tsan_reports;
using racedemo::testing::fake_tsan_twin;
using racedemo::testing::run_racedemo;

namespace {

// Shaped like what ThreadSanitizer printed for the unsafe trie (paths shortened).
constexpr const char* kReport = R"(==================
WARNING: ThreadSanitizer: data race (pid=1149)
  Write of size 8 at 0x7b5000000148 by main thread:
    #0 raw_store /src/src/shared_state.hpp:183 (racedemo-tsan+0xf036a)
    #1 store /src/src/shared_state.hpp:169 (racedemo-tsan+0xf036a)
    #2 Insert /src/demos/s03_trie_race.cpp:73 (racedemo-tsan+0xf036a)
    #3 actor /src/demos/s03_trie_race.cpp:126 (racedemo-tsan+0xf036a)

  Previous read of size 8 at 0x7b5000000148 by thread T1:
    #0 bit_cast<(anonymous namespace)::Node*, long unsigned int volatile> /usr/include/c++/12/bit:87 (racedemo-tsan+0xf01e9)
    #1 raw_load /src/src/shared_state.hpp:182 (racedemo-tsan+0xf01e9)
    #2 bool racedemo::go_map::Map::Range<X<int>::Y(int)::{lambda(int, int)#1}>(int) /src/demos/s03_trie_race.cpp:69:12 (racedemo-tsan+0xf01e9)

  Location is heap block of size 480 at 0x7b5000000000 allocated by main thread:
    #0 operator new(unsigned long) tsan_new_delete.cpp:64 (libtsan.so.2+0x87323)
    #9 Node /src/demos/s03_trie_race.cpp:28 (racedemo-tsan+0xec144)

SUMMARY: ThreadSanitizer: data race /src/src/shared_state.hpp:183 in raw_store
==================
==================
WARNING: ThreadSanitizer: data race (pid=1150)
  Write of size 8 at 0x7b5000000148 by main thread:
    #2 Insert /src/demos/s03_trie_race.cpp:73 (racedemo-tsan+0xf036a)

  Previous read of size 8 at 0x7b5000000148 by thread T1:
    #3 Insert /src/demos/s03_trie_race.cpp:69 (racedemo-tsan+0xf01e9)

SUMMARY: ThreadSanitizer: data race /src/src/shared_state.hpp:183 in raw_store
==================
)";

// A lock-order inversion as ThreadSanitizer reports it (paths and frames shortened).
constexpr const char* kInversion = R"(==================
WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=2785)
  Cycle in lock order graph: M9 (0x5616e99c3100) => M10 (0x5616e99c30c0) => M9

  Mutex M10 acquired here while holding mutex M9 in main thread:
    #0 pthread_mutex_lock sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0x558e1)
    #1 std::mutex::lock() /usr/include/c++/12/bits/std_mutex.h:100 (racedemo-tsan+0x13d6)
    #2 racedemo::LockObject::acquire_as(racedemo::LockKind) /src/include/racedemo/shared_state.hpp:151 (racedemo-tsan+0x13d6)
    #3 Bank<racedemo::Mutex>::Transfer(Account&, Account&, int) /src/demos/s08_lock_order.cpp:44 (racedemo-tsan+0x13d6)
    #4 actor /src/demos/s08_lock_order.cpp:90 (racedemo-tsan+0x13d6)

    Hint: use TSAN_OPTIONS=second_deadlock_stack=1 to get more informative warning message

  Mutex M9 acquired here while holding mutex M10 in thread T1:
    #0 pthread_mutex_lock sanitizer_common_interceptors.inc:4324 (libtsan.so.2+0x558e1)
    #3 Bank<racedemo::Mutex>::Transfer(Account&, Account&, int) /src/demos/s08_lock_order.cpp:44 (racedemo-tsan+0x135c)

  Thread T1 (tid=2788, running) created by main thread at:
    #0 pthread_create tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)
    #1 Workers /src/src/real/real_runner.cpp:520 (racedemo-tsan+0x1)

SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock) in Transfer
==================
)";

}  // namespace

TEST_CASE(
    "a lock-order inversion is read to its edges: who took which mutex holding which, where") {
    const std::string twice = std::string(kInversion) + kInversion;
    auto result = parse_tsan_reports(twice, "/demos/");
    CHECK(result.lock_order_inversions == 2);
    CHECK(result.reports == 0);              // no data race
    REQUIRE(result.inversions.size() == 1);  // the same cycle twice
    CHECK(result.inversions[0].count == 2);
    REQUIRE(result.inversions[0].edges.size() == 2);
    const racedemo::LockOrderEdge& first = result.inversions[0].edges[0];
    CHECK(first.thread == "T1");  // ThreadSanitizer's main thread is racedemo's T1
    CHECK(first.acquired == "M10");
    CHECK(first.held == "M9");
    CHECK(first.location == "s08_lock_order.cpp:44");
    CHECK(first.function == "Bank::Transfer");
    const racedemo::LockOrderEdge& second = result.inversions[0].edges[1];
    CHECK(second.thread == "T2");
    CHECK(second.acquired == "M9");
    CHECK(second.held == "M10");
    CHECK(second.location == "s08_lock_order.cpp:44");
}

TEST_CASE("ThreadSanitizer reports are read down to the scenario's own source lines") {
    auto result = parse_tsan_reports(kReport, "/demos/");
    CHECK(result.reports == 2);
    REQUIRE(result.races.size() == 1);  // the same pair of lines twice
    const auto& race = result.races[0];
    CHECK(race.count == 2);
    CHECK(race.current.op == "write");
    CHECK(race.current.thread == "T1");  // the main thread is racedemo's thread 1
    CHECK(race.current.location == "s03_trie_race.cpp:73");
    CHECK(race.current.function == "Insert");
    CHECK(race.previous.op == "previous read");
    CHECK(race.previous.thread == "T2");
    CHECK(race.previous.location == "s03_trie_race.cpp:69");
    CHECK(race.previous.function == "Map::Range");
}

TEST_CASE("a lock-order inversion is counted apart from the races, and its stacks not parsed") {
    const std::string text = std::string(R"(==================
WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock) (pid=77)
  Cycle in lock order graph: M0 (0x7b0c00000010) => M1 (0x7b0c00000038) => M0

  Mutex M1 acquired here while holding mutex M0 in thread T1:
    #2 Transfer /src/demos/s08_lock_order.cpp:63 (racedemo-tsan+0x1)

SUMMARY: ThreadSanitizer: lock-order-inversion (potential deadlock) /src/demos/s08_lock_order.cpp:63
==================
)") + kReport;
    auto result = parse_tsan_reports(text, "/demos/");
    CHECK(result.lock_order_inversions == 1);
    CHECK(result.reports == 2);  // the two data races after it
    REQUIRE(result.races.size() == 1);
    CHECK(result.races[0].current.location == "s03_trie_race.cpp:73");
}

TEST_CASE("no report, no race") {
    auto result = parse_tsan_reports("", "/demos/");
    CHECK(result.reports == 0);
    CHECK(result.races.empty());
    CHECK(result.lock_order_inversions == 0);
}

#ifdef RACEDEMO_HAS_DETECTOR
TEST_CASE("--detector tsan names the race in the trie's source; the fixed trie has none") {
    // ThreadSanitizer judges by happens-before, not by luck: the two inserts of one round touch
    // root['g'] with nothing ordering them, whether or not a key is lost.
    auto unsafe = run_racedemo({"trie-race", "--detector", "tsan"});
    CHECK(unsafe.exit_code == 0);
    CHECK(unsafe.out.find("DATA RACE:") != std::string::npos);
    CHECK(unsafe.out.find("s03_trie_race.cpp:") != std::string::npos);
    auto fixed = run_racedemo({"trie-race", "--detector", "tsan", "--fixed", "--threads", "4"});
    CHECK(fixed.exit_code == 0);
    CHECK(fixed.out.find("no data race reported") != std::string::npos);
    auto expect = run_racedemo({"trie-race", "--detector", "tsan", "--fixed", "--expect", "clean"});
    CHECK(expect.exit_code == 0);
}

TEST_CASE("--detector tsan reports lock-order's inversion, with racedemo's thread numbers") {
    // The twin runs every other round with its threads one after another: no deadlock comes
    // before ThreadSanitizer has seen both orders.
    auto json_run = run_racedemo({"lock-order", "--detector", "tsan", "--json"});
    REQUIRE(json_run.exit_code == 0);
    const auto json = nlohmann::json::parse(json_run.out);
    CHECK(json["verdict"] == "deadlocked");
    CHECK(json["lock_order_inversions"].get<int>() >= 1);
    auto text = run_racedemo({"lock-order", "--detector", "tsan"});
    INFO(text.out);
    CHECK(text.out.find("LOCK-ORDER INVERSION:") != std::string::npos);
    CHECK(text.out.find("   T1 takes M") != std::string::npos);
    CHECK(text.out.find("   T2 takes M") != std::string::npos);
    CHECK(text.out.find("at s08_lock_order.cpp:") != std::string::npos);
    CHECK(text.out.find("NO RACE") == std::string::npos);
    // The fixed order: none.
    auto fixed = run_racedemo({"lock-order", "--fixed", "--detector", "tsan", "--json"});
    CHECK(nlohmann::json::parse(fixed.out)["lock_order_inversions"] == 0);
}

TEST_CASE("--detector tsan reports the dining philosophers' ring of three locks as one cycle") {
    // lock-order at 3 threads: a into b, b into c, c into a; no two locks are taken in both
    // orders, and the report must not say so.
    auto text = run_racedemo({"lock-order", "--threads", "3", "--detector", "tsan"});
    INFO(text.out);
    CHECK(text.exit_code == 0);
    for (const char* edge : {"   T1 takes M", "   T2 takes M", "   T3 takes M"})
        CHECK(text.out.find(edge) != std::string::npos);
    CHECK(text.out.find("3 locks in a ring") != std::string::npos);
    CHECK(text.out.find("both orders") == std::string::npos);
    auto fixed =
        run_racedemo({"lock-order", "--fixed", "--threads", "3", "--detector", "tsan", "--json"});
    CHECK(nlohmann::json::parse(fixed.out)["lock_order_inversions"] == 0);
}

namespace {

// A fresh directory named `name` (odd characters and all), removed with its parent at the end.
class OddDirectory {
  public:
    explicit OddDirectory(const std::string& name) {
        REQUIRE(mkdtemp(base_) != nullptr);
        path_ = std::string(base_) + "/" + name;
        REQUIRE(mkdir(path_.c_str(), 0700) == 0);
    }
    ~OddDirectory() {
        rmdir(path_.c_str());
        rmdir(base_);
    }
    const std::string& path() const { return path_; }

  private:
    char base_[40] = "/tmp/racedemo-test-tmpdir-XXXXXX";
    std::string path_;
};

}  // namespace

TEST_CASE("the detector's reports go under a TMPDIR with a space and a comma in its name") {
    const OddDirectory odd("a b,c");
    auto unsafe = run_racedemo({"trie-race", "--detector", "tsan"}, {"TMPDIR=" + odd.path()});
    INFO(unsafe.out, unsafe.err);
    CHECK(unsafe.exit_code == 0);
    CHECK(unsafe.out.find("DATA RACE:") != std::string::npos);  // the reports were found there
    CHECK(rmdir(odd.path().c_str()) == 0);                      // and removed: it is empty
}

TEST_CASE("check: a TMPDIR ThreadSanitizer cannot use is the machine's failure, in JSON too") {
    const OddDirectory odd("q'\"x");
    const std::string& quoted = odd.path();
    auto check = run_racedemo({"check", "counter", "--json"}, {"TMPDIR=" + quoted});
    INFO(check.out, check.err);
    CHECK(check.exit_code == 1);
    const auto json = nlohmann::json::parse(check.out);
    CHECK(json["passed"] == false);
    REQUIRE(json["could_not_run"].size() == 1);
    CHECK(json["could_not_run"][0]["name"] == "tsan, 2 threads");
    CHECK(json["could_not_run"][0]["detail"].get<std::string>().find("TMPDIR") !=
          std::string::npos);
    for (const auto& ran : json["checks"]) CHECK(ran["passed"] == true);  // the rest ran, clean
    auto text = run_racedemo({"check", "counter"}, {"TMPDIR=" + quoted});
    CHECK(text.exit_code == 1);
    CHECK(text.out.find("tsan, 2 threads: COULD NOT RUN") != std::string::npos);
    CHECK(text.out.find("NOT CHECKED: 3 of 3 checks passed, 1 could not run") != std::string::npos);
    CHECK(text.out.find("FAIL ") == std::string::npos);
}
#endif

TEST_CASE("a plain racedemo named as the twin is refused, never a NO RACE") {
    auto plain = run_racedemo({"counter", "--detector", "tsan", "--runs", "1"},
                              {std::string("RACEDEMO_TSAN=") + RACEDEMO_BINARY});
    CHECK(plain.exit_code == 1);
    CHECK(plain.out.find("NO RACE") == std::string::npos);
    CHECK(plain.err.find("does not come from racedemo's ThreadSanitizer build") !=
          std::string::npos);
}

TEST_CASE("--detector takes only tsan, and only in real mode") {
    CHECK(run_racedemo({"trie-race", "--detector", "helgrind"}).exit_code == 2);
    CHECK(run_racedemo({"trie-race", "--detector", "tsan", "--explore"}).exit_code == 2);
}

TEST_CASE("a detector run whose trials hung says INCOMPLETE, never NO RACE") {
    // Its --json report says both trials were killed as hung.
    const racedemo::testing::FakeTwinReport fake(
        "{\"thread_sanitizer\": true, \"runs\": 2, \"runs_requested\": 2, \"hung_runs\": 2, "
        "\"timeout_seconds\": 0.3}");
    const std::string& twin = fake.environment();
    auto cut = run_racedemo({"trie-race", "--detector", "tsan"}, {twin});
    CHECK(cut.exit_code == 0);
    CHECK(cut.out.find("NO RACE") == std::string::npos);
    CHECK(cut.out.find("INCOMPLETE: 2 of 2 runs hung and were killed after 0.3 s") !=
          std::string::npos);
    CHECK(
        run_racedemo({"trie-race", "--detector", "tsan", "--expect", "clean"}, {twin}).exit_code ==
        3);
}

TEST_CASE("a detector run whose trials deadlocked says DEADLOCKED, never NO RACE") {
    // ThreadSanitizer reports no lock held for ever (early-return's); the twin's watchdog does.
    const racedemo::testing::FakeTwinReport fake(
        "{\"thread_sanitizer\": true, \"runs\": 2, \"runs_requested\": 2, \"deadlocked_runs\": 2, "
        "\"deadlock_evidence\": \"T2 waits for mu (held by T1, which has finished)\"}");
    const std::string& twin = fake.environment();
    auto stuck = run_racedemo({"early-return", "--detector", "tsan"}, {twin});
    CHECK(stuck.exit_code == 0);
    CHECK(stuck.out.find("NO RACE") == std::string::npos);
    CHECK(
        stuck.out.find(" 2 of 2 runs deadlocked, as racedemo's watchdog found: T2 waits for mu") !=
        std::string::npos);
    CHECK(stuck.out.find("DEADLOCKED: the threads deadlocked; no data race reported") !=
          std::string::npos);
    auto json = run_racedemo({"early-return", "--detector", "tsan", "--json"}, {twin});
    const auto report = nlohmann::json::parse(json.out);
    CHECK(report["verdict"] == "deadlocked");
    CHECK(report["deadlocked_runs"] == 2);
    CHECK(run_racedemo({"early-return", "--detector", "tsan", "--expect", "clean"}, {twin})
              .exit_code == 3);
}

TEST_CASE("a detector run whose twin was killed says INCOMPLETE, never NO RACE") {
    std::string path;
    const std::string twin = fake_tsan_twin("kill -9 $$", path);
    auto killed = run_racedemo({"trie-race", "--detector", "tsan"}, {twin});
    CHECK(killed.exit_code == 0);
    CHECK(killed.out.find("NO RACE") == std::string::npos);
    CHECK(killed.out.find("INCOMPLETE: racedemo-tsan was killed by SIGKILL") != std::string::npos);
    unlink(path.c_str());
}

namespace {

// True when a process runs the program at `path` (a fake twin: its path is unique to the test).
bool runs_somewhere(const std::string& path) {
    DIR* proc = opendir("/proc");
    bool found = false;
    while (dirent* entry = proc != nullptr ? readdir(proc) : nullptr) {
        std::ifstream cmdline(std::string("/proc/") + entry->d_name + "/cmdline");
        std::string words((std::istreambuf_iterator<char>(cmdline)), {});
        found = found || words.find(path) != std::string::npos;
    }
    if (proc != nullptr) closedir(proc);
    return found;
}

bool directory_is_empty(const std::string& path) {
    DIR* directory = opendir(path.c_str());
    int entries = 0;
    while (dirent* entry = directory != nullptr ? readdir(directory) : nullptr)
        entries += std::string(entry->d_name) != "." && std::string(entry->d_name) != "..";
    if (directory != nullptr) closedir(directory);
    return entries == 0;
}

// Runs the detector on `twin_body` in a terminal, interrupts it once its progress line shows,
// and returns the session's screen; checks what every interrupted detector run must do.
std::string interrupt_detector(const std::string& twin_body, int signal) {
    std::string path;
    const std::string twin = fake_tsan_twin(twin_body, path);
    char tmp[] = "/tmp/racedemo-test-tmpdir-XXXXXX";
    REQUIRE(mkdtemp(tmp) != nullptr);
    racedemo::testing::TerminalSession session(
        {"trie-race", "--detector", "tsan", "--runs", "1000"},
        {"NO_COLOR=1", twin, std::string("TMPDIR=") + tmp});
    REQUIRE(session.read_until("ThreadSanitizer: 1000 runs"));  // the twin is running
    session.send_signal(signal);
    CHECK(session.wait_exit() == 128 + signal);
    CHECK(!runs_somewhere(path));    // the twin and its trials were ended
    CHECK(directory_is_empty(tmp));  // its report directory removed
    CHECK(session.screen().find("NO RACE") == std::string::npos);
    rmdir(tmp);
    unlink(path.c_str());
    return session.screen();
}

}  // namespace

TEST_CASE("SIGINT to a detector run is passed on to the twin, which stops with its partial count") {
    const std::string screen = interrupt_detector(
        "trap 'echo \"{\\\"thread_sanitizer\\\": true, \\\"runs\\\": 3, \\\"runs_requested\\\": "
        "1000}\"; exit 130' INT\n"
        "while :; do sleep 0.1; done",
        SIGINT);
    CHECK(screen.find("INCOMPLETE: interrupted (SIGINT) after 3 of 1000 runs") !=
          std::string::npos);
}

TEST_CASE("a twin that does not stop when told is killed, with its trials: SIGHUP, exit 129") {
    const std::string screen =
        interrupt_detector("trap '' INT HUP TERM\nwhile :; do sleep 0.1; done", SIGHUP);
    CHECK(screen.find("INCOMPLETE") != std::string::npos);
}
