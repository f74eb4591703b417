#include "real/real_runner.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <system_error>
#include <thread>

#include "core/sanitizers.hpp"
#include "real/lock_board.hpp"
#include "real/real_trace.hpp"
#include "real/stuck_trace.hpp"

namespace racedemo {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// All threads of a round start together and finish together. A waiting thread spins first (the
// start of a round must be tight, or the threads would rarely overlap). Then:
//  - with a core for each thread, it sleeps on a futex. On a busy machine, a thread woken from
//    sleep takes its core back from a CPU hog at once, while one that yields waits out the hog's
//    time slice, and the threads of a round then rarely overlap;
//  - with more threads than cores, it yields: the threads it waits for are its own, and need
//    the core now (sleeping there cuts the rounds per second by about four).
class SpinBarrier {
  public:
    SpinBarrier(int parties, int cores) : parties_(parties), oversubscribed_(parties > cores) {}

    void arrive_and_wait() {
        const int generation = generation_.load(std::memory_order_acquire);
        if (arrived_.fetch_add(1, std::memory_order_acq_rel) == parties_ - 1) {
            arrived_.store(0, std::memory_order_relaxed);
            generation_.store(generation + 1, std::memory_order_release);
            if (!oversubscribed_) generation_.notify_all();  // a system call only if one sleeps
            return;
        }
        if (oversubscribed_) {
            for (int spins = 0; generation_.load(std::memory_order_acquire) == generation; ++spins)
                if (spins > 200) sched_yield();
            return;
        }
        // About 100 µs: longer than the gap between two rounds on an idle machine.
        for (int spins = 0; spins < 2000; ++spins) {
            if (generation_.load(std::memory_order_acquire) != generation) return;
            cpu_relax();
        }
        while (generation_.load(std::memory_order_acquire) == generation)
            generation_.wait(generation, std::memory_order_acquire);
    }

