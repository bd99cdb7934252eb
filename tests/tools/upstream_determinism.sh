#!/bin/sh
# The upstream ChCore Lab 4 image, run twice with the same seed (random 3), to its last test line:
# the same console and trace hash both times (catches any host clock, host thread or unordered
# iteration in the devices and exception paths a real kernel uses). Exit 77 when the image is absent.
#   upstream_determinism.sh CHEMU
chemu=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
img=${CHEMU_UPSTREAM_IMAGE:-$repo/../shared/guests/chcore-lab4/kernel.img}
[ -f "$img" ] || { echo "SKIP: no upstream ChCore image at $img"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for i in 1 2; do
  "$chemu" --sched random --seed 3 --until-line "Test IPC finished!" --trace-hash "$img" >"$tmp/out$i" 2>"$tmp/err$i" </dev/null ||
    { echo "FAIL: run $i exited $?"; tail -3 "$tmp/err$i"; exit 1; }
done
grep -q "Test IPC finished!" "$tmp/out1" || { echo "FAIL: the run did not reach the IPC test's end"; exit 1; }
cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" || { echo "FAIL: the two runs differ"; cat "$tmp/err1" "$tmp/err2"; exit 1; }
echo "ok: same console and $(grep trace-hash "$tmp/err1")"
