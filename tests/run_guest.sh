#!/bin/sh
# Runs one test guest and checks its console output and exit status.
#   run_guest.sh EXPECTED_FILE chemu CHEMU_BIN IMAGE [chemu options...]
#   run_guest.sh EXPECTED_FILE qemu IMAGE
# The console must equal EXPECTED_FILE line for line and the exit status must be 0.
# Beside NAME.expected, optional files set up the console: NAME.input holds the bytes the guest
# receives (chemu --input; QEMU's stdin), NAME.qemu-args extra QEMU options (e.g. which serial port is
# the console: chemu has one console for both UARTs, QEMU one port per UART).
# Exit 77 (ctest's skip) when QEMU is not installed: a visible skip, never a silent pass.
set -u
expected=$1 runner=$2
shift 2
input=/dev/null
[ -f "${expected%.expected}.input" ] && input=${expected%.expected}.input
qemu_args=""
[ -f "${expected%.expected}.qemu-args" ] && qemu_args=$(cat "${expected%.expected}.qemu-args")
out=$(mktemp)
trap 'rm -f "$out"' EXIT
case $runner in
  chemu)
    bin=$1 image=$2
    shift 2
    timeout 120 "$bin" --input "$input" "$@" "$image" >"$out" </dev/null
    status=$? ;;
  qemu)
    if ! command -v qemu-system-aarch64 >/dev/null 2>&1; then
      echo "SKIP: qemu-system-aarch64 is not installed"
      exit 77
    fi
    # shellcheck disable=SC2086  # qemu_args is a list of options
    timeout 120 qemu-system-aarch64 -M raspi3b -m 1G -nographic -semihosting $qemu_args -kernel "$1" >"$out" <"$input"
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
