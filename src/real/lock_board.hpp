// Real mode's lock board: who holds and who waits for which lock, written by a trial's threads
// and read by the watchdog in the parent process.
//
// A real deadlock never ends by itself, and a killed child tells nothing. So the board lives in
// memory shared with the parent (mapped before the fork): the child's locks write to it through
// the LockWatcher hook (a few relaxed atomic stores a lock operation, no system call), and the
// parent, while it waits for the trial, looks at it. When some threads wait for locks that only
// waiting (or finished) threads hold, and nothing on the board has moved between two looks, the
// trial is deadlocked: the parent names the cycle and ends the child.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/misuse.hpp"
#include "core/waiter.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

class LockBoard {
  public:
    static constexpr int kLocks = 64;  // per round; locks past these are not on the board
    static constexpr int kThreads = 64;
    static constexpr int kNameSize = 40;

    // A board in memory shared with the children forked after it (MAP_SHARED | MAP_ANONYMOUS).
    static LockBoard* create_shared();
    static void destroy_shared(LockBoard* board);

    // The child: round `round` (1-based; 0 before the first) of `threads` threads begins, every
    // thread at the barrier: forget the last one. Only the slots a round can have used are
    // cleared: it runs before every round.
    void new_round(int round, int threads);
    // The child's threads, through the LockWatcher below.
    void waiting(int thread, const LockObject& lock, LockKind kind = LockKind::exclusive);
    void acquired(int thread, const LockObject& lock, LockKind kind = LockKind::exclusive);
    // Whether the thread holds the lock that way (else the misuse is recorded: see misuse()).
    bool releasing(int thread, const LockObject& lock, LockKind kind = LockKind::exclusive);
    // A misuse that is no release: a closed channel closed again or sent on (op: close, send), a
    // peek or poke inside a thread (read, write).
    void misused(int thread, const SharedObject& object, Op op);
    // The child, after a round: the round's first misuse, if there was one.
    std::optional<Misuse> misuse() const;
    void finished(int thread);  // its actor returned for this round
    // A channel operation (send or recv) waits; it went through.
    void channel_waiting(int thread, const SharedObject& channel, Op op);
    void channel_done(int thread);

    // Whether the thread waits now for a lock or a channel.
    bool is_waiting(int thread) const;
    // The child, once the parent found it deadlocked: whether every thread of the round waits
    // or is done, so that none writes what it recorded any more.
    bool all_stopped(int threads) const;

    // The parent: what the board shows now; the threads that are deadlocked (empty if none).
    struct Snapshot {
        int round = 0;
        std::vector<Waiter> deadlocked;
        std::vector<int> finished;           // 1-based: threads whose work for the round is done
        std::vector<std::uint64_t> changes;  // per thread: moves so far, to tell a still board
    };
    Snapshot look(int threads) const;

    // One thread's slot as read at one moment: the analysis works on copies only, never on
    // slots that may change under it.
    struct ThreadCopy {
        int state;
        int waits_for;
        std::uint64_t held;
        std::uint64_t held_shared;
        std::uint64_t changes;
    };

  private:
    struct LockSlot {
        std::atomic<const void*> address;
        std::atomic<bool> writer_first;  // a queued writer keeps new readers out
        char name[kNameSize];
    };
    // waiting_state: for the lock alone; waiting_shared: to read under it; waiting_recv and
    // waiting_send: on a channel, which only another thread that still runs can answer.
    enum State : int {
        running = 0,
        waiting_state = 1,
        done = 2,
        waiting_shared = 3,
        waiting_recv = 4,
        waiting_send = 5,
    };
    struct ThreadSlot {
        std::atomic<int> state;
        std::atomic<int> waits_for;               // lock slot (-1: none)
        std::atomic<std::uint64_t> held;          // a bit per lock slot
        std::atomic<std::uint64_t> held_shared;   // of those, the ones it holds to read
        std::atomic<std::uint8_t> reads[kLocks];  // per lock slot: read locks taken, not released
        std::atomic<std::uint64_t> changes;
    };
    // The first misuse of a round; the threads that come later leave it as it is.
    struct MisuseRecord {
        std::atomic<bool> taken;
        std::atomic<int> kind, thread, holder, op;
        char name[kNameSize];
    };
    int slot_of(const SharedObject& object, bool writer_first);
    int slot_found(const SharedObject& object) const;  // -1: not on the board
    bool full() const;
    MisuseKind unlock_misuse(int thread, int slot, int& holder) const;
    void record_misuse(MisuseKind kind, int thread, int holder, const SharedObject& object, Op op);
    std::vector<ThreadCopy> copy_threads(int threads) const;
    std::uint64_t writer_first_locks() const;
    static std::vector<int> stuck_threads(const std::vector<ThreadCopy>& threads,
                                          std::uint64_t writer_first);
    Waiter waiter(const std::vector<ThreadCopy>& threads, int thread,
                  std::uint64_t writer_first) const;

    std::atomic<int> round_;
    MisuseRecord misuse_;
    LockSlot locks_[kLocks];
    ThreadSlot threads_[kThreads];
};

// The child's LockWatcher: writes to the board for the thread that runs (set_thread).
class BoardWatcher final : public LockWatcher {
  public:
    explicit BoardWatcher(LockBoard& board) : board_(board) {}
    static void set_thread(int thread);  // the calling thread's index (0-based)

    void waiting(const LockObject& lock, LockKind kind) override;
    void acquired(const LockObject& lock, LockKind kind) override;
    bool releasing(const LockObject& lock, LockKind kind) override;
    void misused(const SharedObject& object, Op op) override;
    void channel_waiting(const SharedObject& channel, Op op) override;
    void channel_done() override;

  private:
    LockBoard& board_;
};

// The watchdog's view of one trial: it looks at the board now and then (check()), and says
// deadlocked once two looks in a row find threads stuck with nothing moved.
class DeadlockWatch {
  public:
    DeadlockWatch(const LockBoard* board, int threads) : board_(board), threads_(threads) {}
    struct Deadlock {
        int round;  // 1-based, within the trial
        std::vector<Waiter> wait_for;
        std::vector<int> finished;  // 1-based: a lock they hold is never let go
    };
    // Called now and then while the trial runs; the deadlock, once it is sure of one.
    std::optional<Deadlock> check();

  private:
    const LockBoard* board_;
    int threads_;
    std::optional<LockBoard::Snapshot> previous_;
};

}  // namespace racedemo