  private:
    static void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    const int parties_;
    const bool oversubscribed_;
    std::atomic<int> arrived_{0};
    std::atomic<int> generation_{0};
};

// Writes all of `text` to `fd`, riding out short writes and interrupts.
void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

// Steps shown around the damage in a real-mode trace.
constexpr std::size_t kStepsBeforeDamage = 12;
constexpr std::size_t kStepsAfterDamage = 6;

// A trial the machine would not start, and why.
TrialResult cannot_start(std::string reason) {
    TrialResult result;
    result.status = TrialStatus::could_not_start;
    result.outcome = Outcome::clean();  // no outcome: nothing of the scenario ran
    result.diagnostic = std::move(reason);
    return result;
}

// A step's damage as the child sends it to the parent: its facts in a row.
nlohmann::json encode(const Damage& damage) {
    return {static_cast<int>(damage.kind),
            damage.other_thread,
            damage.other_step,
            damage.other_value,
            damage.stale_target,
            damage.stale_thread,
            damage.stale_step,
            damage.changed_step,
            damage.replaced_step,
            damage.first_shown_step,
            damage.last_shown_step,
            damage.other_operation,
            damage.replaced_target,
            damage.earlier_read_step};
}

Damage decode_damage(const nlohmann::json& row) {
    Damage damage;
    damage.kind = static_cast<DamageKind>(row[0].get<int>());
    damage.other_thread = row[1].get<int>();
    damage.other_step = row[2].get<int>();
    damage.other_value = row[3].get<std::string>();
    damage.stale_target = row[4].get<std::string>();
    damage.stale_thread = row[5].get<int>();
    damage.stale_step = row[6].get<int>();
    damage.changed_step = row[7].get<int>();
    damage.replaced_step = row[8].get<int>();
    damage.first_shown_step = row[9].get<int>();
    damage.last_shown_step = row[10].get<int>();
    damage.other_operation = row[11].get<std::string>();
    damage.replaced_target = row[12].get<std::string>();
    damage.earlier_read_step = row[13].get<int>();
    return damage;
}

std::string encode(const TrialResult& result) {
    nlohmann::json json = {{"label", result.outcome.label},
                           {"corrupted", result.outcome.corrupted},
                           {"evidence", result.outcome.evidence},
                           {"rounds", result.rounds}};
    if (result.status == TrialStatus::could_not_start) json["could_not_start"] = result.diagnostic;
    if (result.misuse) {
        const Misuse& misuse = *result.misuse;
        json["misuse"] = {static_cast<int>(misuse.kind), misuse.thread, misuse.object,
                          misuse.holder, static_cast<int>(misuse.op)};
    }
    if (result.trace) {
        nlohmann::json events = nlohmann::json::array();
        for (const TraceEvent& event : result.trace->events)
            events.push_back({event.step, event.thread, static_cast<int>(event.op), event.target,
                              event.value, event.operation, encode(event.damage)});
        json["trace"] = {{"lanes", result.trace->lanes},
                         {"events", events},
                         {"reads_moved", result.trace->reads_moved},
                         {"order_inconsistent", result.trace->order_inconsistent}};
    }
    return json.dump();
}

bool decode(const std::string& text, TrialResult& result) {
    auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object() || !json.contains("label")) return false;
    result.outcome.label = json.value("label", "");
    result.outcome.corrupted = json.value("corrupted", false);
    result.outcome.evidence = json.value("evidence", "");
    result.rounds = json.value("rounds", 0);
    if (json.contains("could_not_start")) {
        result.status = TrialStatus::could_not_start;
        result.diagnostic = json.value("could_not_start", "");
    }
    if (json.contains("misuse")) {
        const auto& row = json["misuse"];
        Misuse misuse;
        misuse.kind = static_cast<MisuseKind>(row[0].get<int>());
        misuse.thread = row[1].get<int>();
        misuse.object = row[2].get<std::string>();
        misuse.holder = row[3].get<int>();
        misuse.op = static_cast<Op>(row[4].get<int>());
        result.status = TrialStatus::misused;
        result.misuse = std::move(misuse);
    }
    if (json.contains("trace")) {
        Trace trace;
        trace.lanes = json["trace"]["lanes"].get<LaneLabels>();
        trace.reads_moved = json["trace"].value("reads_moved", 0);
        trace.order_inconsistent = json["trace"].value("order_inconsistent", false);
        for (const auto& row : json["trace"]["events"]) {
            TraceEvent event;
            event.step = row[0].get<int>();
            event.thread = row[1].get<int>();
            event.op = static_cast<Op>(row[2].get<int>());
            event.target = row[3].get<std::string>();
            event.value = row[4].get<std::string>();
            event.operation = row[5].get<std::string>();
            event.damage = decode_damage(row[6]);
            trace.events.push_back(std::move(event));
        }
        result.trace = std::move(trace);
    }
    return true;
}

// The pipes between racedemo and a trial's process: the child writes its result and its
// stderr; racedemo asks for a deadlocked trial's last steps (-1: not traced).
// The default dispositions of the signals racedemo catches (SIGINT, SIGTERM, SIGHUP, and the
// time limit's SIGALRM): a trial process is ended by its parent, never by racedemo's handlers.
void default_signal_dispositions() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGALRM}) sigaction(signal, &action, nullptr);
}

struct ChildPipes {
    int result = -1, error = -1, request = -1;
};

// The child's side of a trial: run it, send the result, leave without running any
// destructors or atexit handlers of the parent's (their state belongs to the parent).
[[noreturn]] void child_main(const Scenario& scenario, Variant variant, const RealOptions& options,
                             const ChildPipes& pipes, LockBoard* board) {
    const int result_fd = pipes.result, error_fd = pipes.error;
    // A process group of its own: a process the trial forks ends with it (supervise()).
    setpgid(0, 0);
    default_signal_dispositions();  // the parent decides when a trial ends
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);  // a crashing trial must not leave core files behind
#if !defined(RACEDEMO_ASAN) && !defined(RACEDEMO_TSAN)
    // Sanitizers reserve terabytes of address space up front; elsewhere cap the trial's memory.
    rlimit memory{options.trial_memory_bytes, options.trial_memory_bytes};
    setrlimit(RLIMIT_AS, &memory);
