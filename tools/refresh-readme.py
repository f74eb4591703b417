#!/usr/bin/env python3
"""Re-runs every `$ racedemo ...` example in README.md and docs/*.md (not the generated
scenario pages) and pastes what the built binary prints now. Usage: tools/refresh-readme.py FILE..."""
import os, re, subprocess, sys

binary = os.environ.get("RACEDEMO", "build/racedemo")
env = dict(os.environ, NO_COLOR="1")
block = re.compile(r"```console\n\$ racedemo ([^\n]*)\n.*?```", re.S)

def run(match):
    args = match.group(1).split()
    out = subprocess.run([binary, *args], capture_output=True, text=True, env=env).stdout
    return f"```console\n$ racedemo {match.group(1)}\n{out}```"

for path in sys.argv[1:]:
    text = open(path).read()
    open(path, "w").write(block.sub(run, text))
    print(f"refreshed {path}")
