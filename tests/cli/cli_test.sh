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

# expect CODE PATTERN -- args: runs chemu (stdin from $stdin, else /dev/null), checks the exit code and
# that stderr matches PATTERN.
expect() {
  code=$1 pattern=$2
  shift 3
  "$chemu" "$@" >"$tmp/out" 2>"$tmp/err" <"${stdin:-/dev/null}"
  got=$?
  if [ "$got" -ne "$code" ] || ! grep -Eq -e "$pattern" "$tmp/err"; then
    echo "FAIL: chemu $* -> exit $got (want $code), stderr:"; cat "$tmp/err"; exit 1
  fi
  if { [ "$code" = 2 ] || [ "$code" = 6 ]; } && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then
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
    expect 2 "cannot read image '/': Is a directory" -- /
    expect 2 "--quantum" -- --quantum 0 "$guests/uart_hello.elf"
    expect 2 "--boot" -- --boot sideways "$guests/uart_hello.elf"
    expect 2 "nonsense" -- --nonsense "$guests/uart_hello.elf"
    ;;
  linux-boot-input)
    # --dtb, --initrd, --append (an arm64 Linux Image): each bad input is one line and exit 2.
    python3 -c 'import sys; h = bytearray(4096); h[0:4] = bytes.fromhex("10000014"); h[16:24] = (8192).to_bytes(8, "little"); h[56:60] = b"ARM\x64"; sys.stdout.buffer.write(h)' >"$tmp/Image"
    printf 'not a device tree at all, only some text that is long enough for a header\n' >"$tmp/bad.dtb"
    : >"$tmp/empty.dtb"
    expect 2 "^chemu: cannot open --dtb file '/nonexistent.dtb'" -- --dtb /nonexistent.dtb "$tmp/Image"
    expect 2 "^chemu: --dtb file '$tmp/empty.dtb' is empty$" -- --dtb "$tmp/empty.dtb" "$tmp/Image"
    expect 2 "^chemu: $tmp/Image: device tree: not a flattened device tree: FDT_ERR_BADMAGIC$" -- --dtb "$tmp/bad.dtb" "$tmp/Image"
    expect 2 "^chemu: --initrd and --append need --dtb" -- --initrd "$tmp/Image" "$tmp/Image"
    expect 2 "^chemu: --initrd and --append need --dtb" -- --append quiet "$tmp/Image"
    expect 2 "^chemu: .*uart_hello.elf: --dtb, --initrd and --append need an arm64 Linux Image" -- --dtb "$tmp/bad.dtb" "$guests/uart_hello.elf"
    truncate -s 3000000 "$tmp/big.dtb"
    expect 2 "^chemu: --dtb file '$tmp/big.dtb' is larger than --dtb's limit of 2097152 bytes$" -- --dtb "$tmp/big.dtb" "$tmp/Image"
    ;;
  input-limits)
    # Inputs are read only up to a limit, judged by a regular file's size without reading it: an
    # image larger than RAM, more than 16 MiB of --input, a schedule past 256 MiB; an endless
    # --input (/dev/zero, or stdin from it) stops at the limit (catches reading until memory is gone).
    truncate -s 1056964609 "$tmp/huge.img"             # RAM (0x3f000000 bytes) + 1, sparse
    expect 2 "^chemu: $tmp/huge.img: the image is larger than RAM \\(1056964608 bytes\\)$" -- "$tmp/huge.img"
    expect 2 "^chemu: --input file '/dev/zero' is larger than --input's limit of 16777216 bytes$" -- --input /dev/zero "$guests/uart_hello.elf"
    stdin=/dev/zero
    expect 2 "^chemu: --input file '-' is larger than --input's limit" -- --input - "$guests/uart_hello.elf"
    stdin=
    truncate -s 16777217 "$tmp/input"
    expect 2 "^chemu: --input file '$tmp/input' is larger than --input's limit of 16777216 bytes$" -- --input "$tmp/input" "$guests/uart_hello.elf"
    truncate -s 16777216 "$tmp/input"                  # exactly the limit is taken
    "$chemu" --input "$tmp/input" "$guests/uart_hello.elf" >/dev/null || { echo "FAIL: 16 MiB of --input refused"; exit 1; }
    expect 2 "^chemu: cannot open --input file '/nonexistent': No such file or directory$" -- --input /nonexistent "$guests/uart_hello.elf"
    truncate -s 268435457 "$tmp/sched"
    expect 2 "^chemu: --schedule-in file '$tmp/sched' is larger than --schedule-in's limit of 268435456 bytes$" -- --schedule-in "$tmp/sched" "$guests/uart_hello.elf"
    ;;
  bad-options)
    # Every option value out of its range is refused with one line naming the option, never clamped
    # or wrapped (catches CLI11's strtoull taking -1 as 2^64-1, clamping past 2^64-1, or 'nan' passing
    # a range check, and a --max-time below one cycle meaning no limit).
    img="$guests/uart_hello.elf"
    expect 2 "^chemu: --seed: '18446744073709551616' is not a whole number from 0 to 18446744073709551615" -- --seed 18446744073709551616 "$img"
    expect 2 "^chemu: --seed: '-1' is not a whole number" -- --seed -1 "$img"
    expect 2 "^chemu: --seed: '99999999999999999999999' is not" -- --seed 99999999999999999999999 "$img"
    "$chemu" --seed 18446744073709551615 "$img" >/dev/null || { echo "FAIL: the largest seed is refused"; exit 1; }
    expect 2 "^chemu: --quantum: '-5' is not a whole number from 1 to" -- --quantum -5 "$img"
    expect 2 "^chemu: --quantum: '0' is not" -- --quantum 0 "$img"
    expect 2 "^chemu: --quantum: '1.5' is not" -- --quantum 1.5 "$img"
    expect 2 "^chemu: --pct-depth: '0' is not a whole number from 1 to 64" -- --sched pct --pct-depth 0 "$img"
    expect 2 "^chemu: --pct-depth: '65' is not" -- --sched pct --pct-depth 65 "$img"
    expect 2 "^chemu: --pct-steps: '0' is not" -- --sched pct --pct-steps 0 "$img"
    expect 2 "^chemu: --entry-el: '4' is not a whole number from 1 to 3" -- --entry-el 4 "$img"
    expect 2 "^chemu: --entry-el: '0' is not" -- --entry-el 0 "$img"
    expect 2 "^chemu: --entry-el: 'x' is not" -- --entry-el x "$img"
    expect 2 "^chemu: --max-instructions: '0' is not a whole number from 1" -- --max-instructions 0 "$img"
    expect 2 "^chemu: --max-instructions: '-1' is not" -- --max-instructions -1 "$img"
    expect 2 "^chemu: --max-time: 'nan' is not a number of seconds" -- --max-time nan "$img"
    expect 2 "^chemu: --max-time: 'inf' is not" -- --max-time inf "$img"
    expect 2 "^chemu: --max-time: '-1' is not" -- --max-time -1 "$img"
    expect 2 "^chemu: --max-time: '1e300' is not" -- --max-time 1e300 "$img"
    expect 2 "^chemu: --sched: " -- --sched fifo "$img"
    words "$tmp/spin.img" 14000000                      # b .
    expect 4 "stopped after 0.000 virtual seconds" -- --max-time 1e-12 "$tmp/spin.img"
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
  exit-status)
    # The guest's semihosting exit status is the exit code when it fits in 0-255; any other status
    # gives exit code 1 and one line saying so (catches 256 or 2^32 becoming 0, i.e. success).
    # adr x1, block; mov w0, #0x18 (SYS_EXIT); hlt #0xf000; block: ADP_Stopped_ApplicationExit, status
    status_img() { words "$tmp/exit.img" 10000061 52800300 d45e0000 00020026 00000000 "$1" "$2"; }
    for s in 0 7 255; do
      status_img "$(printf %x $s)" 0
      "$chemu" "$tmp/exit.img" >/dev/null 2>"$tmp/err"; got=$?
      [ $got = $s ] && [ ! -s "$tmp/err" ] || { echo "FAIL: status $s gave exit $got"; cat "$tmp/err"; exit 1; }
      echo "ok: status $s: exit $got"
    done
    status_img 100 0
    expect 1 "^chemu: the guest exited with status 256, outside 0-255: exit code 1$" -- "$tmp/exit.img"
    status_img 0 1
    expect 1 "^chemu: the guest exited with status 4294967296, outside 0-255: exit code 1$" -- "$tmp/exit.img"
    status_img ffffffff ffffffff
    expect 1 "^chemu: the guest exited with status -1, outside 0-255: exit code 1$" -- "$tmp/exit.img"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || { echo "FAIL: want one line"; exit 1; }
    ;;
  limits)
    # Runs that never end by themselves end by a limit: virtual time (exit 4), or a console line (exit 0).
    words "$tmp/spin.img" 14000000                      # b .
    expect 4 "stopped after 0.010 virtual seconds" -- --max-time 0.01 "$tmp/spin.img"
    expect 2 "--max-time" -- --max-time 0 "$tmp/spin.img"
    # --max-instructions stops at exactly N, even inside a long block: 1000 NOPs translate to blocks of
    # up to 256 instructions (catches a limit checked only at block boundaries, which overshot by up to 255).
    python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<I", 0xd503201f) * 1000 + struct.pack("<i", 0x17ffffff - 999))' >"$tmp/nops.img"
    for n in 1 100 255 257 1001 5003; do
      expect 4 "stopped after $n instructions \\(" -- --max-instructions $n "$tmp/nops.img"
    done
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
  schedule-in)
    # A schedule replays only the run it was recorded for. Malformed files, schedules recorded for
    # another image, --input or seed, and a start cycle the replay does not reach are refused with one
    # line and exit 2 (catches: a replay steering another program blind, a negative number wrapped to
    # 2^64-1, a v1 file without its header taken as slices).
    img="$guests/race.elf"
    "$chemu" --sched random --seed 3 --schedule-out "$tmp/s" "$img" >/dev/null; [ $? -le 1 ] || { echo "FAIL: record"; exit 1; }
    "$chemu" --schedule-in "$tmp/s" "$img" >/dev/null; [ $? -le 1 ] || { echo "FAIL: replay of its own schedule"; exit 1; }
    header=$(head -1 "$tmp/s")
    bad() { printf '%s\n' "$@" >"$tmp/bad"; }
    bad "$header" "0 0 100" "1 0 x"
    expect 2 "^chemu: $tmp/bad: schedule line 3 is not 'core start_cycle instructions \\[w\\|s\\|r\\]' \\(core 0-3\\)$" -- --schedule-in "$tmp/bad" "$img"
    bad "$header" "0 -1 100"
    expect 2 "^chemu: $tmp/bad: schedule line 2 is not" -- --schedule-in "$tmp/bad" "$img"
    bad "$header" "7 0 100"
    expect 2 "^chemu: $tmp/bad: schedule line 2 is not" -- --schedule-in "$tmp/bad" "$img"
    bad "$header" "0 0 100 trailing"
    expect 2 "^chemu: $tmp/bad: schedule line 2 is not" -- --schedule-in "$tmp/bad" "$img"
    bad "# chemu schedule v1: core start_cycle instructions" "0 0 100"
    expect 2 "^chemu: $tmp/bad: not a chemu schedule: the first line is not 'chemu-schedule v2 " -- --schedule-in "$tmp/bad" "$img"
    bad "$header"
    expect 2 "^chemu: $tmp/bad: the schedule has no slices$" -- --schedule-in "$tmp/bad" "$img"
    expect 2 "^chemu: $tmp/s was recorded for another image \\(hash [0-9a-f]{16}; .*spinlock.elf hashes to [0-9a-f]{16}\\)$" -- --schedule-in "$tmp/s" "$guests/spinlock.elf"
    printf 'x' >"$tmp/in"
    expect 2 "^chemu: $tmp/s was recorded with another --input \\(hash cbf29ce484222325; this one hashes to [0-9a-f]{16}\\)$" -- --schedule-in "$tmp/s" --input "$tmp/in" "$img"
    expect 2 "^chemu: $tmp/s was recorded with --seed 3, not --seed 4$" -- --schedule-in "$tmp/s" --seed 4 "$img"
    expect 2 "^chemu: $tmp/s was recorded with --boot auto, not --boot all$" -- --schedule-in "$tmp/s" --boot all "$img"
    # The third slice edited to start 1000 cycles later: the replay reaches it at the recorded cycle.
    awk 'NR == 5 { $2 += 1000 } { print }' "$tmp/s" >"$tmp/shifted"
    expect 2 "^chemu: schedule replay: the schedule starts a slice of core [0-3] at cycle [0-9]+, but the core is at cycle [0-9]+$" -- --schedule-in "$tmp/shifted" "$img"
    head -4 "$tmp/s" >"$tmp/short"
    expect 2 "^chemu: schedule replay: the run went past the recorded schedule \\(2 slices\\)$" -- --schedule-in "$tmp/short" "$img"
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
  memory-bounded)
    # A run's memory does not grow with its length: 10^6 one-block slices (--quantum 1) peak within
    # 32 MiB of 10^4 such slices (catches every slice kept without --schedule-out: the issue's guest
    # reached 1.6 GB). The same long run recording its schedule must grow past that margin, so the
    # measure can see this kind of growth. Counts are fixed by --max-instructions, not by host time.
    words "$tmp/count.img" 91000400 17ffffff            # add x0, x0, #1; b . -4: one 2-instruction block
    python3 - "$chemu" "$tmp/count.img" "$tmp/sched" <<'PY' || exit 1
