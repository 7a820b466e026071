"""TCP echo with SHA-256 from the host side: send `total` bytes to the guest's
echo port while reading the echo back on the same connection, then compare
the SHA-256 of what went out with that of what came back.  Used by
test_tcp.py (bulk echo) and test_tcp_impair.py (echo through the impaired
wire).

Data sources (--source): "block", one 1 MiB block from Random(seed) sent
over and over (cheap to generate at high rates); "random", every 64 KiB
chunk fresh from Random(seed) (no repetition a lost-and-replayed segment
could hide behind).

As a script (run inside the test's namespace) it prints one JSON line:
{"got": bytes echoed, "total": bytes sent, "equal": digests match,
 "seconds": transfer time}.  echo_sha256() runs it there and returns that.
"""
import argparse
import hashlib
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time


def chunks(source, seed, total):
    rng = random.Random(seed)
    block = rng.randbytes(1 << 20) if source == "block" else None
    left = total
    while left:
        n = min(left, len(block) if block else 65536)
        yield block[:n] if block else rng.randbytes(n)
        left -= n


def transfer(host, port, total, source, seed, timeout):
    sent, back = hashlib.sha256(), hashlib.sha256()
    s = socket.create_connection((host, port), timeout=timeout)
    t0 = time.monotonic()

    def writer():
        for chunk in chunks(source, seed, total):
            sent.update(chunk)
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)

    t = threading.Thread(target=writer)
    t.start()
    got = 0
    while True:
        b = s.recv(1 << 20)
        if not b:
            break
        back.update(b)
        got += len(b)
    t.join()
    return {"got": got, "total": total, "equal": sent.digest() == back.digest(),
            "seconds": time.monotonic() - t0}


def echo_sha256(ns, host, total, source="block", seed=6, port=7, timeout=120, limit=3600):
    """Run this script inside network namespace ns; its JSON result as a dict."""
    from conftest import scaled
    r = subprocess.run(["ip", "netns", "exec", ns, "/usr/bin/python3", os.path.abspath(__file__),
                        host, str(port), str(total), "--source", source, "--seed", str(seed),
                        "--timeout", str(timeout)],
                       capture_output=True, text=True, timeout=scaled(limit))
    assert r.returncode == 0, r.stdout + r.stderr
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("total", type=int, help="bytes to send")
    ap.add_argument("--source", choices=("block", "random"), default="block")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--timeout", type=float, default=120, help="socket timeout, s")
    a = ap.parse_args()
    print(json.dumps(transfer(a.host, a.port, a.total, a.source, a.seed, a.timeout)))


if __name__ == "__main__":
    main()
