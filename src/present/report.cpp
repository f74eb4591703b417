#include "present/report.hpp"

#include <fmt/color.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace racedemo {
namespace {

constexpr int kBarWidth = 30;
constexpr int kScreenWidth = 80;
constexpr std::size_t kStepsAfterLastDamage = 4;

std::string heading(const RunHeader& header, std::string_view what) {
    return fmt::format("{:02} {} · {} · {} · {} thread{} · {}", header.scenario->number,
                       header.scenario->name, header.mode, header.variant, header.threads,
                       header.threads == 1 ? "" : "s", what);
}

std::string bar(int count, int most) {
    int width = most == 0 ? 0 : static_cast<int>(std::lround(kBarWidth * double(count) / most));
    if (count > 0) width = std::max(width, 1);
    std::string text;
    for (int i = 0; i < width; ++i) text += "█";
    return text;
}

// Pads `text` to `width` display columns (ASCII and the few UTF-8 symbols reports use).
std::string pad(std::string text, std::size_t width) {
    std::size_t columns = 0;
    for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
    if (columns < width) text.append(width - columns, ' ');
    return text;
}

std::string clip(const std::string& text, std::size_t width) {
    std::size_t columns = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++columns > width) {
            std::size_t cut = i;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
            return text.substr(0, cut - 1) + "~";
        }
    }
    return text;
}

std::string step_text(const TraceEvent& event) {
    switch (event.op) {
        case Op::read:
            return fmt::format("read  {} -> {}", event.target, event.value);
        case Op::write:
            return fmt::format("write {} <- {}", event.target, event.value);
        default:
            return fmt::format("{} {}", op_name(event.op), event.target);
    }
}

nlohmann::json header_json(const RunHeader& header) {
    return {{"scenario", header.scenario->name},
            {"number", header.scenario->number},
            {"variant", fmt::format("{}", header.variant)},
            {"mode", fmt::format("{}", header.mode)},
            {"threads", header.threads}};
}

nlohmann::json trace_json(const Trace& trace) {
    nlohmann::json events = nlohmann::json::array();
    for (const TraceEvent& event : trace.events) {
        events.push_back({{"step", event.step},
                          {"thread", event.thread},
                          {"op", op_name(event.op)},
                          {"target", event.target},
                          {"value", event.value},
                          {"operation", event.operation},
                          {"note", event.note}});
    }
    return events;
}

}  // namespace

std::string Style::bad(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold, "{}", text);
}
std::string Style::good(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold, "{}",
                       text);
}
std::string Style::strong(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::emphasis::bold, "{}", text);
}
std::string Style::dim(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::fg(fmt::terminal_color::bright_black), "{}", text);
}
std::string Style::thread(int thread, std::string_view text) const {
    if (!color_) return std::string(text);
    static constexpr fmt::terminal_color lanes[] = {
        fmt::terminal_color::cyan, fmt::terminal_color::yellow, fmt::terminal_color::magenta,
        fmt::terminal_color::blue, fmt::terminal_color::green};
    return fmt::format(fmt::fg(lanes[(thread - 1) % 5]), "{}", text);
}

bool verdict_corrupt(const RealResult& result) {
    return result.corrupt();
}
bool verdict_corrupt(const ModelResult& result) {
    return result.schedules_corrupt > 0 || result.shown.outcome.corrupted;
}

