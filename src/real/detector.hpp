// `--detector tsan`: runs a scenario under ThreadSanitizer (the racedemo-tsan executable built
// beside racedemo) and sums up what it reports, by the scenario's own source lines.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "present/report.hpp"

namespace racedemo {

// One side of a race: what the access was, and where in the scenario's code.
struct RaceAccess {
    std::string op;        // "write", "read", "previous write", ...
    std::string thread;    // "T1"
    std::string location;  // "s03_trie_race.cpp:72"
    std::string function;  // "Trie<racedemo::NoLock>::Insert"
};

struct RaceReport {
    RaceAccess current, previous;
    int count = 1;  // reports with the same pair of locations
};

struct DetectorResult {
    int reports = 0;                // "WARNING: ThreadSanitizer: data race" reports in all
    std::vector<RaceReport> races;  // distinct by the pair of source locations
    // "WARNING: ThreadSanitizer: lock-order-inversion (potential deadlock)" reports
    int lock_order_inversions = 0;
    // How far the run under ThreadSanitizer got. A run cut short (a trial killed by the
    // watchdog, fewer runs done than asked, the twin itself killed) saw less than was asked:
    // no race reported then proves nothing. incomplete: why, empty when the run was whole.
    int runs_requested = 0;
    int runs_done = 0;
    std::string incomplete;
};

// Parses ThreadSanitizer's report text; locations are the first frame under `source_dir_name`
// ("demos/"), else the first frame with a file.
DetectorResult parse_tsan_reports(const std::string& text, const std::string& source_dir_name);

// What the twin's --json report says of how far its run got, into `result` (incomplete).
void read_twin_summary(const std::string& json_text, DetectorResult& result);

// What the caller wants to hear, or say, while the twin runs.
struct DetectorWatch {
    // The signal to pass on to the twin when racedemo is asked to stop (a signal, the time
    // limit), else 0. The twin then stops as racedemo would, with its partial result.
    std::function<int()> stop_signal;
    std::function<void(double seconds)> progress;  // about once a second while it runs
};

// Where racedemo-tsan is looked for: $RACEDEMO_TSAN when set, else beside this executable.
std::string tsan_twin_path();
// Whether it is there and may be run.
bool tsan_twin_found();

// Runs racedemo-tsan (found beside this executable, or at $RACEDEMO_TSAN) with `args` and
// reads its reports, located at their first frame whose file contains `own_code` (as
// parse_tsan_reports). The twin and its trials are ended, and the temporary files removed,
// however the run ends.
DetectorResult run_tsan_detector(const std::vector<std::string>& args, const std::string& own_code,
                                 const DetectorWatch& watch = {});

std::string render_detector(const RunHeader& header, int runs, const DetectorResult& result,
                            const Style& style);
nlohmann::json detector_json(const RunHeader& header, int runs, const DetectorResult& result);

}  // namespace racedemo
