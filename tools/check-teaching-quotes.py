#!/usr/bin/python3
"""docs/teaching.md's excerpts of output, checked against the binary (a ctest test).

Usage: check-teaching-quotes.py FILE [RACEDEMO]
For every ```console block whose $ line is `NO_COLOR=1 racedemo ...` in the given file:
run the command, check each quoted line (except `...`) is a line of the output (lenient), and
that the runs of lines between `...` lines are contiguous in the output, in order, anchored at
the start/end when the block does not begin/end with `...` (strict)."""
import os, re, shlex, subprocess, sys
BLOCK = re.compile(r"```console\n\$ (NO_COLOR=1 racedemo [^\n]*)\n(.*?)```", re.S)
binary = sys.argv[2] if len(sys.argv) > 2 else "/work/main/build/racedemo"
text = open(sys.argv[1], encoding="utf-8").read()
env = dict(os.environ, NO_COLOR="1"); env.pop("COLUMNS", None)
cache = {}
nblocks = nlines = bad = 0
for m in BLOCK.finditer(text):
    cmd, body = m.group(1), m.group(2)
    nblocks += 1
    argv = shlex.split(cmd)[2:]
    if cmd not in cache:
        p = subprocess.run([binary] + argv, capture_output=True, text=True, env=env, timeout=600)
        cache[cmd] = (p.stdout + p.stderr).split("\n")
        if cache[cmd] and cache[cmd][-1] == "": cache[cmd].pop()
    out = cache[cmd]
    quoted = body.split("\n")
    if quoted and quoted[-1] == "": quoted.pop()
    outset = set(out)
    for q in quoted:
        if q == "...": continue
        nlines += 1
        if q not in outset:
            bad += 1; print(f"MISSING in `{cmd}`: {q!r}")
    # strict
    chunks, cur = [], []
    for q in quoted:
        if q == "...":
            chunks.append(cur); cur = []
        else: cur.append(q)
    chunks.append(cur)
    pos = 0
    for i, ch in enumerate(chunks):
        if not ch: continue
        anchored_start = (i == 0)
        anchored_end = (i == len(chunks) - 1)
        found = None
        starts = [0] if anchored_start else range(pos, len(out) - len(ch) + 1)
        for s in starts:
            if out[s:s + len(ch)] == ch and (not anchored_end or s + len(ch) == len(out)):
                found = s; break
        if found is None:
            bad += 1; print(f"STRICT fail in `{cmd}`, chunk {i}: {ch[:2]}...")
        else: pos = found + len(ch)
print(f"{nblocks} blocks, {len(cache)} distinct commands, {nlines} quoted lines, {bad} problems")
sys.exit(1 if bad else 0)
