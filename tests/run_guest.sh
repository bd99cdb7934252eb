#!/bin/sh
# Runs one test guest and checks its console output and exit status.
#   run_guest.sh EXPECTED_FILE chemu CHEMU_BIN IMAGE [chemu options...]
#   run_guest.sh EXPECTED_FILE qemu IMAGE
# The console must equal EXPECTED_FILE line for line and the exit status must be 0.
# Exit 77 (ctest's skip) when QEMU is not installed: a visible skip, never a silent pass.
set -u
expected=$1 runner=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
case $runner in
  chemu)
    bin=$1 image=$2
    shift 2
    timeout 120 "$bin" "$@" "$image" >"$out" </dev/null
    status=$? ;;
  qemu)
    if ! command -v qemu-system-aarch64 >/dev/null 2>&1; then
      echo "SKIP: qemu-system-aarch64 is not installed"
      exit 77
    fi
    timeout 120 qemu-system-aarch64 -M raspi3b -m 1G -nographic -semihosting -kernel "$1" >"$out" </dev/null
    status=$? ;;
  *) echo "unknown runner $runner"; exit 2 ;;
esac
if ! diff -u "$expected" "$out"; then
  echo "FAIL: console differs from $expected (exit status $status)"
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "FAIL: exit status $status"
  exit 1
fi
echo "PASS ($runner)"
