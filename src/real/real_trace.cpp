#include "real/real_trace.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "core/sanitizers.hpp"
#include "real/shown_order.hpp"
#include "real/step_noise.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace racedemo {
namespace {

// A timestamp comparable across cores: the invariant cycle counter where there is one.
inline std::uint64_t timestamp() {
#if defined(__x86_64__) || defined(__i386__)
    return __rdtsc();
#else
    return static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

// A timestamp read only once every earlier instruction of the thread is done: after a load, a
// time the load had happened by (rdtsc alone may run ahead of it).
inline std::uint64_t timestamp_after() {
#if defined(__x86_64__) || defined(__i386__)
    unsigned int core = 0;
    return __rdtscp(&core);
#else
    return timestamp();
#endif
}

// How far apart two cores' clocks may read, in the stamps' units (cycles: about 10 µs at 3 GHz;
// steady_clock's nanoseconds elsewhere). A read stamped further ahead of a write of its value
// read the value from before.
#if defined(__x86_64__) || defined(__i386__)
constexpr std::uint64_t kClockSkew = 30000;
#else
constexpr std::uint64_t kClockSkew = 10000;
#endif

constexpr std::size_t kMostEventsPerThread = 2048;
// A window that would reach further back than this shows the nearest steps only.
constexpr std::size_t kMostStepsBeforeDamage = 24;
// Nor further forwards than this.
constexpr std::size_t kMostStepsAfterDamage = 24;

}  // namespace

// One event as a thread records it. Outside the anonymous namespace: ThreadRecorder, declared
// in the header, holds these.
struct RawEvent {
    std::uint64_t time;
    const SharedObject* object;
    std::uint64_t bits;
    std::uint32_t operation;  // index into the thread's notes; 0: none yet
    Op op;
    bool waits;  // a lock operation that found the lock taken: the wait began here
};

// Each step is stamped so that a read is stamped later than the write it read: a write (or an
// atomic update) before it happens, a read once it has happened. Two steps that were really in
// one order can then appear in the other only when the cores' clocks disagree.
class ThreadRecorder final : public Runtime {
  public:
    ThreadRecorder(int thread, const NoiseSettings& noise, std::uint64_t seed) : thread_(thread) {
        events_.reserve(kMostEventsPerThread);
        notes_.emplace_back();
        noise_.configure(noise, seed);
    }

    void before_access(const SharedObject&, Op op) override {
        noise_.at_step();
        if (op == Op::write || op == Op::update) write_time_ = timestamp();
    }
    void after_access(const SharedObject& cell, Op op, std::uint64_t bits) override {
        const bool writes = op == Op::write || op == Op::update;
        record(cell, op, bits, writes ? write_time_ : timestamp_after(), false);
    }
    // The event is recorded while the lock is held: after acquiring, before releasing, so the
    // observed order of lock events agrees with the order the lock was really held in.
    // A lock found taken is a wait first, stamped when the thread asked for it.
    void acquire(LockObject& lock, LockKind kind) override {
        if (locks_held_ > 0)
            noise_.at_nested_acquire();
        else
            noise_.at_step();
        ++locks_held_;
        const Op op = kind == LockKind::shared ? Op::lock_shared : Op::lock;
        const std::uint64_t asked = timestamp();
        bool waited = false;
#if defined(RACEDEMO_TSAN)
        // No try first: ThreadSanitizer draws no lock-order edge for a lock taken by a try, and
        // its lock-order inversions are what the detector's twin is for (its traces show no
        // waits).
        detail::LockAccess::watched_acquire(lock, kind);
#else
        detail::LockAccess::watched_acquire(lock, kind, &waited);
#endif
        if (waited) record(lock, op, 0, asked, true);
        record(lock, op, 0);
    }
    void release(LockObject& lock, LockKind kind) override {
        noise_.at_step();  // the lock still held: others wait for it the longer
        locks_held_ = locks_held_ > 0 ? locks_held_ - 1 : 0;
        record(lock, kind == LockKind::shared ? Op::unlock_shared : Op::unlock, 0);
        detail::LockAccess::watched_release(lock, kind);
    }
    void note(std::string_view text) override {
        notes_.emplace_back(text);
    }
    void bypassed(const SharedObject& cell, Op op) override {
        if (LockWatcher* watcher = detail::lock_watcher) watcher->misused(cell, op);
    }

    void clear() {
        locks_held_ = 0;
        events_.clear();
        notes_.resize(1);
        wants_notes_ = true;
    }

    int thread() const {
        return thread_;
    }
    const std::vector<RawEvent>& events() const {
        return events_;
    }
    const std::string& note_text(std::uint32_t index) const {
        return notes_[index];
    }
    const std::string& latest_note() const {
        return notes_.back();
    }

