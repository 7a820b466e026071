"""System-test fixtures: boot the real image in QEMU and read its console.

    def test_banner(boot):
        g = boot(append="loglevel=7")
        m = g.wait_for(r"unikernel (\\S+) x86_64, booted by (\\S+)")
        assert g.wait_exit() == qemu_status(0)

The QEMU command line comes from tools/qemu.py's qemu_argv(), so a test boots
exactly what `make run` boots.  Every QEMU a test starts is killed when the
test ends; each test's console is saved to build/logs/<test name>.log (a
second guest in the same test goes to <test name>.2.log, and so on).

Timeouts are multiplied by the environment variable TEST_TIMEOUT_SCALE
(default 1) for slow machines.  Nothing here sleeps a fixed time: waits end on
a console match, on QEMU's exit, or on the (scaled) timeout.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
KERNEL = os.path.join(BUILD, "kernel.elf")
ISO = os.path.join(BUILD, "unikernel.iso")
LOGS = os.path.join(BUILD, "logs")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu  # noqa: E402  (tools/qemu.py)

TIMEOUT_SCALE = float(os.environ.get("TEST_TIMEOUT_SCALE", "1") or 1)
TAIL_LINES = 40


def qemu_status(status):
    """QEMU's exit status when the guest powers off with `status` through
    isa-debug-exit (iobase 0xf4): (status << 1) | 1."""
    return (status << 1) | 1


def run_native(program, prompt, answer, timeout=60):
    """Run a differential test program on this Linux host (the oracle) with
    the VM's stdio shape: stdout and stderr on one pipe, and `answer` (bytes)
    typed on stdin when a line starts with `prompt`, as a test types it on the
    guest's serial console.  Returns everything it printed; fails unless it
    exits 0 within `timeout` (scaled) seconds."""
    p = subprocess.Popen([program], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = []
    try:
        for raw in p.stdout:
            line = raw.decode(errors="replace")
            out.append(line)
            if line.startswith(prompt):
                p.stdin.write(answer)
                p.stdin.flush()
        assert p.wait(scaled(timeout)) == 0, "".join(out)
    finally:
        p.kill()
        p.wait()
    return "".join(out)


def scaled(timeout):
    return timeout * TIMEOUT_SCALE


class ConsoleTimeout(AssertionError):
    """A wait on the console or on QEMU's exit ran out of time."""


