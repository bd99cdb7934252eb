#!/usr/bin/env python3
"""Unit tests of tools/grade: the test-point matcher on fabricated consoles (interleaved CPUs,
split lines, wrong serials), point selection, serial patching, the timeout, and whole runs against a
fake emulator. Each test names the grader bug it catches."""
import importlib.machinery
import importlib.util
import io
import os
import stat
import sys
import tempfile
import time
import unittest
from contextlib import redirect_stdout

HERE = os.path.dirname(os.path.abspath(__file__))
GRADE = os.path.join(HERE, "..", "..", "tools", "grade")
loader = importlib.machinery.SourceFileLoader("grade", GRADE)
spec = importlib.util.spec_from_loader("grade", loader)
grade = importlib.util.module_from_spec(spec)
loader.exec_module(grade)

S = "0x1234ABCD"  # the grader's serial in these tests
SCHED = grade.select_points("sched")

GOOD = f"""[INFO] CPU 0 is active
Scheduler metadata is successfully initialized!: {S}
test_scheduler_meta: OK: {S}
test_sched_enqueue: OK: {S}
test_sched_dequeue: OK: {S}
End of Kernel Checkpoints: {S}
Enter Procmgr Root thread (userspace)
Cooperative Scheduling Test Done!
Hello, I am thread 3. I'm spinning.
Thread 1 successfully regains the control!
Preemptive Scheduling Test Done!
"""


def failed(console, points=SCHED, serial=S):
    return sorted(p.name for p, ok, _ in grade.match_points(console, points, serial) if not ok)


def why(console, name, points=SCHED, serial=S):
    return next(w for p, ok, w in grade.match_points(console, points, serial) if p.name == name)


