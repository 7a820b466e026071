#!/usr/bin/python3
"""Send one frame of every malformed class issue 3 names at the guest, from
inside the test's network namespace, plus valid fragment patterns whose echo
replies must come back; print what came back as JSON on the last line.

Run by test_malformed.py as: malformed_frames.py IFACE GUEST_IP GUEST_MAC
Each case is built with scapy at layer 2, so nothing the host kernel would
normally fix up (checksums, lengths, padding) is fixed up.
"""
import json
import sys
import time

from scapy.all import (ARP, ICMP, IP, AsyncSniffer, Dot1Q, Ether, Raw, conf,
                       fragment, get_if_hwaddr, sendp)

HOST_IP = "10.0.0.1"


def frames(iface, guest, gmac):
    """(name, list of frames) for every malformed class, in sending order."""
    hmac = get_if_hwaddr(iface)
    e = Ether(dst=gmac, src=hmac)
    e4 = Ether(dst=gmac, src=hmac, type=0x0800)    # raw bytes after it are IPv4
    bcast = Ether(dst="ff:ff:ff:ff:ff:ff", src=hmac)
    ip = IP(src=HOST_IP, dst=guest)
    echo = ICMP(type=8, id=0x4d41)
    hdr = bytes(ip / echo)[:20]

    def ip_raw(header, payload=b"x" * 8):
        return e4 / Raw(bytes(header) + payload)

    def with_ihl(ihl):
        h = bytearray(bytes(IP(src=HOST_IP, dst=guest, proto=1, ihl=5, len=28)))
        h[0] = 0x40 | ihl
        return bytes(h)

    def ip_options(opts):
        # A 24-byte header with `opts` as its 4 option bytes; checksum recomputed.
        h = IP(src=HOST_IP, dst=guest, proto=1, ihl=6, options=[])
        raw = bytearray(bytes(h)[:20]) + bytearray(opts)
        raw[0] = 0x46
        raw[2:4] = (24 + 8).to_bytes(2, "big")
        raw[10:12] = b"\0\0"
        s = sum(int.from_bytes(raw[i:i + 2], "big") for i in range(0, 24, 2))
        while s >> 16:
            s = (s & 0xffff) + (s >> 16)
        raw[10:12] = (~s & 0xffff).to_bytes(2, "big")
        return e4 / Raw(bytes(raw) + bytes(ICMP(type=8)))

    bad_csum = bytearray(bytes(ip / echo / Raw(b"q" * 8)))
    bad_csum[10] ^= 0xff
    icmp_bad = bytearray(bytes(ip / echo / Raw(b"q" * 8)))
    icmp_bad[22] ^= 0xff
    overlap = [ip / ICMP(type=8, id=0x4f56) / Raw(b"o" * 40)]
    ov1 = IP(bytes(overlap[0]))
    ov1.flags, ov1.frag, ov1.id = "MF", 0, 0x1111
    ov1 = IP(bytes(ov1)[:20] + bytes(ov1.payload)[:24])
    ov1.len, ov1.chksum = None, None
    ov2 = IP(src=HOST_IP, dst=guest, proto=1, id=0x1111, frag=2, flags=0) / Raw(b"o" * 32)
    return [
        # A Linux tap refuses frames shorter than an Ethernet header, so the
        # shortest runts are covered by the unit tests; here: headers cut short.
        ("arp_cut", [Ether(dst=gmac, src=hmac, type=0x0806) / Raw(b"\x00\x01\x08\x00")]),
        ("ip_header_cut", [e4 / Raw(b"\x45\x00")]),
        ("unknown_ethertype", [Ether(dst=gmac, src=hmac, type=0x88b5) / Raw(b"z" * 46)]),
        ("vlan", [e / Dot1Q(vlan=5) / ip / echo]),
        ("arp_odd_hwlen", [bcast / ARP(hwlen=7, op=1, psrc=HOST_IP, pdst=guest)]),
        ("arp_odd_op", [bcast / ARP(op=9, psrc=HOST_IP, pdst=guest)]),
        ("ihl_4", [ip_raw(with_ihl(4))]),
        ("version_6", [e4 / Raw(b"\x65" + hdr[1:] + b"x" * 8)]),
        ("bad_ip_checksum", [e4 / Raw(bytes(bad_csum))]),
        ("len_beyond_frame", [e4 / Raw(bytes(IP(src=HOST_IP, dst=guest, proto=1, len=1400)))]),
        ("len_below_header", [e4 / Raw(bytes(IP(src=HOST_IP, dst=guest, proto=1, len=12)))]),
        ("option_len_0", [ip_options(b"\x07\x00\x00\x00")]),
        ("option_overrun", [ip_options(b"\x07\x28\x04\x00")]),
        ("martian_loopback", [e / IP(src="127.0.0.1", dst=guest) / echo]),
        ("martian_self", [e / IP(src=guest, dst=guest) / echo]),
        ("martian_broadcast", [e / IP(src="255.255.255.255", dst=guest) / echo]),
        ("martian_multicast", [e / IP(src="224.0.0.5", dst=guest) / echo]),
        ("icmp_bad_checksum", [e4 / Raw(bytes(icmp_bad))]),
        ("icmp_truncated_inner", [e / ip / ICMP(type=3, code=3) / Raw(b"\x45\x00\x00")]),
        ("broadcast_ping", [bcast / IP(src=HOST_IP, dst="10.0.0.255") / ICMP(type=8, id=0xb0)]),
        ("limited_broadcast_ping", [bcast / IP(src=HOST_IP, dst="255.255.255.255") /
                                    ICMP(type=8, id=0xb1)]),
        ("overlapping_fragments", [e / ov1, e / ov2]),
    ]


