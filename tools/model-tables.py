#!/usr/bin/python3
"""The model-checker tables of docs/performance.md, measured by running racedemo itself.

  tools/model-tables.py --racedemo build-bench/racedemo pct        # bug-finding: pct vs random
  tools/model-tables.py --racedemo build-bench/racedemo reduction  # none / dpor / reads-from
  tools/model-tables.py --racedemo build-bench/racedemo speed      # model steps per second

Each table is printed as Markdown with the exact command of every row, so that a reader can
run any row again. Nothing here is estimated: every figure is what racedemo's --json said.
"""
import argparse
import json
import shlex
import statistics
import subprocess
import sys

SCENARIOS = ["unsafe-map", "mutex-map", "trie-race", "stack", "rwmutex-cache", "counter", "read-only"]


CACHE = {}  # command line -> racedemo's JSON (or None), kept across runs with --cache
CACHE_FILE = None


def run_json(racedemo, args, timeout):
    """racedemo's JSON for `args`, or None when it did not finish within `timeout` seconds."""
    key = shlex.join(args)
    if key in CACHE:
        return CACHE[key]
    CACHE[key] = result = run_uncached(racedemo, args, timeout)
    if CACHE_FILE:  # saved row by row: a long table survives an interruption
        with open(CACHE_FILE, "w") as file:
            json.dump(CACHE, file)
    return result