#endif
    dup2(error_fd, STDERR_FILENO);
    int devnull = ::open("/dev/null", O_RDWR);
    if (devnull >= 0) dup2(devnull, STDOUT_FILENO);
    std::optional<BoardWatcher> watcher;
    if (board != nullptr) detail::lock_watcher = &watcher.emplace(*board);
    std::optional<StuckTraceReporter> reporter;
    const HelperStart start_helper = [&]() -> StuckTraceReporter* {
        if (board == nullptr || pipes.request < 0) return nullptr;
        return &reporter.emplace(pipes.request, *board, options.threads,
                                 [result_fd](const std::optional<Trace>& trace) {
                                     TrialResult stuck;
                                     stuck.trace = trace;
                                     write_all(result_fd, encode(stuck) + "\n");
                                 });
    };
    TrialResult result;
    try {
        const TrialConfig config{options.threads, /*model=*/false, options.policy};
        result = run_rounds(scenario, variant, config, scenario.rounds, options.trace,
                            options.trial_budget_ms, board, start_helper, options.noise);
    } catch (const std::bad_alloc&) {
        result.outcome = Outcome::corrupt("out of memory",
                                          fmt::format("the trial passed its memory limit of {} MiB",
                                                      options.trial_memory_bytes >> 20));
    }
    write_all(result_fd, encode(result));
    _exit(0);
}

std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    if (line.size() > 200) line = line.substr(0, 200) + "...";
    return line;
}

// What the child wrote before it closed its pipes, the watchdog fired or racedemo was stopped.
struct ChildOutput {
    std::string result_text, error_text;
    bool hung = false;     // no end before the deadline
    bool stopped = false;  // racedemo was interrupted while the trial still ran
    std::optional<DeadlockWatch::Deadlock> deadlock;  // the board showed one
};

// Reads whatever is ready on the pipes; returns false when both are closed.
bool drain_ready(pollfd (&fds)[2], int& open_fds, int result_fd, ChildOutput& output) {
    for (pollfd& entry : fds) {
        if (entry.fd < 0 || entry.revents == 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(entry.fd, buffer, sizeof buffer);
        if (n > 0) {
            std::string& sink = entry.fd == result_fd ? output.result_text : output.error_text;
            if (sink.size() < (1u << 20)) sink.append(buffer, static_cast<std::size_t>(n));
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
            entry.fd = -1;
            --open_fds;
        }
    }
    return open_fds > 0;
}

// How often the watchdog looks at the lock board: a deadlock is named within two looks.
constexpr long long kBoardLookMs = 50;
// How long a deadlocked trial has to send its last steps before it is ended without them.
constexpr std::chrono::milliseconds kStuckTracePatience{2000};

// Whether the trial's process has ended (left unreaped: its pid, and so its process group's id,
// stays its own until supervise() has ended the group). Its pipes may outlive it in a process it
// forked, and their end is then no sign of the trial's.
bool child_ended(pid_t child) {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOHANG | WNOWAIT) != 0)
        return false;
    return info.si_pid == child;
}

// The trial has ended, a process it forked holding its pipes: all it wrote is in them; what is
// there is read, and the pipes are left.
ChildOutput drain_after_end(pollfd (&fds)[2], int& open_fds, int result_fd, ChildOutput& output) {
    while (::poll(fds, 2, 0) > 0 && drain_ready(fds, open_fds, result_fd, output)) {
    }
    return std::move(output);
}

// A quiet moment: the watchdog looks at the lock board.
bool board_shows_deadlock(DeadlockWatch* watch, ChildOutput& output) {
    return watch != nullptr && (output.deadlock = watch->check());
}

// How long the next look at the pipes may wait: the time left, at most `longest`; -1 when the
// deadline has passed.
int poll_wait_ms(Clock::time_point deadline, long long longest) {
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) return -1;
    return static_cast<int>(std::min<long long>(remaining.count() + 1, longest));
}

