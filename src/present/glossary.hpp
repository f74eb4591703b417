// `racedemo glossary`: the words the reports use, each in a sentence or two.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "present/report.hpp"

namespace racedemo {

// A term, what it means in two or three plain sentences, and a command that shows it.
struct GlossaryTerm {
    std::string_view term;
    std::string_view meaning;
    std::string_view shown_by;  // a racedemo command line; a note after it in brackets
    // The other words the output prints for the same thing ("t1", "tie"): the glossary finds
    // the entry by them too. Empty slots are unused.
    std::array<std::string_view, 6> also{};
};

// Every entry, in the order the glossary prints them.
std::span<const GlossaryTerm> glossary_terms();
std::string render_glossary(const Style& style);
// The entry whose term or other word this is, in any case ("INCOMPLETE", "incomplete"); null
// when the glossary has none.
const GlossaryTerm* glossary_entry(std::string_view word);
// A term's meaning as the glossary gives it (glossary_entry); nothing when it has no such term.
std::optional<std::string_view> glossary_meaning(std::string_view term);

}  // namespace racedemo
