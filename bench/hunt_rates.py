#!/usr/bin/env python3
"""Failures found per 100 seeds: random, pct and pct-comm side by side, on the race guest and on each
seeded-bug kernel (build/guest/kernel-bug-*.img).

    bench/hunt_rates.py [--seeds N] [--jobs J] [--targets a,b] [--policies p,q] [CHEMU]

Each (target, policy) pair is one `chemu search --seeds 0-(N-1) --bundles 0 --json FILE`; the count
of failing seeds is read from its JSON lines, so the figures depend only on chemu and the images,
never on the host (runs are deterministic). The kernels run with `--max-time 5` (a normal run ends
after 0.42 virtual seconds: more is a hang, or a run that pct starves). Prints a table of failures per 100 seeds and the
host CPU time each search took (children's user + system).
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL_OPTS = ["--max-time", "5"]
TARGETS = {
    "race": ("build/guests/race.elf", []),
    "enqueue-before-ctx": ("build/guest/kernel-bug-enqueue-before-ctx.img", KERNEL_OPTS),
    "rq-unlocked": ("build/guest/kernel-bug-rq-unlocked.img", KERNEL_OPTS),
}
POLICIES = ["random", "pct", "pct-comm"]


def child_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def failures(chemu, image, opts, policy, seeds, jobs):
    """(failing seeds, seeds run, CPU seconds) of one search."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "r.jsonl")
        before = child_cpu()
        subprocess.run([chemu, "search", "--seeds", f"0-{seeds - 1}", "--sched", policy, "--jobs", str(jobs),
                        "--bundles", "0", "--json", out, *opts, image],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        cpu = child_cpu() - before
        with open(out) as f:
            lines = [json.loads(l) for l in f][1:]
    return sum(1 for l in lines if l["result"] != "ok"), len(lines), cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("chemu", nargs="?", default=os.path.join(ROOT, "build/bin/chemu"))
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--targets", default=",".join(TARGETS))
    ap.add_argument("--policies", default=",".join(POLICIES))
    a = ap.parse_args()
    policies = a.policies.split(",")
    print(f"{'target':<20}" + "".join(f"{p:>22}" for p in policies))
    for name in a.targets.split(","):
        if name not in TARGETS:
            sys.exit(f"unknown target {name}: one of {', '.join(TARGETS)}")
        image, opts = TARGETS[name]
        row = f"{name:<20}"
        for p in policies:
            failed, run, cpu = failures(a.chemu, os.path.join(ROOT, image), opts, p, a.seeds, a.jobs)
            if run != a.seeds:
                sys.exit(f"{name} {p}: {run} of {a.seeds} seeds ran")
            row += f"{100.0 * failed / run:>9.1f} /100 ({cpu:6.0f} s)"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
