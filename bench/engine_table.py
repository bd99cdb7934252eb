#!/usr/bin/env python3
"""chemu next to raw Unicorn (same library, one engine, no hooks) and QEMU raspi3b (-icount
shift=0,sleep=off, its only deterministic mode, and default multi-threaded TCG) on two loops run by
every core: compute.S (1 load + 1 store per 10 instructions) and memory.S (7 of 10 touch memory); and
the shipped kernel's full run. A row of raw Unicorn with a block hook that only counts blocks gives the
ceiling of any emulator that sees every block, as chemu does to count instructions. Commands run in
turn (A B C D A B C D ...); the table gives medians of CPU seconds (user + sys of the process) and
guest MIPS per CPU second; and the upstream ChCore Lab 4 image (../shared, when present) to "Test IPC
finished!" on chemu and QEMU. A benchmark, not a test.
  bench/engine_table.py [--rounds N] [--build DIR]"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ITER = 50_000_000  # per core, 10 instructions each (replaces the .equ of compute.S / memory.S)


def build_guest(src, tmp):
    text = open(os.path.join(HERE, src)).read()
    asm = os.path.join(tmp, src)
    with open(asm, "w") as f:
        f.write(text.replace(".equ ITERATIONS, 5000000", f".equ ITERATIONS, {ITER}"))
    obj, elf = os.path.join(tmp, src + ".o"), os.path.join(tmp, src.replace(".S", ".elf"))
    subprocess.run(["clang", "--target=aarch64-none-elf", "-c", asm, "-o", obj], check=True)
    subprocess.run(["ld.lld", "-Ttext=0x80000", "-e", "_start", obj, "-o", elf], check=True)
    nm = subprocess.run(["llvm-nm", elf], check=True, capture_output=True, text=True).stdout
    loop_done = next(l.split()[0] for l in nm.splitlines() if l.endswith(" loop_done"))
    return elf, "0x" + loop_done


def timed(cmd, until_line=None):
    """(CPU seconds, wall seconds) of one run of cmd; with until_line, up to the first console line
    that contains it (the process is then killed: QEMU has no way to stop there by itself)."""
    start = time.monotonic()
    out = subprocess.PIPE if until_line else subprocess.DEVNULL
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    if until_line:
        for line in p.stdout:
            if until_line.encode() in line:
                p.kill()
                break
    _, _, ru = os.wait4(p.pid, 0)
    return ru.ru_utime + ru.ru_stime, time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    args = ap.parse_args()
    chemu, raw = os.path.join(args.build, "bin/chemu"), os.path.join(args.build, "bin/raw_unicorn")
    qemu = shutil.which("qemu-system-aarch64")
    qemu_base = [qemu, "-M", "raspi3b", "-m", "1G", "-nographic", "-semihosting", "-kernel"] if qemu else None
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for loop in ["compute.S", "memory.S"]:
            elf, loop_done = build_guest(loop, tmp)
            total = 4 * ITER * 10
            cmds = {"raw Unicorn (1 engine)": ([raw, elf, loop_done, str(ITER * 10)], ITER * 10),
                    # the same with a block hook that only counts: what seeing every block costs at least
                    "raw Unicorn + counting block hook": ([raw, elf, loop_done, str(ITER * 10), "--block-hook"], ITER * 10),
                    "chemu rr (4 cores)": ([chemu, elf], total)}
            if qemu:
                cmds["QEMU -icount shift=0,sleep=off"] = (qemu_base[:-1] + ["-icount", "shift=0,sleep=off", "-kernel", elf], total)
                cmds["QEMU MTTCG (default)"] = (qemu_base + [elf], total)
            rows += measure(loop, cmds, args.rounds)
        kernel = os.path.join(args.build, "guest/kernel.img")
        rows += measure("kernel full run", {"chemu rr": ([chemu, kernel], None)}, args.rounds)
        upstream = os.path.join(HERE, "..", "..", "shared", "guests", "chcore-lab4", "kernel.img")
        if os.path.isfile(upstream):  # the upstream ChCore Lab 4 image, to its last test line
            cmds = {"chemu rr": ([chemu, upstream], None)}
            if qemu:
                cmds["QEMU MTTCG (default)"] = (qemu_base + [upstream], None)
            rows += measure("upstream ChCore", cmds, args.rounds, until_line="Test IPC finished!")
    print(f"{'workload':16} {'command':34} {'CPU s':>8} {'wall s':>8} {'MIPS/CPU s':>11}")
    for r in rows:
        print(f"{r[0]:16} {r[1]:34} {r[2]:8.2f} {r[3]:8.2f} {r[4]:>11}")


def measure(workload, cmds, rounds, until_line=None):
    samples = {name: [] for name in cmds}
    for _ in range(rounds):
        for name, (cmd, _) in cmds.items():
            samples[name].append(timed(cmd, until_line))
    rows = []
    for name, (cmd, insns) in cmds.items():
        cpu = statistics.median(s[0] for s in samples[name])
        wall = statistics.median(s[1] for s in samples[name])
        mips = f"{insns / cpu / 1e6:.0f}" if insns else "-"
        rows.append((workload, name, cpu, wall, mips))
    return rows


if __name__ == "__main__":
    main()
