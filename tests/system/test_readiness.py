"""Readiness conformance: Linux is the oracle (as test_syscalls.py).

tests/conformance/readiness.c (build/conformance/readiness, musl-static)
runs natively on this host and inside the VM (-initrd); every line it
prints starting with "rd: " must be identical: poll/ppoll/select/pselect6
results and write-backs, epoll errors, level and edge triggering,
EPOLLONESHOT, EPOLLRDHUP/EPOLLHUP/EPOLLERR on loopback UDP, EPOLLEXCLUSIVE
rules, nested epoll, close semantics, eventfd and timerfd.  Both runs get
the same stdio: stdin a pipe kept open (the console in the VM) that the
harness writes "xyz\\n" to once the program asks, stdout a pipe with stderr
on the same file.
"""
import difflib
import os

import pytest

from conftest import BUILD, qemu_status, run_native

PROGRAM = os.path.join(BUILD, "conformance", "readiness")
PROMPT = "rd: waiting for input"
INPUT = b"xyz\n"            # no byte bound to a kernel debug key ('n', 'i')


def rd_lines(text):
    return [line for line in text.splitlines() if line.startswith("rd: ")]


@pytest.fixture(scope="module")
def native():
    """The oracle's output: the program under Linux, with the VM's stdio shape."""
    if not os.path.exists(PROGRAM):
        pytest.fail(f"{PROGRAM} missing: run `make conformance` (make system builds it)")
    return run_native(PROGRAM, PROMPT, INPUT)


def test_native_run_is_complete(native):
    lines = rd_lines(native)
    assert lines[0] == "rd: start" and lines[-1] == "rd: done"


def test_vm_matches_linux(boot, native):
    g = boot(initrd=PROGRAM)
    g.wait_for("^" + PROMPT, timeout=180)
    g.send(INPUT)
    g.wait_for("^rd: done", timeout=60)
    status = g.wait_exit(timeout=30)
    want, got = rd_lines(native), rd_lines(g.output)
    diff = "\n".join(difflib.unified_diff(want, got, "linux", "unikernel", lineterm=""))
    assert got == want, "readiness output differs from Linux:\n" + diff
    assert status == qemu_status(0), g.tail()
