#include "present/glossary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

#include "present/text.hpp"

namespace racedemo {
namespace {

constexpr GlossaryTerm kTerms[] = {
    {"race condition",
     "The result depends on the order in which threads happen to run, and some orders are "
     "wrong. Most runs may be fine, which is why races survive testing.",
     "racedemo trie-race --threads 8"},
    {"data race",
     "Two threads touch the same memory at the same time, at least one of them writes, and "
     "nothing orders them. In C++ that is undefined behaviour. Threads that only read share "
     "memory safely.",
     "racedemo read-only --fixed --explore (reads only: clean)"},
    {"happens-before",
     "An order between two steps that the program guarantees, not one that merely happened: "
     "what a thread wrote before it unlocks a mutex, the next thread to lock it sees, and what "
     "was written before a thread starts, the thread sees. Two accesses to the same memory, one "
     "of them a write, that no happens-before orders are a data race.",
     "racedemo read-only --fixed --explore"},
    {"sequential consistency",
     "The model's assumption about memory: every step sees the latest write, and all threads "
     "agree on one order of the steps. Real hardware is weaker: a core may hold its stores back "
     "(x86's store buffer) or reorder more (ARM), so an unlocked program the model calls clean "
     "can still fail on real threads. Locks and atomics restore the order.",
     "racedemo counter --fixed --explore"},
    {"interleaving",
     "The order in which the steps of several threads happen to mix. Each thread's own steps "
     "keep their order; between them, another thread's steps may come.",
     "racedemo counter --explore"},
    {"step",
     "One access to shared state, or one lock or channel operation: the places where another "
     "thread may come in between. Work inside a thread (adding one) is not a step.",
     "racedemo counter --mode model"},
    {"schedule",
     "Which thread takes each step, written as thread numbers (1,2,2,1; 1x3 is 1,1,1). Replay "
     "one with --schedule: the same steps and the same result, every time.",
     "racedemo counter --schedule 1,2,2,1"},
    {"preemption",
     "A switch away from a thread that could have gone on. Most bugs need only one or two; "
     "--preemptions K limits a search to schedules with at most K.",
     "racedemo counter --explore --preemptions 1"},
    {"critical section",
     "The steps that must run without another thread in between, such as read, add one, write "
     "back. A lock around them makes them one step for every other thread.",
     "racedemo counter --fixed --explore"},
    {"lost update",
     "Two threads read the same old value and both write a new one: the second write "
     "overwrites the first, and its work is gone. A trace marks it 'overwrites ...'.",
     "racedemo counter --explore"},
    {"unread",
     "A trace's mark on a write that replaces a value another thread wrote and no thread has "
     "read yet ('overwrites 101 written by T1 at step 2, unread'): the value is gone before "
     "anyone saw it, as when two pushes write the same slot of a stack.",
     "racedemo stack --explore"},
    {"check-then-act",
     "A thread checks something (is this slot free? is there a child node?) and acts on the "
     "answer, but another thread changes it in between. The act rests on old news.",
     "racedemo trie-race --explore"},
    {"torn read",
     "A reader sees what another thread is half-way through changing: part old, part new (an "
     "entry whose key is there and its value not yet). A trace marks the step 'sees T1's ... "
     "half-done'; unsafe-map counts a run with such a read as a torn entry.",
     "racedemo unsafe-map --explore",
     {"torn entry", "half-done"}},
    {"torn write",
     "rwmutex-cache's outcome when an entry ends up with one key and another key's value "
     "(\"bob\" holds 100): two Sets read the same count, both wrote the same entry, and it "
     "kept the key of one and the value of the other. Unlike a torn read, the damage stays in "
     "the cache.",
     "racedemo rwmutex-cache (real threads: some runs)"},
    {"missing keys",
     "unsafe-map's outcome when one pass over the map did not return keys that were in it all "
     "along: a growth moved them to the new, bigger bucket table while the reader was still "
     "walking the old one, whose slots it emptied.",
     "racedemo unsafe-map (real threads: many runs)"},
    {"nil",
     "Go's word for 'nothing here': a missing child node or an empty slot. The traces keep "
     "it because the lessons come from Go programs.",
     "racedemo trie-race --explore"},
    {"n1, n2, ...",
     "trie-race's names for the trie's nodes, numbered in the order the threads make them; "
     "root is the root. n2['a'] is n2's link to its child for the letter 'a' (nil: no such "
     "child yet), and n2.end says whether a key ends at n2.",
     "racedemo trie-race --explore",
     {"n1", "n2", "n3", "n4", "n5", "node"}},
    {"t0, t1",
     "unsafe-map's names for its hash map's bucket tables, the arrays of slots its entries live "
     "in: t0 is the first, and t1 the table twice its size that a growth copies t0's entries "
     "into (the next growth makes t2). t0[3].key is the key in slot 3 of t0 (-1: empty); "
     "m.buckets is the table in use.",
     "racedemo unsafe-map --explore",
     {"t0", "t1", "bucket table"}},
    {"mutex",
     "A lock that only one thread holds at a time; the others wait until it is unlocked. "
     "Every access to the data it guards must take it.",
     "racedemo explain trie-race"},
    {"reader/writer lock",
     "Many readers at once, or one writer alone (Go's RWMutex). Whether it beats a mutex has "
     "to be measured.",
     "racedemo explain rwmutex-cache"},
    {"rlock, runlock",
     "A trace's steps on a reader/writer lock: rlock takes it to read, shared, so other readers "
     "may hold it too, and runlock gives that hold back (Go's RLock and RUnlock). lock and "
     "unlock on the same lock are a writer's, who holds it alone.",
     "racedemo rwmutex-cache --fixed --explore",
     {"rlock", "runlock"}},
    {"writer-preferring",
     "A reader/writer lock's policy: a waiting writer keeps new readers out (Go's RWMutex). "
     "Reader-preferring lets them in, and a stream of readers can starve the writer.",
     "racedemo rwmutex-recursive --explore"},
    {"starvation",
     "A thread waits and waits while others keep getting the lock ahead of it. Under a "
     "reader-preferring lock a writer waits as long as any reader holds it, and readers that "
     "keep coming can hold it without a gap; --bench measures the writer's wait.",
     "racedemo explain rwmutex-recursive (then: racedemo rwmutex-recursive --bench)"},
    {"waits",
     "A step of a thread that finds its lock taken: from it on the thread is blocked, and its "
     "next step takes the lock, once the holder lets it go.",
     "racedemo lock-order --schedule 1,1,2"},
    {"deadlock",
     "Threads blocked for ever, each waiting for something no one will ever give: a lock "
     "held by another waiting thread (a cycle, each holding what the next one needs), or an "
     "abandoned lock. Nothing is damaged; the program just stops.",
     "racedemo lock-order --explore"},
    {"abandoned lock",
     "A lock still held by a thread that has finished (it returned without unlocking): no one "
     "will ever release it, and whoever asks for it waits for ever, a deadlock with no cycle.",
     "racedemo early-return --explore"},
    {"lock-order inversion",
     "One thread takes lock a then b, another b then a. Not yet a deadlock, but the schedule "
     "that interleaves them is one: the potential deadlock ThreadSanitizer also reports.",
     "racedemo lock-order --explore --threads 3"},
    {"channel",
     "A queue between threads that blocks: a send waits for room (unbuffered: for a receiver), "
     "a receive for a value. Each value goes to exactly one receiver.",
     "racedemo job-queue --fixed --explore"},
    {"unsafe and fixed",
     "Every scenario's program comes twice: unsafe, as the lesson's buggy code, and --fixed, "
     "the same code with the lock (or the other fix) the lesson teaches.",
     "racedemo explain stack",
     {"unsafe", "fixed"}},
    {"real mode",
     "The scenario on real OS threads: many runs, each in a child process, with an outcome "
     "histogram. What happens depends on the machine; its order of steps is approximate.",
     "racedemo stack --runs 20",
     {"real"}},
    {"run, round",
     "A real-mode run is one child process (a trial); it repeats the scenario many times, "
     "and each repetition is a round. A watchdog ends a run that hangs or deadlocks.",
     "racedemo lock-order --runs 10",
     {"run", "round", "trial"}},
    {"watchdog",
     "racedemo's guard over each real-mode run. The run's threads note on a board which lock "
     "each holds and waits for; when threads wait for locks that only waiting or finished "
     "threads hold and nothing moves, the watchdog names them and ends the run, a deadlock. A "
     "run with no result within --timeout is killed and counted as hung.",
     "racedemo early-return --runs 3"},
    {"ThreadSanitizer",
     "A race detector built into the compiler (-fsanitize=thread): it watches every memory "
     "access and lock of a running program and reports data races and locks taken in both "
     "orders, with their source lines. --detector tsan runs a scenario under it; like any real "
     "run, it sees only what ran.",
     "racedemo explain read-only (then: racedemo counter --detector tsan)"},
    {"model mode",
     "The scenario's threads run one step at a time under a deterministic scheduler, so a run "
     "can be replayed exactly and every schedule can be tried.",
     "racedemo stack --mode model --seed 3",
     {"model"}},
    {"exploration",
     "Running every schedule (--explore) and keeping the shortest bad one. A search cut short "
     "by its budget or its bound proves nothing, so it says NO BUG FOUND, never CLEAN.",
     "racedemo stack --explore",
     {"explore", "explored"}},
    {"INCOMPLETE",
     "An exploration's summary says INCOMPLETE, with the reason in brackets, when the search "
     "stopped before it tried every schedule: --budget or --preemptions, --max-time, Ctrl-C. "
     "The schedules it skipped may go wrong, so it never ends CLEAN. Under --detector tsan, a "
     "run cut short that reported nothing ends INCOMPLETE.",
     "racedemo stack --fixed --explore --budget 5"},
    {"NO BUG FOUND",
     "The verdict when nothing went wrong in what ran, but what ran proves nothing: a search "
     "cut short, or real runs of an unsafe program that saw no bug this time. After real runs "
     "it gives the model search that settles the question.",
     "racedemo rwmutex-recursive --policy reader-preferring --runs 5",
     {"NO BUG SEEN"}},
    {"partial-order reduction",
     "Two schedules that differ only in the order of steps that do not affect each other "
     "(different cells, or two reads) end the same way, so an exploration runs one of them. "
     "That is why it needs far fewer schedules than there are orders.",
     "racedemo trie-race --explore --threads 3 --reduction none (then without it)",
     {"dpor"}},
    {"reads-from reduction",
     "The exploration's other way to skip schedules (--reduction reads-from): it remembers the "
     "states it has explored from (each thread's step count, the value each read returned, "
     "each cell's last write) and never explores from one twice. The default runs it in turns "
     "with partial-order reduction and reports the one that finished first.",
     "racedemo counter --explore --reduction reads-from",
     {"reads-from"}},
    {"pct",
     "Probabilistic concurrency testing (--strategy pct): random thread priorities with a few "
     "change points, which find bugs of a small depth with a known probability.",
     "racedemo trie-race --strategy pct --runs 1000 --threads 8"},
    {"bug depth",
     "How many pairs of steps must come in one order for a bug to show: counter's lost "
     "update needs two, each thread's read before the other's write. --strategy pct --depth D "
     "aims at bugs of depth D: each run lowers a thread's priority at D-1 random steps.",
     "racedemo counter --strategy pct --runs 50 --depth 2",
     {"depth"}},
    {"median",
     "--bench times each cell several times (samples, most after an untimed warm-up that lets "
     "the threads settle) and shows the median: the middle sample once they are sorted, so one "
     "slow sample does not move it. --json gives each cell's range too, its fastest and slowest "
     "sample.",
     "racedemo rwmutex-recursive --bench",
     {"sample", "samples", "warm-up", "range"}},
    {"winner, tie",
     "A --bench row's winner is its fastest variant, named only when its median leads every "
     "other by more than 10% and its slowest sample beats their fastest; else the row is a tie, "
     "within the noise. The ratio beside it (1.36x) is the runner-up's median over the "
     "fastest's; the bar grows with it.",
     "racedemo rwmutex-recursive --bench",
     {"winner", "tie", "ratio"}},
    {"unsync, read_pct, work_ns",
     "Columns of rwmutex-cache --bench: read_pct is the share of operations that are Gets (the "
     "rest are Sets), work_ns how long each one works while it holds the lock. unsync takes no "
     "lock at all: the work's own cost, for reference, never ranked, for it is no correct "
     "program.",
     "racedemo rwmutex-cache --bench --max-time 2 (its first rows)",
     {"unsync", "read_pct", "work_ns"}},
    {"writer-first, reader-first",
     "Columns of rwmutex-recursive --bench: the ns a writer among readers waits for the lock, "
     "per write, under a writer-preferring or a reader-preferring policy. read@w-first and "
     "read@r-first are the ns per read, all readers together, under each: what readers pay.",
     "racedemo rwmutex-recursive --bench",
     {"writer-first", "reader-first", "read@w-first", "read@r-first"}},
};

}  // namespace

namespace {

// Whether two words are the same but for the case of their letters ("tie", "TIE").
bool same_word(std::string_view a, std::string_view b) {
    const auto lower = [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    };
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [&](char x, char y) { return lower(x) == lower(y); });
}

}  // namespace

std::span<const GlossaryTerm> glossary_terms() {
    return kTerms;
}

const GlossaryTerm* glossary_entry(std::string_view word) {
    for (const GlossaryTerm& entry : kTerms) {
        if (same_word(entry.term, word)) return &entry;
        for (std::string_view other : entry.also)
            if (!other.empty() && same_word(other, word)) return &entry;
    }
    return nullptr;
}

std::optional<std::string_view> glossary_meaning(std::string_view term) {
    const GlossaryTerm* entry = glossary_entry(term);
    if (entry == nullptr) return std::nullopt;
    return entry->meaning;
}

std::string render_glossary(const Style& style) {
    std::string out = style.strong("Glossary") + "\n";
    for (const GlossaryTerm& term : kTerms) {
        out += fmt::format("\n{}\n", style.strong(term.term));
        for (const std::string& line :
             text::wrap(term.meaning, static_cast<std::size_t>(style.width()) - 2))
            out += "  " + line + "\n";
        out += style.dim(fmt::format("  see: {}", term.shown_by)) + "\n";
    }
    return out;
}

}  // namespace racedemo
