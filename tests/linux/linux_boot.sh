#!/bin/sh
# Boots Debian 12's arm64 Linux (tools/linux-artifacts) on chemu, bounded, and checks how far it gets.
# Usage: linux_boot.sh CHEMU ARTIFACTS_SCRIPT CACHE_DIR
# Exit 77 (ctest: skipped) when the artifacts are absent and Debian's registry cannot be reached.
set -u
chemu=$1 artifacts=$2 cache=$3
dir=$("$artifacts" "$cache")
rc=$?
if [ $rc = 77 ]; then echo "SKIP: no Linux artifacts in $cache and Debian's registry cannot be reached"; exit 77; fi
[ $rc = 0 ] || { echo "FAIL: tools/linux-artifacts exited $rc"; exit 1; }

out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# The furthest line chemu reaches today; the run ends there (exit 0), or at the instruction bound (exit 4).
target="chemu-linux: powering off"
"$chemu" "$dir/Image" --dtb "$dir/bcm2837-rpi-3-b.dtb" --initrd "$dir/initramfs.cpio.gz" \
  --append "console=ttyAMA0 earlycon=pl011,mmio32,0x3f201000 rdinit=/init" \
  --max-instructions 1500000000 --until-line "$target" >"$out" 2>"$err"
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
            "chemu-linux: powering off"; do
  grep -q "$line" "$out" || { echo "FAIL: the console never says: $line"; fail=1; }
done
# A kernel WARNING (e.g. uart_get_baud_rate's, when the CPRMAN clocks read 0 Hz) is a regression.
if grep -q "WARNING:" "$out"; then echo "FAIL: the kernel WARNs:"; grep -A3 "WARNING:" "$out" | head -n 8; fail=1; fi
if [ $fail = 1 ] || [ $status != 0 ]; then
  echo "chemu exited $status; last console lines:"; tail -n 15 "$out"; cat "$err"
  exit 1
fi
echo "PASS: $(grep -c . "$out") console lines, up to: $target"