ChildOutput collect_child_output(pid_t child, int result_fd, int error_fd,
                                 Clock::time_point deadline, DeadlockWatch* watch,
                                 const RealOptions& options) {
    ChildOutput output;
    pollfd fds[2] = {{result_fd, POLLIN, 0}, {error_fd, POLLIN, 0}};
    int open_fds = 2;
    const long long longest_wait = watch != nullptr ? kBoardLookMs : 1000;
    while (open_fds > 0) {
        const int wait_ms = poll_wait_ms(deadline, longest_wait);
        if (wait_ms < 0) {
            output.hung = true;
            break;
        }
        const int ready = ::poll(fds, 2, wait_ms);
        if (ready < 0 && errno != EINTR) break;
        if (options.asked_to_stop()) break;
        if (ready == 0 && board_shows_deadlock(watch, output)) break;
        if (!drain_ready(fds, open_fds, result_fd, output)) break;
        if (ready == 0 && child_ended(child))
            return drain_after_end(fds, open_fds, result_fd, output);
    }
    output.stopped = options.asked_to_stop() && open_fds > 0 && !output.hung && !output.deadlock;
    return output;
}

// The trial's result from how the child ended and what it wrote.
TrialResult classify_trial(const ChildOutput& output, int status, double timeout_seconds) {
    TrialResult result;
    result.diagnostic = first_line(output.error_text);
    if (output.stopped) {
        result.status = TrialStatus::interrupted;
        result.outcome = Outcome::clean();
    } else if (output.deadlock) {
        result.status = TrialStatus::deadlocked;
        result.wait_for = output.deadlock->wait_for;
        result.rounds = output.deadlock->round;  // the deadlocked one included
        result.outcome = Outcome{std::string(deadlock_label), false, {}};  // present/ words it
        result.finished = output.deadlock->finished;
    } else if (output.hung) {
        result.status = TrialStatus::hung;
        result.outcome = Outcome::corrupt(
            "hung", fmt::format("no result after {:g} s; the trial was killed", timeout_seconds));
    } else if (WIFSIGNALED(status)) {
        result.status = TrialStatus::crashed;
        result.signal = WTERMSIG(status);
        std::string evidence = fmt::format("the trial died of {}", signal_name(result.signal));
        if (!result.diagnostic.empty()) evidence += fmt::format(" ({})", result.diagnostic);
        result.outcome = Outcome::corrupt(fmt::format("crashed: {}", signal_name(result.signal)),
                                          std::move(evidence));
    } else if (!decode(output.result_text, result)) {
        result.status = TrialStatus::failed;
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        result.outcome = Outcome::corrupt(
            fmt::format("exited {}", code),
            fmt::format("the trial exited with status {} before reporting{}", code,
                        result.diagnostic.empty() ? "" : ": " + result.diagnostic));
    }
    return result;
}

// A deadlocked trial's last steps, asked of the child before it is ended (stuck_trace.hpp);
// the threads it waits for are shown waiting after them.
std::optional<Trace> stuck_trace(const ChildPipes& pipes, const std::vector<Waiter>& wait_for,
                                 const std::vector<int>& finished) {
    if (pipes.request < 0) return std::nullopt;
    TrialResult answer;
    if (!decode(ask_for_stuck_trace(pipes.request, pipes.result, kStuckTracePatience), answer) ||
        !answer.trace || answer.trace->events.empty())
        return std::nullopt;
    add_deadlock_ending(*answer.trace, wait_for, finished);
    return answer.trace;
}

// The parent's side: collect what the child writes until it closes its pipes or the watchdog
// fires, then reap it.
TrialResult supervise(pid_t child, const ChildPipes& pipes, double timeout_seconds,
                      Clock::time_point started, DeadlockWatch* watch, const RealOptions& options) {
    const ChildOutput output =
        collect_child_output(child, pipes.result, pipes.error,
                             started + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(timeout_seconds)),
                             watch, options);
    std::optional<Trace> last_steps;
    if (output.deadlock)
        last_steps = stuck_trace(pipes, output.deadlock->wait_for, output.deadlock->finished);
    if (output.hung || output.stopped || output.deadlock) ::kill(-child, SIGKILL);
    // Whatever the trial forked and left running ends with it: its process group is ended once
    // it has ended, and before it is reaped (until then no other process can have its id).
    siginfo_t ended{};
    while (::waitid(P_PID, static_cast<id_t>(child), &ended, WEXITED | WNOWAIT) < 0 &&
           errno == EINTR) {
    }
    ::kill(-child, SIGKILL);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    TrialResult result = classify_trial(output, status, timeout_seconds);
    if (last_steps) result.trace = std::move(last_steps);
    result.elapsed_ms = ms_since(started);
    return result;
}

