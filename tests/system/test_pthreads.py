"""User threads: clone(2), futex(2), thread exit and preemption, with Linux
as the oracle.  tests/apps/threads.c (pthreads: mutexes, condition
variables, barriers, TLS, a spinning thread beside a sleeping one, detached
threads) and tests/apps/futex.c (futex and clone edge cases by raw syscall)
run natively on this host and in the VM (-initrd); every line they print
with their prefix must be identical, and both must exit 0.  exit(3) from a
second thread while main blocks in pthread_join must end the VM with 3.
"""
import difflib
import os
import subprocess

import pytest

from conftest import BUILD, qemu_status, scaled

APPS = os.path.join(BUILD, "tests", "apps")
PROGRAMS = {"threads": "th: ", "futex": "fx: "}


def program(name):
    path = os.path.join(APPS, name)
    if not os.path.exists(path):
        pytest.fail(f"{path} missing: run `make test-apps` (make system builds it)")
    return path


def prefixed(text, prefix):
    return [line for line in text.splitlines() if line.startswith(prefix)]


def run_native(name, *args):
    p = subprocess.run([program(name), *args], capture_output=True, text=True,
                       timeout=scaled(60))
    return p.returncode, p.stdout + p.stderr


def run_vm(boot, name, *args):
    append = "-- " + " ".join(args) if args else None
    g = boot(initrd=program(name), append=append)
    status = g.wait_exit(timeout=180)
    return g, status


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_vm_matches_linux(boot, name):
    prefix = PROGRAMS[name]
    rc, native = run_native(name)
    assert rc == 0, native
    want = prefixed(native, prefix)
    assert want[0] == prefix + "start" and want[-1] == prefix + "done", native
    g, status = run_vm(boot, name)
    got = prefixed(g.output, prefix)
    diff = "\n".join(difflib.unified_diff(want, got, "linux", "unikernel", lineterm=""))
    assert got == want, f"{name} output differs from Linux:\n{diff}"
    assert status == qemu_status(0), g.tail()
    for word in ("panic", "Oops", "fatal signal", "stack overflow"):
        assert word not in g.output, g.tail()


def test_exit_from_second_thread_ends_process(boot):
    rc, native = run_native("threads", "exit-from-thread")
    assert rc == 3, native
    g, status = run_vm(boot, "threads", "exit-from-thread")
    assert prefixed(g.output, "th: ") == prefixed(native, "th: ")
    assert status == qemu_status(3), g.tail()
