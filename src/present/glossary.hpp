// `racedemo glossary`: the words the reports use, each in a sentence or two.
#pragma once

#include <string>

#include "present/report.hpp"

namespace racedemo {

std::string render_glossary(const Style& style);

}  // namespace racedemo
