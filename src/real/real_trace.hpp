// Tracing on real threads: each thread appends its steps, with a timestamp from the CPU's
// cycle counter, to a buffer of its own (no lock, no shared write: the race being watched
// must still happen). After a round the buffers are merged into the observed order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/real_types.hpp"
#include "core/trace.hpp"
#include "racedemo/shared_state.hpp"

namespace racedemo {

class ThreadRecorder;

class RoundRecorder {
  public:
    // `noise`: perturb the threads' steps (step_noise.hpp), each thread's draws seeded from `seed`.
    explicit RoundRecorder(int threads, const NoiseSettings& noise = {}, std::uint64_t seed = 0);
    ~RoundRecorder();
    RoundRecorder(const RoundRecorder&) = delete;
    RoundRecorder& operator=(const RoundRecorder&) = delete;

    // The runtime thread `thread` (0-based) installs while it runs its actor.
    Runtime* runtime_for(int thread);
    // Forgets the previous round. Call while no actor runs.
    void clear();
    // The steps of the round in observed order, named and valued (the shared objects must still
    // be alive), damage marked, cut to the story of the first damage: the two threads it
    // involves, from the steps it cites (at least `before` steps back) to `after` steps past
    // it. Without damage, the last `before + after` steps.
    Trace collect(std::size_t before, std::size_t after) const;
    // The last `count` steps of the round so far, in observed order (a round that never ends:
    // a deadlock).
    Trace last_steps(std::size_t count) const;

  private:
    std::vector<std::unique_ptr<ThreadRecorder>> threads_;
};

}  // namespace racedemo
