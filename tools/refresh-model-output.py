#!/usr/bin/python3
"""Keeps the model-mode output pasted in the docs true.

A console block in a Markdown file that starts with `$ racedemo ... --mode model ...` shows
deterministic output: this re-runs the command with the built binary and writes what it
prints under it (or, with --check, fails when a block differs). Real-thread runs vary from
run to run and are left alone; tools/make-docs.sh regenerates those pages.

Usage: tools/refresh-model-output.py [--check] --racedemo build/racedemo FILE.md...
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

BLOCK = re.compile(r"```console\n\$ (racedemo [^\n]*)\n(.*?)```", re.S)


def run(racedemo, command):
    argv = shlex.split(command)
    env = dict(os.environ, NO_COLOR="1")
    env.pop("COLUMNS", None)
    done = subprocess.run([racedemo] + argv[1:], capture_output=True, text=True, env=env,
                          timeout=300)
    return done.stdout + done.stderr


def refresh(text, racedemo):
    def replace(match):
        command = match.group(1)
        if "--mode model" not in command:
            return match.group(0)
        return f"```console\n$ {command}\n{run(racedemo, command)}```"
    return BLOCK.sub(replace, text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--racedemo", default="build/racedemo")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    stale = []
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        fresh = refresh(text, args.racedemo)
        if fresh == text:
            continue
        if args.check:
            stale.append(path)
        else:
            with open(path, "w", encoding="utf-8") as f:
                f.write(fresh)
            print(f"refreshed {path}")
    if stale:
        print("model output pasted in these files is not what racedemo prints now "
              "(tools/refresh-model-output.py refreshes it): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