class Matcher(unittest.TestCase):
    def test_clean_console_gets_every_point(self):
        self.assertEqual(failed(GOOD), [])

    def test_crlf_line_ends(self):
        # Catches: comparing whole lines without dropping the '\r' a serial console adds.
        self.assertEqual(failed(GOOD.replace("\n", "\r\n")), [])

    def test_fragment_of_another_cpu_before_a_point(self):
        # CPU 2 began a line ("Hello fr") without its newline; CPU 0's points land after it on the
        # same line. Catches: matching only whole lines (the point would be lost).
        c = GOOD.replace(f"test_sched_enqueue: OK: {S}\n", f"Hello frtest_sched_enqueue: OK: {S}\n")
        c = c.replace("Cooperative Scheduling Test Done!\n", "[cpu3] partial Cooperative Scheduling Test Done!\n")
        self.assertEqual(failed(c), [])

    def test_whole_lines_of_other_cpus_between_points(self):
        # Catches: a grader expecting the points as one contiguous block.
        lines = GOOD.splitlines()
        out = []
        for i, l in enumerate(lines):
            out += [l, f"Hello from a spawned process on CPU {i % 4}"]
        self.assertEqual(failed("\n".join(out) + "\n"), [])

    def test_point_split_over_two_lines_does_not_count(self):
        # Another CPU's line cut the point in two: the point was never printed whole. Catches: a
        # greedy multi-line regex ("Cooperative.*Done!" with DOTALL) that matches across lines.
        c = GOOD.replace("Cooperative Scheduling Test Done!\n",
                         "Cooperative Scheduling Te\nHello from a spawned process on CPU 1\nst Done!\n")
        self.assertEqual(failed(c), ["Cooperative Scheduling"])

    def test_text_after_the_point_on_its_line_does_not_count(self):
        # Catches: substring matching, which would accept "... Done! FAILED" or a point quoted in
        # an error message.
        c = GOOD.replace("Preemptive Scheduling Test Done!\n", "Preemptive Scheduling Test Done! (not really)\n")
        self.assertEqual(failed(c), ["Preemptive Scheduling"])
        self.assertIn("mid-line", why(c, "Preemptive Scheduling"))

    def test_kernel_points_need_the_graders_serial(self):
        # The kernel printed the built-in serial, not the grader's: an old log or an unpatched
        # image. Catches: accepting any hex after "OK: ".
        c = GOOD.replace(f"test_sched_dequeue: OK: {S}", "test_sched_dequeue: OK: 0xDEADBEEF")
        self.assertEqual(failed(c), ["test_sched_dequeue"])
        self.assertIn("did not print the grader's serial", why(c, "test_sched_dequeue"))

    def test_kernel_points_from_user_space_do_not_count(self):
        # A kernel point printed after the boundary (i.e. by user space). Catches: searching the
        # whole console for kernel points.
        c = GOOD.replace(f"test_scheduler_meta: OK: {S}\n", "") + f"test_scheduler_meta: OK: {S}\n"
        self.assertEqual(failed(c), ["test_scheduler_meta"])

    def test_user_points_before_the_boundary_do_not_count(self):
        # Catches: a kernel that prints the user-space strings itself scoring user points.
        c = "Cooperative Scheduling Test Done!\n" + GOOD.replace("Cooperative Scheduling Test Done!\n", "")
        self.assertEqual(failed(c), ["Cooperative Scheduling"])

    def test_no_boundary_no_user_points(self):
        # The kernel never reached user space. Catches: grading user points without the boundary.
        c = GOOD.replace(f"End of Kernel Checkpoints: {S}\n", "")
        self.assertEqual(failed(c), ["Cooperative Scheduling", "Preemptive Scheduling"])
        self.assertIn("never graded", why(c, "Preemptive Scheduling"))

    def test_boundary_after_a_fragment(self):
        # Catches: finding the boundary only as a whole line (a fragment before it would hide user space).
        c = GOOD.replace(f"End of Kernel Checkpoints: {S}", f"[INFO] CPU 3 is End of Kernel Checkpoints: {S}")
        self.assertEqual(failed(c), [])

    def test_counted_point_needs_every_line(self):
        # test_timer_init must appear once per CPU. Catches: counting a point once however many
        # lines it needs.
        timer = grade.select_points("test_timer_init (x4)")
        three = "".join(f"x{i}test_timer_init: OK: {S}\n" for i in range(3)) + f"End of Kernel Checkpoints: {S}\n"
        self.assertEqual(failed(three, timer), ["test_timer_init (x4)"])
        self.assertIn("3 of 4", why(three, "test_timer_init (x4)", timer))
        four = f"test_timer_init: OK: {S}\n" + three
        self.assertEqual(failed(four, timer), [])

    def test_missing_point_is_named(self):
        c = GOOD.replace(f"test_sched_enqueue: OK: {S}\n", "")
        self.assertEqual(failed(c), ["test_sched_enqueue"])
        self.assertIn("test_sched_enqueue: OK: " + S, why(c, "test_sched_enqueue"))

    def test_ipc_point_with_the_labs_prefix(self):
        # The lab prints "[TEST] Test IPC finished!": a suffix match must accept it.
        ipc = grade.select_points("ipc")
        self.assertEqual(failed(GOOD + "[TEST] Test IPC finished!\n", ipc), [])
        self.assertEqual(failed(GOOD, ipc), ["Test IPC"])


class Selection(unittest.TestCase):
    def test_groups(self):
        # Catches: the lab's table drifting from Lab4/scores.json (100 points, IPC 30).
        self.assertEqual(sum(p.score for p in grade.select_points("lab")), 100)
        self.assertEqual(sum(p.score for p in grade.select_points("sched")), 70)
        self.assertEqual([p.name for p in grade.select_points("ipc")], ["Test IPC"])
        self.assertEqual(len(grade.select_points("all")), len(grade.POINTS))
        with self.assertRaises(ValueError):
            grade.select_points("shced")

    def test_table_and_total(self):
        c = GOOD.replace("Preemptive Scheduling Test Done!\n", "")
        table, got, total = grade.score_table(grade.match_points(c, grade.select_points("lab"), S), "hdr")
        self.assertEqual((got, total), (50, 100))
        self.assertRegex(table, r"Preemptive Scheduling\s+0/20\s+FAIL")
        self.assertRegex(table, r"total\s+50/100")


