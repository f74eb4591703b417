// Small text helpers the text reports share (display columns of UTF-8, bars, headings).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "present/report.hpp"

namespace racedemo::text {

// Display columns of `text` (ASCII and the few UTF-8 symbols reports use).
std::size_t columns(std::string_view text);
// Pads `text` to `width` display columns.
std::string pad(std::string text, std::size_t width);
// Cuts `text` to `width` display columns, ending it with "~" when cut.
std::string clip(const std::string& text, std::size_t width);
// `text` in lines of at most `width` display columns, broken at spaces (a word longer than a
// line gets a line of its own).
std::vector<std::string> wrap(std::string_view text, std::size_t width);
// Every line of `report` in at most `width` columns: a longer line is broken at spaces and goes
// on indented under its start; a racedemo command goes on after " \", as a shell reads it.
std::string fit(std::string_view report, std::size_t width);
// A bar of `count` against the largest count `most`.
std::string bar(int count, int most, int width);
// "03 trie-race · model · unsafe · 2 threads · <what>"
std::string heading(const RunHeader& header, std::string_view what);
// "1 run", "2 runs".
std::string counted(std::uint64_t count, std::string_view noun);
// `text` with each run of spaces made one (a lane's aligned step, quoted in a sentence).
std::string squeeze(std::string_view text);

}  // namespace racedemo::text
