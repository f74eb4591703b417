// How much of the long tests to run. The plain build runs all of it. A sanitizer build, where each
// execution costs about ten times more, runs a sample when RACEDEMO_TEST_SCALE=sanitizer (make
// asan sets it): the same checks on fewer scenarios, programs or schedules, never none. The
// plain build's run covers the rest.
#pragma once

#include <cstdlib>
#include <string_view>
#include <vector>

namespace racedemo::testing {

inline bool sanitizer_scale() {
    const char* scale = std::getenv("RACEDEMO_TEST_SCALE");
    return scale != nullptr && std::string_view(scale) == "sanitizer";
}

// `full` in the plain build, `sample` under sanitizer scale.
inline int scaled(int full, int sample) {
    return sanitizer_scale() ? sample : full;
}

// Every item in the plain build; under sanitizer scale every `stride`-th one, starting with the
// first, so each run of the sample is the same.
template <typename T>
std::vector<T> sample_of(const std::vector<T>& items, int stride = 3) {
    if (!sanitizer_scale()) return items;
    std::vector<T> sample;
    for (std::size_t i = 0; i < items.size(); i += static_cast<std::size_t>(stride)) {
        sample.push_back(items[i]);
    }
    return sample;
}

}  // namespace racedemo::testing
