"""apps/httpd over real TCP: pages, keep-alive, pipelining, every error
status, timeouts, slowloris resistance and a short wrk run.

Every test runs against two targets (the `httpd` fixture's params):
  linux  build/apps/httpd run natively on 127.0.0.1 and a free port: the
         issue requires the same binary to work on Linux, and it is the
         reference until our kernel has TCP;
  guest  the same binary booted in QEMU as the app (-initrd), user
         networking, a free host port on 127.0.0.1 -> guest port 80.  Skipped, with
         what was detected, while the kernel lacks the syscalls httpd needs
         (httpd prints "httpd: socket(AF_INET, SOCK_STREAM): Function not
         implemented" and the VM powers off).  Once httpd prints its
         listening line, every test must pass there too: nothing else skips.

httpd prints "httpd: listening on ADDR:PORT ..." when ready; tests wait for
that line, never sleep.
"""
import http.client
import json
import os
import re
import selectors
import shutil
import socket
import subprocess
import time

import pytest

from conftest import BUILD, scaled

HTTPD = os.path.join(BUILD, "apps", "httpd")
GUEST_IP = "ip=10.0.2.15::10.0.2.2:255.255.255.0"   # QEMU user networking's defaults
READY = r"^httpd: listening on \S+"
# Errors meaning "the kernel cannot do this yet", not "httpd is broken":
# no TCP socket at all, or a call httpd needs (epoll, accept4, ...) missing.
MISSING = re.compile(r"^httpd: (?:socket\(AF_INET, SOCK_STREAM\): .*|\S+: (?:Function not "
                     r"implemented|Address family not supported by protocol|Protocol not "
                     r"supported|Socket type not supported|Operation not supported))$", re.M)

# Limits, as apps/httpd/http_parse.h defines them.
with open(os.path.join(os.path.dirname(HTTPD), "..", "..", "apps", "httpd",
                       "http_parse.h")) as _f:
    LIMITS = dict(re.findall(r"#define (HTTP_MAX_\w+)\s+(\d+)\n", _f.read()))
LIMITS = {k: int(v) for k, v in LIMITS.items()}


class Server:
    """One running httpd: host/port to connect to; `native` says whether
    the server sees the client's own address (not through QEMU's NAT)."""

    def __init__(self, host, port, native, stop):
        self.host, self.port, self.native, self._stop = host, port, native, stop

    def url(self, path="/"):
        return f"http://{self.host}:{self.port}{path}"

    def conn(self, timeout=10):
        c = http.client.HTTPConnection(self.host, self.port, timeout=scaled(timeout))
        c.connect()
        return c

    def raw(self, timeout=10):
        s = socket.create_connection((self.host, self.port), timeout=scaled(timeout))
        return s

    def stop(self):
        self._stop()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Run httpd with an empty /proc: a private mount namespace (needs root).
HIDE_PROC = ["unshare", "--mount", "sh", "-c", 'mount -t tmpfs none /proc && exec "$0" "$@"']


def _start_linux(args, hide_proc=False):
    if not os.path.exists(HTTPD):
        pytest.fail(f"{HTTPD} missing: run `make apps`")
    if hide_proc and subprocess.run(HIDE_PROC + ["true"], capture_output=True).returncode:
        pytest.skip("cannot hide /proc: unshare --mount needs root")
    port = _free_port()
    p = subprocess.Popen((HIDE_PROC if hide_proc else []) +
                         [HTTPD, "-p", str(port), "-b", "127.0.0.1", *args],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(p.stdout, selectors.EVENT_READ)
    line = b""
    deadline = time.monotonic() + scaled(10)
    while not line.endswith(b"\n") and time.monotonic() < deadline:
        if sel.select(deadline - time.monotonic()):
            chunk = os.read(p.stdout.fileno(), 1)
            if not chunk:
                break
            line += chunk
    sel.close()
    if not re.match(READY, line.decode(errors="replace")):
        p.kill()
        pytest.fail(f"httpd did not start: {line!r}")

    def stop():
        p.kill()
        p.wait()
        p.stdout.close()
    return Server("127.0.0.1", port, True, stop)


def _start_guest(boot, args, kernel=""):
    """QEMU user networking as `make run` has it, but forwarding a free host
    port (on 127.0.0.1) instead of the fixed 8080, which another VM on a
    shared machine may hold: net="none" and our own netdev through extra."""
    if not os.path.exists(HTTPD):
        pytest.fail(f"{HTTPD} missing: run `make apps`")
    port = _free_port()
    g = boot(net="none", initrd=HTTPD, append=f"{GUEST_IP} {kernel} -- " + " ".join(args),
             extra=["-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:80",
                    "-device", "virtio-net-pci,netdev=n0"])
    m = g.wait_for(READY + "|" + MISSING.pattern.strip("^$"), timeout=120)
    missing = MISSING.search(m.group(0))
    if missing:
        pytest.skip(f"guest kernel cannot serve TCP yet: httpd printed {m.group(0)!r}")
    return Server("127.0.0.1", port, False, g.kill)


@pytest.fixture(params=["linux", "guest"])
def httpd(request):
    """httpd(*args) -> Server: start httpd with extra options (-t, -c)."""
    servers = []

    def start(*args, hide_proc=False, kernel=""):
        """kernel: extra kernel command-line words (guest only)."""
        if request.param == "linux":
            s = _start_linux(args, hide_proc)
        elif hide_proc:
            pytest.skip("hiding /proc needs a Linux mount namespace")
        else:
            s = _start_guest(request.getfixturevalue("boot"), args, kernel)
        servers.append(s)
        return s

    start.target = request.param
    yield start
    for s in servers:
        s.stop()


# --- helpers ----------------------------------------------------------------

def read_response(sock, buf=b""):
    """Read one response from a raw socket: (status, headers, body, rest).
    The body is framed by Content-Length alone (which httpd always sends);
    HEAD responses are read with head=True by the caller."""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError(f"connection closed mid-response: {buf!r}")
        buf += chunk
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (l.split(":", 1) for l in lines[1:])}
    return status, headers, buf


