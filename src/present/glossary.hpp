// `racedemo glossary`: the words the reports use, each in a sentence or two.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "present/report.hpp"

namespace racedemo {

std::string render_glossary(const Style& style);
// A term's meaning as the glossary gives it; nothing when the glossary has no such term.
std::optional<std::string_view> glossary_meaning(std::string_view term);

}  // namespace racedemo
