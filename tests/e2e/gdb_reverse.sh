#!/bin/sh
# Reverse execution under gdb-multiarch (batch mode) against chemu -S, plus kill and detach.
#  1. reverse: two hits of a breakpoint at rr_sched_enqueue (`info threads` at the first must list
#     the four cores), two stepi; reverse-stepi twice must give
#     back each earlier PC with its registers (`info registers` compared), reverse-continue must return
#     to the first hit (registers again), and once more to the start of history; forward again to the
#     hit, then to the return from a call in it: reverse-nexti must land on the call; a watchpoint
#     stops at the store; then on to the end: console, exit status and trace hash as without gdb.
#  2. kill: chemu ends at once with exit code 4 and says gdb killed it.
#  3. detach: chemu runs on to the end as without gdb (same hash and status).
# Usage: gdb_reverse.sh CHEMU_BIN KERNEL_ELF [chemu options...]; WATCH (environment) is the watched
# expression (default: our kernel's rr_ready_queue_meta[0].queue_len, which has debug information),
# CALLEE the leaf function rr_sched_enqueue calls that reverse-nexti steps back over. The start of
# history catches a reverse-continue that, after scanning back to the first snapshot between
# slices, ran forward again to the hit it started from (the upstream image's first hit is 178M
# instructions in, so its scan ends between slices; ours ends inside a hook).
# Exits 77 (ctest: skipped) without gdb-multiarch or without the image (the upstream image is test input outside the repository).
# Timeouts only guard against hangs; nothing depends on host speed.
set -u
chemu="${1:?usage: gdb_reverse.sh CHEMU_BIN KERNEL_ELF [chemu options...]}"
img="${2:?usage: gdb_reverse.sh CHEMU_BIN KERNEL_ELF [chemu options...]}"
shift 2
. "$(dirname "$0")/gdb_common.sh"
watch="${WATCH:-rr_ready_queue_meta[0].queue_len}"

free_run "$@"

block() {  # NAME LOG: the lines gdb printed after `echo @@NAME`, up to the next marker
    awk -v m="@@$1" '$0 == m {f = 1; next} /^@@/ {f = 0} f' "$2"
}
registers() {  # NAME: the register lines of that block of the reverse session
    block "$1" "$dir/rev.log" | grep -E '^(x[0-9]+|sp|pc|cpsr) '
}
expect() {  # PATTERN LOG
    if ! grep -qE -- "$1" "$2"; then echo "FAIL: $2 lacks: $1"; fail=1; fi
}
same_block() {  # A B WHAT: the two blocks of the reverse session are the same (and not empty)
    registers "$1" >"$dir/block.a"
    registers "$2" >"$dir/block.b"
    if [ ! -s "$dir/block.a" ] || ! cmp -s "$dir/block.a" "$dir/block.b"; then
        echo "FAIL: $3"; diff "$dir/block.a" "$dir/block.b"; fail=1
    fi
}

# ---- 1. reverse execution
# The call to $CALLEE in rr_sched_enqueue (from the image's symbols), for reverse-nexti. A leaf:
# stepping back into a callee, gdb must unwind from its last instruction, and these kernels' unwind
# information does not describe epilogues (a callee with a frame record unwinds wrongly at its `ret`).
call=$(timeout 120 gdb-multiarch -batch -nx "$img" -ex 'disassemble rr_sched_enqueue' 2>/dev/null |
       grep -E "bl[[:space:]].*<[^>]*${CALLEE:-is_locked_by_me}" |
       sed -n 's/^ *\(0x[0-9a-f]*\) <+[0-9]*>:.*/\1/p' | head -1)
if [ -z "$call" ]; then echo "FAIL: no call of ${CALLEE:-is_locked_by_me} in rr_sched_enqueue"; exit 1; fi
start_chemu rev "$@"
timeout 1200 gdb-multiarch -batch -nx "$img" \
    -ex "target remote :$port" \
    -ex 'break rr_sched_enqueue' \
    -ex 'continue' -ex 'echo @@HIT1\n' -ex "$regs" -ex 'echo @@THREADS\n' -ex 'info threads' \
    -ex 'continue' -ex 'echo @@HIT2\n' -ex "$regs" \
    -ex 'stepi' -ex 'echo @@STEP1\n' -ex "$regs" \
    -ex 'stepi' \
    -ex 'reverse-stepi' -ex 'echo @@BACK1\n' -ex "$regs" \
    -ex 'reverse-stepi' -ex 'echo @@BACK0\n' -ex "$regs" \
    -ex 'reverse-continue' -ex 'echo @@RC1\n' -ex "$regs" \
    -ex 'echo @@BEGIN\n' -ex 'reverse-continue' \
    -ex 'echo @@FORWARD\n' -ex 'continue' -ex 'echo @@AGAIN1\n' -ex "$regs" \
    -ex 'delete' -ex "tbreak *($call + 4)" -ex 'continue' -ex 'echo @@FINISHED\n' -ex 'p/x $pc' \
    -ex 'reverse-nexti' -ex 'echo @@RNEXTI\n' -ex 'p/x $pc + 4' -ex 'x/i $pc' \
    -ex 'echo @@WATCH\n' -ex "watch $watch" -ex 'continue' -ex 'x/i $pc - 4' \
    -ex 'echo @@END\n' -ex 'delete' -ex 'continue' </dev/null >"$dir/rev.log" 2>&1
