#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>

#include "racedemo/scenario.hpp"

using namespace racedemo;

TEST_CASE("scenarios are listed by number, and number, file and name agree") {
    const auto& all = scenarios();
    REQUIRE(all.size() >= 7);
    CHECK(all.front()->number == 1);
    for (std::size_t index = 1; index < all.size(); ++index)
        CHECK(all[index - 1]->number < all[index]->number);
    for (const Scenario* scenario : all) {
        // demos/s11_read_only.cpp holds scenario 11, read-only.
        std::string file = fmt::format("s{:02}_{}.cpp", scenario->number, scenario->name);
        std::replace(file.begin(), file.end(), '-', '_');
        CHECK(scenario->source_file == file);
    }
}

TEST_CASE("scenario names are unique and usable on a command line") {
    std::set<std::string_view> names;
    for (const Scenario* scenario : scenarios()) {
        CHECK(names.insert(scenario->name).second);
        CHECK(!scenario->name.empty());
        CHECK(scenario->name.find(' ') == std::string_view::npos);
    }
}

TEST_CASE("every scenario declares its settings and lesson") {
    for (const Scenario* scenario : scenarios()) {
        CAPTURE(scenario->name);
        CHECK((scenario->fixed != nullptr));
        CHECK(!scenario->summary.empty());
        CHECK(scenario->lesson.size() > 200);
        CHECK(!scenario->takeaway.empty());
        CHECK(scenario->default_threads >= scenario->min_threads);
        CHECK(scenario->rounds > 0);
    }
}

TEST_CASE("the five scenarios of the source texts are there") {
    CHECK(find_scenario("unsafe-map")->number == 1);
    CHECK(find_scenario("mutex-map")->number == 2);
    CHECK(find_scenario("trie-race")->number == 3);
    CHECK(find_scenario("stack")->number == 4);
    CHECK(find_scenario("rwmutex-cache")->number == 5);
    CHECK((find_scenario("mutex-map")->unsafe == nullptr));  // it is the fix of unsafe-map
}

TEST_CASE("a scenario is found by name or by number") {
    CHECK(find_scenario("3") == find_scenario("trie-race"));
    CHECK(find_scenario("03") == find_scenario("trie-race"));
    CHECK(find_scenario("0") == nullptr);
    CHECK(find_scenario("99") == nullptr);
    CHECK(find_scenario("trie") == nullptr);
    CHECK(find_scenario("") == nullptr);
    CHECK(find_scenario("3x") == nullptr);
}

TEST_CASE("an unknown name suggests the closest one") {
    CHECK(closest_scenario_name("tri-race") == "trie-race");
    CHECK(closest_scenario_name("stak") == "stack");
    CHECK(closest_scenario_name("rwmutex") == "rwmutex-cache");
}

TEST_CASE("a safe-only scenario always runs its fixed program") {
    const Scenario* mutex_map = find_scenario("mutex-map");
    CHECK(mutex_map->effective(Variant::unsafe) == Variant::fixed);
    CHECK((mutex_map->factory(Variant::unsafe) == mutex_map->fixed));
    const Scenario* trie = find_scenario("trie-race");
    CHECK(trie->effective(Variant::unsafe) == Variant::unsafe);
    CHECK((trie->factory(Variant::unsafe) != trie->factory(Variant::fixed)));
}
