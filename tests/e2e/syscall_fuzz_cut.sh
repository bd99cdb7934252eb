#!/bin/sh
# The syscall fuzz alone, cut at a point of virtual time: for a fuzz seed whose failure showed up
# only in a long run, the test runs up to just past where it failed and checks that nothing went
# wrong until then: no panic, no "syscall_fuzz: FAIL" or wrong return, and chemu still running at
# the cut (exit 4) or already done with "kernel alive: OK" (exit 0).
#   syscall_fuzz_cut.sh CHEMU_BIN KERNEL_IMG SEED CALLS MAX_TIME [chemu options]
# Catches: the fuzzer's hang check reporting a worker that its own coordinator held back in
# call_enter (seed 1, 10^6 calls, --sched rr: "worker 6 made no progress in 41 rounds ... after
# 16305 calls", at about 1.3 s of virtual time; the same seed with fewer calls runs differently and
# passed).
set -u
chemu=$1 img=$2 seed=$3 calls=$4 max_time=$5
shift 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'seed=%s calls=%s fuzz-only\n' "$seed" "$calls" >"$tmp/in"
timeout "${FUZZ_HOST_TIMEOUT:-3000}" "$chemu" --max-time "$max_time" --input "$tmp/in" "$@" "$img" </dev/null >"$tmp/log" 2>&1
status=$?
tr -d '\r' <"$tmp/log" | tr -s ' ' >"$tmp/console"
fail=0
if grep -qE '\[PANIC\]|BUG_ON' "$tmp/console"; then
    echo "FAIL: the kernel panicked"
    fail=1
fi
if grep -qE 'syscall_fuzz: (FAIL|WRONG)' "$tmp/console"; then
    echo "FAIL: the fuzz reported a failure before the cut at $max_time s"
    fail=1
fi
case $status in
4) ;;
0) grep -qE '^ ?syscall_fuzz: [0-9]+ calls on 4 CPUs, kernel alive: OK$' "$tmp/console" || {
       echo "FAIL: ended before the cut without 'kernel alive: OK'"
       fail=1
   } ;;
*) echo "FAIL: chemu exited with status $status (4: the cut at $max_time s of virtual time; 124: the host timeout)"
   fail=1 ;;
esac
grep -E 'syscall_fuzz: (seed|FAIL|WRONG)|kernel alive' "$tmp/console"
if [ "$fail" -ne 0 ]; then
    echo "---- last console lines ----"
    tail -30 "$tmp/console"
    exit 1
fi
echo "PASS: seed $seed, $calls calls, cut at $max_time s, chemu $*"
