#include "cli/play.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <cctype>
#include <charconv>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "cli/crash_guard.hpp"
#include "cli/interrupt.hpp"
#include "cli/line_input.hpp"
#include "cli/output.hpp"
#include "cli/pipeline.hpp"
#include "engine/play.hpp"
#include "present/misuse.hpp"
#include "present/refusals.hpp"
#include "present/report.hpp"
#include "present/run_report.hpp"
#include "present/text.hpp"

namespace racedemo {
namespace {

constexpr const char* kHelp =
    " Type a thread's number to run it one step; Enter runs the last one again.\n"
    " u undoes a step, r starts again, q quits, ? shows this help.\n"
    " A thread in front of a lock that another holds can still be chosen:\n"
    " its step is to wait for it.\n";

RunRequest model_request(const PlayRequest& play) {
    RunRequest request = default_run(*play.scenario);
    request.runner = Runner::model;
    request.variant = play.variant;
    request.threads = play.threads;
    return request;
}

// The shortest bad schedule of a complete exploration, to set the goal and to compare with.
struct Goal {
    std::optional<std::vector<int>> corrupting;
    std::optional<std::vector<int>> deadlocking;
    bool complete = false;
};

Goal find_goal(const PlayRequest& play, const Terminal& terminal) {
    RunRequest request = model_request(play);
    request.model.strategy = Strategy::explore;
    const RunReport report = run_request(request, terminal);
    const ModelResult& result = std::get<ModelReport>(report.body).result;
    return Goal{result.shortest_schedule, result.shortest_deadlock_schedule, result.complete};
}

std::string goal_text(const Goal& goal) {
    if (goal.corrupting)
        return fmt::format(
            "Goal: choose the steps so that the data is damaged. It can be done in "
            "{} steps.",
            goal.corrupting->size());
    if (goal.deadlocking)
        return fmt::format(
            "Goal: choose the steps so that the threads deadlock. It can be done in "
            "{} steps.",
            goal.deadlocking->size());
    return goal.complete ? "Goal: break it if you can. A complete search found every schedule "
                           "clean, so you cannot: see how the lock stops each attempt."
                         : "Goal: damage the data or deadlock the threads. A search cut short "
                           "found no way; there may be none.";
}

// "read hits", "lock mu", "yield".
std::string next_words(const PlayPosition::NextStep& next) {
    if (next.target.empty()) return std::string(op_name(next.op));
    return fmt::format("{} {}", op_name(next.op), next.target);
}

std::string thread_line(const PlayPosition& position, int thread) {
    const auto index = static_cast<std::size_t>(thread - 1);
    switch (position.state[index]) {
        case PlayerThread::can_run:
            return fmt::format("  T{} next: {}", thread, next_words(position.next[index]));
        case PlayerThread::would_wait:
            return fmt::format("  T{} next: {} (taken: its step would be to wait)", thread,
                               next_words(position.next[index]));
        case PlayerThread::blocked:
            if (position.over)
                return fmt::format("  T{} is stuck for ever in front of: {}", thread,
                                   next_words(position.next[index]));
            return fmt::format("  T{} is blocked: {} waits until it can go on", thread,
                               next_words(position.next[index]));
        case PlayerThread::finished:
            break;
    }
    return fmt::format("  T{} has finished", thread);
}

std::vector<int> choosable(const PlayPosition& position) {
    std::vector<int> threads;
    for (std::size_t index = 0; index < position.state.size(); ++index)
        if (position.state[index] == PlayerThread::can_run ||
            position.state[index] == PlayerThread::would_wait)
            threads.push_back(static_cast<int>(index) + 1);
    return threads;
}

std::string turn_text(const PlayPosition& position, const Style& style) {
    std::string out = position.trace.events.empty() ? std::string(" (no steps yet)\n")
                                                    : render_swimlanes(position.trace, style);
    if (position.misuse) return out;  // the execution stopped there: finish() says why
    for (int thread = 1; thread <= static_cast<int>(position.state.size()); ++thread)
        out += thread_line(position, thread) + "\n";
    return out;
}

class Player {
  public:
    Player(const PlayRequest& request, const Terminal& terminal, std::FILE* in, std::FILE* out)
        : request_(request),
          terminal_(terminal),
          style_(terminal.color, terminal.width),
          out_(out),
          input_(in, out) {}

    int play();

  private:
    PlayPosition position_now() const;
    void print(const std::string& text) {
        fmt::print(out_, "{}", text::fit(text, static_cast<std::size_t>(terminal_.width)));
    }
    bool handle(const std::string& command, const PlayPosition& position);
    bool take_thread(int thread, const PlayPosition& position);
    void finish();
    std::string replay_of(const std::vector<int>& schedule) const {
        return replay_command(model_request(request_), schedule);
    }

