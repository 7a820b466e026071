#!/usr/bin/env python3
"""Write the seed corpus for fuzz_rx (tests/fuzz/corpus/rx): valid ARP,
ICMP and fragment frames for the fuzzer's eth0 (52:54:00:12:34:56,
10.0.0.2/24), in fuzz_rx.c's record format (u8 advance, u16 LE len, frame)."""
import os, struct

OUR_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("525400abcdef")
BCAST = b"\xff" * 6
OUR, PEER = bytes([10, 0, 0, 2]), bytes([10, 0, 0, 5])
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "rx")


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(dst, typ, payload):
    return dst + PEER_MAC + struct.pack("!H", typ) + payload


def arp(op, sip, tip, tha=b"\0" * 6, dst=BCAST):
    return eth(dst, 0x0806, struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + PEER_MAC + sip + tha + tip)


def ip(payload, proto=1, ident=1, frag=0, src=PEER, dst=OUR, opts=b""):
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), ident, frag, 64, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return eth(OUR_MAC, 0x0800, h + payload)


def icmp(typ, code, rest, data):
    m = struct.pack("!BBH4s", typ, code, 0, rest) + data
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


def rec(frame, advance=0):
    return struct.pack("<BH", advance, len(frame)) + frame


def main():
    os.makedirs(OUT, exist_ok=True)
    echo = icmp(8, 0, b"\x12\x34\x00\x01", bytes(range(56)))
    big = icmp(8, 0, b"\x12\x34\x00\x02", bytes(i & 0xff for i in range(3000)))
    inner = ip(b"\x00\x35\x00\x35\x00\x08\x00\x00", proto=17, src=OUR, dst=PEER)[14:]
    seeds = {
        "arp_request": rec(arp(1, PEER, OUR)),
        "arp_then_reply": rec(arp(1, PEER, OUR)) + rec(arp(2, PEER, OUR, OUR_MAC, OUR_MAC)),
        "echo": rec(arp(1, PEER, OUR)) + rec(ip(echo)),
        "echo_unresolved_timeout": rec(ip(echo)) + rec(b"", 8),
        "fragments": rec(arp(1, PEER, OUR)) + rec(ip(big[1480:2960], frag=0x2000 | 185, ident=7))
        + rec(ip(big[2960:], ident=7, frag=370)) + rec(ip(big[:1480], ident=7, frag=0x2000)),
        "fragment_timeout": rec(ip(big[:1480], ident=9, frag=0x2000)) + rec(b"", 130),
        "port_unreach_in": rec(ip(icmp(3, 3, b"\0" * 4, inner))),
        "options": rec(ip(echo, opts=b"\x01\x01\x07\x07\x04\x00\x00\x00\x00\x00\x00\x00")),
        "proto_unreach_out": rec(arp(1, PEER, OUR)) + rec(ip(b"abcdefgh", proto=200)),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
