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
if ! command -v gdb-multiarch >/dev/null 2>&1; then echo "SKIP: gdb-multiarch not installed"; exit 77; fi
if [ ! -f "$img" ]; then echo "SKIP: no image at $img"; exit 77; fi
dir="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail=0

timeout 900 "$chemu" --trace-hash "$@" "$img" </dev/null >"$dir/free.out" 2>"$dir/free.err"
free_status=$?
free_hash=$(sed -n 's/^trace-hash: //p' "$dir/free.err")

timeout 1200 "$chemu" --gdb 0 -S --trace-hash "$@" "$img" </dev/null >"$dir/gdb.out" 2>"$dir/gdb.err" &
pid=$!
port=""
for _ in $(seq 1 600); do
    port=$(sed -n 's/.*gdb: listening on port \([0-9]*\).*/\1/p' "$dir/gdb.err")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$port" ]; then echo "FAIL: chemu did not say which port it listens on"; cat "$dir/gdb.err"; exit 1; fi

regs='info registers x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 sp pc cpsr'
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
