#include "present/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace racedemo::text {

std::size_t columns(std::string_view text) {
    std::size_t count = 0;
    for (unsigned char c : text) count += (c & 0xC0) != 0x80;
    return count;
}

std::string pad(std::string text, std::size_t width) {
    const std::size_t used = columns(text);
    if (used < width) text.append(width - used, ' ');
    return text;
}

std::string clip(const std::string& text, std::size_t width) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++count > width) {
            std::size_t cut = i;
            while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
            return text.substr(0, cut - 1) + "~";
        }
    }
    return text;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
    std::vector<std::string> lines;
    std::string line;
    while (!text.empty()) {
        const std::size_t space = text.find(' ');
        const std::string_view word = text.substr(0, space);
        if (!line.empty() && columns(line) + 1 + columns(word) > width) {
            lines.push_back(std::move(line));
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += word;
        text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
    }
    lines.push_back(std::move(line));
    return lines;
}

std::string bar(int count, int most, int width) {
    int length = most == 0 ? 0 : static_cast<int>(std::lround(width * double(count) / most));
    if (count > 0) length = std::max(length, 1);
    std::string drawn;
    for (int i = 0; i < length; ++i) drawn += "█";
    return drawn;
}

std::string heading(const RunHeader& header, std::string_view what) {
    const std::string policy =
        header.scenario->has_rw_policy ? fmt::format(" · {}", header.policy) : std::string();
    return fmt::format("{:02} {} · {} · {} · {}{} · {}", header.scenario->number,
                       header.scenario->name, header.mode, header.variant,
                       counted(static_cast<std::uint64_t>(header.threads), "thread"), policy, what);
}

std::string counted(std::uint64_t count, std::string_view noun) {
    return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

}  // namespace racedemo::text
