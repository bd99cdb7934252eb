#!/bin/sh
# Runs the kernel's syscall fuzz alone (procmgr's command line "seed=S calls=N fuzz-only", given on
# the UART with chemu --input) and checks that the kernel survived: no panic, exit status 0, and
# procmgr's line "syscall_fuzz: N calls on 4 CPUs, kernel alive: OK" (the fuzzer saw no wrong
# return and no hang, and a witness process answered IPC all along).
#   syscall_fuzz.sh [--cut MAX_TIME] CHEMU_BIN KERNEL_IMG SEED CALLS [chemu options]
# With --cut the run stops at MAX_TIME virtual seconds (exit 4) and only what happened until then
# is judged: no panic, no "syscall_fuzz: FAIL" or wrong return; for a fuzz seed whose failure
# showed up only in a long run, cut just past where it failed.
# Catches: a kernel that panics, hangs or returns the wrong thing on hostile syscalls, e.g. the
# use-after-free in rr_sched (a queued thread put on the zombie list) that seed 2 with 50000 calls
# hit on rr before the fix.
set -u
cut=
if [ "$1" = --cut ]; then cut=$2; shift 2; fi
chemu=$1 img=$2 seed=$3 calls=$4
shift 4
max_time=${cut:-${FUZZ_MAX_TIME:-300}}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'seed=%s calls=%s fuzz-only\n' "$seed" "$calls" >"$tmp/in"
# The limit is virtual time (--max-time: exit 4), so a slow or busy host cannot fail the test; the
# host timeout is only a safety net for a chemu that stops advancing time.
timeout "${FUZZ_HOST_TIMEOUT:-3000}" "$chemu" --max-time "$max_time" --input "$tmp/in" "$@" "$img" </dev/null >"$tmp/log" 2>&1
status=$?
tr -d '\r' <"$tmp/log" | tr -s ' ' >"$tmp/console"
fail=0
complain() { echo "FAIL: $1"; fail=1; }
grep -qE '\[PANIC\]|BUG_ON' "$tmp/console" && complain "the kernel panicked"
grep -qE 'syscall_fuzz: (FAIL|WRONG)' "$tmp/console" && complain "the fuzz reported a failure"
alive=$(grep -cE '^ ?syscall_fuzz: [0-9]+ calls on 4 CPUs, kernel alive: OK$' "$tmp/console")
case $status in
0) [ "$alive" -gt 0 ] || complain "no 'syscall_fuzz: N calls on 4 CPUs, kernel alive: OK' line" ;;
4) [ -n "$cut" ] || complain "still running after $max_time s of virtual time (exit 4)" ;;
*) complain "chemu exited with status $status (124: the host safety timeout)" ;;
esac
grep -E 'syscall_fuzz: (seed|the witness|FAIL|WRONG)|kernel alive' "$tmp/console"
if [ "$fail" -ne 0 ]; then
    echo "---- last console lines ----"
    tail -30 "$tmp/console"
    exit 1
fi
echo "PASS: seed $seed, $calls calls${cut:+, cut at $cut s}, chemu $*"
