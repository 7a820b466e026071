"""Socket conformance: Linux is the oracle (as test_syscalls.py for issue 4).

tests/conformance/sockets.c (build/conformance/sockets, musl-static) runs
natively on this host and inside the VM (-initrd, lo only); every line it
prints starting with "so: " must be identical: socket(2) errors, option
defaults and Linux's SO_RCVBUF/SO_SNDBUF doubling and clamping, timeouts,
bind/connect/send/recv errnos, loopback datagrams (MSG_PEEK, MSG_TRUNC,
IP_PKTINFO, FIONREAD), sendmmsg/recvmmsg, ECONNREFUSED and SO_ERROR after a
port unreachable, shutdown.
"""
import difflib
import os
import subprocess

import pytest

from conftest import BUILD, qemu_status, scaled

PROGRAM = os.path.join(BUILD, "conformance", "sockets")


def so_lines(text):
    return [line for line in text.splitlines() if line.startswith("so: ")]


@pytest.fixture(scope="module")
def native():
    if not os.path.exists(PROGRAM):
        pytest.fail(f"{PROGRAM} missing: run `make conformance` (make system builds it)")
    r = subprocess.run([PROGRAM], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=scaled(60))
    assert r.returncode == 0, r.stdout
    return r.stdout.decode(errors="replace")


def test_vm_matches_linux(boot, native):
    g = boot(initrd=PROGRAM)
    g.wait_for("^so: done", timeout=120)
    status = g.wait_exit(timeout=30)
    want, got = so_lines(native), so_lines(g.output)
    assert want[-1] == "so: done"
    diff = "\n".join(difflib.unified_diff(want, got, "linux", "unikernel", lineterm=""))
    assert got == want, "socket conformance output differs from Linux:\n" + diff
    assert status == qemu_status(0), g.tail()
