#!/usr/bin/env bash
# ThreadSanitizer checks, run by `make tsan` on the plain build's TSan twin (racedemo-tsan: the
# engine and the demos compiled with -fsanitize=thread, once). The tests that start threads in the
# test process run under ThreadSanitizer in `make test` (ctest label tsan, tests/sanitizers).
#
#   1. (in make test: the thread tests, racedemo_tsan_tests, a ctest entry per file)
#   2. every FIXED variant: no ThreadSanitizer report, on real threads
#      (racedemo <name> --fixed --runs 2 --threads 4) and under the model scheduler
#      (racedemo <name> --fixed --explore), and the verdict is CLEAN;
#   3. every UNSAFE variant (a scenario whose run without --fixed reports "variant": "unsafe"):
#      ThreadSanitizer reports a data race on real threads (--runs 2 --threads 4), in every one of
#      TSAN_CHECK_REPEAT (default 3) runs of racedemo.
#      TSan's happens-before analysis reports it whether or not the round was corrupted: the
#      threads of one round touch the same cells with nothing ordering them. lock-order shares
#      no unlocked data: TSan reports its lock-order inversion, or, in a run whose trials
#      deadlocked before any thread took its second lock, racedemo's watchdog reports the
#      deadlock (verdict "deadlocked");
#   4. a race planted in a correct program (racedemo_planted_race) is reported, and the same
#      program without the planted flag is clean: the check can see a race when there is one.
#
# Usage: tests/sanitizers/tsan_check.sh [BUILD_DIR]     (default: build)
# Prints PASS or FAIL per check and a last line with the totals; exits 1 when any check failed.
set -uo pipefail  # not -e: every check runs and reports

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if ! build=$(cd "${1:-$root/build}" 2>/dev/null && pwd); then
    echo "FAIL  no build directory ${1:-$root/build}: make build makes one"
    echo "tsan_check: FAIL"
    exit 1
fi
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
repeat=${TSAN_CHECK_REPEAT:-3}
racedemo=$build/racedemo-tsan
planted=$build/tests/sanitizers/racedemo_planted_race

# halt_on_error=0: a process goes on after a report, so an unsafe trial still runs to its outcome.
# handle_segv=0, handle_sigbus=0: a crashing unsafe trial dies of its signal, which racedemo
#   counts as "crashed", instead of TSan turning the crash into a report and an exit code.
# exitcode=66 (TSan's default, made explicit): a process that reported exits 66 at its normal
#   exit. racedemo's trial children leave with _exit(0) and keep their status: racedemo's
#   verdict is not changed by a report; what they report is read from the log files instead.
# log_path (set per run below): one report file per process, <log_path>.<pid>, so the reports of
#   trial children, whose stderr racedemo captures and swallows, are not lost.
tsan_common="halt_on_error=0 handle_segv=0 handle_sigbus=0 exitcode=66"

work=$(mktemp -d "${TMPDIR:-/tmp}/racedemo-tsan.XXXXXX")
trap 'rm -rf "$work"' EXIT

checks=0
failures=0
pass() {
    checks=$((checks + 1))
    echo "PASS  $*"
}
fail() {
    checks=$((checks + 1))
    failures=$((failures + 1))
    echo "FAIL  $*"
}

# run_tsan LABEL COMMAND...: runs COMMAND with its reports going to $work/LABEL/tsan.<pid>;
# leaves its output in $work/LABEL/{stdout,stderr} and its exit status in $status.
run_tsan() {
    local dir=$work/$1
    shift
    mkdir -p "$dir"
    TSAN_OPTIONS="log_path=$dir/tsan $tsan_common" "$@" >"$dir/stdout" 2>"$dir/stderr"
    status=$?
}
# Report files (one per process) of run LABEL that contain a ThreadSanitizer warning of any kind,
# or, with a second argument, of those kinds (an extended regex: "data race|lock-order-inversion").
report_files() {
    local pattern="WARNING: ThreadSanitizer: (${2:-})"
    grep -E -l -- "$pattern" "$work/$1"/tsan.* 2>/dev/null | wc -l
}
# Where the races of run LABEL are: for each data race report, the first frame of the first
# stack in the scenario's own code (demos/, tests/), else in a racedemo function other than the
# Shared<T> cell itself; the two most frequent, with counts ("demos/s04_stack.cpp:42 Push (3x)").
race_sites() {
    cat "$work/$1"/tsan.* 2>/dev/null | awk -v root="$root/" '
        /^WARNING: ThreadSanitizer: data race/ { looking = 1; fallback = ""; next }
        looking && /^ *#[0-9]+ / {
            where = $(NF - 1)
            name = $2
            for (i = 3; i <= NF - 2; i++) name = name " " $i
            if (index(where, root "demos/") == 1 || index(where, root "tests/") == 1) {
                print substr(where, length(root) + 1) " " name
                looking = 0
            } else if (fallback == "" && name ~ /racedemo::/ && name !~ /racedemo::Shared/) {
                fallback = name
            }
            next
        }
        looking && /^[[:space:]]*$/ && fallback != "" { print fallback; looking = 0 }
    ' | cut -c1-90 | sort | uniq -c | sort -rn | head -2 |
        awk '{count = $1; $1 = ""; printf "%s%s (%sx)", (NR > 1 ? "; " : ""), substr($0, 2), count}'
}
# The first report of run LABEL, for a failure.
show_report() {
    local file
    file=$(grep -l "WARNING: ThreadSanitizer" "$work/$1"/tsan.* 2>/dev/null | head -1)
    [ -n "$file" ] && sed -n '1,30p' "$file" | sed 's/^/      /'
    sed -n '1,10p' "$work/$1/stderr" | sed 's/^/      stderr: /'
}

