"""The guest as a TCP sender recovering from loss, seen from the wire (RFC 2018
SACK, RFC 6675 loss recovery, RFC 3042 limited transmit, RFC 9293 §3.7.1
segment size), against the real guest running apps/echo.

A scapy peer (test_tcp_scapy's PEER_LIB: it speaks from 10.0.0.3, an
address the namespace's kernel does not own, so the kernel never RSTs its
connections) plays a receiver that loses segments: it throws away the first
transmission of chosen segments from chargen (port 19) and answers every
segment it keeps at once, as a receiver must for out-of-order data (RFC
5681 §4.2): an ACK of what it holds in order plus, when SACK was
negotiated, SACK blocks for what it holds above that (RFC 2018 §4, the
block holding the latest segment first).  Every guest segment is logged
with the time it arrived; nothing waits on a clock, only for segments.

  holes      segments 1 and 4 of the first flight lost: the guest resends
             exactly those two (no SACKed byte), each well before the RTO
             could fire (200 ms is the lower bound of the connection's RTO),
             every segment fits the 1500-byte MTU, and the 200 KB the peer
             reassembles is chargen's pattern, byte for byte.
  rescue     segments 0 and 9 lost and the window closed at the flight's
             end (no new data may go): recovery resends 0; the ACK for it
             (up to 9) passes RescueRxt and the guest resends the tail 9
             at once (RFC 6675 §4 NextSeg rule 4) instead of after the RTO.
  limited    segment 0 lost: the first two duplicate ACKs each let one new
             segment out before the third triggers fast retransmit (RFC
             3042 without SACK; RFC 6675 §5 (3) with it).
  mtu        echo (port 7) while the guest holds out-of-order data: its data
             segments carry a SACK block, and shrink (tcp_current_mss) so
             that IP length stays <= 1500; the echo comes back byte-exact.
"""
import json

import pytest

from test_tcp import CHARGEN_PERIOD, boot_echo, counters, no_oversize
from test_tcp_scapy import PEER_LIB
from test_udp import in_ns
from test_virtio import netns  # noqa: F401 (fixture)

MSS = 1460
RTO_MIN = 0.200         # s: TCP_RTO_MIN, the connection's RTO never goes below it
# A raw-frame peer must see the segments a wire would carry.  With TSO the
# guest hands the tap frames of up to 32 KiB that only the host's stack
# would cut (a NIC cuts them on real hardware), so here the device offers
# no TSO and the guest sends segment by segment (test_tcp_tso.py covers TSO).
NO_TSO = "virtio-net-pci,host_tso4=off"

RECEIVER = r"""
MSS = 1460

class Rx:
    '''A receiver for the guest's stream on conn c: keeps what arrives,
    drops the first transmission of segments whose index (offset // MSS)
    is in drop, ACKs each kept segment at once.  win(rx) gives the window.'''

    def __init__(self, c, sack, drop=(), win=lambda rx: 65535):
        self.c, self.sack, self.drop, self.win = c, sack, set(drop), win
        self.base = c.rcv               # sequence number of stream offset 0
        self.got = {}                   # offset -> bytes, everything kept
        self.cum = 0                    # bytes in order
        self.log = []                   # every data segment the guest sent
        self.seen = set()               # offsets sent at least once
        self.acks = []                  # (time, cum, blocks) we sent
        self.latest = None

    def blocks(self):
        runs, start, end = [], None, None
        for off in sorted(o for o in self.got if o >= self.cum):
            e = off + len(self.got[off])
            if start is not None and off <= end:
                end = max(end, e)
            else:
                if start is not None:
                    runs.append((start, end))
                start, end = off, e
        if start is not None:
            runs.append((start, end))
        runs.sort(key=lambda r: not (r[0] <= self.latest < r[1]))
        return runs[:4]

    def ack(self, now):
        opts = []
        b = self.blocks() if self.sack else []
        if b:
            edges = []
            for s, e in b:
                edges += [(self.base + s) & 0xffffffff, (self.base + e) & 0xffffffff]
            opts = [("NOP", None), ("NOP", None), ("SAck", tuple(edges))]
        self.c.rcv = (self.base + self.cum) & 0xffffffff
        put(self.c.seg("A", window=self.win(self), options=opts))
        self.acks.append((now, self.cum, b))

    def segment(self, t, now):
        '''One guest segment: log it, keep or drop it, ACK.  True if data.'''
        ip = t.underlayer
        n = ip.len - ip.ihl * 4 - t.dataofs * 4
        if n <= 0:
            return False
        data = bytes(t.payload)[:n]
        off = (t.seq - self.base) & 0xffffffff
        retx = off in self.seen
        self.seen.add(off)
        sack = [o for o in t.options if o[0] == "SAck"]
        self.log.append({"t": now, "off": off, "len": n, "iplen": ip.len, "retx": retx,
                         "sack": bool(sack)})
        if not retx and off % MSS == 0 and off // MSS in self.drop:
            return True                 # lost on the way
        self.got[off] = data
        self.latest = off
        while True:
            nxt = [o for o in self.got if o <= self.cum < o + len(self.got[o])]
            if not nxt:
                break
            self.cum = max(o + len(self.got[o]) for o in nxt)
        self.ack(now)
        return True

    def stream(self, upto):
        buf = bytearray(upto)
        for off, d in self.got.items():
            if off < upto:
                buf[off:off + len(d)] = d[:upto - off]
        return bytes(buf)

def run(c, rx, until, timeout=60, stop=None):
    '''Feed guest segments to rx until `until` bytes are in order (or stop(rx)).'''
    for t in frames(time.monotonic() + timeout):
        if t.dport != c.sport:
            continue
        rx.segment(t, time.monotonic())
        if rx.cum >= until or (stop and stop(rx)):
            return True
    return False

def report(rx, upto):
    return {"log": rx.log, "acks": [(a[0], a[1]) for a in rx.acks], "cum": rx.cum,
            "stream": rx.stream(upto).hex()}
"""


