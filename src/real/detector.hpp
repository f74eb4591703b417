// `--detector tsan`: runs a scenario under ThreadSanitizer (the racedemo-tsan executable built
// beside racedemo) and sums up what it reports, by the scenario's own source lines.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/detector_types.hpp"

namespace racedemo {

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

}  // namespace racedemo
