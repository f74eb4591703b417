#include "cli/validators.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

namespace racedemo {
namespace {

// The value as the message shows it: '' for an empty one.
std::string shown(const std::string& value) {
    return value.empty() ? "''" : value;
}

}  // namespace

CLI::Validator whole_number(long long low, long long high, std::string note) {
    const CLI::Validator range = CLI::Range(low, high);
    return CLI::Validator(
        [low, high, note, range](std::string& value) -> std::string {
            long long number = 0;
            const char* end = value.data() + value.size();
            auto [stop, error] = std::from_chars(value.data(), end, number);
            if (error == std::errc::result_out_of_range)
                return fmt::format("{}: too large (at most {})", value, high);
            if (value.empty() || error != std::errc() || stop != end)
                return fmt::format("{}: not a whole number", shown(value));
            std::string copy = std::to_string(number);
            if (!range(copy).empty() && number < low && low > 1 && !note.empty())
                return fmt::format("{}: {}", value, note);
            if (!range(copy).empty())
                return fmt::format("{}: must be from {} to {}", value, low, high);
            value = std::to_string(number);  // CLI11 would read "010" as octal
            return {};
        },
        "");
}

CLI::Validator seed_number() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            std::uint64_t number = 0;
            const char* end = value.data() + value.size();
            auto [stop, error] = std::from_chars(value.data(), end, number);
            if (error == std::errc::result_out_of_range)
                return fmt::format("{}: too large (at most {})", value, UINT64_MAX);
            if (value.empty() || error != std::errc() || stop != end)
                return fmt::format("{}: not a whole number from 0 to {}", shown(value), UINT64_MAX);
            value = std::to_string(number);
            return {};
        },
        "");
}

CLI::Validator seconds(double most) {
    return CLI::Validator(
        [most](std::string& value) -> std::string {
            char* stop = nullptr;
            errno = 0;
            const double number = value.empty() ? NAN : std::strtod(value.c_str(), &stop);
            if (value.empty() || stop != value.c_str() + value.size() || !std::isfinite(number) ||
                errno != 0)
                return fmt::format("{}: not a number of seconds", shown(value));
            if (number <= 0 || number > most)
                return fmt::format("{}: must be more than 0 and at most {:g} seconds", value, most);
            return {};
        },
        "");
}

std::string join_validation_message(const std::string& message) {
    const std::size_t colon = message.find(": ");
    if (colon == std::string::npos || message.rfind("--", 0) != 0) return message;
    return message.substr(0, colon) + " " + message.substr(colon + 2);
}

}  // namespace racedemo
