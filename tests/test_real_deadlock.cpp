// Real mode's deadlocks: the lock board that names them, and the watchdog that ends them.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/wait.h>

#include <atomic>
#include <cerrno>
#include <mutex>
#include <set>
#include <string>

#include "core/names.hpp"
#include "core/trace.hpp"
#include "present/waits.hpp"
#include "racedemo/channel.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"
#include "real/lock_board.hpp"
#include "real/real_runner.hpp"
#include "test_trials.hpp"

using namespace racedemo;

namespace {

struct SharedBoard {
    LockBoard* board = LockBoard::create_shared();
    ~SharedBoard() { LockBoard::destroy_shared(board); }
};

// A thread's lock operations on the board, as BoardWatcher writes them.
void hold(LockBoard& board, int thread, const LockObject& lock,
          LockKind kind = LockKind::exclusive) {
    board.waiting(thread, lock, kind);
    board.acquired(thread, lock, kind);
}

}  // namespace

TEST_CASE("the lock board names a cycle of waits, and only a cycle that cannot move") {
    SharedBoard shared;
    REQUIRE(shared.board != nullptr);
    LockBoard& board = *shared.board;
    Mutex a("a"), b("b");
    hold(board, 0, a);
    hold(board, 1, b);
    board.waiting(0, b);
    CHECK(board.look(2).deadlocked.empty());  // T2 still runs: it may let b go
    board.waiting(1, a);
    const LockBoard::Snapshot stuck = board.look(2);
    REQUIRE(stuck.deadlocked.size() == 2);
    CHECK(stuck.deadlocked[0].thread == 1);
    CHECK(stuck.deadlocked[0].holds == std::vector<std::string>{"a"});
    CHECK(stuck.deadlocked[0].waits_for == "b");
    CHECK(stuck.deadlocked[0].held_by == std::vector<int>{2});
    CHECK(stuck.deadlocked[1].waits_for == "a");
    CHECK(deadlock_evidence(stuck.deadlocked, {}) ==
          "T1 holds a, waits for b (held by T2); T2 holds b, waits for a (held by T1)");

    // The watchdog is sure only at its second look with nothing moved in between.
    DeadlockWatch watch(&board, 2);
    CHECK_FALSE(watch.check());
    board.releasing(1, b);  // T2 moves after all: the first look proves nothing
    CHECK_FALSE(watch.check());
}

TEST_CASE("a lock held by a thread that has finished its work is never let go") {
    SharedBoard shared;
    LockBoard& board = *shared.board;
    Mutex mu("mu");
    hold(board, 0, mu);
    board.finished(0);  // returned without unlocking (an early return)
    board.waiting(1, mu);
    DeadlockWatch watch(&board, 2);
    CHECK_FALSE(watch.check());
    const auto deadlock = watch.check();
    REQUIRE(deadlock);
    REQUIRE(deadlock->wait_for.size() == 1);
    CHECK(deadlock->wait_for[0].thread == 2);
    CHECK(deadlock->wait_for[0].held_by == std::vector<int>{1});
    CHECK(deadlock_evidence(deadlock->wait_for, {1}) ==
          "T2 waits for mu (held by T1, which has finished: an abandoned lock)");
    board.new_round(2, 2);  // a new round forgets it all
    CHECK(board.look(2).deadlocked.empty());
}

TEST_CASE("a reader that asks again behind a queued writer is stuck where writers go first") {
    for (RWPolicy policy : {RWPolicy::writer_preferring, RWPolicy::reader_preferring}) {
        CAPTURE(fmt::format("{}", policy));
        SharedBoard shared;
        LockBoard& board = *shared.board;
        RWMutex rw("rw", policy);
        hold(board, 0, rw, LockKind::shared);      // T1 reads
        hold(board, 0, rw, LockKind::shared);      // and again, through Get, which unlocks
        board.releasing(0, rw, LockKind::shared);  // one release: T1 still holds its first
        board.waiting(1, rw);                      // T2 wants to write: queued behind the reader
        CHECK(board.look(2).deadlocked.empty());
        board.waiting(0, rw, LockKind::shared);  // T1 reads again
        const LockBoard::Snapshot snapshot = board.look(2);
        if (policy == RWPolicy::reader_preferring) {
            CHECK(snapshot.deadlocked.empty());  // the reader joins itself; the writer waits on
            continue;
        }
        REQUIRE(snapshot.deadlocked.size() == 2);
        const Waiter& reader = snapshot.deadlocked[0];
        CHECK(reader.shared);
        CHECK(reader.writer_queued);
        CHECK(reader.held_by.empty());
        CHECK(deadlock_evidence(snapshot.deadlocked, {}) ==
              "T1 holds rw, waits for rw (a writer is queued); T2 waits for rw (held by T1)");
    }
}

