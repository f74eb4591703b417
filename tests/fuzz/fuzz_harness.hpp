// The fuzz harness of the command line, shared by the libFuzzer target (fuzz_cli.cpp, `make fuzz`)
// and by the regression test that replays the corpus and every crash ever found
// (test_fuzz_replay.cpp, part of `make test`).
//
// One input is used twice:
//  - split into argv words, it goes to parse_request. Words end at '\n' or '\0'; a separator
//    at the very end closes the last word instead of starting an empty one, so a corpus file is
//    one word a line. At most kMaxWords words.
//  - as text (without one trailing '\n'), it goes to parse_schedule, with 1 to 8 threads.
// The contract: each call returns a valid result or throws racedemo::UsageError. Any other
// exception, or a result that breaks what the caller relies on, is a bug; a crash, a memory error
// or undefined behaviour is one too (the sanitizers catch those).
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <typeinfo>
#include <vector>

#include "cli/parse.hpp"

namespace racedemo::fuzz {

constexpr std::size_t kMaxWords = 32;
constexpr int kMaxScheduleThreads = 8;

inline std::vector<std::string> split_words(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> words;
    std::string word;
    bool open = false;  // a word has begun (possibly empty) and is not closed yet
    for (std::size_t i = 0; i < size && words.size() < kMaxWords; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n' || c == '\0') {
            words.push_back(std::move(word));
            word.clear();
            open = false;
        } else {
            word.push_back(c);
            open = true;
        }
    }
    if (open && words.size() < kMaxWords) words.push_back(std::move(word));
    return words;
}

// What an exception that is not a UsageError says, for the report.
inline std::string describe_exception(const std::exception_ptr& error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return std::string(typeid(e).name()) + ": " + e.what();
    } catch (...) {
        return "an exception that is not a std::exception";
    }
}

inline std::string quote(const std::vector<std::string>& words) {
    std::string text;
    for (const std::string& word : words) {
        if (!text.empty()) text += ' ';
        text += '\'';
        for (char c : word) {
            if (static_cast<unsigned char>(c) < 0x20 || c == '\'' || c == '\\') {
                static const char hex[] = "0123456789abcdef";
                text += "\\x";
                text += hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
                text += hex[static_cast<unsigned char>(c) & 0xf];
            } else {
                text += c;
            }
        }
        text += '\'';
    }
    return text;
}

// Checks a schedule parse_schedule returned for `text` and `threads`.
inline std::string check_schedule(const std::vector<int>& schedule, const std::string& text,
                                  int threads) {
    std::size_t commas = 0;
    for (char c : text) commas += c == ',';
    if (schedule.size() != commas + 1)
        return "parse_schedule returned " + std::to_string(schedule.size()) + " steps for " +
               std::to_string(commas + 1) + " comma-separated items";
    for (int thread : schedule)
        if (thread < 1 || thread > threads)
            return "parse_schedule returned thread " + std::to_string(thread) + " with " +
                   std::to_string(threads) + " threads";
    return {};
}

// Checks what the caller of parse_request relies on in a request it returned.
inline std::string check_request(const Request& request) {
    if (const auto* explain = std::get_if<ExplainRequest>(&request))
        return explain->scenario == nullptr ? "an explain request without a scenario" : "";
    const auto* run = std::get_if<RunRequest>(&request);
    if (run == nullptr) return {};
    if (run->scenario == nullptr) return "a run request without a scenario";
    if (run->threads < 1 || run->threads < run->scenario->min_threads)
        return "a run request with " + std::to_string(run->threads) + " threads";
    if (run->runner == Runner::model && run->model.strategy == Strategy::replay)
        for (int thread : run->model.schedule)
            if (thread < 1 || thread > run->threads)
                return "a replay schedule naming thread " + std::to_string(thread) + " of " +
                       std::to_string(run->threads);
    if (run->runner == Runner::model && (run->model.runs < 1 || run->model.pct_depth < 1))
        return "a model request with no runs or no depth";
    return {};
}

// Runs one input through both parsers. Returns an empty string when every call kept the contract,
// otherwise what went wrong (the fuzz target aborts with it, the regression test fails with it).
inline std::string check_input(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::string> words = split_words(data, size);
    try {
        const Request request = parse_request(words);
        if (std::string problem = check_request(request); !problem.empty())
            return "parse_request(" + quote(words) + "): " + problem;
    } catch (const UsageError&) {
        // Bad usage, refused with a message: the contract.
    } catch (...) {
        return "parse_request(" + quote(words) + ") threw " +
               describe_exception(std::current_exception());
    }

    std::string text(reinterpret_cast<const char*>(data), size);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    for (int threads = 1; threads <= kMaxScheduleThreads; ++threads) {
        try {
            const std::vector<int> schedule = parse_schedule(text, threads);
            if (std::string problem = check_schedule(schedule, text, threads); !problem.empty())
                return "parse_schedule(" + quote({text}) + ", " + std::to_string(threads) +
                       "): " + problem;
        } catch (const UsageError&) {
        } catch (...) {
            return "parse_schedule(" + quote({text}) + ", " + std::to_string(threads) + ") threw " +
                   describe_exception(std::current_exception());
        }
    }
    return {};
}

}  // namespace racedemo::fuzz
