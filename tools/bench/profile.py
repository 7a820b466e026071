#!/usr/bin/python3
"""`make profile`: where the guest spends its time under one benchmark load.

    tools/bench/profile.py [--load http|http-close|rx|tx|rr] [--seconds S] [--hz N]

Boots our kernel exactly as `make bench` does (tools/qemu.py's qemu_argv(),
TCG, virtio-net-pci on tap0 inside a private network namespace, guest
10.0.0.2), with QEMU's gdb stub on a loopback port, runs one load from the
benchmark (wrk against apps/httpd, or the tools/bench clients against
apps/echo), and samples the vCPU meanwhile: every 1/hz seconds it stops the
CPU through the stub (GDB remote protocol: ^C, `g`, `m`, `c`), reads RIP and
walks the frame-pointer chain (the kernel is built with
-fno-omit-frame-pointer), then lets it run again.  Under TCG a stopped vCPU
costs the load nothing but the pause, so the samples are a statistical
profile of guest time.  Addresses are mapped to functions with nm (kernel
and app symbols), and to source files with nm -l.

Prints: self time per function (top N), inclusive time per kernel function
(it is on the sampled call chain), self time per source file, and at the end
the kernel's own per-layer TSC counters (console key `p`, counting with the
boot parameter prof=on, which this script passes) for the same run.
Needs root (namespace, tap).  Samples perturb the load by roughly the stop
time times the rate: compare shares, not absolute rates, with `make bench`.
"""
import argparse
import bisect
import collections
import os
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (the namespace, the guest start, the clients)
from bench import BENCH, BUILD, GUEST, MAC, OUR_APPEND, qemu, Guest  # noqa: E402

GDB_PORT = 12345
KERNEL_BASE = 0xffff800000000000


