#!/bin/sh
# Boots Debian 12's arm64 Linux (tools/linux-artifacts) on chemu, bounded, and checks the boot through
# /init's markers (each pinned task on its own CPU) to the power-off, which must end chemu with status 0.
# Usage: linux_boot.sh CHEMU ARTIFACTS_SCRIPT CACHE_DIR [chemu options, e.g. --sched random --seed 1]
# With LINUX_TWICE=1 it boots twice and the two runs must have the same trace hash and console.
# With LINUX_ON_QEMU=1, CHEMU is qemu-system-aarch64 -M raspi3b instead (the reference): the same
# markers; a host timeout only guards against a hang, nothing checked depends on host time.
# Exit 77 (ctest: skipped) when the artifacts are absent and Debian's registry cannot be reached.
set -u
chemu=$1 artifacts=$2 cache=$3
shift 3
command -v "$chemu" >/dev/null 2>&1 || { echo "SKIP: no $chemu"; exit 77; }
dir=$("$artifacts" "$cache")
rc=$?
if [ $rc = 77 ]; then echo "SKIP: no Linux artifacts in $cache and Debian's registry cannot be reached"; exit 77; fi
[ $rc = 0 ] || { echo "FAIL: tools/linux-artifacts exited $rc"; exit 1; }

out=$(mktemp) err=$(mktemp) again=$(mktemp)
trap 'rm -f "$out" "$err" "$again" "$again.err"' EXIT
boot() {  # CONSOLE_FILE STDERR_FILE [chemu options]: the power-off ends the run (exit 0); the bound a hang (exit 4)
  o=$1 e=$2
  shift 2
  cmdline="console=ttyAMA0 earlycon=pl011,mmio32,0x3f201000 rdinit=/init"
  if [ "${LINUX_ON_QEMU:-0}" = 1 ]; then
    timeout 900 "$chemu" -M raspi3b -nographic -no-reboot -kernel "$dir/Image" -dtb "$dir/bcm2837-rpi-3-b.dtb" \
      -initrd "$dir/initramfs.cpio.gz" -append "$cmdline" </dev/null >"$o" 2>"$e"
    return
  fi
  "$chemu" "$dir/Image" --dtb "$dir/bcm2837-rpi-3-b.dtb" --initrd "$dir/initramfs.cpio.gz" \
    --append "$cmdline" --max-instructions 3000000000 --trace-hash "$@" >"$o" 2>"$e"
}
target="reboot: Power down"
boot "$out" "$err" "$@"
status=$?
fail=0
for line in "Booting Linux on physical CPU 0x0000000000 \\[0x410fd034\\]" \
            "Machine model: Raspberry Pi 3 Model B" \
            "earlycon: pl11 at MMIO32 0x000000003f201000" \
            "Kernel command line: console=ttyAMA0 earlycon=pl011,mmio32,0x3f201000 rdinit=/init" \
            "Memory: [0-9]*K/983040K available" \
            "NUMA: Faking a node at \\[mem 0x0000000000000000-0x000000003bffffff\\]" \
            "arch_timer: cp15 timer(s) running at 62.50MHz (phys)" \
            "smp: Brought up 1 node, 4 CPUs" \
            "Trying to unpack rootfs image as initramfs" \
            "kvm \\[1\\]: Hyp mode initialized successfully" \
            "Run /init as init process" \
            "chemu-linux: init running" \
            "chemu-linux: cpus online 0-3" \
            "chemu-linux: task for cpu 0 ran on cpu 0" \
            "chemu-linux: task for cpu 1 ran on cpu 1" \
            "chemu-linux: task for cpu 2 ran on cpu 2" \
            "chemu-linux: task for cpu 3 ran on cpu 3" \
            "chemu-linux: watchdog driver loaded" \
            "chemu-linux: powering off" \
            "reboot: Power down"; do
  grep -q "$line" "$out" || { echo "FAIL: the console never says: $line"; fail=1; }
done
# A kernel WARNING (e.g. uart_get_baud_rate's, when the CPRMAN clocks read 0 Hz) is a regression.
if grep -q "WARNING:" "$out"; then echo "FAIL: the kernel WARNs:"; grep -A3 "WARNING:" "$out" | head -n 8; fail=1; fi
if [ $fail = 0 ] && [ $status = 0 ] && [ "${LINUX_TWICE:-0}" = 1 ]; then
  boot "$again" "$again.err" "$@"
  h1=$(grep '^trace-hash:' "$err") h2=$(grep '^trace-hash:' "$again.err")
  if [ -z "$h1" ] || [ "$h1" != "$h2" ] || ! cmp -s "$out" "$again"; then
    echo "FAIL: the same options twice gave another run: '$h1' then '$h2'"; fail=1
  fi
fi
if [ $fail = 1 ] || [ $status != 0 ]; then
  echo "chemu $* exited $status; last console lines:"; tail -n 15 "$out"; cat "$err"
  exit 1
fi
echo "PASS: chemu $*: $(grep -c . "$out") console lines, up to: $target; $(grep '^trace-hash:' "$err")${LINUX_TWICE:+ (twice)}"