wait "$pid"
rev_status=$?
pid=""
rev_hash=$(sed -n 's/^trace-hash: //p' "$dir/rev.err")
log="$dir/rev.log"
expect 'hit Breakpoint 1, .*rr_sched_enqueue' "$log"
same_block STEP1 BACK1 "reverse-stepi did not give back the PC and registers after the first stepi"
same_block HIT2 BACK0 "reverse-stepi did not give back the PC and registers at the second hit"
same_block HIT1 RC1 "reverse-continue did not return to the first hit with its registers"
threads=$(block THREADS "$log" | grep -cE 'Thread [1-4] \(core [0-3] EL[0-3] ')
if [ "$threads" -ne 4 ]; then echo "FAIL: info threads lists $threads cores, not 4"; fail=1; fi
if [ "$(registers HIT1)" = "$(registers HIT2)" ]; then echo "FAIL: the two hits look the same"; fail=1; fi
if [ "$(registers STEP1)" = "$(registers HIT2)" ]; then echo "FAIL: stepi changed nothing"; fail=1; fi
same_block HIT1 AGAIN1 "continuing forward from the start of history did not reach the first hit again"
block BEGIN "$log" | grep -q 'No more reverse-execution history' || { echo "FAIL: no start of history"; fail=1; }
# reverse-nexti from where a call returned lands on the call, back over the whole callee.
finished=$(block FINISHED "$log" | sed -n 's/^\$[0-9]* = \(0x[0-9a-f]*\)$/\1/p')
back=$(block RNEXTI "$log" | sed -n 's/^\$[0-9]* = \(0x[0-9a-f]*\)$/\1/p')
if [ -z "$finished" ] || [ "$finished" != "$back" ]; then echo "FAIL: reverse-nexti: finish at '$finished', back at '$back' + 4"; fail=1; fi
block RNEXTI "$log" | grep -qE ':[[:space:]]+bl[r]?[[:space:]]' || { echo "FAIL: reverse-nexti did not stop on a call"; fail=1; }
block WATCH "$log" | grep -qE 'Old value = ' || { echo "FAIL: the watchpoint did not stop"; fail=1; }
block WATCH "$log" | grep -qE ':[[:space:]]+str[bh]?[[:space:]]' || { echo "FAIL: the watchpoint did not stop after a store"; fail=1; }
expect 'exited normally|exited with code' "$log"
if [ -z "$free_hash" ] || [ "$rev_hash" != "$free_hash" ]; then
    echo "FAIL: trace hash after reverse execution '$rev_hash' differs from the free run's '$free_hash'"; fail=1
fi
if [ "$rev_status" -ne "$free_status" ]; then echo "FAIL: exit status $rev_status, free run $free_status"; fail=1; fi
if ! cmp -s "$dir/free.out" "$dir/rev.out"; then echo "FAIL: console differs after reverse execution"; fail=1; fi
if [ "$fail" -ne 0 ]; then echo "--- gdb session:"; cat "$log"; echo "--- chemu:"; cat "$dir/rev.err"; exit 1; fi

# ---- 2. kill
start_chemu kill "$@"
timeout 600 gdb-multiarch -batch -nx "$img" -ex "target remote :$port" -ex 'break rr_sched_enqueue' -ex 'continue' \
    -ex 'kill' </dev/null >"$dir/kill.log" 2>&1
wait "$pid"
kill_status=$?
pid=""
if [ "$kill_status" -ne 4 ]; then echo "FAIL: chemu killed from gdb exited $kill_status, not 4"; fail=1; fi
expect 'killed from gdb' "$dir/kill.err"

# ---- 3. detach
start_chemu detach "$@"
timeout 600 gdb-multiarch -batch -nx "$img" -ex "target remote :$port" -ex 'break rr_sched_enqueue' -ex 'continue' \
    -ex 'detach' </dev/null >"$dir/detach.log" 2>&1
wait "$pid"
detach_status=$?
pid=""
detach_hash=$(sed -n 's/^trace-hash: //p' "$dir/detach.err")
expect 'detached' "$dir/detach.log"
if [ "$detach_status" -ne "$free_status" ] || [ "$detach_hash" != "$free_hash" ]; then
    echo "FAIL: after detach: status $detach_status hash '$detach_hash', free run $free_status '$free_hash'"; fail=1
fi
if [ "$fail" -ne 0 ]; then
    for f in kill detach; do echo "--- $f:"; cat "$dir/$f.log" "$dir/$f.err"; done
    exit 1
fi
echo "PASS: reverse-stepi, reverse-continue, reverse-nexti, kill, detach; trace hash $rev_hash as without gdb"
