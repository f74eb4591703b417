#include "present/lesson.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>

#include "core/registry.hpp"
#include "present/text.hpp"

namespace racedemo {

namespace {

// The text of file `name` of the scenario's own sources: racedemo's demos, or its plugin's.
std::optional<std::string_view> source_text(const Scenario& scenario, std::string_view name) {
    return find_source(scenario.origin, name);
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string_view trimmed(std::string_view line) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    return line;
}

// Whether `content` opens a region of the lesson of `scenario`: "// lesson:begin" opens one for
// every scenario of the file, "// lesson:begin NAME" for scenario NAME only (a file may define
// several, as a plugin's often does).
std::optional<bool> region_begin(std::string_view content, std::string_view scenario) {
    constexpr std::string_view kBegin = "// lesson:begin";
    if (content.rfind(kBegin, 0) != 0) return std::nullopt;
    std::string_view rest = content.substr(kBegin.size());
    if (rest.empty()) return true;
    if (rest.front() != ' ') return std::nullopt;
    return trimmed(rest) == scenario;
}

// The marked regions of one file for `scenario`, dedented.
std::vector<std::string> marked_regions(std::string_view text, std::string_view scenario) {
    std::vector<std::string> lines;
    bool inside = false;
    std::size_t indent = std::string::npos;
    std::vector<std::string_view> raw;
    for (std::string_view line : split_lines(text)) {
        std::string_view content = trimmed(line);
        if (std::optional<bool> begins = region_begin(content, scenario)) {
            if (*begins && !raw.empty()) raw.push_back("...");
            inside = *begins;
        } else if (content == "// lesson:end") {
            inside = false;
        } else if (inside) {
            raw.push_back(line);
            if (!content.empty()) indent = std::min(indent, line.size() - content.size());
        }
    }
    for (std::string_view line : raw)
        lines.emplace_back(line == "..." || line.size() < indent ? line : line.substr(indent));
    return lines;
}

// The demo headers a file includes ("go_map.hpp").
std::vector<std::string> local_includes(std::string_view text) {
    std::vector<std::string> names;
    for (std::string_view line : split_lines(text)) {
        if (line.rfind("#include \"", 0) != 0) continue;
        std::string_view name = line.substr(10);
        names.emplace_back(name.substr(0, name.find('"')));
    }
    return names;
}

// Whether the fix is the lock lines (NoLock in the unsafe variant), to be marked as such.
bool marks_lock_lines(const Scenario& scenario) {
    return scenario.unsafe != nullptr && scenario.fix.empty();
}

}  // namespace

bool is_lock_line(std::string_view line) {
    for (std::string_view idiom :
         {"lock_guard", "unique_lock", "shared_lock", "Lock mx_", "Lock mu_"})
        if (line.find(idiom) != std::string_view::npos) return true;
    return false;
}

std::optional<LessonCode> lesson_code(const Scenario& scenario) {
    // A plugin's file may share a demo's name: each scenario reads its own sources only.
    std::optional<std::string_view> own = source_text(scenario, scenario.source_file);
    if (!own) return std::nullopt;
    std::vector<std::string> candidates{std::string(scenario.source_file)};
    for (const std::string& header : local_includes(*own)) candidates.push_back(header);
    for (const std::string& file : candidates) {
        std::optional<std::string_view> text = source_text(scenario, file);
        if (!text) continue;
        std::vector<std::string> lines = marked_regions(*text, scenario.name);
        if (lines.empty()) continue;
        return LessonCode{scenario.origin.empty() ? "demos/" + file : file, std::move(lines)};
    }
    return std::nullopt;
}

std::string render_explain(const Scenario& scenario, const Style& style) {
    std::string out = style.strong(fmt::format("{:02} {}: {}", scenario.number, scenario.name,
                                               scenario.summary)) +
                      "\n\n" + std::string(scenario.lesson) + "\n";
    if (std::optional<LessonCode> code = lesson_code(scenario)) {
        // Appended piece by piece: GCC 12 warns (falsely, -Wrestrict) on "\n" + std::string&&.
        out += '\n';
        // Only a scenario whose fix is its lock lines has lines to mark.
        out += style.dim(
            marks_lock_lines(scenario)
                ? fmt::format("The code, from {}. Lines marked + are the fix: "
                              "they\ntake the lock, and do nothing in the unsafe variant.",
                              code->file)
            : scenario.fix.empty()
                ? fmt::format("The code, from {}:", code->file)
                : fmt::format("The code, from {}.\nThe fix: {}.", code->file, scenario.fix));
        out += '\n';
        for (const std::string& line : code->lines) {
            if (marks_lock_lines(scenario) && is_lock_line(line))
                out += style.good("+ " + line) + "\n";
            else
                out += "  " + line + "\n";
        }
    }
    out += '\n';
    out += text::fit(fmt::format("{} {}\n", style.strong("Takeaway:"), scenario.takeaway),
                     static_cast<std::size_t>(style.width()));
    if (!scenario.fixed_note.empty()) out += fmt::format("Note: {}\n", scenario.fixed_note);
    return out;
}

std::string render_explain_markdown(const Scenario& scenario,
                                    const std::vector<std::pair<std::string, std::string>>& runs) {
    std::string out =
        fmt::format("# {:02} {}\n\n{}.\n\n", scenario.number, scenario.name, scenario.summary);
    // docs/scenarios/ holds the built-ins' pages, and a test keeps them as generated.
    out += fmt::format(
        "<!-- Generated by `racedemo explain {} --markdown`{}. -->\n\n", scenario.name,
        scenario.origin.empty() ? "; a test compares it with the command's output" : "");
    out += fmt::format("## The lesson\n\n{}\n\n**Takeaway:** {}\n\n", scenario.lesson,
                       scenario.takeaway);
    if (!scenario.fixed_note.empty()) out += fmt::format("Note: {}.\n\n", scenario.fixed_note);
    if (std::optional<LessonCode> code = lesson_code(scenario)) {
        auto block = [&](bool fixed) {
            std::vector<std::string> kept;
            for (const std::string& line : code->lines)
                if (fixed || !is_lock_line(line)) kept.push_back(line);
            while (!kept.empty() && kept.back() == "...") kept.pop_back();
            return fmt::format("```cpp\n{}\n```\n\n", fmt::join(kept, "\n"));
        };
        if (!marks_lock_lines(scenario)) {
            out +=
                fmt::format("## The code\n\nFrom `{}`{}:\n\n", code->file,
                            scenario.fix.empty() ? "" : fmt::format(". The fix: {}", scenario.fix));
        } else {
            out += fmt::format(
                "## The code\n\nFrom `{}`. The unsafe variant runs it with "
                "`Lock = NoLock`, so its lock lines do nothing; here they are left "
                "out:\n\n",
                code->file);
            out += block(false);
            out += "The fixed variant, the same code with the lock:\n\n";
        }
        out += block(true);
    }
    out += "## What it shows\n\n";
    out +=
        "Model mode is deterministic, so this is exactly what the commands print. Real threads "
        "differ from run to run: see [real runs](../real-runs.md).\n\n";
    for (const auto& [command, output] : runs)
        out += fmt::format("```console\n$ {}\n{}```\n\n", command, output);
    return out;
}

}  // namespace racedemo