std::string render_real(const RunHeader& header, const RealOptions& options,
                        const RealResult& result, const Style& style) {
    std::string out = style.strong(heading(header, fmt::format("{} run{}", options.runs,
                                                               options.runs == 1 ? "" : "s"))) +
                      "\n";
    std::size_t label_width = 7;
    int most = 0;
    for (const auto& [label, count] : result.outcomes.rows) {
        label_width = std::max(label_width, label.size());
        most = std::max(most, count);
    }
    label_width = std::min<std::size_t>(label_width, 40);
    out += style.dim(fmt::format(" {} {:>5}", pad("outcome", label_width), "runs")) + "\n";
    for (const auto& [label, count] : result.outcomes.rows) {
        std::string row =
            fmt::format(" {} {:>5}  ", pad(clip(label, label_width), label_width), count);
        std::string drawn = bar(count, most);
        out += row + (label == "clean" ? style.good(drawn) : style.bad(drawn)) + "\n";
    }
    if (result.first_bad) {
        const TrialResult& first = *result.first_bad;
        out += fmt::format(" first corruption: run {}, round {}, {:.1f} ms into the run\n",
                           *result.first_corrupt_run, first.rounds, *result.first_corruption_ms);
        out += fmt::format("   {}\n", first.outcome.evidence);
        if (first.trace && !first.trace->events.empty()) {
            out += style.dim(" observed order of the steps around it (real threads, timestamps):") +
                   "\n";
            out += render_swimlanes(*first.trace, style);
        }
    }
    if (result.runs_done < result.runs_requested)
        out += fmt::format(" {} after {} of {} runs{}\n",
                           result.interrupted_by != 0 ? style.bad("interrupted") : "stopped",
                           result.runs_done, result.runs_requested,
                           result.interrupted_by != 0
                               ? fmt::format(" ({})", signal_name(result.interrupted_by))
                               : "");
    int bad = result.corrupted_runs + result.crashed_runs + result.hung_runs + result.failed_runs;
    if (verdict_corrupt(result)) {
        out += fmt::format(
            "{} {} of {} runs went wrong ({} corrupted, {} crashed, {} hung); first: {}\n",
            style.bad("CORRUPTED:"), bad, result.runs_done, result.corrupted_runs,
            result.crashed_runs, result.hung_runs,
            result.first_bad ? result.first_bad->outcome.evidence : "");
    } else {
        out +=
            fmt::format("{} {} of {} runs, {} rounds in all, no corruption\n", style.good("CLEAN:"),
                        result.runs_done, result.runs_done, result.rounds_total);
    }
    return out;
}

nlohmann::json real_json(const RunHeader& header, const RealOptions& options,
                         const RealResult& result) {
    nlohmann::json json = header_json(header);
    nlohmann::json outcomes = nlohmann::json::object();
    for (const auto& [label, count] : result.outcomes.rows) outcomes[label] = count;
    json["runs"] = result.runs_done;
    json["runs_requested"] = options.runs;
    json["verdict"] = verdict_corrupt(result) ? "corrupted" : "clean";
    json["outcomes"] = outcomes;
    json["corrupted_runs"] = result.corrupted_runs;
    json["crashed_runs"] = result.crashed_runs;
    json["hung_runs"] = result.hung_runs;
    json["failed_runs"] = result.failed_runs;
    json["rounds"] = result.rounds_total;
    json["elapsed_ms"] = result.elapsed_ms;
    json["interrupted"] = result.interrupted_by != 0;
    json["timeout_seconds"] = options.timeout_seconds;
    json["first_corruption_ms"] =
        result.first_corruption_ms ? nlohmann::json(*result.first_corruption_ms) : nullptr;
    json["first_corrupt_run"] =
        result.first_corrupt_run ? nlohmann::json(*result.first_corrupt_run) : nullptr;
    json["evidence"] = result.first_bad ? result.first_bad->outcome.evidence : "";
    json["trace"] = result.first_bad && result.first_bad->trace
                        ? trace_json(*result.first_bad->trace)
                        : nlohmann::json::array();
    return json;
}

