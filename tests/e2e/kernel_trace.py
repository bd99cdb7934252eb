#!/usr/bin/env python3
"""A whole kernel run with the kernel model on, its trace checked against what the kernel itself says.

    kernel_trace.py CHEMU IMAGE [--upstream] [chemu options...]

Runs IMAGE twice with the same options: once with --trace of the kernel kinds and uart lines (the
model on) and --trace-hash, once with --trace-hash alone (no sink: no model). Checks:
  - both runs print the same console, the same trace hash and the same schedule: the model only
    reads, and kernel events are not hashed;
  - every syscall line names its handler (sys_...; "unknown" only for numbers past any table), and
    the run made syscalls the test programs are known to make (sys_putstr, sys_ipc_call);
  - every syscall-return follows a syscall of the same name by the same thread, not yet returned;
  - every ipc-call is matched by the ipc-return on the same client thread, from the same server,
    before that thread calls again; the CPU then switches to the server (call) or the client
    (return); there are ipc-calls at all;
  - a thread never runs on two CPUs at once: a thread's syscall is made on the CPU that a
    thread-switch last put it on, and no other CPU has switched to it since;
  - our kernel (not --upstream): every `[top] CPU n: running T` line the kernel prints names the
    thread that the last thread-switch on CPU n before that line put there;
  - the upstream image (--upstream, ../shared/guests/chcore-lab4; exit 77 when absent): runs to the
    IPC test's last line; a thread that called sys_thread_exit never returns from it.
"""
import os
import re
import subprocess
import sys
import tempfile

KINDS = "thread-switch,syscall,syscall-return,ipc-call,ipc-return,irq-exit,uart"
LINE = re.compile(r"^core (\d) @(\d+) (\S+) ?(.*)$")


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def run(chemu, image, args, tmp, name, trace):
    sched = os.path.join(tmp, name + ".sched")
    cmd = [chemu, *args, "--trace-hash", "--schedule-out", sched]
    if trace:
        cmd += ["--trace", os.path.join(tmp, name + ".trace"), "--trace-events", KINDS]
    cmd.append(image)
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=600)
    hash_line = next((l for l in p.stderr.decode(errors="replace").splitlines() if l.startswith("trace-hash:")), "")
    with open(sched) as f:
        return p.returncode, p.stdout, hash_line, f.read()


def field(details, key):
    m = re.search(r"(?:^| )" + key + r"=(\S+)", details)
    return m.group(1) if m else None


