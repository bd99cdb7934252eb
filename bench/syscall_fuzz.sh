#!/bin/sh
# The syscall fuzz at scale: procmgr runs syscall_fuzz alone ("fuzz-only" on its command line,
# which chemu --input puts on the UART) with CALLS worker syscalls (default 10^6; its child
# processes add their own), and the run must end with "kernel alive: OK". Prints the syscalls
# made in all, the host time (wall, and chemu's CPU time) and the result.
#   bench/syscall_fuzz.sh [CALLS] [SEED] [chemu options, e.g. --sched random --seed 3]
# Not a test (minutes of CPU); ctest runs the same fuzz with 20000 calls (tests/e2e/syscall_fuzz.sh).
set -u
repo=$(cd "$(dirname "$0")/.." && pwd)
chemu=${CHEMU:-$repo/build/bin/chemu}
img=${KERNEL_IMG:-$repo/build/guest/kernel.img}
calls=${1:-1000000}
seed=${2:-1}
[ $# -ge 2 ] && shift 2 || shift $#
for f in "$chemu" "$img"; do
    [ -e "$f" ] || { echo "bench/syscall_fuzz.sh: no $f (build first)" >&2; exit 2; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'seed=%s calls=%s fuzz-only\n' "$seed" "$calls" >"$tmp/in"
echo "syscall_fuzz bench: seed $seed, $calls worker calls, chemu $* (runs for minutes)"
/usr/bin/time -f '%e %U %S' -o "$tmp/time" "$chemu" --input "$tmp/in" "$@" "$img" </dev/null >"$tmp/log" 2>&1
status=$?
tr -d '\r' <"$tmp/log" | tr -s ' ' >"$tmp/console"
# GNU time puts "Command exited with non-zero status N" before its figures when the run fails.
read -r wall user sys <<EOF
$(tail -1 "$tmp/time")
EOF
# The fuzzer's summary: "... N syscalls in all, in about ..." (workers, children and its housekeeping);
# procmgr's point line counts the random calls of the workers and the children.
total=$(sed -n 's/.* \([0-9][0-9]*\) syscalls in all,.*/\1/p' "$tmp/console" | tail -1)
line=$(grep -E 'syscall_fuzz: [0-9]+ calls on 4 CPUs, kernel alive: OK$' "$tmp/console" | tail -1)
grep -E 'syscall_fuzz: (seed [0-9]+:|the witness)' "$tmp/console"
if [ "$status" -eq 0 ] && [ -n "$line" ] && ! grep -qE '\[PANIC\]|BUG_ON' "$tmp/console"; then
    result=OK
else
    result="FAIL (exit status $status)"
    tail -20 "$tmp/console"
fi
cpu=$(echo "$user $sys" | awk '{ printf "%.1f", $1 + $2 }')
rate=$(echo "${total:-0} $cpu" | awk '{ if ($2 > 0) printf "%.0f", $1 / $2; else print 0 }')
echo "syscalls: ${total:-?} in all (${line:+${line#syscall_fuzz: }})"
echo "time: ${wall} s wall, ${cpu} s chemu CPU (${rate} syscalls per CPU second)"
echo "result: $result"
[ "$result" = OK ]
