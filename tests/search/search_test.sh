#!/bin/sh
# chemu search and chemu shrink from the command line, on the race guest (two cores, an unlocked
# counter: some seeds lose updates and exit 1). Every check compares with what plain chemu runs say,
# so a search that misses a failing seed, a bundle that does not reproduce, a shrink that keeps a
# schedule that no longer fails, or shards that do not add up to the whole search all fail here.
#   search_test.sh CASE CHEMU_BIN GUEST_DIR
set -u
case_name=$1 chemu=$2 guests=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
race=$guests/race.elf
seeds=0-11

die() { echo "FAIL: $*"; exit 1; }

# The failing seeds of $seeds by running chemu on each seed, one after the other.
direct_failures() {
  out=""
  for s in $(seq 0 11); do
    "$chemu" --sched random --seed "$s" "$race" >/dev/null 2>&1
    [ $? -eq 1 ] && out="$out $s"
  done
  echo "$out"
}

case $case_name in
  finds-and-bundles)
    "$chemu" search --seeds $seeds --sched random --jobs 2 --out "$tmp/bugs" "$race" >"$tmp/out" 2>"$tmp/err"
    code=$?
    cat "$tmp/out"
    [ $code -eq 1 ] || die "search exited $code, want 1 (some seed fails); stderr: $(cat "$tmp/err")"
    want=$(direct_failures)
    [ -n "$want" ] || die "no seed of $seeds loses an update: pick another range"
    got=$(grep '^seed .*: FAIL exit 1' "$tmp/out" | sed 's/^seed \([0-9]*\):.*/\1/' | sort -n | tr '\n' ' ')
    [ "$(echo $got)" = "$(echo $want)" ] || die "search found seeds '$got', chemu alone fails on '$want'"
    first=$(echo $want | cut -d' ' -f1)
    b="$tmp/bugs/seed-$first"
    for f in repro.sh console.txt schedule.txt trace.txt perfetto.json cores.txt report.txt bundle.json; do
      [ -s "$b/$f" ] || die "bundle $b has no $f"
    done
    # The bundle's command reproduces the failure, from another directory.
    (cd / && sh "$b/repro.sh" >"$tmp/again" 2>&1)
    [ $? -eq 1 ] || die "repro.sh did not exit 1"
    cmp -s "$tmp/again" "$b/console.txt" || die "repro.sh printed something else than console.txt"
    # The search ran the bundle in a forked child of its own (run_self_in_child); repro.sh execs chemu:
    # the same run, event for event.
    (cd / && sh "$b/repro.sh" --trace "$tmp/again.trace" >/dev/null 2>&1)
    cmp -s "$tmp/again.trace" "$b/trace.txt" || die "repro.sh's trace differs from the bundle's trace.txt"
    grep -q "failure:   exit 1" "$b/report.txt" || die "report without the failure"
    grep -q "fails the same way" "$b/report.txt" || die "report: the re-run did not fail the same way"
    for c in 0 1 2 3; do grep -q "^core $c: " "$b/report.txt" || die "report names no state for core $c"; done
    grep -q "=> 0x" "$b/report.txt" || die "report has no disassembly around a PC"
    grep -q "pc = 0x[0-9a-f]* <sh_exit" "$b/report.txt" || die "core 0 PC not symbolized as sh_exit (where it exits)"
    grep -q "slice-end" "$b/report.txt" || die "report has no last events"
    echo "ok: failing seeds$want found, bundle $b reproduces"
    ;;
  shrink)
    "$chemu" search --seeds $seeds --sched random --jobs 2 --stop-after 1 --out "$tmp/bugs" "$race" >"$tmp/out" 2>&1
    b=$(ls -d "$tmp"/bugs/seed-* | head -1)
    [ -d "$b" ] || die "no bundle: $(cat "$tmp/out")"
    "$chemu" shrink --jobs 2 --verify 10 --time-budget 200 "$b" >"$tmp/shrink" 2>&1 || die "shrink failed: $(cat "$tmp/shrink")"
    cat "$tmp/shrink"
    before=$(sed -n 's/^preemptions: \([0-9]*\) before, \([0-9]*\) after.*/\1/p' "$b/shrink.txt")
    after=$(sed -n 's/^preemptions: \([0-9]*\) before, \([0-9]*\) after.*/\2/p' "$b/shrink.txt")
    [ -n "$before" ] && [ -n "$after" ] && [ "$after" -lt "$before" ] || die "preemptions not cut: '$before' -> '$after'"
    # Ten strict replays of the shrunk schedule, each losing updates again (exit 1).
    for i in 1 2 3 4 5 6 7 8 9 10; do
      sh "$b/repro-shrunk.sh" >"$tmp/r$i" 2>&1
      [ $? -eq 1 ] || die "replay $i of the shrunk schedule did not fail: $(cat "$tmp/r$i")"
    done
    grep -q "lenient" "$b/shrunk-schedule.txt" && die "the shrunk schedule must replay strictly"
    echo "ok: preemptions $before -> $after, 10/10 replays fail"
    ;;
  shards)
    "$chemu" search --seeds $seeds --jobs 2 --bundles 0 --json "$tmp/all.jsonl" "$race" >"$tmp/all.txt" 2>/dev/null
    "$chemu" search --seeds $seeds --jobs 2 --bundles 0 --shard 0/2 --json "$tmp/s0.jsonl" "$race" >/dev/null 2>&1
    "$chemu" search --seeds $seeds --jobs 2 --bundles 0 --shard 1/2 --json "$tmp/s1.jsonl" "$race" >/dev/null 2>&1
    "$chemu" search --merge "$tmp/s1.jsonl" "$tmp/s0.jsonl" --merge-json "$tmp/merged.jsonl" >"$tmp/merged.txt"
    [ $? -eq 1 ] || die "merge should exit 1 (failures)"
    grep '^  ' "$tmp/all.txt" >"$tmp/all.sum"; grep '^search: ' "$tmp/all.txt" >>"$tmp/all.sum"
    grep '^  ' "$tmp/merged.txt" >"$tmp/merged.sum"; grep '^search: ' "$tmp/merged.txt" >>"$tmp/merged.sum"
    cmp "$tmp/all.sum" "$tmp/merged.sum" || die "merged summary differs: $(cat "$tmp/all.sum" "$tmp/merged.sum")"
    tail -n +2 "$tmp/all.jsonl" >"$tmp/a"; tail -n +2 "$tmp/merged.jsonl" >"$tmp/m"
    cmp "$tmp/a" "$tmp/m" || die "merged JSON lines differ from the unsharded ones"
    [ "$(wc -l <"$tmp/s0.jsonl")" -gt 1 ] && [ "$(wc -l <"$tmp/s1.jsonl")" -gt 1 ] || die "a shard ran no seed"
    "$chemu" search --merge "$tmp/s0.jsonl" >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] && grep -q "missing" "$tmp/err" || die "a missing shard was not reported"
    cat "$tmp/merged.txt"
    echo "ok: shards 0/2 + 1/2 merged = the unsharded search"
    ;;
  criteria)
    hello=$guests/uart_hello.elf
    "$chemu" search --seeds 0-1 --jobs 2 --bundles 0 "$hello" >"$tmp/o" 2>&1 || die "uart_hello failed: $(cat "$tmp/o")"
    "$chemu" search --seeds 0-1 --jobs 2 --bundles 0 --fail-on hello "$hello" >"$tmp/o" 2>&1
    [ $? -eq 1 ] && grep -q "fail-on hello: 2 seeds" "$tmp/o" || die "--fail-on: $(cat "$tmp/o")"
    "$chemu" search --seeds 0-1 --jobs 2 --bundles 0 --pass-on "never printed" "$hello" >"$tmp/o" 2>&1
    [ $? -eq 1 ] && grep -q "pass-on never printed: 2 seeds" "$tmp/o" || die "--pass-on: $(cat "$tmp/o")"
    "$chemu" search --seeds 0-1 --jobs 2 --bundles 0 --max-instructions 500 "$race" >"$tmp/o" 2>&1
    [ $? -eq 1 ] && grep -q "hang: 2 seeds" "$tmp/o" || die "--max-instructions: $(cat "$tmp/o")"
    "$chemu" search --seeds 0-3 --jobs 1 --stop-after 1 --bundles 0 --fail-on hello "$hello" >"$tmp/o" 2>&1
    grep -q "1 of 4 seeds run, 1 failed" "$tmp/o" || die "--stop-after 1: $(cat "$tmp/o")"
    echo "ok: --fail-on, --pass-on, hang, --stop-after"
    ;;
  usage)
    "$chemu" search --seeds 9-1 "$race" >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] || die "backward seed range accepted"
    "$chemu" search --seeds 0-1 --quantum 0 "$race" >/dev/null 2>"$tmp/e"
    [ $? -eq 2 ] && grep -q -- "--quantum" "$tmp/e" || die "a bad run option did not stop the search: $(cat "$tmp/e")"
    "$chemu" search --seeds 0-1 /nonexistent.elf >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] || die "missing image accepted"
    "$chemu" shrink "$tmp" >/dev/null 2>"$tmp/e"; [ $? -eq 2 ] || die "shrink of a non-bundle accepted"
    echo "ok: bad input exits 2"
    ;;
  *) die "unknown case $case_name" ;;
esac
