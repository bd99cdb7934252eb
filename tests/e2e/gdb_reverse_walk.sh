#!/bin/sh
# Walks back through breakpoint hits under gdb-multiarch (batch mode) against chemu -S: N hits of a
# breakpoint at rr_sched_enqueue forward, then reverse-continue N-1 times: each stop must have the
# registers of the same hit going forward; once more gives the start of history; then on to the end
# with the console, exit status and trace hash of the run without gdb.
# Catches a reverse-continue that lands on the wrong hit (a position that names another point after a
# restore) or runs on past where it should stop; the stops' scans end in different intervals and
# both inside hooks and between slices.
# Usage: gdb_reverse_walk.sh CHEMU_BIN KERNEL_ELF N [chemu options...]. Exits 77 (ctest: skipped)
# without gdb-multiarch or without the image. Timeouts only guard against hangs.
set -u
chemu="${1:?usage: gdb_reverse_walk.sh CHEMU_BIN KERNEL_ELF N [chemu options...]}"
img="${2:?usage: gdb_reverse_walk.sh CHEMU_BIN KERNEL_ELF N [chemu options...]}"
hits="${3:?usage: gdb_reverse_walk.sh CHEMU_BIN KERNEL_ELF N [chemu options...]}"
shift 3
. "$(dirname "$0")/gdb_common.sh"

free_run "$@"
start_chemu gdb "$@"

set -- -ex "target remote :$port" -ex 'break rr_sched_enqueue'
for i in $(seq 1 "$hits"); do set -- "$@" -ex 'continue' -ex "echo @@F$i\\n" -ex "$regs"; done
for i in $(seq $((hits - 1)) -1 1); do set -- "$@" -ex 'reverse-continue' -ex "echo @@R$i\\n" -ex "$regs"; done
set -- "$@" -ex 'echo @@BEGIN\n' -ex 'reverse-continue' -ex 'echo @@END\n' -ex 'delete' -ex 'continue'
timeout 1200 gdb-multiarch -batch -nx "$img" "$@" </dev/null >"$dir/gdb.log" 2>&1
wait "$pid"
status=$?
pid=""
hash=$(sed -n 's/^trace-hash: //p' "$dir/gdb.err")
log="$dir/gdb.log"

registers() {  # NAME: the register lines gdb printed after `echo @@NAME`
    awk -v m="@@$1" '$0 == m {f = 1; next} /^@@/ {f = 0} f' "$log" | grep -E '^(x[0-9]+|sp|pc|cpsr) '
}
for i in $(seq 1 $((hits - 1))); do
    registers "F$i" >"$dir/f"
    registers "R$i" >"$dir/r"
    if [ ! -s "$dir/f" ] || ! cmp -s "$dir/f" "$dir/r"; then
        echo "FAIL: reverse-continue to hit $i: registers differ from that hit's going forward"; diff "$dir/f" "$dir/r"; fail=1
    fi
done
awk '$0 == "@@BEGIN" {f = 1} $0 == "@@END" {f = 0} f' "$log" | grep -q 'No more reverse-execution history' ||
    { echo "FAIL: no start of history before the first hit"; fail=1; }
grep -qE 'exited normally|exited with code' "$log" || { echo "FAIL: gdb did not see the end"; fail=1; }
if [ -z "$free_hash" ] || [ "$hash" != "$free_hash" ]; then echo "FAIL: trace hash '$hash', free run '$free_hash'"; fail=1; fi
if [ "$status" -ne "$free_status" ]; then echo "FAIL: exit status $status, free run $free_status"; fail=1; fi
if ! cmp -s "$dir/free.out" "$dir/gdb.out"; then echo "FAIL: console differs from the free run's"; fail=1; fi
if [ "$fail" -ne 0 ]; then echo "--- gdb session:"; cat "$log"; echo "--- chemu:"; cat "$dir/gdb.err"; exit 1; fi
echo "PASS: back through $hits hits and to the start of history; trace hash $hash as without gdb"
