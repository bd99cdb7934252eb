#!/bin/sh
# A seeded kernel bug found, bundled, reproduced and shrunk (guest_kernel/CMakeLists.txt builds
# kernel-bug-NAME.img with the race switched on). Each step can fail:
#   - the bug must not show under the default run (`--sched rr`): otherwise no search is needed;
#   - `chemu search` over SEEDS with the given policy must find a failing seed;
#   - the bundle's repro.sh must fail the same way (exit status and failure line);
#   - with SEEDED_BUG_SHRINK=N, `chemu shrink` with N candidate replays must cut the preemptions,
#     write a strict schedule, and that schedule fail the same way on 10 replays out of 10 (run here,
#     not by shrink). N bounds the shrink by runs, not host time, so its result is the same on any
#     host; the ctest search.seeded-bug-shrink.* tests set it.
#   seeded_bug_test.sh CHEMU_BIN KERNEL_IMG SEEDS MAX_TIME SEARCH_OPTIONS...
set -u
chemu=$1 kernel=$2 seeds=$3 max_time=$4
shift 4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
die() { echo "FAIL: $*"; exit 1; }

[ -s "$kernel" ] || die "no image $kernel"
"$chemu" --max-time "$max_time" "$kernel" >"$tmp/rr.out" 2>&1
[ $? -eq 0 ] || die "the default rr run already fails: $(tail -3 "$tmp/rr.out")"

"$chemu" search --seeds "$seeds" --jobs 2 --stop-after 1 --bundles 1 --max-time "$max_time" --out "$tmp/bugs" "$@" "$kernel" \
  >"$tmp/search" 2>"$tmp/search.err"
code=$?
cat "$tmp/search"
[ $code -eq 1 ] || die "search exited $code, want 1 (a failing seed in $seeds): $(tail -3 "$tmp/search.err")"
b=$(ls -d "$tmp"/bugs/seed-* 2>/dev/null | head -1)
[ -d "$b" ] || die "no bundle"
grep -q "fails the same way" "$b/report.txt" || die "the bundle's re-run did not fail the same way"

# The bundle's command, from another directory: the same exit status and the same console.
sig=$(sed -n 's/^failure: *\([^:]*\):.*/\1/p' "$b/report.txt")
case $sig in
  "exit "*) want=$sig ;;
  hang) want="exit 4" ;;
  deadlock|guest-error) want="exit 3" ;;
  "fail-on "*) want="" ;;  # a console line: the run may end any way after it
  *) die "unexpected failure signature '$sig'" ;;
esac
(cd / && sh "$b/repro.sh" >"$tmp/again" 2>"$tmp/again.err")
got="exit $?"
[ -z "$want" ] || [ "$got" = "$want" ] || die "repro.sh: $got, the search saw $want"
[ -n "$want" ] || grep -qF -- "${sig#fail-on }" "$tmp/again" || die "repro.sh printed no line with '${sig#fail-on }'"
cmp -s "$tmp/again" "$b/console.txt" || die "repro.sh printed something else than console.txt"

if [ "${SEEDED_BUG_SHRINK:-0}" = 0 ]; then
  echo "ok: $(head -1 "$tmp/search"); $sig reproduced (shrink not run: SEEDED_BUG_SHRINK=N runs it with N replays)"
  exit 0
fi
"$chemu" shrink --jobs 2 --verify 1 --max-runs "$SEEDED_BUG_SHRINK" --time-budget 900 "$b" >"$tmp/shrink" 2>&1 ||
  die "shrink failed: $(cat "$tmp/shrink")"
grep -q "^lenient" "$b/shrunk-schedule.txt" && die "the shrunk schedule must replay strictly"
cat "$tmp/shrink"
before=$(sed -n 's/^preemptions: \([0-9]*\) before, \([0-9]*\) after.*/\1/p' "$b/shrink.txt")
after=$(sed -n 's/^preemptions: \([0-9]*\) before, \([0-9]*\) after.*/\2/p' "$b/shrink.txt")
[ -n "$before" ] && [ -n "$after" ] && [ "$after" -lt "$before" ] || die "preemptions not cut: '$before' -> '$after'"
for i in 1 2 3 4 5 6 7 8 9 10; do
  sh "$b/repro-shrunk.sh" >"$tmp/r$i" 2>&1
  code="exit $?"
  [ -z "$want" ] || [ "$code" = "$want" ] || die "replay $i of the shrunk schedule did not fail ($want): $(tail -2 "$tmp/r$i")"
  [ -n "$want" ] || grep -qF -- "${sig#fail-on }" "$tmp/r$i" || die "replay $i of the shrunk schedule did not print '${sig#fail-on }'"
done
echo "ok: $(head -1 "$tmp/search"); preemptions $before -> $after; 10/10 shrunk replays fail ($want)"
