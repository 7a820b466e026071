"""Wake-one accept (issue 7): tests/apps/accept_wakeone.c puts 8 threads in
accept() on one listener, and the host makes 1000 connections one after
another.  Each connection must be accepted exactly once (every reply names
one thread, and the counts add up to 1000), no thread may starve, and the
threads' voluntary context switches (getrusage RUSAGE_THREAD: one per sleep
in accept) must stay near one per connection: a thundering herd, waking all
8 each time, would show about 8 per connection.  Runs on Linux (loopback)
as the oracle and in the VM over a tap device in a network namespace of the
test's own (test_virtio's netns fixture; QEMU user networking with a
forwarded port when not root).  The guest run is skipped, with what the app
printed, while the kernel cannot listen on TCP.
"""
import collections
import os
import re
import socket
import subprocess
import sys

import pytest

from conftest import BUILD, qemu_status, scaled
from test_virtio import GUEST, TAP_IP_ARG, UP_LINE, netns  # noqa: F401 (fixture)

APP = os.path.join(BUILD, "tests", "apps", "accept_wakeone")
THREADS, CONNECTIONS, PORT = 8, 1000, 8000
READY = r"^aw: (\d+) threads accepting on port (\d+)$"
NO_TCP = r"^aw: no TCP listener: .*$"
RESULT = re.compile(r"^aw: thread (\d+) accepted (\d+), voluntary switches (\d+)$", re.M)

# The client: connect CONNECTIONS times in turn, print the thread index each reply names.
CLIENT = """
import socket, sys
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for _ in range(n):
    s = socket.create_connection((host, port), timeout=30)
    data = b""
    while not data.endswith(b"\\n"):
        chunk = s.recv(16)
        if not chunk:
            break
        data += chunk
    s.close()
    print(data.decode().strip() or "none", flush=True)
"""


def run_client(host, port, ns=None):
    argv = [sys.executable, "-c", CLIENT, host, str(port), str(CONNECTIONS)]
    if ns:
        argv = ["ip", "netns", "exec", ns] + argv
    p = subprocess.run(argv, capture_output=True, text=True, timeout=scaled(600))
    assert p.returncode == 0, p.stderr[-2000:]
    return p.stdout.split()


def check(replies, output):
    results = {int(i): (int(a), int(s)) for i, a, s in RESULT.findall(output)}
    assert sorted(results) == list(range(THREADS)), output
    by_reply = collections.Counter(replies)
    assert len(replies) == CONNECTIONS and "none" not in by_reply, by_reply
    accepts = [results[i][0] for i in range(THREADS)]
    # The app's own counts agree with what the clients saw, connection for connection.
    assert accepts == [by_reply.get(str(i), 0) for i in range(THREADS)]
    assert sum(accepts) == CONNECTIONS
    starved = [i for i, a in enumerate(accepts) if a < CONNECTIONS // THREADS // 10]
    assert not starved, f"threads {starved} starved: accepts {accepts}"
    switches = sum(s for _, s in results.values())
    assert switches <= CONNECTIONS * 1.2 + 4 * THREADS, \
        f"{switches} voluntary switches for {CONNECTIONS} connections: more than one wake each"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_accept_wakeone_linux():
    if not os.path.exists(APP):
        pytest.fail(f"{APP} missing: run `make test-apps`")
    port = _free_port()
    p = subprocess.Popen([APP, str(port), str(CONNECTIONS)], stdout=subprocess.PIPE, text=True)
    try:
        assert re.match(READY, p.stdout.readline())
        replies = run_client("127.0.0.1", port)
        out, _ = p.communicate(timeout=scaled(60))
        assert p.returncode == 0, out
    finally:
        p.kill()
    check(replies, out)


def _guest(boot, ns):
    args = f"-- {PORT} {CONNECTIONS}"
    if ns:
        return boot(append=f"{TAP_IP_ARG} {args}", net="tap", netns=ns, initrd=APP), GUEST, PORT
    port = _free_port()
    g = boot(net="none", initrd=APP, append=f"ip=10.0.2.15::10.0.2.2:255.255.255.0 {args}",
             extra=["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:{PORT}",
                    "-device", "virtio-net-pci,netdev=n0"])
    return g, "127.0.0.1", port


def test_accept_wakeone_guest(boot, request):
    if not os.path.exists(APP):
        pytest.fail(f"{APP} missing: run `make test-apps`")
    ns = request.getfixturevalue("netns") if os.geteuid() == 0 else None
    g, host, port = _guest(boot, ns)
    m = g.wait_for(READY + "|" + NO_TCP, timeout=120)
    if m.group(0).startswith("aw: no TCP"):
        pytest.skip(f"guest kernel cannot listen on TCP yet: the app printed {m.group(0)!r}")
    if ns:
        g.wait_for(UP_LINE, anywhere=True)
    replies = run_client(host, port, ns)
    g.wait_for(r"^aw: done \d+$", timeout=120)
    assert g.wait_exit(timeout=60) == qemu_status(0), g.tail()
    check(replies, g.output)
