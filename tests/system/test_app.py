"""The app in ring 3: argv and the exit status cross the kernel boundary,
the app can come from the kernel image or from a boot module (-initrd), and
malformed ELF modules are refused with a named reason and a distinct status.

QEMU's own exit status is 8 bits: (status << 1) | 1, truncated (exit()).
"""
import os
import re

import pytest

from conftest import BUILD, ROOT, qemu_status

HELLO = os.path.join(BUILD, "apps", "hello")
KERNEL_HELLO = os.path.join(BUILD, "kernel-hello.elf")     # hello built in (apps/apps.mk)
KERNEL_NOAPP = os.path.join(BUILD, "kernel-noapp.elf")     # no app at all (apps/apps.mk)

with open(os.path.join(ROOT, "include/kernel/elf.h")) as _f:
    _text = _f.read()
ELF_EXIT_BASE = int(re.search(r"#define ELF_EXIT_BASE\s+(\d+)", _text).group(1))
_enum = re.search(r"enum elf_error \{(.*?)\};", _text, re.S).group(1)
ELF_ERRORS = {name: i for i, name in enumerate(re.findall(r"^\s*(ELF_\w+)", _enum, re.M))}


def vm_status(status):
    return qemu_status(status) & 0xff


def check_hello(g, name):
    g.wait_for(rf"^argv\[0\]={re.escape(name)}$", timeout=60)
    g.wait_for(r"^argv\[1\]=7$")
    g.wait_for(r"^argv\[2\]=x$")
    g.wait_for(r"^argv\[3\]=a b$")
    assert g.wait_exit() == vm_status(7)
    assert "argv[4]" not in g.output


def test_builtin_hello_argv_and_status(boot):
    g = boot(append='-- 7 x "a b"', kernel=KERNEL_HELLO)
    check_hello(g, "hello")


def test_module_app(boot):
    """A boot module wins over the built-in app."""
    g = boot(append='-- 7 x "a b"', initrd=HELLO, kernel=KERNEL_HELLO)
    g.wait_for(r"exec: .*hello: static, entry 0x[0-9a-f]+", timeout=60)
    check_hello(g, HELLO)


def test_status_zero_without_args(boot):
    g = boot(kernel=KERNEL_HELLO)
    g.wait_for(r"^argv\[0\]=hello$", timeout=60)
    assert g.wait_exit() == vm_status(0)


def _truncated(data):
    return data[:40]


def _wrong_machine(data):
    return data[:18] + (3).to_bytes(2, "little") + data[20:]   # EM_386


def _segment_beyond_file(data):
    return data[:4096]                      # headers intact, segment bytes gone


@pytest.mark.parametrize("mangle,error,reason", [
    (_truncated, "ELF_ETRUNC", "truncated"),
    (_wrong_machine, "ELF_EMACHINE", "wrong machine"),
    (_segment_beyond_file, "ELF_ESEGFILE", "beyond the end of the file"),
])
def test_malformed_module_refused(boot, tmp_path, mangle, error, reason):
    with open(HELLO, "rb") as f:
        bad = mangle(f.read())
    path = tmp_path / "bad.elf"
    path.write_bytes(bad)
    status = ELF_EXIT_BASE + ELF_ERRORS[error]
    g = boot(initrd=path)
    g.wait_for(rf"exec: .*bad\.elf: refused: .*{reason}.*\(exit status {status}\)", timeout=60)
    assert g.wait_exit() == vm_status(status)
    assert "trap:" not in g.output


def test_no_app_idles(boot):
    """A kernel built without an app (build/kernel-noapp.elf; `make APP=`
    gives the same) has nothing to run: it says so and stays up."""
    g = boot(kernel=KERNEL_NOAPP)
    g.wait_for(r"init: no application built in; idling", timeout=60)