// Pipes for one trial, closed on exec; [0] reads, [1] writes.
struct PipePair {
    int ends[2] = {-1, -1};
    ~PipePair() {
        for (int fd : ends)
            if (fd >= 0) ::close(fd);
    }
    bool open() { return ::pipe2(ends, O_CLOEXEC) == 0; }
    void close_end(int which) {
        ::close(ends[which]);
        ends[which] = -1;
    }
};

TrialResult run_trial_in_child(const Scenario& scenario, Variant variant,
                               const RealOptions& options, LockBoard* board) {
    PipePair result_pipe, error_pipe, request_pipe;
    const bool ask_when_stuck = board != nullptr && options.trace;
    if (!result_pipe.open() || !error_pipe.open() || (ask_when_stuck && !request_pipe.open()))
        return cannot_start(
            fmt::format("cannot make a pipe to a trial process: {}", std::strerror(errno)));
    std::fflush(nullptr);  // or the child would inherit, and later repeat, buffered output
    if (board != nullptr) board->new_round(0, options.threads);  // nothing from the trial before
    auto started = Clock::now();
    pid_t child = ::fork();
    if (child < 0)
        return cannot_start(fmt::format("cannot start a trial process: {}", std::strerror(errno)));
    if (child > 0) setpgid(child, child);  // as the child does: before either can rely on it
    if (child == 0)
        child_main(scenario, variant, options,
                   ChildPipes{result_pipe.ends[1], error_pipe.ends[1], request_pipe.ends[0]},
                   board);
    result_pipe.close_end(1);
    error_pipe.close_end(1);
    if (ask_when_stuck) request_pipe.close_end(0);
    std::optional<DeadlockWatch> watch;
    if (board != nullptr) watch.emplace(board, options.threads);
    return supervise(child,
                     ChildPipes{result_pipe.ends[0], error_pipe.ends[0], request_pipe.ends[1]},
                     options.timeout_seconds, started, watch ? &*watch : nullptr, options);
}

// Spreads the threads of a trial over the CPUs this process may use, one after another, so
// that two threads really run at the same time instead of taking turns on one core (on a
// 2-core machine an unpinned pair often lands on one core and the race window never opens).
class CpuSpreader {
  public:
    CpuSpreader() {
        cpu_set_t allowed;
        CPU_ZERO(&allowed);
        if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &allowed)) cpus_.push_back(cpu);
    }
    // Gives the calling thread back the CPUs it had (run_rounds may run in a caller's thread).
    ~CpuSpreader() {
        if (cpus_.size() < 2) return;
        cpu_set_t all;
        CPU_ZERO(&all);
        for (int cpu : cpus_) CPU_SET(cpu, &all);
        pthread_setaffinity_np(pthread_self(), sizeof all, &all);
    }
    int cores() const { return std::max<int>(1, static_cast<int>(cpus_.size())); }
    void pin_current_thread(int thread) const {
        if (cpus_.size() < 2) return;
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(cpus_[static_cast<std::size_t>(thread) % cpus_.size()], &one);
        pthread_setaffinity_np(pthread_self(), sizeof one, &one);
    }

  private:
    std::vector<int> cpus_;
};

}  // namespace

