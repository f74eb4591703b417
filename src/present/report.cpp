#include "present/report.hpp"

#include <fmt/color.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "present/misuse.hpp"
#include "present/run_report.hpp"
#include "present/text.hpp"
#include "present/waits.hpp"

namespace racedemo {

namespace {

// "step 98", and where the trace shows part of the run and not that step, which side it lies on.
std::string cited_step(const Damage& damage, int step) {
    if (damage.last_shown_step == 0) return fmt::format("step {}", step);
    if (step < damage.first_shown_step) return fmt::format("step {} (before those shown)", step);
    if (step > damage.last_shown_step) return fmt::format("step {} (after those shown)", step);
    return fmt::format("step {}", step);
}

}  // namespace

std::string damage_note(const Damage& damage) {
    if (!damage) return {};
    // The operation is half-done, not the value: the value read is whole, and a step of an
    // operation that is not over yet.
    if (damage.kind == DamageKind::half_done_read) {
        const std::string operation =
            damage.other_operation.empty() ? std::string("operation") : damage.other_operation;
        if (!damage.replaced_target.empty())
            return fmt::format(
                "sees T{}'s {} half-done: it wrote {} at {}, and changes {}, read at {}, only "
                "at {}",
                damage.other_thread, operation, damage.other_value,
                cited_step(damage, damage.other_step), damage.replaced_target,
                cited_step(damage, damage.earlier_read_step),
                cited_step(damage, damage.replaced_step));
        return fmt::format("sees T{}'s {} half-done: it wrote {} at {} and replaces it at {}",
                           damage.other_thread, operation, damage.other_value,
                           cited_step(damage, damage.other_step),
                           cited_step(damage, damage.replaced_step));
    }
    const std::string overwrites =
        fmt::format("overwrites {} written by T{} at {}", damage.other_value, damage.other_thread,
                    cited_step(damage, damage.other_step));
    if (damage.kind == DamageKind::lost_write) return overwrites + ", unread";
    if (damage.stale_step == 0) return overwrites;
    return fmt::format("{}: the {} T{} read at {} was changed at {}", overwrites,
                       damage.stale_target, damage.stale_thread,
                       cited_step(damage, damage.stale_step),
                       cited_step(damage, damage.changed_step));
}

std::string wait_words(const TraceEvent& event) {
    std::vector<std::string> names;
    for (int thread : event.waits_for) names.push_back(fmt::format("T{}", thread));
    const std::string who = fmt::format("{}", fmt::join(names, " and "));
    if (!event.waits_for_writers) return who;
    return who + (names.size() == 1 ? ", a queued writer" : ", queued writers");
}

std::string shown_value(const TraceEvent& event) {
    return event.waits ? wait_words(event) : event.value;
}

std::string step_text(const TraceEvent& event) {
    if (event.waits) {
        // A real run knows that the lock was taken, not by whom.
        const std::string whom = wait_words(event);
        if (whom.empty()) return fmt::format("{} {}: waits", op_name(event.op), event.target);
        return fmt::format("{} {}: waits for {}", op_name(event.op), event.target, whom);
    }
    switch (event.op) {
        case Op::read:
            return fmt::format("read  {} -> {}", event.target, event.value);
        case Op::write:
            return fmt::format("write {} <- {}", event.target, event.value);
        case Op::send:
            return fmt::format("send  {} <- {}{}", event.target, event.value,
                               event.contents.empty() ? "" : " " + event.contents);
        case Op::recv:
            return fmt::format("recv  {} -> {}{}", event.target, event.value,
                               event.contents.empty() ? "" : " " + event.contents);
        case Op::update:
            return fmt::format("update {}: {}", event.target, event.value);
        case Op::yield:
            return "yield";
        default:
            return fmt::format("{} {}", op_name(event.op), event.target);
    }
}

namespace {

constexpr int kBarWidth = 30;
// What the observed order of real threads is, and is not.
constexpr const char* kApproximateWhy =
    "  each thread's steps in its own order, each read after the write it read; steps of "
    "different threads that touch nothing in common may have happened the other way round)";

// How the order was made, when the cores' clocks needed correcting or could not be.
std::string order_repair_line(const Trace& trace, const Style& style) {
    if (trace.order_inconsistent)
        return style.dim(
                   " no order of these steps agrees with every value read: shown as the cores' "
                   "clocks put them") +
               "\n";
    if (trace.reads_moved == 0) return {};
    return style.dim(fmt::format(" {} placed after the write whose value {} (the cores' clocks "
                                 "put {} before it)",
                                 text::counted(std::uint64_t(trace.reads_moved), "read"),
                                 trace.reads_moved == 1 ? "it returned" : "they returned",
                                 trace.reads_moved == 1 ? "it" : "them")) +
           "\n";
}

bool marks_damage(const Trace& trace) {
    return std::any_of(trace.events.begin(), trace.events.end(),
                       [](const TraceEvent& event) { return bool(event.damage); });
}

// ---- real runs

std::string outcome_table(const RealResult& result, const Style& style) {
    std::size_t label_width = 7;
    int most = 0;
    for (const auto& [label, count] : result.outcomes.rows) {
        label_width = std::max(label_width, label.size());
        most = std::max(most, count);
    }
    label_width = std::min<std::size_t>(label_width, 40);
    std::string out =
        style.dim(fmt::format(" {} {:>5}", text::pad("outcome", label_width), "runs")) + "\n";
    for (const auto& [label, count] : result.outcomes.rows) {
        std::string row = fmt::format(
            " {} {:>5}  ", text::pad(text::clip(label, label_width), label_width), count);
        std::string drawn = text::bar(count, most, kBarWidth);
        out += row + (label == "clean" ? style.good(drawn) : style.bad(drawn)) + "\n";
    }
    return out;
}

std::string first_corruption(const RealResult& result, const Style& style) {
    if (!result.first_bad) return {};
    const TrialResult& first = *result.first_bad;
    std::string out =
        fmt::format(" first corruption: run {}, round {}, {:.1f} ms into the run\n",
                    *result.first_corrupt_run, first.rounds, *result.first_corruption_ms);
    out += fmt::format("   {}\n", first.outcome.evidence);
    if (first.trace && !first.trace->events.empty()) {
        // The steps are recorded up to a limit per thread, and some damage is found only by the
        // check after the round: then no step shown is the damage, and none is said to be.
        out += style.dim(marks_damage(*first.trace)
                             ? " observed order of the steps around it (real threads:"
                             : " observed order of the round's last recorded steps; none of them "
                               "is marked as the damage, which the check after the round found "
                               "(real threads:") +
               "\n" + style.dim(kApproximateWhy) + "\n";
        out += order_repair_line(*first.trace, style);
        out += render_swimlanes(*first.trace, style);
    }
    return out;
}

// The model's counterpart of the real damage, replayed exactly: how it was found, its command.
std::string model_replay_lines(const ModelReplay& replay, const Style& style) {
    std::string how;
    if (replay.none_in_model)
        how = fmt::format(
            "no schedule corrupts: a complete search at {} threads, under {} (every step "
            "sees the latest write), finds none. What the machine did lies outside that "
            "model: most likely it reordered memory (a core's store held in its store buffer "
            "while a later load went ahead, as x86 allows). Plain memory (Shared<T>) gives "
            "threads no order; a lock or an atomic does.",
            replay.searched_threads, model_memory);
    else if (replay.follows_observed)
        how =
            "the same interleaving in the model (threads renumbered in the order they appear; "
            "each does the model's own, smaller work, so the keys and counts it names differ "
            "from the run's), run and checked: " +
            replay.evidence;
    else if (!replay.observed_damage)
        how =
            "the observed steps mark no single damaging step; the model's shortest "
            "corrupting schedule, run and checked: " +
            replay.evidence;
    else if (replay.same_kind)
        how =
            "the observed order does not carry over to the model; its shortest schedule with "
            "the same kind of damage, run and checked: " +
            replay.evidence;
    else
        how =
            "the observed order does not carry over to the model, nor this kind of damage; "
            "its shortest corrupting schedule, run and checked: " +
            replay.evidence;
    // Exact in the model's sense: the same steps, the same result, every time it is run.
    std::string out = " model replay: " + how;
    std::string wrapped;
    for (const std::string& line :
         text::wrap(out.substr(1), static_cast<std::size_t>(style.width()) - 2))
        wrapped += (wrapped.empty() ? " " : "   ") + line + "\n";
    return wrapped + "   " + replay.command + "\n";
}

std::string stopped_early(const RealResult& result, const Style& style) {
    if (result.runs_done + result.failed_to_start >= result.runs_requested) return {};
    if (result.interrupted_by != 0)
        return fmt::format(" {} after {} of {} runs ({})\n", style.bad("interrupted"),
                           result.runs_done, result.runs_requested,
                           signal_name(result.interrupted_by));
    if (result.time_limit_reached)
        return fmt::format(" {} after {} of {} runs (--max-time)\n",
                           style.bad("stopped at the time limit"), result.runs_done,
                           result.runs_requested);
    return fmt::format(" stopped after {} of {} runs\n", result.runs_done, result.runs_requested);
}

// Trials the machine refused (no process, thread or memory): apart from every outcome.
std::string not_started(const RealResult& result) {
    if (result.failed_to_start == 0) return {};
    return fmt::format(" {} could not start{}: {}\n", result.failed_to_start,
                       result.start_failures_vary ? ", for more than one reason; the first" : "",
                       result.start_failure);
}

// A deadlocked run: the watchdog found threads that can never go on, named who held what, and
// ended the trial's process.
std::string first_deadlock(const RealResult& result, const Style& style) {
    if (!result.first_deadlock) return {};
    const TrialResult& first = *result.first_deadlock;
    std::string out = fmt::format(
        " first deadlock: run {}, round {}\n"
        "   racedemo's watchdog found threads that can never go on, and ended that run:\n   {}\n",
        *result.first_deadlock_run, first.rounds, style.bad(first.outcome.evidence));
    if (first.trace && !first.trace->events.empty()) {
        out += style.dim(" observed order of the round's last steps (real threads:") + "\n" +
               style.dim(kApproximateWhy) + "\n";
        out += order_repair_line(*first.trace, style);
        out += render_swimlanes(*first.trace, style);
    }
    return out;
}

// "; the other 3 finished clean", when some did.
std::string others_clean(int clean) {
    return clean > 0 ? fmt::format("; the other {} finished clean", clean) : std::string();
}

// A trial stops at the round of its first misuse; the run goes on with the next trial.
std::string misuse_verdict(const RealResult& result, const Style& style) {
    const TrialResult& first = *result.first_misuse;
    return fmt::format("{} {} of {} runs stopped at a misuse; the first, run {}: {}\n {}\n",
                       verdict_heading(Verdict::misuse, style), result.misused_runs,
                       result.runs_done, *result.first_misuse_run, first.outcome.evidence,
                       first.misuse ? misuse_rule(first.misuse->kind) : "");
}

// Real runs of an unsafe program in which nothing went wrong: what was seen, and no more.
std::string unseen_verdict(const RealResult& result, const std::string& model_search,
                           const Style& style) {
    std::string out = fmt::format(
        "{} {} of {} runs ({} rounds) went right, but the program is the unsafe one: runs that "
        "saw nothing prove nothing\n",
        verdict_heading(Verdict::no_bug_found, style), result.runs_done, result.runs_done,
        result.rounds_total);
    if (!model_search.empty())
        out += fmt::format(" every schedule, in the model: {}\n", model_search);
    return out;
}

// What the noise (NoiseSettings) does, when it is on.
std::string noise_line(const NoiseSettings& noise) {
    if (!noise.on) return {};
    return fmt::format(
        " noise on: 1 step in {} pauses its thread (a yield, or up to {} µs), so that rare "
        "interleavings happen (--noise off: without)\n",
        noise.one_in, noise.longest_pause_us);
}

// "4 threads on 2 cores": at most two run at any moment, and some interleavings grow rare.
std::string cores_line(const RealOptions& options, const RealResult& result) {
    if (result.cores <= 0 || options.threads <= result.cores) return {};
    return fmt::format(
        " {} threads on {} cores: at most {} run at any moment, the others wait their turn, and "
        "some interleavings seldom happen\n",
        options.threads, result.cores, result.cores);
}

std::string real_verdict(const RealReport& real, const RealResult& result, double timeout_seconds,
                         const Style& style) {
    if (result.misused_runs > 0 && result.first_misuse) return misuse_verdict(result, style);
    const int bad =
        result.corrupted_runs + result.crashed_runs + result.hung_runs + result.failed_runs;
    // The counts in brackets add up to the runs that went wrong.
    std::string others = result.failed_runs > 0
                             ? fmt::format(", {} ended before reporting", result.failed_runs)
                             : "";
    if (result.deadlocked_runs > 0)
        others += fmt::format(", {} deadlocked", result.deadlocked_runs);
    if (verdict_corrupt(result))
        return fmt::format(
            "{} {} of {} runs went wrong ({} corrupted, {} crashed, {} hung{}); first: {}\n",
            verdict_heading(Verdict::corrupted, style), bad + result.deadlocked_runs,
            result.runs_done, result.corrupted_runs, result.crashed_runs, result.hung_runs, others,
            result.first_bad ? result.first_bad->outcome.evidence : "");
    const std::string hung =
        result.hung_runs > 0 ? fmt::format("; {} hung", result.hung_runs) : std::string();
    if (result.deadlocked_runs > 0)
        return fmt::format(
            "{} {} of {} runs{}{}\n", verdict_heading(Verdict::deadlocked, style),
            result.deadlocked_runs, result.runs_done, hung,
            others_clean(result.runs_done - result.deadlocked_runs - result.hung_runs));
    // A hang shows no damage, only no answer: perhaps a livelock, perhaps too short a timeout.
    if (result.hung_runs > 0)
        return fmt::format(
            "{} {} of {} runs gave no result within {:g} s and were killed; no "
            "corruption seen{}\n",
            verdict_heading(Verdict::hung, style), result.hung_runs, result.runs_done,
            timeout_seconds, others_clean(result.runs_done - result.hung_runs));
    if (!real_run_cut(result) && real.variant == Variant::unsafe)
        return unseen_verdict(result, real.model_search, style);
    if (real_run_cut(result))
        return fmt::format(
            "{} {} of {} runs finished, none went wrong; but the run {}, so this is no proof\n",
            verdict_heading(Verdict::no_bug_found, style), result.runs_done, result.runs_requested,
            result.interrupted_by != 0 ? "was interrupted" : "reached its time limit");
    return fmt::format("{} {} of {} runs, {} rounds in all, no corruption, no deadlock\n",
                       verdict_heading(Verdict::clean, style), result.runs_done, result.runs_done,
                       result.rounds_total);
}

// ---- swimlanes

struct Lanes {
    std::vector<int> threads;  // the threads that took a step, in order
    bool side_by_side = true;  // else one step a line, tagged with its thread
    std::size_t width = 18;    // of one lane
    std::size_t screen = 80;

