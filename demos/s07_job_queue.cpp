// 07 job-queue: workers take jobs from a shared list through an index nobody locks.
//
// What goes wrong: each worker reads the index of the next job, writes the index plus one
// back, and runs that job. Two workers that read the index before either writes it back take
// the same job: it runs twice. The fix hands the jobs out through a channel: they are put into
// a buffered channel, and the channel closed, before the workers start; a receive gives each job
// to exactly one worker, with no lock in sight (the channel does the locking inside).
// `--threads N` is N workers in both variants.
//
//   racedemo job-queue --mode model --explore          CORRUPTED: job 0 ran twice
//   racedemo job-queue                                 real threads: jobs run twice
//   racedemo job-queue --fixed --mode model --explore  recv jobs -> 0, recv jobs -> 1, ...:
//                                                      every schedule runs each job once
//   racedemo job-queue --bench                         ns per job: channel, mutex, atomic
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

#include "job_handing.hpp"
#include "racedemo/channel.hpp"
#include "racedemo/scenario.hpp"
#include "racedemo/shared_state.hpp"

namespace {

using racedemo::Chan;
using racedemo::Shared;

struct SharedIndex {};  // unsafe: the next job's index, read and written back unlocked
struct Channel {};      // fixed: the jobs come out of a channel

template <class Handing>
class JobQueue {
  public:
    explicit JobQueue(int jobs) : jobs_(jobs), queue_("jobs", jobs) {
        if constexpr (std::is_same_v<Handing, Channel>) Fill();
    }

    // The next job for the calling worker; nothing once every job is taken.
    std::optional<int> Take() {
        if constexpr (std::is_same_v<Handing, Channel>) return TakeFromChannel();
        return TakeByIndex();
    }

    // lesson:begin
    // Unsafe: two workers can read the same index before either writes it back.
    std::optional<int> TakeByIndex() {
        int job = next_.load();
        if (job >= jobs_) return std::nullopt;  // past the last job: none left
        next_.store(job + 1);
        return job;
    }

    // Fixed: before the workers start, every job goes into the channel, which has room for
    // all of them (buffered: no send waits), and the channel is closed.
    void Fill() {
        for (int job = 0; job < jobs_; ++job) queue_.send(job);
        queue_.close();
    }
    // A receive hands each job to exactly one worker; once the channel is empty, none is left.
    std::optional<int> TakeFromChannel() { return queue_.recv(); }
    // lesson:end

    int jobs() const { return jobs_; }

  private:
    int jobs_;
    Shared<int> next_{"next", 0};
    Chan<int> queue_;
};

// Every thread is a worker: it takes jobs until none is left, runs each, and notes it.
template <class Handing>
class JobQueueTrial final : public racedemo::Trial {
  public:
    explicit JobQueueTrial(const racedemo::TrialConfig& config)
        : config_(config), queue_(std::in_place, jobs(config)), ran_(config.threads) {}

    void actor(int thread) override {
        std::vector<int>& mine = ran_[static_cast<std::size_t>(thread)];
        for (;;) {
            // The label of the worker's next steps says which jobs it has run so far.
            if (mine.empty())
                racedemo::note("Take() of jobs 0-{}", queue_->jobs() - 1);
            else
                racedemo::note("Take() of jobs 0-{} (ran: {})", queue_->jobs() - 1,
                               fmt::join(mine, ", "));
            const std::optional<int> job = queue_->Take();
            if (!job) return;
            mine.push_back(*job);
        }
    }

    bool reset() override {
        queue_.emplace(jobs(config_));
        for (std::vector<int>& mine : ran_) mine.clear();
        return true;
    }

    // Each job ran exactly once, by one worker.
    racedemo::Outcome arbiter() override {
        std::vector<int> runs(static_cast<std::size_t>(queue_->jobs()), 0);
        for (const std::vector<int>& mine : ran_)
            for (int job : mine) ++runs[static_cast<std::size_t>(job)];
        const auto twice = std::find_if(runs.begin(), runs.end(), [](int n) { return n > 1; });
        const auto never = std::find(runs.begin(), runs.end(), 0);
        if (twice == runs.end() && never == runs.end()) return racedemo::Outcome::clean();
        const std::string label = racedemo::label_of(
            {{twice != runs.end(), "job ran twice"}, {never != runs.end(), "job never ran"}});
        return racedemo::Outcome::corrupt(label, [&] {
            if (twice == runs.end()) return fmt::format("job {} never ran", never - runs.begin());
            const std::string times = *twice == 2 ? "twice" : fmt::format("{} times", *twice);
            return fmt::format("job {} ran {}", twice - runs.begin(), times);
        });
    }

