#include "present/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace racedemo::text {

std::size_t columns(std::string_view text) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\x1b') {  // a colour code takes no column: skip to its final 'm'
            const std::size_t end = text.find('m', i);
            if (end == std::string_view::npos) break;
            i = end;
            continue;
        }
        count += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    }
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

namespace {

// A racedemo command to copy: it goes on after " \", the way a shell reads it.
bool is_command(std::string_view line) {
    const std::size_t at = line.find("racedemo ");
    return at != std::string_view::npos && line.find(" --", at) != std::string_view::npos;
}

// A word longer than a line (a long schedule) is cut at its commas; a backslash at the end of
// a line, right after the comma, joins the pieces again in a shell.
std::string split_word(std::string_view word, std::size_t width, std::size_t& used) {
    std::string out;
    while (used + word.size() > width && width > used + 1) {
        std::size_t cut = word.rfind(',', width - used - 2);
        if (cut == std::string_view::npos) break;
        out += std::string(word.substr(0, cut + 1)) + "\\\n";
        word.remove_prefix(cut + 1);
        used = 0;
    }
    used += word.size();
    return out + std::string(word);
}

std::string fit_command(std::string_view line, std::size_t width) {
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string hang(indent + 4, ' ');
    std::string out(line.substr(0, indent));
    std::size_t used = indent;
    bool first = true;
    for (const std::string& word : wrap(line.substr(indent), 0)) {  // width 0: a word a line
        if (!first && used + 1 + columns(word) + 2 > width) {
            out += " \\\n" + hang;
            used = hang.size();
        } else if (!first) {
            out += ' ';
            ++used;
        }
        out += split_word(word, width - 2, used);
        first = false;
    }
    return out + "\n";
}

std::string fit_prose(std::string_view line, std::size_t width) {
    const std::size_t indent = line.find_first_not_of(' ');
    const std::string hang(indent + 2, ' ');
    std::string out;
    for (const std::string& part : wrap(line.substr(indent), width - hang.size()))
        out += (out.empty() ? std::string(indent, ' ') : hang) + part + "\n";
    return out;
}

}  // namespace

std::string fit(std::string_view report, std::size_t width) {
    std::string out;
    while (!report.empty()) {
        const std::size_t end = report.find('\n');
        const std::string_view line = report.substr(0, end);
        if (columns(line) <= width || line.find_first_not_of(' ') == std::string_view::npos)
            out += std::string(line) + (end == std::string_view::npos ? "" : "\n");
        else
            out += is_command(line) ? fit_command(line, width) : fit_prose(line, width);
        if (end == std::string_view::npos) break;
        report.remove_prefix(end + 1);
    }
    return out;
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

std::string squeeze(std::string_view text) {
    std::string out;
    for (char c : text)
        if (c != ' ' || out.empty() || out.back() != ' ') out += c;
    return out;
}

}  // namespace racedemo::text
