#include "cli/quiz.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <set>
#include <string_view>
#include <variant>

#include "cli/interrupt.hpp"
#include "cli/line_input.hpp"
#include "cli/output.hpp"
#include "cli/pipeline.hpp"
#include "present/text.hpp"

namespace racedemo {
namespace {

// How far the quiz looks for runs of the kind it wants before it takes the other kind.
constexpr std::uint64_t kSeedsScanned = 400;

const TraceEvent* event_at(const ModelRun& run, int step) {
    for (const TraceEvent& event : run.trace.events)
        if (event.step == step) return &event;
    return nullptr;
}

// "step 9: T1 overwrites n2 written by T2 at step 3"
std::string damage_sentence(const TraceEvent& event) {
    return fmt::format("step {}: T{} {}", event.step, event.thread, damage_note(event.damage));
}

std::string first_why(const ModelRun& run, const QuizTruth& truth) {
    if (run.deadlock)
        return fmt::format("it goes wrong: the threads are stuck for ever. {}",
                           run.outcome.evidence);
    if (!truth.goes_wrong)
        return "this run is clean: every thread finishes and the result checks out";
    const TraceEvent* damage = first_damage(run.trace);
    if (damage == nullptr) return fmt::format("it goes wrong: {}", run.outcome.evidence);
    return fmt::format("it goes wrong at {}; in the end, {}", damage_sentence(*damage),
                       run.outcome.evidence);
}

std::string said_step(int step) {
    return step == 0 ? std::string("none") : fmt::format("step {}", step);
}

void grade_second(const ModelRun& run, const QuizTruth& truth, const QuizAnswers& answers,
                  QuizGrade& grade) {
    grade.second_right = answers.step == truth.damage_step;
    if (run.outcome.corrupted && truth.damage_step == 0) {
        grade.second_graded = false;
        grade.second_why = "not graded: no single step is marked as the damage in this run";
        return;
    }
    if (truth.damage_step == 0) {
        grade.second_why = run.deadlock ? "nothing is damaged: the threads only wait for ever"
                                        : "no step damages the data in this run";
        if (!grade.second_right)
            grade.second_why = "you said " + said_step(answers.step) + ", but " + grade.second_why;
        return;
    }
    const std::string first = damage_sentence(*event_at(run, truth.damage_step));
    if (grade.second_right) {
        grade.second_why = "the damage starts at " + first;
        return;
    }
    const TraceEvent* said = answers.step > 0 ? event_at(run, answers.step) : nullptr;
    const bool also_damage = said != nullptr && static_cast<bool>(said->damage);
    grade.second_why =
        fmt::format("you said {}{}; the damage starts at {}", said_step(answers.step),
                    also_damage ? ", which does damage too, but later" : "", first);
}

// `line` wrapped to the width, its later lines indented under the text after " A1. ".
std::string hanging(const std::string& line, const Style& style) {
    std::string out;
    for (const std::string& part :
         text::wrap(line.substr(1), static_cast<std::size_t>(style.width()) - 6))
        out += (out.empty() ? " " : "     ") + part + "\n";
    return out;
}

}  // namespace

QuizTruth quiz_truth(const ModelRun& run) {
    QuizTruth truth;
    truth.goes_wrong = run.outcome.corrupted || run.deadlock;
    const TraceEvent* damage = first_damage(run.trace);
    if (run.outcome.corrupted && damage != nullptr) truth.damage_step = damage->step;
    return truth;
}

QuizGrade grade_quiz(const ModelRun& run, const QuizAnswers& answers) {
    const QuizTruth truth = quiz_truth(run);
    QuizGrade grade;
    grade.first_right = answers.goes_wrong == truth.goes_wrong;
    grade.first_why = first_why(run, truth);
    grade_second(run, truth, answers, grade);
    return grade;
}

std::string quiz_questions(const RunHeader& header, const ModelRun& run, const Style& style,
                           int round, int rounds) {
    Trace hidden = run.trace;
    for (TraceEvent& event : hidden.events) {
        if (!event.value.empty()) event.value = "?";
        event.damage = {};
        event.contents.clear();
    }
    const std::string which =
        rounds > 1 ? fmt::format(" · question {} of {}", round, rounds) : std::string();
    std::string out =
        style.strong(fmt::format("{:02} {} · quiz{} · {} threads · schedule {}",
                                 header.scenario->number, header.scenario->name, which,
                                 header.threads, schedule_text(run.schedule))) +
        "\n";
    out += style.dim(" The steps of one run, in order; the values read and written are hidden.") +
           "\n";
    out += render_swimlanes(hidden, style);
    out +=
        " Q1. Does this run go wrong: damage the data, or leave threads stuck for ever? (yes or "
        "no)\n";
    out += fmt::format(
        " Q2. If it damages the data, at which step does the damage start? (1 to {}, or none)\n",
        run.trace.events.size());
    return out;
}

std::string quiz_answers(const ModelRun& run, const Style& style) {
    const QuizTruth truth = quiz_truth(run);
    std::string out = style.strong(" Answers:") + "\n";
    out += render_swimlanes(run.trace, style);
    std::string verdict = "no: this run is clean";
    if (run.outcome.corrupted) verdict = fmt::format("yes: {}", run.outcome.evidence);
    if (run.deadlock) verdict = fmt::format("yes, it deadlocks: {}", run.outcome.evidence);
    out += hanging(" A1. " + verdict, style);
    std::string step = "none: no step does damage";
    if (truth.damage_step > 0) step = fmt::format("step {}", truth.damage_step);
    if (truth.goes_wrong && truth.damage_step == 0 && !run.deadlock)
        step = "no single step is marked; the damage shows only in the result";
    out += hanging(" A2. " + step, style);
    return out;
}

std::string render_grade(const QuizGrade& grade, const Style& style) {
    auto mark = [&style](bool right, bool graded) {
        if (!graded) return style.dim("-");
        return right ? style.good("right") : style.bad("wrong");
    };
    // Wrapped to the width, as plain text first: the marks' colour codes take no columns.
    auto graded = [&style](std::string_view question, const std::string& mark,
                           std::string_view plain_mark, const std::string& why) {
        const std::vector<std::string> lines =
            text::wrap(fmt::format("{} {}: {}", question, plain_mark, why),
                       static_cast<std::size_t>(style.width()) - 5);
        std::string out = " " + std::string(question) + " " + mark +
                          lines.front().substr(question.size() + 1 + plain_mark.size()) + "\n";
        for (std::size_t i = 1; i < lines.size(); ++i) out += "     " + lines[i] + "\n";
        return out;
    };
    auto plain = [](bool right, bool was_graded) {
        return std::string(!was_graded ? "-" : right ? "right" : "wrong");
    };
    return graded("Q1", mark(grade.first_right, true), plain(grade.first_right, true),
                  grade.first_why) +
           graded("Q2", mark(grade.second_right, grade.second_graded),
                  plain(grade.second_right, grade.second_graded), grade.second_why);
}

// ---- Which runs --------------------------------------------------------------------------

namespace {

RunRequest seeded(const RunRequest& request, std::uint64_t seed) {
    RunRequest one = request;
    one.model.strategy = Strategy::random;
    one.model.runs = 1;
    one.model.seed = seed;
    return one;
}

const ModelRun& shown_run(const RunReport& report) {
    return std::get<ModelReport>(report.body).result.shown;
}

// What each round asks for: a run that goes wrong (true), or a clean one. The first goes
// wrong; the others are half and half, in an order fixed by the seed (a Fisher-Yates shuffle
// written out, so that the order is the same with every standard library).
std::vector<bool> wanted_kinds(int rounds, std::uint64_t seed) {
    std::vector<bool> wrong(static_cast<std::size_t>(rounds), true);
    for (std::size_t round = 1; round < wrong.size(); ++round) wrong[round] = round % 2 == 0;
    std::mt19937_64 random(seed);
    for (std::size_t last = wrong.size(); last > 2; --last) {
        const std::size_t other = 1 + static_cast<std::size_t>(random() % (last - 1));
        const bool kept = wrong[last - 1];
        wrong[last - 1] = wrong[other];
        wrong[other] = kept;
    }
    return wrong;
}

// A run teaches as a wrong one only if it deadlocks or marks the step its damage starts at.
std::optional<bool> kind_of(const ModelRun& run) {
    const QuizTruth truth = quiz_truth(run);
    if (!truth.goes_wrong) return false;
    if (run.deadlock || truth.damage_step > 0) return true;
    return std::nullopt;
}

}  // namespace

std::vector<std::uint64_t> quiz_seeds(const RunRequest& request, const Terminal& terminal) {
    const std::uint64_t first = request.model.seed;
    const std::vector<bool> kinds = wanted_kinds(request.quiz_rounds, first);
    const auto wrong_wanted =
        static_cast<std::size_t>(std::count(kinds.begin(), kinds.end(), true));
    std::vector<std::uint64_t> wrong, clean;
    std::set<std::vector<int>> seen;
    for (std::uint64_t seed = first; seed < first + kSeedsScanned; ++seed) {
        if (wrong.size() >= wrong_wanted && clean.size() >= kinds.size() - wrong_wanted) break;
        const RunReport report = run_request(seeded(request, seed), terminal);
        const ModelRun& run = shown_run(report);
        const std::optional<bool> kind = kind_of(run);
        if (!kind || !seen.insert(run.schedule).second) continue;  // a run asked about already
        (*kind ? wrong : clean).push_back(seed);
    }
    std::vector<std::uint64_t> seeds;
    std::size_t next_wrong = 0, next_clean = 0;
    for (const bool want_wrong : kinds) {
        const bool take_wrong = want_wrong ? next_wrong < wrong.size() : next_clean >= clean.size();
        if (take_wrong && next_wrong < wrong.size()) seeds.push_back(wrong[next_wrong++]);
        if (!take_wrong && next_clean < clean.size()) seeds.push_back(clean[next_clean++]);
    }
    if (seeds.empty()) seeds.push_back(first);  // nothing of either kind: the first seed
    return seeds;
}

// ---- Asking ------------------------------------------------------------------------------

namespace {

std::optional<bool> ask_yes_no(LineInput& input) {
    for (;;) {
        const std::optional<std::string> answer =
            input.read("Your answer to Q1 (yes or no):", true);
        if (!answer) return std::nullopt;
        if (*answer == "yes" || *answer == "y") return true;
        if (*answer == "no" || *answer == "n") return false;
        input.say("please answer yes or no");
    }
}

std::optional<int> ask_step(LineInput& input, int steps) {
    const std::string prompt = fmt::format("Your answer to Q2 (1 to {}, or none):", steps);
    for (;;) {
        const std::optional<std::string> answer = input.read(prompt, true);
        if (!answer) return std::nullopt;
        if (answer->empty() || *answer == "none") return 0;
        const bool digits = answer->size() <= 6 &&
                            std::all_of(answer->begin(), answer->end(),
                                        [](unsigned char c) { return std::isdigit(c) != 0; });
        const int step = digits ? std::stoi(*answer) : -1;
        if (step >= 1 && step <= steps) return step;
        input.say(fmt::format("please answer with a step from 1 to {}, or none", steps));
    }
}

// Both questions, whatever the answer to Q1: answers piped one a line then stay in step (two
// lines a round), and a Q2 that is graded was asked. After a no, "none" (or Enter) agrees.
std::optional<QuizAnswers> ask_round(LineInput& input, const ModelRun& run) {
    const std::optional<bool> wrong = ask_yes_no(input);
    if (!wrong) return std::nullopt;
    const std::optional<int> step = ask_step(input, static_cast<int>(run.trace.events.size()));
    if (!step) return std::nullopt;
    return QuizAnswers{*wrong, *step};
}

struct Score {
    int right = 0;
    int graded = 0;
    int rounds_answered = 0;
};

std::string render_score(const Score& score, int rounds, const LineInput& input,
                         const Style& style) {
    const std::string line =
        fmt::format("Score: {} of {} answers right", score.right, score.graded);
    if (score.rounds_answered == rounds) return " " + style.strong(line) + "\n";
    return fmt::format(" {} ({} of {} questions answered before {})\n", style.strong(line),
                       score.rounds_answered, rounds, input.why_ended());
}

}  // namespace

namespace {

// The runs a quiz asks about: the request's own, or the seeds quiz_seeds picks.
std::vector<RunRequest> quiz_rounds(const RunRequest& request, const Terminal& terminal) {
    if (request.model.strategy == Strategy::replay || !request.quiz_picks_seeds) return {request};
    std::vector<RunRequest> rounds;
    for (const std::uint64_t seed : quiz_seeds(request, terminal))
        rounds.push_back(seeded(request, seed));
    return rounds;
}

}  // namespace

int run_quiz(const RunRequest& request, const Terminal& terminal, std::FILE* in, std::FILE* out) {
    const Style style(terminal.color, terminal.width);
    auto print = [&](const std::string& report) {
        fmt::print(out, "{}", text::fit(report, static_cast<std::size_t>(terminal.width)));
    };
    const std::vector<RunRequest> rounds = quiz_rounds(request, terminal);
    LineInput input(in, out);
    Score score;
    RunReport last{};
    for (std::size_t index = 0; index < rounds.size(); ++index) {
        last = run_request(rounds[index], terminal);
        const ModelRun& run = shown_run(last);
        if (index > 0) print("\n");
        print(quiz_questions(last.header, run, style, static_cast<int>(index) + 1,
                             static_cast<int>(rounds.size())));
        if (request.answers) {
            print(quiz_answers(run, style));
            continue;
        }
        const std::optional<QuizAnswers> answers = ask_round(input, run);
        if (!answers) {
            RunRequest reveal = replay_request(request, run.schedule);
            reveal.quiz = reveal.answers = true;
            print(fmt::format(" No answer came ({}). The answers:\n   {}\n", input.why_ended(),
                              command_line(reveal)));
            break;
        }
        const QuizGrade grade = grade_quiz(run, *answers);
        score.right += int(grade.first_right) + int(grade.second_graded && grade.second_right);
        score.graded += 1 + int(grade.second_graded);
        ++score.rounds_answered;
        print(render_grade(grade, style) + quiz_answers(run, style));
    }
    if (!request.answers && score.rounds_answered > 0 && rounds.size() > 1)
        print("\n" + render_score(score, static_cast<int>(rounds.size()), input, style));
    flush_output(out);
    if (interrupted() != 0) return 128 + interrupted();
    return rounds.size() == 1 ? check_expectation(request.expect, verdict_of(last)) : 0;
}

}  // namespace racedemo
