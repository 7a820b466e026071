"""virtio-net end to end: PCI enumeration, both virtio-pci transports (modern,
and legacy with disable-modern=on), both interrupt kinds (MSI-X, and INTx
with vectors=0), then 200 pings with no loss from a tap device in a network
namespace of the test's own, so no traffic leaves it.  With QEMU user
networking, the guest resolves the gateway's MAC with ARP.
"""
import os
import re
import shutil
import socket
import subprocess
import time
import uuid

import pytest

from conftest import scaled

GUEST, HOST = "10.0.0.2", "10.0.0.1"
TAP_IP_ARG = f"ip={GUEST}::{HOST}:255.255.255.0"
UP_LINE = r"net: eth0 10\.0\.0\.2/24 up"


def _ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


@pytest.fixture
def netns():
    """A private network namespace holding tap0 (10.0.0.1/24, up); deleted
    afterwards, which also removes tap0.  Yields its name."""
    if os.geteuid() != 0:
        pytest.skip("needs root: creates a network namespace and a tap device")
    if not shutil.which("ip") or not shutil.which("ping"):
        pytest.skip("needs iproute2 (ip) and ping")
    name = f"virtio-{uuid.uuid4().hex[:8]}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", name, "tuntap", "add", "tap0", "mode", "tap")
        _ip("-n", name, "addr", "add", f"{HOST}/24", "dev", "tap0")
        _ip("-n", name, "link", "set", "tap0", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def ping(ns, count, size=56, interval="0.01"):
    """Ping the guest from inside ns; returns (sent, received, ping's output)."""
    r = subprocess.run(["ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", str(count),
                        "-i", interval, "-W", "2", "-s", str(size), GUEST],
                       capture_output=True, text=True, timeout=120)
    m = re.search(r"(\d+) packets transmitted, (\d+) received", r.stdout)
    assert m, r.stdout + r.stderr
    return int(m.group(1)), int(m.group(2)), r.stdout


TRANSPORTS = {
    "modern-msix": ("", "modern", "MSI-X"),
    "modern-intx": (",vectors=0", "modern", "INTx"),
    "legacy-msix": (",disable-modern=on", "legacy", "MSI-X"),
    "legacy-intx": (",disable-modern=on,vectors=0", "legacy", "INTx"),
}


@pytest.mark.parametrize("machine", ["pc", "q35"])
@pytest.mark.parametrize("variant", TRANSPORTS)
def test_ping_over_tap(boot, netns, variant, machine):
    opts, transport, irq = TRANSPORTS[variant]
    # qemu_argv() says -M pc; a later -M wins.  qboot assigns no BARs: pci does.
    g = boot(append=TAP_IP_ARG, net="tap", netns=netns, nic="virtio-net-pci" + opts,
             extra=("-M", machine))
    # The transport's probe sets up the queues and binds virtio-net before
    # it reports its own binding.
    g.wait_for(rf"virtio \S+: 2 queues, {irq}")
    g.wait_for(rf"eth0: virtio-net {transport} 52:54:00:12:34:56")
    g.wait_for(r"pci \S+: bound to virtio-pci")
    g.wait_for(UP_LINE)
    sent, received, out = ping(netns, 200)
    assert (sent, received) == (200, 200), out


def test_large_pings_and_flood(boot, netns):
    """Fragmented echo both ways, then a flood that fills the TX ring."""
    g = boot(append=TAP_IP_ARG, net="tap", netns=netns)
    g.wait_for(UP_LINE)
    sent, received, out = ping(netns, 20, size=8000, interval="0.05")
    assert received == sent, out
    sent, received, out = ping(netns, 2000, interval="0")
    assert received == sent, out
    sent, received, out = ping(netns, 10)
    assert received == sent == 10, out


def test_pci_enumeration_logged(boot):
    """At `debug`, one line per function (bus:dev.fn vendor:device class) and BAR."""
    g = boot(append="debug", net="user")
    g.wait_for(r"pci 00:00\.0 8086:1237 class 060000")
    g.wait_for(r"pci 00:03\.0 1af4:1000 class 020000 irq 1[01] pin 1")
    g.wait_for(r"pci   bar4 mem64 0x[0-9a-f]+ size 0x4000 prefetch")
    g.wait_for(r"virtio 00:03\.0: bound to virtio-net, features 0x1[0-9a-f]{8}")
    g.wait_for(r"pci 00:03\.0: bound to virtio-pci")


def test_user_net_resolves_gateway(boot):
    """A UDP datagram forwarded by QEMU (host 8007 -> guest 7) makes the guest
    answer the gateway 10.0.2.2, which needs ARP; the console key 'n' prints
    the ARP cache.  The datagram comes right after boot on purpose: if QEMU
    asked for our MAC first, the gateway was learned STALE from its request,
    and using it must still re-confirm it (STALE -> DELAY, 5 s -> PROBE ->
    a reply -> REACHABLE, RFC 1122 2.3.2.1) however early that happened;
    otherwise it is resolved from scratch.  Either way it ends REACHABLE
    within the delay plus a probe; the deadline leaves room for TCG."""
    g = boot(append="ip=10.0.2.15::10.0.2.2:255.255.255.0", net="user")
    g.wait_for(r"net: eth0 10\.0\.2\.15/24 up")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"arp me", ("127.0.0.1", 8007))
    g.wait_for(r"eth0: link up", anywhere=True)
    deadline = time.monotonic() + scaled(20)
    while time.monotonic() < deadline:
        g.send("n")
        try:
            g.wait_for(r"arp: 10\.0\.2\.2 52:55:0a:00:02:02 eth0 reachable", timeout=1)
            return
        except AssertionError:
            continue
    pytest.fail("the gateway 10.0.2.2 never became reachable:\n" + g.tail())
