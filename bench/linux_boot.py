#!/usr/bin/env python3
"""Debian 12's arm64 Linux to /init: host wall seconds until the console shows the initramfs's first
marker ("chemu-linux: init running") on chemu and on QEMU raspi3b (its default, multi-threaded TCG),
run in turn (chemu, QEMU, chemu, ...), with medians and the chemu/QEMU ratio of each pair. Also
chemu's CPU seconds for the same stretch. A benchmark, not a test: QEMU runs on the host clock.
  bench/linux_boot.py [--runs N] [--chemu build/bin/chemu] [--artifacts DIR]
The artifacts come from tools/linux-artifacts (cached in DIR, default build/linux-artifacts)."""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARK = "chemu-linux: init running"
CMDLINE = "console=ttyAMA0 earlycon=pl011,mmio32,0x3f201000 rdinit=/init"


def to_mark(cmd):
    """Wall and CPU seconds (the child's own accounting) until MARK, or None if it never came."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                         text=True, errors="replace")
    wall = None
    for line in p.stdout:
        if MARK in line:
            wall = time.monotonic() - start
            break
    p.kill()
    p.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - cpu_before.ru_utime) + (after.ru_stime - cpu_before.ru_stime)
    return (wall, cpu) if wall is not None else None


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--chemu", default=os.path.join(ROOT, "build/bin/chemu"))
    p.add_argument("--artifacts", default=os.path.join(ROOT, "build/linux-artifacts"))
    a = p.parse_args()
    d = subprocess.run([os.path.join(ROOT, "tools/linux-artifacts"), a.artifacts], check=True,
                       capture_output=True, text=True).stdout.strip()
    image, dtb, initrd = (os.path.join(d, f) for f in ("Image", "bcm2837-rpi-3-b.dtb", "initramfs.cpio.gz"))
    chemu = [a.chemu, image, "--dtb", dtb, "--initrd", initrd, "--append", CMDLINE, "--max-instructions", "3000000000"]
    qemu = ["qemu-system-aarch64", "-M", "raspi3b", "-nographic", "-no-reboot", "-kernel", image, "-dtb", dtb,
            "-initrd", initrd, "-append", CMDLINE]
    runs = {"chemu": [], "qemu": []}
    for i in range(a.runs):
        for name, cmd in (("chemu", chemu), ("qemu", qemu)):
            r = to_mark(cmd)
            if r is None:
                sys.exit(f"{name} never printed '{MARK}'")
            runs[name].append(r)
            print(f"run {i + 1} {name}: {r[0]:.2f} s wall, {r[1]:.2f} s CPU", flush=True)
    ratios = [c[0] / q[0] for c, q in zip(runs["chemu"], runs["qemu"])]
    for name in runs:
        print(f"{name}: median {statistics.median(w for w, _ in runs[name]):.2f} s wall, "
              f"{statistics.median(c for _, c in runs[name]):.2f} s CPU to '{MARK}'")
    print(f"chemu/QEMU wall, pair by pair: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, "
          f"max {max(ratios):.2f}); load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
