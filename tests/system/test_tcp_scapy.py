"""Malformed and hostile TCP segments from scapy (issue 6), each dropped or
answered as RFC 9293 and RFC 5961 say, counted under its drop reason, and
the connections it aimed at (and the others) still working.

The raw peer speaks from 10.0.0.3, an address the namespace's kernel does
not own, so the kernel never answers the guest's segments with RSTs of its
own: scapy builds frames and writes them to tap0 through an AF_PACKET
socket, reads the guest's frames from the same socket and answers the
guest's ARP requests for 10.0.0.3 with a made-up MAC (frames to it are not
for the host kernel, which ignores them).

Whether a segment drew a reply is decided without sleeping: after each
case the peer sends a probe (data at the next sequence number) and waits
for its echo; the guest handles segments in order, so whatever it sent
back in between answered the case.  The echo also proves the connection
survived and that the case's bytes were not taken as data.

Expectations (apps/echo on port 7 is the target):
  data offset < 5, data offset beyond the segment  -> dropped, no reply  (TCP: truncated header...)
  bad checksum                                     -> dropped, no reply  (TCP: bad checksum, InCsumErrors)
  option length 0, 1, beyond the header            -> dropped, no reply  (TCP: malformed options)
  SYN+FIN, SYN+RST (connection and listener)       -> dropped, no reply  (TCP: invalid flag combination)
  no flags on a synchronized connection            -> dropped, no reply  (TCP: no ACK flag when synchronized)
  urgent pointer beyond the data                   -> the data accepted and echoed (urgent ignored)
  RST in the window but not at RCV.NXT             -> challenge ACK, connection survives (RFC 5961 3.2)
  a second one at once                             -> no ACK: rate limited (TCPChallengeACKLimited)
  SYN in the window                                -> challenge ACK, connection survives (RFC 5961 4.2)
  data outside the window                          -> ACK <SEQ=SND.NXT><ACK=RCV.NXT>, dropped
  RST outside the window                           -> dropped, no reply (RFC 5961 3.2)
  window scale 15 on a SYN                         -> read as 14, counted (TCPWscaleClamped)
  MSS 0 on a SYN                                   -> ignored: the guest sends 536-byte segments
and a normal connection from 10.0.0.1 echoes before and after all this.
"""
import json

from test_tcp import boot_echo, counters
from test_udp import in_ns
from test_virtio import GUEST, netns  # noqa: F401 (fixture)

PEER = "10.0.0.3"
GUEST_MAC = "52:54:00:12:34:56"     # tools/qemu.py's default

