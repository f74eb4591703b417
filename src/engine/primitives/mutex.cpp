// A mutex: lock can step while nobody holds it. A thread's wait changes nothing (no queue:
// std::mutex promises no order among waiters), so it is shown but never chosen by a search.
#include "engine/primitives/primitives.hpp"

namespace racedemo {

bool MutexRules::can_step(const ObjectState& state, Op op, bool) const {
    return op != Op::lock || state.writer < 0;
}

StepLinks MutexRules::apply(ObjectState& state, Op op, int thread, int step, bool) const {
    StepLinks links;
    if (op == Op::lock) {
        state.writer = thread;
        links.after_release = state.last_release;
    } else {
        state.writer = -1;
        state.last_release = step;
    }
    return links;
}

bool MutexRules::dependent(StepShape, StepShape) const {
    return true;
}

// A lock that was free could not be released by another thread; after a release (it was held)
// no other thread's operation on it was enabled. So only two acquisitions race.
bool MutexRules::coenabled(StepShape earlier, StepShape later) const {
    return earlier.op == Op::lock && later.op == Op::lock;
}

SignatureRole MutexRules::role(StepShape) const {
    return SignatureRole::event;
}

WaitCause MutexRules::cause(const ObjectState&, Op) const {
    return WaitCause::held_by_writer;
}

}  // namespace racedemo
