#!/usr/bin/env python3
"""Re-runs every `$ racedemo ...` example in README.md and docs/*.md (not the generated
scenario pages) and pastes what the built binary prints now. An example may feed racedemo its
input: `$ printf 'yes\\n4\\n' | racedemo counter --quiz`; otherwise its input is empty.
Usage: tools/refresh-readme.py FILE..."""
import os, re, subprocess, sys

binary = os.environ.get("RACEDEMO", "build/racedemo")
env = dict(os.environ, NO_COLOR="1")
block = re.compile(r"```console\n\$ ((?:printf '([^'\n]*)' \| )?racedemo ([^\n]*))\n.*?```", re.S)

def run(match):
    command, typed, args = match.group(1), match.group(2), match.group(3)
    given = typed.replace("\\n", "\n") if typed else ""
    out = subprocess.run([binary, *args.split()], capture_output=True, text=True, env=env,
                         input=given).stdout
    return f"```console\n$ {command}\n{out}```"

for path in sys.argv[1:]:
    text = open(path).read()
    open(path, "w").write(block.sub(run, text))
    print(f"refreshed {path}")
