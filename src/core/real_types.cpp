#include "core/real_types.hpp"

#include <fmt/format.h>

#include <cstring>

namespace racedemo {

void Histogram::add(const std::string& label) {
    for (auto& [name, count] : rows)
        if (name == label) return void(++count);
    rows.emplace_back(label, 1);
}

int Histogram::count(const std::string& label) const {
    for (const auto& [name, count] : rows)
        if (name == label) return count;
    return 0;
}

std::string signal_name(int signal) {
    if (const char* abbreviation = sigabbrev_np(signal)) return fmt::format("SIG{}", abbreviation);
    return fmt::format("signal {}", signal);
}

}  // namespace racedemo