PEER_LIB = f"""
import json, os, random, select, socket, time
from scapy.all import ARP, Ether, IP, TCP, Raw, conf
conf.verb = 0
GUEST, PEER, GMAC, PMAC = "{GUEST}", "{PEER}", "{GUEST_MAC}", "02:00:00:00:00:03"
raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
raw.bind(("tap0", 0))

def put(pkt):
    raw.send(bytes(Ether(src=PMAC, dst=GMAC) / pkt))

def frames(deadline):
    \"\"\"The guest's TCP segments to PEER until deadline; answers ARP on the way.\"\"\"
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return
        if not select.select([raw], [], [], left)[0]:
            continue
        f = Ether(raw.recv(65535))
        if f.src.lower() != GMAC:
            continue
        if ARP in f and f[ARP].op == 1 and f[ARP].pdst == PEER:
            put_arp = Ether(src=PMAC, dst=f.src) / ARP(op=2, hwsrc=PMAC, psrc=PEER,
                                                      hwdst=f[ARP].hwsrc, pdst=f[ARP].psrc)
            raw.send(bytes(put_arp))
            continue
        if IP in f and TCP in f and f[IP].dst == PEER:
            yield f[TCP]

def desc(t):
    return {{"flags": str(t.flags), "seq": t.seq, "ack": t.ack, "len": len(t.payload),
             "win": t.window, "dport": t.dport}}

class Conn:
    def __init__(self, dport=7, options=(("MSS", 1460),), timeout=20):
        self.sport = random.randint(20000, 60000)
        self.dport = dport
        self.snd = random.randint(1, 1 << 30)
        self.base = IP(src=PEER, dst=GUEST)
        put(self.base / TCP(sport=self.sport, dport=dport, flags="S", seq=self.snd,
                            window=65535, options=list(options)))
        self.snd += 1
        self.others = []        # other ports' segments seen meanwhile
        for t in frames(time.monotonic() + timeout):
            if t.dport != self.sport:
                self.others.append(desc(t))
            elif t.flags & 0x12 == 0x12:
                self.synack = t
                self.rcv = t.seq + 1
                break
        else:
            raise RuntimeError("no SYN-ACK")
        self.send("A")

    def seg(self, flags="A", seq=None, ack=None, data=b"", **kw):
        t = TCP(sport=self.sport, dport=self.dport, flags=flags,
                seq=self.snd if seq is None else seq, ack=self.rcv if ack is None else ack,
                window=kw.pop("window", 65535), **kw)
        return self.base / t / Raw(data) if data else self.base / t

    def send(self, flags="A", data=b"", **kw):
        put(self.seg(flags, data=data, **kw))

    def probe(self, expect=b"", timeout=20):
        \"\"\"Send a probe; return (replies before the probe's answer, echoed bytes
        ok, sizes of the echo segments).  expect: bytes the guest should echo
        before the probe's (a case's data it accepted).\"\"\"
        p = b"probe-%d" % random.randint(0, 1 << 30)
        mark = self.snd - len(expect)       # where we were before the case
        self.send("PA", data=p)
        sent_end = self.snd + len(p)
        self.snd = sent_end
        want, got, before, sizes = expect + p, b"", [], []
        for t in frames(time.monotonic() + timeout):
            if t.dport != self.sport:
                continue
            data = bytes(t.payload)
            if data:
                if t.seq == self.rcv:
                    got += data
                    self.rcv += len(data)
                    sizes.append(len(data))
                    self.send("A")
                if len(got) >= len(want):
                    return before, got == want, sizes
                continue
            # An answer to the case: anything but an ACK of data we sent right.
            if not sizes and (t.ack == mark or t.flags & 0x07):
                before.append(desc(t))
        return before, False, sizes
"""

SCENARIO = """
res = {}
normal = socket.create_connection((GUEST, 7), timeout=20)
normal.sendall(b"before")
res["normal before"] = normal.recv(100) == b"before"

def case(name, conn, pkt=None, expect=b"", after=None):
    if pkt is not None:
        put(pkt)
    if after:
        after()
    before, ok, sizes = conn.probe(expect)
    res[name] = {"replies": before, "alive": ok}
    return sizes

a = Conn()
res["handshake"] = {"synack": str(a.synack.flags)}
case("clean", a)
case("doff<5", a, a.seg("PA", data=b"doff4", dataofs=4))
case("doff>len", a, a.seg("A", dataofs=15))
case("bad checksum", a, a.seg("PA", data=b"badsum", chksum=0x1234))
case("opt len 0", a, a.seg("PA", dataofs=6, data=b"\\x05\\x00\\x00\\x00opt0"))
case("opt len 1", a, a.seg("PA", dataofs=6, data=b"\\x08\\x01\\x00\\x00opt1"))
case("opt overrun", a, a.seg("PA", dataofs=6, data=b"\\x08\\x0a\\x00\\x00opt10"))
case("syn+fin", a, a.seg("SF"))
case("syn+rst", a, a.seg("SR"))
case("no flags", a, a.seg("", data=b"noflags"))
urg = b"urgent"
pkt = a.seg("PAU", data=urg, urgptr=5000)
a.snd += len(urg)
case("urgent beyond data", a, pkt, expect=urg)
case("data outside window", a, a.seg("PA", seq=a.snd + 200000, data=b"blind"))
case("rst outside window", a, a.seg("R", seq=a.snd + 200000))

b = Conn()
case("rst in window", b, b.seg("R", seq=b.snd + 100))
c = Conn()
case("syn in window", c, c.seg("S", seq=c.snd + 100))
d = Conn()
case("rst in window twice", d, d.seg("R", seq=d.snd + 100),
     after=lambda: put(d.seg("R", seq=d.snd + 200)))

# SYN+FIN and SYN+RST to the listener, then no reply before a new SYN's SYN-ACK.
l_sport = random.randint(20000, 60000)
put(IP(src=PEER, dst=GUEST) / TCP(sport=l_sport, dport=7, flags="SF", seq=1))
put(IP(src=PEER, dst=GUEST) / TCP(sport=l_sport + 1, dport=7, flags="SR", seq=1))
e = Conn()
res["listener syn+fin/syn+rst"] = {"handshake after": str(e.synack.flags),
                                   "replies": [x for x in e.others if x["dport"] in (l_sport, l_sport + 1)]}

w = Conn(options=(("MSS", 1460), ("WScale", 15)))
res["wscale 15"] = {"synack": str(w.synack.flags)}
case("wscale 15 alive", w)

m = Conn(options=(("MSS", 0),))
big = bytes(random.getrandbits(8) for _ in range(1400))
pkt = m.seg("PA", data=big)
m.snd += len(big)
sizes = case("mss 0", m, pkt, expect=big)
res["mss 0 sizes"] = sizes

normal.sendall(b"after")
res["normal after"] = normal.recv(100) == b"after"
print(json.dumps(res))
"""