    std::size_t column_of(int thread) const {
        if (!side_by_side) return 0;
        return static_cast<std::size_t>(std::find(threads.begin(), threads.end(), thread) -
                                        threads.begin());
    }
};

// Lanes only for the threads that took a step here, or wait for good: a window of a real run
// with 8 threads usually involves two or three of them. More than fit side by side: one step a
// line.
Lanes lay_out(const Trace& trace, const Style& style) {
    Lanes lanes;
    auto add = [&lanes](int thread) {
        if (std::find(lanes.threads.begin(), lanes.threads.end(), thread) == lanes.threads.end())
            lanes.threads.push_back(thread);
    };
    for (const TraceEvent& event : trace.events) add(event.thread);
    for (const TraceWait& wait : trace.waits) add(wait.thread);
    for (const TraceAbandoned& abandoned : trace.abandoned) add(abandoned.thread);
    std::sort(lanes.threads.begin(), lanes.threads.end());
    lanes.side_by_side = lanes.threads.size() <= 3;
    lanes.screen = static_cast<std::size_t>(style.width());
    const std::size_t count = lanes.side_by_side ? lanes.threads.size() : 1;
    lanes.width = std::max<std::size_t>(18, (lanes.screen - 7) / count - 1);
    return lanes;
}

std::string lane_label(const Trace& trace, int thread) {
    const std::size_t index = static_cast<std::size_t>(thread - 1);
    std::string label = fmt::format("T{}", thread);
    if (index < trace.lanes.size() && !trace.lanes[index].empty())
        label += " " + trace.lanes[index];
    return label;
}

// A damage mark may use the rest of the line; when it does not fit there, it starts at the
// left edge, and goes on in lines of its own rather than being cut.
std::string damage_mark(const Lanes& lanes, const Style& style, std::size_t indent,
                        const std::string& text) {
    const std::size_t room = lanes.screen - 7;
    if (indent + text::columns(text) > room) indent = 0;
    std::string out;
    for (const std::string& line : text::wrap(text, room - indent - 2)) {
        const std::string lead = out.empty() ? "" : "  ";  // under the text, past the "! "
        out += std::string(out.empty() ? 0 : 7, ' ') + std::string(indent, ' ') +
               style.bad(lead + line) + "\n";
    }
    return out;
}

std::string swim_line(const Lanes& lanes, const Style& style, int step, int thread,
                      std::string text, bool mark) {
    // Six digits still fit the column (a run cut at the step bound of 100000 has them).
    std::string row = step <= 0        ? std::string(7, ' ')
                      : step >= 100000 ? style.dim(fmt::format("{:>6} ", step))
                                       : style.dim(fmt::format("{:>5}  ", step));
    std::size_t indent = lanes.column_of(thread) * (lanes.width + 1);
    if (!lanes.side_by_side && !mark) text = fmt::format("T{} {}", thread, text);
    if (mark) return row + damage_mark(lanes, style, indent, text);
    // A step too wide for its lane goes on below, in its lane: its value is the point.
    std::string out;
    for (const std::string& line : text::wrap(text, lanes.width - 2)) {
        const bool first = out.empty();
        out += (first ? row : std::string(7, ' ')) + std::string(indent, ' ') +
               style.thread(thread, text::clip(first ? line : "  " + line, lanes.width)) + "\n";
    }
    return out;
}

std::string swim_header(const Trace& trace, const Lanes& lanes, const Style& style) {
    std::string out = style.dim(" step  ");
    if (!lanes.side_by_side) return out + "thread and step\n";
    for (int thread : lanes.threads)
        out += style.strong(
            text::pad(text::clip(lane_label(trace, thread), lanes.width), lanes.width + 1));
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
}

// What each lane is doing now; a change of operation gets its own "· insert(...)" line.
std::vector<std::string> initial_operations(const Trace& trace, const Lanes& lanes) {
    const int most = std::max(static_cast<int>(trace.lanes.size()), lanes.threads.back());
    std::vector<std::string> operation(static_cast<std::size_t>(most));
    for (int thread : lanes.threads) {
        const std::size_t index = static_cast<std::size_t>(thread - 1);
        if (index < trace.lanes.size())
            operation[index] = lanes.side_by_side ? trace.lanes[index] : "";
    }
    return operation;
}

}  // namespace

std::string Style::bad(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::fg(fmt::terminal_color::bright_red) | fmt::emphasis::bold, "{}", text);
}
std::string Style::good(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::fg(fmt::terminal_color::bright_green) | fmt::emphasis::bold, "{}",
                       text);
}
std::string Style::strong(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::emphasis::bold, "{}", text);
}
std::string Style::dim(std::string_view text) const {
    if (!color_) return std::string(text);
    return fmt::format(fmt::fg(fmt::terminal_color::bright_black), "{}", text);
}
std::string Style::thread(int thread, std::string_view text) const {
    if (!color_) return std::string(text);
    static constexpr fmt::terminal_color lanes[] = {
        fmt::terminal_color::cyan, fmt::terminal_color::yellow, fmt::terminal_color::magenta,
        fmt::terminal_color::blue, fmt::terminal_color::green};
    return fmt::format(fmt::fg(lanes[(thread - 1) % 5]), "{}", text);
}