  private:
    void record(const SharedObject& object, Op op, std::uint64_t bits) {
        record(object, op, bits, timestamp(), false);
    }
    void record(const SharedObject& object, Op op, std::uint64_t bits, std::uint64_t time,
                bool waits) {
        // A round's story is told by its first steps; a thread that loops for long stops
        // recording here rather than slowing the round and the analysis down.
        if (events_.size() >= kMostEventsPerThread) return;
        events_.push_back(RawEvent{time, &object, bits,
                                   static_cast<std::uint32_t>(notes_.size() - 1), op, waits});
        // Once the thread has recorded all the events it may, its notes would label nothing.
        if (events_.size() == kMostEventsPerThread) wants_notes_ = false;
    }

    int thread_;  // 1-based
    StepNoise noise_;
    std::uint64_t write_time_ = 0;  // the stamp of the write under way
    int locks_held_ = 0;            // for the noise: a lock asked for while holding one
    std::vector<RawEvent> events_;
    std::vector<std::string> notes_;
};

RoundRecorder::RoundRecorder(int threads, const NoiseSettings& noise, std::uint64_t seed) {
    for (int thread = 1; thread <= threads; ++thread)
        threads_.push_back(std::make_unique<ThreadRecorder>(
            thread, noise, seed + static_cast<std::uint64_t>(thread) * 0x9E3779B97F4A7C15ull));
}

RoundRecorder::~RoundRecorder() = default;

Runtime* RoundRecorder::runtime_for(int thread) {
    return threads_[static_cast<std::size_t>(thread)].get();
}

void RoundRecorder::clear() {
    for (auto& recorder : threads_) recorder->clear();
}

namespace {

// A reference to one recorded step: its time, its thread's recorder, its place in that buffer.
struct Ref {
    std::uint64_t time;
    const ThreadRecorder* recorder;
    const RawEvent* event;
    std::uint32_t slot;   // the thread's index among the recorders
    std::uint32_t local;  // its place in its thread's buffer: program order
    bool moved = false;   // a read placed after the write it read, against the clocks
};

// A round's steps merged from every thread's buffer into the order shown (shown_order.hpp). A
// round can hold many thousands, so the damage is first looked for with values as raw numbers
// and no names; only the steps shown get those.
class MergedRound {
  public:
    explicit MergedRound(const std::vector<std::unique_ptr<ThreadRecorder>>& threads)
        : lanes_(threads.size()), threads_(&threads) {
        for (std::size_t slot = 0; slot < threads.size(); ++slot) {
            const auto& events = threads[slot]->events();
            for (std::size_t local = 0; local < events.size(); ++local)
                order_.push_back(Ref{events[local].time, threads[slot].get(), &events[local],
                                     static_cast<std::uint32_t>(slot),
                                     static_cast<std::uint32_t>(local)});
        }
        std::vector<StampedStep> stamps;
        stamps.reserve(order_.size());
        for (const Ref& ref : order_)
            stamps.push_back(StampedStep{ref.time, ref.event->object, ref.event->bits,
                                         ref.event->op, ref.slot, ref.local});
        const ShownOrder shown = shown_order(stamps, threads.size(), kClockSkew);
        std::vector<Ref> ordered;
        ordered.reserve(order_.size());
        for (std::size_t index : shown.order) {
            ordered.push_back(order_[index]);
            ordered.back().moved = shown.moved[index] != 0;
        }
        order_ = std::move(ordered);
        order_inconsistent_ = !shown.consistent;
    }

    std::size_t size() const { return order_.size(); }

    // Every step with raw values, for the search for damage.
    Trace raw() const {
        Trace full;
        full.events.reserve(order_.size());
        for (std::size_t index = 0; index < order_.size(); ++index)
            full.events.push_back(event_at(index, false));
        return full;
    }

    // The steps first..last of every thread, named and valued, every thread's lane labelled
    // with what it was doing. Their damage is `analysed`'s (the whole round's analysis, which
    // sees what came before the window and after it) when given; else the window's own.
    Trace window(std::size_t first, std::size_t last, const Trace* analysed = nullptr) const {
        Trace shown;
        shown.lanes.resize(lanes_);
        shown.order_inconsistent = order_inconsistent_;
        for (std::size_t index = first; index < last; ++index) {
            TraceEvent event = event_at(index, true);
            std::string& lane = shown.lanes[static_cast<std::size_t>(event.thread - 1)];
            if (lane.empty()) lane = event.operation;
            shown.reads_moved += order_[index].moved;
            shown.events.push_back(std::move(event));
        }
        for (std::size_t slot = 0; slot < lanes_; ++slot)
            if (shown.lanes[slot].empty()) shown.lanes[slot] = lane_label(slot, last);
        if (analysed != nullptr)
            carry_damage(*analysed, first, shown);
        else
            mark_damage(shown);
        return shown;
    }

