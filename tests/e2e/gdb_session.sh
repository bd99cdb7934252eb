#!/bin/sh
# Drives gdb-multiarch in batch mode against chemu -S: a breakpoint at rr_sched_enqueue, `info threads`
# with the four cores, two single steps, a watchpoint on a kernel variable that must stop at the store
# changing it, then continue to the end: the trace hash must be the one of the run without gdb (the
# debugger never changes the run). Usage: gdb_session.sh CHEMU_BIN KERNEL_ELF. Exits 77 (ctest:
# skipped) without gdb-multiarch. Timeouts only guard against hangs; nothing depends on host speed.
set -u
chemu="${1:?usage: gdb_session.sh CHEMU_BIN KERNEL_ELF}"
img="${2:?usage: gdb_session.sh CHEMU_BIN KERNEL_ELF}"
. "$(dirname "$0")/gdb_common.sh"

free_run
start_chemu gdb
timeout 900 gdb-multiarch -batch -nx "$img" \
    -ex "target remote :$port" \
    -ex 'break rr_sched_enqueue' -ex 'continue' \
    -ex 'info threads' \
    -ex 'p/x $pc' -ex 'stepi' -ex 'p/x $pc' -ex 'stepi' -ex 'p/x $pc' \
    -ex 'monitor state' \
    -ex 'delete' -ex 'watch rr_ready_queue_meta[0].queue_len' -ex 'continue' \
    -ex 'x/i $pc - 4' \
    -ex 'delete' -ex 'continue' </dev/null >"$dir/gdb.log" 2>&1
wait "$pid"
gdb_status=$?
gdb_hash=$(sed -n 's/^trace-hash: //p' "$dir/gdb.err")

expect() {
    if ! grep -qE -- "$1" "$dir/gdb.log"; then echo "FAIL: gdb's output lacks: $1"; fail=1; fi
}
expect 'hit Breakpoint 1, rr_sched_enqueue'
for t in 1 2 3 4; do expect "^[* ] +$t +Thread $t \\(core $((t - 1)) EL[0-3] [a-z-]+\\)"; done
expect 'Hardware watchpoint 2: rr_ready_queue_meta\[0\].queue_len'
expect 'Old value = 0'
expect 'New value = 1'
expect '^core 0: running +EL1'
# The stop is right after the store that changed the variable (gdb steps over it, as on AArch64).
expect '<_Z16rr_sched_enqueueP6thread\+[0-9]+>:[[:space:]]+str[[:space:]]'
expect 'exited normally'
# Each stepi moves the PC by one instruction (4 bytes) inside rr_sched_enqueue (the low 32 bits:
# shell arithmetic is signed 64-bit).
pcs=$(sed -n 's/^\$[0-9]* = 0x[0-9a-f]*\([0-9a-f]\{8\}\)$/0x\1/p' "$dir/gdb.log" | head -3)
set -- $pcs
if [ $# -ne 3 ] || [ $(($2 - $1)) -ne 4 ] || [ $(($3 - $2)) -ne 4 ]; then
    echo "FAIL: stepi did not move one instruction at a time: $pcs"; fail=1
fi
if [ -z "$free_hash" ] || [ "$gdb_hash" != "$free_hash" ]; then
    echo "FAIL: trace hash under gdb '$gdb_hash' differs from the free run's '$free_hash'"; fail=1
fi
if [ "$gdb_status" -ne "$free_status" ]; then
    echo "FAIL: exit status under gdb $gdb_status, free run $free_status"; fail=1
fi
if ! cmp -s "$dir/free.out" "$dir/gdb.out"; then echo "FAIL: console differs under gdb"; fail=1; fi
if [ "$fail" -ne 0 ]; then echo "--- gdb session:"; cat "$dir/gdb.log"; echo "--- chemu:"; cat "$dir/gdb.err"; exit 1; fi
echo "PASS: gdb session (breakpoint, threads, stepi, watchpoint), trace hash $gdb_hash as without gdb"
