#!/usr/bin/python3
"""How often a default real run shows each built-in unsafe variant's bug, with and without noise.

For every scenario with an unsafe variant, at 2, 3 and 4 threads, runs `racedemo NAME --threads N
--runs 20 --json` with --noise on and --noise off, and counts the runs that went wrong in any way
(corrupted, crashed, hung, deadlocked, failed or misused). `--load N` keeps N busy-looping
processes running meanwhile, as a machine under load. Prints a Markdown table.

    /usr/bin/python3 tools/bug-rates.py build/racedemo --load 2
"""
import argparse
import json
import os
import subprocess
import sys

BAD = ("corrupted_runs", "crashed_runs", "deadlocked_runs", "hung_runs", "failed_runs",
       "misused_runs")


def unsafe_scenarios(racedemo):
    names = []
    listing = subprocess.run([racedemo, "list"], capture_output=True, text=True, check=True)
    for line in listing.stdout.splitlines():
        fields = line.split()
        if len(fields) < 2 or not fields[0].isdigit():
            continue
        help_page = subprocess.run([racedemo, fields[1], "--help"], capture_output=True,
                                   text=True, check=True).stdout
        if "--fixed --explore" in help_page:  # only a scenario with an unsafe variant offers it
            names.append(fields[1])
    return names


def bad_runs(racedemo, name, threads, noise, runs):
    result = subprocess.run([racedemo, name, "--threads", str(threads), "--runs", str(runs),
                             "--noise", noise, "--json"], capture_output=True, text=True)
    report = json.loads(result.stdout)
    return sum(report.get(key) or 0 for key in BAD), report["runs"]


def hogs(count):
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("racedemo")
    parser.add_argument("--load", type=int, default=0, help="busy processes to run meanwhile")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    load = hogs(args.load)
    try:
        print(f"| scenario | 2 threads, noise on / off | 3 threads | 4 threads |")
        print("|---|---|---|---|")
        for name in unsafe_scenarios(args.racedemo):
            cells = []
            for threads in (2, 3, 4):
                on = bad_runs(args.racedemo, name, threads, "on", args.runs)
                off = bad_runs(args.racedemo, name, threads, "off", args.runs)
                cells.append(f"{on[0]}/{on[1]} / {off[0]}/{off[1]}")
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    finally:
        for hog in load:
            hog.kill()
    print(f"\n{os.cpu_count()} cores, {args.load} busy processes beside, {args.runs} runs each")


if __name__ == "__main__":
    main()