class Stub:
    """A minimal GDB remote-protocol client for QEMU's stub (all-stop mode)."""

    def __init__(self, port, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        self.buf = b""
        self.cmd("QStartNoAckMode")
        self.noack = True
        self.cmd("?")                   # QEMU stops the VM when a debugger attaches:
        self.resume()                   # let it run until the first sample

    def _recv_packet(self):
        while True:
            i = self.buf.find(b"$")
            j = self.buf.find(b"#", i + 1) if i >= 0 else -1
            if i >= 0 and j >= 0 and len(self.buf) >= j + 3:
                body = self.buf[i + 1:j]
                self.buf = self.buf[j + 3:]
                return body.decode()
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("gdb stub closed")
            self.buf += chunk

    def _send(self, body):
        cs = sum(body.encode()) & 0xff
        self.s.sendall(f"${body}#{cs:02x}".encode())

    def cmd(self, body):
        self._send(body)
        r = self._recv_packet()
        if not getattr(self, "noack", False):
            self.s.sendall(b"+")
        return r

    def stop(self):
        self.s.sendall(b"\x03")
        r = self._recv_packet()
        while not r.startswith(("T", "S")):
            r = self._recv_packet()

    def resume(self):
        self._send("c")

    def regs(self):
        """rip, rbp, cs from the `g` packet (x86-64 layout: 16 GPRs, rip,
        eflags (4 bytes), cs (4 bytes), ...)."""
        g = self.cmd("g")
        le = lambda h: int.from_bytes(bytes.fromhex(h), "little")  # noqa: E731
        rbp = le(g[6 * 16:7 * 16])
        rip = le(g[16 * 16:17 * 16])
        cs = le(g[17 * 16 + 8:17 * 16 + 16])
        return rip, rbp, cs

    def read(self, addr, n):
        r = self.cmd(f"m{addr:x},{n:x}")
        if r.startswith("E") or len(r) != 2 * n:
            return None
        return bytes.fromhex(r)


class Symbols:
    """Address -> (function, source file) from `nm -n -l` of one ELF."""

    def __init__(self, path):
        out = subprocess.run(["nm", "-n", "-l", "--defined-only", path], capture_output=True,
                             text=True, check=True).stdout
        self.addrs, self.names, self.files = [], [], []
        for line in out.splitlines():
            parts = line.split(None, 3)
            if len(parts) < 3 or parts[1] not in "tTwW":
                continue
            self.addrs.append(int(parts[0], 16))
            self.names.append(parts[2])
            src = parts[3].split(":")[0] if len(parts) > 3 else "?"
            self.files.append(os.path.relpath(src, bench.ROOT) if src.startswith("/") else src)

    def lookup(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        if i < 0:
            return "?", "?"
        return self.names[i], self.files[i]


def sample(stub, ksyms, usyms, hz, seconds, stop_event):
    """Take samples until `seconds` pass or stop_event is set.  Returns a list
    of (self, [kernel callers...]) frames as (function, file) pairs."""
    out = []
    period = 1.0 / hz
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop_event.is_set():
        t = time.monotonic()
        stub.stop()
        rip, rbp, cs = stub.regs()
        chain = []
        if rip >= KERNEL_BASE:
            leaf = ksyms.lookup(rip)
            for _ in range(24):             # walk saved rbp / return address pairs
                if rbp < KERNEL_BASE or rbp & 7:
                    break
                fr = stub.read(rbp, 16)
                if not fr:
                    break
                nrbp, ret = int.from_bytes(fr[:8], "little"), int.from_bytes(fr[8:], "little")
                if ret < KERNEL_BASE:
                    break
                chain.append(ksyms.lookup(ret - 1))
                if nrbp <= rbp:
                    break
                rbp = nrbp
        else:
            name, src = usyms.lookup(rip) if usyms else ("?", "?")
            leaf = ("app:" + name, "app:" + src)
        stub.resume()
        out.append((leaf, chain))
        time.sleep(max(0.0, period - (time.monotonic() - t)))
    return out


def report(samples, top):
    n = len(samples)
    if not n:
        print("profile: no samples")
        return
    selfc = collections.Counter(s[0][0] for s in samples)
    filec = collections.Counter(s[0][1] for s in samples)
    incl = collections.Counter()
    for leaf, chain in samples:
        for fn in {leaf[0], *(c[0] for c in chain)}:
            incl[fn] += 1
    pct = lambda c: f"{100.0 * c / n:5.1f}%"  # noqa: E731
    print(f"\n{n} samples\n\nself time by function (top {top}):")
    for fn, c in selfc.most_common(top):
        print(f"  {pct(c)}  {fn}")
    print(f"\ninclusive time by function (top {top}; kernel call chains):")
    for fn, c in incl.most_common(top):
        print(f"  {pct(c)}  {fn}")
    print("\nself time by source file:")
    for f, c in filec.most_common(top):
        print(f"  {pct(c)}  {f}")


def run_load(load, seconds):
    """Run one benchmark load against the guest; returns its headline figure."""
    if load == "http":
        return f"{bench.wrk(10, seconds):.0f} req/s (wrk -c10 keep-alive)"
    if load == "http-close":
        return f"{bench.wrk(10, seconds, close=True):.0f} conn/s (wrk -c10 Connection: close)"
    if load in ("rx", "tx"):
        port, mode = (9, "send") if load == "rx" else (19, "recv")
        out = bench.client("tcp_stream", GUEST, str(port), mode, str(seconds),
                           timeout=seconds + 30)
        return f"{out['gbps']:.3f} Gbit/s ({'host->guest discard' if load == 'rx' else 'guest->host chargen'})"
    if load == "rr":
        out = bench.client("tcp_rr", GUEST, "7", str(seconds), timeout=seconds + 30)
        return f"{out['tps']:.0f} trans/s (1-byte request/response)"
    raise SystemExit(f"profile: unknown load {load}")


def run_inside(a):
    app = "httpd" if a.load.startswith("http") else "echo"
    app_path = os.path.join(BUILD, "apps", app)
    kernel = os.path.join(BUILD, "kernel.elf")
    ksyms, usyms = Symbols(kernel), Symbols(app_path)
    argv = qemu.qemu_argv(kernel=kernel, initrd=app_path, append=OUR_APPEND + " prof=on", net="tap",
                          tap="tap0", mac=MAC, accel=a.accel,
                          extra=["-gdb", f"tcp:127.0.0.1:{GDB_PORT}"])
    os.makedirs(os.path.join(BENCH, "logs"), exist_ok=True)
    g = Guest(argv, log_path=os.path.join(BENCH, "logs", f"profile-{a.load}.log"))
    try:
        if app == "httpd":
            bench.wait_tcp(80, 60, g)
        else:
            bench.wait_tcp(7, 60, g)
        stub = Stub(GDB_PORT)
        g.send("p")                         # zero point: the counters so far are boot
        g.wait_for(r"prof: total")
        mark = len(g.output)
        stop = threading.Event()
        result = {}

        def load():
            try:
                result["figure"] = run_load(a.load, a.seconds)
            except bench.NA as e:
                result["figure"] = f"n/a ({e})"
            finally:
                stop.set()
        t = threading.Thread(target=load)
        t.start()
        time.sleep(0.3)                     # let the load ramp up before sampling
        samples = sample(stub, ksyms, usyms, a.hz, a.seconds, stop) if a.hz else []
        t.join()
        print(f"load: {a.load}: {result.get('figure')}")
        report(samples, a.top)
        g.send("p")
        g.wait_for(r"prof: total", anywhere=False)
        print("\nkernel per-layer TSC counters over the load (console key p):")
        for line in g.output[mark:].splitlines():
            if "prof:" in line:
                print("  " + line.split("] ", 1)[-1])
    finally:
        g.kill()
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--load", default="http", choices=("http", "http-close", "rx", "tx", "rr"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--hz", type=int, default=200, help="samples per second (0: counters only)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--accel", default=os.environ.get("ACCEL", "auto"))
    ap.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if not a.in_netns:
        return bench.run_outside(a, sys.argv[1:], script=os.path.abspath(__file__))
    for p in ("tcp_stream", "tcp_rr"):
        if not os.path.exists(os.path.join(BENCH, p)):
            sys.exit(f"profile: build/bench/{p} missing: run `make profile`")
    return run_inside(a)


if __name__ == "__main__":
    sys.exit(main())
