#!/usr/bin/env python3
"""Scheduler costs of the guest kernel, measured from one chemu trace (a benchmark, not a test).

    bench/sched_cost.py [--chemu build/bin/chemu] [--image build/guest/kernel.img] [--quantum 1000]
                        [--trace saved.trace]

1. Context switch: procmgr's yield ping-pong (two threads on CPU 3 yielding to each other, started by
   bench_yield_pingpong() in guest_user/procmgr/sched_tests.cpp) prints "yield ping-pong: begin";
   from there every svc on core 3 at the ping-pong's svc address is one yield that switches thread.
   Reported: cycles per switch (svc to svc), cycles in the kernel (svc entry to ERET), and guest
   instructions per switch (cycles x instructions/cycle of core 3's slices inside the window; a small
   --quantum keeps the slices at the window's edges small).
2. Timer tick: every IRQ with the timer source (0x2), from its `irq-deliver` to the core's next
   `exception return`: the time the kernel spends per 10 ms tick, split by where the tick landed
   (EL0: a user thread, EL1: the idle thread), in cycles and as a share of the tick.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CYCLES_PER_TICK = 12_000_000  # 10 ms at 1.2 GHz
LINE = re.compile(r"^core (\d+) @(\d+) (\S+)\s*(.*)$")


def events(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = LINE.match(line)
            if m:
                yield int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)


def summary(xs):
    xs = sorted(xs)
    return (f"n={len(xs)} mean={statistics.mean(xs):.0f} median={statistics.median(xs):.0f} "
            f"min={xs[0]} max={xs[-1]}")


def pingpong(path):
    core, start = None, None
    svcs = []      # (cycle, pc) of svc64 on the ping-pong core after "begin"
    rets = {}      # svc cycle -> cycle of the following exception return
    slices = []    # (start cycle, end cycle, instructions) on that core
    slice_start = None
    last_svc = None
    for c, cyc, kind, rest in events(path):
        if core is None:
            if kind == "uart" and "yield ping-pong: begin" in rest:  # the line may end in \\r
                core, start = c, cyc
            continue
        if c != core:
            continue
        if kind == "exception" and rest.startswith("svc64"):
            pc = re.search(r"pc=(0x[0-9a-f]+)", rest).group(1)
            svcs.append((cyc, pc))
            last_svc = cyc
        elif kind == "exception" and rest.startswith("return") and last_svc is not None:
            rets.setdefault(last_svc, cyc)
        elif kind == "slice-start":
            slice_start = cyc
        elif kind == "slice-end" and slice_start is not None:
            slices.append((slice_start, cyc, int(rest.split("=")[1])))
    if core is None or not svcs:
        return None
    run, run_pc = [], None
    for cyc, pc in svcs:  # the first long run of svcs from one address: the ping-pong's yields
        if pc != run_pc:
            if len(run) > 100:
                break
            run, run_pc = [], pc
        run.append(cyc)
    if len(run) < 2:
        return None
    first, last = run[0], run[-1]
    per_switch = (last - first) / (len(run) - 1)
    in_kernel = [rets[s] - s for s in run if s in rets]
    inside = [(a, b, n) for a, b, n in slices if a >= first and b <= last]
    ipc = sum(n for _, _, n in inside) / max(1, sum(b - a for a, b, _ in inside))
    return core, len(run), per_switch, statistics.mean(in_kernel), ipc, len(inside)


def ticks(path):
    pending = {}
    by_el = {"EL0": [], "EL1": []}
    for c, cyc, kind, rest in events(path):
        if kind == "irq-deliver":
            src = int(re.search(r"sources=(0x[0-9a-f]+)", rest).group(1), 16)
            el = re.search(r"from=(EL\d)", rest).group(1)
            if src & 0x2:
                pending[c] = (cyc, el)
        elif kind == "exception" and rest.startswith("return") and c in pending:
            start, el = pending.pop(c)
            by_el.setdefault(el, []).append(cyc - start)
    return by_el


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--chemu", default=os.path.join(REPO, "build/bin/chemu"))
    ap.add_argument("--image", default=os.path.join(REPO, "build/guest/kernel.img"))
    ap.add_argument("--quantum", type=int, default=1000, help="chemu --quantum (default 1000)")
    ap.add_argument("--trace", help="use this saved trace instead of running chemu")
    args = ap.parse_args()
    tmp = None
    path = args.trace
    if not path:
        tmp = tempfile.NamedTemporaryFile(prefix="sched_cost.", suffix=".trace", delete=False)
        cmd = [args.chemu, "--quantum", str(args.quantum), "--trace", tmp.name, args.image]
        print("$ " + " ".join(cmd))
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        for line in r.stdout.splitlines():
            if "ping-pong" in line:
                print("  guest: " + line)
        path = tmp.name
    try:
        pp = pingpong(path)
        if pp:
            core, n, per_switch, in_kernel, ipc, nslices = pp
            print(f"context switch (yield ping-pong on core {core}, {n} yields):")
            print(f"  {per_switch:.0f} cycles per switch (svc to svc), {in_kernel:.0f} of them in the kernel (svc entry to ERET)")
            print(f"  ~{per_switch * ipc:.0f} guest instructions per switch ({ipc:.3f} instructions/cycle over {nslices} slices)")
        else:
            print("no yield ping-pong in this trace")
        by_el = ticks(path)
        print("timer tick (irq-deliver with the timer source to the next exception return), cycles:")
        for el, xs in by_el.items():
            if xs:
                print(f"  from {el}: {summary(xs)}; mean {100 * statistics.mean(xs) / CYCLES_PER_TICK:.4f}% of a 10 ms tick")
    finally:
        if tmp:
            os.unlink(tmp.name)


if __name__ == "__main__":
    sys.exit(main())