namespace {

// Judges the round just played into `result`; true when the trial ends with it. A misuse comes
// first: what the round did after it is undefined.
bool judge_round(Trial* trial, RoundRecorder* recorder, bool out_of_memory, int round,
                 TrialResult& result, const LockBoard* board = nullptr) {
    result.rounds = round;
    if (board != nullptr && (result.misuse = board->misuse())) {
        result.status = TrialStatus::misused;
        result.outcome = Outcome{std::string(misuse_label), false, {}};  // present/ words it
        return true;
    }
    if (out_of_memory) {
        result.outcome = Outcome::corrupt(
            "out of memory", "an allocation failed: the trial reached its memory limit");
        return true;
    }
    result.outcome = trial->arbiter();
    if (!result.outcome.corrupted) return false;
    if (recorder != nullptr)
        result.trace = recorder->collect(kStepsBeforeDamage, kStepsAfterDamage);
    return true;
}

// Builds a round's shared state; false when there was no memory for it.
bool build_trial(TrialFactory factory, const TrialConfig& config, std::unique_ptr<Trial>& trial) {
    try {
        trial.reset();  // the last round's state goes first: its memory may be needed
        trial = factory(config);
        return true;
    } catch (const std::bad_alloc&) {
        return false;
    }
}

// Builds a round's shared state; false, with `result` saying why, when there is no memory for it.
bool set_up_round(TrialFactory factory, const TrialConfig& config, std::unique_ptr<Trial>& trial,
                  int round, TrialResult& result) {
    if (build_trial(factory, config, trial)) return true;
    // The first round's state is the trial's setup; later, the trial ran out of memory.
    if (round == 1)
        result = cannot_start("no memory to set up the trial's shared state");
    else
        judge_round(nullptr, nullptr, true, round, result);
    return false;
}

// The recorder of a traced trial; null when there is no memory for it. Its noise draws differ
// from trial to trial.
std::unique_ptr<RoundRecorder> make_recorder(int threads, const NoiseSettings& noise) {
    try {
        const auto seed = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count()) ^
                          (static_cast<std::uint64_t>(::getpid()) << 40);
        return std::make_unique<RoundRecorder>(threads, noise, seed);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}

// A trial's other threads (1 to threads-1). Each waits at a gate until all exist, so that when
// the machine refuses one (too many threads, too little memory) those already made can be
// sent home and joined: the trial then ends as one that could not start, not in std::terminate.
class Workers {
  public:
    template <class Body>
    Workers(int threads, Body body) {
        try {
            for (int thread = 1; thread < threads; ++thread) {
                failing_thread_ = thread;
                threads_.emplace_back([this, body, thread] {
                    if (wait_at_gate()) body(thread);
                });
            }
            open_gate(kGo);
        } catch (const std::system_error& error) {
            failure_ = fmt::format("cannot create thread {} of {}: {}", failing_thread_ + 1,
                                   threads, error.code().message());
        } catch (const std::bad_alloc&) {
            failure_ =
                fmt::format("no memory to create thread {} of {}", failing_thread_ + 1, threads);
        }
        if (!failure_.empty()) {
            open_gate(kGoHome);
            join();
        }
    }
    Workers(const Workers&) = delete;
    Workers& operator=(const Workers&) = delete;

    bool started() const { return failure_.empty(); }
    const std::string& failure() const { return failure_; }
    void join() {
        for (std::thread& thread : threads_)
            if (thread.joinable()) thread.join();
    }

  private:
    static constexpr int kClosed = 0, kGo = 1, kGoHome = 2;
    bool wait_at_gate() {
        gate_.wait(kClosed, std::memory_order_acquire);
        return gate_.load(std::memory_order_acquire) == kGo;
    }
    void open_gate(int how) {
        gate_.store(how, std::memory_order_release);
        gate_.notify_all();
    }
    std::vector<std::thread> threads_;
    std::atomic<int> gate_{kClosed};
    int failing_thread_ = 0;
    std::string failure_;
};

}  // namespace

// The trial's helper thread, started after the trial's own threads: ThreadSanitizer numbers
// threads as they are created, and its T1, T2, ... are then racedemo's T2, T3, ... `failure`:
// why the machine refused it.
StuckTraceReporter* start_helper_thread(const HelperStart& start_helper, std::string& failure) {
    if (!start_helper) return nullptr;
    try {
        return start_helper();
    } catch (const std::system_error& error) {
        failure =
            fmt::format("cannot create the trial's helper thread: {}", error.code().message());
    } catch (const std::bad_alloc&) {
        failure = "no memory for the trial's helper thread";
    }
    return nullptr;
}