def frag_echo(guest, ident, size, fragsize):
    return fragment(IP(src=HOST_IP, dst=guest, id=ident) / ICMP(type=8, id=ident) /
                    Raw(bytes(i % 251 for i in range(size))), fragsize=fragsize)


def main():
    iface, guest, gmac = sys.argv[1:4]
    conf.verb = 0
    hmac = get_if_hwaddr(iface)
    e = Ether(dst=gmac, src=hmac)
    sniff = AsyncSniffer(iface=iface, filter=f"icmp and src host {guest}", store=True)
    sniff.start()
    sent = []
    for name, fs in frames(iface, guest, gmac):
        sendp(fs, iface=iface)
        sent.append(name)
    # Valid but awkward fragment patterns: each must be reassembled and answered.
    ooo = frag_echo(guest, 0x0a01, 1200, 400)
    sendp([e / f for f in reversed(ooo)], iface=iface)              # out of order
    dup = frag_echo(guest, 0x0a02, 1200, 400)
    sendp([e / dup[0], e / dup[0]] + [e / f for f in dup[1:]], iface=iface)  # duplicate
    tiny = frag_echo(guest, 0x0a03, 64, 8)
    sendp([e / f for f in tiny], iface=iface)                       # 8-byte fragments
    # A flood of incomplete datagrams: first fragments only, ~1.4 KB each,
    # 3 MB in all, three times the reassembly memory cap.
    flood = [e / frag_echo(guest, 0x2000 + i, 2800, 1400)[0] for i in range(2200)]
    sendp(flood, iface=iface)
    # A last, ordinary echo marks the end: once its reply is in, all is answered.
    sendp(e / IP(src=HOST_IP, dst=guest) / ICMP(type=8, id=0x0e0d), iface=iface)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not any(
            p.haslayer(ICMP) and p[ICMP].type == 0 and p[ICMP].id == 0x0e0d
            for p in list(sniff.results or [])):
        time.sleep(0.05)        # polling the sniffer for the marker reply, bounded
    sniff.stop()
    replies = sorted({p[ICMP].id for p in sniff.results
                      if p.haslayer(ICMP) and p[ICMP].type == 0})
    print(json.dumps({"sent": sent, "echo_reply_ids": replies}))


if __name__ == "__main__":
    main()