def run_uncached(racedemo, args, timeout):
    command = [racedemo] + args + ["--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if done.returncode not in (0, 3):
        sys.exit(f"model-tables: {shlex.join(command)} exited {done.returncode}: {done.stderr}")
    return json.loads(done.stdout)


def shown(args):
    return "`racedemo " + shlex.join(args) + "`"


def pct_table(racedemo, seed, runs, threads):
    print(f"| scenario | strategy | corrupted of {runs} | first corrupting schedule (steps) "
          "| command |")
    print("|---|---|---:|---:|---|")
    for scenario in ["trie-race", "stack", "rwmutex-cache"]:
        rows = [("pct", ["--strategy", "pct", "--depth", str(d)]) for d in (1, 2, 3)]
        rows.append(("random", ["--strategy", "random"]))
        for name, extra in rows:
            args = [scenario, "--mode", "model", "--threads", str(threads), "--runs", str(runs),
                    "--seed", str(seed)] + extra
            result = run_json(racedemo, args, 600)
            label = name if name == "random" else f"pct, depth {extra[-1]}"
            first = result.get("schedule") or []
            first_text = str(len(first)) if result["corrupted_runs"] else "none"
            print(f"| {scenario} | {label} | {result['corrupted_runs']} | {first_text} "
                  f"| {shown(args)} |")


def reduction_cell(racedemo, args, timeout):
    result = run_json(racedemo, args, timeout)
    if result is None:
        return f"not finished in {timeout} s"
    complete = "" if result["complete"] else " (cut: budget)"
    seconds = result["elapsed_ms"] / 1000
    return (f"{result['schedules_explored']:,} / {result['steps']:,} / {seconds:.2f} s"
            f"{complete}")


def reduction_table(racedemo, threads_list, budget, timeout, reductions):
    print("Each cell: schedules / steps / seconds; \"cut\" marks a search stopped by the budget "
          f"of {budget:,} schedules (never a complete result).")
    print()
    print("| scenario | variant | threads | " + " | ".join(reductions) + " |")
    print("|---|---|---:|" + "---|" * len(reductions))
    for scenario in SCENARIOS:
        for variant in (["--fixed"] if scenario == "mutex-map" else ["", "--fixed"]):
            for threads in threads_list:
                cells = []
                for reduction in reductions:
                    args = [scenario, "--mode", "model", "--explore", "--threads", str(threads),
                            "--reduction", reduction, "--budget", str(budget)]
                    if variant:
                        args.append(variant)
                    cells.append(reduction_cell(racedemo, args, timeout))
                name = "fixed" if variant else "unsafe"
                print(f"| {scenario} | {name} | {threads} | " + " | ".join(cells) + " |")
    print()
    print("Command of a cell: `racedemo SCENARIO --mode model --explore --threads N "
          f"--reduction R --budget {budget} [--fixed] --json`.")


def listed_scenarios(racedemo):
    """Every scenario `racedemo list` shows, in its order."""
    listed = subprocess.run([racedemo, "list"], capture_output=True, text=True, check=True)
    return [line.split()[1] for line in listed.stdout.splitlines() if line.strip()]


def speed_table(racedemo, runs, threads, seed, rounds):
    """Steps per second of every scenario, measured in `rounds` rounds that each run every
    scenario once, so that a slow spell of a shared machine slows all of them alike; the
    ratio to the fastest scenario is taken within each round."""
    scenarios = listed_scenarios(racedemo)
    commands = {scenario: [scenario, "--mode", "model", "--strategy", "random", "--runs",
                           str(runs), "--threads", str(threads), "--seed", str(seed)]
                for scenario in scenarios}
    rates = {scenario: [] for scenario in scenarios}
    ratios = {scenario: [] for scenario in scenarios}
    steps = {}
    for _ in range(rounds):
        this_round = {}
        for scenario, args in commands.items():
            result = run_uncached(racedemo, args, 600)
            steps[scenario] = result["steps"]
            this_round[scenario] = result["steps"] / (result["elapsed_ms"] / 1000)
            rates[scenario].append(this_round[scenario])
        fastest = max(this_round.values())
        for scenario, rate in this_round.items():
            ratios[scenario].append(fastest / rate)
    print(f"| scenario | steps per run of {runs:,} schedules | median steps per second "
          f"| lowest – highest | times slower than the fastest (median) | command |")
    print("|---|---:|---:|---:|---:|---|")
    for scenario, args in commands.items():
        print(f"| {scenario} | {steps[scenario]:,} | {statistics.median(rates[scenario]) / 1e6:.1f} M "
              f"| {min(rates[scenario]) / 1e6:.1f} – {max(rates[scenario]) / 1e6:.1f} M "
              f"| {statistics.median(ratios[scenario]):.2f} | {shown(args)} |")
    slowest = min(statistics.median(r) for r in rates.values())
    spread = max(statistics.median(r) for r in ratios.values())
    print(f"\n{rounds} rounds. Slowest median: {slowest / 1e6:.1f} M steps per second "
          f"({'at least' if slowest >= 10e6 else 'below'} 10 M); the slowest scenario is "
          f"{spread:.2f} times slower than the fastest ({'within' if spread <= 3 else 'beyond'} 3).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--racedemo", required=True)
    parser.add_argument("table", choices=["pct", "reduction", "speed"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=None)
    parser.add_argument("--threads", type=int, nargs="+", default=None)
    parser.add_argument("--budget", type=int, default=2_000_000)
    parser.add_argument("--rounds", type=int, default=9, help="speed: rounds of every scenario")
    parser.add_argument("--timeout", type=int, default=300)
    parser.add_argument("--reductions", nargs="+", default=["none", "dpor", "reads-from"])
    parser.add_argument("--cache", help="a JSON file of earlier results: rows in it are not run "
                        "again (for a table measured in parts), new rows are added to it")
    options = parser.parse_args()
    global CACHE_FILE
    CACHE_FILE = options.cache
    if options.cache:
        try:
            with open(options.cache) as file:
                CACHE.update(json.load(file))
        except FileNotFoundError:
            pass
    if options.table == "pct":
        pct_table(options.racedemo, options.seed, options.runs or 1000,
                  (options.threads or [8])[0])
    elif options.table == "reduction":
        reduction_table(options.racedemo, options.threads or [2, 3, 4], options.budget,
                        options.timeout, options.reductions)
    else:
        speed_table(options.racedemo, options.runs or 20000, (options.threads or [3])[0],
                    options.seed, options.rounds)
    if options.cache:
        with open(options.cache, "w") as file:
            json.dump(CACHE, file)


if __name__ == "__main__":
    main()