// The ThreadSanitizer build (the detector's twin) runs every other round, the first among them,
// with its threads one after another: each waits for the one before it to be done. So
// ThreadSanitizer sees locks taken in both orders without the threads deadlocking first (its
// lock-order inversion), and still every data race: the turn is passed through a relaxed
// atomic, which orders nothing for it. A thread goes on at once when the one before it waits
// (for a lock or a channel: the lock board shows it), and after a while when it spins.
class Stagger {
  public:
    void begin_round(int round) {
        on_ = staggered_build && round % 2 == 1;
        turn_.store(0, std::memory_order_relaxed);
    }
    void wait_turn(int thread, const LockBoard* board) const {
        if (!on_) return;
        const auto until = Clock::now() + std::chrono::milliseconds(100);
        std::optional<Clock::time_point> waiting_since;  // of the thread before it
        while (turn_.load(std::memory_order_relaxed) < thread && Clock::now() < until) {
            // Every acquisition is told as a wait first, and ThreadSanitizer's first ones take
            // milliseconds: only a wait that lasts 20 ms is taken for one.
            const bool waits = board != nullptr && board->is_waiting(thread - 1);
            if (!waits) waiting_since.reset();
            if (waits && !waiting_since) waiting_since = Clock::now();
            if (waiting_since && Clock::now() - *waiting_since > std::chrono::milliseconds(20))
                return;
            std::this_thread::yield();
        }
    }
    void done(int thread) {
        if (on_) turn_.store(thread + 1, std::memory_order_relaxed);
    }

  private:
#if defined(RACEDEMO_TSAN)
    static constexpr bool staggered_build = true;
#else
    static constexpr bool staggered_build = false;
#endif
    bool on_ = false;  // written by thread 0 before the round's barrier, read after it
    std::atomic<int> turn_{0};
};

// Runs one thread's actor in a round: under its recorder when tracing, in its turn when the
// round is staggered, its end told to the lock board.
struct RoundActor {
    std::unique_ptr<Trial>& trial;
    RoundRecorder* recorder;
    LockBoard* board;
    Stagger& stagger;
    std::atomic<bool>& out_of_memory;

    void operator()(int thread) const {
        RuntimeScope scope(recorder != nullptr ? recorder->runtime_for(thread) : nullptr);
        stagger.wait_turn(thread, board);
        try {
            trial->actor(thread);
        } catch (const std::bad_alloc&) {
            // Past the trial's memory limit: end the round on every thread, report it.
            out_of_memory = true;
        }
        stagger.done(thread);
        if (board != nullptr) board->finished(thread);  // a lock it still holds stays held
    }
};

TrialResult run_rounds(const Scenario& scenario, Variant variant, const TrialConfig& config,
                       int rounds, bool trace, double budget_ms, LockBoard* board,
                       const HelperStart& start_helper, const NoiseSettings& noise) {
    const TrialFactory factory = scenario.factory(variant);
    const int threads = config.threads;
    const CpuSpreader spreader;
    SpinBarrier barrier(threads, spreader.cores());
    spreader.pin_current_thread(0);
    std::unique_ptr<Trial> trial;
    std::unique_ptr<RoundRecorder> recorder;
    TrialResult result;
    if (trace && !(recorder = make_recorder(threads, noise)))
        return cannot_start("no memory to record the trial's steps");
    std::atomic<bool> out_of_memory{false};
    Stagger stagger;
    const RoundActor act{trial, recorder.get(), board, stagger, out_of_memory};
    bool stop = false;  // written by thread 0 before a barrier, read by the others after it

    Workers workers(threads, [&](int thread) {
        spreader.pin_current_thread(thread);
        BoardWatcher::set_thread(thread);
        for (;;) {
            barrier.arrive_and_wait();  // round starts
            if (stop) return;
            act(thread);
            barrier.arrive_and_wait();  // round ends
        }
    });
    if (!workers.started()) return cannot_start(workers.failure());
    std::string helper_failure;
    if (StuckTraceReporter* reporter = start_helper_thread(start_helper, helper_failure))
        reporter->watch(recorder.get());
    if (!helper_failure.empty()) rounds = 0;  // the workers are sent home below

    BoardWatcher::set_thread(0);
    auto started = Clock::now();
    for (int round = 1; round <= rounds; ++round) {
        if (!set_up_round(factory, config, trial, round, result)) break;
        if (recorder) recorder->clear();
        stagger.begin_round(round);
        if (board != nullptr) board->new_round(round, threads);  // the others wait at the barrier
        barrier.arrive_and_wait();
        act(0);
        barrier.arrive_and_wait();
        if (judge_round(trial.get(), recorder.get(), out_of_memory, round, result, board)) break;
        if (ms_since(started) > budget_ms) break;
    }
    stop = true;
    barrier.arrive_and_wait();
    workers.join();
    if (!helper_failure.empty()) return cannot_start(helper_failure);
    result.elapsed_ms = ms_since(started);
    return result;
}

