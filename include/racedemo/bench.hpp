// Throughput measurements a scenario can offer (`racedemo <scenario> --bench`): the scenario
// measures, the engine prints. A measurement is a grid of parameter settings (rows), each
// timed under several variants (columns), in nanoseconds per operation.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace racedemo {

struct BenchSettings {
    int max_threads = 4;                                // the grid goes up to this many threads
    double warmup_seconds_per_sample = 0.05;            // run, not timed, before each sample
    double seconds_per_sample = 0.05;                   // one timed sample of one cell
    int repetitions = 5;                                // samples per cell; the median is reported
    std::function<void(int done, int total)> progress;  // after each row
    // True once the user asked to stop (a signal, --max-time): the measurement returns the rows
    // it has, after the sample under way (a row cut short is dropped).
    std::function<bool()> should_stop;

    bool stopped() const { return should_stop && should_stop(); }
};

struct BenchRow {
    std::vector<int> parameters;    // one per BenchTable::parameters
    std::vector<double> ns_per_op;  // one per BenchTable::variants: the median of its samples
    // The fastest and slowest sample of each variant (empty when not known): a winner is named
    // only where its samples and the others' do not overlap.
    std::vector<double> fastest, slowest;
};

struct BenchTable {
    std::string title;
    std::vector<std::string> parameters;  // "threads", "read_pct", "work_ns"
    std::vector<std::string> variants;    // "mutex", "shared_mutex", "unsync"
    // Columns shown for reference, not ranked: a baseline that is no correct program ("unsync",
    // no lock) or another measure ("read@w-first", ns per read beside ns per write).
    std::vector<std::string> reference;
    std::string unit = "ns_per_op";  // the JSON rows' name for a cell ("ns_per_job")
    // What one sample is when it is not the settings' timed slice after a warm-up ("100000
    // jobs, the whole run"); empty: the timed slice.
    std::string sample;
    std::vector<BenchRow> rows;
    bool cut_short = false;  // stopped (BenchSettings::stopped) before the whole grid
};

using BenchFunction = BenchTable (*)(const BenchSettings&);

// The median of `samples` (which it reorders).
inline double median(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    std::size_t middle = samples.size() / 2;
    return samples.size() % 2 == 1 ? samples[middle] : (samples[middle - 1] + samples[middle]) / 2;
}

// A row of `table` for these parameter values: each cell the median of its variant's samples
// (`samples` holds one list per variant, in the table's order).
inline void add_median_row(BenchTable& table, std::vector<int> parameters,
                           const std::vector<std::vector<double>>& samples) {
    BenchRow row{std::move(parameters), {}, {}, {}};
    for (const std::vector<double>& cell : samples) {
        row.ns_per_op.push_back(median(cell));
        row.fastest.push_back(cell.empty() ? 0 : *std::min_element(cell.begin(), cell.end()));
        row.slowest.push_back(cell.empty() ? 0 : *std::max_element(cell.begin(), cell.end()));
    }
    table.rows.push_back(std::move(row));
}

// Busy work for `ns` nanoseconds of wall time: the "critical section" of a benchmark.
void spin_for_ns(int ns);

}  // namespace racedemo