  private:
    // A small list for the model's exhaustive search; real rounds a longer one.
    static int jobs(const racedemo::TrialConfig& config) { return config.model ? 2 : 64; }

    racedemo::TrialConfig config_;
    std::optional<JobQueue<Handing>> queue_;
    std::vector<std::vector<int>> ran_;
};

// ---- --bench: the cost of handing out one job, against the number of workers

constexpr int kBenchJobs = 100'000;

// Nanoseconds per job of one way of handing out kBenchJobs jobs (job_handing.hpp), the whole
// run timed: the workers' start and end included.
template <class HandOut>
double ns_per_job(int workers, HandOut hand_out) {
    const auto start = std::chrono::steady_clock::now();
    hand_out(workers, kBenchJobs);
    const std::chrono::duration<double, std::nano> elapsed =
        std::chrono::steady_clock::now() - start;
    return elapsed.count() / kBenchJobs;
}

racedemo::BenchTable measure_job_queue(const racedemo::BenchSettings& settings) {
    racedemo::BenchTable table;
    table.title = "handing out jobs to workers: nanoseconds per job";
    table.parameters = {"workers"};
    table.variants = {"channel", "mutex", "atomic"};
    table.unit = "ns_per_job";
    table.sample = fmt::format("{} jobs each, the whole run timed", kBenchJobs);
    std::vector<int> worker_counts{1};
    for (int workers = 2; workers <= settings.max_threads; workers *= 2)
        worker_counts.push_back(workers);
    for (int workers : worker_counts) {
        std::vector<std::vector<double>> samples(3);
        for (int repetition = 0; repetition < settings.repetitions && !settings.stopped();
             ++repetition) {
            samples[0].push_back(ns_per_job(workers, job_handing::through_channel));
            samples[1].push_back(ns_per_job(workers, job_handing::through_mutex));
            samples[2].push_back(ns_per_job(workers, job_handing::through_atomic));
        }
        // Stopped (a signal, --max-time): the rows measured so far, not this partial one.
        table.cut_short = settings.stopped();
        if (table.cut_short) return table;
        racedemo::add_median_row(table, {workers}, samples);
        if (settings.progress)
            settings.progress(static_cast<int>(table.rows.size()),
                              static_cast<int>(worker_counts.size()));
    }
    return table;
}

}  // namespace

RACEDEMO_SCENARIO({
    .number = 7,
    .name = "job-queue",
    .summary = "workers take jobs through an unlocked index: a job runs twice",
    .lesson = R"(A list of jobs and a few workers: each worker takes the next job and runs it,
until none is left. The workers find the next job through an index: read it, write it back
plus one, run the job it named. An index equal to the number of jobs means none is left. Reading
and writing the index are two steps, and between them another worker can read the same index.
Both run that job; it runs twice, and with a less lucky order of the write-backs the index even
goes back and a job runs three times. The trace marks the write-back that undoes another
worker's, and each worker's next Take() says which jobs it has run: both ran the same one.

A mutex around the two steps fixes it, as it fixed the counter. A channel fixes it without a
lock in the workers' code: the jobs go into a channel, and each worker receives from it until it
is closed and empty. A receive hands a value to exactly one receiver, so each job runs once; the
channel locks inside, where it cannot be forgotten. This is the shape of a job queue with worker
threads, the building block of MapReduce: in Go, a loop over a channel in every worker.

Here the channel is buffered, with room for every job: all of them go in, and the channel is
closed, before the workers start, so no send ever waits and the trace shows only receives. An
unbuffered channel has no room at all: each send waits until a worker takes the value, so the
jobs would have to be fed by one more thread running beside the workers (as --bench's channel
is).

Whether the channel is also fast is a question for --bench: it measures the cost of handing
out one job through the channel, a mutex-protected index and an atomic counter.)",
    .takeaway = "hand work out through a channel: each value goes to exactly one receiver",
    .terms = {"channel"},
    .default_threads = 4,
    .min_threads = 2,
    .unsafe = racedemo::make_trial<JobQueueTrial<SharedIndex>>,
    .fixed = racedemo::make_trial<JobQueueTrial<Channel>>,
    .fix = "how a worker takes its job. The unsafe variant's Take is TakeByIndex,\nwhich reads "
           "and writes the shared index unlocked; the fixed one's is TakeFromChannel, a "
           "receive\nfrom a channel filled before the workers start",
    .bench = measure_job_queue,
});