def scenario(body, **params):
    return PEER_LIB + RECEIVER + f"P = json.loads({json.dumps(json.dumps(params))})\n" + body


def chargen(n):
    reps = n // len(CHARGEN_PERIOD) + 1
    return (CHARGEN_PERIOD * reps)[:n]


def flight_ends(log):
    """Offsets of the original transmissions, in order of arrival."""
    return [s["off"] for s in log if not s["retx"]]


def check_common(r, upto):
    log = r["log"]
    assert all(s["iplen"] <= 1500 for s in log), [s for s in log if s["iplen"] > 1500]
    assert bytes.fromhex(r["stream"]) == chargen(upto), "stream differs from chargen's pattern"


HOLES = """
c = Conn(dport=19, options=(("MSS", MSS), ("SAckOK", b"")))
rx = Rx(c, sack=True, drop=P["drop"])
ok = run(c, rx, P["upto"])
c.send("R", seq=c.snd)
print(json.dumps(dict(report(rx, P["upto"]), ok=ok)))
"""


def test_sack_holes_resent_before_rto(boot, netns):
    g = boot_echo(boot, netns, nic=NO_TSO)
    t0, _ = counters(g)
    upto = 200_000
    r = in_ns(netns, scenario(HOLES, drop=[1, 4], upto=upto), timeout=300)
    t1, drops = counters(g)
    assert r["ok"], r["log"][-5:]
    log = r["log"]
    retx = [s for s in log if s["retx"]]
    # Exactly the holes, once each, whole segments.
    assert [(s["off"], s["len"]) for s in retx] == [(1 * MSS, MSS), (4 * MSS, MSS)], retx
    orig = {s["off"]: s["t"] for s in log if not s["retx"]}
    # ACKs of segment 0: the first is new, the rest are duplicates; the third starts recovery.
    dups = [a[0] for a in r["acks"] if a[1] == MSS][1:]
    assert len(dups) >= 3 and dups[2] < retx[0]["t"], (dups, retx)
    print(f"hole 1 resent {(retx[0]['t'] - orig[MSS]) * 1000:.1f} ms after its original, "
          f"{(retx[0]['t'] - dups[2]) * 1000:.1f} ms after the third duplicate ACK left the peer; "
          f"hole 4 resent {(retx[1]['t'] - orig[4 * MSS]) * 1000:.1f} ms after its original; "
          f"{len(log)} segments, {upto} bytes")
    for s in retx:
        assert s["t"] - orig[s["off"]] < RTO_MIN, (s, orig[s["off"]])
    check_common(r, upto)
    assert t1["RetransSegs"] - t0.get("RetransSegs", 0) == 2, (t0, t1)
    assert t1.get("TCPTimeouts", 0) == t0.get("TCPTimeouts", 0), (t0, t1)     # no RTO
    assert t1["TCPSackRecovery"] - t0.get("TCPSackRecovery", 0) == 1, (t0, t1)
    no_oversize(drops)


RESCUE = """
c = Conn(dport=19, options=(("MSS", MSS), ("SAckOK", b"")))
edge = 10 * MSS         # the window closes where IW (10 segments) ends, until all of it is in
rx = Rx(c, sack=True, drop=P["drop"],
        win=lambda rx: 65535 if rx.cum >= edge else edge - rx.cum)
ok = run(c, rx, P["upto"])
c.send("R", seq=c.snd)
print(json.dumps(dict(report(rx, P["upto"]), ok=ok)))
"""


