"""TIME-WAIT as a small stand-in (net/tcp_minisocks.c's tcp_timewait_sock,
Linux's inet_timewait_sock): connections the guest closes first leave one
TIME_WAIT line each in /proc/net/tcp (Linux's layout: state 06, timer
3:<ticks>, read back through apps/httpd's /status page, which parses the
file with Linux's format) and in the console table (key 's'), and the
kernel heap (key 'm') grows by only the entry's size for each, not by a
tcp_sock.

Run: make system PYTEST_ARGS='-k timewait'.  TCP_TW_N (default 200) sets
how many connections.
"""
import os
import re
import subprocess
import tempfile
import time

import pytest

from conftest import scaled
from test_httpd import GUEST_IP, HTTPD, READY, _free_port, closed_by_peer, read_full
from test_tcp import heap_bytes, sockets

N = int(os.environ.get("TCP_TW_N", "200"))
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
TW_ROW = re.compile(r'<td class="st">TIME_WAIT</td><td>0</td><td>0</td><td>time_wait \((\d+) ticks\)</td>')


def struct_sizes():
    """sizeof(struct tcp_sock) and sizeof(struct tcp_timewait_sock) as the
    kernel lays them out (same x86-64 ABI on the host)."""
    src = ("#include <stdio.h>\n#include <net/tcp.h>\n"
           "int main(void) { printf(\"%zu %zu\\n\", sizeof(struct tcp_sock),"
           " sizeof(struct tcp_timewait_sock)); return 0; }\n")
    with tempfile.TemporaryDirectory() as d:
        c, exe = os.path.join(d, "sz.c"), os.path.join(d, "sz")
        with open(c, "w") as f:
            f.write(src)
        subprocess.run(["gcc", "-std=gnu11", "-DHOST_BUILD", "-I", os.path.join(ROOT, "tests/unit/host_include"),
                        "-I", os.path.join(ROOT, "include"), "-o", exe, c], check=True)
        full, tw = map(int, subprocess.run([exe], capture_output=True, text=True, check=True).stdout.split())
    return full, tw


def request(port, close):
    """GET / on a fresh connection; with close, httpd closes first (its side: TIME_WAIT)."""
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=scaled(10))
    try:
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n%s\r\n" % (b"Connection: close\r\n" if close else b""))
        status, _, _, _ = read_full(s)
        assert status == 200
        if close:
            assert closed_by_peer(s)
    finally:
        s.close()


def status_page(port):
    import socket
    s = socket.create_connection(("127.0.0.1", port), timeout=scaled(10))
    try:
        s.sendall(b"GET /status HTTP/1.1\r\nHost: t\r\n\r\n")
        _, _, body, _ = read_full(s)
        return body.decode()
    finally:
        s.close()


def settled_tw(g):
    """The console table once only the listener and TIME-WAIT rows are
    left (closes in flight finished): the TIME-WAIT rows, else None."""
    rows = [r for r in sockets(g) if r["netid"] == "tcp" and r["state"] != "LISTEN"]
    if any(r["state"] != "TIME-WAIT" for r in rows):
        return None
    return rows


def wait_settled(g, timeout=30):
    deadline = time.monotonic() + scaled(timeout)
    while (rows := settled_tw(g)) is None:
        assert time.monotonic() < deadline, "connections still closing"
        time.sleep(0.2)
    return rows


def tw_cache_objects(g):
    """Press 'm': objects in use in the tcp_timewait slab cache (its line
    follows the heap line of the same dump; present while any are)."""
    heap_bytes(g)
    return int(g.wait_for(r"\] mm: cache tcp_timewait: (\d+) objects", timeout=10).group(1))


def test_timewait_rows_and_heap_per_entry(boot):
    """N connections closed by httpd (Connection: close): N more TIME_WAIT
    lines in /proc/net/tcp and in the 's' table, N entries in the
    tcp_timewait cache, and the heap (key 'm') grows by about the entry's
    size per connection.  tcp_msl=300: nothing expires during the test."""
    full, small = struct_sizes()
    port = _free_port()
    g = boot(net="none", initrd=HTTPD, append=f"{GUEST_IP} tcp_msl=300 --",
             extra=["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80",
                    "-device", "virtio-net-pci,netdev=n0"])
    g.wait_for(READY, timeout=120)
    for i in range(20):                 # warm-up: ARP, caches, one TIME-WAIT slab
        request(port, close=i % 4 == 0)
    tw0 = len(wait_settled(g))
    base = heap_bytes(g)
    t0 = time.monotonic()
    for _ in range(N):
        request(port, close=True)
    el = time.monotonic() - t0
    rows = wait_settled(g)
    after = heap_bytes(g)
    objs = tw_cache_objects(g)
    per_entry = (after - base) / N
    print(f"{N} connections closed by the guest in {el:.1f} s: heap {base} -> {after}, "
          f"{per_entry:.0f} bytes per TIME_WAIT entry (sizeof(struct tcp_sock) {full}, "
          f"sizeof(struct tcp_timewait_sock) {small}); tcp_timewait cache: {objs} objects")
    assert len(rows) == tw0 + N, rows[:3]
    assert all(r["rest"].startswith("timer:(timewait,") for r in rows), rows[:3]
    assert objs == tw0 + N
    assert per_entry < full / 4, per_entry
    # /proc/net/tcp through httpd's parser: state 06, timer 3 with <= 2*MSL left (in ticks).
    page = status_page(port)
    ticks = [int(t) for t in TW_ROW.findall(page)]
    assert len(ticks) == tw0 + N, page[:2000]
    assert all(0 < t <= 600 * 100 for t in ticks), ticks[:5]
