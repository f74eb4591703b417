// One process that hands out JOBS jobs to WORKERS worker threads and exits: the C++ side of
// bench/channel_vs_go.py, which times the whole process as Go's runs are timed (bench/go/).
// The ways of handing out are job-queue's own (demos/job_handing.hpp).
// Usage: racedemo_jobqueue channel|mutex|atomic WORKERS JOBS. Exits 1 if a job was lost or
// run twice (the sum of the jobs run is checked).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "job_handing.hpp"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: racedemo_jobqueue channel|mutex|atomic WORKERS JOBS\n", stderr);
        return 2;
    }
    const std::string_view variant = argv[1];
    const int workers = std::atoi(argv[2]);
    const int jobs = std::atoi(argv[3]);
    if (workers < 1 || jobs < 1) {
        std::fputs("racedemo_jobqueue: WORKERS and JOBS must be at least 1\n", stderr);
        return 2;
    }
    long sum = 0;
    if (variant == "channel") {
        sum = job_handing::through_channel(workers, jobs);
    } else if (variant == "mutex") {
        sum = job_handing::through_mutex(workers, jobs);
    } else if (variant == "atomic") {
        sum = job_handing::through_atomic(workers, jobs);
    } else {
        std::fprintf(stderr, "racedemo_jobqueue: '%s': not channel, mutex or atomic\n", argv[1]);
        return 2;
    }
    if (sum != job_handing::sum_of_jobs(jobs)) {
        std::fprintf(stderr, "racedemo_jobqueue: jobs add up to %ld, not %ld\n", sum,
                     job_handing::sum_of_jobs(jobs));
        return 1;
    }
    return 0;
}
