#!/usr/bin/env bash
# The Go programs of `racedemo explain NAME --go` (demos/go/), checked with Debian's golang-go:
#
#   1. `go vet ./...` is clean;
#   2. every FIXED program, built with -race, exits 0 with no race report and no fatal error;
#   3. every UNSAFE program goes wrong the way racedemo's unsafe variant does:
#      - a race (racedemo: CORRUPTED): built with -race, it reports "WARNING: DATA RACE" (or Go's
#        runtime stops it with "fatal error: concurrent map ...") and exits non-zero;
#      - a deadlock (racedemo: DEADLOCKED): built without -race, Go's runtime stops it with
#        "fatal error: all goroutines are asleep - deadlock!" and no race is reported. Without
#        -race because the race detector's runtime keeps the deadlock check from firing: the
#        program would just hang (golang/go#20588).
#      With a racedemo binary given, its unsafe verdict (model, explore) must be the kind below,
#      for every scenario that has an unsafe variant in racedemo.
#
# Usage: tests/go/check_go.sh WORK_DIR [RACEDEMO]
#   WORK_DIR holds Go's build cache and GOPATH (in the build tree, so a second run is quick).
# No network: GOPROXY=off (the module has no dependencies). Every program runs under
# `timeout 60`. Exits 0 when every check passed, 1 when one failed, and 77 (ctest's
# SKIP_RETURN_CODE) when `go` is missing and CI is not set; under CI a missing go is a failure.
set -uo pipefail # not -e: every check runs and reports

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
module=$root/demos/go
[[ -n ${1:-} ]] || { echo "usage: check_go.sh WORK_DIR [RACEDEMO]" >&2; exit 2; }
if ! command -v go >/dev/null 2>&1; then
    if [[ -n ${CI:-} && ${CI} != false ]]; then
        echo "FAIL  go is missing, and CI is set: apt-get install golang-go (make test does)"
        exit 1
    fi
    echo "SKIP  go is missing (apt-get install golang-go; make test installs it)"
    exit 77
fi

racedemo=${2:-}
if [[ -n $racedemo && ! -x $racedemo ]]; then
    echo "FAIL  no racedemo binary at $racedemo"
    exit 1
fi
# Absolute: the checks run inside the module, and go refuses a relative GOPATH.
[[ -z $racedemo ]] || racedemo=$(realpath "$racedemo")

mkdir -p "$1/gocache" "$1/gopath" || exit 1
work=$(realpath "$1")
export GOCACHE=$work/gocache GOPATH=$work/gopath GOFLAGS=-mod=mod GOPROXY=off GO111MODULE=on
export CGO_ENABLED=1 # -race needs cgo
# A race report ends the program at once (exit 66): the first report is all the check needs.
export GORACE="halt_on_error=1 exitcode=66"
bin=$(mktemp -d "${TMPDIR:-/tmp}/racedemo-go-XXXXXX") || exit 1
trap 'rm -rf "$bin"' EXIT

failures=0
pass() { echo "PASS  $*"; }
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}

# The kind of damage each scenario's unsafe program does: a deadlock, or else a race.
kind_of() {
    case $1 in
        s08_lock_order | s09_early_return | s10_rwmutex_recursive) echo deadlock ;;
        *) echo race ;;
    esac
}

