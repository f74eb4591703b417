// The quiz: predict, then see. A student is shown the steps of a model run with the values
// hidden, says whether the run goes wrong and at which step the damage starts, and each answer
// is graded with the evidence. `--rounds N` asks about N runs, clean and wrong ones mixed, and
// keeps the score. Answers come from a terminal or, one a line, from a pipe: both questions are
// asked about every run, so a pipe gives two lines a round.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/request.hpp"
#include "cli/terminal.hpp"
#include "present/run_report.hpp"

namespace racedemo {

// What the run really did, as the questions ask it.
struct QuizTruth {
    bool goes_wrong = false;  // corrupted or deadlocked
    int damage_step = 0;      // the first step marked as damage (0: none)
};
QuizTruth quiz_truth(const ModelRun& run);

// A student's answers: Q1 yes or no; Q2 a step, or 0 for none.
struct QuizAnswers {
    bool goes_wrong = false;
    int step = 0;
};

// Each grade with the reason, in a sentence or two ("wrong: step 4 overwrites ...").
struct QuizGrade {
    bool first_right = false;
    bool second_right = false;
    bool second_graded = true;  // false when the damage is in no single step
    std::string first_why;
    std::string second_why;
};
QuizGrade grade_quiz(const ModelRun& run, const QuizAnswers& answers);

// The questions on one run ("question 2 of 5" when there are several), its steps with the
// values hidden.
std::string quiz_questions(const RunHeader& header, const ModelRun& run, const Style& style,
                           int round, int rounds);
// The run revealed: its values, the damage marked, and the two right answers.
std::string quiz_answers(const ModelRun& run, const Style& style);
std::string render_grade(const QuizGrade& grade, const Style& style);

// The seeds the quiz asks about, for a request without --schedule. One round without --seed:
// the first seed from 1 whose run goes wrong (stable for a scenario, its threads and variant).
// Several rounds: seeds from --seed (default 1) on, clean and wrong runs mixed in an order
// fixed by that seed, the first one wrong. Fewer of a kind than wanted: the other kind instead.
std::vector<std::uint64_t> quiz_seeds(const RunRequest& request, const Terminal& terminal);

// Runs the quiz on `in` and `out`; returns the exit code (--expect on a one-round quiz).
int run_quiz(const RunRequest& request, const Terminal& terminal, std::FILE* in, std::FILE* out);

}  // namespace racedemo
