#include "present/glossary.hpp"

#include <fmt/format.h>

#include <string_view>
#include <utility>

#include "present/text.hpp"

namespace racedemo {
namespace {

constexpr std::pair<std::string_view, std::string_view> kTerms[] = {
    {"race condition",
     "The result depends on the order in which threads happen to run; some orders are wrong."},
    {"data race",
     "Two threads touch the same memory at the same time, at least one writes, and nothing "
     "orders them. In C++ that is undefined behaviour."},
    {"lost update",
     "Two threads read the same old value and both write a new one: one write overwrites the "
     "other and its work is gone."},
    {"critical section",
     "The steps that must run without another thread in between, such as read, add one, write."},
    {"mutex", "A lock only one thread holds at a time; the others wait until it is unlocked."},
    {"reader/writer lock",
     "Many readers at once, or one writer alone. Whether it beats a mutex has to be measured."},
    {"channel",
     "A queue between threads that blocks: a send waits for room (unbuffered: for a receiver), "
     "a receive for a value. Each value goes to exactly one receiver."},
    {"writer-preferring",
     "A reader/writer lock's policy: a waiting writer keeps new readers out (Go's RWMutex). "
     "Reader-preferring lets them in, and a stream of readers can starve the writer."},
    {"deadlock",
     "Threads wait for each other in a cycle, each holding what the next one needs: none moves."},
    {"lock-order inversion",
     "One thread takes lock a then b, another b then a. Not yet a deadlock, but the schedule "
     "that interleaves them is one: the potential deadlock ThreadSanitizer also reports."},
    {"step", "One access to shared state or one lock operation: where threads may switch."},
    {"waits",
     "A step of a thread that finds its lock taken: from it on the thread is blocked, and its "
     "next step takes the lock, once the holder lets it go."},
    {"schedule",
     "Which thread takes each step, as a list of thread numbers; replay one with --schedule."},
    {"preemption", "A switch away from a thread that could have gone on."},
    {"model mode",
     "The scenario's threads run one step at a time under a deterministic scheduler, so a run "
     "can be replayed exactly."},
    {"exploration",
     "Running every schedule (--explore), merging those that cannot differ (the reduction). "
     "Cut short by a budget or bound it proves nothing: NO BUG FOUND, never CLEAN."},
    {"pct",
     "Probabilistic concurrency testing (--strategy pct): random thread priorities with a few "
     "change points, which find bugs of a small depth with a known probability."},
};

}  // namespace

std::string render_glossary(const Style& style) {
    std::string out = style.strong("Glossary") + "\n";
    for (const auto& [term, meaning] : kTerms) {
        out += fmt::format("\n{}\n", style.strong(term));
        for (const std::string& line :
             text::wrap(meaning, static_cast<std::size_t>(style.width()) - 2))
            out += "  " + line + "\n";
    }
    return out;
}

}  // namespace racedemo
