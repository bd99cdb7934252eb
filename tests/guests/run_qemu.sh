#!/bin/sh
# Run every guest on QEMU (raspi3b) as .elf and .img, compare the console with NAME.expected.
# Usage: run_qemu.sh GUEST_OUT_DIR [guest...]   (default: every NAME.expected here). Prints one line per run; exit 1 if any run failed.
set -u
out=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
guests=${*:-$(cd "$here" && ls *.expected | sed "s/\.expected$//")}
fail=0
for g in $guests; do
  input=/dev/null qemu_args=""                       # as tests/run_guest.sh: NAME.input, NAME.qemu-args
  [ -f "$here/$g.input" ] && input=$here/$g.input
  [ -f "$here/$g.qemu-args" ] && qemu_args=$(cat "$here/$g.qemu-args")
  for kind in elf img; do
    start=$(date +%s.%N)
    # shellcheck disable=SC2086
    timeout 20 qemu-system-aarch64 -M raspi3b -m 1G -nographic -semihosting $qemu_args \
      -kernel "$out/$g.$kind" > "$out/$g.$kind.qemu.txt" 2>&1 < "$input"
    rc=$?
    secs=$(awk "BEGIN { print $(date +%s.%N) - $start }")
    if [ $rc -eq 0 ] && cmp -s "$out/$g.$kind.qemu.txt" "$here/$g.expected"; then res=ok; else res=FAIL; fail=1; fi
    printf '%-12s %-4s exit=%-3s %6.2fs %s\n' "$g" "$kind" "$rc" "$secs" "$res"
  done
done
exit $fail
