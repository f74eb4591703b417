#include "engine/primitives/mutex.hpp"

namespace racedemo {

// A lock that was free could not be released by another thread; after a release (it was held)
// no other thread's operation on it was enabled. So only two acquisitions race.
bool MutexRules::coenabled(StepShape earlier, StepShape later) const {
    return earlier.op == Op::lock && later.op == Op::lock;
}

}  // namespace racedemo
