#!/bin/sh
# Command-line behaviour that users rely on: bad input gives one line on stderr and exit code 2;
# guest runaway gives a report naming core, PC and EL, and exit code 3; runs are repeatable.
#   cli_test.sh CASE CHEMU_BIN GUEST_DIR [SNIPPET_DIR]
set -u
case_name=$1 chemu=$2 guests=$3 snippets=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Writes little-endian 32-bit instruction words as a raw image.
words() { out=$1; shift; python3 -c 'import struct,sys; sys.stdout.buffer.write(b"".join(struct.pack("<I", int(w, 16)) for w in sys.argv[1:]))' "$@" >"$out"; }

# expect CODE PATTERN -- args: runs chemu, checks the exit code and that stderr matches PATTERN.
expect() {
  code=$1 pattern=$2
  shift 3
  "$chemu" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
  got=$?
  if [ "$got" -ne "$code" ] || ! grep -Eq -e "$pattern" "$tmp/err"; then
    echo "FAIL: chemu $* -> exit $got (want $code), stderr:"; cat "$tmp/err"; exit 1
  fi
  if [ "$code" = 2 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
    echo "FAIL: want exactly one line on stderr:"; cat "$tmp/err"; exit 1
  fi
  echo "ok: exit $got: $(head -1 "$tmp/err")"
}

case $case_name in
  bad-input)
    expect 2 "cannot open image" -- /nonexistent/kernel.img
    printf 'just some text, not a kernel\n' >"$tmp/text.img"
    expect 2 "text" -- "$tmp/text.img"
    : >"$tmp/empty.img"
    expect 2 "empty" -- "$tmp/empty.img"
    expect 2 "another architecture" -- /bin/sh
    head -c 100 "$guests/uart_hello.elf" >"$tmp/trunc.elf"
    expect 2 "truncated" -- "$tmp/trunc.elf"
    expect 2 "--quantum" -- --quantum 0 "$guests/uart_hello.elf"
    expect 2 "--boot" -- --boot sideways "$guests/uart_hello.elf"
    expect 2 "nonsense" -- --nonsense "$guests/uart_hello.elf"
    ;;
  segment-outside-ram)
    # Patch uart_hello's first program header so its physical address lies past RAM.
    python3 - "$guests/uart_hello.elf" "$tmp/far.elf" <<'PY'
import struct, sys
b = bytearray(open(sys.argv[1], "rb").read())
phoff = struct.unpack_from("<Q", b, 32)[0]
for i in range(struct.unpack_from("<H", b, 56)[0]):
    o = phoff + i * 56
    if struct.unpack_from("<I", b, o)[0] == 1:  # PT_LOAD
        struct.pack_into("<Q", b, o + 24, 0x80000000)  # p_paddr
        break
