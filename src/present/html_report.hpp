// The HTML reporter: one self-contained page (inline CSS and JS, no network) of a run, for a
// projector or to send to students. It shows the swimlanes with a current step that the arrow
// keys and the buttons move, the damaging step and the step whose value it overwrote
// highlighted, the verdict, the evidence, the replay command and the full text report.
// For tests: each step is an element with data-step="N", the current one has
// aria-current="step", the damaging one data-damage, the overwritten one data-overwritten.
#pragma once

#include <string>

#include "present/run_report.hpp"

namespace racedemo {

// `text` is the run's text report, shown whole at the bottom of the page.
std::string render_html(const RunReport& report, const std::string& text);

}  // namespace racedemo
