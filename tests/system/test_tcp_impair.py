"""Transfers through the impairment wire (tools/wire, issue 6: no netem here).

QEMU's NIC is `-netdev dgram` to 127.0.0.1 inside the test's namespace;
build/tools/wire relays between that and tap0 (10.0.0.1/24) and drops,
duplicates, reorders, delays and corrupts frames from a seed.  The wire
itself is checked with ping and UDP echo (apps/echo, port 7): untouched it
loses nothing; impaired, each kind of damage happens at about its rate and
the guest counts the corrupted frames it drops; the same seed replays the
same decisions frame by frame.  Then 100 MB TCP echo transfers at 1 % and
5 % loss, 5 % reordering, 2 % duplication and 1 % corruption must come back
byte-exact (SHA-256 of what was sent against what returned); they skip,
saying why, while the guest has no TCP echo on port 7.
TCP_IMPAIR_MB (default 100) sizes the transfers.
"""
import os
import re
import subprocess

import pytest

from conftest import BUILD, scaled
from tcp_echo_client import echo_sha256
from test_udp import counters, in_ns
from test_virtio import GUEST, TAP_IP_ARG, UP_LINE, netns, ping  # noqa: F401 (fixture)

WIRE = os.path.join(BUILD, "tools", "wire")
ECHO = os.path.join(BUILD, "apps", "echo")
QEMU_PORT, WIRE_PORT = 5555, 5556       # loopback of the test's own namespace
MB = int(os.environ.get("TCP_IMPAIR_MB", "100"))


