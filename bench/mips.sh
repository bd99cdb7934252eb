#!/bin/sh
# Guest MIPS of chemu next to qemu-system-aarch64 -M raspi3b on the same 4-core compute guest,
# measured in one run. Usage: bench/mips.sh [build-dir]   (a benchmark, not a test: it takes a while)
set -eu
BUILD=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
clang --target=aarch64-none-elf -c "$here/compute.S" -o "$tmp/compute.o"
ld.lld -Ttext=0x80000 -e _start "$tmp/compute.o" -o "$tmp/compute.elf"
insns=$((4 * 5000000 * 10))   # 4 cores x ITERATIONS x 10 instructions (the loop; setup is negligible)
loop_done=0x$(llvm-nm "$tmp/compute.elf" | awk '$3 == "loop_done" { print $1 }')
"$BUILD/bin/raw_unicorn" "$tmp/compute.elf" "$loop_done" $((insns / 4))

now() { date +%s.%N; }
mips() { echo "$insns $1 $2" | awk '{ printf "%.1f", $1 / ($3 - $2) / 1e6 }'; }

t0=$(now); "$BUILD/bin/chemu" --boot all "$tmp/compute.elf"; t1=$(now)
echo "chemu --sched rr (default quantum): $(mips "$t0" "$t1") guest MIPS ($insns instructions)"
for q in 1000 100000; do
  t0=$(now); "$BUILD/bin/chemu" --boot all --quantum $q "$tmp/compute.elf"; t1=$(now)
  echo "chemu --quantum $q: $(mips "$t0" "$t1") guest MIPS"
done
t0=$(now); "$BUILD/bin/chemu" --boot all --sched random --seed 1 "$tmp/compute.elf"; t1=$(now)
echo "chemu --sched random: $(mips "$t0" "$t1") guest MIPS"
if command -v qemu-system-aarch64 >/dev/null; then
  t0=$(now); timeout 300 qemu-system-aarch64 -M raspi3b -m 1G -nographic -semihosting -kernel "$tmp/compute.elf" </dev/null; t1=$(now)
  echo "qemu-system-aarch64 -M raspi3b: $(mips "$t0" "$t1") guest MIPS"
else
  echo "qemu-system-aarch64 not installed: skipped"
fi
