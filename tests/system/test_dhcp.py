"""The kernel's DHCP client (net/dhcp.c) against the two servers a user
meets: dnsmasq (Debian's dnsmasq-base) started by the test in its own
network namespace on tap0, and QEMU user networking (the network of
`make run`).  Without ip= (or with ip=dhcp) the guest must end up with the
same `net: eth0 <addr>/<prefix> up` line a static configuration prints, use
the router it was given, and renew its lease at T1.
"""
import os
import shutil
import socket
import subprocess

import pytest

from conftest import BUILD
from test_virtio import GUEST, HOST, UP_LINE, netns, ping  # noqa: F401 (fixture)

ECHO = os.path.join(BUILD, "apps", "echo")


@pytest.fixture
def dnsmasq(netns, tmp_path):
    """dnsmasq serving exactly 10.0.0.2 on tap0, T1 3 s and T2 5 s so a renewal comes quickly."""
    if not shutil.which("dnsmasq"):
        pytest.skip("needs dnsmasq (Debian dnsmasq-base)")
    leases = tmp_path / "leases"
    p = subprocess.Popen(["ip", "netns", "exec", netns, "dnsmasq", "--no-daemon", "--interface=tap0",
                          "--bind-interfaces", "--port=0", f"--dhcp-leasefile={leases}",
                          "--dhcp-range=10.0.0.2,10.0.0.2,255.255.255.0,2m",
                          "--dhcp-option=option:T1,3", "--dhcp-option=option:T2,5",
                          "--dhcp-option=option:dns-server,10.0.0.1", "--log-dhcp"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in p.stdout:           # listening once it has logged its range
        if "DHCP, IP range" in line:
            break
    else:
        pytest.fail("dnsmasq exited before serving")
    yield p
    p.kill()
    p.wait()


@pytest.mark.parametrize("append", ["", "ip=dhcp"])
def test_dnsmasq_lease_and_renewal(boot, netns, dnsmasq, append):
    g = boot(append=append, net="tap", netns=netns, initrd=ECHO)
    g.wait_for(UP_LINE, timeout=60)
    g.wait_for(r"dhcp: eth0: 10\.0\.0\.2/24 from 10\.0\.0\.1, router 10\.0\.0\.1, dns 10\.0\.0\.1",
               anywhere=True)
    g.wait_for(r"echo: udp port 7 ready")
    sent, received, out = ping(netns, 5)
    assert received == sent == 5, out
    g.wait_for(r"dhcp: eth0: lease renewed, 120 s", timeout=30)
    sent, received, out = ping(netns, 3)
    assert received == sent == 3, out


def test_user_networking(boot):
    """QEMU's built-in DHCP server (10.0.2.2) hands out 10.0.2.15 with a router
    and DNS; the echo app is then reachable through the forwarded UDP port."""
    g = boot(net="user", initrd=ECHO)
    g.wait_for(r"net: eth0 10\.0\.2\.15/24 up", timeout=60)
    g.wait_for(r"dhcp: eth0: 10\.0\.2\.15/24 from 10\.0\.2\.2, router 10\.0\.2\.2, dns 10\.0\.2\.3",
               anywhere=True)
    g.wait_for(r"echo: udp port 7 ready")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(b"via slirp", ("127.0.0.1", 8007))
        assert s.recvfrom(100)[0] == b"via slirp"


def test_ip_off_configures_nothing(boot):
    g = boot(append="ip=off", net="user", initrd=ECHO)
    g.wait_for(r"echo: udp port 7 ready", timeout=60)
    assert "dhcp:" not in g.output and "net: eth0" not in g.output