TEST_CASE("readers do not keep a reader out, and a writer holding keeps everyone out") {
    SharedBoard shared;
    LockBoard& board = *shared.board;
    RWMutex rw("rw");
    hold(board, 0, rw, LockKind::shared);
    board.finished(0);  // a reader gone without unlocking
    board.waiting(1, rw, LockKind::shared);
    CHECK(board.look(2).deadlocked.empty());  // readers share: T2 can read
    board.new_round(1, 2);
    hold(board, 0, rw);
    board.finished(0);  // a writer gone without unlocking
    board.waiting(1, rw, LockKind::shared);
    CHECK(board.look(2).deadlocked.size() == 1);
}

namespace {

// Two threads that deadlock in every round, by construction: each takes its first lock, waits
// (spinning on an atomic, no sleep) until the other has taken its own, then asks for the
// other's.
class CertainDeadlock final : public Trial {
  public:
    explicit CertainDeadlock(const TrialConfig&) {}
    void actor(int thread) override {
        Mutex& mine = thread == 0 ? a_ : b_;
        Mutex& theirs = thread == 0 ? b_ : a_;
        std::lock_guard first(mine);
        holding_.fetch_add(1);
        while (holding_.load() < 2) {
        }
        std::lock_guard second(theirs);
    }
    Outcome arbiter() override { return Outcome::clean(); }

  private:
    Mutex a_{"a"}, b_{"b"};
    std::atomic<int> holding_{0};
};

}  // namespace

TEST_CASE("real threads that deadlock: every run is stopped, named and reaped") {
    const RealResult result = run_two_threads<CertainDeadlock>(5, 3);
    CHECK(result.runs_done == 3);
    CHECK(result.deadlocked_runs == 3);
    CHECK(result.hung_runs == 0);
    CHECK_FALSE(result.corrupt());  // nothing was corrupted: the threads only wait
    CHECK(result.outcomes.count("deadlock") == 3);
    REQUIRE(result.first_deadlock);
    CHECK(*result.first_deadlock_run == 1);
    CHECK(result.first_deadlock->rounds == 1);  // it deadlocks in its first round
    CHECK(deadlock_evidence(result.first_deadlock->wait_for, result.first_deadlock->finished) ==
          "T1 holds a, waits for b (held by T2); T2 holds b, waits for a (held by T1)");
    // Its last steps came from the child before it was ended: each thread took its first lock,
    // and waits for the other's.
    REQUIRE(result.first_deadlock->trace);
    const Trace& trace = *result.first_deadlock->trace;
    std::set<std::string> steps, waits;
    for (const TraceEvent& event : trace.events)
        steps.insert(fmt::format("T{} {} {}", event.thread, op_name(event.op), event.target));
    for (const TraceWait& wait : trace.waits)
        waits.insert(fmt::format("T{} {}", wait.thread, racedemo::describe_wait_step(wait.waiter)));
    CHECK(steps == std::set<std::string>{"T1 lock a", "T2 lock b"});
    CHECK(waits == std::set<std::string>{"T1 lock b: waits", "T2 lock a: waits"});
    // Every trial's process is gone: nothing is left to reap.
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
    CHECK(errno == ECHILD);
}

TEST_CASE("a channel wait is stuck only when every other thread is") {
    SharedBoard shared;
    LockBoard& board = *shared.board;
    Chan<int> jobs("jobs");
    board.channel_waiting(1, jobs, Op::recv);
    CHECK(board.look(2).deadlocked.empty());  // T1 still runs: it may send
    board.finished(0);
    const LockBoard::Snapshot snapshot = board.look(2);
    REQUIRE(snapshot.deadlocked.size() == 1);
    CHECK(deadlock_evidence(snapshot.deadlocked, snapshot.finished) ==
          "T2 waits for jobs (nothing to receive)");
    board.channel_done(1);  // it received after all
    CHECK(board.look(2).deadlocked.empty());
}

TEST_CASE("a real receive nobody answers is named a deadlock, not left to the timeout") {
    const RealResult result = run_two_threads<NobodySends>(3, 2);
    CHECK(result.deadlocked_runs == 2);
    CHECK(result.hung_runs == 0);
    REQUIRE(result.first_deadlock);
    CHECK(deadlock_evidence(result.first_deadlock->wait_for, result.first_deadlock->finished) ==
          "T2 waits for jobs (nothing to receive)");
    CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);
}
