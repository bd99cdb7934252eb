#!/usr/bin/env python3
"""Ctrl-C under gdb: the 0x03 byte gdb sends on the RSP connection while the guest runs freely.

    gdb_interrupt.py CHEMU IMAGE [chemu options...]

gdb in batch mode cannot send Ctrl-C, so this speaks the remote protocol itself, to chemu -S:
  1. `c` and 0x03 in one write: the interrupt must not be lost when it arrives together with the
     packet that resumed the target (both land in one read); a stop reply with SIGINT must follow.
  2. `c`, then 0x03 a moment later, while the guest runs: again a SIGINT stop reply, at a later point
     (more instructions run, from `monitor state`), and registers can be read there.
  3. `bs` from that stop (between slices), when the stub offers reverse execution: a stop reply,
     earlier in the run.
  4. `c` to the end: the exit reply, and the console, exit status and trace hash of the run without gdb.
Catches: a Ctrl-C dropped (the run goes to its end instead of stopping), a stop reply that is not
one, and a stop that changes the run. The 0.2 s wait in step 2 is far shorter than the guest's run
under gdb (seconds); timeouts only guard against hangs.
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


class Rsp:
    """A minimal RSP client: framed packets, acknowledgements until QStartNoAckMode."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=600)
        self.buf = b""
        self.ack = True

    def send(self, payload, extra=b""):
        body = payload.encode()
        frame = b"$" + body + b"#" + f"{sum(body) % 256:02x}".encode()
        self.sock.sendall(frame + extra)  # `extra` goes out in the same write (step 1)

    def packet(self):
        """The next packet's payload; acknowledgements before it are skipped."""
        while True:
            start = self.buf.find(b"$")
            end = self.buf.find(b"#", start) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buf) >= end + 3:
                payload = self.buf[start + 1:end].decode()
                self.buf = self.buf[end + 3:]
                if self.ack:
                    self.sock.sendall(b"+")
                return payload
            data = self.sock.recv(65536)
            if not data:
                fail(f"chemu closed the connection (unread: {self.buf!r})")
            self.buf += data

    def ask(self, payload):
        self.send(payload)
        return self.packet()

    def monitor(self, command):
        """Output of `monitor COMMAND` (O packets before the OK)."""
        self.send("qRcmd," + command.encode().hex())
        out = ""
        while True:
            p = self.packet()
            if p.startswith("O") and p != "OK":
                out += bytes.fromhex(p[1:]).decode()
            else:
                return out


def instructions_run(rsp):
    m = re.search(r"(\d+) instructions in all", rsp.monitor("state"))
    if not m:
        fail("monitor state does not say how many instructions ran")
    return int(m.group(1))


def expect_sigint(reply, when):
    if not re.fullmatch(r"(T02thread:[0-9a-f]+;.*|S02)", reply):
        fail(f"{when}: '{reply}' is not a SIGINT stop reply")


def start_chemu(chemu, image, options, out, err):
    proc = subprocess.Popen([chemu, "--gdb", "0", "-S", "--trace-hash", *options, image],
                            stdin=subprocess.DEVNULL, stdout=out, stderr=err)
    for _ in range(600):
        with open(err.name) as f:
            m = re.search(r"gdb: listening on port (\d+)", f.read())
        if m:
            return proc, int(m.group(1))
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    fail("chemu did not say which port it listens on")


def session(rsp):
    supported = rsp.ask("qSupported:swbreak+;hwbreak+")
    if rsp.ask("QStartNoAckMode") != "OK":
        fail("QStartNoAckMode refused")
    rsp.ack = False
    rsp.ask("?")
    # 1. The interrupt in the same write as the `c` that resumes the target.
    rsp.send("c", extra=b"\x03")
    expect_sigint(rsp.packet(), "c and Ctrl-C in one write")
    first = instructions_run(rsp)
    # 2. A Ctrl-C while the guest runs.
    rsp.send("c")
    time.sleep(0.2)
    rsp.sock.sendall(b"\x03")
    expect_sigint(rsp.packet(), "Ctrl-C while running")
    second = instructions_run(rsp)
    if second <= first:
        fail(f"the second stop ({second} instructions) is not after the first ({first})")
    if not re.fullmatch(r"[0-9a-f]+", rsp.ask("g")):
        fail("registers cannot be read after Ctrl-C")
    # 3. Back one instruction of the interrupted core, from a stop between slices.
    if "ReverseStep+" in supported:
        if not re.fullmatch(r"T05thread:[0-9a-f]+;.*", rsp.ask("bs")):
            fail("bs after Ctrl-C gave no stop reply")
        back = instructions_run(rsp)
        if back >= second:
            fail(f"bs after Ctrl-C did not go back ({back} instructions, {second} at the stop)")
    # 4. To the end.
    reply = rsp.ask("c")
    if not re.fullmatch(r"W[0-9a-f]{2}", reply):
        fail(f"continuing to the end: '{reply}', not an exit reply")
    print(f"Ctrl-C stops after {first} and {second} instructions; end: {reply}")


def main():
    if len(sys.argv) < 3:
        fail("usage: gdb_interrupt.py CHEMU IMAGE [chemu options...]")
    chemu, image, options = sys.argv[1], sys.argv[2], sys.argv[3:]
    if not os.path.exists(image):
        print(f"SKIP: no image at {image}")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        free = subprocess.run([chemu, "--trace-hash", *options, image], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=900)
        free_hash = re.search(r"^trace-hash: (\S+)", free.stderr, re.M)
        if not free_hash:
            fail("the run without gdb printed no trace hash")
        with open(os.path.join(d, "out"), "w") as out, open(os.path.join(d, "err"), "w") as err:
            proc, port = start_chemu(chemu, image, options, out, err)
            try:
                session(Rsp(port))
                status = proc.wait(timeout=900)
            finally:
                if proc.poll() is None:
                    proc.kill()
        with open(os.path.join(d, "out")) as f:
            console = f.read()
        with open(os.path.join(d, "err")) as f:
            log = f.read()
    gdb_hash = re.search(r"^trace-hash: (\S+)", log, re.M)
    if not gdb_hash or gdb_hash.group(1) != free_hash.group(1):
        fail(f"trace hash {gdb_hash and gdb_hash.group(1)} differs from the free run's {free_hash.group(1)}\n{log}")
    if status != free.returncode:
        fail(f"exit status {status}, the free run's {free.returncode}")
    if console != free.stdout:
        fail("the console differs from the free run's")
    print(f"PASS: Ctrl-C stops the running guest; trace hash {free_hash.group(1)} as without gdb")


if __name__ == "__main__":
    main()