double planned_trial_seconds(const RealOptions& options) {
    return options.trial_budget_ms / 1000;
}

double least_timeout_seconds(const RealOptions& options) {
    return 2 * planned_trial_seconds(options);
}

namespace {

// Adds one trial that ran to the counts of `total`.
void count_trial(const TrialResult& trial, int run, double at_ms, RealResult& total) {
    ++total.runs_done;
    total.rounds_total += static_cast<std::uint64_t>(trial.rounds);
    total.outcomes.add(trial.outcome.label);
    switch (trial.status) {
        case TrialStatus::finished:
            total.corrupted_runs += trial.outcome.corrupted;
            break;
        case TrialStatus::misused:
            ++total.misused_runs;
            if (!total.first_misuse) {
                total.first_misuse = trial;
                total.first_misuse_run = run;
            }
            return;
        case TrialStatus::crashed:
            ++total.crashed_runs;
            break;
        case TrialStatus::hung:
            ++total.hung_runs;
            return;  // no damage seen: never the first corruption
        case TrialStatus::deadlocked:
            ++total.deadlocked_runs;
            if (!total.first_deadlock) {
                total.first_deadlock = trial;
                total.first_deadlock_run = run;
            }
            break;
        case TrialStatus::failed:
            ++total.failed_runs;
            break;
        case TrialStatus::interrupted:
        case TrialStatus::could_not_start:
            return;
    }
    if (trial.outcome.corrupted && !total.first_bad) {
        total.first_corruption_ms = at_ms;
        total.first_corrupt_run = run;
        total.first_bad = trial;
    }
}

}  // namespace

RealResult run_real(const Scenario& scenario, Variant variant, const RealOptions& options,
                    const TrialObserver& observer) {
    RealResult total;
    total.runs_requested = options.runs;
    total.cores = CpuSpreader().cores();
    // Shared with every trial's child: the watchdog reads a deadlock's cycle from it.
    std::unique_ptr<LockBoard, void (*)(LockBoard*)> board(LockBoard::create_shared(),
                                                           &LockBoard::destroy_shared);
    auto started = Clock::now();
    for (int run = 1; run <= options.runs; ++run) {
        if (options.asked_to_stop()) break;
        TrialResult trial = run_trial_in_child(scenario, variant, options, board.get());
        if (trial.status == TrialStatus::interrupted) break;  // cut short: not an outcome
        if (trial.status == TrialStatus::could_not_start) {
            // The machine's doing, not the scenario's: counted apart, with the first reason.
            if (total.failed_to_start++ == 0) total.start_failure = trial.diagnostic;
            total.start_failures_vary |= trial.diagnostic != total.start_failure;
        } else {
            count_trial(trial, run, ms_since(started), total);
        }
        if (observer && !observer(run, trial)) break;
    }
    total.stopped = options.asked_to_stop();
    total.elapsed_ms = ms_since(started);
    return total;
}

}  // namespace racedemo
