#include "present/go_listing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "core/go_listings.hpp"
#include "core/registry.hpp"
#include "present/lesson.hpp"
#include "present/text.hpp"

namespace racedemo {
namespace {

constexpr std::string_view kMarker = "// C++: ";
constexpr std::string_view kAnchorSeparator = " ... ";
constexpr std::string_view kRegionBegin = "// lesson:begin";
constexpr std::size_t kTabWidth = 4;

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        lines.push_back(text.substr(0, end));
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

std::string_view stripped(std::string_view line) {
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return line.substr(first, line.find_last_not_of(" \t") - first + 1);
}

// Tabs as spaces, so that a listing's notes line up however a terminal sets its tab stops.
std::string expand_tabs(std::string_view line) {
    std::string out;
    for (char c : line) {
        if (c != '\t') {
            out += c;
            continue;
        }
        out.append(kTabWidth - out.size() % kTabWidth, ' ');
    }
    return out;
}

// The lesson code of a scenario, with the line of its file each line comes from.
struct NumberedLesson {
    std::string file;  // as lesson_code() names it: "demos/s09_early_return.cpp"
    std::vector<std::string> lines;
    std::vector<int> numbers;  // 1-based; 0 for the "..." between two regions
};

// Whom a line opens a lesson region for: "" for every scenario ("// lesson:begin"), NAME for
// one ("// lesson:begin NAME"); nullopt when it opens none.
std::optional<std::string_view> region_opened_for(std::string_view content) {
    if (content.rfind(kRegionBegin, 0) != 0) return std::nullopt;
    const std::string_view rest = content.substr(kRegionBegin.size());
    if (!rest.empty() && rest.front() != ' ') return std::nullopt;
    return stripped(rest);
}

// Where each line of `lesson` is in `file_text`: the regions are read again in order, as
// lesson_code() reads them.
std::vector<int> file_line_numbers(const std::vector<std::string>& lesson,
                                   std::string_view file_text, std::string_view scenario) {
    std::vector<int> numbers(lesson.size(), 0);
    std::size_t next = 0;
    bool inside = false;
    int number = 0;
    for (std::string_view line : lines_of(file_text)) {
        ++number;
        const std::string_view content = stripped(line);
        if (const std::optional<std::string_view> whom = region_opened_for(content)) {
            inside = whom->empty() || *whom == scenario;
            if (inside && next < lesson.size() && lesson[next] == "...") ++next;
        } else if (content == "// lesson:end") {
            inside = false;
        } else if (inside && next < lesson.size()) {
            // The lesson's lines are dedented: compared without their indentation.
            if (stripped(lesson[next]) == content) numbers[next] = number;
            ++next;
        }
    }
    return numbers;
}

std::optional<NumberedLesson> numbered_lesson(const Scenario& scenario) {
    std::optional<LessonCode> code = lesson_code(scenario);
    if (!code) return std::nullopt;
    const std::string_view file = code->file;
    std::optional<std::string_view> text =
        find_source(scenario.origin, file.substr(file.find_last_of('/') + 1));
    if (!text) return std::nullopt;
    std::vector<int> numbers = file_line_numbers(code->lines, *text, scenario.name);
    return NumberedLesson{code->file, std::move(code->lines), std::move(numbers)};
}

// The indexes of the lines of `lesson`, from `from` on, that hold `text`.
std::vector<std::size_t> lines_holding(const std::vector<std::string>& lesson,
                                       std::string_view text, std::size_t from) {
    std::vector<std::size_t> found;
    for (std::size_t index = from; index < lesson.size(); ++index)
        if (lesson[index].find(text) != std::string::npos) found.push_back(index);
    return found;
}

std::string not_one_line(std::string_view text, std::size_t lines) {
    if (lines == 0) return fmt::format("'{}' is in no line of the lesson code", text);
    return fmt::format("'{}' is in {} lines of the lesson code (name one: 'ANCHOR{}{}')", text,
                       lines, kAnchorSeparator, text);
}

GoMarker resolve(int go_line, std::string_view text, const NumberedLesson& lesson) {
    GoMarker marker{go_line, std::string(text), 0, {}};
    const std::size_t split = text.find(kAnchorSeparator);
    const bool anchored = split != std::string_view::npos;
    const std::string_view wanted = anchored ? text.substr(split + kAnchorSeparator.size()) : text;
    std::size_t from = 0;
    if (anchored) {
        const std::string_view anchor = text.substr(0, split);
        const std::vector<std::size_t> anchors = lines_holding(lesson.lines, anchor, 0);
        if (anchors.size() != 1) {
            marker.problem = not_one_line(anchor, anchors.size());
            return marker;
        }
        from = anchors.front();
    }
    if (wanted.size() < kMinMarkerText) {
        marker.problem = fmt::format("'{}' is too short to name a line (at least {} characters)",
                                     wanted, kMinMarkerText);
        return marker;
    }
    // After an anchor the first line holding the text is meant; without one, the only one.
    const std::vector<std::size_t> found = lines_holding(lesson.lines, wanted, from);
    if (found.empty() || (!anchored && found.size() > 1)) {
        marker.problem = not_one_line(wanted, found.size());
        return marker;
    }
    marker.cpp_line = lesson.numbers[found.front()];
    if (marker.cpp_line == 0)
        marker.problem = fmt::format("'{}': its line is not in {}", wanted, lesson.file);
    return marker;
}

// A line of a Go listing as shown: tabs expanded, its marker taken off and resolved.
struct ShownLine {
    std::string code;
    std::optional<GoMarker> marker;
    bool noted() const { return marker && marker->cpp_line > 0; }
};

std::vector<ShownLine> shown_lines(std::string_view go_text,
                                   const std::optional<NumberedLesson>& lesson) {
    std::vector<ShownLine> lines;
    int number = 0;
    for (std::string_view line : lines_of(go_text)) {
        ++number;
        const std::size_t at = line.find(kMarker);
        if (at == std::string_view::npos) {
            lines.push_back({expand_tabs(line), std::nullopt});
            continue;
        }
        const std::string_view text = stripped(line.substr(at + kMarker.size()));
        std::string code = expand_tabs(line.substr(0, at));
        code.erase(code.find_last_not_of(' ') + 1);
        lines.push_back(
            {std::move(code), lesson ? resolve(number, text, *lesson)
                                     : GoMarker{number, std::string(text), 0, "no lesson code"}});
    }
    return lines;
}

// The lines of one listing, indented by `indent`, each marked line with its C++ file:line in a
// column beside it (or under it, where beside would pass `style`'s width).
std::string listing_text(const std::vector<ShownLine>& lines, std::string_view cpp_name,
                         std::size_t indent, const Style& style) {
    auto note = [&](const ShownLine& line) {
        return fmt::format("// {}:{}", cpp_name, line.marker->cpp_line);
    };
    std::size_t widest_note = 0;
    for (const ShownLine& line : lines)
        if (line.noted()) widest_note = std::max(widest_note, note(line).size());
    const auto width = static_cast<std::size_t>(style.width());
    const std::size_t room =
        width > indent + 2 + widest_note ? width - indent - 2 - widest_note : 0;
    std::size_t column = 0;  // the longest marked line that leaves room for its note
    for (const ShownLine& line : lines)
        if (line.noted() && line.code.size() <= room) column = std::max(column, line.code.size());
    const std::string margin(indent, ' ');
    std::string out;
    for (const ShownLine& line : lines) {
        if (!line.noted()) {
            out += margin + line.code + "\n";
        } else if (line.code.size() > column) {
            out += margin + line.code + "\n" + margin + std::string(column + 2, ' ') +
                   style.dim(note(line)) + "\n";
        } else {
            out += margin + text::pad(line.code, column + 2) + style.dim(note(line)) + "\n";
        }
    }
    return out;
}

// "demos/go/s09_early_return" of "demos/go/s09_early_return/unsafe/main.go".
std::string_view program_directory(std::string_view path) {
    return path.substr(0, path.rfind('/', path.rfind('/') - 1));
}

std::string_view base_name(std::string_view path) {
    return path.substr(path.find_last_of('/') + 1);
}

struct Listings {
    const GoListing* unsafe;
    const GoListing* fixed;
    std::optional<NumberedLesson> lesson;
    std::string cpp_file;  // "demos/s09_early_return.cpp" (empty: no lesson code)
};

std::optional<Listings> listings_of(const Scenario& scenario) {
    const GoListing* unsafe = find_go_listing(scenario, Variant::unsafe);
    const GoListing* fixed = find_go_listing(scenario, Variant::fixed);
    if (unsafe == nullptr || fixed == nullptr) return std::nullopt;
    std::optional<NumberedLesson> lesson = numbered_lesson(scenario);
    std::string file = lesson ? lesson->file : std::string();
    return Listings{unsafe, fixed, std::move(lesson), std::move(file)};
}

}  // namespace

bool has_go_listings(const Scenario& scenario) {
    return listings_of(scenario).has_value();
}

std::vector<GoMarker> go_markers(const Scenario& scenario, Variant variant) {
    const GoListing* listing = find_go_listing(scenario, variant);
    if (listing == nullptr) return {};
    return resolve_go_markers(listing->text, scenario);
}

std::vector<GoMarker> resolve_go_markers(std::string_view go_text, const Scenario& scenario) {
    std::vector<GoMarker> markers;
    for (ShownLine& line : shown_lines(go_text, numbered_lesson(scenario)))
        if (line.marker) markers.push_back(std::move(*line.marker));
    return markers;
}

std::string annotated_go(std::string_view go_text, const Scenario& scenario, const Style& style) {
    const std::optional<NumberedLesson> lesson = numbered_lesson(scenario);
    return listing_text(shown_lines(go_text, lesson),
                        lesson ? base_name(lesson->file) : std::string_view(), 2, style);
}

std::string render_go_listings(const Scenario& scenario, const Style& style) {
    const std::optional<Listings> go = listings_of(scenario);
    if (!go) return {};
    std::string out = "\n" + style.strong("The same program in Go") + "\n";
    const std::string about = fmt::format(
        "In {}/, unsafe and fixed (go run -race . in either directory). A line noted // {}:N "
        "stands for line N of {}.",
        program_directory(go->unsafe->path), base_name(go->cpp_file), go->cpp_file);
    for (const std::string& line : text::wrap(about, static_cast<std::size_t>(style.width())))
        out += line + "\n";
    for (const GoListing* listing : {go->unsafe, go->fixed}) {
        out += "\n" +
               style.strong(fmt::format("{}: {}", listing == go->unsafe ? "Unsafe" : "Fixed",
                                        listing->path)) +
               "\n";
        // Indented as explain indents the C++ code.
        out +=
            listing_text(shown_lines(listing->text, go->lesson), base_name(go->cpp_file), 2, style);
    }
    return out;
}

std::string render_go_listings_markdown(const Scenario& scenario) {
    const std::optional<Listings> go = listings_of(scenario);
    if (!go) return {};
    std::string out = fmt::format(
        "## The same program in Go\n\nIn `{}/`, unsafe and fixed (`go run -race .` in either "
        "directory). A line that ends in `// {}:N` stands for line N of `{}`.\n\n",
        program_directory(go->unsafe->path), base_name(go->cpp_file), go->cpp_file);
    // Markdown has no colour; its lines are as wide as a page's code shows without scrolling.
    const Style plain(false, 100);
    for (const GoListing* listing : {go->unsafe, go->fixed}) {
        out += fmt::format("### {}\n\nFrom `{}`:\n\n```go\n",
                           listing == go->unsafe ? "Unsafe" : "Fixed", listing->path);
        out +=
            listing_text(shown_lines(listing->text, go->lesson), base_name(go->cpp_file), 0, plain);
        out += "```\n\n";
    }
    return out;
}

}  // namespace racedemo
