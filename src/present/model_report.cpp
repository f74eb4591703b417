// The text report of a model run: the interleaving, the search's counts, one verdict line.
#include <map>
#include <set>

#include "present/misuse.hpp"
#include "present/run_report.hpp"
#include "present/text.hpp"

namespace racedemo {
namespace {

constexpr std::size_t kStepsAfterLastDamage = 4;

bool is_series(const ModelOptions& options) {
    return options.strategy == Strategy::random || options.strategy == Strategy::pct;
}

std::string series_what(const ModelOptions& options) {
    const std::string kind = options.strategy == Strategy::pct
                                 ? fmt::format("pct schedule{}, depth {}",
                                               options.runs == 1 ? "" : "s", options.pct_depth)
                                 : fmt::format("random schedule{}", options.runs == 1 ? "" : "s");
    if (options.runs == 1) return fmt::format("{}, seed {}", kind, options.seed);
    return fmt::format("{} {}, seed {}", options.runs, kind, options.seed);
}

std::string heading_what(const ModelReport& report) {
    const ModelResult& result = report.result;
    switch (report.options.strategy) {
        case Strategy::replay:
            return result.shown.bounded ? "replayed schedule, to the step bound"
                                        : "replayed schedule";
        case Strategy::random:
        case Strategy::pct:
            return series_what(report.options);
        case Strategy::explore:
            break;
    }
    if (result.shown.bounded) return "an execution that reached the step bound";
    if (result.shown.misuse) return "a schedule that misuses a primitive";
    // A search cut short may not have met the shortest one yet.
    if (result.shown.outcome.corrupted)
        return result.complete ? "shortest schedule that corrupts"
                               : "shortest corrupting schedule found so far";
    if (result.shown.deadlock)
        return result.complete ? "shortest schedule that deadlocks"
                               : "shortest deadlocking schedule found so far";
    return verdict_of(report) == Verdict::clean ? "every schedule clean; the first one shown"
                                                : "no corrupting schedule found; the first shown";
}

// "T1 9, T2 3": how many of events[from, to) each thread took.
std::string steps_per_thread(const std::vector<TraceEvent>& events, std::size_t from,
                             std::size_t to) {
    std::map<int, int> per_thread;
    for (std::size_t index = from; index < to; ++index) ++per_thread[events[index].thread];
    std::vector<std::string> counts;
    for (auto [thread, steps] : per_thread) counts.push_back(fmt::format("T{} {}", thread, steps));
    return fmt::format("{}", fmt::join(counts, ", "));
}

// Where the window of the first damage opens: the first step of the operations under way
// when it happens (each thread's operation at that step, back to where it began).
std::size_t window_start(const std::vector<TraceEvent>& events, std::size_t damage) {
    std::map<int, const TraceEvent*> current;  // thread -> its latest event up to the damage
    std::set<int> done;                        // threads whose operation began later
    std::size_t start = damage;
    for (std::size_t index = damage + 1; index-- > 0;) {
        const TraceEvent& event = events[index];
        if (done.count(event.thread) != 0) continue;
        auto [latest, first] = current.try_emplace(event.thread, &event);
        const bool same = latest->second->operation_index == event.operation_index &&
                          latest->second->operation == event.operation;
        if (!first && !same) {
            done.insert(event.thread);
            continue;
        }
        start = index;
    }
    return start;
}

// An execution cut at the step bound or stopped at a misuse: its last steps, where the loop or
// the misuse shows; the thousands before are counted, not drawn.
std::string tail_story(const ModelRun& run, const Style& style) {
    constexpr std::size_t kTail = 12;
    Trace shown = run.trace;
    const std::size_t start = shown.events.size() > kTail ? shown.events.size() - kTail : 0;
    const std::string before =
        start == 0 ? std::string()
                   : style.dim(fmt::format("   ... steps 1 to {} come before ({}); "
                                           "--full-trace shows them",
                                           shown.events[start - 1].step,
                                           steps_per_thread(shown.events, 0, start))) +
                         "\n";
    shown.events.erase(shown.events.begin(),
                       shown.events.begin() + static_cast<std::ptrdiff_t>(start));
    const std::string lanes = render_swimlanes(shown, style);
    const std::size_t header_end = lanes.find('\n') + 1;
    return lanes.substr(0, header_end) + before + lanes.substr(header_end);
}

// The story a class is shown: the first damage's window (from where the operations under way
// began) to a few steps after the last damage; the steps before and after are counted, not
// drawn. full: every step.
std::string story(const ModelRun& run, const Style& style, bool full) {
    if ((run.bounded || run.misuse) && !full) return tail_story(run, style);
    Trace shown = run.trace;
    std::size_t first_damage = shown.events.size(), last_damage = 0;
    for (std::size_t index = 0; index < shown.events.size(); ++index) {
        if (!shown.events[index].damage) continue;
        first_damage = std::min(first_damage, index);
        last_damage = index + 1;
    }
    if (full || last_damage == 0) return render_swimlanes(shown, style);
    const std::size_t start = window_start(shown.events, first_damage);
    const std::size_t keep = std::min(last_damage + kStepsAfterLastDamage, shown.events.size());
    std::string before, after;
    if (start > 0)
        before = style.dim(fmt::format("   ... steps 1 to {} come before the damage ({}); "
                                       "--full-trace shows them",
                                       shown.events[start - 1].step,
                                       steps_per_thread(shown.events, 0, start))) +
                 "\n";
    if (keep < shown.events.size())
        after = style.dim(fmt::format("   ... {} more steps to the end ({})",
                                      shown.events.size() - keep,
                                      steps_per_thread(shown.events, keep, shown.events.size()))) +
                "\n";
    shown.events.erase(shown.events.begin() + static_cast<std::ptrdiff_t>(keep),
                       shown.events.end());
    shown.events.erase(shown.events.begin(),
                       shown.events.begin() + static_cast<std::ptrdiff_t>(start));
    const std::string lanes = render_swimlanes(shown, style);
    const std::size_t header_end = lanes.find('\n') + 1;  // the count goes under the heading
    return lanes.substr(0, header_end) + before + lanes.substr(header_end) + after;
}

// Which reduction the numbers are of, and why it is that one when it was not asked for.
std::string reduction_note(const ModelReport& report) {
    const ModelResult& result = report.result;
    const Reduction asked = report.options.reduction;
    if (result.reduction == Reduction::none) return " (no reduction)";
    const std::string_view name =
        result.reduction == Reduction::dpor ? "partial-order reduction" : "reads-from reduction";
    if (asked == Reduction::automatic && result.other_executions > 0)
        return fmt::format(
            " ({}, {})", name,
            result.complete ? "which finished first" : "one of two searches run in turns");
    if (asked == Reduction::reads_from && result.reduction == Reduction::dpor)
        return fmt::format(" ({}: reads-from keeps no preemption counts)", name);
    return fmt::format(" ({})", name);
}

// "188 steps in 20 executions, 16 of them stopped early (...)": every execution run is counted,
// the other search's too (automatic).
std::string steps_line(const ModelResult& result) {
    const std::uint64_t own = result.executions - result.other_executions;
    const std::uint64_t cut = own > result.schedules_explored ? own - result.schedules_explored : 0;
    if (result.other_executions > 0)
        return fmt::format("{} steps in {} ({} of them the other search's; {} stopped early)",
                           result.steps, text::counted(result.executions, "execution"),
                           result.other_executions, cut);
    if (cut == 0) return fmt::format("{} steps in all", result.steps);
    return fmt::format(
        "{} steps in {}, {} of them stopped early (explored before, or every way on asleep)",
        result.steps, text::counted(own, "execution"), cut);
}

std::string explore_summary(const ModelReport& report) {
    const ModelResult& result = report.result;
    const ModelOptions& options = report.options;
    const std::string bound =
        options.preemption_bound >= 0
            ? fmt::format(", at most {} preemptions", options.preemption_bound)
            : "";
    const std::string coverage =
        result.complete                ? ", complete"
        : report.time_limit_reached    ? ", INCOMPLETE (time limit reached)"
        : result.interrupted           ? ", INCOMPLETE (interrupted)"
        : result.schedules_misused > 0 ? ", INCOMPLETE (stopped at a misuse)"
        : result.schedules_bounded > 0 ? ", INCOMPLETE (an execution reached the step bound)"
                                       : ", INCOMPLETE (budget or bound reached)";
    // A search also runs executions that stop early: the steps are theirs too, so they are
    // counted beside them, on a line of their own.
    const std::string steps = steps_line(result);
    const std::string deadlocked =
        result.schedules_deadlocked == 0
            ? ""
            : fmt::format(", {} deadlocked", result.schedules_deadlocked);
    return fmt::format(" explored {}{}, {} corrupt{}{}{}\n {}\n",
                       text::counted(result.schedules_explored, "schedule"), reduction_note(report),
                       result.schedules_corrupt, deadlocked, bound, coverage, steps);
}

std::string series_summary(const ModelReport& report, const Style& style) {
    const ModelResult& result = report.result;
    std::string out;
    if (result.interrupted)
        out += fmt::format(
            " {} after {} of {} schedules\n",
            style.bad(report.time_limit_reached ? "stopped at the time limit" : "interrupted"),
            result.schedules_explored, report.options.runs);
    if (result.schedules_misused > 0 && report.options.runs > 1)
        out += fmt::format(" stopped after {} of {} schedules, at a misuse\n",
                           result.schedules_explored, report.options.runs);
    if (report.options.runs > 1 || result.interrupted)
        out += fmt::format(" ran {}: {} corrupted{}; {} steps in all\n",
                           text::counted(result.schedules_explored, "schedule"),
                           result.schedules_corrupt,
                           result.schedules_deadlocked == 0
                               ? ""
                               : fmt::format(", {} deadlocked", result.schedules_deadlocked),
                           result.steps);
    if (result.first_corrupt_schedule && *result.first_corrupt_schedule != result.shown.schedule)
        out += " the first corrupting schedule is not the one shown: the replay below shows it\n";
    return out;
}

// "about 40 seconds", "about 3.5 hours".
std::string duration(double seconds) {
    if (seconds < 90) return fmt::format("about {:.0f} seconds", seconds);
    if (seconds < 90 * 60) return fmt::format("about {:.0f} minutes", seconds / 60);
    if (seconds < 48 * 3600) return fmt::format("about {:.1f} hours", seconds / 3600);
    if (seconds < 730 * 86400) return fmt::format("about {:.0f} days", seconds / 86400);
    return fmt::format("about {:.0f} years", seconds / (365.25 * 86400));
}

std::string estimate_line(const ModelResult& result) {
    // A search stopped at the step bound stopped on purpose: its size is beside the point.
    if (!result.estimate || result.schedules_bounded > 0 || result.schedules_misused > 0) return {};
    return fmt::format(" a complete search would take about {:.3g} schedules, {}\n",
                       result.estimate->schedules, duration(result.estimate->seconds));
}

std::string corrupted_line(const ModelReport& report, const Style& style) {
    const ModelRun& run = report.result.shown;
    if (run.outcome.corrupted)
        return fmt::format("{} {}\n", verdict_heading(Verdict::corrupted, style),
                           run.outcome.evidence.empty() ? run.outcome.label : run.outcome.evidence);
    return fmt::format("{} {} of {} schedules corrupted; the replay below shows the first\n",
                       verdict_heading(Verdict::corrupted, style), report.result.schedules_corrupt,
                       report.result.schedules_explored);
}

// " lock-order inversion (a potential deadlock): T1 takes a then b; T2 takes b then a"
std::string inversion_lines(const ModelResult& result, const Style& style) {
    std::string out;
    for (const LockOrderInversion& cycle : result.lock_order_inversions) {
        std::vector<std::string> takes;
        for (std::size_t i = 0; i < cycle.locks.size(); ++i) {
            takes.push_back(fmt::format("T{} takes {} then {}", cycle.threads[i], cycle.locks[i],
                                        cycle.locks[(i + 1) % cycle.locks.size()]));
        }
        out += fmt::format(" {} {}\n", style.bad("lock-order inversion (a potential deadlock):"),
                           fmt::join(takes, "; "));
    }
    return out;
}

// A run shows one bad schedule; when there were deadlocks besides corruptions, they are named.
std::string also_deadlocked(const ModelResult& result) {
    const auto& deadlock = result.shortest_deadlock_schedule ? result.shortest_deadlock_schedule
                                                             : result.first_deadlock_schedule;
    if (!deadlock) return "";
    return fmt::format(" {} also deadlocked; --schedule {} replays one\n",
                       text::counted(result.schedules_deadlocked, "schedule"),
                       fmt::join(*deadlock, ","));
}

// "STEP BOUND: T1 took 99,990 of 100,000 steps ... it repeats: read ready -> 0"
std::string bound_line(const ModelReport& report, const Style& style) {
    const ModelRun& run = report.result.shown;
    std::vector<std::string> round;
    for (const TraceEvent* step : repeated_steps(run.trace, run.bound_thread))
        round.push_back(text::squeeze(step_text(*step)));
    return fmt::format(
        "{} T{} took {} of the execution's {} steps and had not finished\n"
        " it repeats: {}\n"
        " a spin loop that nothing ends? A wait for another thread can say so with "
        "racedemo::yield();\n work that is just long needs a larger --max-steps\n",
        verdict_heading(Verdict::step_bound, style), run.bound_thread, run.bound_thread_steps,
        run.schedule.size(), fmt::join(round, "; "));
}

// "MISUSE: T2 unlocks mu, which T1 holds, at step 7", then the rule it breaks.
std::string misuse_line(const ModelReport& report, const Style& style) {
    const ModelResult& result = report.result;
    const std::string heading = verdict_heading(Verdict::misuse, style);
    if (!result.shown.misuse)
        return fmt::format("{} {} misused a primitive\n", heading,
                           text::counted(result.schedules_misused, "schedule"));
    const Misuse& misuse = *result.shown.misuse;
    const std::string where = misuse.kind != MisuseKind::bypass
                                  ? fmt::format("at step {}", misuse.step)
                              : misuse.step == 0 ? std::string("before the first step")
                                                 : fmt::format("after step {}", misuse.step);
    return fmt::format(
        "{} {}, {}\n {}\n the execution stops there: what a program does after a misuse is "
        "undefined\n",
        heading, describe_misuse(misuse), where, misuse_rule(misuse.kind));
}

std::string verdict_line(const ModelReport& report, const Style& style) {
    const ModelResult& result = report.result;
    const bool explore = report.options.strategy == Strategy::explore;
    switch (verdict_of(report)) {
        case Verdict::corrupted:
            return corrupted_line(report, style) + also_deadlocked(result);
        case Verdict::deadlocked:
            return fmt::format("{} {}\n", verdict_heading(Verdict::deadlocked, style),
                               result.shown.outcome.evidence);
        case Verdict::no_bug_found:
            return fmt::format("{} {} run, none corrupts; but the search {}, so this is no proof\n",
                               verdict_heading(Verdict::no_bug_found, style),
                               text::counted(result.schedules_explored, "schedule"),
                               report.time_limit_reached ? "reached its time limit"
                               : result.interrupted      ? "was interrupted"
                                                         : "was cut by its budget or bound");
        case Verdict::step_bound:
            return bound_line(report, style);
        case Verdict::misuse:
            return misuse_line(report, style);
        case Verdict::clean:
        case Verdict::hung:  // real runs only: a model run cannot hang
            break;
    }
    // CLEAN rules out both ways a schedule goes wrong: damage, and threads stuck for good.
    std::string what =
        explore ? (result.schedules_explored == 1
                       ? std::string(result.complete && result.shown.trace.lanes.size() > 1
                                         ? "the one schedule explored stands for every order "
                                           "of the steps (in each, every read reads the same "
                                           "write), and it neither corrupts nor deadlocks"
                                         : "the one schedule explored neither corrupts nor "
                                           "deadlocks")
                       : fmt::format("none of the {} schedules corrupts or deadlocks",
                                     result.schedules_explored))
        : report.options.runs > 1
            ? fmt::format("none of {} schedules corrupts or deadlocks", result.schedules_explored)
            : std::string("this schedule neither corrupts nor deadlocks");
    return fmt::format("{} {}, under {}\n", verdict_heading(Verdict::clean, style), what,
                       model_memory);
}

}  // namespace

// What happened before the first step: the setup, which every thread's start orders before
// all that thread does (and which is therefore no race).
std::string before_threads_line(const RunHeader& header) {
    if (header.scenario->before_threads.empty()) return {};
    return fmt::format(
        " before the threads start: {}; starting a thread orders all of it before the thread's "
        "first step (happens-before)\n",
        header.scenario->before_threads);
}

std::string render_model(const RunHeader& header, const ModelReport& report, const Style& style) {
    std::string out = style.strong(text::heading(header, heading_what(report))) + "\n";
    out += before_threads_line(header);
    out += story(report.result.shown, style, report.full_trace);
    if (report.options.strategy == Strategy::explore)
        out += explore_summary(report) + estimate_line(report.result);
    if (is_series(report.options)) out += series_summary(report, style);
    out += inversion_lines(report.result, style);
    out += verdict_line(report, style);
    out += style.dim(fmt::format(" replay: {}", report.replay)) + "\n";
    return out;
}

}  // namespace racedemo
