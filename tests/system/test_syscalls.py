"""Syscall conformance: Linux is the oracle.

tests/conformance/syscalls.c (built by `make conformance`, a musl-static
binary) runs natively on this host and inside the VM (-initrd); every line
it prints starting with "sc: " must be identical.  Both runs get the same
stdio: stdin a pipe the harness writes "xyz\\n" to once the program asks,
stdout a pipe with stderr on the same file.  The bad-pointer checks (NULL,
kernel, non-canonical, unmapped, partly mapped, read-only buffers) are in
the program; the kernel must survive them and the app must exit with 0.
"""
import difflib
import os

import pytest

from conftest import BUILD, qemu_status, run_native

PROGRAM = os.path.join(BUILD, "conformance", "syscalls")
PROMPT = "sc: waiting for input"
INPUT = b"xyz\n"            # no byte bound to a kernel debug key ('n', 'i')


def sc_lines(text):
    return [line for line in text.splitlines() if line.startswith("sc: ")]


@pytest.fixture(scope="module")
def program():
    if not os.path.exists(PROGRAM):
        pytest.fail(f"{PROGRAM} missing: run `make conformance` (make system builds it)")
    return PROGRAM


@pytest.fixture(scope="module")
def native(program):
    """The oracle's output: the program under Linux, with the VM's stdio shape."""
    return run_native(program, PROMPT, INPUT)


def run_in_vm(boot, program):
    g = boot(initrd=program)
    g.wait_for("^" + PROMPT, timeout=120)
    g.send(INPUT)
    g.wait_for("^sc: done", timeout=60)
    status = g.wait_exit(timeout=30)
    return g, status


def test_native_run_is_complete(native):
    lines = sc_lines(native)
    assert lines[0] == "sc: start" and lines[-1] == "sc: done"


def test_vm_matches_linux(boot, program, native):
    g, status = run_in_vm(boot, program)
    want, got = sc_lines(native), sc_lines(g.output)
    diff = "\n".join(difflib.unified_diff(want, got, "linux", "unikernel", lineterm=""))
    assert got == want, "conformance output differs from Linux:\n" + diff
    assert status == qemu_status(0), g.tail()


def test_bad_pointers_leave_kernel_running(boot, program):
    g, status = run_in_vm(boot, program)
    for word in ("panic", "page fault in kernel", "Oops", "SIGSEGV"):
        assert word not in g.output, g.tail()
    assert status == qemu_status(0)


def test_enosys_logged_once_by_number(boot, program):
    g, _ = run_in_vm(boot, program)
    assert g.output.count("syscall: 1000 is no Linux x86-64 call: ENOSYS") == 1, g.tail()