open(sys.argv[2], "wb").write(b)
PY
    expect 2 "outside RAM" -- "$tmp/far.elf"
    ;;
  runaway)
    words "$tmp/storm.img" 00000000                      # udf at 0x80000; VBAR_EL1 = 0 holds zeros too
    # Raw images start at EL2, as QEMU's raspi3b starts them.
    expect 3 "core 0 pc=0x[0-9a-f]+ EL2: exception storm" -- "$tmp/storm.img"
    words "$tmp/wild.img" d2aa0000 d61f0000              # mov x0, #0x50000000; br x0
    expect 3 "core 0 pc=0x50000000 EL2: fetch .*no RAM or device" -- "$tmp/wild.img"
    words "$tmp/mmio.img" d2a7e600 b9400001 14000000    # ldr w1, [0x3f300000]; b .
    # The PC of a device access is that of its translated block: Unicorn does not sync PC for MMIO.
    expect 3 "core 0 pc=0x8000[04] EL2: read of 4 bytes at 0x3f300000: no device claims it" -- --strict-mmio "$tmp/mmio.img"
    # Without --strict-mmio the same read gives 0 and the run goes on. A loop re-reading the address
    # warns once (catches: a warning per access flooding stderr, or a read that ends the run).
    words "$tmp/poll.img" d2a7e600 b9400001 17ffffff    # ldr w1, [0x3f300000]; b . -4
    expect 4 "unclaimed: read of 4 bytes at 0x3f300000 reads 0" -- --max-instructions 1000 "$tmp/poll.img"
    [ "$(grep -c unclaimed "$tmp/err")" -eq 1 ] || { echo "FAIL: want one warning:"; cat "$tmp/err"; exit 1; }
    # A watchdog full reset that is not the power-off convention: chemu does not reboot, it ends the
    # run with exit 5 and says why (catches: a reset ignored, looping, or taken for a power-off).
    words "$tmp/reset.img" d2a7e200 52ab4001 72800401 b9001c01 14000000  # PM_RSTC = 0x5a000020; b .
    expect 5 "core 0 pc=0x8000[0-9a-f]+ EL2: the guest asked for a reset \\(watchdog full reset, RSTS 0x1000\\)" -- "$tmp/reset.img"
    words "$tmp/spin.img" 14000000                      # b .
    expect 4 "stopped after 1000 instructions" -- --max-instructions 1000 "$tmp/spin.img"
    words "$tmp/idle.img" d503207f 17ffffff             # wfi; b . -1
    expect 3 "every core is waiting" -- "$tmp/idle.img"
    ;;
  limits)
    # Runs that never end by themselves end by a limit: virtual time (exit 4), or a console line (exit 0).
    words "$tmp/spin.img" 14000000                      # b .
    expect 4 "stopped after 0.010 virtual seconds" -- --max-time 0.01 "$tmp/spin.img"
    expect 2 "--max-time" -- --max-time 0 "$tmp/spin.img"
    "$chemu" --until-line "hello from" "$guests/uart_hello.elf" >"$tmp/out" 2>&1 </dev/null
    got=$?
    # Catches: output after the matching line (the slice must end at that line), or a non-zero exit.
    [ $got = 0 ] && [ "$(cat "$tmp/out")" = "hello from chemu guest" ] || { echo "FAIL: --until-line: exit $got:"; cat "$tmp/out"; exit 1; }
    echo "ok: --until-line stops at its line"
    ;;
  determinism)
    # Same image and seed twice: byte-identical console and trace hash. Catches any host clock,
    # host thread or unordered iteration leaking into a run.
    for args in "--sched rr" "--sched random --seed 11" "--sched pct --seed 11"; do
      for i in 1 2; do "$chemu" $args --trace-hash "$guests/timer_tick.elf" >"$tmp/out$i" 2>"$tmp/hash$i"; done
      cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/hash1" "$tmp/hash2" || { echo "FAIL: $args differs between runs"; cat "$tmp/hash1" "$tmp/hash2"; exit 1; }
      echo "ok: $args twice: $(cat "$tmp/hash1")"
    done
    # Ten seeds on a racy guest: at least five different interleavings (trace hashes).
    for s in 0 1 2 3 4 5 6 7 8 9; do "$chemu" --sched random --seed $s --trace-hash "$guests/race.elf" 2>&1 >/dev/null | grep trace-hash; done | sort -u >"$tmp/hashes"
    n=$(wc -l <"$tmp/hashes")
    [ "$n" -ge 5 ] || { echo "FAIL: only $n different trace hashes over 10 seeds"; exit 1; }
    echo "ok: 10 seeds gave $n different trace hashes"
    ;;
  devices-determinism)
    # The RNG, the system timer and the local timer in use together (device_mix): the same seed twice
    # gives the same console and trace hash under every policy (catches host entropy or host time in
    # a device); another seed gives other RNG words, under rr too (catches an RNG not seeded by --seed).
    for args in "--sched rr" "--sched random --seed 11" "--sched pct --seed 11"; do
      for i in 1 2; do "$chemu" $args --trace-hash "$guests/device_mix.elf" >"$tmp/out$i" 2>"$tmp/hash$i" || { echo "FAIL: $args exit $?"; cat "$tmp/out$i"; exit 1; }; done
      cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/hash1" "$tmp/hash2" || { echo "FAIL: $args differs between runs"; cat "$tmp/hash1" "$tmp/hash2"; exit 1; }
      echo "ok: $args twice: $(cat "$tmp/hash1")"
    done
    "$chemu" --seed 1 "$guests/device_mix.elf" >"$tmp/s1"
    "$chemu" --seed 2 "$guests/device_mix.elf" >"$tmp/s2"
    ! cmp -s "$tmp/s1" "$tmp/s2" || { echo "FAIL: seeds 1 and 2 gave the same RNG words"; cat "$tmp/s1"; exit 1; }
    echo "ok: seeds 1 and 2 differ: $(head -1 "$tmp/s1") / $(head -1 "$tmp/s2")"
    # Every core waits for a system timer match: time jumps to exactly the match (a whole microsecond,
    # 1200 cycles) and the interrupt arrives at that cycle (catches a skip to the wrong time, or none).
    "$chemu" --trace "$tmp/t.txt" "$guests/sys_timer.elf" >/dev/null || { echo "FAIL: sys_timer"; exit 1; }
    wake=$(grep -m1 "wake timer (idle skip)" "$tmp/t.txt" | sed 's/.*@\([0-9]*\).*/\1/')
    [ -n "$wake" ] && [ $((wake % 1200)) -eq 0 ] || { echo "FAIL: no idle skip to a microsecond: '$wake'"; exit 1; }
    grep -q "core 0 @$wake irq-deliver sources=0x100" "$tmp/t.txt" || { echo "FAIL: no GPU interrupt at $wake"; exit 1; }
    echo "ok: idle skip to the compare match at cycle $wake, interrupt delivered there"
    ;;
  race-replay)
    # Some seed loses an update and some does not; replaying the losing seed's recorded schedule
    # loses exactly the same updates again, with the same trace hash.
    lose="" keep=""
    for s in $(seq 0 30); do
      "$chemu" --sched random --seed $s "$guests/race.elf" >/dev/null 2>&1
      case $? in 1) [ -z "$lose" ] && lose=$s ;; 0) [ -z "$keep" ] && keep=$s ;; *) echo "FAIL: race guest did not finish (seed $s)"; exit 1 ;; esac
    done
    [ -n "$lose" ] && [ -n "$keep" ] || { echo "FAIL: want a losing and a clean seed in 0-30 (lose=$lose keep=$keep)"; exit 1; }
    "$chemu" --sched random --seed "$lose" --trace-hash --schedule-out "$tmp/sched" "$guests/race.elf" >"$tmp/a" 2>"$tmp/ha"
    "$chemu" --schedule-in "$tmp/sched" --trace-hash "$guests/race.elf" >"$tmp/b" 2>"$tmp/hb"
    cmp -s "$tmp/a" "$tmp/b" && cmp -s "$tmp/ha" "$tmp/hb" || { echo "FAIL: replay of seed $lose differs"; cat "$tmp/a" "$tmp/b" "$tmp/ha" "$tmp/hb"; exit 1; }
    echo "ok: seed $lose loses ($(cat "$tmp/a")), seed $keep does not; the replay matches: $(cat "$tmp/hb")"
    ;;
  wfi-sleep-fast)
    # Ten virtual seconds asleep in WFI must not be emulated tick by tick: virtual time jumps to the
    # next deadline when every core waits. Checked on the run itself (deterministic), not host time:
    # the wake-ups are idle skips and the whole run takes few slices.
    "$chemu" --trace "$tmp/trace" "$guests/wfi_sleep.elf" >"$tmp/out" || { echo "FAIL: wfi_sleep failed"; exit 1; }
    skips=$(grep -c "wake timer (idle skip)" "$tmp/trace")
    slices=$(grep -c "slice-start" "$tmp/trace")
    [ "$skips" -ge 1 ] && [ "$slices" -lt 5000 ] || { echo "FAIL: $skips idle skips, $slices slices"; exit 1; }
    echo "ok: 10 virtual seconds in $slices slices, $skips idle skips"
    ;;
  memory)
    # Cross-core code invalidation (coherence guest: IC IVAU and IC IALLUIS) must not fall back to
    # Unicorn's whole TB flush, which makes each engine's 1 GiB code buffer resident (and costs ~100 ms).
    python3 - "$chemu" "$guests/coherence.elf" <<'PY' || exit 1
