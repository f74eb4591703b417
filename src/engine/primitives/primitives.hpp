// The primitives' rule classes (primitive.hpp), one file each in this folder.
#pragma once

#include "engine/primitive.hpp"

namespace racedemo {

class CellRules final : public Primitive {
  public:
    bool can_step(const ObjectState& state, Op op, bool waited) const override;
    StepLinks apply(ObjectState& state, Op op, int thread, int step, bool waited) const override;
    bool dependent(StepShape a, StepShape b) const override;
    SignatureRole role(StepShape step) const override;
};

class MutexRules final : public Primitive {
  public:
    bool can_step(const ObjectState& state, Op op, bool waited) const override;
    StepLinks apply(ObjectState& state, Op op, int thread, int step, bool waited) const override;
    bool dependent(StepShape a, StepShape b) const override;
    bool coenabled(StepShape earlier, StepShape later) const override;
    bool races_with_all_earlier() const override { return false; }
    SignatureRole role(StepShape step) const override;
    WaitCause cause(const ObjectState& state, Op op) const override;
};

class RWLockRules final : public Primitive {
  public:
    explicit RWLockRules(bool writer_first) : writer_first_(writer_first) {}
    bool can_step(const ObjectState& state, Op op, bool waited) const override;
    bool wait_is_step(const ObjectState& state, Op op) const override;
    void wait(ObjectState& state, Op op) const override;
    StepLinks apply(ObjectState& state, Op op, int thread, int step, bool waited) const override;
    bool dependent(StepShape a, StepShape b) const override;
    bool coenabled(StepShape earlier, StepShape later) const override;
    SignatureRole role(StepShape step) const override;
    WaitCause cause(const ObjectState& state, Op op) const override;

  private:
    bool writer_first_;
};

class ChannelRules final : public Primitive {
  public:
    void registered(ObjectState& state) const override;
    bool can_step(const ObjectState& state, Op op, bool waited) const override;
    bool wait_is_step(const ObjectState& state, Op op) const override;
    void wait(ObjectState& state, Op op) const override;
    StepLinks apply(ObjectState& state, Op op, int thread, int step, bool waited) const override;
    bool claims_next_step(const ObjectState& state) const override;
    bool dependent(StepShape a, StepShape b) const override;
    SignatureRole role(StepShape step) const override;
    WaitCause cause(const ObjectState& state, Op op) const override;
};

}  // namespace racedemo
