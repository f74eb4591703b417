// A crash in a model run. The model runs a scenario's code inside racedemo's own process (as
// fibers, to choose every step), so a fatal signal there (a plugin's null pointer, a division by
// zero, an abort) cannot be counted and survived the way a real trial's crash is, in its child
// process. Without a guard it would end racedemo by that signal. With one, racedemo says what
// happened and where, prints the command that replays it, and exits with status 1.
#pragma once

#include <memory>
#include <string>

#include "cli/request.hpp"
#include "core/model_types.hpp"

namespace racedemo {

// Installed only while a model run is under way: real trials run in child processes, which must
// die of their own signals to be counted as crashed. Guards nest; each restores what it replaced.
class ModelCrashGuard {
  public:
    // `request`: the run whose crash is reported (its scenario, variant, threads and policy make
    // the replay command).
    explicit ModelCrashGuard(const RunRequest& request);
    ~ModelCrashGuard();
    ModelCrashGuard(const ModelCrashGuard&) = delete;
    ModelCrashGuard& operator=(const ModelCrashGuard&) = delete;
    // For ModelOptions::probe: where the guarded run is, which the handler reports.
    ModelProbe* probe() const;

    struct Prepared;  // what the handler prints, made in advance

  private:
    std::unique_ptr<Prepared> own_;
    Prepared* outer_ = nullptr;  // a guard this one is inside, restored when it goes
};

}  // namespace racedemo
