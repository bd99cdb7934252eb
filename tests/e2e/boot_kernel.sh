#!/bin/sh
# Boots kernel.img on QEMU's raspi3b (the reference machine) or on chemu and checks the console and
# exit status. Usage: boot_kernel.sh qemu KERNEL_IMG | boot_kernel.sh CHEMU_BIN KERNEL_IMG [options]
# Exits 77 (ctest: skipped) when QEMU is asked for and qemu-system-aarch64 is missing.
set -u
runner="${1:?usage: boot_kernel.sh qemu|CHEMU_BIN KERNEL_IMG [chemu options]}"
img="${2:?usage: boot_kernel.sh qemu|CHEMU_BIN KERNEL_IMG [chemu options]}"
shift 2
if [ "$runner" = qemu ] && ! command -v qemu-system-aarch64 >/dev/null 2>&1; then
    echo "SKIP: qemu-system-aarch64 not installed"
    exit 77
fi
if [ ! -f "$img" ]; then
    echo "FAIL: no kernel image at $img"
    exit 1
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if [ "$runner" = qemu ]; then
    # The lab's full-size IPC test (32 threads x 20 connections x 1000 calls) takes 30-70 s of
    # host time on QEMU here (host load matters); chemu needs ~15-25 s (more in the ASan build).
    timeout "${E2E_QEMU_TIMEOUT:-280}" qemu-system-aarch64 -M raspi3b -m 1G -nographic -semihosting -kernel "$img" </dev/null >"$log" 2>&1
else
    timeout "${E2E_CHEMU_TIMEOUT:-240}" "$runner" "$@" "$img" </dev/null >"$log" 2>&1
fi
status=$?
tr -d '\r' <"$log" >"$log.txt" && mv "$log.txt" "$log"

fail=0
expect() {
    if ! grep -qF -- "$1" "$log"; then
        echo "FAIL: console lacks: $1"
        fail=1
    fi
}
for cpu in 0 1 2 3; do expect "CPU $cpu is active"; done
expect "End of Kernel Checkpoints: 0xDEADBEEF"
if [ -n "${E2E_EXPECT_USER:-1}" ] && [ "${E2E_EXPECT_USER:-1}" != 0 ]; then
    expect "Enter Procmgr Root thread (userspace)"
    expect "[TEST] Test IPC finished!"
    expect "ipc_faults: every fault was reported to the caller"
    expect "ipc_bench: null ipc_call+ipc_return round trip:"
fi
if grep -qE '\[PANIC\]|BUG_ON' "$log"; then
    echo "FAIL: the kernel panicked"
    fail=1
fi
# On QEMU the counter follows the host clock: under host load a vCPU thread can be off its host core
# for many ticks, so the scheduler tests bound in time (a thread runs within 50 ms, a yield hands over
# within three ticks, a migration within a number of turns) can fail there without a kernel bug. QEMU
# checks only what does not depend on timing: a status of 1 is accepted when every failure line is
# one of those tests. chemu runs are deterministic and must pass them all.
timing_bound='Sched test (many threads: FAIL a thread never ran|load spread: FAIL|yield loop: FAIL|migration: FAIL)|procmgr: SOME USER TESTS FAILED'
if [ "$runner" = qemu ] && [ "$status" -eq 1 ] && ! grep -qE '\[PANIC\]|BUG_ON' "$log" &&
   ! grep -E 'FAIL' "$log" | grep -qvE "$timing_bound"; then
    echo "note: QEMU failed only time-bound scheduler tests (host load):"
    grep -E "$timing_bound" "$log"
    status=0
fi
if [ "$status" -eq 124 ]; then
    echo "FAIL: $runner still running at its time limit (no semihosting exit)"
    fail=1
elif [ "$status" -ne 0 ]; then
    echo "FAIL: $runner exited with status $status (expected 0)"
    fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "---- console ----"
    cat "$log"
    exit 1
fi
echo "PASS: kernel booted on $runner $*, 4 CPUs, user space reached, exit 0"
exit 0