std::string render_real(const RunHeader& header, const RealReport& real, const Style& style) {
    const RealOptions& options = real.options;
    const RealResult& result = real.result;
    const std::optional<ModelReplay>& replay = real.model_replay;
    const std::string what =
        fmt::format("{} · noise {}", text::counted(std::uint64_t(options.runs), "run"),
                    options.noise.on ? "on" : "off");
    std::string out = style.strong(text::heading(header, what)) + "\n";
    out += noise_line(options.noise);
    out += outcome_table(result, style);
    out += first_corruption(result, style);
    if (replay) out += model_replay_lines(*replay, style);
    out += first_deadlock(result, style);
    out += stopped_early(result, style);
    out += not_started(result);
    out += cores_line(options, result);
    out += real_verdict(real, result, options.timeout_seconds, style);
    return out;
}

std::string render_swimlanes(const Trace& trace, const Style& style) {
    if (trace.events.empty() && trace.waits.empty()) return {};
    const Lanes lanes = lay_out(trace, style);
    std::string out = swim_header(trace, lanes, style);
    std::vector<std::string> operation = initial_operations(trace, lanes);
    for (const TraceEvent& event : trace.events) {
        std::string& current = operation[static_cast<std::size_t>(event.thread - 1)];
        if (event.operation != current) {
            current = event.operation;
            if (!current.empty())
                out += swim_line(lanes, style, 0, event.thread, "· " + current, false);
        }
        out += swim_line(lanes, style, event.step, event.thread, step_text(event), false);
        if (event.damage)
            out += swim_line(lanes, style, 0, event.thread, "! " + damage_note(event.damage), true);
    }
    for (const TraceAbandoned& abandoned : trace.abandoned)
        out += swim_line(lanes, style, 0, abandoned.thread,
                         fmt::format("finished, still holding {}", abandoned.lock), false);
    for (const TraceWait& wait : trace.waits)
        out += swim_line(lanes, style, 0, wait.thread, describe_wait_step(wait.waiter), false);
    return out;
}

}  // namespace racedemo