def read_full(sock, buf=b"", head=False):
    status, headers, buf = read_response(sock, buf)
    n = 0 if head else int(headers["content-length"])
    while len(buf) < n:
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed mid-body")
        buf += chunk
    return status, headers, buf[:n], buf[n:]


def closed_by_peer(sock, timeout=5):
    """True when the server closes (EOF or reset) within the timeout."""
    sock.settimeout(scaled(timeout))
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def get(server, path):
    c = server.conn()
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r, r.read(), c.sock.getsockname()
    finally:
        c.close()


# --- pages ------------------------------------------------------------------

def test_index_page_curl(httpd):
    s = httpd()
    out = subprocess.run(["curl", "-sS", "-D", "-", "-w", "\n%{local_port} %{size_download}",
                          s.url("/")], capture_output=True,
                         timeout=scaled(20), check=True).stdout.decode()
    head, rest = out.split("\r\n\r\n", 1)
    body, trailer = rest.rsplit("\n", 1)
    local_port, size = map(int, trailer.split())
    assert head.startswith("HTTP/1.1 200 OK")
    length = int(re.search(r"(?im)^content-length: (\d+)", head).group(1))
    assert length == size == len(body.encode())
    assert "text/html" in head and "<h1>The path your request took</h1>" in body
    for step in ("virtio-net", "SYN", "accept queue", "receive queue", "epoll", "read()"):
        assert step in body, step
    port = int(re.search(r'id="peer-port">(\d+)<', body).group(1))
    if s.native:
        assert port == local_port           # the page names the visitor's own port
    assert re.search(r'id="state">ESTABLISHED<', body)


def test_status_lists_own_connection(httpd):
    s = httpd()
    r, body, (_, my_port) = get(s, "/status")
    assert r.status == 200
    page = body.decode()
    mine = re.findall(r'<tr class="you">(.*?)</tr>', page)
    assert len(mine) == 1, page[:2000]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", mine[0])
    assert cells[3] == "ESTABLISHED"
    if s.native:
        assert cells[2] == f"127.0.0.1:{my_port}"
        assert cells[1] == f"127.0.0.1:{s.port}"
    assert re.search(rf"<td>[\d.]+:{80 if not s.native else s.port}</td><td>0\.0\.0\.0:0</td>"
                     r"<td class=\"st\">LISTEN</td>", page)


def test_stats_json(httpd):
    s = httpd()
    get(s, "/")
    get(s, "/nope")
    r, body, _ = get(s, "/stats")
    assert r.status == 200 and r.getheader("Content-Type") == "application/json"
    st = json.loads(body)
    assert st["requests"]["by_status"]["200"] >= 1
    assert st["requests"]["by_status"]["404"] >= 1
    assert st["connections"]["accepted"] >= 3 and st["connections"]["open"] >= 1
    assert st["bytes"]["in"] > 0 and st["bytes"]["out"] > 0 and st["uptime_ms"] >= 0
    assert "kernel_heap_bytes" in st
    assert st["kernel_heap_bytes"] is None or st["kernel_heap_bytes"] > 0
    if s.native:                    # Linux has these files; the guest may not yet
        assert st["snmp"]["Tcp"]["CurrEstab"] >= 1
        assert st["dev"]["lo"]["rx_bytes"] > 0


