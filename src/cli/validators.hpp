// CLI11 validators with racedemo's wording (attach them with ->transform: they also write the
// value in the one form CLI11 converts safely): each refuses a value with "VALUE: why", and CLI11
// puts the option's name in front ("--threads 0: must be from 1 to 64" once joined).
#pragma once

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/names.hpp"

namespace racedemo {

// A value as a message shows it: '' when empty, control characters escaped, and one longer than
// 40 characters cut to its first 32 and "…(N characters)".
std::string shown(std::string_view value);
// The same in quotes: 'VALUE' ('' when empty).
std::string in_quotes(std::string_view value);

// A whole number in low..high, written plainly (decimal digits, no sign or spaces). `note`
// explains the lower bound when it is the scenario's own.
CLI::Validator whole_number(long long low, long long high, std::string note = {});
// A seed: a whole number from 0 to 2^64 - 1.
CLI::Validator seed_number();
// Seconds from `least` to `most`, written plainly: digits, or digits '.' digits.
CLI::Validator seconds(double least, double most);

// One of `names`, converted to its enum value (IsMember, then Transformer).
template <class Enum>
CLI::Validator one_of(const std::vector<std::pair<std::string, Enum>>& names) {
    std::string list;
    for (const auto& [name, value] : names) list += (list.empty() ? "" : ", ") + name;
    const CLI::Validator member = CLI::IsMember(names);
    const CLI::Validator convert = CLI::Transformer(names);
    return CLI::Validator(
        [member, convert, list](std::string& value) {
            const std::string given = value;
            if (!member(value).empty())
                return fmt::format("{}: not one of {}", in_quotes(given), list);
            value = given;
            return convert(value);
        },
        "");
}

// The values of Names<E>::table (core/names.hpp) with their names, in the table's order, or
// those of `only`, in its order: the table is the one place an enum's names are spelled.
template <class Enum>
std::vector<std::pair<std::string, Enum>> named_values(std::initializer_list<Enum> only = {}) {
    std::vector<std::pair<std::string, Enum>> names;
    if (only.size() == 0) {
        for (const Named<Enum>& named : Names<Enum>::table)
            names.emplace_back(std::string(named.name), named.value);
    }
    for (Enum value : only) names.emplace_back(std::string(name_of(value)), value);
    return names;
}

// One of those names, converted to its value.
template <class Enum>
CLI::Validator one_of_named(std::initializer_list<Enum> only = {}) {
    return one_of(named_values(only));
}

// "a|b|c": the names one_of_named takes, for the help's type name.
template <class Enum>
std::string names_joined(std::initializer_list<Enum> only = {}) {
    std::string joined;
    for (const auto& [name, value] : named_values(only))
        joined += (joined.empty() ? "" : "|") + name;
    return joined;
}

// A name a scenario may have: lower-case letters, digits and '-', starting with a letter, at
// most 40 characters (a command-line word that needs no quoting, and a file name).
bool is_scenario_name(std::string_view name);
// What `racedemo new` may call a scenario: such a name, not yet a command's or a scenario's.
CLI::Validator new_scenario_name();

// "--threads: 0: must be ..." (CLI11's ValidationError) -> "--threads 0: must be ...".
std::string join_validation_message(const std::string& message);

}  // namespace racedemo