    const PlayRequest& request_;
    const Terminal& terminal_;
    Style style_;
    std::FILE* out_;
    LineInput input_;
    Goal goal_;
    std::vector<int> schedule_;
    bool done_ = false;
    const ModelCrashGuard* guard_ = nullptr;  // while play() runs: where a crash is reported
    bool reached_ = false;                    // the run went wrong: the goal is reached
};

bool Player::take_thread(int thread, const PlayPosition& position) {
    const int threads = static_cast<int>(position.state.size());
    const std::string can = fmt::format("you can run T{}", fmt::join(choosable(position), ", T"));
    if (thread < 1 || thread > threads) {
        print(fmt::format(" There is no T{}: the threads are T1 to T{}.\n", thread, threads));
        return false;
    }
    const PlayerThread state = position.state[static_cast<std::size_t>(thread - 1)];
    if (state == PlayerThread::finished || state == PlayerThread::blocked) {
        print(fmt::format(" T{} cannot take a step: it {}; {}.\n", thread,
                          state == PlayerThread::finished ? "has finished" : "is blocked", can));
        return false;
    }
    schedule_.push_back(thread);
    return true;
}

// One command; false when it changed nothing (the position need not be shown again).
bool Player::handle(const std::string& command, const PlayPosition& position) {
    if (command == "q") return done_ = true;
    if (command == "?") return print(kHelp), false;
    if (command == "r") return schedule_.clear(), true;
    if (command == "u") {
        if (schedule_.empty()) return print(" Nothing to undo.\n"), false;
        schedule_.pop_back();
        return true;
    }
    const std::vector<int> can = choosable(position);
    if (command.empty() && !can.empty()) {
        const bool again = std::find(can.begin(), can.end(), position.last_thread) != can.end();
        schedule_.push_back(again ? position.last_thread : can.front());
        return true;
    }
    int thread = 0;
    const auto [stop, error] =
        std::from_chars(command.data(), command.data() + command.size(), thread);
    if (command.empty() || error != std::errc() || stop != command.data() + command.size())
        return print(" Please type a thread number, u, r, q or ? (help).\n"), false;
    return take_thread(thread, position);
}

void Player::finish() {
    RunRequest replay = model_request(request_);
    replay.model.strategy = Strategy::replay;
    replay.model.schedule = schedule_;
    RunReport report = run_request(replay, terminal_);
    std::get<ModelReport>(report.body).replay = replay_of(schedule_);
    if (!request_.html_path.empty() && write_page(request_.html_path, report))
        print(fmt::format(" page written: {}\n", request_.html_path));
    const ModelRun& run = std::get<ModelReport>(report.body).result.shown;
    if (run.misuse) {
        done_ = true;
        print(fmt::format("{} {}\n {}\n", verdict_heading(Verdict::misuse, style_),
                          run.outcome.evidence, misuse_rule(run.misuse->kind)));
        return;
    }
    if (!run.outcome.corrupted && !run.deadlock) {
        print(verdict_heading(Verdict::clean, style_) +
              " every thread finished and nothing went wrong. The goal was not reached: u undoes "
              "a step, r starts again, q quits.\n");
        return;
    }
    done_ = reached_ = true;
    print(fmt::format(
        "{} {}\n", verdict_heading(run.deadlock ? Verdict::deadlocked : Verdict::corrupted, style_),
        run.outcome.evidence));
    print(
        fmt::format(" Your schedule ({} steps):\n   {}\n", schedule_.size(), replay_of(schedule_)));
    const auto& shortest = run.deadlock ? goal_.deadlocking : goal_.corrupting;
    if (shortest)
        print(fmt::format(" You needed {} steps; the shortest {} schedule needs {}:\n   {}\n",
                          schedule_.size(), run.deadlock ? "deadlocking" : "corrupting",
                          shortest->size(), replay_of(*shortest)));
}

// The position the schedule so far reaches, run with the model's limits: a signal or a thread
// that runs without a step ends it as it would a run (StopOnInterrupt: one at a time, so here).
PlayPosition Player::position_now() const {
    StopOnInterrupt stop;
    ModelOptions watched;
    watched.stop = stop.token();
    watched.on_stuck = end_when_stuck(*request_.scenario);
    if (guard_ != nullptr) watched.probe = guard_->probe();
    try {
        return play_position(*request_.scenario, request_.variant,
                             TrialConfig{request_.threads, true, RWPolicy::writer_preferring},
                             schedule_, watched);
    } catch (const ScheduleError& refusal) {  // the player only takes steps that can be taken
        throw std::logic_error(play_refusal_words(refusal));
    }
}

int Player::play() {
    goal_ = find_goal(request_, terminal_);
    const RunHeader header{request_.scenario, request_.variant, Mode::model, request_.threads,
                           RWPolicy::writer_preferring};
    print(style_.strong(text::heading(header, "play: you are the scheduler")) + "\n");
    print(fmt::format(" {}\n{}", goal_text(goal_), kHelp));
    bool show = true;
    const ModelCrashGuard crash_guard(model_request(request_));
    guard_ = &crash_guard;
    while (!done_) {
        const PlayPosition position = position_now();
        if (show) {
            print(fmt::format("\n{}", turn_text(position, style_)));
            if (position.over) finish();
            if (done_) break;
        }
        const std::optional<std::string> command = input_.read(fmt::format(
            "Step {}: which thread? (number, Enter, u, r, q, ?)", schedule_.size() + 1));
        if (!command) break;
        show = handle(*command, position);
    }
    if (input_.ended_by_signal())
        print(fmt::format(" The game ends here: {}.\n", input_.why_ended()));
    if (!schedule_.empty() && !reached_)
        print(fmt::format(" Your schedule so far:\n   {}\n", replay_of(schedule_)));
    flush_output(out_);
    return input_.ended_by_signal() ? 128 + interrupted() : int{kExitRan};
}

}  // namespace

int run_play(const PlayRequest& request, const Terminal& terminal, std::FILE* in, std::FILE* out) {
    Player player(request, terminal, in, out);
    return player.play();
}

}  // namespace racedemo