class Guest:
    """One QEMU process with its serial console on a pipe.

    A background thread reads the console into `output` (all text so far,
    "\\r\\n" folded to "\\n").  wait_for() consumes: each call searches from
    where the previous match ended, so successive waits follow the console in
    order (as pexpect does); pass anywhere=True to search everything so far.
    """

    def __init__(self, argv, log_path=None, cwd=ROOT):
        self.argv = list(argv)
        self.log_path = log_path
        self._log = None
        if log_path:
            os.makedirs(os.path.dirname(log_path), exist_ok=True)
            self._log = open(log_path, "w", encoding="utf-8", errors="replace")
            self._log.write("# " + " ".join(self.argv) + "\n")
            self._log.flush()
        self._cond = threading.Condition()
        self._chunks = []
        self._text = ""
        self._pos = 0              # where the next consuming wait_for starts
        self._eof = False
        self.start_time = time.monotonic()
        self.proc = subprocess.Popen(self.argv, cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, daemon=True,
                                        name=f"console-{self.pid}")
        self._reader.start()

    # --- console -----------------------------------------------------------
    def _read(self):
        fd = self.proc.stdout.fileno()
        pending_cr = False
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            text = data.decode("utf-8", errors="replace")
            if pending_cr:
                text = "\r" + text
            pending_cr = text.endswith("\r")
            if pending_cr:
                text = text[:-1]
            text = text.replace("\r\n", "\n")
            if self._log:
                self._log.write(text)
                self._log.flush()
            with self._cond:
                self._text += text
                self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    @property
    def output(self):
        """All console text so far."""
        with self._cond:
            return self._text

    @property
    def lines(self):
        """Complete console lines so far, in order."""
        text = self.output
        return text[:text.rfind("\n") + 1].splitlines()

    def tail(self, n=TAIL_LINES):
        return "\n".join(self.output.splitlines()[-n:])

    def _fail(self, what):
        raise ConsoleTimeout(f"{what}\n--- last {TAIL_LINES} console lines "
                             f"(full log: {self.log_path}) ---\n{self.tail()}")

    def wait_for(self, regex, timeout=60, anywhere=False, partial=False):
        """Wait until the console matches `regex` and return the re.Match.

        The pattern is searched with re.MULTILINE in complete lines only (so
        r"(\\d+) KiB" never matches half a number still on its way); set
        partial=True to also search the unfinished last line (a prompt).
        Fails with the last 40 console lines on timeout, or at once if QEMU
        exits first.  The match's positions index into `output`.
        """
        pat = re.compile(regex, re.MULTILINE) if isinstance(regex, str) else regex
        deadline = time.monotonic() + scaled(timeout)
        with self._cond:
            while True:
                start = 0 if anywhere else self._pos
                end = len(self._text) if partial or self._eof else self._text.rfind("\n") + 1
                m = pat.search(self._text, start, max(end, start))
                if m:
                    self._pos = max(self._pos, m.end())
                    return m
                if self._eof:
                    self.proc.wait()
                    self._fail(f"QEMU exited (status {self.proc.returncode}) before the "
                               f"console matched {pat.pattern!r}")
                left = deadline - time.monotonic()
                if left <= 0:
                    self._fail(f"timed out after {scaled(timeout):.0f} s waiting for "
                               f"{pat.pattern!r} on the console")
                self._cond.wait(left)

    def send(self, text):
        """Type `text` on the guest's serial console (fails, with the console
        tail, if QEMU has already exited)."""
        try:
            self.proc.stdin.write(text.encode() if isinstance(text, str) else text)
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            self.proc.wait()
            self._reader.join(scaled(10))
            self._fail(f"QEMU exited (status {self.proc.returncode}) before "
                       f"{text!r} could be typed")

    # --- process -----------------------------------------------------------
    def wait_exit(self, timeout=60):
        """Wait for QEMU to exit (the console fully read) and return its status."""
        try:
            self.proc.wait(scaled(timeout))
        except subprocess.TimeoutExpired:
            self._fail(f"QEMU still running after {scaled(timeout):.0f} s")
        self._reader.join(scaled(10))
        return self.proc.returncode

    @property
    def running(self):
        return self.proc.poll() is None

    def kill(self):
        """Kill QEMU and anything else in its process group (it is started
        in a session of its own, so `make run` and its QEMU go together)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        self._reader.join(10)
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        if self._log:
            self._log.close()
            self._log = None


def _log_name(nodeid_name):
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", nodeid_name).strip("_")


@pytest.fixture
def spawn(request):
    """spawn(argv) -> Guest: any command whose stdout is a guest console
    (e.g. `make run`), logged and killed (with its process group) like boot's."""
    guests = []
    base = _log_name(request.node.name)

    def start(argv):
        n = len(guests) + 1
        g = Guest(argv, log_path=os.path.join(LOGS, base + (f".{n}" if n > 1 else "") + ".log"))
        guests.append(g)
        return g

    yield start
    for g in guests:
        g.kill()


@pytest.fixture
def boot(request, spawn):
    """boot(append="", memory=128, iso=None, uefi=False, net="none",
    initrd=None, extra=(), **more) -> Guest

    iso: True for build/unikernel.iso, or a path; boots under SeaBIOS, or
    OVMF when uefi is set (a writable copy of the variable store per guest).
    Otherwise build/kernel.elf (or kernel=path) boots directly through qboot.
    more: accel, kernel, machine, tap, nic, mac, pcap, gdb (see qemu_argv), and
    netns="name" to run QEMU inside that network namespace.
    """
    guests = []
    base = _log_name(request.node.name)

    def start(append="", memory=128, iso=None, uefi=False, net="none", initrd=None,
              extra=(), accel=None, kernel=None, netns=None, **more):
        accel = accel or os.environ.get("ACCEL", "auto")
        uefi_vars = None
        if iso:
            iso = ISO if iso is True else os.fspath(iso)
            if not os.path.exists(iso):
                pytest.fail(f"{iso} missing: run `make iso` (make test builds it)")
            if uefi:
                uefi_vars = os.path.join(BUILD, "ovmf", f"{base}.{len(guests) + 1}.vars.fd")
                os.makedirs(os.path.dirname(uefi_vars), exist_ok=True)
                shutil.copyfile(qemu.OVMF_VARS, uefi_vars)
            kernel = None
        else:
            kernel = os.fspath(kernel) if kernel else KERNEL
            if not os.path.exists(kernel):
                pytest.fail(f"{kernel} missing: run `make`")
        argv = qemu.qemu_argv(kernel=kernel, iso=iso, uefi=uefi, accel=accel, net=net,
                              append=append, initrd=initrd and os.fspath(initrd),
                              memory=memory, interactive=False, extra=tuple(extra),
                              uefi_vars=uefi_vars, **more)
        if netns:
            argv = ["ip", "netns", "exec", netns] + argv
        guests.append(argv)
        return spawn(argv)

    return start
