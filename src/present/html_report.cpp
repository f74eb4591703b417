#include "present/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

#include "core/overloaded.hpp"
#include "present/text.hpp"
#include "present/waits.hpp"

namespace racedemo {
namespace {

// Drawn for a projector at 1280×720 seen from the back row: large type, and every text at least
// 7:1 against its background (WCAG AAA), for a projector washes colours out.
constexpr const char* kStyle = R"(
html { font-size: 20px; }
body { font-family: system-ui, sans-serif; margin: 0; padding: .6rem 1.2rem 2rem;
  background: #fff; color: #111; line-height: 1.35; }
h1 { font-size: 1.3rem; margin: .2rem 0 .5rem; overflow-wrap: anywhere; }
h2 { font-size: 1.1rem; margin: 1rem 0 .3rem; overflow-wrap: anywhere; }
p { margin: .4rem 0; }
.verdict { font-size: 1.15rem; font-weight: bold; padding: .4rem .7rem; border-radius: 6px;
  overflow-wrap: anywhere; }
.verdict.bad { background: #fde2e1; color: #8a1111; }
.verdict.good { background: #e1f5e4; color: #155a22; }
.verdict.unknown { background: #fff4d6; color: #6b4b00; }
.controls { margin: .5rem 0; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center;
  position: sticky; top: 0; z-index: 1; background: #fff; padding: .4rem 0;
  border-bottom: 2px solid #444; }
#position { font-weight: bold; min-width: 7.5em; text-align: center; }
button { font: inherit; padding: .25rem .8rem; color: #111; background: #e8e8e8;
  border: 2px solid #444; border-radius: 5px; }
button:disabled { color: #4d4d4d; background: #fff; border-style: dashed; }
button:focus-visible { outline: 3px solid #1a3f86; outline-offset: 2px; }
table.lanes, table.outcomes { border-collapse: collapse; }
table.lanes { font-family: ui-monospace, monospace; font-size: 1rem; width: 100%;
  table-layout: fixed; }
table.lanes th, table.lanes td, table.outcomes th, table.outcomes td {
  border-bottom: 1px solid #999; padding: .15rem .6rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
table.lanes .n { color: #444; text-align: right; width: 4.5em; }
table.lanes thead th { position: sticky; top: 0; z-index: 1; background: #fff;
  box-shadow: inset 0 -2px 0 #444; }
tr[data-step] { scroll-margin-bottom: 1rem; }
tr.future td { color: #4d4d4d; font-style: italic; }
tr.future .note { display: none; }
tr[aria-current="step"] { outline: 4px solid #1a3f86; outline-offset: -2px; }
tr[aria-current="step"] td { background: #eef5ff; }
tr[data-damage] td { background: #fde2e1; }
tr[data-overwritten] td { background: #fff4d6; }
tr.future[data-damage] td, tr.future[data-overwritten] td { background: none; }
tr.waits td { font-weight: bold; }
.note { color: #8a1111; font-weight: bold; }
.op { color: #444; font-size: .9rem; }
.t1 { color: #004c53; } .t2 { color: #5c3d00; } .t3 { color: #6a2c7d; } .t4 { color: #1a3f86; }
table.outcomes td.count { text-align: right; font-variant-numeric: tabular-nums; }
table.outcomes td.bar { width: 16em; }
.bar span { display: block; height: .9rem; background: #b3261e; }
.bar span.clean { background: #1e7a34; }
code, pre { background: #f1f1ee; color: #111; padding: .2rem .4rem; border-radius: 4px; }
code { overflow-wrap: anywhere; }
pre { padding: .8rem; overflow-x: auto; font-size: .8rem; }
)";

constexpr const char* kScript = R"(
(function () {
  const rows = Array.from(document.querySelectorAll('tr[data-step]'));
  const waits = Array.from(document.querySelectorAll('tr.waits'));
  const position = document.getElementById('position');
  const controls = document.querySelector('.controls');
  const head = document.querySelector('table.lanes thead');
  let current = 0;
  // The lane headings stay in view under the sticky controls, and a step scrolled to stays
  // clear of both.
  function pin() {
    const top = controls.offsetHeight;
    if (head) head.querySelectorAll('th').forEach(function (th) { th.style.top = top + 'px'; });
    const clear = top + (head ? head.offsetHeight : 0) + 8;
    rows.forEach(function (row) { row.style.scrollMarginTop = clear + 'px'; });
  }
  window.addEventListener('resize', pin);
  pin();
  function show() {
    rows.forEach(function (row, index) {
      if (index === current) row.setAttribute('aria-current', 'step');
      else row.removeAttribute('aria-current');
      row.classList.toggle('future', index > current);
    });
    // The threads wait for good after the last step, so their waits come with it.
    waits.forEach(function (row) { row.classList.toggle('future', current < rows.length - 1); });
    position.textContent = rows.length ? 'step ' + (current + 1) + ' of ' + rows.length
                                       : 'no steps';
  }
  function go(index, where) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    show();
    rows[current].scrollIntoView({block: where || 'nearest'});
  }
  document.addEventListener('keydown', function (event) {
    const moves = {ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1};
    if (event.key in moves) { go(current + moves[event.key]); event.preventDefault(); }
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(rows.length - 1);
  });
  document.getElementById('first').onclick = function () { go(0); };
  document.getElementById('back').onclick = function () { go(current - 1); };
  document.getElementById('next').onclick = function () { go(current + 1); };
  document.getElementById('last').onclick = function () { go(rows.length - 1); };
  const damage = rows.findIndex(function (row) { return row.hasAttribute('data-damage'); });
  // The damage is the lesson's point: in the middle of the window, with the steps before it.
  document.getElementById('damage').onclick = function () { if (damage >= 0) go(damage, 'center'); };
  document.getElementById('damage').disabled = damage < 0;
  show();
})();
)";

std::string escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

// What a page shows of a run: its trace, verdict, evidence and replay.
struct PageParts {
    const Trace* trace = nullptr;
    std::string trace_title = "The steps";  // which execution the steps are of
    std::string evidence;
    std::string replay;
    std::string note;  // a sentence about the order shown
};

PageParts parts_of(const ModelReport& model) {
    return {&model.result.shown.trace, "The steps", model.result.shown.outcome.evidence,
            model.replay, "The model runs one step at a time: this order is exact."};
}

// Which real trial the page's steps are of, as the text report names it.
std::string real_trace_title(const RealResult& result) {
    if (result.first_misuse)
        return fmt::format("The first misuse: run {}", result.first_misuse_run.value_or(0));
    if (result.first_bad)
        return fmt::format("The first corruption: run {}, round {}, {:.1f} ms into the run",
                           result.first_corrupt_run.value_or(0), result.first_bad->rounds,
                           result.first_corruption_ms.value_or(0));
    if (result.first_deadlock)
        return fmt::format("The first deadlock: run {}, round {}",
                           result.first_deadlock_run.value_or(0), result.first_deadlock->rounds);
    return "The steps";
}

PageParts parts_of(const RealReport& real) {
    PageParts parts;
    const auto& first = real.result.first_misuse ? real.result.first_misuse
                        : real.result.first_bad  ? real.result.first_bad
                                                 : real.result.first_deadlock;
    if (first && first->trace) parts.trace = &*first->trace;
    if (first) parts.evidence = first->outcome.evidence;
    if (real.model_replay) parts.replay = real.model_replay->command;
    parts.trace_title = real_trace_title(real.result);
    parts.note =
        "Real threads, observed order: approximate. Each step's time is read on its own core, "
        "and cores' clocks are not a total order.";
    return parts;
}

// The steps whose writes a damaging step overwrote (or saw half-done).
std::set<int> overwritten_steps(const Trace& trace) {
    std::set<int> steps;
    for (const TraceEvent& event : trace.events)
        if (event.damage) steps.insert(event.damage.other_step);
    return steps;
}

std::vector<int> lane_threads(const Trace& trace) {
    std::set<int> threads;
    for (const TraceEvent& event : trace.events) threads.insert(event.thread);
    for (const TraceWait& wait : trace.waits) threads.insert(wait.thread);
    return {threads.begin(), threads.end()};
}

std::string lane_heading(const Trace& trace, int thread) {
    const auto index = static_cast<std::size_t>(thread - 1);
    const bool named = index < trace.lanes.size() && !trace.lanes[index].empty();
    return fmt::format("T{}{}", thread, named ? " " + trace.lanes[index] : std::string());
}

int lane_colour(int thread) {
    return (thread - 1) % 4 + 1;
}

std::string step_cell(const TraceEvent& event, bool new_operation) {
    std::string cell;
    if (new_operation && !event.operation.empty())
        cell += fmt::format("<div class=\"op\">· {}</div>", escape(event.operation));
    cell += escape(step_text(event));
    if (event.damage)
        cell += fmt::format("<div class=\"note\">! {}</div>", escape(damage_note(event.damage)));
    return cell;
}

std::string step_row(const TraceEvent& event, const std::vector<int>& threads,
                     const std::set<int>& overwritten, bool new_operation) {
    std::string row =
        fmt::format("<tr data-step=\"{}\" data-thread=\"{}\"{}{}><td class=\"n\">{}</td>",
                    event.step, event.thread, event.damage ? " data-damage" : "",
                    overwritten.count(event.step) ? " data-overwritten" : "", event.step);
    for (const int thread : threads)
        row += thread == event.thread
                   ? fmt::format("<td class=\"t{}\">{}</td>", lane_colour(thread),
                                 step_cell(event, new_operation))
                   : "<td></td>";
    return row + "</tr>\n";
}

// Every thread that waits for good, in its own lane, on one row after the last step: they are
// all stuck at once.
// A thread's cell in the row after the last step: what it waits for, or the lock it left held
// when it finished (an abandoned lock), or nothing.
std::string end_cell(const Trace& trace, int thread) {
    const auto wait = std::find_if(trace.waits.begin(), trace.waits.end(),
                                   [thread](const TraceWait& w) { return w.thread == thread; });
    if (wait != trace.waits.end())
        return fmt::format("<td class=\"t{}\" data-wait=\"{}\">{}</td>", lane_colour(thread),
                           thread, escape(describe_wait_step(wait->waiter)));
    const auto left =
        std::find_if(trace.abandoned.begin(), trace.abandoned.end(),
                     [thread](const TraceAbandoned& a) { return a.thread == thread; });
    if (left != trace.abandoned.end())
        return fmt::format(
            "<td class=\"t{}\" data-abandoned=\"{}\">finished, still holding {}</td>",
            lane_colour(thread), thread, escape(left->lock));
    return "<td></td>";
}

std::string waits_row(const Trace& trace, const std::vector<int>& threads) {
    std::string row = "<tr class=\"waits\"><td class=\"n\">stuck</td>";
    for (const int thread : threads) row += end_cell(trace, thread);
    return row + "</tr>\n";
}

std::string lanes_table(const Trace& trace) {
    const std::vector<int> threads = lane_threads(trace);
    std::string out = "<table class=\"lanes\"><thead><tr><th scope=\"col\" class=\"n\">step</th>";
    for (const int thread : threads)
        out += fmt::format("<th scope=\"col\" class=\"t{}\" data-lane=\"{}\">{}</th>",
                           lane_colour(thread), thread, escape(lane_heading(trace, thread)));
    out += "</tr></thead>\n<tbody>\n";
    const std::set<int> overwritten = overwritten_steps(trace);
    std::map<int, std::string> operation;  // per thread: its latest operation shown
    for (const TraceEvent& event : trace.events) {
        const bool changed = operation[event.thread] != event.operation;
        operation[event.thread] = event.operation;
        out += step_row(event, threads, overwritten, changed);
    }
    if (!trace.waits.empty()) out += waits_row(trace, threads);
    return out + "</tbody></table>\n";
}

// The outcome histogram of a real run, the main result of it: each outcome and its runs, as the
// text report's table has them, with a bar beside the count.
std::string outcomes_table(const RealResult& result) {
    int most = 0;
    for (const auto& [label, count] : result.outcomes.rows) most = std::max(most, count);
    std::string out = fmt::format(
        "<h2>Outcomes of {}</h2>\n<table class=\"outcomes\" id=\"outcomes\"><thead><tr>"
        "<th scope=\"col\">outcome</th><th scope=\"col\" colspan=\"2\">runs</th></tr></thead>\n"
        "<tbody>\n",
        text::counted(static_cast<std::uint64_t>(result.runs_done), "run"));
    for (const auto& [label, count] : result.outcomes.rows)
        out += fmt::format(
            "<tr data-outcome><td>{}</td><td class=\"count\">{}</td><td class=\"bar\" "
            "aria-hidden=\"true\"><span{} style=\"width: {}%\"></span></td></tr>\n",
            escape(label), count, label == "clean" ? " class=\"clean\"" : "",
            most == 0 ? 0 : count * 100 / most);
    return out + "</tbody></table>\n";
}

std::string first_line(std::string_view text) {
    return std::string(text.substr(0, text.find('\n')));
}

// The verdict line of a text report, whole: "CORRUPTED: 3 of 3 runs went wrong (...); first:
// ..." (empty when there is none).
std::string verdict_line(std::string_view text, Verdict verdict) {
    const std::string heading = verdict_heading(verdict, Style(false));
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view line = text.substr(at, end - at);
        if (line.starts_with(heading)) return std::string(line);
        at = end + 1;
    }
    return {};
}

std::string verdict_block(Verdict verdict, const std::string& line, const std::string& evidence) {
    const char* kind = verdict == Verdict::clean          ? "good"
                       : verdict == Verdict::no_bug_found ? "unknown"
                                                          : "bad";
    const std::string shown = !line.empty() ? line
                                            : fmt::format("{}{}", verdict_word(verdict),
                                                          evidence.empty() ? "" : ": " + evidence);
    return fmt::format("<p class=\"verdict {}\" id=\"verdict\">{}</p>\n", kind, escape(shown));
}

constexpr const char* kControls =
    "<div class=\"controls\"><button id=\"first\">First</button>"
    "<button id=\"back\">&#9664; Back</button><span id=\"position\" aria-live=\"polite\"></span>"
    "<button id=\"next\">Next &#9654;</button><button id=\"last\">Last</button>"
    "<button id=\"damage\">The damage</button> <span>(arrow keys move too)</span></div>\n";

std::string steps_section(const PageParts& parts) {
    const bool steps = parts.trace && !parts.trace->events.empty();
    return fmt::format("<h2>{}</h2>\n<p>{}</p>\n{}{}", escape(parts.trace_title),
                       escape(parts.note), kControls,
                       steps ? lanes_table(*parts.trace) : "<p>No steps to show.</p>\n");
}

}  // namespace

std::string render_html(const RunReport& report, const std::string& text) {
    const PageParts parts =
        std::visit(overloaded{[](const ModelReport& model) { return parts_of(model); },
                              [](const RealReport& real) { return parts_of(real); },
                              [](const auto&) { return PageParts{}; }},
                   report.body);
    // `text` is fitted to 100 columns; the heading and the verdict are taken whole from the
    // report as rendered, for the page wraps them itself.
    const std::string whole = render_text(report, Style(false, 100));
    const Verdict verdict = verdict_of(report);
    std::string page = fmt::format(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
        escape(text::heading(report.header, "racedemo")), kStyle, escape(first_line(whole)));
    page += verdict_block(verdict, verdict_line(whole, verdict), parts.evidence);
    if (const auto* real = std::get_if<RealReport>(&report.body))
        page += outcomes_table(real->result);
    page += steps_section(parts);
    if (!parts.replay.empty())
        page +=
            fmt::format("<p>Replay it: <code id=\"replay\">{}</code></p>\n", escape(parts.replay));
    page += fmt::format(
        "<details><summary>The full text report</summary><pre tabindex=\"0\">{}</pre></details>\n",
        escape(text));
    return page + "</main>\n<script>" + kScript + "</script>\n</body>\n</html>\n";
}

}  // namespace racedemo
