#include "cli/request.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>

namespace racedemo {
namespace {

void add(std::vector<std::string>& words, std::string option, const auto& value) {
    words.push_back(std::move(option));
    words.push_back(fmt::format("{}", value));
}

void add_real_words(const RunRequest& request, std::vector<std::string>& words) {
    const RealOptions defaults;
    if (request.real.runs != defaults.runs) add(words, "--runs", request.real.runs);
    if (request.real.timeout_seconds != defaults.timeout_seconds)
        add(words, "--timeout", request.real.timeout_seconds);
    // The noise is on by default for the unsafe variant only (parse.cpp).
    if (request.real.noise.on != (request.variant == Variant::unsafe))
        add(words, "--noise", request.real.noise.on ? "on" : "off");
}

void add_explore_words(const ModelOptions& model, std::vector<std::string>& words) {
    const ModelOptions defaults;
    words.push_back("--explore");
    if (model.preemption_bound >= 0) add(words, "--preemptions", model.preemption_bound);
    if (model.budget != defaults.budget) add(words, "--budget", model.budget);
    if (model.reduction != defaults.reduction) add(words, "--reduction", name_of(model.reduction));
}

void add_model_words(const RunRequest& request, std::vector<std::string>& words) {
    const ModelOptions& model = request.model;
    const ModelOptions defaults;
    words.insert(words.end(), {"--mode", "model"});
    if (model.strategy == Strategy::replay || request.threads != request.scenario->default_threads)
        add(words, "--threads", request.threads);
    if (model.max_steps != defaults.max_steps) add(words, "--max-steps", model.max_steps);
    if (model.strategy == Strategy::explore) return add_explore_words(model, words);
    if (model.strategy == Strategy::replay)
        return add(words, "--schedule", schedule_text(model.schedule));
    if (model.strategy == Strategy::pct) add(words, "--strategy", "pct");
    if (model.strategy == Strategy::pct && model.pct_depth != defaults.pct_depth)
        add(words, "--depth", model.pct_depth);
    if (model.runs != defaults.runs) add(words, "--runs", model.runs);
    if (model.seed != defaults.seed) add(words, "--seed", model.seed);
}

void add_runner_words(const RunRequest& request, std::vector<std::string>& words) {
    switch (request.runner) {
        case Runner::model:
            return add_model_words(request, words);
        case Runner::bench:
            words.push_back("--bench");
            return;
        case Runner::detector:
            add(words, "--detector", "tsan");
            [[fallthrough]];
        case Runner::real:
            if (request.threads != request.scenario->default_threads)
                add(words, "--threads", request.threads);
            return add_real_words(request, words);
    }
}

}  // namespace

RunRequest default_run(const Scenario& scenario, Variant variant) {
    RunRequest request;
    request.scenario = &scenario;
    request.variant = scenario.effective(variant);
    request.real.noise.on = request.variant == Variant::unsafe;
    request.threads = scenario.default_threads;
    request.real.threads = scenario.default_threads;
    return request;
}

std::string shell_word(const std::string& word) {
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "abcdefghijklmnopqrstuvwxyz"
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789_./,=:+-@") == std::string::npos;
    if (plain) return word;
    std::string quoted = "'";
    for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

std::vector<std::string> command_words(const RunRequest& request) {
    std::vector<std::string> words;
    // A plugin's scenario is found again only with its plugin (harmless when the path variable
    // loads it too: a plugin named twice is loaded once).
    if (!request.scenario->origin.empty())
        add(words, "--plugin", std::string(request.scenario->origin));
    words.emplace_back(request.scenario->name);
    if (request.variant == Variant::fixed && request.scenario->unsafe != nullptr)
        words.push_back("--fixed");
    if (request.scenario->has_rw_policy && request.policy != RWPolicy::writer_preferring)
        add(words, "--policy", fmt::format("{}", request.policy));
    add_runner_words(request, words);
    if (request.quiz) words.push_back("--quiz");
    if (request.answers) words.push_back("--answers");
    if (request.json) words.push_back("--json");
    if (request.expect != Expectation::none)
        add(words, "--expect", std::string(name_of(request.expect)));
    return words;
}

std::string command_line(const RunRequest& request) {
    std::vector<std::string> words = command_words(request);
    for (std::string& word : words) word = shell_word(word);
    return fmt::format("racedemo {}", fmt::join(words, " "));
}

RunRequest replay_request(const RunRequest& request, const std::vector<int>& schedule) {
    RunRequest replay = default_run(*request.scenario);
    replay.variant = request.variant;
    replay.threads = request.threads;
    replay.policy = request.policy;
    replay.runner = Runner::model;
    replay.model.strategy = Strategy::replay;
    replay.model.schedule = schedule;
    replay.model.max_steps = request.model.max_steps;  // the bound a bounded run replays to
    return replay;
}

std::string replay_command(const RunRequest& request, const std::vector<int>& schedule) {
    return command_line(replay_request(request, schedule));
}

namespace {

constexpr int kMostRepeats = 1'000'000;

// One token of a schedule: "2" or "2x6" (thread 2 for 6 steps); 0 threads on a bad token.
std::pair<int, int> schedule_token(const std::string& token) {
    auto number = [](std::string_view digits) {
        int value = 0;
        auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        const bool whole =
            !digits.empty() && error == std::errc() && stop == digits.data() + digits.size();
        return whole ? value : 0;
    };
    const std::size_t times = token.find('x');
    if (times == std::string::npos) return {number(token), 1};
    const std::string_view text(token);
    const int repeats = number(text.substr(times + 1));
    if (repeats < 1 || repeats > kMostRepeats) return {0, 0};
    return {number(text.substr(0, times)), repeats};
}

}  // namespace

std::vector<int> parse_schedule(const std::string& text, int threads) {
    std::vector<int> schedule;
    std::size_t start = 0;
    for (int position = 1;; ++position) {
        const std::size_t comma = text.find(',', start);
        const std::string token =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto [thread, repeats] = schedule_token(token);
        if (thread < 1)
            throw UsageError(
                fmt::format("--schedule: position {} is '{}', not a thread number (1 to {}) or TxN",
                            position, token, threads));
        if (thread > threads)
            throw UsageError(
                fmt::format("--schedule: position {} names thread {}, but there {} only {}",
                            position, thread, threads == 1 ? "is" : "are", threads));
        schedule.insert(schedule.end(), static_cast<std::size_t>(repeats), thread);
        if (comma == std::string::npos) return schedule;
        start = comma + 1;
    }
}

std::string schedule_text(const std::vector<int>& schedule) {
    std::vector<std::string> tokens;
    for (std::size_t at = 0; at < schedule.size();) {
        std::size_t end = at;
        while (end < schedule.size() && schedule[end] == schedule[at]) ++end;
        const std::size_t repeats = end - at;
        if (repeats >= 3)
            tokens.push_back(fmt::format("{}x{}", schedule[at], repeats));
        else
            for (std::size_t i = 0; i < repeats; ++i)
                tokens.push_back(std::to_string(schedule[at]));
        at = end;
    }
    return fmt::format("{}", fmt::join(tokens, ","));
}

}  // namespace racedemo
