#include "engine/primitives/cell.hpp"

namespace racedemo {

bool CellRules::dependent(StepShape a, StepShape b) const {
    return a.op != Op::read || b.op != Op::read;
}

SignatureRole CellRules::role(StepShape step) const {
    switch (step.op) {
        case Op::read:
            return SignatureRole::value_read;
        case Op::write:
            return SignatureRole::write;
        default:
            return SignatureRole::update;
    }
}

}  // namespace racedemo
