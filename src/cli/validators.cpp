#include "cli/validators.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

#include "cli/parse.hpp"
#include "racedemo/scenario.hpp"

namespace racedemo {
namespace {

// A value cut to this many bytes when it is longer than kLongestShown.
constexpr std::size_t kShownPrefix = 32;
constexpr std::size_t kLongestShown = 40;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

bool continuation_byte(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t characters(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return !continuation_byte(c); }));
}

// Control characters as escapes: a message stays on one line and sends no terminal codes.
std::string escaped(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
            out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
            out += c;
    }
    return out;
}

// A whole number written plainly: digits, or '-' and digits (then below any low bound here).
enum class Plain { number, negative, other };

Plain plainness(std::string_view value) {
    if (all_digits(value)) return Plain::number;
    if (value.size() > 1 && value.front() == '-' && all_digits(value.substr(1)))
        return Plain::negative;
    return Plain::other;
}

// Seconds written plainly: digits, then at most one '.' and digits.
bool plain_seconds(std::string_view value) {
    const std::size_t point = value.find('.');
    if (point == std::string_view::npos) return all_digits(value);
    return all_digits(value.substr(0, point)) && all_digits(value.substr(point + 1));
}

}  // namespace

std::string in_quotes(std::string_view value) {
    return value.empty() ? std::string("''") : fmt::format("'{}'", shown(value));
}

std::string shown(std::string_view value) {
    if (value.empty()) return "''";
    if (value.size() <= kLongestShown) return escaped(value);
    std::size_t cut = kShownPrefix;
    while (cut > 0 && continuation_byte(value[cut])) --cut;  // not inside a UTF-8 character
    return fmt::format("{}\u2026({} characters)", escaped(value.substr(0, cut)), characters(value));
}

CLI::Validator whole_number(long long low, long long high, std::string note) {
    return CLI::Validator(
        [low, high, note](std::string& value) -> std::string {
            const Plain plain = plainness(value);
            if (plain == Plain::other) return fmt::format("{}: not a whole number", shown(value));
            long long number = low - 1;  // a negative one
            const char* end = value.data() + value.size();
            if (plain == Plain::number &&
                std::from_chars(value.data(), end, number).ec != std::errc())
                number = high + 1;  // too many digits for a long long
            if (number < low && low > 1 && !note.empty())
                return fmt::format("{}: {}", shown(value), note);
            if (number < low || number > high)
                return fmt::format("{}: must be from {} to {}", shown(value), low, high);
            value = std::to_string(number);  // CLI11 would read "010" as octal
            return {};
        },
        "");
}

CLI::Validator seed_number() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            const Plain plain = plainness(value);
            if (plain == Plain::other)
                return fmt::format("{}: not a whole number from 0 to {}", shown(value), UINT64_MAX);
            std::uint64_t number = 0;
            const char* end = value.data() + value.size();
            if (plain == Plain::negative ||
                std::from_chars(value.data(), end, number).ec != std::errc())
                return fmt::format("{}: must be from 0 to {}", shown(value), UINT64_MAX);
            value = std::to_string(number);
            return {};
        },
        "");
}

CLI::Validator seconds(double least, double most) {
    return CLI::Validator(
        [least, most](std::string& value) -> std::string {
            if (!plain_seconds(value))
                return fmt::format("{}: not a number of seconds (like 5 or 0.5)", shown(value));
            double number = 0;
            std::from_chars(value.data(), value.data() + value.size(), number);
            if (!(number >= least && number <= most))
                return fmt::format("{}: must be from {:g} to {:g} seconds", shown(value), least,
                                   most);
            value = fmt::format("{}", number);
            return {};
        },
        "");
}

bool is_scenario_name(std::string_view name) {
    return !name.empty() && name.size() <= 40 && name.front() >= 'a' && name.front() <= 'z' &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
           });
}

CLI::Validator new_scenario_name() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            if (!is_scenario_name(value))
                return fmt::format(
                    "new {}: a scenario's name is lower-case letters, digits and '-', starting "
                    "with a letter, at most 40",
                    in_quotes(value));
            if (is_command_name(value))
                return fmt::format("new '{}': that is a racedemo command's name", value);
            if (find_scenario(value) != nullptr)
                return fmt::format("new '{}': a scenario of that name exists already", value);
            return {};
        },
        "NAME");
}

std::string join_validation_message(const std::string& message) {
    const std::size_t colon = message.find(": ");
    if (colon == std::string::npos) return message;
    // A positional's validator names the command itself ("new 'Bank': ..."): CLI11's
    // "name: " in front goes.
    if (message.rfind("--", 0) != 0) return message.substr(colon + 2);
    return message.substr(0, colon) + " " + message.substr(colon + 2);
}

}  // namespace racedemo
