// `racedemo explain NAME --go`: the scenario's program in Go (demos/go/), unsafe and fixed, each
// Go line that stands for a line of the C++ lesson code marked with that line's file:line.
//
// A Go line names its C++ line by a trailing comment, `// C++: TEXT`, where TEXT is part of
// exactly one line of the scenario's lesson code (at least kMinMarkerText characters). Where
// several lines hold TEXT (each method's lock line), `// C++: ANCHOR ... TEXT` names the first
// line holding TEXT at or after the one line that holds ANCHOR.
#pragma once

#include <string>
#include <vector>

#include "present/report.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {

inline constexpr std::size_t kMinMarkerText = 8;

// One marker of a Go listing, and the C++ line it stands for.
struct GoMarker {
    int go_line = 0;      // 1-based, in the Go file
    std::string text;     // what follows "// C++: "
    int cpp_line = 0;     // 1-based, in the C++ file; 0: not resolved
    std::string problem;  // why not ("not in the lesson code", ...); empty when resolved
};

// Whether `scenario` has a Go listing of each variant (racedemo's own scenarios do).
bool has_go_listings(const Scenario& scenario);

// The markers of the Go listing of `scenario`'s `variant`, each resolved against the lesson
// code (none when there is no listing).
std::vector<GoMarker> go_markers(const Scenario& scenario, Variant variant);
// The same for a Go program's text, and the program as explain --go shows it: markers taken
// off, each that names a C++ line noted with its file:line (one that does not, with nothing).
std::vector<GoMarker> resolve_go_markers(std::string_view go_text, const Scenario& scenario);
std::string annotated_go(std::string_view go_text, const Scenario& scenario, const Style& style);

// The part `explain --go` adds: both listings, as text, or as Markdown with ```go fences.
std::string render_go_listings(const Scenario& scenario, const Style& style);
std::string render_go_listings_markdown(const Scenario& scenario);

}  // namespace racedemo
