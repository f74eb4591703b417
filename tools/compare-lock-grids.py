#!/usr/bin/env python3
"""Runs the lock grid twice over, both ways, and compares them.

racedemo's own table (`racedemo rwmutex-cache --bench --json`) and the Google Benchmark grid
(`racedemo_bench --benchmark_filter=BM_Cache`) measure the same thing with independent threads
and timing: nanoseconds per Get/Set on the cache, all threads together. The runs alternate
(racedemo, GB, racedemo, GB, ...) so that a slow stretch of the machine hits both tools.

For every cell it prints the median of each tool's runs, the ratio between the tools, and each
tool's own spread between its runs (the machine's noise as that tool sees it). A cell agrees
within the noise when the two tools' ranges overlap, or when they are no further apart than the
larger of the two spreads. It also compares what the lesson is about: which lock wins, and by
how much.

With --svg FILE it draws the grid as a picture: for each thread count, how many times faster the
reader/writer lock is than the mutex (bars: racedemo; dots: Google Benchmark).

Usage (from the repository root, after `make bench`):
  tools/compare-lock-grids.py [--runs 2] [--svg docs/lock-grid.svg] [--markdown]
  tools/compare-lock-grids.py --load saved.json     (compares runs saved with --save)
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys

VARIANTS = ("mutex", "shared_mutex")
GB_LOCK = {"StdMutex": "mutex", "std::shared_mutex": "shared_mutex"}


def run_racedemo(binary):
    out = subprocess.run([binary, "rwmutex-cache", "--bench", "--json"], check=True,
                         capture_output=True, text=True).stdout
    cells = {}
    for row in json.loads(out)["bench"]:
        key = (row["threads"], row["read_pct"], row["work_ns"])
        cells[key] = {variant: row[variant + "_ns"] for variant in VARIANTS}
    return cells


def run_google_benchmark(binary, min_time):
    out = subprocess.run([binary, "--benchmark_filter=BM_Cache",
                          f"--benchmark_min_time={min_time}", "--benchmark_repetitions=5",
                          "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                         check=True, capture_output=True, text=True).stdout
    cells = {}
    for bench in json.loads(out)["benchmarks"]:
        if bench.get("aggregate_name") != "median":
            continue
        # BM_Cache<PlainMutex>/read_pct:50/work_ns:0/real_time/threads:2
        parts = bench["run_name"].split("/")
        lock = GB_LOCK[parts[0][len("BM_Cache<"):-1]]
        fields = dict(part.split(":") for part in parts[1:] if ":" in part)
        key = (int(fields["threads"]), int(fields["read_pct"]), int(fields["work_ns"]))
        # items_per_second counts the operations of all threads: the same unit as racedemo's.
        cells.setdefault(key, {})[lock] = 1e9 / bench["items_per_second"]
    return cells


def spread(values):
    return max(values) / min(values)


def compare(racedemo_runs, gb_runs):
    rows = []
    for key in sorted(set(racedemo_runs[0]) & set(gb_runs[0])):
        row = {"key": key}
        for variant in VARIANTS:
            ours = [run[key][variant] for run in racedemo_runs]
            theirs = [run[key][variant] for run in gb_runs]
            ratio = statistics.median(ours) / statistics.median(theirs)
            noise = max(spread(ours), spread(theirs))
            overlap = min(ours) <= max(theirs) and min(theirs) <= max(ours)
            row[variant] = {
                "racedemo": statistics.median(ours), "gb": statistics.median(theirs),
                "ratio": ratio, "noise": noise,
                "agrees": overlap or max(ratio, 1 / ratio) <= noise,
            }
        # The lesson's number: how many times faster shared_mutex is than mutex (<1: slower).
        row["speedup_racedemo"] = row["mutex"]["racedemo"] / row["shared_mutex"]["racedemo"]
        row["speedup_gb"] = row["mutex"]["gb"] / row["shared_mutex"]["gb"]
        rows.append(row)
    return rows


def winner(speedup, tie=1.10):
    if speedup > tie:
        return "shared_mutex"
    if speedup < 1 / tie:
        return "mutex"
    return "tie"


def print_table(rows, markdown):
    header = ["threads", "read%", "work ns", "mutex rd", "mutex GB", "ratio", "noise",
              "shared rd", "shared GB", "ratio", "noise", "RW speed-up rd", "GB", "winner rd",
              "GB"]
    lines = []
    for row in rows:
        threads, read_pct, work_ns = row["key"]
        cells = [str(threads), str(read_pct), str(work_ns)]
        for variant in VARIANTS:
            v = row[variant]
            mark = "" if v["agrees"] else " *"
            cells += [f"{v['racedemo']:.1f}", f"{v['gb']:.1f}", f"{v['ratio']:.2f}{mark}",
                      f"{v['noise']:.2f}"]
        cells += [f"{row['speedup_racedemo']:.2f}x", f"{row['speedup_gb']:.2f}x",
                  winner(row["speedup_racedemo"]), winner(row["speedup_gb"])]
        lines.append(cells)
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for cells in lines:
            print("| " + " | ".join(cells) + " |")
    else:
        widths = [max(len(h), *(len(c[i]) for c in lines)) for i, h in enumerate(header)]
        print("  ".join(h.rjust(w) for h, w in zip(header, widths)))
        for cells in lines:
            print("  ".join(c.rjust(w) for c, w in zip(cells, widths)))


def distance_summary(label, pairs):
    """How far apart paired measurements are: max(a/b, b/a) per pair."""
    apart = [max(a / b, b / a) for a, b in pairs]
    within = lambda limit: sum(x <= limit for x in apart)
    print(f"  {label:<34} median {100 * (statistics.median(apart) - 1):4.1f}% apart; "
          f"within 10%: {within(1.10):3d} of {len(apart)}, within 20%: {within(1.20):3d}; "
          f"worst {max(apart):.2f}x")


def summarise(rows, racedemo_runs, gb_runs):
    keys = [row["key"] for row in rows]
    print("How far apart the same cell is measured (mutex and shared_mutex cells together):")
    def pairs(runs_a, runs_b, same):
        for i, run_a in enumerate(runs_a):
            for j, run_b in enumerate(runs_b):
                if same and j <= i:
                    continue
                for key in keys:
                    for variant in VARIANTS:
                        yield run_a[key][variant], run_b[key][variant]
    if len(racedemo_runs) > 1:
        distance_summary("racedemo against itself (run to run)",
                         list(pairs(racedemo_runs, racedemo_runs, True)))
        distance_summary("GB against itself (run to run)", list(pairs(gb_runs, gb_runs, True)))
    distance_summary("racedemo against GB", list(pairs(racedemo_runs, gb_runs, False)))
    cells = [row[variant] for row in rows for variant in VARIANTS]
    agree = sum(cell["agrees"] for cell in cells)
    ratios = [cell["ratio"] for cell in cells]
    same_winner = sum(winner(r["speedup_racedemo"]) == winner(r["speedup_gb"]) for r in rows)
    opposite = sum({winner(r["speedup_racedemo"]), winner(r["speedup_gb"])} ==
                   {"mutex", "shared_mutex"} for r in rows)
    print(f"Medians, racedemo / GB, per cell: median {statistics.median(ratios):.2f}, "
          f"from {min(ratios):.2f} to {max(ratios):.2f}; {len(cells) - agree} of {len(cells)} "
          "cells marked * (the tools' ranges do not overlap and differ by more than either "
          "tool's own spread)")
    print(f"Winner (a tie is within 10%): the same in {same_winner} of {len(rows)} rows; "
          f"opposite in {opposite}")


def svg(rows, path, cpus):
    """Bars: log2 of racedemo's speed-up of shared_mutex over mutex; dots: Google Benchmark's."""
    threads_list = sorted({row["key"][0] for row in rows})
    reads = sorted({row["key"][1] for row in rows})
    works = sorted({row["key"][2] for row in rows})
    colours = ["#4c78a8", "#f58518", "#54a24b", "#b279a2"]
    panel_w, panel_h, top, left = 300, 300, 70, 60
    width = left + panel_w * len(threads_list) + 20
    height = top + panel_h + 110
    lim = 4.0  # log2 range shown: 1/16x .. 16x
    def y(speedup):
        value = max(-lim, min(lim, math.log2(speedup)))
        return top + panel_h / 2 - value / lim * panel_h / 2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="15">'
           'rwmutex-cache: how many times faster shared_mutex is than mutex</text>',
           f'<text x="{width / 2}" y="38" text-anchor="middle" fill="#555">'
           'above the line the reader/writer lock wins, below it the mutex wins; '
           'bars: racedemo --bench, dots: Google Benchmark</text>',
           f'<text x="{width / 2}" y="{height - 48}" text-anchor="middle" fill="#555">'
           f'measured on {cpus} CPUs; each mark is the median of its tool\'s runs '
           '(tools/compare-lock-grids.py)</text>']
    for tick in (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4, 8, 16):
        label = f"{tick:g}x" if tick >= 1 else f"1/{round(1 / tick)}x"
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4}" text-anchor="end">{label}</text>')
    for index, threads in enumerate(threads_list):
        x0 = left + index * panel_w
        out.append(f'<rect x="{x0 + 4}" y="{top}" width="{panel_w - 8}" height="{panel_h}" '
                   'fill="#f7f7f7" stroke="#ccc"/>')
        for tick in (1 / 16, 1 / 8, 1 / 4, 1 / 2, 2, 4, 8, 16):
            out.append(f'<line x1="{x0 + 4}" x2="{x0 + panel_w - 4}" y1="{y(tick)}" '
                       f'y2="{y(tick)}" stroke="#e2e2e2"/>')
        out.append(f'<line x1="{x0 + 4}" x2="{x0 + panel_w - 4}" y1="{y(1)}" y2="{y(1)}" '
                   'stroke="#333"/>')
        out.append(f'<text x="{x0 + panel_w / 2}" y="{top - 8}" text-anchor="middle" '
                   f'font-weight="bold">{threads} thread{"s" if threads > 1 else ""}</text>')
        group_w = (panel_w - 16) / len(reads)
        bar_w = group_w / (len(works) + 1)
        for r, read_pct in enumerate(reads):
            gx = x0 + 8 + r * group_w
            out.append(f'<text x="{gx + group_w / 2}" y="{top + panel_h + 16}" '
                       f'text-anchor="middle">{read_pct}% reads</text>')
            for w, work_ns in enumerate(works):
                row = next(rw for rw in rows if rw["key"] == (threads, read_pct, work_ns))
                bx = gx + bar_w / 2 + w * bar_w
                ours, theirs = y(row["speedup_racedemo"]), y(row["speedup_gb"])
                out.append(f'<rect x="{bx:.1f}" y="{min(ours, y(1)):.1f}" '
                           f'width="{bar_w - 2:.1f}" height="{abs(ours - y(1)):.1f}" '
                           f'fill="{colours[w]}"><title>{threads} threads, {read_pct}% reads, '
                           f'{work_ns} ns: racedemo {row["speedup_racedemo"]:.2f}x, '
                           f'GB {row["speedup_gb"]:.2f}x</title></rect>')
                out.append(f'<circle cx="{bx + (bar_w - 2) / 2:.1f}" cy="{theirs:.1f}" r="3.5" '
                           'fill="black" stroke="white"/>')
    lx = left
    for w, work_ns in enumerate(works):
        out.append(f'<rect x="{lx}" y="{height - 30}" width="12" height="12" '
                   f'fill="{colours[w]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 20}">{work_ns} ns in the critical section'
                   '</text>')
        lx += 210
    out.append(f'<circle cx="{lx + 6}" cy="{height - 24}" r="3.5" fill="black"/>')
    out.append(f'<text x="{lx + 16}" y="{height - 20}">Google Benchmark</text>')
    out.append("</svg>")
    with open(path, "w") as file:
        file.write("\n".join(out) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--racedemo", default="build-bench/racedemo")
    parser.add_argument("--bench", default="build-bench/bench/racedemo_bench")
    parser.add_argument("--runs", type=int, default=2, help="runs of each tool (alternated)")
    parser.add_argument("--gb-min-time", default="0.2", help="seconds per GB repetition")
    parser.add_argument("--svg", help="write the picture here")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--save", help="save the raw runs (JSON) here")
    parser.add_argument("--load", help="compare saved runs instead of measuring")
    args = parser.parse_args()
    if args.runs < 1:
        sys.exit(f"compare-lock-grids: --runs must be at least 1, got {args.runs}")

    if args.load:
        with open(args.load) as file:
            saved = json.load(file)
        cpus = saved.get("cpus", "?")
        racedemo_runs = [{tuple(json.loads(k)): v for k, v in run.items()}
                         for run in saved["racedemo"]]
        gb_runs = [{tuple(json.loads(k)): v for k, v in run.items()} for run in saved["gb"]]
    else:
        for binary in (args.racedemo, args.bench):
            if not os.access(binary, os.X_OK):
                sys.exit(f"compare-lock-grids: {binary} not found; run `make bench` first")
        cpus = os.cpu_count()
        racedemo_runs, gb_runs = [], []
        for run in range(args.runs):
            print(f"run {run + 1} of {args.runs}: racedemo --bench ...", file=sys.stderr)
            racedemo_runs.append(run_racedemo(args.racedemo))
            print(f"run {run + 1} of {args.runs}: Google Benchmark ...", file=sys.stderr)
            gb_runs.append(run_google_benchmark(args.bench, args.gb_min_time))
        if args.save:
            with open(args.save, "w") as file:
                json.dump({"cpus": cpus, "racedemo": [{json.dumps(k): v for k, v in run.items()}
                                        for run in racedemo_runs],
                           "gb": [{json.dumps(k): v for k, v in run.items()}
                                  for run in gb_runs]}, file)

    rows = compare(racedemo_runs, gb_runs)
    print_table(rows, args.markdown)
    print()
    summarise(rows, racedemo_runs, gb_runs)
    if args.svg:
        svg(rows, args.svg, cpus)
        print(f"wrote {args.svg}")


if __name__ == "__main__":
    main()
