#include "real/lock_board.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>
#include <string>

namespace racedemo {
namespace {

thread_local int board_thread = -1;

constexpr auto relaxed = std::memory_order_relaxed;

std::uint64_t lock_bit(int slot) {
    return std::uint64_t{1} << slot;
}

// A thread's slot is changed between two bumps of its counter, which is odd meanwhile: a
// reader that sees an odd count, or a different count after its copy, knows the copy is torn.
template <class Slot>
class Update {
  public:
    explicit Update(Slot& slot) : slot_(slot) {
        slot_.changes.fetch_add(1, std::memory_order_acq_rel);
    }
    ~Update() { slot_.changes.fetch_add(1, std::memory_order_release); }
    Update(const Update&) = delete;
    Update& operator=(const Update&) = delete;

  private:
    Slot& slot_;
};

}  // namespace

LockBoard* LockBoard::create_shared() {
    void* memory = ::mmap(nullptr, sizeof(LockBoard), PROT_READ | PROT_WRITE,
                          MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) return nullptr;
    auto* board = new (memory) LockBoard();
    board->new_round(0, kThreads);
    return board;
}

void LockBoard::destroy_shared(LockBoard* board) {
    if (board == nullptr) return;
    board->~LockBoard();
    ::munmap(board, sizeof(LockBoard));
}

void LockBoard::new_round(int round, int threads) {
    round_.store(round, relaxed);
    misuse_.taken.store(false, relaxed);
    for (LockSlot& lock : locks_) {  // claimed in order: the first free slot ends the used ones
        if (lock.address.load(relaxed) == nullptr) break;
        lock.address.store(nullptr, relaxed);
        lock.name[0] = '\0';
    }
    for (int t = 0; t < std::min(threads, kThreads); ++t) {
        ThreadSlot& thread = threads_[t];
        const Update update(thread);
        thread.state.store(running, relaxed);
        thread.waits_for.store(-1, relaxed);
        thread.held.store(0, relaxed);
        thread.held_shared.store(0, relaxed);
        for (std::atomic<std::uint8_t>& reads : thread.reads) reads.store(0, relaxed);
    }
}

// The lock's slot, registered on first sight; -1 when the board is full. Two threads may
// meet the same new lock at once: a slot is claimed by compare-and-swap, so a lock never gets
// two slots (its holder and its waiter would then not meet on the board).
int LockBoard::slot_of(const SharedObject& lock, bool writer_first) {
    for (int slot = 0; slot < kLocks; ++slot) {
        const void* found = locks_[slot].address.load(std::memory_order_acquire);
        if (found == nullptr &&
            locks_[slot].address.compare_exchange_strong(found, &lock, std::memory_order_acq_rel)) {
            locks_[slot].writer_first.store(writer_first, relaxed);
            std::string name = lock.name();
            name.resize(std::min<std::size_t>(name.size(), kNameSize - 1));
            std::memcpy(locks_[slot].name, name.c_str(), name.size() + 1);
            return slot;
        }
        if (found == &lock) return slot;
    }
    return -1;
}

void LockBoard::waiting(int thread, const LockObject& lock, LockKind kind) {
    if (thread < 0 || thread >= kThreads) return;
    ThreadSlot& self = threads_[thread];
    const int slot = slot_of(lock, lock.writer_first());
    const Update update(self);
    self.waits_for.store(slot, relaxed);
    self.state.store(kind == LockKind::shared ? waiting_shared : waiting_state, relaxed);
}

void LockBoard::acquired(int thread, const LockObject& lock, LockKind kind) {
    if (thread < 0 || thread >= kThreads) return;
    ThreadSlot& self = threads_[thread];
    const Update update(self);
    const int slot = self.waits_for.load(relaxed);
    if (slot >= 0 && locks_[slot].address.load(relaxed) == &lock) {
        self.held.fetch_or(lock_bit(slot), relaxed);
        if (kind == LockKind::shared) {
            self.held_shared.fetch_or(lock_bit(slot), relaxed);
            std::atomic<std::uint8_t>& reads = self.reads[slot];
            reads.store(static_cast<std::uint8_t>(reads.load(relaxed) + 1), relaxed);
        }
    }
    self.waits_for.store(-1, relaxed);
    self.state.store(running, relaxed);
}

// A lock the thread holds to write is let go of by unlock, one it holds to read by unlock_shared
// (a read lock taken again is held until its last release). Anything else is a misuse: the
// board records it and the real lock is left alone. A lock not on the board was never waited
// for this round, so nobody holds it, unless the board was full (then nothing is known).
bool LockBoard::releasing(int thread, const LockObject& lock, LockKind kind) {
    if (thread < 0 || thread >= kThreads) return true;
    ThreadSlot& self = threads_[thread];
    const int slot = slot_found(lock);
    if (slot < 0) {
        if (full()) return true;
        int holder = 0;
        const MisuseKind misuse =
            kind == LockKind::shared ? MisuseKind::unlock_shared_unheld : MisuseKind::unlock_free;
        record_misuse(misuse, thread, holder, lock, Op::unlock);
        return false;
    }
    const bool held = (self.held.load(relaxed) & lock_bit(slot)) != 0;
    const bool to_read = (self.held_shared.load(relaxed) & lock_bit(slot)) != 0;
    if (!held || to_read != (kind == LockKind::shared)) {
        int holder = 0;
        const MisuseKind misuse = kind == LockKind::shared ? MisuseKind::unlock_shared_unheld
                                                           : unlock_misuse(thread, slot, holder);
        record_misuse(misuse, thread, holder, lock, Op::unlock);
        return false;
    }
    const Update update(self);
    std::atomic<std::uint8_t>& reads = self.reads[slot];
    if (reads.load(relaxed) > 1) {
        reads.store(static_cast<std::uint8_t>(reads.load(relaxed) - 1), relaxed);
        return true;
    }
    reads.store(0, relaxed);
    self.held.fetch_and(~lock_bit(slot), relaxed);
    self.held_shared.fetch_and(~lock_bit(slot), relaxed);
    return true;
}

int LockBoard::slot_found(const SharedObject& object) const {
    for (int slot = 0; slot < kLocks; ++slot) {
        const void* found = locks_[slot].address.load(std::memory_order_acquire);
        if (found == nullptr) return -1;
        if (found == &object) return slot;
    }
    return -1;
}

bool LockBoard::full() const {
    return locks_[kLocks - 1].address.load(std::memory_order_acquire) != nullptr;
}

// An unlock by a thread that does not hold the lock to write: who holds it (holder: a writer,
// 1-based; 0: readers), or nobody.
MisuseKind LockBoard::unlock_misuse(int thread, int slot, int& holder) const {
    bool readers = false;
    for (int t = 0; t < kThreads; ++t) {
        const std::uint64_t held = threads_[t].held.load(relaxed);
        if (t == thread || (held & lock_bit(slot)) == 0) continue;
        if ((threads_[t].held_shared.load(relaxed) & lock_bit(slot)) != 0) {
            readers = true;
            continue;
        }
        holder = t + 1;
        return MisuseKind::unlock_other;
    }
    // The thread itself may hold it to read: an unlock is then no way to let go of it either.
    const std::uint64_t own = threads_[thread].held_shared.load(relaxed);
    if (readers || (own & lock_bit(slot)) != 0) return MisuseKind::unlock_other;
    return MisuseKind::unlock_free;
}

void LockBoard::misused(int thread, const SharedObject& object, Op op) {
    if (thread < 0 || thread >= kThreads) return;
    const MisuseKind kind =
        op == Op::read || op == Op::write ? MisuseKind::bypass : misuse_of_channel_op(op);
    record_misuse(kind, thread, 0, object, op);
}

void LockBoard::record_misuse(MisuseKind kind, int thread, int holder, const SharedObject& object,
                              Op op) {
    if (misuse_.taken.exchange(true, std::memory_order_acq_rel)) return;  // not the first
    misuse_.kind.store(static_cast<int>(kind), relaxed);
    misuse_.thread.store(thread, relaxed);
    misuse_.holder.store(holder, relaxed);
    misuse_.op.store(static_cast<int>(op), relaxed);
    std::string name = object.name();
    name.resize(std::min<std::size_t>(name.size(), kNameSize - 1));
    std::memcpy(misuse_.name, name.c_str(), name.size() + 1);
}

// Read after the round's threads have met at its end (the barrier orders their writes before).
std::optional<Misuse> LockBoard::misuse() const {
    if (!misuse_.taken.load(std::memory_order_acquire)) return std::nullopt;
    Misuse misuse;
    misuse.kind = static_cast<MisuseKind>(misuse_.kind.load(relaxed));
    misuse.thread = misuse_.thread.load(relaxed) + 1;
    misuse.holder = misuse_.holder.load(relaxed);
    misuse.op = static_cast<Op>(misuse_.op.load(relaxed));
    misuse.object = misuse_.name;
    return misuse;
}

bool LockBoard::is_waiting(int thread) const {
    if (thread < 0 || thread >= kThreads) return false;
    const int state = threads_[thread].state.load(relaxed);
    return state != running && state != done;
}

void LockBoard::channel_waiting(int thread, const SharedObject& channel, Op op) {
    if (thread < 0 || thread >= kThreads) return;
    ThreadSlot& self = threads_[thread];
    const int slot = slot_of(channel, false);
    const Update update(self);
    self.waits_for.store(slot, relaxed);
    self.state.store(op == Op::recv ? waiting_recv : waiting_send, relaxed);
}

void LockBoard::channel_done(int thread) {
    if (thread < 0 || thread >= kThreads) return;
    ThreadSlot& self = threads_[thread];
    const Update update(self);
    self.waits_for.store(-1, relaxed);
    self.state.store(running, relaxed);
}

void LockBoard::finished(int thread) {
    if (thread < 0 || thread >= kThreads) return;
    const Update update(threads_[thread]);
    threads_[thread].state.store(done, relaxed);
}

bool LockBoard::all_stopped(int threads) const {
    for (int t = 0; t < std::min(threads, kThreads); ++t) {
        // Acquire: pairs with the release of the thread's last update, and so with every step
        // it recorded before it.
        const std::uint64_t changes = threads_[t].changes.load(std::memory_order_acquire);
        if (changes % 2 != 0 || threads_[t].state.load(relaxed) == running) return false;
    }
    return true;
}

std::vector<LockBoard::ThreadCopy> LockBoard::copy_threads(int threads) const {
    std::vector<ThreadCopy> copy;
    for (int t = 0; t < std::min(threads, kThreads); ++t) {
        const ThreadSlot& slot = threads_[t];
        const std::uint64_t changes = slot.changes.load(std::memory_order_acquire);
        copy.push_back(ThreadCopy{slot.state.load(relaxed), slot.waits_for.load(relaxed),
                                  slot.held.load(relaxed), slot.held_shared.load(relaxed),
                                  changes});
    }
    return copy;
}

// The locks whose queued writers keep new readers out, a bit per slot.
std::uint64_t LockBoard::writer_first_locks() const {
    std::uint64_t locks = 0;
    for (int slot = 0; slot < kLocks; ++slot) {
        if (locks_[slot].address.load(relaxed) == nullptr) break;
        if (locks_[slot].writer_first.load(relaxed)) locks |= lock_bit(slot);
    }
    return locks;
}

namespace {

using ThreadCopy = LockBoard::ThreadCopy;

bool waits(const ThreadCopy& thread) {
    return thread.state == 1 || thread.state >= 3;  // not running, not done
}

bool waits_on_channel(const ThreadCopy& thread) {
    return thread.state == 4 || thread.state == 5;  // waiting_recv, waiting_send
}

// Whether `other` keeps `waiter` from its lock: it holds the lock (to read, it keeps out
// only a writer); or, where a queued writer goes first, it is that writer and the waiter
// wants to read.
bool blocks(const ThreadCopy& waiter, const ThreadCopy& other, std::uint64_t writer_first) {
    const int lock = waiter.waits_for;
    const std::uint64_t mask = std::uint64_t{1} << lock;
    const bool reader = waiter.state == 3;
    if ((other.held & mask) != 0) return !reader || (other.held_shared & mask) == 0;
    const bool queued_writer = other.state == 1 && other.waits_for == lock;
    return reader && queued_writer && (writer_first & mask) != 0;
}

// Whether thread t, waiting, must wait for good: something keeps it from its lock, and only
// stuck threads do.
bool waits_on_stuck(const std::vector<ThreadCopy>& threads, const std::vector<bool>& stuck,
                    std::size_t t, std::uint64_t writer_first) {
    const int lock = threads[t].waits_for;
    if (lock < 0 || lock >= LockBoard::kLocks) return false;
    if (waits_on_channel(threads[t])) {
        // Whoever could answer a channel: any other thread, so all of them must be stuck.
        for (std::size_t other = 0; other < threads.size(); ++other)
            if (other != t && !stuck[other]) return false;
        return true;
    }
    bool blocked = false;
    for (std::size_t other = 0; other < threads.size(); ++other) {
        if (other == t || !blocks(threads[t], threads[other], writer_first)) continue;
        if (!stuck[other]) return false;
        blocked = true;
    }
    return blocked;
}

}  // namespace

// The waiting threads that can never go on: each waits for a lock that only stuck threads
// keep from it (a finished thread holding a lock never lets go of it in this round). Starts
// from every waiting or finished thread and drops, until nothing changes, the waiting ones
// whose lock is free or kept from them by a thread that still runs.
std::vector<int> LockBoard::stuck_threads(const std::vector<ThreadCopy>& threads,
                                          std::uint64_t writer_first) {
    const auto count = threads.size();
    std::vector<bool> stuck(count);
    for (std::size_t t = 0; t < count; ++t) stuck[t] = threads[t].state != running;
    for (bool dropped = true; dropped;) {
        dropped = false;
        for (std::size_t t = 0; t < count; ++t) {
            if (!stuck[t] || !waits(threads[t]) || waits_on_stuck(threads, stuck, t, writer_first))
                continue;
            stuck[t] = false;
            dropped = true;
        }
    }
    std::vector<int> waiting;
    for (std::size_t t = 0; t < count; ++t)
        if (stuck[t] && waits(threads[t])) waiting.push_back(static_cast<int>(t));
    return waiting;
}

Waiter LockBoard::waiter(const std::vector<ThreadCopy>& threads, int thread,
                         std::uint64_t writer_first) const {
    // A name is written once, before its lock's address is published; read it bounded anyway.
    auto name_of = [this](int slot) {
        const char* name = locks_[slot].name;
        return std::string(name, strnlen(name, kNameSize));
    };
    Waiter waiter;
    waiter.thread = thread + 1;
    const ThreadCopy& self = threads[static_cast<std::size_t>(thread)];
    for (int slot = 0; slot < kLocks; ++slot)
        if ((self.held & lock_bit(slot)) != 0) waiter.holds.push_back(name_of(slot));
    waiter.waits_for = name_of(self.waits_for);
    if (self.state == waiting_recv || self.state == waiting_send) {
        waiter.op = self.state == waiting_recv ? Op::recv : Op::send;
        waiter.cause =
            self.state == waiting_recv ? WaitCause::nothing_to_receive : WaitCause::no_receiver;
        return waiter;
    }
    waiter.shared = self.state == waiting_shared;
    for (std::size_t other = 0; other < threads.size(); ++other) {
        if (static_cast<int>(other) == thread) continue;
        if ((threads[other].held & lock_bit(self.waits_for)) != 0)
            waiter.held_by.push_back(static_cast<int>(other) + 1);
        else if (blocks(self, threads[other], writer_first))
            waiter.writer_queued = true;  // not a holder: a writer queued in front of a reader
    }
    return waiter;
}

LockBoard::Snapshot LockBoard::look(int threads) const {
    Snapshot snapshot;
    snapshot.round = round_.load(relaxed);
    const std::vector<ThreadCopy> copy = copy_threads(threads);
    for (const ThreadCopy& thread : copy) snapshot.changes.push_back(thread.changes);
    // A thread that moved while it was copied makes the copy a mixture of two moments: no
    // verdict from it (the watchdog looks again).
    for (std::size_t t = 0; t < copy.size(); ++t) {
        const bool torn = copy[t].changes % 2 != 0 ||
                          threads_[t].changes.load(std::memory_order_acquire) != copy[t].changes;
        if (torn) return snapshot;
    }
    const std::uint64_t writer_first = writer_first_locks();
    for (int thread : stuck_threads(copy, writer_first))
        snapshot.deadlocked.push_back(waiter(copy, thread, writer_first));
    for (std::size_t t = 0; t < copy.size(); ++t)
        if (copy[t].state == done) snapshot.finished.push_back(static_cast<int>(t) + 1);
    return snapshot;
}

void BoardWatcher::set_thread(int thread) {
    board_thread = thread;
}

void BoardWatcher::waiting(const LockObject& lock, LockKind kind) {
    board_.waiting(board_thread, lock, kind);
}

void BoardWatcher::acquired(const LockObject& lock, LockKind kind) {
    board_.acquired(board_thread, lock, kind);
}

void BoardWatcher::channel_waiting(const SharedObject& channel, Op op) {
    board_.channel_waiting(board_thread, channel, op);
}

void BoardWatcher::channel_done() {
    board_.channel_done(board_thread);
}

bool BoardWatcher::releasing(const LockObject& lock, LockKind kind) {
    return board_.releasing(board_thread, lock, kind);
}

void BoardWatcher::misused(const SharedObject& object, Op op) {
    board_.misused(board_thread, object, op);
}

std::optional<DeadlockWatch::Deadlock> DeadlockWatch::check() {
    LockBoard::Snapshot now = board_->look(threads_);
    if (now.deadlocked.empty()) {
        previous_.reset();
        return std::nullopt;
    }
    // Sure only when nothing moved since the last look that also found them stuck: a thread
    // between taking a lock and saying so would otherwise look stuck for a moment.
    const bool still = previous_ && previous_->changes == now.changes;
    if (still) return Deadlock{now.round, std::move(now.deadlocked), std::move(now.finished)};
    previous_ = std::move(now);
    return std::nullopt;
}

}  // namespace racedemo
