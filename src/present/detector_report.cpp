// The text and JSON of a run under ThreadSanitizer (racedemo --detector tsan).
#include <fmt/format.h>

#include <algorithm>

#include "present/run_report.hpp"

namespace racedemo {

namespace {

// "   T1 takes M10 at s08_lock_order.cpp:45 in Transfer, holding M9": each edge of each cycle.
std::string inversion_lines(const DetectorResult& result) {
    std::string out;
    for (const LockOrderReport& inversion : result.inversions) {
        out += fmt::format(
            " {} report{} of a lock-order inversion (a potential deadlock; M1, M2...: "
            "ThreadSanitizer's names for the mutexes)\n",
            inversion.count, inversion.count == 1 ? "" : "s");
        for (const LockOrderEdge& edge : inversion.edges)
            out += fmt::format("   {} takes {} at {} in {}, holding {}\n", edge.thread,
                               edge.acquired, edge.location, edge.function, edge.held);
    }
    return out;
}

}  // namespace

namespace {

// The deadlocks racedemo's watchdog found in the twin's runs.
std::string deadlock_lines(const DetectorResult& result) {
    if (result.deadlocked_runs == 0) return {};
    std::string out = fmt::format(" {} of {} runs deadlocked, as racedemo's watchdog found: {}\n",
                                  result.deadlocked_runs, result.runs_done, result.deadlock);
    if (result.lock_order_inversions == 0)
        out +=
            "   ThreadSanitizer reports locks taken in both orders, not a lock no one "
            "releases\n";
    return out;
}

// What the inversions' cycles are: two locks taken in both orders, or a longer ring (the
// dining philosophers': each takes a lock while holding the one before it).
std::string cycle_words(const DetectorResult& result) {
    std::size_t longest = 0;
    for (const LockOrderReport& inversion : result.inversions)
        longest = std::max(longest, inversion.edges.size());
    if (longest <= 2) return "two locks taken in both orders";
    return fmt::format("{} locks in a ring, each taken while holding the one before it", longest);
}

// The verdict of a run in which ThreadSanitizer reported no data race.
std::string raceless_verdict(const DetectorResult& result, const Style& style) {
    // Locks taken in both orders are the verdict where there is no race.
    if (result.lock_order_inversions > 0)
        return fmt::format("{} ThreadSanitizer reported {} ({}: threads that do so can deadlock)\n",
                           style.bad("LOCK-ORDER INVERSION:"),
                           result.lock_order_inversions == 1
                               ? std::string("one")
                               : fmt::to_string(result.lock_order_inversions),
                           cycle_words(result));
    if (result.deadlocked_runs > 0)
        return fmt::format("{} the threads deadlocked; no data race reported in what ran\n",
                           style.bad("DEADLOCKED:"));
    if (!result.incomplete.empty())
        return fmt::format(
            "{} {}; ThreadSanitizer reported no data race in what ran, which proves nothing\n",
            style.bad("INCOMPLETE:"), result.incomplete);
    return fmt::format("{} no data race reported\n", style.good("NO RACE:"));
}

std::string race_lines(const DetectorResult& result, const Style& style) {
    std::string out;
    // A race seen in part of a run is a race; the cut is said beside it.
    if (!result.incomplete.empty())
        out += fmt::format(" the run was cut short: {}\n", result.incomplete);
    for (const RaceReport& race : result.races) {
        out += fmt::format(" {} report{} of a data race between\n", race.count,
                           race.count == 1 ? "" : "s");
        for (const RaceAccess* access : {&race.current, &race.previous})
            out += fmt::format("   {:<15} by {} at {} in {}\n", access->op, access->thread,
                               access->location, access->function);
    }
    out += fmt::format("{} ThreadSanitizer reported {} data race{} ({} distinct pair{} of lines)\n",
                       style.bad("DATA RACE:"), result.reports, result.reports == 1 ? "" : "s",
                       result.races.size(), result.races.size() == 1 ? "" : "s");
    return out;
}

}  // namespace

std::string render_detector(const RunHeader& header, int runs, const DetectorResult& result,
                            const Style& style) {
    std::string out =
        style.strong(fmt::format("{:02} {} · ThreadSanitizer · {} · {} thread{} · {} run{}",
                                 header.scenario->number, header.scenario->name, header.variant,
                                 header.threads, header.threads == 1 ? "" : "s", runs,
                                 runs == 1 ? "" : "s")) +
        "\n";
    out += inversion_lines(result);
    out += deadlock_lines(result);
    return out +
           (result.races.empty() ? raceless_verdict(result, style) : race_lines(result, style));
}

nlohmann::json detector_json(const RunHeader& header, int runs, const DetectorResult& result) {
    nlohmann::json json = {{"scenario", header.scenario->name},
                           {"number", header.scenario->number},
                           {"variant", fmt::format("{}", header.variant)},
                           {"mode", "real"},
                           {"detector", "tsan"},
                           {"threads", header.threads},
                           {"runs", runs},
                           {"verdict", name_of(detector_verdict(result))},
                           {"complete", result.incomplete.empty()},
                           {"incomplete", result.incomplete},
                           {"reports", result.reports},
                           {"lock_order_inversions", result.lock_order_inversions},
                           {"deadlocked_runs", result.deadlocked_runs},
                           {"deadlock", result.deadlock}};
    nlohmann::json races = nlohmann::json::array();
    for (const RaceReport& race : result.races) {
        auto side = [](const RaceAccess& access) {
            return nlohmann::json{{"op", access.op},
                                  {"thread", access.thread},
                                  {"location", access.location},
                                  {"function", access.function}};
        };
        races.push_back({{"count", race.count},
                         {"access", side(race.current)},
                         {"previous", side(race.previous)}});
    }
    json["races"] = races;
    return json;
}

}  // namespace racedemo
