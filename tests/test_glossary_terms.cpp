// The glossary defines the words the output prints: each word a teacher found undefined is found
// by the glossary's lookup, and each entry's "see:" command prints one of the entry's words.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "present/glossary.hpp"
#include "process.hpp"
#include "test_scale.hpp"

using racedemo::glossary_entry;
using racedemo::GlossaryTerm;
using racedemo::testing::run_racedemo;

namespace {

#ifdef RACEDEMO_HAS_DETECTOR
constexpr bool kHasTwin = true;
#else
constexpr bool kHasTwin = false;  // no racedemo-tsan beside racedemo: --detector tsan fails
#endif

// The words a teacher found in the output and not in the glossary.
const std::vector<std::string_view> kTeacherWords = {
    // What went wrong, and the trace's names.
    "torn entry", "missing keys", "torn write", "unread", "t0", "t1", "n1", "n2", "n3", "n4", "n5",
    "rlock", "runlock",
    // The search, real threads and the detector.
    "reads-from reduction", "INCOMPLETE", "bug depth", "trial", "watchdog", "ThreadSanitizer",
    "happens-before", "starvation", "abandoned lock", "NO BUG SEEN",
    // The --bench tables.
    "median", "range", "ratio", "tie", "winner", "unsync", "read_pct", "work_ns", "writer-first",
    "reader-first", "read@w-first", "read@r-first"};

// A glossary command line as argv: its words after "racedemo", up to its note in brackets.
std::vector<std::string> command_of(std::string_view shown_by) {
    std::istringstream words(std::string(shown_by.substr(0, shown_by.find(" ("))));
    std::vector<std::string> args;
    for (std::string word; words >> word;) args.push_back(word);
    if (!args.empty() && args.front() == "racedemo") args.erase(args.begin());
    return args;
}

// The text in lower case, each run of spaces and line breaks one space: a report wraps its lines
// ("under sequential\n  consistency").
std::string lowered(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (space && !out.empty() && out.back() == ' ') continue;
        out += space ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// The entry's term and its other words.
std::vector<std::string_view> names_of(const GlossaryTerm& entry) {
    std::vector<std::string_view> words{entry.term};
    for (std::string_view other : entry.also)
        if (!other.empty()) words.push_back(other);
    return words;
}

// Whether racedemo `args` exits 0 or 1 and prints one of `words`, in any case. Real threads and
// benchmarks differ from one run to the next (a torn write shows in some runs, not all): up to
// three tries.
bool prints_one_of(const std::vector<std::string>& args,
                   const std::vector<std::string_view>& words) {
    for (int attempt = 0; attempt < 3; ++attempt) {
        const auto run = run_racedemo(args);
        if (run.exit_code != 0 && run.exit_code != 1) return false;
        const std::string out = lowered(run.out + run.err);
        for (std::string_view word : words)
            if (out.find(lowered(word)) != std::string::npos) return true;
    }
    return false;
}

// Words whose entry's command shows the thing without printing the word, and a command that
// prints it (the older entries' commands show the idea, not the name). `printed`: what the
// output says for it, when not the word itself.
struct Elsewhere {
    std::string_view word;
    std::vector<std::string> args;
    std::string_view why;
    std::string_view printed = {};
    bool needs_twin = false;  // printed by racedemo-tsan's report only (--detector tsan)

    std::string_view shown() const { return printed.empty() ? word : printed; }
};
const std::vector<Elsewhere> kElsewhere = {
    {"data race",
     {"counter", "--detector", "tsan", "--runs", "2"},
     "no run names it but ThreadSanitizer's report",
     {},
     true},
    {"race condition", {"--help"}, "a run shows one without naming it; the help's first line does"},
    {"interleaving",
     {"counter", "--runs", "2"},
     "an exploration shows interleavings; a real run's noise line names them"},
    {"critical section", {"explain", "trie-race"}, "the lesson names it, the trace shows it"},
    {"check-then-act", {"explain", "trie-race"}, "the lesson names it, the trace shows it"},
    {"channel", {"explain", "job-queue"}, "a trace says send and recv; the lesson, channel"},
    {"partial-order reduction",
     {"trie-race", "--explore", "--threads", "3"},
     "its command runs without it, for the contrast; the note says to run it again with it"},
    {"lost update",
     {"counter", "--explore"},
     "never printed: a trace marks the write that loses one 'overwrites'",
     "overwrites"},
    // The teacher's words that their entry's command does not print.
    {"torn entry", {"unsafe-map"}, "real runs' outcome; a model run's evidence names no outcome"},
    {"trial", {"counter", "--help"}, "said by --runs and --timeout; reports say run"},
    {"bug depth", {"counter", "--help"}, "a pct run's heading says 'depth 2'; --depth's help"},
    {"range", {"rwmutex-recursive", "--bench", "--json"}, "the text shows only medians"},
};

const Elsewhere* elsewhere(std::string_view word) {
    for (const Elsewhere& entry : kElsewhere)
        if (lowered(entry.word) == lowered(word)) return &entry;
    return nullptr;
}

}  // namespace

TEST_CASE("every word the teacher found undefined is in the glossary, by its own name") {
    for (std::string_view word : kTeacherWords) {
        CAPTURE(word);
        REQUIRE(glossary_entry(word) != nullptr);
        CHECK(racedemo::glossary_meaning(word) == glossary_entry(word)->meaning);
    }
    // Lookup ignores case: the verdicts are in capitals, a student types them in lower case.
    CHECK(glossary_entry("incomplete") == glossary_entry("INCOMPLETE"));
    CHECK(glossary_entry("threadsanitizer") == glossary_entry("ThreadSanitizer"));
    CHECK(glossary_entry("no such word") == nullptr);
    // Words that name what an older entry defines find that entry.
    CHECK(glossary_entry("torn entry")->term == "torn read");
    CHECK(glossary_entry("trial")->term == "run, round");
    CHECK(glossary_entry("t1") == glossary_entry("t0"));
    CHECK(glossary_entry("n5") == glossary_entry("n1"));
    CHECK(glossary_entry("tie") == glossary_entry("winner"));
    CHECK(glossary_entry("abandoned lock")->term == "abandoned lock");
    // No run prints "NO BUG SEEN": the verdict of an unsafe real run that saw nothing is NO BUG
    // FOUND, whose entry the teacher's name finds.
    CHECK(glossary_entry("NO BUG SEEN")->term == "NO BUG FOUND");
}

TEST_CASE("every glossary entry's other words are its own, and each term is one entry's") {
    std::vector<std::string> seen;
    for (const GlossaryTerm& entry : racedemo::glossary_terms())
        for (std::string_view word : names_of(entry)) {
            CAPTURE(word);
            CHECK(std::find(seen.begin(), seen.end(), lowered(word)) == seen.end());
            seen.push_back(lowered(word));
            CHECK(glossary_entry(word) == &entry);
        }
}

TEST_CASE("each glossary entry's command runs and prints one of the entry's words" *
          kCourseOutput) {
    // Under sanitizer scale, every third entry (test_scale.hpp).
    std::vector<const GlossaryTerm*> entries;
    for (const GlossaryTerm& entry : racedemo::glossary_terms()) entries.push_back(&entry);
    for (const GlossaryTerm* entry : racedemo::testing::sample_of(entries)) {
        const std::vector<std::string> args = command_of(entry->shown_by);
        CAPTURE(entry->shown_by);
        REQUIRE(!args.empty());
        if (const Elsewhere* other = elsewhere(entry->term)) {
            // The command still runs; its word is checked where it is printed (below).
            const int code = run_racedemo(args).exit_code;
            CHECK((code == 0 || code == 1));
            CAPTURE(other->why);
            if (!other->needs_twin || kHasTwin) {
                CHECK(prints_one_of(other->args, {other->shown()}));
            }
            continue;
        }
        CHECK(prints_one_of(args, names_of(*entry)));
    }
}

TEST_CASE("each word the teacher found is printed by its entry's command, or by another" *
          kCourseOutput) {
    for (std::string_view word : racedemo::testing::sample_of(kTeacherWords)) {
        CAPTURE(word);
        const GlossaryTerm* entry = glossary_entry(word);
        REQUIRE(entry != nullptr);
        if (word == "NO BUG SEEN") continue;  // printed nowhere (the first test case)
        if (word == "ratio") {
            // Printed as a number: "tie  1.36x", "writer-first  14.72x".
            const auto run = run_racedemo(command_of(entry->shown_by));
            CHECK(std::regex_search(run.out, std::regex(R"((tie|first) +[0-9]+\.[0-9]{2}x)")));
            continue;
        }
        const Elsewhere* other = elsewhere(word);
        CAPTURE(other != nullptr ? other->why : "");
        CHECK(prints_one_of(other != nullptr ? other->args : command_of(entry->shown_by),
                            {other != nullptr ? other->shown() : word}));
    }
}
