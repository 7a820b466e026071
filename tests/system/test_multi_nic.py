"""Two NICs at once: virtio-net-pci on tap0 (10.0.0.0/24) and e1000 on tap1
(10.0.1.0/24), both taps in one network namespace of the test's own, the
guest .2 on each, configured by two ip= words that name their devices.

Naming: every supported NIC becomes ethN in probe order, and drivers probe
in initcall (link) order, e1000 before virtio; so here the e1000 is eth0 and
the virtio NIC eth1, whatever their PCI slots.

Slots: the e1000 (INTx) sits in slot 3.  qboot writes Interrupt Line as
PIRQ[(slot + pin - 1) & 3] while QEMU's PIIX wires PIRQ[(slot + pin - 2) & 3],
so for even slots the line it reports (IRQ 10) is not the one the device
raises (IRQ 11); odd slots happen to agree.  SeaBIOS and OVMF get it right,
and the kernel now corrects qboot from the PIIX3's routing registers
(drivers/pci/irq.c, test_e1000.py::test_qboot_even_slot_intx).
"""
import os
import re
import shutil
import subprocess
import uuid

import pytest

NETS = {"tap0": "10.0.0", "tap1": "10.0.1"}
APPEND = "ip=10.0.1.2:::255.255.255.0::eth0 ip=10.0.0.2::10.0.0.1:255.255.255.0::eth1"


def _ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def netns2():
    """A private namespace holding tap0 (10.0.0.1/24) and tap1 (10.0.1.1/24)."""
    if os.geteuid() != 0:
        pytest.skip("needs root: creates a network namespace and tap devices")
    if not shutil.which("ip") or not shutil.which("ping"):
        pytest.skip("needs iproute2 (ip) and ping")
    name = f"multi-{uuid.uuid4().hex[:8]}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        for tap, net in NETS.items():
            _ip("-n", name, "tuntap", "add", tap, "mode", "tap")
            _ip("-n", name, "addr", "add", f"{net}.1/24", "dev", tap)
            _ip("-n", name, "link", "set", tap, "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def ping(ns, addr, count):
    r = subprocess.run(["ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", str(count),
                        "-i", "0.01", "-W", "2", addr],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
    assert m, r.stdout + r.stderr
    return int(m.group(1)), int(m.group(2)), r.stdout


def test_virtio_and_e1000_both_answer(boot, netns2):
    e1000 = ("-netdev", "tap,id=n1,ifname=tap1,script=no,downscript=no",
             "-device", "e1000,netdev=n1,mac=52:54:00:12:34:57,addr=3")
    g = boot(append=APPEND, net="tap", tap="tap0", nic="virtio-net-pci,addr=4", netns=netns2,
             extra=e1000)
    g.wait_for(r"eth0: e1000 82540EM 52:54:00:12:34:57", anywhere=True)
    g.wait_for(r"eth1: virtio-net modern 52:54:00:12:34:56", anywhere=True)
    g.wait_for(r"net: eth0 10\.0\.1\.2/24 up", anywhere=True)
    g.wait_for(r"net: eth1 10\.0\.0\.2/24 up", anywhere=True)
    for net in NETS.values():
        sent, received, out = ping(netns2, f"{net}.2", 100)
        assert (sent, received) == (100, 100), out
    # The same ping ID on both wires at once: replies leave by the right NIC.
    procs = [subprocess.Popen(["ip", "netns", "exec", netns2, "ping", "-n", "-q", "-c", "50",
                               "-i", "0.01", "-W", "2", f"{net}.2"],
                              stdout=subprocess.PIPE, text=True) for net in NETS.values()]
    for p in procs:
        out = p.communicate(timeout=120)[0]
        assert ", 0% packet loss" in out, out