import os, subprocess, sys
chemu, img, sched = sys.argv[1:]
def peak_mib(instructions, *extra):
    p = subprocess.Popen([chemu, "--quantum", "1", "--max-instructions", str(instructions), *extra, img],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 4, status
    return usage.ru_maxrss / 1024
short, long_run = peak_mib(20000), peak_mib(2000000)
recorded = peak_mib(2000000, "--schedule-out", sched)
print(f"peak RSS: 10^4 slices {short:.0f} MiB, 10^6 slices {long_run:.0f} MiB, 10^6 recorded {recorded:.0f} MiB")
assert long_run < short + 32, "memory grows with the number of slices"
assert recorded > short + 32, "recording 10^6 slices did not show: the measure cannot see growth"
print("ok")
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
    expect 6 "^chemu: cannot write --screenshot file '/nonexistent/dir/fb.png': No such file or directory$" -- --screenshot /nonexistent/dir/fb.png "$guests/framebuffer.elf"
    ;;
  output-errors)
    # Every output file that cannot be created or written ends the run with one line and exit 6,
    # including a full disk, which buffered writes report only at close (catches: /dev/full exiting 0).
    img="$guests/framebuffer.elf"
    for opt in --trace --perfetto --schedule-out --screenshot; do
      expect 6 "^chemu: cannot write $opt file '/dev/full': No space left on device$" -- $opt /dev/full "$img"
      expect 6 "^chemu: cannot write $opt file '/nonexistent/dir/out': No such file or directory$" -- $opt /nonexistent/dir/out "$img"
    done
    "$chemu" --trace - "$img" >/dev/full 2>"$tmp/err"
    got=$?
    [ $got = 6 ] && [ "$(cat "$tmp/err")" = "chemu: cannot write --trace file '-': No space left on device" ] || { echo "FAIL: --trace - to a full stdout: exit $got"; cat "$tmp/err"; exit 1; }
    echo "ok: exit 6: $(cat "$tmp/err")"
    # A trace that fails mid-run ends the run there, not after 10^8 more instructions: the schedule
    # (written after the run) holds only the slices run before the failure.
    words "$tmp/count.img" 91000400 17ffffff            # add x0, x0, #1; b . -4 (no fixed point)
    expect 6 "^chemu: cannot write --trace file '/dev/full': No space left on device$" -- --trace /dev/full --schedule-out "$tmp/s" --quantum 1000 --max-instructions 100000000 "$tmp/count.img"
    ran=$(awk 'NR > 2 { n += $3 } END { print n }' "$tmp/s")
    [ "$ran" -lt 1000000 ] || { echo "FAIL: the run went on for $ran instructions after the trace failed"; exit 1; }
    echo "ok: the run stopped after $ran instructions"
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
