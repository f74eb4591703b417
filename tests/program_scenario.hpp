// A Program (program.hpp) run as a racedemo scenario, through the scenario API like any demo:
// Shared<int> cells (Atomic<int> where the program compares-and-swaps), Mutex, RWMutex and
// Chan<int>. The engine explores it like any scenario; the tests compare what it finds with
// what the reference enumerator finds.
#pragma once

#include "engine/model.hpp"
#include "racedemo/scenario.hpp"
#include "reference/program.hpp"

namespace testprog {

// The scenario whose trials run the program of the innermost ProgramScope on this thread.
const racedemo::Scenario& program_scenario();

class ProgramScope {
  public:
    explicit ProgramScope(const Program& program);
    ~ProgramScope();
    ProgramScope(const ProgramScope&) = delete;
    ProgramScope& operator=(const ProgramScope&) = delete;

  private:
    const Program* previous_;
};

// Explores `program` on the engine with `reduction` (every schedule, no budget to speak of).
racedemo::ModelResult explore_program(const Program& program, racedemo::Reduction reduction,
                                      int preemption_bound = -1);

}  // namespace testprog
