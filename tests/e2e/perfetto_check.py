#!/usr/bin/env python3
"""--perfetto of a kernel run, checked against the Trace Event Format rules that ui.perfetto.dev and
trace_processor rely on, and for what the kernel model adds.

    perfetto_check.py CHEMU IMAGE [chemu options...]

Rules: the file is one JSON object with a traceEvents list; every event has a known phase and the
fields that phase needs; per track (pid, tid) B/E slices nest (an E closes an open B, none left open)
and their timestamps never go backwards; complete (X) slices on a track nest with each other; every
flow id has exactly one start ('s') and one end ('f'), the end not before the start, each inside a
slice of its track; metadata names every process and every track that has events.
What the model adds: guest thread tracks in processes other than chemu's own, "running on CPU n"
slices with syscall slices nested in them, IPC flows (thread to thread) and IPI flows (an ipi track
to an irq track), counter samples (ready threads per CPU) in a named process.
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(doc):
    events = doc.get("traceEvents")
    if not isinstance(events, list) or not events:
        fail("no traceEvents list")
    named_tracks, named_pids = set(), set()
    open_slices = defaultdict(list)     # (pid, tid) -> [(ts, name)]
    spans = defaultdict(list)           # (pid, tid) -> [(start, end)] of closed B/E slices
    complete = defaultdict(list)        # (pid, tid) -> [(start, end)] of X slices
    last_ts = {}
    used = set()
    flows = defaultdict(dict)           # id -> {'s': event, 'f': event}
    stats = defaultdict(int)
    for i, e in enumerate(events):
        ph = e.get("ph")
        where = f"event {i}: {json.dumps(e)[:200]}"
        if ph == "M":
            if e.get("name") == "thread_name":
                named_tracks.add((e["pid"], e["tid"]))
            elif e.get("name") == "process_name":
                named_pids.add(e["pid"])
            else:
                fail(f"unknown metadata: {where}")
            if not e.get("args", {}).get("name"):
                fail(f"metadata without a name: {where}")
            continue
        for key in ("pid", "tid", "ts") if ph != "C" else ("pid", "ts"):
            if key not in e:
                fail(f"no {key}: {where}")
        if ph == "C":  # a counter belongs to its process, not to a thread track
            if e["pid"] not in named_pids:
                fail(f"counter in an unnamed process: {where}")
            if not e.get("name") or not e.get("args") or not all(isinstance(v, (int, float)) for v in e["args"].values()):
                fail(f"counter without a name or numeric values: {where}")
            stats["counter samples"] += 1
            continue
        track, ts = (e["pid"], e["tid"]), e["ts"]
        if not isinstance(ts, (int, float)) or ts < 0:
            fail(f"bad ts: {where}")
        used.add(track)
        if ph in ("B", "E"):
            if ts < last_ts.get(track, 0):
                fail(f"timestamp goes backwards on track {track}: {where}")
            last_ts[track] = ts
            if ph == "B":
                if not e.get("name"):
                    fail(f"B without a name: {where}")
                open_slices[track].append((ts, e["name"]))
                stats["B"] += 1
                if e["name"].startswith("running on CPU"):
                    stats["thread runs"] += 1
                elif e["pid"] >= 100 and len(open_slices[track]) == 2 and e["name"].startswith(("sys_", "hook_sys_")):
                    stats["nested syscalls"] += 1
            else:
                if not open_slices[track]:
                    fail(f"E without an open B on track {track}: {where}")
                start, _ = open_slices[track].pop()
                spans[track].append((start, ts))
        elif ph == "X":
            if "dur" not in e or e["dur"] < 0:
                fail(f"X without a duration: {where}")
            complete[track].append((ts, ts + e["dur"]))
        elif ph == "i":
            pass

        elif ph in ("s", "f"):
            if "id" not in e:
                fail(f"flow without an id: {where}")
            if ph in flows[e["id"]]:
                fail(f"flow {e['id']} has two '{ph}' events: {where}")
            flows[e["id"]][ph] = e
        else:
            fail(f"unknown phase {ph!r}: {where}")
    for track, stack in open_slices.items():
        if stack:
            fail(f"track {track} ends with {len(stack)} slice(s) open: {stack[-1]}")
    for track, xs in complete.items():  # X slices nest: sorted by start (longest first), a stack
        stack = []
        for start, end in sorted(xs, key=lambda s: (s[0], -s[1])):
            while stack and stack[-1] <= start + 1e-6:  # (ts + dur in floating point)
                stack.pop()
            if stack and end > stack[-1] + 1e-6:
                fail(f"X slices overlap without nesting on track {track} at {start}")
            stack.append(end)
    all_spans = defaultdict(list)
    for track in set(spans) | set(complete):
        all_spans[track] = spans[track] + complete[track]

    def inside(e):
        return any(s < e["ts"] < t for s, t in all_spans[(e["pid"], e["tid"])])

    for fid, ends in flows.items():
        if set(ends) != {"s", "f"}:
            fail(f"flow {fid} has only {sorted(ends)}")
        s, f = ends["s"], ends["f"]
        if f["ts"] < s["ts"] - 1e-9 and (s["pid"], s["tid"]) == (f["pid"], f["tid"]):
            fail(f"flow {fid} ends before it starts on one track")
        for end in (s, f):
            if not inside(end):
                fail(f"flow {fid} '{end['ph']}' is not inside a slice of its track: {json.dumps(end)}")
        if s["pid"] >= 100 and f["pid"] >= 100:
            stats["ipc flows"] += 1
        elif s["pid"] == 0 and s["tid"] >= 30 and f["tid"] in range(20, 30):
            stats["ipi flows"] += 1
    for track in used:
        if track not in named_tracks:
            fail(f"track {track} has events but no thread_name")
        if track[0] not in named_pids:
            fail(f"process {track[0]} has events but no process_name")
    stats["guest processes"] = len({p for p, _ in used if p >= 100})
    stats["guest threads"] = len({t for t in used if t[0] >= 100})
    return stats


def main():
    chemu, image, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "run.json")
        p = subprocess.run([chemu, *extra, "--perfetto", path, image], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
        if p.returncode not in (0, 4):
            fail(f"chemu exited {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}")
        with open(path) as f:
            doc = json.load(f)
    stats = check(doc)
    for need in ("thread runs", "nested syscalls", "ipc flows", "ipi flows", "guest processes", "counter samples"):
        if stats[need] == 0:
            fail(f"no {need} in the timeline: {dict(stats)}")
    print(f"ok: {dict(stats)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