  private:
    // The damage `analysed` marked on the window's steps, its values named as shown.
    void carry_damage(const Trace& analysed, std::size_t first, Trace& shown) const {
        for (std::size_t index = 0; index < shown.events.size(); ++index) {
            Damage damage = analysed.events[first + index].damage;
            if (!damage) continue;
            const TraceEvent other =
                event_at(static_cast<std::size_t>(damage.other_step - 1), true);
            damage.other_value = other.value;
            if (damage.kind == DamageKind::half_done_read) damage.other_operation = other.operation;
            if (damage.earlier_read_step != 0)  // the raw analysis names no object
                damage.replaced_target =
                    event_at(static_cast<std::size_t>(damage.replaced_step - 1), true).target;
            if (damage.stale_step != 0)
                damage.stale_target =
                    event_at(static_cast<std::size_t>(damage.stale_step - 1), true).target;
            damage.first_shown_step = shown.events.front().step;
            damage.last_shown_step = shown.events.back().step;
            shown.events[index].damage = std::move(damage);
        }
    }

    // What thread `slot` was doing by step `last`: the note over its latest step before it, or
    // (no step yet) the latest note it made.
    std::string lane_label(std::size_t slot, std::size_t last) const {
        for (std::size_t index = last; index-- > 0;)
            if (order_[index].slot == slot)
                return order_[index].recorder->note_text(order_[index].event->operation);
        return (*threads_)[slot]->latest_note();
    }

    TraceEvent event_at(std::size_t index, bool shown) const {
        const RawEvent& raw = *order_[index].event;
        TraceEvent event;
        event.step = static_cast<int>(index) + 1;
        event.thread = order_[index].recorder->thread();
        event.op = raw.op;
        event.waits = raw.waits;
        event.operation_index = static_cast<int>(raw.operation);
        event.object = reinterpret_cast<std::uintptr_t>(raw.object);
        const bool access = raw.op == Op::read || raw.op == Op::write;
        if (shown) {
            event.target = raw.object->name();
            if (access) event.value = raw.object->show_bits(raw.bits);
            event.operation = order_[index].recorder->note_text(raw.operation);
        } else if (access) {
            event.value = std::to_string(raw.bits);
        }
        return event;
    }

    std::size_t lanes_;
    const std::vector<std::unique_ptr<ThreadRecorder>>* threads_;
    std::vector<Ref> order_;
    bool order_inconsistent_ = false;
};

// Where the story of the damage at index `at` starts: just before the first of the steps its
// note cites (the write of the other thread it overwrote or half-read, and what the damaging
// thread knew before), at least `before` steps back, at most kMostStepsBeforeDamage. Sets
// `other` to the other thread involved (0: none).
std::size_t story_start(const Trace& full, std::size_t at, std::size_t before, int& other) {
    const TraceEvent& harm = full.events[at];
    std::size_t first = at > before ? at - before : 0;
    other = 0;
    for (std::size_t index = at; index-- > 0;) {
        const TraceEvent& event = full.events[index];
        if (event.object != harm.object) continue;
        if (other == 0 && event.thread != harm.thread && event.op == Op::write) {
            other = event.thread;
            first = std::min(first, index);
        } else if (other != 0 && event.thread == harm.thread) {
            first = std::min(first, index);
            break;
        }
    }
    first = first > 1 ? first - 2 : 0;
    return std::max(first, at > kMostStepsBeforeDamage ? at - kMostStepsBeforeDamage : 0);
}

// Where the story of the damage at index `at` ends (one past its last step): `after` steps past
// it, or further to show the step that completes a write it saw half-done, within
// kMostStepsAfterDamage.
std::size_t story_end(const Trace& full, std::size_t at, std::size_t after, std::size_t size) {
    std::size_t end = at + after + 1;
    const Damage& damage = full.events[at].damage;
    if (damage.kind == DamageKind::half_done_read)
        end = std::max(end, static_cast<std::size_t>(damage.replaced_step) + 1);
    return std::min({end, at + kMostStepsAfterDamage + 1, size});
}

}  // namespace

Trace RoundRecorder::last_steps(std::size_t count) const {
    const MergedRound round(threads_);
    const std::size_t size = round.size();
    return round.window(size > count ? size - count : 0, size);
}

Trace RoundRecorder::collect(std::size_t before, std::size_t after) const {
    const MergedRound round(threads_);
    Trace full = round.raw();
    const int damage = mark_damage(full, DamageScope::first);
    if (damage == 0) {
        // No damage found in the steps: show the last ones.
        const std::size_t size = round.size();
        return round.window(size > before + after ? size - before - after : 0, size);
    }
    // From the steps the damage cites (the other thread's write it overwrote or half-read, and
    // what the damaging thread knew before) to a few past it, every thread's steps among them.
    const auto at = static_cast<std::size_t>(damage - 1);
    int other = 0;
    const std::size_t first = story_start(full, at, before, other);
    return round.window(first, story_end(full, at, after, round.size()), &full);
}

}  // namespace racedemo
