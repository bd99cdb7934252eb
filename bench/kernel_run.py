#!/usr/bin/env python3
"""CPU time of the kernel's whole run under rr, random (seed 3) and pct (seed 1), as whole processes.

    bench/kernel_run.py [--runs N] [--reference 'VAR=VALUE ... CHEMU'] [--only rr,random,pct]
                        [--extra-args '--no-spin-skip'] [CHEMU [KERNEL]]

Each run's CPU time (user + system, from the operating system's accounting of the finished child,
as /usr/bin/time reports it) is taken for CHEMU (default build/bin/chemu) and, when given, for a
reference command (e.g. an older build: --reference 'LD_LIBRARY_PATH=/tmp/base/lib201
/tmp/base/bin/chemu-b31b00d'), in turn A B A B, so both see the same machine drift. Prints the
median of each and the median of the pairwise ratios, and checks that both printed the same console
and trace hash. The host is shared: quote medians, and compare only figures taken side by side.
"""
import argparse
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile

WORKLOADS = {
    "rr": [],
    "random": ["--sched", "random", "--seed", "3"],
    "pct": ["--sched", "pct", "--seed", "1"],
}


def parse_command(text):
    """'VAR=VALUE ... PROGRAM ARGS' -> (environment additions, argv)."""
    words = shlex.split(text)
    env = {}
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


def run_and_measure(env_extra, argv):
    """Runs argv to completion and reaps it itself, so the usage read is this child's alone.
    Returns (cpu seconds, exit code, stdout, the trace-hash line of stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=dict(os.environ, **env_extra))
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        hash_line = next((l for l in err.read().decode(errors="replace").splitlines() if l.startswith("trace-hash:")), "")
        return usage.ru_utime + usage.ru_stime, proc.returncode, out.read(), hash_line


def bench_arguments(description):
    """The arguments every kernel bench takes: the chemu binary, the kernel image, runs per configuration."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("chemu", nargs="?", default="build/bin/chemu")
    p.add_argument("kernel", nargs="?", default="build/guest/kernel.img")
    p.add_argument("--runs", type=int, default=5)
    return p


def main():
    p = bench_arguments(__doc__)
    p.add_argument("--reference", help="command to compare against, run in turn with CHEMU")
    p.add_argument("--only", default="rr,random,pct", help="comma-separated workloads: " + ",".join(WORKLOADS))
    p.add_argument("--extra-args", default="", help="more options for CHEMU only (e.g. --no-spin-skip)")
    a = p.parse_args()

    subjects = [("chemu", {}, [a.chemu] + shlex.split(a.extra_args))]
    if a.reference:
        subjects.append(("reference", *parse_command(a.reference)))
    print(f"# {a.runs} runs each, in turn; CPU seconds (user + system) of the whole process; kernel {a.kernel}")
    for name in a.only.split(","):
        args = WORKLOADS[name] + ["--trace-hash", a.kernel]
        times = {s[0]: [] for s in subjects}
        outputs = {}
        for _ in range(a.runs):
            for label, env, cmd in subjects:
                cpu, code, out, hash_line = run_and_measure(env, cmd + args)
                times[label].append(cpu)
                outputs.setdefault(label, set()).add((code, out, hash_line))
        results = outputs["chemu"]
        code, _, hash_line = next(iter(results)) if len(results) == 1 else ("?", None, "RUNS DIFFER")
        line = f"{name:7s} chemu median {statistics.median(times['chemu']):7.2f} s"
        if a.reference:
            ratios = [x / y for x, y in zip(times["chemu"], times["reference"])]
            same = outputs["chemu"] == outputs["reference"]
            line += (f"   reference median {statistics.median(times['reference']):7.2f} s"
                     f"   ratio chemu/reference {statistics.median(ratios):.3f}"
                     f"   same console and hash: {'yes' if same else 'NO'}")
        print(f"{line}   exit {code}  {hash_line}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
