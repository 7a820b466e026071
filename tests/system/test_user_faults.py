"""App faults end the app, never the kernel: each kind prints one line
(signal, RIP, address) and the VM exits with 128 + signal; bad pointers
passed to syscalls give EFAULT and the app carries on; the memory syscalls
give what Linux gives (this host runs the same binary as the oracle).

QEMU's exit status is 8 bits: ((128 + sig) << 1) | 1, truncated.
"""
import os
import subprocess

import pytest

from conftest import BUILD, qemu_status

FAULT = os.path.join(BUILD, "tests", "apps", "fault")
SIGILL, SIGFPE, SIGSEGV = 4, 8, 11


@pytest.mark.parametrize("mode,sig,name,addr", [
    ("null", SIGSEGV, "SIGSEGV", r"0x0"),
    ("text", SIGSEGV, "SIGSEGV", r"0x4[0-9a-f]{5}"),
    ("ud2", SIGILL, "SIGILL", r"0x4[0-9a-f]{5}"),
    ("div0", SIGFPE, "SIGFPE", r"0x4[0-9a-f]{5}"),
    ("stack", SIGSEGV, "SIGSEGV", r"0x7fffff[0-9a-f]{6}"),   # the guard gap below the 8 MiB stack
])
def test_fatal_fault(boot, mode, sig, name, addr):
    g = boot(initrd=FAULT, append=f"-- {mode}")
    g.wait_for(rf"app: fatal signal {name} \({sig}\) at rip 0x[0-9a-f]+, address {addr}$",
               timeout=90)
    assert g.wait_exit() == qemu_status(128 + sig) & 0xff
    assert "trap:" not in g.output          # no kernel register dump


def test_bad_pointers_give_efault(boot):
    g = boot(initrd=FAULT, append="-- efault")
    for what in ("NULL", "kernel", "unmapped", "partly mapped"):
        g.wait_for(rf"^write\({what}\): -1 Bad address$", timeout=60)
    g.wait_for(r"^efault: carried on$")
    assert g.wait_exit() == qemu_status(0)


def test_memory_syscalls_match_linux(boot):
    native = subprocess.run([FAULT, "mem"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            check=True, text=True).stdout.splitlines()
    assert native[-1] == "mem: done"
    g = boot(initrd=FAULT, append="-- mem")
    g.wait_for(r"^mem: done$", timeout=60)
    assert g.wait_exit() == qemu_status(0)
    lines = [l for l in g.lines if l in native or not l.startswith("[")]
    got = lines[lines.index(native[0]):lines.index("mem: done") + 1]
    assert got == native
