// Test fixture: a plugin with one scenario, named by the build (FIXTURE_NAME), which racedemo
// must refuse: built as clash_stack.so it takes a built-in's name ("stack"); built as
// other_api.so with RACEDEMO_API_VERSION=999 it was made for another API version (and its
// scenario is never read).
#include <racedemo/scenario.hpp>

namespace {
class Nothing final : public racedemo::Trial {
  public:
    explicit Nothing(const racedemo::TrialConfig&) {}
    void actor(int) override {}
    racedemo::Outcome arbiter() override { return racedemo::Outcome::clean(); }
};
}  // namespace

RACEDEMO_SCENARIO({
    .name = FIXTURE_NAME,
    .summary = "a plugin racedemo refuses",
    .fixed = racedemo::make_trial<Nothing>,
});