std::string render_swimlanes(const Trace& trace, const Style& style) {
    if (trace.events.empty()) return {};
    // Lanes only for the threads that took a step here: a window of a real run with 8 threads
    // usually involves two or three of them.
    std::vector<int> lane_threads;
    for (const TraceEvent& event : trace.events)
        if (std::find(lane_threads.begin(), lane_threads.end(), event.thread) == lane_threads.end())
            lane_threads.push_back(event.thread);
    std::sort(lane_threads.begin(), lane_threads.end());
    auto lane_label = [&](int thread) {
        std::size_t index = static_cast<std::size_t>(thread - 1);
        std::string label = fmt::format("T{}", thread);
        if (index < trace.lanes.size() && !trace.lanes[index].empty())
            label += " " + trace.lanes[index];
        return label;
    };

    // More lanes than fit side by side: one step a line, each tagged with its thread.
    const bool side_by_side = lane_threads.size() <= 3;
    const std::size_t lanes = side_by_side ? lane_threads.size() : 1;
    const std::size_t lane_width = std::max<std::size_t>(18, (kScreenWidth - 7) / lanes - 1);
    auto column_of = [&](int thread) -> std::size_t {
        if (!side_by_side) return 0;
        return static_cast<std::size_t>(
            std::find(lane_threads.begin(), lane_threads.end(), thread) - lane_threads.begin());
    };
    auto line = [&](int step, int thread, std::string text, bool mark) {
        std::string row = step > 0 ? style.dim(fmt::format("{:>5}  ", step)) : std::string(7, ' ');
        std::size_t indent = column_of(thread) * (lane_width + 1);
        if (!side_by_side && !mark) text = fmt::format("T{} {}", thread, text);
        // A damage mark may use the rest of the line; when it does not fit there, it starts
        // at the left edge instead of being cut.
        std::size_t columns = 0;
        for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
        if (mark && indent + columns > kScreenWidth - 7) indent = 0;
        row += std::string(indent, ' ');
        std::string cell = clip(text, mark ? kScreenWidth - 7 - indent : lane_width);
        return row + (mark ? style.bad(cell) : style.thread(thread, cell)) + "\n";
    };

    std::string out = style.dim(" step  ");
    if (side_by_side) {
        for (int thread : lane_threads)
            out += style.strong(pad(clip(lane_label(thread), lane_width), lane_width + 1));
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\n";
    } else {
        out += "thread and step\n";
    }

    const int most_threads = std::max(static_cast<int>(trace.lanes.size()), lane_threads.back());
    std::vector<std::string> operation(static_cast<std::size_t>(most_threads));
    for (int thread : lane_threads) {
        std::size_t index = static_cast<std::size_t>(thread - 1);
        if (index < trace.lanes.size()) operation[index] = side_by_side ? trace.lanes[index] : "";
    }
    for (const TraceEvent& event : trace.events) {
        std::string& current = operation[static_cast<std::size_t>(event.thread - 1)];
        if (event.operation != current) {
            current = event.operation;
            if (!current.empty()) out += line(0, event.thread, "· " + current, false);
        }
        out += line(event.step, event.thread, step_text(event), false);
        if (!event.note.empty()) out += line(0, event.thread, "! " + event.note, true);
    }
    return out;
}

std::string render_model(const RunHeader& header, const ModelOptions& options,
                         const ModelResult& result, const std::string& replay_command,
                         const Style& style) {
    const ModelRun& run = result.shown;
    std::string what;
    switch (options.strategy) {
        case Strategy::replay:
            what = "replayed schedule";
            break;
        case Strategy::random:
        case Strategy::pct:
            what = fmt::format("random schedule, seed {}", options.seed);
            break;
        case Strategy::explore:
            what = run.outcome.corrupted ? "shortest schedule that corrupts"
                                         : "every schedule clean; the first one shown";
            break;
    }
    std::string out = style.strong(heading(header, what)) + "\n";
    // The story ends a few steps after the last damage; the rest is the threads running to
    // their end, counted rather than drawn (--json has every step).
    Trace story = run.trace;
    std::size_t last_damage = 0;
    for (std::size_t index = 0; index < story.events.size(); ++index)
        if (!story.events[index].note.empty()) last_damage = index + 1;
    std::string rest;
    if (last_damage > 0 && story.events.size() > last_damage + kStepsAfterLastDamage) {
        std::map<int, int> per_thread;
        for (std::size_t index = last_damage + kStepsAfterLastDamage; index < story.events.size();
             ++index)
            ++per_thread[story.events[index].thread];
        std::vector<std::string> counts;
        for (auto [thread, steps] : per_thread)
            counts.push_back(fmt::format("T{} {}", thread, steps));
        rest = style.dim(fmt::format("   ... {} more steps to the end ({})",
                                     story.events.size() - last_damage - kStepsAfterLastDamage,
                                     fmt::join(counts, ", "))) +
               "\n";
        story.events.resize(last_damage + kStepsAfterLastDamage);
    }
    out += render_swimlanes(story, style) + rest;
    if (options.strategy == Strategy::explore) {
        out += fmt::format(
            " explored {} schedule{}{}, {} corrupt{}; {} steps{}\n", result.schedules_explored,
            result.schedules_explored == 1 ? "" : "s",
            options.reduction == Reduction::dpor ? " (partial-order reduction)" : " (no reduction)",
            result.schedules_corrupt,
            options.preemption_bound >= 0
                ? fmt::format(", at most {} preemptions", options.preemption_bound)
                : "",
            result.steps,
            result.complete ? ", complete" : ", INCOMPLETE (budget or bound reached)");
    }
    if (run.outcome.corrupted) {
        out += fmt::format("{} {}\n", style.bad("CORRUPTED:"),
                           run.outcome.evidence.empty() ? run.outcome.label : run.outcome.evidence);
    } else {
        out +=
            fmt::format("{} {}\n", style.good("CLEAN:"),
                        options.strategy == Strategy::explore
                            ? fmt::format("no schedule of {} corrupts", result.schedules_explored)
                            : std::string("this schedule corrupts nothing"));
    }
    out += style.dim(fmt::format(" replay: {}", replay_command)) + "\n";
    return out;
}