class Serial(unittest.TestCase):
    def test_patch_replaces_every_copy_and_keeps_the_length(self):
        # Catches: an image whose length or layout changes (segments would move), or a copy left unpatched.
        img = b"\x7fELF..." + b"a: 0xDEADBEEF\n\x00" * 3 + b"\x00tail"
        out, n = grade.patch_serial(img, S)
        self.assertEqual((n, len(out)), (3, len(img)))
        self.assertNotIn(b"DEADBEEF", out)
        self.assertEqual(out.count(S.encode()), 3)

    def test_new_serial_is_not_the_builtin_one(self):
        for _ in range(100):
            s = grade.new_serial()
            self.assertRegex(s, r"^0x[0-9A-F]{8}$")
            self.assertNotEqual(s, grade.KERNEL_SERIAL)


def fake_emulator(dir, body):
    path = os.path.join(dir, "fake-chemu")
    with open(path, "w") as f:
        f.write(f"#!{sys.executable}\nimport sys, time\n{body}\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


class Runs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.img = os.path.join(self.tmp.name, "kernel.img")
        with open(self.img, "w") as f:  # a "kernel" whose console is its own bytes
            f.write(GOOD.replace(S, "0xDEADBEEF"))

    def tearDown(self):
        self.tmp.cleanup()

    def grade(self, emu_body, *args):
        emu = fake_emulator(self.tmp.name, emu_body)
        out = io.StringIO()
        with redirect_stdout(out):
            rc = grade.main(["--chemu", emu, "--image", self.img, "--points", "sched", *args])
        return rc, out.getvalue()

    CAT = "sys.stdout.write(open(sys.argv[-1]).read()); sys.exit(0)"

    def test_full_marks_through_the_patched_image(self):
        # The fake prints the image it was given: full marks prove the grader patched its serial in.
        rc, out = self.grade(self.CAT)
        self.assertEqual(rc, 0, out)
        self.assertRegex(out, r"total\s+70/70")
        self.assertIn("(5 strings patched)", out)

    def test_missing_point_fails_and_is_reported(self):
        # Catches: exit status 0 without full marks.
        with open(self.img, "w") as f:
            f.write(GOOD.replace(S, "0xDEADBEEF").replace("Preemptive Scheduling Test Done!\n", ""))
        rc, out = self.grade(self.CAT)
        self.assertEqual(rc, 1)
        self.assertIn("FAILED: Preemptive Scheduling", out)

    def test_timeout_kills_the_emulator_and_grades_what_it_printed(self):
        # The fake prints the kernel part, then hangs (with a child of its own). Catches: a grader
        # that waits forever, or leaves the emulator's process group running.
        body = ("import subprocess\nsys.stdout.write(open(sys.argv[-1]).read().split('Enter')[0]); sys.stdout.flush()\n"
                f"p = subprocess.Popen(['sleep', '30']); open({self.img + '.pid'!r}, 'w').write(str(p.pid))\ntime.sleep(30)")
        t0 = time.monotonic()
        rc, out = self.grade(body, "--timeout", "2")
        self.assertLess(time.monotonic() - t0, 10)
        self.assertEqual(rc, 1)
        self.assertIn("killed at the 2 s timeout", out)
        self.assertRegex(out, r"test_sched_dequeue\s+10/10")
        self.assertRegex(out, r"Cooperative Scheduling\s+0/20")
        with open(self.img + ".pid") as f:
            pid = int(f.read())
        time.sleep(0.2)
        try:
            with open(f"/proc/{pid}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "gone"
        self.assertIn(state, ("gone", "Z", "X"), "the emulator's child survived the timeout")

    def test_saved_console(self):
        log = os.path.join(self.tmp.name, "run.log")
        with open(log, "w") as f:
            f.write(GOOD)
        out = io.StringIO()
        with redirect_stdout(out):
            self.assertEqual(grade.main(["--console", log, "--serial", S, "--points", "sched"]), 0)
            self.assertEqual(grade.main(["--console", log, "--serial", "0x0BADF00D", "--points", "sched"]), 1)

    def test_qemu_missing_is_a_skip(self):
        old = os.environ["PATH"]
        os.environ["PATH"] = self.tmp.name
        try:
            out = io.StringIO()
            with redirect_stdout(out):
                self.assertEqual(grade.main(["--qemu", "--image", self.img]), 77)
        finally:
            os.environ["PATH"] = old


if __name__ == "__main__":
    unittest.main()
