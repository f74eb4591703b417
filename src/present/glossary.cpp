#include "present/glossary.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "present/text.hpp"

namespace racedemo {
namespace {

// A term, what it means in two or three plain sentences, and a command that shows it.
struct Term {
    std::string_view term;
    std::string_view meaning;
    std::string_view shown_by;
};

constexpr Term kTerms[] = {
    {"race condition",
     "The result depends on the order in which threads happen to run, and some orders are "
     "wrong. Most runs may be fine, which is why races survive testing.",
     "racedemo trie-race --threads 8"},
    {"data race",
     "Two threads touch the same memory at the same time, at least one of them writes, and "
     "nothing orders them. In C++ that is undefined behaviour. Threads that only read share "
     "memory safely.",
     "racedemo read-only --explore (reads only: clean)"},
    {"sequential consistency",
     "The model's assumption about memory: every step sees the latest write, and all threads "
     "agree on one order of the steps. Real hardware is weaker: a core may hold its stores back "
     "(x86's store buffer) or reorder more (ARM), so an unlocked program the model calls clean "
     "can still fail on real threads. Locks and atomics restore the order.",
     "racedemo counter --mode model --explore"},
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
    {"check-then-act",
     "A thread checks something (is this slot free? is there a child node?) and acts on the "
     "answer, but another thread changes it in between. The act rests on old news.",
     "racedemo trie-race --explore"},
    {"torn read",
     "A reader sees what another thread is half-way through changing: part old, part new (an "
     "entry whose key is there and its value not yet). A trace marks the step 'sees T1's ... "
     "half-done'; a torn entry is one read this way.",
     "racedemo unsafe-map --explore"},
    {"nil",
     "Go's word for 'nothing here': a missing child node or an empty slot. The traces keep "
     "it because the lessons come from Go programs.",
     "racedemo trie-race --explore"},
    {"mutex",
     "A lock that only one thread holds at a time; the others wait until it is unlocked. "
     "Every access to the data it guards must take it.",
     "racedemo explain trie-race"},
    {"reader/writer lock",
     "Many readers at once, or one writer alone (Go's RWMutex). Whether it beats a mutex has "
     "to be measured.",
     "racedemo explain rwmutex-cache"},
    {"writer-preferring",
     "A reader/writer lock's policy: a waiting writer keeps new readers out (Go's RWMutex). "
     "Reader-preferring lets them in, and a stream of readers can starve the writer.",
     "racedemo rwmutex-recursive --explore"},
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
     "racedemo explain stack"},
    {"real mode",
     "The scenario on real OS threads: many runs, each in a child process, with an outcome "
     "histogram. What happens depends on the machine; its order of steps is approximate.",
     "racedemo stack --runs 20"},
    {"run, round",
     "A real-mode run is one child process (a trial); it repeats the scenario many times, "
     "and each repetition is a round. A watchdog ends a run that hangs or deadlocks.",
     "racedemo lock-order --runs 10"},
    {"model mode",
     "The scenario's threads run one step at a time under a deterministic scheduler, so a run "
     "can be replayed exactly and every schedule can be tried.",
     "racedemo stack --mode model --seed 3"},
    {"exploration",
     "Running every schedule (--explore) and keeping the shortest bad one. A search cut short "
     "by its budget or its bound proves nothing, so it says NO BUG FOUND, never CLEAN.",
     "racedemo stack --explore"},
    {"partial-order reduction",
     "Two schedules that differ only in the order of steps that do not affect each other "
     "(different cells, or two reads) end the same way, so an exploration runs one of them. "
     "That is why it needs far fewer schedules than there are orders.",
     "racedemo trie-race --explore --threads 3 --reduction none (then without it)"},
    {"pct",
     "Probabilistic concurrency testing (--strategy pct): random thread priorities with a few "
     "change points, which find bugs of a small depth with a known probability.",
     "racedemo trie-race --strategy pct --runs 1000 --threads 8"},
};

}  // namespace

std::optional<std::string_view> glossary_meaning(std::string_view term) {
    for (const Term& entry : kTerms)
        if (entry.term == term) return entry.meaning;
    return std::nullopt;
}

std::string render_glossary(const Style& style) {
    std::string out = style.strong("Glossary") + "\n";
    for (const Term& term : kTerms) {
        out += fmt::format("\n{}\n", style.strong(term.term));
        for (const std::string& line :
             text::wrap(term.meaning, static_cast<std::size_t>(style.width()) - 2))
            out += "  " + line + "\n";
        out += style.dim(fmt::format("  see: {}", term.shown_by)) + "\n";
    }
    return out;
}

}  // namespace racedemo
