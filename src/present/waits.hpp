// Waits in words: a thread that waits for good, as a deadlock's evidence and as its lane shows
// it. Model and real mode describe a deadlock alike (core/waiter.hpp holds the facts).
#pragma once

#include <string>
#include <vector>

#include "core/model_types.hpp"
#include "core/real_types.hpp"
#include "core/waiter.hpp"

namespace racedemo {

// "T1 holds a, waits for b (held by T2)": one waiter; a holder among `finished` (1-based
// threads) is said to have finished.
std::string describe_wait(const Waiter& waiter, const std::vector<int>& finished);
// The waiter as its lane shows it after the last step: "lock b.mu: waits".
std::string describe_wait_step(const Waiter& waiter);
// A deadlock's evidence: every waiter described, "; " between them.
std::string deadlock_evidence(const std::vector<Waiter>& waiters, const std::vector<int>& finished);
// Why a channel's waiter waits: "nothing to receive", "no receiver", "full" (empty for a lock).
std::string_view cause_words(WaitCause cause);

// The words of a run's facts, filled in where the reports and the commands read them: a
// deadlock's evidence from its waiters. Called once, on the result a runner returned.
void word_result(ModelResult& result);
void word_result(RealResult& result);

}  // namespace racedemo