nlohmann::json model_json(const RunHeader& header, const ModelOptions& options,
                          const ModelResult& result, const std::string& replay_command) {
    nlohmann::json json = header_json(header);
    nlohmann::json outcomes = nlohmann::json::object();
    for (const auto& [label, count] : result.outcomes) outcomes[label] = count;
    const bool corrupt = verdict_corrupt(result);
    json["runs"] = result.schedules_explored;
    json["verdict"] = corrupt ? "corrupted" : "clean";
    json["outcomes"] = outcomes;
    json["corrupted_runs"] = result.schedules_corrupt;
    json["crashed_runs"] = 0;
    json["hung_runs"] = 0;
    json["first_corruption_ms"] = nullptr;
    json["evidence"] = result.shown.outcome.evidence;
    json["strategy"] = options.strategy == Strategy::replay   ? "replay"
                       : options.strategy == Strategy::random ? "random"
                       : options.strategy == Strategy::pct    ? "pct"
                                                              : "explore";
    json["seed"] = options.seed;
    json["reduction"] = options.reduction == Reduction::dpor ? "dpor" : "none";
    json["preemption_bound"] =
        options.preemption_bound >= 0 ? nlohmann::json(options.preemption_bound) : nullptr;
    json["schedules_explored"] = result.schedules_explored;
    json["schedules_corrupt"] = result.schedules_corrupt;
    json["complete"] = result.complete;
    json["steps"] = result.steps;
    json["elapsed_ms"] = result.elapsed_ms;
    json["schedule"] = result.shown.schedule;
    json["shortest_schedule"] =
        result.shortest_schedule ? nlohmann::json(*result.shortest_schedule) : nullptr;
    json["preemptions"] = result.shown.preemptions;
    json["deadlock"] = result.shown.deadlock;
    json["replay"] = replay_command;
    json["trace"] = trace_json(result.shown.trace);
    return json;
}

