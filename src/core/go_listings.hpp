// The same programs in Go: for each of racedemo's own scenarios, a Go program of its lesson,
// unsafe and fixed (demos/go/), shown by `racedemo explain NAME --go`. The build embeds them
// (cmake/embed_go_listings.cmake) beside the demos' C++ sources; a scenario knows nothing of
// them, and a plugin's scenario has none.
#pragma once

#include <string_view>

#include "racedemo/scenario.hpp"

namespace racedemo {

struct GoListing {
    std::string_view scenario;  // the scenario's name: "job-queue"
    Variant variant;
    std::string_view path;  // from the source tree's root: "demos/go/s07_job_queue/fixed/main.go"
    std::string_view text;
};

// The Go program of `scenario`'s `variant`, or nullptr when there is none (a plugin's scenario).
const GoListing* find_go_listing(const Scenario& scenario, Variant variant);

// The listings, registered by the file the build generates.
struct BuiltinGoListings {
    BuiltinGoListings(const GoListing* first, int count);
};

}  // namespace racedemo