for binary in "$racedemo" "$planted"; do
    if [ ! -x "$binary" ]; then
        echo "FAIL  $binary is missing: the plain build makes it (make build)"
        echo "tsan_check: FAIL"
        exit 1
    fi
done
# Read each tool's whole output before matching: with pipefail, `nm | grep -q`
# fails whenever grep stops early and nm dies of SIGPIPE (this broke CI once).
dynamic_symbols=$(nm -D "$racedemo" 2>/dev/null)
linked_libraries=$(ldd "$racedemo" 2>/dev/null)
if [[ $dynamic_symbols != *__tsan_init* && $linked_libraries != *libtsan* ]]; then
    echo "FAIL  $racedemo is not built with ThreadSanitizer"
    echo "tsan_check: FAIL"
    exit 1
fi

# The test files of tests/sanitizers/CMakeLists.txt run under ThreadSanitizer in make test. The
# model-mode tests are not among them: the model runs its virtual threads as fibers on one OS
# thread, which cannot race with itself, and TSan's memory grows faster than linearly with the
# executions explored (trie-race --threads 3 --explore --reduction none: 2000 schedules take
# 0.9 GB, 5000 take 5 GB, against 4 MB without TSan). The ASan build runs them all; the small
# explorations of racedemo --explore below are checked here.
echo "== scenarios"
mapfile -t names < <("$racedemo" list | awk '$1 ~ /^[0-9]+$/ && NF >= 2 { print $2 }')
if [ "${#names[@]}" -eq 0 ]; then
    fail "racedemo list named no scenario"
fi
# The checks of one scenario (they print PASS and FAIL lines; the totals are counted from them):
# its fixed program on real threads and in the model.
check_fixed() {
    local name=$1
    # Fixed, real threads.
    label="$name-fixed-real"
    run_tsan "$label" "$racedemo" "$name" --fixed --runs 2 --threads 4 --expect clean --color never
    reports=$(report_files "$label")
    if [ "$status" -eq 0 ] && [ "$reports" -eq 0 ]; then
        pass "$name --fixed, real threads (--runs 2 --threads 4): CLEAN, no ThreadSanitizer report"
    else
        fail "$name --fixed, real threads: exit $status, $reports process(es) with a report"
        show_report "$label"
    fi

    # Fixed, model scheduler.
    label="$name-fixed-model"
    run_tsan "$label" "$racedemo" "$name" --fixed --explore --expect clean --color never
    reports=$(report_files "$label")
    if [ "$status" -eq 0 ] && [ "$reports" -eq 0 ]; then
        pass "$name --fixed --explore, model scheduler: CLEAN, no ThreadSanitizer report"
    else
        fail "$name --fixed --explore: exit $status, $reports process(es) with a report"
        show_report "$label"
    fi
}

