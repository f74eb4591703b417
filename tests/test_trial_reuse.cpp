// A scenario may reset its trial for the next execution instead of having a new one built
// (Trial::reset). A reset trial must be indistinguishable from a new one: every scenario's
// random series, run on trials it resets and on trials built afresh for every execution,
// takes the same steps to the same outcomes.
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "engine/model.hpp"
#include "racedemo/scenario.hpp"

namespace {

using racedemo::ModelOptions;
using racedemo::ModelResult;
using racedemo::Outcome;
using racedemo::Scenario;
using racedemo::Strategy;
using racedemo::Trial;
using racedemo::TrialConfig;
using racedemo::TrialFactory;
using racedemo::Variant;

// The scenario's own trial, wrapped so that it is never reset: built afresh every time.
TrialFactory wrapped_factory = nullptr;

class NeverReset final : public Trial {
  public:
    explicit NeverReset(std::unique_ptr<Trial> inner) : inner_(std::move(inner)) {}
    void actor(int thread) override { inner_->actor(thread); }
    Outcome arbiter() override { return inner_->arbiter(); }

  private:
    std::unique_ptr<Trial> inner_;  // reset() stays the default: false
};

std::unique_ptr<Trial> make_never_reset(const TrialConfig& config) {
    return std::make_unique<NeverReset>(wrapped_factory(config));
}

ModelResult random_series(const Scenario& scenario, Variant variant) {
    ModelOptions options;
    options.strategy = Strategy::random;
    options.seed = 7;
    options.runs = 400;
    return racedemo::run_model(scenario, variant, TrialConfig{3, true}, options);
}

}  // namespace

TEST_CASE("a trial reset for the next execution behaves as a new one") {
    for (const Scenario* scenario : racedemo::scenarios()) {
        for (Variant variant : {Variant::unsafe, Variant::fixed}) {
            if (scenario->factory(variant) == nullptr) continue;
            CAPTURE(scenario->name);
            CAPTURE(variant == Variant::unsafe ? "unsafe" : "fixed");
            const ModelResult reused = random_series(*scenario, variant);

            Scenario fresh = *scenario;
            wrapped_factory = scenario->factory(variant);
            fresh.unsafe = fresh.fixed = make_never_reset;
            const ModelResult built = random_series(fresh, variant);

            CHECK(reused.schedules_explored == 400);
            CHECK(reused.steps == built.steps);
            CHECK(reused.outcomes == built.outcomes);
            CHECK(reused.schedules_corrupt == built.schedules_corrupt);
            CHECK(reused.first_corrupt_schedule == built.first_corrupt_schedule);
            CHECK(reused.shown.outcome.evidence == built.shown.outcome.evidence);
        }
    }
}
