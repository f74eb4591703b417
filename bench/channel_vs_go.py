#!/usr/bin/env python3
"""racedemo's unbuffered Chan<int> against Go's unbuffered channel on the same work.

Each run is one whole process that hands out JOBS jobs to W workers and exits (Go:
bench/go/jobqueue.go; C++: bench/jobqueue.cpp, with a mutex-protected index and an atomic
counter as more columns). The wall time of the whole process, start-up included, is divided
by the number of jobs. Every round runs each program once for each worker count, one after
the other, so a slow spell of the machine slows all of them alike; the table gives medians
and the ratio of racedemo's channel to Go's, taken within each round.

Usage: bench/channel_vs_go.py --jobqueue build-bench/bench/racedemo_jobqueue --go GO_BINARY
       [--jobs 1000000] [--workers 1,2,4] [--rounds 7]
(make bench-channel builds both and runs this.)
"""
import argparse
import statistics
import subprocess
import sys
import time


def ns_per_job(command, jobs):
    started = time.perf_counter_ns()
    finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter_ns() - started
    if finished.returncode != 0:
        sys.exit(f"channel_vs_go: {' '.join(command)} failed: {finished.stderr.strip()}")
    return elapsed / jobs


def measure(args, workers_list):
    programs = {
        "Go channel": lambda w: [args.go, str(w), str(args.jobs)],
        "racedemo Chan": lambda w: [args.jobqueue, "channel", str(w), str(args.jobs)],
        "mutex index": lambda w: [args.jobqueue, "mutex", str(w), str(args.jobs)],
        "atomic counter": lambda w: [args.jobqueue, "atomic", str(w), str(args.jobs)],
    }
    samples = {(name, w): [] for name in programs for w in workers_list}
    ratios = {w: [] for w in workers_list}
    for _ in range(args.rounds):
        for w in workers_list:
            for name, command in programs.items():
                samples[(name, w)].append(ns_per_job(command(w), args.jobs))
            ratios[w].append(samples[("racedemo Chan", w)][-1] / samples[("Go channel", w)][-1])
    return programs, samples, ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobqueue", required=True, help="bench/racedemo_jobqueue, built")
    parser.add_argument("--go", required=True, help="bench/go/jobqueue.go, built")
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    workers_list = [int(w) for w in args.workers.split(",")]
    programs, samples, ratios = measure(args, workers_list)
    print(f"ns per job, whole process, {args.jobs:,} jobs; median of {args.rounds} rounds "
          "(lowest - highest); ratio: racedemo Chan / Go channel, median of the rounds' ratios")
    print("| workers | " + " | ".join(programs) + " | racedemo Chan / Go |")
    print("|---:|" + "---:|" * (len(programs) + 1))
    for w in workers_list:
        cells = []
        for name in programs:
            values = samples[(name, w)]
            cells.append(f"{statistics.median(values):.0f} ({min(values):.0f} - {max(values):.0f})")
        print(f"| {w} | " + " | ".join(cells) + f" | {statistics.median(ratios[w]):.2f} |")


if __name__ == "__main__":
    main()
