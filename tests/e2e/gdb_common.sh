# Sourced by the gdb tests (gdb_session.sh, gdb_reverse.sh, gdb_reverse_walk.sh) once they have set
# $chemu and $img: skips (exit 77: ctest's skipped) without gdb-multiarch or without the image, makes
# $dir (removed at exit, with the chemu under test), and gives the steps every such test takes.
# Timeouts only guard against hangs; nothing depends on host speed.
if ! command -v gdb-multiarch >/dev/null 2>&1; then echo "SKIP: gdb-multiarch not installed"; exit 77; fi
if [ ! -f "$img" ]; then echo "SKIP: no image at $img"; exit 77; fi
dir="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail=0
regs='info registers x0 x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14 x15 x16 x17 x18 x19 x20 x21 x22 x23 x24 x25 x26 x27 x28 x29 x30 sp pc cpsr'

# The run without gdb, the reference: sets $free_status and $free_hash.
free_run() {  # [chemu options...]
    timeout 900 "$chemu" --trace-hash "$@" "$img" </dev/null >"$dir/free.out" 2>"$dir/free.err"
    free_status=$?
    free_hash=$(sed -n 's/^trace-hash: //p' "$dir/free.err")
}

# Starts chemu waiting for gdb on a free port (named on stderr); sets $pid and $port.
start_chemu() {  # NAME [chemu options...]
    name="$1"
    shift
    timeout 1200 "$chemu" --gdb 0 -S --trace-hash "$@" "$img" </dev/null >"$dir/$name.out" 2>"$dir/$name.err" &
    pid=$!
    port=""
    for _ in $(seq 1 600); do
        port=$(sed -n 's/.*gdb: listening on port \([0-9]*\).*/\1/p' "$dir/$name.err")
        [ -n "$port" ] && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    echo "FAIL: chemu did not say which port it listens on"; cat "$dir/$name.err"; exit 1
}
