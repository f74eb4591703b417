#include "engine/reads_from.hpp"

#include <algorithm>
#include <utility>

namespace racedemo {
namespace {

// splitmix64's finaliser: a bijective mix with good avalanche.
std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

std::uint64_t event_id(int thread, std::uint32_t index) {
    return (static_cast<std::uint64_t>(thread) << 32) | index;
}

constexpr std::uint64_t event_tag = 0x1;      // a step with what it read
constexpr std::uint64_t latest_tag = 0x2;     // the latest write to some cell
constexpr std::uint64_t read_source_tag = 3;  // distinguishes a read's source from a value
// Marks a wait that is a step (a writer queueing on a writer-preferring lock): the thread's
// k-th step was a wait in one execution and the acquisition in another, two different states.
constexpr std::uint64_t wait_bit = std::uint64_t{1} << 63;

}  // namespace

void ReadsFromSignature::reset(int threads) {
    key_ = StateKey{};
    read_pending_ = false;
    steps_.assign(static_cast<std::size_t>(threads), 0);
    std::fill(last_write_.begin(), last_write_.begin() + static_cast<long>(objects_used_), 0);
    objects_used_ = 0;
}

std::uint64_t& ReadsFromSignature::last_write(int object) {
    const auto index = static_cast<std::size_t>(object);
    if (index >= last_write_.size()) last_write_.resize(std::max<std::size_t>(64, index * 2), 0);
    objects_used_ = std::max(objects_used_, index + 1);
    return last_write_[index];
}

void ReadsFromSignature::add(std::uint64_t tag, std::uint64_t a, std::uint64_t b, bool remove) {
    const std::uint64_t lo =
        mix(mix(mix(tag ^ 0x243F6A8885A308D3ull) ^ a) + mix(b ^ 0x13198A2E03707344ull));
    const std::uint64_t hi =
        mix(mix(mix(tag ^ 0xA4093822299F31D0ull) ^ b) + mix(a ^ 0x082EFA98EC4E6C89ull));
    if (remove) {
        key_.lo -= lo;
        key_.hi -= hi;
    } else {
        key_.lo += lo;
        key_.hi += hi;
    }
}

// A thread's local state depends on the values it read, not on which write they came from:
// two reads of 2 from different writes leave it in the same state. An address, though, may
// name different objects in two executions, so a read of one is named by its source write
// (0: the initial value).
void ReadsFromSignature::on_step(const StepRecord& step, SignatureRole role, bool address) {
    const std::uint32_t index = ++steps_[static_cast<std::size_t>(step.thread)];
    const std::uint64_t id = event_id(step.thread, index) | (step.wait ? wait_bit : 0);
    const bool reads = role == SignatureRole::value_read || role == SignatureRole::update;
    if (reads && address) add(event_tag, id, mix(last_write(step.object) ^ read_source_tag));
    if (reads && !address) {
        read_pending_ = true;  // completed by on_access_done()
        pending_read_ = id;
    }
    switch (role) {
        case SignatureRole::write:
        case SignatureRole::update: {
            std::uint64_t& latest = last_write(step.object);
            if (latest != 0) add(latest_tag, latest, 0, true);
            latest = id + 1;
            add(latest_tag, latest, 0);
            if (role == SignatureRole::write) add(event_tag, id, 0);
            break;
        }
        case SignatureRole::history: {
            // A channel's contents depend on the order of its operations, not only on which
            // ones happened: its history is hashed in order, as a cell's latest write is kept.
            std::uint64_t& history = last_write(step.object);
            if (history != 0) add(latest_tag, history, 0, true);
            history = mix(history ^ id) | 1;
            add(latest_tag, history, 0);
            add(event_tag, id, 0);
            break;
        }
        case SignatureRole::event:
            add(event_tag, id, 0);  // a lock operation, a wait, a yield: only that it happened
            break;
        case SignatureRole::value_read:
            break;
    }
}

StateKey ReadsFromSignature::key_with(ThreadMask yielded) const {
    if (yielded == 0) return key_;
    StateKey key = key_;
    key.lo ^= mix(yielded ^ 0x9E3779B97F4A7C15ull);
    key.hi ^= mix(yielded + 0x2545F4914F6CDD1Dull);
    return key;
}

void ReadsFromSignature::on_access_done(std::uint64_t bits) {
    if (!read_pending_) return;
    read_pending_ = false;
    add(event_tag, pending_read_, mix(bits) ^ 0x5851F42D4C957F2Dull);
}

void ReadsFromCoverage::record(const StepRecord& step, const ExecutionView& view) {
    if (step.object < 0) return signature_.on_step(step, SignatureRole::event, false);
    const SignatureRole role = view.objects->rules(step.object).role(StepShape{step.op, step.wait});
    // Asked while the object surely lives: its step is being taken.
    const bool address = is_access(step.op) && view.objects->object(step.object).holds_address();
    signature_.on_step(step, role, address);
}

StateVisit VisitedStates::visit(const StateKey& key, ThreadMask sleep) {
    if ((used_ + 1) * 4 > table_.size() * 3) grow();
    Entry& entry = find(key);
    if (!entry.used) {
        entry = Entry{key, sleep, true};
        ++used_;
        return StateVisit{false, sleep, ~ThreadMask{0}};
    }
    // Expanded before with entry.sleep asleep: every thread not in it was run from here.
    if ((entry.sleep & ~sleep) == 0) return StateVisit{true, sleep, 0};
    const ThreadMask missed = entry.sleep & ~sleep;
    entry.sleep &= sleep;
    return StateVisit{false, entry.sleep, missed};
}

VisitedStates::Entry& VisitedStates::find(const StateKey& key) {
    const std::size_t mask = table_.size() - 1;
    for (std::size_t i = static_cast<std::size_t>(key.lo) & mask;; i = (i + 1) & mask) {
        Entry& entry = table_[i];
        if (!entry.used || entry.key == key) return entry;
    }
}

void VisitedStates::grow() {
    std::vector<Entry> old = std::move(table_);
    table_.assign(std::max<std::size_t>(1024, old.size() * 2), Entry{});
    for (const Entry& entry : old) {
        if (entry.used) find(entry.key) = entry;
    }
}

}  // namespace racedemo