import resource, subprocess, sys
subprocess.run([sys.argv[1], sys.argv[2]], stdout=subprocess.DEVNULL, check=True)
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
assert peak_mib < 400, f"peak RSS {peak_mib:.0f} MiB"
print(f"ok: peak RSS {peak_mib:.0f} MiB")
PY
    ;;
  perfetto)
    # The Perfetto timeline is valid JSON with a track per core and one duration event per slice.
    "$chemu" --trace "$tmp/t.txt" --perfetto "$tmp/t.json" "$guests/timer_tick.elf" >/dev/null || { echo "FAIL: run"; exit 1; }
    slices=$(grep -c " slice-end " "$tmp/t.txt")
    python3 - "$tmp/t.json" "$slices" <<'PY' || exit 1
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
tracks = {e["tid"] for e in events if e["ph"] == "M" and e["name"] == "thread_name" and e["pid"] == 0 and e["tid"] < 4}
running = [e for e in events if e["ph"] == "X" and e["name"] == "running"]
assert tracks == {0, 1, 2, 3}, tracks
irqs = [e for e in events if e["ph"] == "B" and e["name"] == "irq"]
assert irqs, "no IRQ slices (timer_tick takes timer IRQs)"
assert len(running) == int(sys.argv[2]), (len(running), sys.argv[2])
assert all(e["dur"] >= 0 for e in running)
print(f"ok: {len(events)} events, {len(running)} slices on 4 core tracks, {len(irqs)} IRQ slices")
PY
    ;;
  symbols)
    # Every code address of an ELF is followed by its symbol; a raw image's are bare (catches: symbols
    # not loaded, or invented for an image that has none).
    "$chemu" --trace "$tmp/t.txt" "$guests/timer_tick.elf" >/dev/null || { echo "FAIL: run"; exit 1; }
    grep -Eq "irq-deliver .* pc=0x[0-9a-f]+ <[A-Za-z_][A-Za-z0-9_]*(\+[0-9]+)?>" "$tmp/t.txt" || { echo "FAIL: no symbol after an IRQ's pc:"; grep -m3 irq-deliver "$tmp/t.txt"; exit 1; }
    grep -Eq "park wfi pc=0x[0-9a-f]+ <" "$tmp/t.txt" || { echo "FAIL: no symbol after a park's pc"; exit 1; }
    words "$tmp/idle.img" d503207f 17ffffff             # wfi; b . -1
    "$chemu" --trace "$tmp/r.txt" "$tmp/idle.img" >/dev/null 2>&1
    ! grep -q "<" "$tmp/r.txt" || { echo "FAIL: a raw image's trace names symbols:"; grep -m3 "<" "$tmp/r.txt"; exit 1; }
    echo "ok: $(grep -m1 irq-deliver "$tmp/t.txt")"
    ;;
  trace-events)
    # --trace-events keeps only the kinds named, and never changes the hash (catches: other kinds let
    # through, a kind dropped, the hash filtered with the sink, an unknown kind accepted).
    "$chemu" --trace "$tmp/all.txt" --trace-hash "$guests/timer_tick.elf" >/dev/null 2>"$tmp/h1" || { echo "FAIL: run"; exit 1; }
    "$chemu" --trace "$tmp/some.txt" --trace-events uart,irq-deliver --trace-hash "$guests/timer_tick.elf" >/dev/null 2>"$tmp/h2" || { echo "FAIL: run"; exit 1; }
    grep -E " (uart|irq-deliver) " "$tmp/all.txt" >"$tmp/want"
    cmp -s "$tmp/want" "$tmp/some.txt" || { echo "FAIL: the filtered trace is not the uart and irq-deliver lines"; diff "$tmp/want" "$tmp/some.txt" | head; exit 1; }
    [ -s "$tmp/some.txt" ] || { echo "FAIL: empty"; exit 1; }
    cmp -s "$tmp/h1" "$tmp/h2" || { echo "FAIL: the hash changed with the filter"; cat "$tmp/h1" "$tmp/h2"; exit 1; }
    expect 2 "unknown kind 'syscal'.*syscall" -- --trace-events syscal --trace - "$guests/timer_tick.elf"
    echo "ok: $(wc -l <"$tmp/some.txt") of $(wc -l <"$tmp/all.txt") lines kept, $(cat "$tmp/h1")"
    ;;
  unclaimed)
    # The unclaimed guest touches 7 unmodelled registers (read, write, read, 3 polls each): by default it
    # passes, with one stderr warning per address and direction (14), and a guest-error trace event for
    # each; --strict-mmio ends the run at the first access (catches: warnings per access, a missing
    # warning, or --strict-mmio not strict).
    "$chemu" --trace "$tmp/t.txt" "$guests/unclaimed.elf" >"$tmp/out" 2>"$tmp/err" || { echo "FAIL: exit $?"; cat "$tmp/err"; exit 1; }
    n=$(grep -c "unclaimed: " "$tmp/err")
    [ "$n" -eq 14 ] || { echo "FAIL: want 14 warnings, got $n:"; cat "$tmp/err"; exit 1; }
    [ "$(grep -c "guest-error .*unclaimed: " "$tmp/t.txt")" -eq 14 ] || { echo "FAIL: trace events"; exit 1; }
    echo "ok: 14 warnings, e.g. $(head -1 "$tmp/err")"
    expect 3 "read of 4 bytes at 0x3f00b400: no device claims it" -- --strict-mmio "$guests/unclaimed.elf"
    ;;
  screenshot)
    # --screenshot writes what the framebuffer guest drew as a PNG; decode it with the standard library
    # (zlib + PNG row filters) and check pixels of each shape. Catches: a wrong base, pitch, depth or
    # channel order, rows or columns swapped, or no file at all.
    "$chemu" --screenshot "$tmp/fb.png" "$guests/framebuffer.elf" >/dev/null || { echo "FAIL: run"; exit 1; }
    python3 - "$tmp/fb.png" <<'PY' || exit 1
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    pos += 12 + n
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
assert (w, h, depth, ctype) == (160, 120, 8, 2), (w, h, depth, ctype)
raw, stride, rows, prev = zlib.decompress(idat), 3 * w, [], bytearray(3 * w)
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - 3] if i >= 3 else 0
        b, c = prev[i], prev[i - 3] if i >= 3 else 0
        p = a + b - c
        pred = [0, a, b, (a + b) // 2, a if abs(p - a) <= min(abs(p - b), abs(p - c)) else b if abs(p - b) <= abs(p - c) else c][f]
        line[i] = (line[i] + pred) & 0xff
    rows.append(line)
    prev = line
px = lambda x, y: tuple(rows[y][3 * x:3 * x + 3])
want = {(0, 0): (0, 0, 128), (19, 10): (0, 0, 128), (20, 10): (255, 0, 0), (59, 49): (255, 0, 0), (60, 49): (0, 0, 128),
        (80, 60): (0, 255, 0), (139, 99): (0, 255, 0), (100, 100): (0, 0, 128), (159, 119): (255, 255, 255)}
bad = {k: (px(*k), v) for k, v in want.items() if px(*k) != v}
assert not bad, bad
print(f"ok: {w}x{h} PNG, {len(want)} pixels as drawn")
PY
    expect 2 "screenshot: cannot open" -- --screenshot /nonexistent/dir/fb.png "$guests/framebuffer.elf"
    ;;
  spin-skip)
    # --no-spin-skip changes how long a run takes, never the run: the same console, exit code and
    # trace hash with and without the skip, on guests whose cores wait for each other, under every
    # policy. Catches a skip that moves a slice's end or changes what a core reads. The spinlock and
    # race guests' waits count their polls (never a fixed point); spin_fixed_point's are skipped.
    for img in "$guests/spinlock.elf" "$guests/race.elf" "$guests/smp_boot.img" "$snippets/spin_fixed_point.elf"; do
      for args in "--sched rr" "--sched random --seed 3" "--sched pct --seed 3"; do
        "$chemu" $args -v --trace-hash "$img" >"$tmp/a" 2>"$tmp/ha"; ca=$?
        "$chemu" $args --no-spin-skip --trace-hash "$img" >"$tmp/b" 2>"$tmp/hb"; cb=$?
        if [ "$ca" != "$cb" ] || ! cmp -s "$tmp/a" "$tmp/b" || [ "$(grep trace-hash "$tmp/ha")" != "$(cat "$tmp/hb")" ]; then
          echo "FAIL: $img $args differs with --no-spin-skip (exit $ca / $cb)"; cat "$tmp/ha" "$tmp/hb"; exit 1
        fi
        echo "ok: $(basename "$img") $args: exit $ca, $(cat "$tmp/hb"), $(grep -o '[0-9]* of them' "$tmp/ha") skipped"
      done
    done
    if grep -q " 0 of them" "$tmp/ha"; then echo "FAIL: nothing skipped in spin_fixed_point"; exit 1; fi
    ;;
  *) echo "unknown case $case_name"; exit 2 ;;
esac