def check_trace(path, upstream):
    on_cpu = {}          # thread -> the CPU a thread-switch last put it on
    current = {}         # CPU -> thread it runs
    pending = {}         # thread -> syscall name not yet returned
    ipc_open = {}        # client thread -> server of its unreturned ipc-call
    expect_switch = {}   # CPU -> the thread an IPC call or return just migrated to
    exited = set()       # threads whose sys_thread_exit has not been followed by a new switch to them
    counts = {"syscall": 0, "ipc-call": 0, "ipc-return": 0, "thread-switch": 0, "top": 0}
    names = set()
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = LINE.match(line.rstrip("\n"))
            if not m:
                continue
            core, kind, details = int(m.group(1)), m.group(3), m.group(4)
            where = f"line {n}: {line.strip()}"
            if kind == "thread-switch":
                t = field(details, "thread")
                counts[kind] += 1
                if t is None:
                    fail(f"thread-switch names no thread: {where}")
                if expect_switch.get(core, t) != t:
                    fail(f"the IPC went to {expect_switch[core]}, the CPU switched to {t}: {where}")
                expect_switch.pop(core, None)
                # (the CPU it left may not have noticed yet: it ERETs elsewhere later; it must
                # not make a syscall as that thread meanwhile, checked below)
                current[core] = t
                on_cpu[t] = core
                exited.discard(t)
            elif kind == "syscall":
                t, call = field(details, "thread"), details.split()[1]
                nr = int(field(details, "nr"))
                counts[kind] += 1
                names.add(call)
                if not (call.startswith("sys_") or call.startswith("hook_sys_")) and not (call == "unknown" and nr >= 64):
                    fail(f"syscall without a handler name: {where}")
                if on_cpu.get(t) != core or current.get(core) != t:
                    fail(f"syscall by a thread another CPU runs (thread-switch put it on CPU {on_cpu.get(t)}): {where}")
                if t in exited:
                    fail(f"syscall by a thread after its sys_thread_exit: {where}")
                pending[t] = call
                if call == "sys_thread_exit":
                    exited.add(t)
            elif kind == "syscall-return":
                t, call = field(details, "thread"), details.split()[1]
                if pending.get(t) != call:
                    fail(f"syscall-return without its syscall (pending: {pending.get(t)}): {where}")
                if call == "sys_thread_exit":
                    fail(f"sys_thread_exit returned: {where}")
                del pending[t]
            elif kind == "ipc-call":
                t, server = field(details, "thread"), field(details, "server")
                counts[kind] += 1
                if t in ipc_open:
                    fail(f"ipc-call by a thread whose last call has not returned: {where}")
                if current.get(core) != t:
                    fail(f"ipc-call by a thread the CPU does not run: {where}")
                expect_switch[core] = server
                ipc_open[t] = server
            elif kind == "ipc-return":
                t, server = field(details, "thread"), field(details, "server")
                counts[kind] += 1
                if ipc_open.get(t) != server:
                    fail(f"ipc-return without its ipc-call on that client thread: {where}")
                if current.get(core) == server:  # (else the server is gone: the call failed)
                    expect_switch[core] = t
                del ipc_open[t]
            elif kind == "uart" and not upstream:
                m2 = re.search(r"\[top\] CPU (\d): running (\S+),", details)
                if m2:
                    counts["top"] += 1
                    cpu, t = int(m2.group(1)), m2.group(2)
                    if current.get(cpu) != t:
                        fail(f"the kernel says CPU {cpu} runs {t}, the trace says {current.get(cpu)}: {where}")
    for k in ("syscall", "thread-switch", "ipc-call"):
        if counts[k] == 0:
            fail(f"no {k} lines at all")
    if counts["ipc-return"] < counts["ipc-call"] - 1:
        fail(f"{counts['ipc-call']} ipc-calls but only {counts['ipc-return']} ipc-returns")
    for known in ("sys_putstr", "sys_ipc_call", "sys_ipc_return", "sys_yield"):
        if known not in names:
            fail(f"no {known} syscall in the trace (syscalls seen: {sorted(names)})")
    if not upstream and counts["top"] < 4:
        fail("the kernel's [top] lines are missing")
    return counts


def main():
    args = sys.argv[1:]
    upstream = "--upstream" in args
    args = [a for a in args if a != "--upstream"]
    chemu, image, extra = args[0], args[1], args[2:]
    if upstream:
        image = os.environ.get("CHEMU_UPSTREAM_IMAGE", image)
        if not os.path.isfile(image):
            print(f"SKIP: no upstream ChCore image at {image}")
            return 77
        extra += ["--until-line", "Test IPC finished!"]
    with tempfile.TemporaryDirectory() as tmp:
        a = run(chemu, image, extra, tmp, "model", trace=True)
        b = run(chemu, image, extra, tmp, "plain", trace=False)
        if a[0] != 0:
            fail(f"the run with the model exited {a[0]}")
        if a[1] != b[1]:
            fail("the console differs with the model on")
        if not a[2] or a[2] != b[2]:
            fail(f"the trace hash differs with the model on: {a[2]} / {b[2]}")
        if a[3] != b[3]:
            fail("the schedule differs with the model on")
        counts = check_trace(os.path.join(tmp, "model.trace"), upstream)
        print(f"ok: same console, schedule and {a[2]} with and without the model; {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
