"""UDP end to end over a tap device in the test's own network namespace
(test_virtio's netns fixture: tap0 10.0.0.1/24, guest 10.0.0.2/24).

The host side is Python's socket module run inside the namespace (a child
`ip netns exec python3`), as a user would: apps/echo (RFC 862, port 7)
returns every size up to 65507 bytes (fragmented both ways), 10,000
datagrams come back once each and in order, a connected socket to a closed
guest port gets ConnectionRefusedError.  tests/apps/udp_client covers the
guest side: EAGAIN, SO_RCVTIMEO, ECONNREFUSED, EHOSTUNREACH after ARP gives
up, ping and raw ICMP sockets.  scapy sends malformed datagrams, and a flood
at a socket the app never reads must stay within the receive buffer; both
are read back from the counters printed on console key 'n'.
"""
import json
import os
import re
import subprocess

import pytest

from conftest import BUILD, scaled
from test_virtio import GUEST, HOST, TAP_IP_ARG, UP_LINE, netns  # noqa: F401 (fixture)

ECHO = os.path.join(BUILD, "apps", "echo")
CLIENT = os.path.join(BUILD, "tests", "apps", "udp_client")


def in_ns(ns, code, timeout=120):
    """Run Python `code` inside ns; returns what it printed, parsed as JSON."""
    r = subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", "-c", code],
                       capture_output=True, text=True, timeout=scaled(timeout))
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def boot_echo(boot, ns):
    g = boot(append=TAP_IP_ARG, net="tap", netns=ns, initrd=ECHO)
    g.wait_for(UP_LINE)
    g.wait_for(r"echo: udp port 7 ready")
    return g


def counters(g):
    """Press 'n' and return the udp: line's counters and the drop lines."""
    g.send("n")
    m = g.wait_for(r"udp: (InDatagrams.*)$", timeout=10)
    udp = dict(re.findall(r"(\w+) (\d+)", m.group(1)))
    drops = dict(re.findall(r"^\[[ .\d]+\] net: drop (.+): (\d+)$", g.output, re.MULTILINE))
    return {k: int(v) for k, v in udp.items()}, {k: int(v) for k, v in drops.items()}


def test_echo_sizes(boot, netns):
    boot_echo(boot, netns)
    out = in_ns(netns, f"""
import json, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
res = {{}}
for n in (0, 1, 1472, 1473, 8000, 65507):
    d = bytes((i * 7 + n) % 256 for i in range(n))
    s.sendto(d, ("{GUEST}", 7))
    r, a = s.recvfrom(70000)
    res[n] = [r == d, a[1]]
print(json.dumps(res))
""")
    assert out == {str(n): [True, 7] for n in (0, 1, 1472, 1473, 8000, 65507)}


def test_ten_thousand_in_order(boot, netns):
    """A window of 16 datagrams in flight; every echo once, in order."""
    boot_echo(boot, netns)
    out = in_ns(netns, f"""
import json, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
N, W = 10000, 16
got, sent = [], 0
while len(got) < N:
    while sent < N and sent - len(got) < W:
        s.sendto(struct.pack("!I", sent) + b"x" * 60, ("{GUEST}", 7)); sent += 1
    got.append(struct.unpack("!I", s.recv(100)[:4])[0])
print(json.dumps({{"inorder": got == list(range(N)), "n": len(got)}}))
""", timeout=600)
    assert out == {"inorder": True, "n": 10000}


def test_connected_to_closed_port_refused(boot, netns):
    boot_echo(boot, netns)
    out = in_ns(netns, f"""
import json, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.connect(("{GUEST}", 9999)); s.send(b"anyone?")
try:
    s.recv(10); r = "data"
except ConnectionRefusedError:
    r = "refused"
except socket.timeout:
    r = "timeout"
print(json.dumps(r))
""")
    assert out == "refused"


def test_guest_client(boot, netns):
    """The guest's view: timeouts, errors from ICMP and ARP, ping and raw sockets."""
    server = subprocess.Popen(
        ["ip", "netns", "exec", netns, "/usr/bin/python3", "-c", f"""
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("{HOST}", 5000))
print("ready", flush=True)
d, a = s.recvfrom(100); s.sendto(d, a)
"""], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready"
        g = boot(append=TAP_IP_ARG + f" -- {HOST} 10.0.0.99", net="tap", netns=netns, initrd=CLIENT)
        g.wait_for(r"^udpc: done", timeout=120)
        lines = [l for l in g.lines if l.startswith("udpc: ")]
        assert lines == [
            "udpc: nonblock recv: EAGAIN",
            "udpc: dontwait recv: EAGAIN",
            "udpc: timed recv: EAGAIN",
            "udpc: timed recv waited 0.3 s: yes",
            "udpc: send to host: 11",
            "udpc: echo from host: 11",
            "udpc: ping socket send: 8",
            "udpc: ping socket reply: yes",
            "udpc: raw socket send: 8",
            "udpc: raw socket reply: yes",
            "udpc: send to closed port: 1",
            "udpc: recv after port unreachable: ECONNREFUSED",
            "udpc: send to unreachable: EHOSTUNREACH",
            "udpc: done",
        ], g.tail()
    finally:
        server.kill()
        server.wait()


def test_malformed_dropped_and_counted(boot, netns):
    g = boot_echo(boot, netns)
    in_ns(netns, f"""
import json
from scapy.all import IP, UDP, Raw, send, conf
conf.verb = 0
base = IP(src="{HOST}", dst="{GUEST}")
send(base / UDP(sport=4000, dport=7, len=8 + 40) / Raw(b"a" * 20))      # length beyond the payload
send(base / UDP(sport=4000, dport=7, len=7) / Raw(b"a" * 20))           # length < 8
send(base / UDP(sport=4000, dport=7, chksum=0x1234) / Raw(b"a" * 20))   # bad checksum
send(base / UDP(sport=4000, dport=7, chksum=0) / Raw(b"no sum"))        # no checksum: fine
print(json.dumps(0))
""")
    udp, drops = counters(g)
    assert drops.get("UDP: length field < 8 or beyond the IP payload") == 2, g.tail()
    assert drops.get("UDP: bad checksum") == 1, g.tail()
    assert udp["InCsumErrors"] == 1 and udp["InErrors"] == 3
    assert udp["InDatagrams"] == 1 and udp["OutDatagrams"] == 1


def test_flood_stays_within_rcvbuf(boot, netns):
    """5000 datagrams of 1000 bytes at a socket never read: the queue stops at
    the receive buffer (212992 bytes of truesize by default) and the rest is
    counted as dropped."""
    g = boot(append=TAP_IP_ARG + " -- sink 6000", net="tap", netns=netns, initrd=CLIENT)
    g.wait_for(UP_LINE)
    g.wait_for(r"udpc: sink bind: 0")
    in_ns(netns, f"""
import json, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(5000):
    s.sendto(b"f" * 1000, ("{GUEST}", 6000))
print(json.dumps(0))
""")
    udp, drops = counters(g)
    queued = udp["InDatagrams"]
    assert 0 < queued <= 212992 // 1000, g.tail()
    assert udp["RcvbufErrors"] == drops.get("socket receive buffer full") > 0
    assert queued + udp["RcvbufErrors"] <= 5000