class Wire:
    """One wire process inside ns; stop() returns its per-direction stats."""

    def __init__(self, ns, seed=1, trace=None, **rates):
        if not os.path.exists(WIRE):
            pytest.fail(f"{WIRE} missing: run `make`")
        argv = ["ip", "netns", "exec", ns, WIRE, "--tap", "tap0", "--seed", str(seed),
                "--listen", f"127.0.0.1:{WIRE_PORT}", "--qemu", f"127.0.0.1:{QEMU_PORT}"]
        for k, v in rates.items():
            argv += [f"--{k.replace('_', '-')}", str(v)]
        if trace:
            argv += ["--trace", trace]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("wire: ready"), line + self.proc.stdout.read()

    def stop(self):
        self.proc.terminate()
        out, _ = self.proc.communicate(timeout=scaled(10))
        stats = {}
        for d, rest in re.findall(r"wire: stats (\S+) (.*)", out):
            stats[d] = {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", rest)}
        return stats


@pytest.fixture
def wire(netns):
    """wire(seed=, loss=, dup=, reorder=, corrupt=, delay_ms=, dir=, trace=) -> Wire."""
    wires = []

    def start(**kw):
        w = Wire(netns, **kw)
        wires.append(w)
        return w

    yield start
    for w in wires:
        if w.proc.poll() is None:
            w.proc.kill()
            w.proc.wait()


def boot_echo(boot, ns):
    g = boot(append=TAP_IP_ARG, net="dgram", dgram=(QEMU_PORT, WIRE_PORT), netns=ns,
             initrd=ECHO)
    g.wait_for(UP_LINE)
    g.wait_for(r"echo: udp port 7 ready")
    return g


def udp_echo(ns, n):
    """n numbered datagrams to the guest's echo port, at most 16 awaiting an
    answer (a silent 0.5 s writes the window off as lost); returns how many
    came back, how many twice, and whether any came out of order."""
    return in_ns(ns, f"""
import json, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("{GUEST}", 7))
s.settimeout(0.5)
got, sent, waiting = [], 0, 0
while sent < {n} or waiting > 0:
    while sent < {n} and waiting < 16:
        s.send(sent.to_bytes(4, "big") * 100)
        sent, waiting = sent + 1, waiting + 1
    try:
        got.append(int.from_bytes(s.recv(2048)[:4], "big"))
        waiting -= 1
    except socket.timeout:
        waiting = 0
print(json.dumps({{"unique": len(set(got)), "dups": len(got) - len(set(got)),
                  "reordered": got != sorted(got)}}))
""", timeout=600)


def test_clean_wire_passes_everything(boot, netns, wire):
    w = wire()
    boot_echo(boot, netns)
    sent, received, out = ping(netns, 100)
    assert received == sent == 100, out
    r = udp_echo(netns, 300)
    assert r == {"unique": 300, "dups": 0, "reordered": False}
    st = w.stop()
    for d in ("from-guest", "from-host"):
        assert st[d]["dropped"] == st[d]["duplicated"] == st[d]["corrupted"] == 0
        assert st[d]["sent"] == st[d]["frames"] > 300


def test_impairments_happen_and_are_counted(boot, netns, wire):
    w = wire(seed=11, loss="5%", dup="2%", reorder="5%", corrupt="1%")
    g = boot_echo(boot, netns)
    r = udp_echo(netns, 3000)
    st = w.stop()
    n = st["from-host"]["frames"]
    assert n >= 3000
    # Rates over ~3000 frames each way, with room for chance (about 4 sigma).
    for d in ("from-host", "from-guest"):
        s = st[d]
        assert 0.02 * s["frames"] < s["dropped"] < 0.08 * s["frames"], st
        assert 0.005 * s["frames"] < s["duplicated"] < 0.04 * s["frames"], st
        assert 0.02 * s["frames"] < s["reordered"] < 0.08 * s["frames"], st
        assert 0 < s["corrupted"] < 0.025 * s["frames"], st
    # A datagram survives both ways unless lost or corrupted on either leg.
    assert 0.80 * 3000 < r["unique"] < 0.95 * 3000, r
    assert r["dups"] > 0 and r["reordered"], r
    # The guest dropped the corrupted frames it got by checksum, each counted.
    _, drops = counters(g)
    csum = sum(v for k, v in drops.items() if "checksum" in k)
    assert csum > 0, drops


def _decisions(path, direction):
    """The wire's verdicts for one direction, by frame index (sizes left out:
    which frames exist depends on timing, what is decided for frame N does not)."""
    with open(path) as f:
        rows = [line.split() for line in f if line.startswith(direction)]
    return [(r[1], tuple(x for x in r[3:] if x in ("drop", "dup", "reorder"))) for r in rows]


def test_seed_replays(boot, netns, wire, tmp_path):
    runs = []
    for i, seed in enumerate((1234, 1234, 99)):
        trace = str(tmp_path / f"trace{i}")
        w = wire(seed=seed, loss="5%", dup="2%", reorder="5%", dir="to-guest", trace=trace)
        g = boot_echo(boot, netns)
        ping(netns, 200, interval="0.02")
        w.stop()
        g.kill()
        runs.append(_decisions(trace, "H"))
    k = min(len(r) for r in runs)
    assert k >= 200
    assert runs[0][:k] == runs[1][:k]          # the same seed: the same fate, frame by frame
    assert runs[0][:k] != runs[2][:k]          # another seed: another sequence
    assert any(v for _, v in runs[0][:k])


def guest_tcp_echo_or_skip(ns):
    r = in_ns(ns, f"""
import json, socket
s = socket.socket()
s.settimeout(5)
try:
    s.connect(("{GUEST}", 7))
    s.sendall(b"ping")
    ok = s.recv(4) == b"ping"
except OSError as e:
    ok = str(e)
print(json.dumps({{"ok": ok}}))
""")
    if r["ok"] is not True:
        pytest.skip(f"guest has no working TCP echo on port 7 yet ({r['ok']}): "
                    "needs the TCP core end to end and apps/echo's TCP service")


IMPAIRMENTS = {
    "loss1": dict(loss="1%"),
    "loss5": dict(loss="5%"),
    "reorder5": dict(reorder="5%"),
    "dup2": dict(dup="2%"),
    "corrupt1": dict(corrupt="1%"),
}


@pytest.mark.parametrize("name", IMPAIRMENTS)
def test_tcp_transfer_byte_exact(boot, netns, wire, name):
    w = wire(seed=2024, **IMPAIRMENTS[name])
    boot_echo(boot, netns)
    guest_tcp_echo_or_skip(netns)
    r = echo_sha256(netns, GUEST, MB << 20, source="random", seed=2024, limit=3600)
    st = w.stop()
    assert r["got"] == r["total"], (r, st)
    assert r["equal"], (r, st)