def test_pages_without_proc(httpd):
    """No /proc (or a file that cannot be opened): pages say "not available"."""
    s = httpd(hide_proc=True)
    r, body, _ = get(s, "/")
    assert r.status == 200 and b'id="state"' not in body
    assert b"/proc/net/tcp</code>: <span class=\"live\">not available" in body
    r, body, _ = get(s, "/status")
    assert r.status == 200 and b"/proc/net/tcp: not available" in body
    st = json.loads(get(s, "/stats")[1])
    assert st["snmp"] is None and st["dev"] is None and st["kernel_heap_bytes"] is None
    assert st["requests"]["by_status"]["200"] == 2


# --- connection handling -----------------------------------------------------

def test_keepalive_reuse(httpd):
    s = httpd()
    c = s.conn()
    first = c.sock.getsockname()
    for i in range(1, 6):
        c.request("GET", "/" if i % 2 else "/stats")
        r = c.getresponse()
        body = r.read()
        assert r.status == 200 and not r.will_close
        assert c.sock is not None and c.sock.getsockname() == first
        if i % 2:
            assert f"number {i}</span> on this connection" in body.decode()
    c.close()


def test_pipelining_in_order(httpd):
    s = httpd()
    sock = s.raw()
    sock.sendall(b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"
                 b"HEAD / HTTP/1.1\r\nHost: t\r\n\r\n"
                 b"GET /stats HTTP/1.1\r\nHost: t\r\n\r\n"
                 b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    st1, _, _, rest = read_full(sock)
    st2, h2, _, rest = read_full(sock, rest, head=True)
    st3, h3, body3, rest = read_full(sock, rest)
    st4, h4, body4, rest = read_full(sock, rest)
    assert (st1, st2, st3, st4) == (404, 200, 200, 200)
    assert h3["content-type"] == "application/json" and json.loads(body3)
    assert h4["connection"] == "close" and b"number 4</span>" in body4
    assert rest == b"" and closed_by_peer(sock)
    sock.close()


def test_head_has_no_body(httpd):
    s = httpd()
    c = s.conn()
    c.request("HEAD", "/")
    r = c.getresponse()
    assert r.status == 200 and int(r.getheader("Content-Length")) > 1000
    assert r.read() == b""
    c.close()
    # Raw: the next response must follow the HEAD headers directly.
    sock = s.raw()
    sock.sendall(b"HEAD /stats HTTP/1.1\r\nHost: t\r\n\r\nGET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
    st1, h1, _, rest = read_full(sock, head=True)
    assert st1 == 200 and int(h1["content-length"]) > 0
    assert rest == b"" or rest.startswith(b"HTTP/1.1 404")
    st2, _, _, _ = read_full(sock, rest)
    assert st2 == 404
    sock.close()


def test_http10_closes_by_default(httpd):
    s = httpd()
    sock = s.raw()
    sock.sendall(b"GET /nope HTTP/1.0\r\n\r\n")
    status, h, _, _ = read_full(sock)
    assert status == 404 and h["connection"] == "close" and closed_by_peer(sock)
    sock.close()
    sock = s.raw()
    sock.sendall(b"GET /nope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" * 2)
    status, h, _, rest = read_full(sock)
    assert status == 404 and h["connection"] == "keep-alive"
    assert read_full(sock, rest)[0] == 404
    sock.close()


# --- error statuses ----------------------------------------------------------

BIG = LIMITS["HTTP_MAX_HEAD"]
ERRORS = [
    ("bad_request_line", b"GET / HTTP/1.1 extra\r\nHost: t\r\n\r\n", 400, True),
    ("bad_header", b"GET / HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n", 400, True),
    ("space_before_colon", b"GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400, True),
    ("missing_host", b"GET / HTTP/1.1\r\nUser-Agent: t\r\n\r\n", 400, True),
    ("bad_content_length", b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: 1x\r\n\r\n", 400, True),
    ("not_found", b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", 404, False),
    ("post", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc", 405, False),
    ("delete", b"DELETE / HTTP/1.1\r\nHost: t\r\n\r\n", 405, False),
    ("body_too_large", b"POST / HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n"
     % (LIMITS["HTTP_MAX_BODY"] + 1) + b"x" * 20000, 413, True),
    ("uri_too_long", b"GET /" + b"a" * LIMITS["HTTP_MAX_REQUEST_LINE"] +
     b" HTTP/1.1\r\nHost: t\r\n\r\n", 414, True),
    ("header_too_large", b"GET / HTTP/1.1\r\nHost: t\r\nX: " + b"v" * BIG + b"\r\n\r\n", 431, True),
    ("too_many_fields", b"GET / HTTP/1.1\r\nHost: t\r\n" +
     b"".join(b"X%d: y\r\n" % i for i in range(LIMITS["HTTP_MAX_FIELDS"])) + b"\r\n", 431, True),
    ("transfer_encoding", b"POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
     501, True),
    ("http2_version", b"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505, True),
]


@pytest.mark.parametrize("name,request_bytes,status,closes", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_status(httpd, name, request_bytes, status, closes):
    s = httpd()
    sock = s.raw()
    sock.sendall(request_bytes)
    got, headers, body, _ = read_full(sock)
    assert got == status, body
    assert int(headers["content-length"]) == len(body)
    if status == 405:
        assert headers["allow"] == "GET, HEAD"
    if closes:
        assert headers["connection"] == "close" and closed_by_peer(sock)
    else:                           # still usable: the next request is answered
        sock.sendall(b"GET /stats HTTP/1.1\r\nHost: t\r\n\r\n")
        assert read_full(sock)[0] == 200
    sock.close()


def test_408_on_idle_partial_request(httpd):
    s = httpd("-t", "1")
    sock = s.raw()
    sock.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Half: ")
    t0 = time.monotonic()
    status, headers, _, _ = read_full(sock)
    waited = time.monotonic() - t0
    assert status == 408 and headers["connection"] == "close"
    assert 0.8 <= waited < scaled(5), waited
    assert closed_by_peer(sock)
    sock.close()


def test_idle_keepalive_closed_quietly(httpd):
    s = httpd("-t", "1")
    sock = s.raw()
    sock.sendall(b"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
    assert read_full(sock)[0] == 404
    sock.settimeout(scaled(5))
    assert sock.recv(100) == b""       # closed, with no 408 sent
    sock.close()


# --- load ---------------------------------------------------------------------

def _host_acceptq(port):
    """Accept-queue depth of the host's listener on 127.0.0.1:port, from
    /proc/net/tcp (a LISTEN row's rx_queue), or None without such a row."""
    with open("/proc/net/tcp") as f:
        for row in f.readlines()[1:]:
            col = row.split()
            if col[1] == f"0100007F:{port:04X}" and col[3] == "0A":
                return int(col[4].split(":")[1], 16)
    return None


def _wait_host_accepted(server, timeout=10):
    """For the guest target, wait until QEMU's hostfwd socket has accepted
    every connection made so far.  libslirp listens with a backlog of 1, so
    the host kernel drops a third SYN that arrives before QEMU's main loop
    has called accept(), and the client retransmits it only after 1 s: 200
    back-to-back connects then took 50-100 s under TCG, long enough for
    httpd's idle timeout to close the first ones (open ~160 < 201).  The
    guest answers each SYN within milliseconds (a packet capture shows it),
    so this paces the client, not the kernel under test."""
    if server.native:
        return
    deadline = time.monotonic() + scaled(timeout)
    while _host_acceptq(server.port):
        assert time.monotonic() < deadline, "QEMU's hostfwd listener does not accept"
        time.sleep(0.001)


def _slowloris(server, n):
    socks = []
    for i in range(n):
        _wait_host_accepted(server)
        sk = server.raw()
        sk.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow-%d: " % i)
        socks.append(sk)
    return socks


def _served_promptly(server, limit=2.0):
    t0 = time.monotonic()
    r, body, _ = get(server, "/")
    took = time.monotonic() - t0
    assert r.status == 200 and b"ESTABLISHED" in body
    assert took < scaled(limit), f"normal client took {took:.2f} s"
    return took


def test_slowloris_200_half_requests(httpd):
    s = httpd("-t", "60")          # the timeout is not what saves us here
    socks = _slowloris(s, 200)
    try:
        for _ in range(5):
            _served_promptly(s)
        st = json.loads(get(s, "/stats")[1])
        assert st["connections"]["timed_out"] == 0, "setup outlasted httpd's idle timeout"
        assert st["connections"]["open"] >= 201 and st["connections"]["evicted"] == 0
    finally:
        for sk in socks:
            sk.close()


def test_connection_cap_evicts_oldest(httpd):
    s = httpd("-t", "60", "-c", "50")
    socks = _slowloris(s, 80)
    try:
        _served_promptly(s)
        st = json.loads(get(s, "/stats")[1])
        assert st["connections"]["open"] <= 50
        assert st["connections"]["evicted"] >= 30
        assert closed_by_peer(socks[0], timeout=2)      # the oldest went first
    finally:
        for sk in socks:
            sk.close()


def _wrk(url, seconds, conns, timeout, close):
    out = subprocess.run(["wrk", "-t", "2", "-c", str(conns), "-d", f"{seconds}s",
                          "--timeout", f"{timeout}s", *(["-H", "Connection: close"] if close else []),
                          url], capture_output=True, text=True, timeout=seconds + 60).stdout
    print(out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, total, errors and sum(map(int, errors.groups())), non2xx and int(non2xx.group(1))


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk not installed (apt-get install wrk)")
@pytest.mark.parametrize("path,close", [("/", False), ("/stats", False), ("/", True)],
                         ids=["index", "stats", "index-close"])
def test_wrk_100_connections(httpd, path, close):
    """10 s in the guest (issue 7's length), 3 s on Linux (which is only the
    reference); HTTPD_WRK_SECONDS overrides both."""
    s = httpd()
    seconds = int(os.environ.get("HTTPD_WRK_SECONDS", "10" if httpd.target == "guest" else "3"))
    # 10 s timeouts: Linux takes milliseconds to produce /proc/net/tcp on a
    # busy host (status.c), and the guest runs under emulation.
    rps, total, errors, non2xx = _wrk(s.url(path), seconds, 100, 10, close)
    print(f"httpd {httpd.target} {path}{' (Connection: close)' if close else ''}: "
          f"{rps:.0f} requests/s, {total} requests")
    assert total > 0
    assert not errors, f"{errors} socket errors"
    assert not non2xx, f"{non2xx} non-2xx responses"


# --- many sequential connections and the kernel heap ------------------------------

LINGERING = re.compile(r'<td class="st">(SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|'
                       r'CLOSE_WAIT|LAST_ACK|CLOSING|NEW_SYN_RECV)</td>')


def _idle_heap(server):
    """The kernel heap from /stats once /status lists no socket but the
    listener and the visitor's own connection (no TIME_WAIT left), else None.
    The polls close from the client side, so they leave no TIME_WAIT."""
    if LINGERING.search(get(server, "/status")[1].decode()):
        return None
    return json.loads(get(server, "/stats")[1])["kernel_heap_bytes"]


def _wait_idle_heap(server, timeout):
    deadline = time.monotonic() + scaled(timeout)
    while (heap := _idle_heap(server)) is None:
        assert time.monotonic() < deadline, "TIME_WAIT sockets outlived 2*MSL"
    return heap


def _one_request(server, close):
    sk = server.raw()
    try:
        sk.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n%s\r\n" %
                   (b"Connection: close\r\n" if close else b""))
        status, _, _, _ = read_full(sk)
        if close:
            assert closed_by_peer(sk)       # httpd closed first: its side goes to TIME_WAIT
        return status
    finally:
        sk.close()


def test_sequential_connections_heap_back_to_baseline(httpd):
    """Issue 7: HTTPD_SEQ_CONNS (20,000) sequential connections, half closed
    first by httpd (Connection: close, so the guest holds TIME_WAIT), half by
    the client; tcp_msl=1 so TIME_WAIT ends after 2 s.  Once /status shows no
    TIME_WAIT, the kernel heap (/stats kernel_heap_bytes, /proc/meminfo's
    Slab:) is back to the baseline taken after 200 warm-up connections."""
    if httpd.target != "guest":
        pytest.skip("the heap checked is the guest kernel's (Linux's Slab: is the whole host's)")
    s = httpd(kernel="tcp_msl=1")
    n = int(os.environ.get("HTTPD_SEQ_CONNS", "20000"))
    for i in range(200):
        assert _one_request(s, i % 2) == 200
    base = _wait_idle_heap(s, 30)
    t0 = time.monotonic()
    for i in range(n):
        assert _one_request(s, i % 2) == 200, f"connection {i}"
    el = time.monotonic() - t0
    st = json.loads(get(s, "/stats")[1])
    busy = st["kernel_heap_bytes"]
    after = _wait_idle_heap(s, 60)
    print(f"{n} connections in {el:.1f} s ({n / el:.0f}/s); kernel heap: baseline {base}, "
          f"just after {busy}, idle again {after}")
    assert st["connections"]["accepted"] >= n + 200
    assert after <= base + 4096, (base, busy, after)   # Slab: is in kB; a leak of even
    #                                                   1 byte per connection is 20 KB
