#!/bin/sh
# The kernel's whole run is the same with and without the spin skip: console, exit code and trace
# hash, under rr, random and pct. The kernel's lock waiters sleep in WFE now, but its other waits
# (flags polled at EL1 and EL0) still spin at fixed points, so this is where a skip that ends a slice
# at another point, or lets a core see another value, would show.
#   kernel_spin_skip.sh CHEMU_BIN KERNEL_IMG
set -u
chemu=$1 img=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { timeout 400 "$chemu" "$@" --trace-hash "$img" >"$tmp/out" 2>"$tmp/err" </dev/null; echo "exit=$?"; cat "$tmp/out"; grep trace-hash "$tmp/err"; }
for args in "--sched rr" "--sched random --seed 3" "--sched pct --seed 1"; do
  run $args >"$tmp/skip"
  run $args --no-spin-skip >"$tmp/noskip"
  if ! cmp -s "$tmp/skip" "$tmp/noskip"; then
    echo "FAIL: $args differs with --no-spin-skip:"; diff "$tmp/skip" "$tmp/noskip" | head -20; exit 1
  fi
  echo "ok: $args: $(head -1 "$tmp/skip"), $(grep trace-hash "$tmp/skip") with and without the skip"
done
