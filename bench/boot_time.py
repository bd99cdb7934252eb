#!/usr/bin/env python3
"""Boot-to-user-space cost of the shipped kernel: host seconds until the console shows
"Enter Procmgr Root thread (userspace)" on chemu and on QEMU raspi3b, and on chemu the guest
instructions and cycles up to that line (from the trace). A benchmark, not a test.
  bench/boot_time.py [build-dir]"""
import os
import re
import subprocess
import sys
import tempfile
import time

MARK = "Enter Procmgr Root thread (userspace)"


def seconds_to_mark(cmd):
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True, errors="replace")
    try:
        for line in p.stdout:
            if MARK in line:
                return time.monotonic() - start
        return None
    finally:
        p.kill()
        p.wait()


def chemu_instructions_to_mark(chemu, image):
    with tempfile.NamedTemporaryFile(suffix=".trace") as t:
        subprocess.run([chemu, "--trace", t.name, image], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        instructions, cycle = 0, None
        for line in open(t.name, errors="replace"):
            m = re.search(r"slice-end ran=(\d+)", line)
            if m:
                instructions += int(m.group(1))
            elif MARK in line:
                cycle = int(line.split("@")[1].split()[0])
                break
        return instructions, cycle


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    chemu, image = os.path.join(build, "bin/chemu"), os.path.join(build, "guest/kernel.img")
    insns, cycle = chemu_instructions_to_mark(chemu, image)
    print(f"chemu: {insns} guest instructions (all cores, whole slices) and {cycle} cycles on the printing core "
          f"up to '{MARK}'")
    print(f"chemu: {seconds_to_mark([chemu, image]):.3f} s host time to that line")
    qemu = ["qemu-system-aarch64", "-M", "raspi3b", "-m", "1G", "-nographic", "-semihosting", "-kernel", image]
    s = seconds_to_mark(qemu)
    print(f"qemu-system-aarch64 -M raspi3b: {s:.3f} s host time to that line" if s is not None else "qemu: marker not seen")


if __name__ == "__main__":
    main()
