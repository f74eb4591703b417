// The text and JSON of a run under ThreadSanitizer (racedemo --detector tsan).
#include <fmt/format.h>

#include "present/run_report.hpp"

namespace racedemo {

std::string render_detector(const RunHeader& header, int runs, const DetectorResult& result,
                            const Style& style) {
    std::string out =
        style.strong(fmt::format("{:02} {} · ThreadSanitizer · {} · {} thread{} · {} run{}",
                                 header.scenario->number, header.scenario->name, header.variant,
                                 header.threads, header.threads == 1 ? "" : "s", runs,
                                 runs == 1 ? "" : "s")) +
        "\n";
    const std::string inversions =
        result.lock_order_inversions == 0
            ? std::string()
            : fmt::format(
                  " ThreadSanitizer reported {} lock-order inversion{} (a potential "
                  "deadlock: two locks taken in both orders)\n",
                  result.lock_order_inversions, result.lock_order_inversions == 1 ? "" : "s");
    // As in model mode, an inversion is told beside the verdict, which is about data races.
    out += inversions;
    if (result.races.empty() && !result.incomplete.empty())
        return out + fmt::format(
                         "{} {}; ThreadSanitizer reported no data race in what ran, which proves "
                         "nothing\n",
                         style.bad("INCOMPLETE:"), result.incomplete);
    if (result.races.empty())
        return out + fmt::format("{} no data race reported\n", style.good("NO RACE:"));
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

nlohmann::json detector_json(const RunHeader& header, int runs, const DetectorResult& result) {
    nlohmann::json json = {
        {"scenario", header.scenario->name},
        {"number", header.scenario->number},
        {"variant", fmt::format("{}", header.variant)},
        {"mode", "real"},
        {"detector", "tsan"},
        {"threads", header.threads},
        {"runs", runs},
        {"verdict", name_of(!result.races.empty()       ? Verdict::corrupted
                            : result.incomplete.empty() ? Verdict::clean
                                                        : Verdict::no_bug_found)},
        {"complete", result.incomplete.empty()},
        {"incomplete", result.incomplete},
        {"reports", result.reports},
        {"lock_order_inversions", result.lock_order_inversions}};
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
