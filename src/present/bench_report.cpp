// The --bench table: text and JSON.
#include <algorithm>
#include <cmath>
#include <optional>

#include "present/report.hpp"
#include "present/run_report.hpp"
#include "present/text.hpp"

namespace racedemo {
namespace {

// The variants a bench table ranks: every one that is not for reference.
std::vector<std::size_t> contenders(const BenchTable& table) {
    std::vector<std::size_t> ranked;
    for (std::size_t index = 0; index < table.variants.size(); ++index)
        if (std::find(table.reference.begin(), table.reference.end(), table.variants[index]) ==
            table.reference.end())
            ranked.push_back(index);
    return ranked;
}

// The pair the summary compares: the first two contenders (the lesson's two locks).
std::pair<std::size_t, std::size_t> ranked_pair(const BenchTable& table) {
    const std::vector<std::size_t> ranked = contenders(table);
    return {ranked.at(0), ranked.at(1)};
}

// Whether variant `a` is faster than `b` beyond the noise: its median leads by more than
// kBenchTie (a closer lead is within a quiet machine's noise from one run to the next), and,
// where the samples are known, its slowest sample beats b's fastest.
bool beats(const BenchRow& row, std::size_t a, std::size_t b) {
    if (!(row.ns_per_op[a] * kBenchTie < row.ns_per_op[b])) return false;
    return row.slowest.empty() || row.slowest[a] < row.fastest[b];
}

// A row's winner, of every contender: the fastest, when it beats each of the others; else none.
// `ratio`: the runner-up's median over the fastest's.
std::optional<std::size_t> row_winner_index(const BenchTable& table, const BenchRow& row,
                                            double& ratio) {
    const std::vector<std::size_t> ranked = contenders(table);
    const auto by_median = [&row](std::size_t a, std::size_t b) {
        return row.ns_per_op[a] < row.ns_per_op[b];
    };
    std::vector<std::size_t> order = ranked;
    std::sort(order.begin(), order.end(), by_median);
    ratio = order.size() < 2 || row.ns_per_op[order[0]] <= 0
                ? 1
                : row.ns_per_op[order[1]] / row.ns_per_op[order[0]];
    for (std::size_t other : order)
        if (other != order[0] && !beats(row, order[0], other)) return std::nullopt;
    return order[0];
}

std::string describe_row(const BenchTable& table, const BenchRow& row) {
    std::vector<std::string> parts;
    for (std::size_t index = 0; index < table.parameters.size(); ++index)
        parts.push_back(fmt::format("{} {}", table.parameters[index], row.parameters[index]));
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::string bench_head(const RunHeader& header, const BenchSettings& settings,
                       const BenchTable& table, const Style& style) {
    std::string out = style.strong(fmt::format("{:02} {} · bench · {}", header.scenario->number,
                                               header.scenario->name, table.title)) +
                      "\n";
    const std::string sample = table.sample.empty()
                                   ? fmt::format("{:g} ms per cell, each after {:g} ms of warm-up",
                                                 settings.seconds_per_sample * 1000,
                                                 settings.warmup_seconds_per_sample * 1000)
                                   : table.sample;
    out += style.dim(fmt::format(
               " median of {} samples of {};\n lower is better. A winner leads by more than "
               "{:.0f}%, and its slowest sample\n beats the others' fastest; else a tie. The bar "
               "grows with the lead.",
               settings.repetitions, sample, (kBenchTie - 1) * 100)) +
           "\n";
    return out;
}

// The table's first line: a column's name over each column.
std::string bench_columns(const BenchTable& table, const Style& style) {
    std::string columns = " ";
    for (const std::string& name : table.parameters) columns += fmt::format("{:>9}", name);
    for (const std::string& name : table.variants) columns += fmt::format("{:>13}", name);
    return style.dim(columns + "  winner") + "\n";
}

// Where the second ranked variant wins and loses, and by how much at most.
struct BenchTally {
    int wins = 0, losses = 0;
    const BenchRow* best = nullptr;   // its largest win
    const BenchRow* worst = nullptr;  // its largest loss
    double best_ratio = 1, worst_ratio = 1;

    void count(const BenchRow& row, bool won, double ratio) {
        if (won) {
            ++wins;
            if (ratio > best_ratio) best_ratio = ratio, best = &row;
        } else {
            ++losses;
            if (ratio > worst_ratio) worst_ratio = ratio, worst = &row;
        }
    }
};

// The summary's pair: where the second beats the first beyond the noise, and where it loses.
void tally_pair(const BenchTable& table, const BenchRow& row, BenchTally& tally) {
    auto [first, second] = ranked_pair(table);
    const double a_ns = row.ns_per_op[first], b_ns = row.ns_per_op[second];
    if (beats(row, second, first)) tally.count(row, true, a_ns / b_ns);
    if (beats(row, first, second)) tally.count(row, false, b_ns / a_ns);
}

std::string bench_row(const BenchTable& table, const BenchRow& row, BenchTally& tally,
                      const Style& style) {
    std::string line = " ";
    for (int value : row.parameters) line += fmt::format("{:>9}", value);
    for (double ns : row.ns_per_op) line += fmt::format("{:>13.1f}", ns);
    tally_pair(table, row, tally);
    double ratio = 1;
    const std::optional<std::size_t> winner = row_winner_index(table, row, ratio);
    if (!winner) return line + fmt::format("  {:<12} {:>5.2f}x", "tie", ratio);
    const int length = std::clamp(static_cast<int>(std::lround(std::log2(ratio) * 6)), 1, 12);
    std::string drawn;
    for (int i = 0; i < length; ++i) drawn += "█";
    // Green where the lesson's second variant (the fix it teaches) wins, red where another does.
    const bool lesson_won = *winner == ranked_pair(table).second;
    return line + fmt::format("  {:<12} {:>5.2f}x ", table.variants[*winner], ratio) +
           (lesson_won ? style.good(drawn) : style.bad(drawn));
}

std::string bench_summary(const BenchTable& table, const BenchTally& tally, const Style& style) {
    auto [first, second] = ranked_pair(table);
    const std::string& a = table.variants[first];
    const std::string& b = table.variants[second];
    const int rows = static_cast<int>(table.rows.size());
    std::string out;
    if (tally.worst != nullptr)
        out += fmt::format(
            " {} {} loses to {} in {} of {} rows; at worst it is {:.1f}x slower ({}).\n",
            style.bad("Where it loses:"), b, a, tally.losses, rows, tally.worst_ratio,
            describe_row(table, *tally.worst));
    if (tally.best != nullptr)
        out += fmt::format(" {} {} beats {} in {} of {} rows; at best it is {:.1f}x faster ({}).\n",
                           style.good("Where it wins:"), b, a, tally.wins, rows, tally.best_ratio,
                           describe_row(table, *tally.best));
    if (rows - tally.losses - tally.wins > 0)
        out += fmt::format(
            " Ties: {} of {} rows, where neither is faster beyond the noise ({:.0f}%, and "
            "samples apart).\n",
            rows - tally.losses - tally.wins, rows, (kBenchTie - 1) * 100);
    return out;
}

std::string_view row_winner(const BenchTable& table, const BenchRow& row) {
    double ratio = 1;
    const std::optional<std::size_t> winner = row_winner_index(table, row, ratio);
    return winner ? std::string_view(table.variants[*winner]) : std::string_view("tie");
}

nlohmann::json row_json(const BenchTable& table, const BenchRow& row) {
    nlohmann::json entry = nlohmann::json::object();
    for (std::size_t index = 0; index < table.parameters.size(); ++index)
        entry[table.parameters[index]] = row.parameters[index];
    for (std::size_t index = 0; index < table.variants.size(); ++index) {
        entry[table.variants[index] + "_ns"] = row.ns_per_op[index];
        if (index < row.slowest.size())  // the range of its samples: fastest, slowest
            entry[table.variants[index] + "_range_ns"] = {row.fastest[index], row.slowest[index]};
    }
    entry["winner"] = row_winner(table, row);
    return entry;
}

}  // namespace

std::string render_bench(const RunHeader& header, const BenchSettings& settings,
                         const BenchTable& table, const Style& style, std::string_view why_cut) {
    // The words are fitted to the width here, the table's lines never: a row broken in two
    // reads as two rows, its numbers under the wrong columns (render_report fits no bench).
    const auto width = static_cast<std::size_t>(style.width());
    std::string out = text::fit(bench_head(header, settings, table, style), width);
    out += bench_columns(table, style);
    BenchTally tally;
    for (const BenchRow& row : table.rows) out += bench_row(table, row, tally, style) + "\n";
    std::string after;
    // The summary counts only the rows above: said, so that no one reads it as the whole grid.
    if (table.cut_short)
        after += fmt::format(
            " {} after {}: the grid is not complete, and the counts below are of "
            "these rows only\n",
            style.bad(why_cut), text::counted(table.rows.size(), "row"));
    if (!table.rows.empty()) after += bench_summary(table, tally, style);
    return out + text::fit(after, width);
}

void to_json(nlohmann::json& json, const BenchReport& report) {
    nlohmann::json rows = nlohmann::json::array();
    for (const BenchRow& row : report.table.rows) rows.push_back(row_json(report.table, row));
    // The same cells one per variant: {"threads": 4, ..., "variant": "mutex", "ns_per_op": 81.2}.
    nlohmann::json cells = nlohmann::json::array();
    for (const BenchRow& row : report.table.rows) {
        for (std::size_t variant = 0; variant < report.table.variants.size(); ++variant) {
            nlohmann::json cell;
            for (std::size_t index = 0; index < report.table.parameters.size(); ++index)
                cell[report.table.parameters[index]] = row.parameters[index];
            cell["variant"] = report.table.variants[variant];
            cell[report.table.unit] = row.ns_per_op[variant];
            cells.push_back(std::move(cell));
        }
    }
    json["mode"] = "bench";
    json["complete"] = !report.table.cut_short;
    json["bench"] = rows;
    json["rows"] = cells;
    json["bench_title"] = report.table.title;
    json["bench_repetitions"] = report.settings.repetitions;
    if (report.table.sample.empty()) {
        json["bench_sample_ms"] = report.settings.seconds_per_sample * 1000;
        json["bench_warmup_ms"] = report.settings.warmup_seconds_per_sample * 1000;
    } else {
        json["bench_sample"] = report.table.sample;
    }
}

nlohmann::json bench_json(const RunHeader& header, const BenchSettings& settings,
                          const BenchTable& table) {
    nlohmann::json json = header;
    to_json(json, BenchReport{settings, table});
    return json;
}

}  // namespace racedemo