def test_sack_rescue_retransmission(boot, netns):
    g = boot_echo(boot, netns, nic=NO_TSO)
    t0, _ = counters(g)
    upto = 50_000
    r = in_ns(netns, scenario(RESCUE, drop=[0, 9], upto=upto), timeout=300)
    t1, drops = counters(g)
    assert r["ok"], r["log"][-5:]
    log = r["log"]
    assert flight_ends(log)[:10] == [i * MSS for i in range(10)], log[:12]
    retx = [s for s in log if s["retx"]]
    assert [s["off"] for s in retx] == [0, 9 * MSS], retx
    orig = {s["off"]: s["t"] for s in log if not s["retx"]}
    # The partial ACK (up to segment 9) came before the rescue, and the rescue right after it.
    partial = [a for a in r["acks"] if a[1] == 9 * MSS]
    assert partial, r["acks"][:15]
    rescue = retx[1]
    after_partial = rescue["t"] - partial[0][0]
    print(f"head resent {(retx[0]['t'] - orig[0]) * 1000:.1f} ms after its original; "
          f"tail rescued {after_partial * 1000:.1f} ms after the partial ACK, "
          f"{(rescue['t'] - orig[9 * MSS]) * 1000:.1f} ms after its original")
    assert 0 <= after_partial < RTO_MIN, after_partial
    assert rescue["t"] - orig[9 * MSS] < RTO_MIN
    check_common(r, upto)
    assert t1["RetransSegs"] - t0.get("RetransSegs", 0) == 2, (t0, t1)
    assert t1.get("TCPTimeouts", 0) == t0.get("TCPTimeouts", 0), (t0, t1)
    no_oversize(drops)


LIMITED = """
c = Conn(dport=19, options=(("MSS", MSS),) + ((("SAckOK", b""),) if P["sack"] else ()))
rx = Rx(c, sack=P["sack"], drop=[0])
ok = run(c, rx, P["upto"])
c.send("R", seq=c.snd)
print(json.dumps(dict(report(rx, P["upto"]), ok=ok)))
"""


@pytest.mark.parametrize("sack", [False, True], ids=["newreno", "sack"])
def test_limited_transmit(boot, netns, sack):
    boot_echo(boot, netns, nic=NO_TSO)
    upto = 50_000
    r = in_ns(netns, scenario(LIMITED, sack=sack, upto=upto), timeout=300)
    assert r["ok"], r["log"][-5:]
    log = r["log"]
    first_retx = next(i for i, s in enumerate(log) if s["retx"])
    assert log[first_retx]["off"] == 0
    # Before fast retransmit: the first flight (IW, 10 segments), then one new
    # segment for each of the first two duplicate ACKs.
    before = [s["off"] for s in log[:first_retx]]
    assert before == [i * MSS for i in range(12)], before
    dt = log[first_retx]["t"] - log[0]["t"]
    print(f"segments 10 and 11 went on duplicates 1 and 2; segment 0 resent "
          f"{dt * 1000:.1f} ms after its original")
    assert dt < RTO_MIN
    check_common(r, upto)


MTU = """
c = Conn(dport=7, options=(("MSS", MSS), ("SAckOK", b"")))
rng = random.Random(7)
d1, d2, d3 = rng.randbytes(2 * MSS), rng.randbytes(1000), rng.randbytes(1000)
s0 = c.snd
put(c.seg("PA", seq=s0 + len(d1) + len(d2), data=d3))   # out of order: a hole for d2
put(c.seg("A", seq=s0, data=d1[:MSS]))
put(c.seg("PA", seq=s0 + MSS, data=d1[MSS:]))
c.snd = s0 + len(d1)
rx = Rx(c, sack=False)      # the guest is the one holding out-of-order data here
ok1 = run(c, rx, len(d1))
put(c.seg("PA", seq=s0 + len(d1), data=d2))
c.snd = s0 + len(d1) + len(d2) + len(d3)
ok2 = run(c, rx, len(d1) + len(d2) + len(d3))
c.send("R", seq=c.snd)
n1 = len([s for s in rx.log if s["off"] < len(d1)])
print(json.dumps({"ok": ok1 and ok2, "log": rx.log, "n1": n1,
                  "equal": rx.stream(rx.cum) == d1 + d2 + d3}))
"""


def test_sack_blocks_fit_the_mtu(boot, netns):
    g = boot_echo(boot, netns, nic=NO_TSO)
    r = in_ns(netns, scenario(MTU), timeout=300)
    _, drops = counters(g)
    assert r["ok"] and r["equal"], r
    log = r["log"]
    held = log[:r["n1"]]                # echoed while d3 waited behind the hole
    print("echo segments while holding out-of-order data (payload, IP length):",
          [(s["len"], s["iplen"]) for s in held])
    assert all(s["sack"] for s in held), held
    assert all(s["iplen"] <= 1500 for s in log), log
    assert max(s["iplen"] for s in held) == 1500, held     # full segments, shrunk to fit
    no_oversize(drops)
