#!/usr/bin/env python3
"""What tracing costs: CPU time of the kernel's whole run (rr) without tracing, with the text trace of
machine events only, and with the text trace of every kind (the kernel model on), as whole processes.

    bench/trace_cost.py [--runs N] [--reference CHEMU2] [CHEMU [KERNEL]]

The configurations run in turn, N rounds, so all see the same machine drift; prints the median CPU
seconds (user + system) of each and the median ratio to the untraced run. The trace goes to
/dev/null: this measures formatting and the model, not the disk. With --reference, the same
configurations of another build (e.g. one before a change) run in the same rounds. The host is
shared: quote medians, and compare only figures taken side by side.
"""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_run import bench_arguments, run_and_measure  # noqa: E402

MACHINE_KINDS = ("slice-start,slice-end,exception,exception-storm,irq-raise,irq-deliver,timer,park,wake,"
                 "mailbox,spin-release,uart,exit,guest-error,maintenance,limit,power-off,reset")
CONFIGS = {
    "no trace": [],
    "text, machine kinds": ["--trace", "/dev/null", "--trace-events", MACHINE_KINDS],
    "text, all kinds (model)": ["--trace", "/dev/null"],
}


def main():
    p = bench_arguments(__doc__)
    p.add_argument("--reference", help="another chemu binary, run with the configurations it knows")
    a = p.parse_args()
    subjects = [("chemu", a.chemu, CONFIGS)]
    if a.reference:  # an older build may not know --trace-events
        subjects.append(("reference", a.reference, {k: v for k, v in CONFIGS.items() if "--trace-events" not in v}))
    times = {(s, c): [] for s, _, cfgs in subjects for c in cfgs}
    for _ in range(a.runs):
        for label, binary, cfgs in subjects:
            for name, args in cfgs.items():
                cpu, code, _, _ = run_and_measure({}, [binary, *args, a.kernel])
                if code != 0:
                    print(f"{label} {name}: exit {code}", file=sys.stderr)
                    return 1
                times[(label, name)].append(cpu)
    print(f"# {a.runs} runs each, in turn; CPU seconds (user + system); kernel {a.kernel}")
    for (label, name), ts in times.items():
        base = times[(label, "no trace")]
        ratio = statistics.median(x / y for x, y in zip(ts, base))
        print(f"{label:9s} {name:26s} median {statistics.median(ts):6.2f} s   x{ratio:.2f} of no trace   runs {' '.join(f'{t:.2f}' for t in ts)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