# The unsafe checks of one scenario.
check_unsafe() {
    local name=$1
    # Without --fixed: unsafe, unless the scenario only has a safe program (mutex-map).
    reported=0
    trials=0
    total_races=0
    deadlocked_runs=0
    variant=""
    sites=""
    for ((round = 1; round <= repeat; ++round)); do
        label="$name-unsafe-real-$round"
        run_tsan "$label" "$racedemo" "$name" --runs 2 --threads 4 --json
        variant=$(grep -o '"variant": *"[a-z]*"' "$work/$label/stdout" | head -1 |
            sed 's/.*"\([a-z]*\)"$/\1/')
        if [ "$status" -ne 0 ] || [ -z "$variant" ]; then
            break
        fi
        [ "$variant" = unsafe ] || break
        # A data race; for lock-order, whose threads share no unlocked data, the inversion of
        # two locks' order that TSan calls a potential deadlock. TSan adds an edge to its lock
        # graph only once a lock is taken, so a trial that deadlocks in its first round leaves it
        # nothing to report: racedemo's watchdog reports that one (verdict "deadlocked").
        races=$(report_files "$label" "data race|lock-order-inversion")
        deadlocked=$(grep -o '"deadlocked_runs": *[0-9]*' "$work/$label/stdout" | head -1 |
            grep -o '[0-9]*$')
        deadlocked=${deadlocked:-0}
        trials=$((trials + 2))
        if [ "$races" -gt 0 ] || [ "$deadlocked" -gt 0 ]; then reported=$((reported + 1)); fi
        deadlocked_runs=$((deadlocked_runs + deadlocked))
        total_races=$((total_races + races))  # report files: one per trial child that reported
        sites=$(race_sites "$label")
    done
    if [ "$status" -ne 0 ] || [ -z "$variant" ]; then
        fail "$name (no --fixed), real threads: exit $status, no \"variant\" in its --json"
        show_report "$label"
    elif [ "$variant" = fixed ]; then
        # A safe-only scenario runs its fixed program: it must be as clean as the other fixed ones.
        reports=$(report_files "$label")
        if [ "$reports" -eq 0 ]; then
            pass "$name (no --fixed) runs its fixed program (\"variant\": \"fixed\"): no ThreadSanitizer report"
        else
            fail "$name (no --fixed) runs its fixed program, yet $reports process(es) reported"
            show_report "$label"
        fi
    elif [ "$reported" -eq "$repeat" ]; then
        pass "$name unsafe, real threads: reported in $reported of $repeat runs (TSan: a data race" \
            "or lock-order inversion in $total_races of $trials trial processes; racedemo's" \
            "watchdog: $deadlocked_runs deadlocked); at ${sites:-no data race site}"
    else
        fail "$name unsafe, real threads: reported in only $reported of $repeat runs (TSan:" \
            "$total_races of $trials trial processes; deadlocked: $deadlocked_runs)"
        show_report "$label"
    fi
}

# The fixed programs a few scenarios at a time: most of a check waits (for trials, for the
# model), and each writes its own lines, printed in order once all are done. The unsafe programs
# one at a time, alone on the machine: whether a lock-order trial deadlocks depends on its threads
# truly running at once, and beside other checks some did not (one run in three saw neither a
# deadlock nor a report).
parallel=$((jobs + 1))
for name in "${names[@]}"; do
    check_fixed "$name" >"$work/checks.$name" 2>&1 &
    while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
done
wait
for name in "${names[@]}"; do
    (check_unsafe "$name") >>"$work/checks.$name" 2>&1  # a subshell: counted below, once
done
for name in "${names[@]}"; do
    cat "$work/checks.$name"
    checks=$((checks + $(grep -c -E "^(PASS|FAIL)  " "$work/checks.$name")))
    failures=$((failures + $(grep -c -E "^FAIL  " "$work/checks.$name")))
done

# ---- 4. The planted race -----------------------------------------------------------------------
echo "== planted race"
run_tsan planted-correct "$planted"
reports=$(report_files planted-correct)
if [ "$status" -eq 0 ] && [ "$reports" -eq 0 ]; then
    pass "planted_race, correct (every thread locks): no ThreadSanitizer report"
else
    fail "planted_race, correct: exit $status, $reports report(s)"
    show_report planted-correct
fi
run_tsan planted-flipped "$planted" planted
races=$(report_files planted-flipped "data race")
sites=$(race_sites planted-flipped)
if [ "$races" -gt 0 ] && [ "$status" -eq 66 ] && [[ $sites == tests/sanitizers/planted_race.cpp* ]]; then
    pass "planted_race planted (thread 2 skips the lock): data race reported, exit 66; at $sites"
else
    fail "planted_race planted: exit $status, $races report(s) of a data race (${sites:-none})"
    show_report planted-flipped
fi

if [ "$failures" -eq 0 ]; then
    echo "tsan_check: PASS, $checks checks"
else
    echo "tsan_check: FAIL, $failures of $checks checks failed"
    exit 1
fi
