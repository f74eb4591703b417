// Three ways to hand out numbered jobs to worker threads, each worker "running" its jobs by
// adding them up: through an unbuffered channel fed by one more thread (as a Go program's main
// goroutine feeds its workers), through an index under a mutex, and through an atomic counter.
// Each returns the sum of the jobs run, which tells whether every job ran once. Timed by
// job-queue's --bench (s07_job_queue.cpp) and, a whole process at a time, against Go's
// channel by bench/channel_vs_go.py (bench/jobqueue.cpp).
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "racedemo/channel.hpp"

namespace job_handing {

template <class Take>
long run_workers(int workers, Take take) {
    std::atomic<long> sum{0};
    std::vector<std::thread> pool;
    for (int worker = 0; worker < workers; ++worker)
        pool.emplace_back([&] {
            long mine = 0;
            while (std::optional<int> job = take()) mine += *job;
            sum.fetch_add(mine);
        });
    for (std::thread& thread : pool) thread.join();
    return sum.load();
}

inline long through_channel(int workers, int jobs) {
    racedemo::Chan<int> queue("jobs");  // unbuffered, as Go's job queues usually are
    std::thread feeder([&] {
        for (int job = 0; job < jobs; ++job) queue.send(job);
        queue.close();
    });
    const long sum = run_workers(workers, [&] { return queue.recv(); });
    feeder.join();
    return sum;
}

inline long through_mutex(int workers, int jobs) {
    std::mutex mu;
    int next = 0;
    return run_workers(workers, [&]() -> std::optional<int> {
        std::lock_guard guard(mu);
        if (next >= jobs) return std::nullopt;
        return next++;
    });
}

inline long through_atomic(int workers, int jobs) {
    std::atomic<int> next{0};
    return run_workers(workers, [&]() -> std::optional<int> {
        const int job = next.fetch_add(1);
        if (job >= jobs) return std::nullopt;
        return job;
    });
}

// What the jobs 0 .. jobs-1 add up to when each ran once.
inline long sum_of_jobs(int jobs) {
    return static_cast<long>(jobs) * (jobs - 1) / 2;
}

}  // namespace job_handing
