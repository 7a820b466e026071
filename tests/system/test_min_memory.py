"""The smallest VM: `make bench` bisects QEMU's -m for the least RAM with
which the guest boots and serves HTTP 200 on / (min_memory_mib).  These
tests pin that figure: httpd serves at -m MIN_MEMORY_MIB, built in or as the
-initrd module the benchmark boots, and with less RAM the VM says why on the
console and powers off (PANIC_EXIT_STATUS) instead of hanging or faulting.

Below MIN_MEMORY_MIB in whole MiB is -m 1, where nothing reaches the kernel:
RAM ends at 1 MiB, where the loader puts the image, and the firmware hangs.
QEMU takes fractional sizes, so the "too little" cases use -m 1280K (the
image does not fit: boot/entry.S refuses) and mem= (the image fits, the app
does not: the loader says so).

Networking is QEMU user networking with a free host port forwarded to the
guest's port 80, as test_httpd.py's guest target has it.
"""
import http.client
import os
import socket

import pytest

from conftest import BUILD, qemu_status, scaled

MIN_MEMORY_MIB = 2          # what `make bench` measures for ours; was 11 before demand paging
PANIC_EXIT_STATUS = 0x7f    # include/kernel/panic.h
HTTPD = os.path.join(BUILD, "apps", "httpd")
GUEST_IP = "ip=10.0.2.15::10.0.2.2:255.255.255.0"   # QEMU user networking's defaults
READY = r"^httpd: listening on \S+"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path="/"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=scaled(10))
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


@pytest.mark.parametrize("app", ["built-in", "initrd"])
def test_httpd_serves_at_min_memory(boot, app):
    port = _free_port()
    g = boot(memory=MIN_MEMORY_MIB, append=GUEST_IP, initrd=HTTPD if app == "initrd" else None,
             extra=["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80",
                    "-device", "virtio-net-pci,netdev=n0"])
    # The app's bytes go back to the page allocator once loaded.
    g.wait_for(r"mm: freed \d+ KiB of the " +
               ("app's boot module" if app == "initrd" else "built-in app image"), timeout=60)
    g.wait_for(READY)
    for path in ("/", "/stats", "/"):
        status, body = _get(port, path)
        assert status == 200, f"GET {path} at -m {MIN_MEMORY_MIB}: {status}"
        assert body
    assert "too little RAM" not in g.output
    assert "out of memory" not in g.output


def test_too_little_ram_for_the_image(boot):
    g = boot(memory="1280K")
    g.wait_for(r"^boot: too little RAM: the kernel image does not fit", timeout=30)
    status = g.wait_exit()
    assert status == qemu_status(PANIC_EXIT_STATUS), f"exit {status}: not the orderly poweroff"
    assert "unikernel" not in g.output      # refused before the C kernel ran


def test_too_little_ram_for_the_app(boot):
    # The image fits; 320 KiB of RAM below 1 MiB run the kernel but not httpd.
    g = boot(append="mem=320K")
    g.wait_for(r"exec: httpd: too little RAM to start it \(\d+ KiB free\); cannot continue",
               timeout=60)
    status = g.wait_exit()
    assert status == qemu_status(PANIC_EXIT_STATUS), f"exit {status}: not the orderly poweroff"
    assert "trap:" not in g.output
