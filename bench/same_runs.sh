#!/bin/sh
# Prints one line per run: image, options, exit code, console hash and trace hash. Run it on two builds
# (e.g. against two Unicorn versions) and diff the outputs: identical lines mean identical runs.
#   bench/same_runs.sh [CHEMU] [GUEST_DIR] [KERNEL]
set -u
chemu=${1:-build/bin/chemu}
guests=${2:-build/guests}
kernel=${3:-build/guest/kernel.img}
here=$(cd "$(dirname "$0")/.." && pwd)                    # the repository: guests' NAME.input files
run() {  # run LABEL IMAGE OPTIONS...
  label=$1 img=$2; shift 2
  out=$(mktemp)
  "$chemu" --trace-hash "$@" "$img" >"$out" 2>"$out.err" </dev/null
  code=$?
  echo "$label [$(echo "$*" | sed "s|$here/||g")] exit=$code console=$(sha256sum <"$out" | cut -c1-16) $(grep trace-hash "$out.err")"
  rm -f "$out" "$out.err"
}
for elf in "$guests"/*.elf; do
  g=$(basename "$elf" .elf)
  set --                                                   # a guest's input, as tests/run_guest.sh gives it
  [ -f "$here/tests/guests/$g.input" ] && set -- --input "$here/tests/guests/$g.input"
  run "$g.elf" "$elf" "$@"
  run "$g.img" "$guests/$g.img" "$@"
  run "$g.elf" "$elf" "$@" --sched random --seed 7
  run "$g.elf" "$elf" "$@" --sched pct --seed 7
done
run kernel "$kernel"
run kernel "$kernel" --sched random --seed 3
run kernel "$kernel" --sched pct --seed 2
