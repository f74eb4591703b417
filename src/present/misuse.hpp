// A misuse in words (core/misuse.hpp holds the facts): what the thread did, and why it is wrong.
#pragma once

#include <string>

#include "core/misuse.hpp"

namespace racedemo {

// "T2 unlocks mu, which T1 holds".
std::string describe_misuse(const Misuse& misuse);
// Why it is wrong, in C++ and in Go: "in C++ only the thread that locked a mutex may unlock it".
std::string_view misuse_rule(MisuseKind kind);

}  // namespace racedemo