def test_malformed_segments(boot, netns):
    g = boot_echo(boot, netns)
    t0, d0 = counters(g)
    r = in_ns(netns, PEER_LIB + SCENARIO, timeout=300)
    t1, d1 = counters(g)
    print(json.dumps(r, indent=None))
    tcp = {k: t1.get(k, 0) - t0.get(k, 0) for k in t1}
    drops = {k: d1.get(k, 0) - d0.get(k, 0) for k in d1}
    silent = {"replies": [], "alive": True}

    assert r["normal before"] and r["normal after"]
    assert r["handshake"] == {"synack": "SA"}
    for name in ("clean", "doff<5", "doff>len", "bad checksum", "opt len 0", "opt len 1",
                 "opt overrun", "syn+fin", "syn+rst", "no flags", "urgent beyond data",
                 "rst outside window"):
        assert r[name] == silent, (name, r[name])
    # Unacceptable data: one ACK saying where we are (RFC 9293 3.10.7.4 first check).
    (ack,) = r["data outside window"]["replies"]
    assert ack["flags"] == "A" and ack["len"] == 0, ack
    assert r["data outside window"]["alive"]
    # Challenge ACKs (RFC 5961): an ACK, and the connection lives on; the second
    # inexact RST within the rate-limit interval gets none.
    for name in ("rst in window", "syn in window", "rst in window twice"):
        (ack,) = r[name]["replies"]
        assert ack["flags"] == "A" and ack["len"] == 0, (name, ack)
        assert r[name]["alive"], name
    assert r["listener syn+fin/syn+rst"] == {"handshake after": "SA", "replies": []}
    assert r["wscale 15"] == {"synack": "SA"} and r["wscale 15 alive"] == silent
    assert r["mss 0"] == silent
    assert max(r["mss 0 sizes"]) == 536 and sum(r["mss 0 sizes"]) > 1400, r["mss 0 sizes"]

    assert drops.get("TCP: truncated header or bad data offset") == 2, drops
    assert drops.get("TCP: bad checksum") == 1 and tcp["InCsumErrors"] == 1, (drops, tcp)
    assert drops.get("TCP: malformed options") == 3, drops
    assert drops.get("TCP: invalid flag combination") == 4, drops
    assert drops.get("TCP: no ACK flag when synchronized") == 1, drops
    assert drops.get("TCP: not acceptable (outside the receive window)") == 2, drops
    assert drops.get("TCP: inexact RST, challenge ACK (RFC 5961 3.2)") == 3, drops
    assert drops.get("TCP: SYN when synchronized, challenge ACK (RFC 5961 4)") == 1, drops
    assert tcp["TCPChallengeACK"] == 3 and tcp["TCPChallengeACKLimited"] == 1, tcp
    assert tcp["TCPWscaleClamped"] == 1, tcp
    assert tcp["InErrs"] == 10, tcp         # header, checksum, option and flag errors
    assert tcp["EstabResets"] == 0 and tcp["OutRsts"] == 0, tcp
