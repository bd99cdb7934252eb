#!/usr/bin/env python3
"""Writes the initramfs chemu's Linux boot uses, as an uncompressed cpio "newc" archive.

Usage: linux-initramfs.py BUSYBOX WATCHDOG_KO OUT.cpio

The archive is bit-reproducible: entries sorted by name, every mtime 0, owner root, inode numbers
in order. It is written here rather than with cpio(1) so that /dev/console can be a device node
without running as root (and /dev/null, which busybox sh opens for background jobs). /init prints "chemu-linux:" markers: the CPUs online, one task pinned to
each CPU saying where it ran, then powers the board off (through the watchdog driver, a module).
"""
import lzma
import sys

INIT = r"""#!/bin/busybox sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo "chemu-linux: init running"
echo "chemu-linux: cpus online $(cat /sys/devices/system/cpu/online)"
for cpu in 0 1 2 3; do
  taskset -c $cpu sh -c 'set -- $(cat /proc/self/stat); echo "chemu-linux: task for cpu $0 ran on cpu ${39}"' $cpu &
done
wait
insmod /lib/bcm2835_wdt.ko 2>/dev/null && echo "chemu-linux: watchdog driver loaded"
echo "chemu-linux: powering off"
poweroff -f
"""

S_IFDIR, S_IFREG, S_IFLNK, S_IFCHR = 0o040000, 0o100000, 0o120000, 0o020000


def newc_entry(ino, name, mode, data=b"", rdev=(0, 0)):
    name_bytes = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 2 if mode & S_IFDIR else 1, 0, len(data), 0, 0, rdev[0], rdev[1],
              len(name_bytes), 0]
    header = b"070701" + b"".join(b"%08X" % f for f in fields)
    out = header + name_bytes
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def read_module(path):
    data = open(path, "rb").read()
    return lzma.decompress(data) if path.endswith(".xz") else data


def main():
    busybox, watchdog, out = sys.argv[1:4]
    entries = {
        "bin": (S_IFDIR | 0o755, b""),
        "dev": (S_IFDIR | 0o755, b""),
        "lib": (S_IFDIR | 0o755, b""),
        "proc": (S_IFDIR | 0o755, b""),
        "sbin": (S_IFDIR | 0o755, b""),
        "sys": (S_IFDIR | 0o755, b""),
        "usr": (S_IFDIR | 0o755, b""),
        "usr/bin": (S_IFDIR | 0o755, b""),
        "usr/sbin": (S_IFDIR | 0o755, b""),
        "bin/busybox": (S_IFREG | 0o755, open(busybox, "rb").read()),
        "bin/sh": (S_IFLNK | 0o777, b"busybox"),
        "init": (S_IFREG | 0o755, INIT.encode()),
    }
    if watchdog:
        entries["lib/bcm2835_wdt.ko"] = (S_IFREG | 0o644, read_module(watchdog))
    archive = bytearray()
    ino = 1
    archive += newc_entry(ino, ".", S_IFDIR | 0o755)
    for name in sorted(entries):
        ino += 1
        mode, data = entries[name]
        archive += newc_entry(ino, name, mode, data)
    ino += 1
    archive += newc_entry(ino, "dev/console", S_IFCHR | 0o600, rdev=(5, 1))
    ino += 1  # busybox sh points a background job's stdin at /dev/null
    archive += newc_entry(ino, "dev/null", S_IFCHR | 0o666, rdev=(1, 3))
    archive += newc_entry(0, "TRAILER!!!", 0)
    archive += b"\0" * (-len(archive) % 512)
    with open(out, "wb") as f:
        f.write(archive)


if __name__ == "__main__":
    main()
