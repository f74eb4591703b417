#include "present/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <variant>

#include "core/overloaded.hpp"
#include "present/text.hpp"
#include "present/waits.hpp"

namespace racedemo {
namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, sans-serif; margin: 2rem; background: #fdfdfb; color: #1d1d1d; }
h1 { font-size: 1.4rem; }
.verdict { font-size: 1.3rem; font-weight: bold; padding: .5rem .8rem; border-radius: 6px; }
.verdict.bad { background: #fde2e1; color: #8a1111; }
.verdict.good { background: #e1f5e4; color: #155a22; }
.verdict.unknown { background: #fff4d6; color: #6b4b00; }
.controls { margin: 1rem 0; display: flex; gap: .5rem; align-items: center; position: sticky;
  top: 0; z-index: 1; background: #fdfdfb; padding: .5rem 0; }
tr[data-step] { scroll-margin-top: 4rem; }
button { font-size: 1rem; padding: .3rem .8rem; }
table.lanes { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 1rem; }
table.lanes th, table.lanes td { border-bottom: 1px solid #ddd; padding: .2rem .8rem;
  text-align: left; vertical-align: top; }
td.n { color: #888; text-align: right; }
tr.future td { color: #bbb; background: none; }
tr.future .note { visibility: hidden; }
tr[aria-current="step"] { outline: 3px solid #2b6cb0; background: #eef5ff; }
tr[data-damage] td { background: #fde2e1; }
tr[data-overwritten] td { background: #fff4d6; }
tr.future[data-damage] td, tr.future[data-overwritten] td { background: none; }
.note { color: #b11; font-weight: bold; }
.op { color: #777; font-size: .85rem; }
.t1 { color: #006d77; } .t2 { color: #9a6700; } .t3 { color: #8e3ba6; } .t4 { color: #1f4fa8; }
code, pre { background: #f1f1ee; padding: .2rem .4rem; border-radius: 4px; }
pre { padding: .8rem; overflow-x: auto; }
)";

constexpr const char* kScript = R"(
(function () {
  const rows = Array.from(document.querySelectorAll('tr[data-step]'));
  const position = document.getElementById('position');
  let current = 0;
  function show() {
    rows.forEach(function (row, index) {
      if (index === current) row.setAttribute('aria-current', 'step');
      else row.removeAttribute('aria-current');
      row.classList.toggle('future', index > current);
    });
    position.textContent = rows.length ? 'step ' + (current + 1) + ' of ' + rows.length
                                       : 'no steps';
  }
  function go(index) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    show();
    rows[current].scrollIntoView({block: 'nearest'});
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
  document.getElementById('damage').onclick = function () { if (damage >= 0) go(damage); };
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
    std::string evidence;
    std::string replay;
    std::string note;  // a sentence about the order shown
};

PageParts parts_of(const ModelReport& model) {
    return {&model.result.shown.trace, model.result.shown.outcome.evidence, model.replay,
            "The model runs one step at a time: this order is exact."};
}

PageParts parts_of(const RealReport& real) {
    PageParts parts;
    const auto& first = real.result.first_misuse ? real.result.first_misuse
                        : real.result.first_bad  ? real.result.first_bad
                                                 : real.result.first_deadlock;
    if (first && first->trace) parts.trace = &*first->trace;
    if (first) parts.evidence = first->outcome.evidence;
    if (real.model_replay) parts.replay = real.model_replay->command;
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
                   ? fmt::format("<td class=\"t{}\">{}</td>", (thread - 1) % 4 + 1,
                                 step_cell(event, new_operation))
                   : "<td></td>";
    return row + "</tr>\n";
}

std::string lanes_table(const Trace& trace) {
    const std::vector<int> threads = lane_threads(trace);
    std::string out = "<table class=\"lanes\"><thead><tr><th>step</th>";
    for (const int thread : threads)
        out += fmt::format("<th class=\"t{}\">{}</th>", (thread - 1) % 4 + 1,
                           escape(lane_heading(trace, thread)));
    out += "</tr></thead>\n<tbody>\n";
    const std::set<int> overwritten = overwritten_steps(trace);
    std::map<int, std::string> operation;  // per thread: its latest operation shown
    for (const TraceEvent& event : trace.events) {
        const bool changed = operation[event.thread] != event.operation;
        operation[event.thread] = event.operation;
        out += step_row(event, threads, overwritten, changed);
    }
    for (const TraceWait& wait : trace.waits)
        out += fmt::format(
            "<tr class=\"waits\"><td class=\"n\"></td><td colspan=\"{}\">T{}: {}</td></tr>\n",
            threads.size(), wait.thread, escape(describe_wait_step(wait.waiter)));
    return out + "</tbody></table>\n";
}

std::string verdict_block(Verdict verdict, const std::string& evidence) {
    const char* kind = verdict == Verdict::clean          ? "good"
                       : verdict == Verdict::no_bug_found ? "unknown"
                                                          : "bad";
    const std::string_view word = verdict_word(verdict);
    return fmt::format("<p class=\"verdict {}\" id=\"verdict\">{}{}</p>\n", kind, word,
                       evidence.empty() ? "" : ": " + escape(evidence));
}

}  // namespace

std::string render_html(const RunReport& report, const std::string& text) {
    const PageParts parts =
        std::visit(overloaded{[](const ModelReport& model) { return parts_of(model); },
                              [](const RealReport& real) { return parts_of(real); },
                              [](const auto&) { return PageParts{}; }},
                   report.body);
    const std::string title = text::heading(report.header, "racedemo");
    std::string page = fmt::format(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<title>{}</title>\n<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title), kStyle, escape(text.substr(0, text.find('\n'))));
    page += verdict_block(verdict_of(report), parts.evidence);
    page += fmt::format("<p>{}</p>\n", escape(parts.note));
    page +=
        "<div class=\"controls\"><button id=\"first\">First</button>"
        "<button id=\"back\">&#9664; Back</button><span id=\"position\"></span>"
        "<button id=\"next\">Next &#9654;</button><button id=\"last\">Last</button>"
        "<button id=\"damage\">The damage</button> (arrow keys move too)</div>\n";
    page += parts.trace && !parts.trace->events.empty() ? lanes_table(*parts.trace)
                                                        : "<p>No steps to show.</p>\n";
    if (!parts.replay.empty())
        page +=
            fmt::format("<p>Replay it: <code id=\"replay\">{}</code></p>\n", escape(parts.replay));
    page += fmt::format("<details><summary>The full text report</summary><pre>{}</pre></details>\n",
                        escape(text));
    return page + "<script>" + kScript + "</script>\n</body>\n</html>\n";
}

}  // namespace racedemo