# s07_job_queue -> job-queue: the directories are named after the scenarios' C++ files.
scenario_name() {
    local name=${1#s[0-9][0-9]_}
    echo "${name//_/-}"
}

# What racedemo's unsafe variant of scenario $1 comes to: "race", "deadlock", or nothing when the
# scenario has no unsafe variant (racedemo then runs the fixed one); "failed: ..." when racedemo
# did not answer.
racedemo_kind() {
    local json
    if ! json=$("$racedemo" "$1" --mode model --explore --json 2>&1) ||
        ! grep -q '"variant": *"[a-z]*"' <<<"$json"; then
        echo "failed: $(head -n 1 <<<"$json")"
        return 0
    fi
    grep -q '"variant": *"unsafe"' <<<"$json" || return 0
    if grep -q '"verdict": *"deadlocked"' <<<"$json"; then
        echo deadlock
    elif grep -q '"verdict": *"corrupted"' <<<"$json"; then
        echo race
    else
        grep -o '"verdict": *"[a-z_]*"' <<<"$json"
    fi
}

cd "$module" || exit 1
mapfile -t scenarios < <(find . -mindepth 1 -maxdepth 1 -type d -name 's[0-9][0-9]_*' -printf '%f\n' | sort)
if ((${#scenarios[@]} == 0)); then
    fail "no scenario directories in $module"
    exit 1
fi

started=$SECONDS
if vet=$(go vet ./... 2>&1) && [[ -z $vet ]]; then
    pass "go vet ./...: clean"
else
    fail "go vet ./...:"
    echo "$vet" | sed 's/^/      /'
fi

# Builds program $1/$2 into $bin/$1-$2: with -race, except an unsafe program that deadlocks.
# Its messages go to $bin/$1-$2.build, its exit status to $bin/$1-$2.rc.
build() {
    local flags=(-race) program=$bin/$1-$2
    [[ $2 == unsafe && $(kind_of "$1") == deadlock ]] && flags=()
    go build "${flags[@]}" -o "$program" "./$1/$2" >"$program.build" 2>&1
    echo $? >"$program.rc"
}
# Two builds at a time: linking is most of a build once the cache is warm, and one link uses
# one core.
programs=()
for scenario in "${scenarios[@]}"; do
    for variant in fixed unsafe; do
        if [[ ! -f $scenario/$variant/main.go ]]; then
            fail "$scenario/$variant/main.go is missing"
            continue
        fi
        (($(jobs -rp | wc -l) >= 2)) && wait -n
        build "$scenario" "$variant" &
        programs+=("$scenario-$variant")
    done
done
wait
for program in "${programs[@]}"; do
    if [[ $(cat "$bin/$program.rc" 2>/dev/null) != 0 ]]; then
        fail "go build ${program%-*}/${program##*-}:"
        sed 's/^/      /' "$bin/$program.build"
    fi
done
echo "      built ${#programs[@]} programs in $((SECONDS - started)) s"

# Runs program $1, its output in $bin/$1.out; sets `status`.
run() {
    timeout 60 "$bin/$1" >"$bin/$1.out" 2>&1
    status=$?
}
raced() { grep -q "WARNING: DATA RACE" "$bin/$1.out"; }
deadlocked() { grep -q "fatal error: all goroutines are asleep - deadlock!" "$bin/$1.out"; }
fatal() { grep -q "^fatal error:" "$bin/$1.out"; }
show() { head -n 12 "$bin/$1.out" | sed 's/^/      /'; }

check_fixed() {
    local program=$1-fixed
    [[ -x $bin/$program ]] || return 0
    run "$program"
    if ((status == 0)) && ! raced "$program" && ! fatal "$program"; then
        pass "$1/fixed: exit 0, no race, no fatal error"
    else
        fail "$1/fixed: exit $status$( ((status == 124)) && echo ' (timed out)'):"
        show "$program"
    fi
}

check_unsafe() {
    local program=$1-unsafe kind
    kind=$(kind_of "$1")
    [[ -x $bin/$program ]] || return 0
    run "$program"
    if ((status == 124)); then
        fail "$1/unsafe: still running after 60 s, no $kind reported"
    elif [[ $kind == deadlock ]] && deadlocked "$program" && ! raced "$program"; then
        pass "$1/unsafe: Go's runtime reports the deadlock (exit $status)"
    elif [[ $kind == race ]] && ((status != 0)) && ! deadlocked "$program" &&
        { raced "$program" || grep -q "^fatal error: concurrent map" "$bin/$program.out"; }; then
        pass "$1/unsafe: $(raced "$program" && echo "the race detector reports the race" ||
            echo "Go's runtime stops the concurrent map access") (exit $status)"
    else
        fail "$1/unsafe: exit $status, expected a $kind report:"
        show "$program"
    fi
}

for scenario in "${scenarios[@]}"; do
    check_fixed "$scenario"
    check_unsafe "$scenario"
    if [[ -n $racedemo ]]; then
        name=$(scenario_name "$scenario")
        theirs=$(racedemo_kind "$name")
        if [[ $theirs == failed:* ]]; then
            fail "$scenario: racedemo $name --mode model --explore --json ${theirs}"
        elif [[ -z $theirs ]]; then
            pass "$scenario: racedemo $name has no unsafe variant; the Go one ends in a $(kind_of "$scenario")"
        elif [[ $theirs == "$(kind_of "$scenario")" ]]; then
            pass "$scenario: racedemo $name's unsafe variant ends in a $theirs too"
        else
            fail "$scenario: racedemo $name's unsafe variant ends in '$theirs', the Go one in a $(kind_of "$scenario")"
        fi
    fi
done

echo "check_go: $((SECONDS - started)) s, ${#scenarios[@]} scenarios, $failures failed"
((failures == 0))