namespace {

// The two variants a bench table ranks (the first two that are not for reference).
std::pair<std::size_t, std::size_t> ranked_pair(const BenchTable& table) {
    std::vector<std::size_t> ranked;
    for (std::size_t index = 0; index < table.variants.size(); ++index)
        if (std::find(table.reference.begin(), table.reference.end(), table.variants[index]) ==
            table.reference.end())
            ranked.push_back(index);
    return {ranked.at(0), ranked.at(1)};
}

enum class BenchWinner { first, second, tie };

// Within kBenchTie of each other, two variants tie: a closer lead is within a quiet machine's
// noise from one run to the next.
BenchWinner bench_winner(double first_ns, double second_ns) {
    if (second_ns * kBenchTie < first_ns) return BenchWinner::second;
    if (first_ns * kBenchTie < second_ns) return BenchWinner::first;
    return BenchWinner::tie;
}

std::string describe_row(const BenchTable& table, const BenchRow& row) {
    std::vector<std::string> parts;
    for (std::size_t index = 0; index < table.parameters.size(); ++index)
        parts.push_back(fmt::format("{} {}", table.parameters[index], row.parameters[index]));
    return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace

std::string render_bench(const RunHeader& header, const BenchSettings& settings,
                         const BenchTable& table, const Style& style) {
    auto [first, second] = ranked_pair(table);
    const std::string& a = table.variants[first];
    const std::string& b = table.variants[second];
    std::string out = style.strong(fmt::format("{:02} {} · bench · {}", header.scenario->number,
                                               header.scenario->name, table.title)) +
                      "\n";
    out += style.dim(fmt::format(
               " median of {} samples of {:g} ms per cell, each after {:g} ms of warm-up; lower "
               "is better;\n the bar grows with the winner's lead; within {:.0f}% it is a tie",
               settings.repetitions, settings.seconds_per_sample * 1000,
               settings.warmup_seconds_per_sample * 1000, (kBenchTie - 1) * 100)) +
           "\n";
    std::string head = " ";
    for (const std::string& name : table.parameters) head += fmt::format("{:>9}", name);
    for (const std::string& name : table.variants) head += fmt::format("{:>13}", name);
    out += style.dim(head + "  winner") + "\n";

    int b_loses = 0, b_wins = 0;
    const BenchRow* worst = nullptr;
    const BenchRow* best = nullptr;
    double worst_ratio = 1, best_ratio = 1;
    for (const BenchRow& row : table.rows) {
        std::string line = " ";
        for (int value : row.parameters) line += fmt::format("{:>9}", value);
        for (double ns : row.ns_per_op) line += fmt::format("{:>13.1f}", ns);
        const double a_ns = row.ns_per_op[first], b_ns = row.ns_per_op[second];
        const BenchWinner winner = bench_winner(a_ns, b_ns);
        const double ratio = b_ns < a_ns ? a_ns / b_ns : b_ns / a_ns;
        if (winner == BenchWinner::tie) {
            out += line + fmt::format("  {:<12} {:>5.2f}x", "tie", ratio) + "\n";
            continue;
        }
        const bool b_won = winner == BenchWinner::second;
        int length = std::clamp(static_cast<int>(std::lround(std::log2(ratio) * 6)), 1, 12);
        std::string drawn;
        for (int i = 0; i < length; ++i) drawn += "█";
        out += line + fmt::format("  {:<12} {:>5.2f}x ", b_won ? b : a, ratio) +
               (b_won ? style.good(drawn) : style.bad(drawn)) + "\n";
        if (!b_won) {
            ++b_loses;
            if (ratio > worst_ratio) worst_ratio = ratio, worst = &row;
        } else {
            ++b_wins;
            if (ratio > best_ratio) best_ratio = ratio, best = &row;
        }
    }
    const int rows = static_cast<int>(table.rows.size());
    if (worst != nullptr)
        out += fmt::format(
            " {} {} loses to {} in {} of {} rows; at worst it is {:.1f}x slower ({}).\n",
            style.bad("Where it loses:"), b, a, b_loses, rows, worst_ratio,
            describe_row(table, *worst));
    if (best != nullptr)
        out += fmt::format(" {} {} beats {} in {} of {} rows; at best it is {:.1f}x faster ({}).\n",
                           style.good("Where it wins:"), b, a, b_wins, rows, best_ratio,
                           describe_row(table, *best));
    if (rows - b_loses - b_wins > 0)
        out += fmt::format(" Ties: {} of {} rows, where neither is {:.0f}% faster.\n",
                           rows - b_loses - b_wins, rows, (kBenchTie - 1) * 100);
    return out;
}

nlohmann::json bench_json(const RunHeader& header, const BenchSettings& settings,
                          const BenchTable& table) {
    nlohmann::json json = header_json(header);
    nlohmann::json rows = nlohmann::json::array();
    for (const BenchRow& row : table.rows) {
        nlohmann::json entry = nlohmann::json::object();
        for (std::size_t index = 0; index < table.parameters.size(); ++index)
            entry[table.parameters[index]] = row.parameters[index];
        for (std::size_t index = 0; index < table.variants.size(); ++index)
            entry[table.variants[index] + "_ns"] = row.ns_per_op[index];
        auto [first, second] = ranked_pair(table);
        switch (bench_winner(row.ns_per_op[first], row.ns_per_op[second])) {
            case BenchWinner::first:
                entry["winner"] = table.variants[first];
                break;
            case BenchWinner::second:
                entry["winner"] = table.variants[second];
                break;
            case BenchWinner::tie:
                entry["winner"] = "tie";
                break;
        }
        rows.push_back(std::move(entry));
    }
    json["mode"] = "bench";
    json["bench"] = rows;
    json["bench_title"] = table.title;
    json["bench_repetitions"] = settings.repetitions;
    json["bench_sample_ms"] = settings.seconds_per_sample * 1000;
    json["bench_warmup_ms"] = settings.warmup_seconds_per_sample * 1000;
    return json;
}

}  // namespace racedemo
