#!/usr/bin/python3
"""`make bench` / `make bench-quick`: this kernel against a Linux guest, same app binary.

    tools/bench/bench.py [--quick] [--rounds N] [--seconds S] [--only ping,echo,http,memory]

Both guests boot with tools/qemu.py's qemu_argv() (qboot, 1 vCPU, the same
-m, virtio-net-pci on tap0, the same MAC) inside a network namespace this
script makes (tap0 = 10.0.0.1/24, guest 10.0.0.2; no traffic leaves it), and
run the same static musl binary from build/apps/ (ours: -initrd app; Linux:
/app in its initramfs, tools/bench/linux_guest.py).  Every figure is measured
interleaved, ours then Linux in each round, and reported as the median, the
min-max over rounds and the ratio ours/Linux of the medians.

Groups, each one boot per guest per round:
  ping    app: tools/bench/idle.c (needs nothing of the stack but ICMP):
          boot_to_ping, ping RTT median and p99
  echo    app: apps/echo: UDP echo RTT (port 7), TCP throughput to discard (9)
          and from chargen (19), TCP 1-byte request/response on echo (7)
  http    app: apps/httpd: boot_to_tcp (port 80), wrk keep-alive with 10 and
          100 connections, wrk with `Connection: close` (connections/s)
  memory  once per guest, after the rounds: the smallest -m that boots and
          serves (bisection), and image sizes
A figure whose prerequisite is missing on either side (an app not built yet,
a port that refuses) is reported as "n/a (what is missing)", never dropped;
it starts working by itself when the piece lands.

Writes build/bench.json (every sample, versions, accelerator, load) and
regenerates BENCHMARKS.md.  Needs root (network namespace, tap, raw ICMP).
"""
import argparse
import datetime
import errno
import json
import os
import platform
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
BENCH = os.path.join(BUILD, "bench")
LOGS = os.path.join(BENCH, "logs")
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import qemu  # noqa: E402  (tools/qemu.py: the one place QEMU flags live)
import linux_guest  # noqa: E402
from conftest import Guest  # noqa: E402  (the system tests' console reader)

GUEST, HOST = "10.0.0.2", "10.0.0.1"
MAC = "52:54:00:12:34:56"
MEMORY = 128
OUR_APPEND = f"ip={GUEST}::{HOST}:255.255.255.0"
SIDES = ("ours", "linux")

# key: (label, unit, better, group)
FIGURES = {
    "boot_to_ping_ms": ("boot to first ping reply", "ms", "lower", "ping"),
    "boot_to_tcp_ms": ("boot to first TCP connect :80", "ms", "lower", "http"),
    "ping_rtt_median_ms": ("ping RTT median", "ms", "lower", "ping"),
    "ping_rtt_p99_ms": ("ping RTT p99", "ms", "lower", "ping"),
    "udp_rtt_median_ms": ("UDP echo RTT median", "ms", "lower", "echo"),
    "udp_rtt_p99_ms": ("UDP echo RTT p99", "ms", "lower", "echo"),
    "tcp_host_to_guest_gbps": ("TCP host->guest (discard)", "Gbit/s", "higher", "echo"),
    "tcp_guest_to_host_gbps": ("TCP guest->host (chargen)", "Gbit/s", "higher", "echo"),
    "tcp_rr_tps": ("TCP 1-byte request/response", "trans/s", "higher", "echo"),
    "http_keepalive_c10_rps": ("HTTP keep-alive, 10 conns", "req/s", "higher", "http"),
    "http_keepalive_c100_rps": ("HTTP keep-alive, 100 conns", "req/s", "higher", "http"),
    "http_close_cps": ("HTTP Connection: close", "conn/s", "higher", "http"),
    "min_memory_mib": ("smallest -m that boots and serves", "MiB", "lower", "memory"),
    "image_bytes": ("image size (kernel + app / initramfs)", "bytes", "lower", "memory"),
}


class NA(Exception):
    """A figure cannot be measured: the message says what is missing."""

    def __str__(self):
        return " ".join(super().__str__().split())


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(argv, timeout=None, check=False):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=check)


# --- guests ------------------------------------------------------------------
class Bench:
    def __init__(self, a):
        self.a = a
        self.linux = linux_guest.fetch()
        # Snapshot what is benchmarked: others rebuild build/kernel.elf and
        # build/apps/ in this tree while a run goes on, and every round must
        # boot the same bytes.
        snap = os.path.join(BENCH, "snapshot")
        shutil.rmtree(snap, ignore_errors=True)
        os.makedirs(os.path.join(snap, "apps"))
        self.kernel = os.path.join(snap, "kernel.elf")
        try:
            shutil.copyfile(os.path.join(BUILD, "kernel.elf"), self.kernel)
        except FileNotFoundError:
            sys.exit("bench: build/kernel.elf missing: run `make` (make bench does)")
        self.apps = {}
        for n in ("echo", "httpd", "idle"):
            src = os.path.join(BENCH, "idle") if n == "idle" else os.path.join(a.apps, n)
            if os.path.exists(src):
                self.apps[n] = os.path.join(snap, "apps", n)
                shutil.copy2(src, self.apps[n])
        self.idle = self.apps["idle"]
        self.guests = []
        self.initramfs = {}
        self.samples = {k: {s: [] for s in SIDES} for k in FIGURES}
        self.na = {k: {} for k in FIGURES}        # key -> {side or "both": reason}
        self.extra = {}                           # per-figure details (errors, loss)
        self.load = []
        self.nlog = 0

    def app(self, name):
        """Path of the snapshot of build/apps/<name>, or None if not built."""
        return self.apps.get(name)

    def initrd_for(self, app):
        if app not in self.initramfs:
            self.initramfs[app] = linux_guest.build_initramfs(app, self.linux)
        return self.initramfs[app]

    def start(self, side, app, args=(), memory=MEMORY, tag=""):
        """Boot one guest running `app`; returns the Guest (console reader)."""
        argstr = (" -- " + " ".join(args)) if args else ""
        if side == "ours":
            argv = qemu.qemu_argv(kernel=self.kernel, initrd=app, append=OUR_APPEND + argstr,
                                  net="tap", tap="tap0", mac=MAC, memory=memory,
                                  accel=self.a.accel)
        else:
            argv = qemu.qemu_argv(kernel=self.linux["vmlinuz"], initrd=self.initrd_for(app),
                                  append=linux_guest.APPEND + argstr, net="tap", tap="tap0",
                                  mac=MAC, memory=memory, accel=self.a.accel)
        self.nlog += 1
        path = os.path.join(LOGS, f"{self.nlog:03d}-{side}-{tag}.log")
        # A fresh guest, a fresh wire: no connection tracking or sockets of
        # the previous guest linger (the permanent neighbour entry stays).
        g = Guest(argv, log_path=path)
        self.guests.append(g)
        return g

    def kill_all(self):
        for g in self.guests:
            g.kill()

    # --- measurements --------------------------------------------------------
    def record(self, key, side, fn):
        try:
            v = fn()
            self.samples[key][side].append(v)
            return v
        except NA as e:
            self.na[key].setdefault(side, str(e))
            log(f"  {key} {side}: n/a ({e})")
        except subprocess.TimeoutExpired as e:
            self.na[key].setdefault(side, f"timed out: {e.cmd[0]}")
            log(f"  {key} {side}: timed out")
        return None

    def boot_timeout(self, side):
        """Ours boots in well under a second; Linux in seconds under TCG."""
        return self.a.boot_timeout if side == "linux" else min(self.a.boot_timeout, 20.0)

    def boot_or_na(self, g, side, group):
        """Wait for the first ping reply; on failure every figure of the
        group is n/a for this side (the reason says why)."""
        try:
            return wait_ping(g, timeout=self.boot_timeout(side))
        except NA as e:
            for k, f in FIGURES.items():
                if f[3] == group:
                    self.na[k].setdefault(side, f"{os.path.basename(g.argv[g.argv.index('-initrd') + 1])}"
                                          f" guest: {e}")
            log(f"  {group} {side}: n/a ({e})")
            return None

    def group_ping(self, side, rnd):
        """boot_to_ping and ping RTT, with the idle app (so they do not
        depend on any app working)."""
        g = self.start(side, self.idle, tag=f"ping-r{rnd}")
        try:
            t = self.boot_or_na(g, side, "ping")
            if t is None:
                return
            self.samples["boot_to_ping_ms"][side].append(t * 1000)
            log(f"  boot_to_ping_ms {side}: {t * 1000:.1f}")
            try:
                rtts = ping_samples(self.a.pings, 0.01)
            except NA as e:
                for k in ("ping_rtt_median_ms", "ping_rtt_p99_ms"):
                    self.na[k].setdefault(side, str(e))
                return
            self.samples["ping_rtt_median_ms"][side].append(statistics.median(rtts))
            self.samples["ping_rtt_p99_ms"][side].append(p99(rtts))
            self.extra.setdefault("ping_loss", {}).setdefault(side, []).append(
                self.a.pings - len(rtts))
            log(f"  ping_rtt_median_ms {side}: {statistics.median(rtts):.3f}")
        finally:
            g.kill()

    def group_echo(self, side, rnd):
        """apps/echo: UDP echo RTT (7), TCP to discard (9), from chargen
        (19), 1-byte request/response on TCP echo (7)."""
        echo = self.app("echo")
        if not echo:
            for k, f in FIGURES.items():
                if f[3] == "echo":
                    self.na[k]["both"] = "apps/echo missing"
            return
        g = self.start(side, echo, tag=f"echo-r{rnd}")
        try:
            if self.boot_or_na(g, side, "echo") is None:
                return
            pings = self.a.pings
            try:
                wait_udp_echo(7, self.a.ready_timeout)
                u = client("udp_rr", GUEST, "7", str(pings), "10",
                           timeout=pings * 1.01 + 10)
                self.samples["udp_rtt_median_ms"][side].append(u["median_us"] / 1000)
                self.samples["udp_rtt_p99_ms"][side].append(u["p99_us"] / 1000)
                self.extra.setdefault("udp_loss", {}).setdefault(side, []).append(
                    u["sent"] - u["received"])
                log(f"  udp_rtt_median_ms {side}: {u['median_us'] / 1000:.3f}")
            except (NA, subprocess.TimeoutExpired) as e:
                for k in ("udp_rtt_median_ms", "udp_rtt_p99_ms"):
                    self.na[k].setdefault(side, str(e))
                log(f"  udp_rtt {side}: n/a ({e})")
            secs, tmo = str(self.a.seconds), self.a.seconds + 30

            def stream(port, mode):
                def f():
                    wait_tcp(port, self.a.ready_timeout)
                    return client("tcp_stream", GUEST, str(port), mode, secs, timeout=tmo)["gbps"]
                return f

            def rr():
                wait_tcp(7, self.a.ready_timeout)
                return client("tcp_rr", GUEST, "7", secs, timeout=tmo)["tps"]
            for key, fn in (("tcp_host_to_guest_gbps", stream(9, "send")),
                            ("tcp_guest_to_host_gbps", stream(19, "recv")),
                            ("tcp_rr_tps", rr)):
                v = self.record(key, side, fn)
                if v is not None:
                    log(f"  {key} {side}: {v:.3f}")
        finally:
            g.kill()

    def group_http(self, side, rnd):
        """apps/httpd: boot_to_tcp (port 80), wrk keep-alive 10 and 100
        connections, wrk Connection: close."""
        httpd = self.app("httpd")
        keys = [k for k, f in FIGURES.items() if f[3] == "http"]
        if not httpd:
            for k in keys:
                self.na[k]["both"] = "apps/httpd missing"
            return
        g = self.start(side, httpd, tag=f"http-r{rnd}")
        try:
            ok = self.record("boot_to_tcp_ms", side,
                             lambda: wait_tcp(80, self.boot_timeout(side), g=g) * 1000)
            if ok is None:
                for k in keys[1:]:
                    self.na[k].setdefault(side, self.na["boot_to_tcp_ms"].get(side, "?"))
                return
            log(f"  boot_to_tcp_ms {side}: {ok:.1f}")
            d = self.a.seconds
            for key, fn in (("http_keepalive_c10_rps", lambda: wrk(10, d)),
                            ("http_keepalive_c100_rps", lambda: wrk(100, d)),
                            ("http_close_cps", lambda: wrk(10, d, close=True))):
                v = self.record(key, side, fn)
                if v is not None:
                    log(f"  {key} {side}: {v:.1f}")
        finally:
            g.kill()

    def serves(self, side, mib, app, how, timeout):
        """(ok, seconds or reason): does the guest boot with -m mib and serve
        (HTTP 200 on /, or a ping reply) within timeout?"""
        g = self.start(side, app, memory=mib, tag=f"mem-{how}-{mib}")
        try:
            if how == "http":
                t = wait_tcp(80, timeout, g=g)
                if not http_get_ok():
                    return False, "GET / did not answer 200"
                return True, t
            return True, wait_ping(g, timeout=timeout)
        except (NA, OSError, subprocess.TimeoutExpired) as e:
            return False, str(e)
        finally:
            g.kill()

    def group_memory(self):
        """The smallest -m (MiB) each guest boots and serves with.  Serving
        means HTTP 200 from apps/httpd when both guests do that at -m 128;
        otherwise answering ping (idle app), so the figure exists today and
        tightens by itself once httpd works on both.  Bisection between 1
        (assumed failing) and 128; a try gets 3x the boot time at 128 + 5 s."""
        httpd = self.app("httpd")
        plan, why_not = None, "apps/httpd missing"
        base = {}
        if httpd:
            for side in SIDES:
                ok, t = self.serves(side, MEMORY, httpd, "http", self.boot_timeout(side))
                if not ok:
                    why_not = f"httpd does not serve on {side} at -m {MEMORY}: {t}"
                    break
                base[side] = t
            else:
                plan = (httpd, "http", "serves HTTP 200 on / (apps/httpd)")
        if not plan:
            base = {}
            plan = (self.idle, "ping", f"answers ping (idle app; HTTP criterion not used: "
                                       f"{why_not})")
        app, how, crit = plan
        self.extra["min_memory_criterion"] = crit
        log(f"  min_memory criterion: {crit}")
        step = 4 if self.a.quick else 1
        for side in SIDES:
            if side not in base:
                ok, t = self.serves(side, MEMORY, app, how, self.boot_timeout(side))
                if not ok:
                    self.na["min_memory_mib"][side] = f"fails at -m {MEMORY}: {t}"
                    continue
                base[side] = t
            timeout = 3 * base[side] + 5
            lo, hi = 1, MEMORY
            while hi - lo > step:
                mid = (lo + hi) // 2
                ok, _ = self.serves(side, mid, app, how, timeout)
                log(f"  min_memory {side}: {mid} MiB {'ok' if ok else 'fails'}")
                lo, hi = (lo, mid) if ok else (mid, hi)
            self.samples["min_memory_mib"][side].append(hi)
            log(f"  min_memory_mib {side}: {hi}")
        self.image_sizes(httpd or self.app("echo") or self.idle)

    def image_sizes(self, app):
        """What each VM boots from.  Ours: kernel.elf without its debug
        sections (QEMU loads only its PT_LOAD segments) + the app; Linux:
        vmlinuz + the gzip'd initramfs holding the same app."""
        stripped = os.path.join(BENCH, "kernel.stripped.elf")
        sh(["strip", "--strip-debug", "-o", stripped, self.kernel], check=True)
        name = os.path.basename(app)
        sizes = {
            "ours": {"kernel.elf (stripped)": os.path.getsize(stripped),
                     name: os.path.getsize(app)},
            "linux": {os.path.basename(self.linux["vmlinuz"]):
                      os.path.getsize(self.linux["vmlinuz"]),
                      os.path.basename(self.initrd_for(app)):
                      os.path.getsize(self.initrd_for(app))},
        }
        for side in SIDES:
            self.samples["image_bytes"][side].append(sum(sizes[side].values()))
        sizes["ours"]["(kernel.elf as built, with debug info)"] = os.path.getsize(self.kernel)
        self.extra["image_parts"] = sizes


# --- host-side probes and clients (run inside the namespace) ----------------
def icmp_checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def wait_ping(g, timeout, interval=0.002):
    """Ping every `interval` from QEMU's start; seconds from QEMU's start to
    the first echo reply.  Fails (NA) if QEMU exits or nothing answers."""
    ident = (os.getpid() ^ g.pid) & 0xFFFF
    with socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP) as s:
        s.setblocking(False)
        seq, nxt = 0, time.monotonic()
        deadline = g.start_time + timeout
        while True:
            now = time.monotonic()
            if now >= deadline:
                raise NA(f"no ping reply within {timeout:.0f} s")
            if not g.running:
                raise NA(f"guest exited (status {g.proc.returncode}) before answering ping")
            if now >= nxt:
                seq = (seq + 1) & 0xFFFF
                body = struct.pack("!d", now) + bytes(48)
                hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
                pkt = struct.pack("!BBHHH", 8, 0, icmp_checksum(hdr + body), ident, seq) + body
                try:
                    s.sendto(pkt, (GUEST, 0))
                except OSError:
                    pass                # tap without carrier until QEMU opens it
                nxt = now + interval
            r, _, _ = select.select([s], [], [], max(0.0, nxt - time.monotonic()))
            if r:
                while True:
                    try:
                        data, src = s.recvfrom(2048)
                    except BlockingIOError:
                        break
                    t = time.monotonic()
                    ihl = (data[0] & 0xF) * 4
                    if src[0] == GUEST and len(data) >= ihl + 8 and data[ihl] == 0 and \
                            struct.unpack("!H", data[ihl + 4:ihl + 6])[0] == ident:
                        return t - g.start_time


def ping_samples(count, interval):
    """RTTs in ms from iputils ping (kernel timestamps), `count` at `interval`."""
    r = sh(["ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", GUEST],
           timeout=count * (interval + 0.05) + 30)
    rtts = [float(x) for x in re.findall(r"time=([\d.]+) ms", r.stdout)]
    if not rtts:
        raise NA("no ping reply")
    return rtts


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * 0.99))]


def wait_udp_echo(port, timeout):
    deadline = time.monotonic() + timeout
    why = "no reply"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.connect((GUEST, port))
        s.settimeout(0.05)
        while time.monotonic() < deadline:
            try:
                s.send(b"ready?")
                if s.recv(64) == b"ready?":
                    return
            except ConnectionRefusedError:
                why = "ICMP port unreachable"
                time.sleep(0.01)
            except (socket.timeout, OSError):
                pass
    raise NA(f"no UDP echo on port {port} ({why})")


def wait_tcp(port, timeout, g=None, interval=0.005, lifetime=0.5):
    """Seconds from QEMU's start (if g) or from the call to the first
    completed TCP connect to port.  A new non-blocking connect starts every
    `interval` (a SYN lost before the guest is up is never waited for: the
    host would retransmit it only after 1 s); each attempt lives `lifetime`.
    NA with the last error when none completes within timeout."""
    t0 = g.start_time if g else time.monotonic()
    deadline = t0 + timeout
    err = "timeout"
    live = {}                       # socket -> start time
    try:
        nxt = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            if g and not g.running:
                raise NA(f"guest exited (status {g.proc.returncode})")
            if now >= nxt:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                e = s.connect_ex((GUEST, port))
                if e in (0, errno.EINPROGRESS):
                    live[s] = now
                else:
                    err = os.strerror(e)
                    s.close()
                nxt = now + interval
            for s, t in list(live.items()):
                if now - t > lifetime:
                    s.close()
                    del live[s]
            _, w, _ = select.select([], list(live), [], max(0.0, nxt - time.monotonic()))
            for s in w:
                e = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if e == 0:
                    return time.monotonic() - t0
                err = os.strerror(e)
                s.close()
                del live[s]
    finally:
        for s in live:
            s.close()
    raise NA(f"TCP connect to port {port}: {err.lower()}")


def client(name, *args, timeout):
    r = sh([os.path.join(BENCH, name), *args], timeout=timeout)
    try:
        out = json.loads(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise NA(f"{name}: no result ({r.stderr.strip()[:100]})")
    if "error" in out:
        raise NA(f"{name}: {out['error']}")
    return out


def http_get_ok():
    with socket.create_connection((GUEST, 80), timeout=5) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 10.0.0.2\r\nConnection: close\r\n\r\n")
        head = s.recv(64)
    return head.startswith(b"HTTP/1.") and head[9:12] == b"200"


def wrk(conns, secs, close=False):
    argv = ["wrk", "-t1", f"-c{conns}", f"-d{secs}s", "--timeout", "2s"]
    if close:
        argv += ["-H", "Connection: close"]
    r = sh(argv + [f"http://{GUEST}/"], timeout=secs + 30)
    m = re.search(r"Requests/sec:\s*([\d.]+)", r.stdout)
    n = re.search(r"(\d+) requests in", r.stdout)
    if not m or not n or int(n.group(1)) == 0:
        e = re.search(r"Socket errors:\s*(.*)", r.stdout)
        raise NA("wrk: no completed request (" +
                 (f"socket errors: {e.group(1).strip()}" if e else
                  " ".join((r.stdout + r.stderr).split())[-100:]) + ")")
    bad = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", r.stdout)
    if bad and int(bad.group(1)) * 2 > int(n.group(1)):
        raise NA(f"wrk: {bad.group(1)} of {n.group(1)} responses not 2xx/3xx")
    return float(m.group(1))


# --- environment, summary, output -------------------------------------------
def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def environment(b):
    def first(argv, pat=r"(.*)"):
        r = sh(argv)
        m = re.search(pat, r.stdout)
        return m.group(1).strip() if m else "?"
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"model name\s*:\s*(.*)", f.read())
        cpu = m.group(1) if m else cpu
    dirty = sh(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"]).stdout
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"hostname": platform.node(), "cpu": cpu, "nproc": os.cpu_count(),
                    "kernel": platform.release()},
        "versions": {
            "qemu": first(["qemu-system-x86_64", "--version"], r"version (\S+)"),
            "guest_kernel_package": b.linux["kernel_package"],
            "busybox": b.linux["busybox_package"],
            "git_commit": first(["git", "-C", ROOT, "rev-parse", "HEAD"]) +
            (" (tree modified)" if dirty.strip() else ""),
            "wrk": first(["dpkg-query", "-W", "-f", "${Version}", "wrk"]),
            "kernel_elf_sha256": first(["sha256sum", b.kernel], r"^(\w+)"),
        },
        "accel": qemu.detect_accel(b.a.accel),
        "firmware": "qboot (both guests)",
    }


def summarize(b):
    figs = {}
    for key, (label, unit, better, group) in FIGURES.items():
        f = {"label": label, "unit": unit, "better": better, "group": group}
        for side in SIDES:
            xs = b.samples[key][side]
            f[side] = {"samples": xs}
            if xs:
                f[side].update(median=statistics.median(xs), min=min(xs), max=max(xs))
        na = b.na[key]
        if all(b.samples[key][s] for s in SIDES):
            f["ratio"] = f["ours"]["median"] / f["linux"]["median"] \
                if f["linux"]["median"] else None
            xs, ys = b.samples[key]["ours"], b.samples[key]["linux"]
            if len(xs) == len(ys) and all(ys):
                # Paired by round (each pair ran back to back): less exposed
                # to load drifting over the run than the ratio of medians.
                f["ratio_per_round"] = [x / y for x, y in zip(xs, ys)]
                f["ratio_per_round_median"] = statistics.median(f["ratio_per_round"])
        else:
            if "both" in na:
                why = na["both"]
            else:
                why = "; ".join(f"{s}: {na[s]}" for s in SIDES if s in na and
                                not b.samples[key][s]) or "not measured"
            f["na"] = why
        if na:
            f["errors"] = na
        figs[key] = f
    return figs


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "bytes":
        return f"{v / 1e6:.2f} MB"
    if float(v).is_integer() and unit in ("MiB",):
        return f"{int(v)}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.3f}" if abs(v) < 1 else f"{v:.2f}"


def cell(f, side):
    s = f[side]
    if "median" not in s:
        return "n/a"
    if len(s["samples"]) == 1:
        return fmt(s["median"], f["unit"])
    return f"{fmt(s['median'], f['unit'])} [{fmt(s['min'], f['unit'])}-{fmt(s['max'], f['unit'])}]"


def table_rows(figs):
    rows = [("figure", "unit", "ours median [min-max]", "Linux median [min-max]",
             "ours/Linux", "better")]
    for key, f in figs.items():
        unit = "MB" if f["unit"] == "bytes" else f["unit"]
        if "na" in f:
            rows.append((key, unit, cell(f, "ours"), cell(f, "linux"), f"n/a ({f['na']})",
                         f["better"]))
        else:
            rows.append((key, unit, cell(f, "ours"), cell(f, "linux"),
                         f"{f['ratio']:.3f}" if f.get("ratio") is not None else "-",
                         f["better"]))
    return rows


def print_table(rows):
    w = [max(len(r[i]) for r in rows if i < 5 or len(r[i]) < 60) for i in range(6)]
    for n, r in enumerate(rows):
        print("  ".join(c.ljust(w[i]) if i != 4 else c for i, c in enumerate(r[:4])) +
              "  " + r[5].ljust(6) + "  " + r[4])
        if n == 0:
            print("-" * (sum(w[:4]) + 30))


def write_markdown(path, res, rows):
    env, cfg = res["environment"], res["config"]
    m, v = env["machine"], env["versions"]
    ex = res["extra"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (tools/bench/bench.py); do not edit by hand: rerun it.",
        "",
        f"- **Date:** {env['date']}; **run:** {cfg['mode']} ({cfg['rounds']} round(s), "
        f"{cfg['seconds']} s per timed figure, {cfg['pings']} pings/datagrams at 10 ms)",
        f"- **Machine:** {m['cpu']}, {m['nproc']} CPUs, host kernel {m['kernel']}; "
        f"load average {' '.join(map(str, res['load']['before']))} before, "
        f"{' '.join(map(str, res['load']['after']))} after (shared machine: other jobs run "
        "beside the benchmark, which is why every figure is an interleaved ratio)",
        f"- **Accelerator:** {env['accel']}; firmware {env['firmware']}; "
        f"QEMU {v['qemu']}; 1 vCPU, -m {MEMORY}, virtio-net-pci on a tap in a private "
        "network namespace, the same MAC",
        f"- **Ours:** commit {v['git_commit']}",
        f"- **Linux:** {v['guest_kernel_package']} with {v['busybox']} "
        f"(`{linux_guest.APPEND}`), the virtio modules in an initramfs",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|" + "---|" * len(rows[0]),
    ]
    for r in rows[1:]:
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |")
    lines += [
        "",
        "ours/Linux is the ratio of the medians: below 1 is better for `lower` figures, "
        "above 1 for `higher` ones.  n/a says which prerequisite is missing; such a "
        "figure starts being measured as soon as that piece lands.",
        "",
    ]
    if "min_memory_criterion" in ex:
        lines.append(f"- smallest -m: bisection, criterion: {ex['min_memory_criterion']}.")
    if "image_parts" in ex:
        parts = "; ".join(f"{side}: " + ", ".join(f"{k} {n:,} B" for k, n in p.items())
                          for side, p in ex["image_parts"].items())
        lines.append(f"- image parts: {parts}.")
    for k in ("ping_loss", "udp_loss"):
        if k in ex:
            lines.append(f"- {k.replace('_', ' ')} per round: " +
                         "; ".join(f"{s}: {ex[k][s]}" for s in ex[k]))
    lines += [
        "",
        "## How it is measured",
        "",
        "- Both guests boot through tools/qemu.py's `qemu_argv()` with qboot, the same "
        "flags and memory; ours with `-kernel build/kernel.elf -initrd <app>`, Linux with "
        "`-kernel vmlinuz -initrd initramfs` (busybox, the virtio-net modules, the same app "
        "binary as /app; tools/bench/linux_guest.py).  In each round the two guests run one "
        "after the other (ours, then Linux) on one host, so load drifts hit both.",
        "- boot_to_ping: host clock from starting QEMU to the first ICMP echo reply, pinging "
        "every 2 ms from tap0 (the host has a permanent neighbour entry for the guest's MAC, "
        "so host ARP timers play no part).  boot_to_tcp: to the first successful connect to "
        "port 80 (a new non-blocking connect every 5 ms, each given 0.5 s).",
        "- ping RTT: iputils ping at 10 ms intervals (kernel timestamps); UDP echo RTT: "
        "tools/bench/udp_rr.c, 56-byte datagrams at 10 ms to apps/echo port 7.",
        "- TCP throughput: tools/bench/tcp_stream.c, 64 KiB writes to discard (9) / reads "
        "from chargen (19), payload Gbit/s; request/response: tools/bench/tcp_rr.c, 1 byte "
        "each way on one TCP_NODELAY connection to echo (7).",
        "- HTTP: wrk -t1 -c10 / -c100 for the timed period with keep-alive, and -c10 with "
        "`Connection: close` (each request a new connection: connections/s), on /.",
        "- smallest -m: bisection of QEMU's -m until the guest no longer boots and serves; "
        "image size: ours is kernel.elf without debug sections + the app; Linux is vmlinuz "
        "+ the gzip'd initramfs.",
        "- Raw samples, versions and load: build/bench.json; consoles: build/bench/logs/.",
        "",
    ]
    with open(path, "w") as f:
        f.write("\n".join(lines))


# --- namespace ----------------------------------------------------------------
def ip(*args):
    subprocess.run(["ip", *args], check=True, capture_output=True, text=True)


def run_outside(a, argv, script=__file__):
    """Make the namespace (tap0 10.0.0.1/24, a permanent neighbour entry for
    the guest) and rerun `script` (this one, or tools/bench/profile.py) inside it."""
    if os.geteuid() != 0:
        sys.exit("bench: needs root (network namespace, tap device, raw ICMP socket)")
    ns = f"bench-{uuid.uuid4().hex[:8]}"
    ip("netns", "add", ns)
    try:
        ip("-n", ns, "link", "set", "lo", "up")
        ip("-n", ns, "tuntap", "add", "tap0", "mode", "tap")
        ip("-n", ns, "addr", "add", f"{HOST}/24", "dev", "tap0")
        ip("-n", ns, "link", "set", "tap0", "up")
        ip("-n", ns, "neigh", "replace", GUEST, "lladdr", MAC, "dev", "tap0", "nud", "permanent")
        inner = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable,
                                  os.path.abspath(script), "--in-netns", *argv])
        try:
            return inner.wait()
        except KeyboardInterrupt:
            # The inner run kills its QEMU and clients, then exits.
            inner.send_signal(signal.SIGTERM)
            inner.wait()
            return 130
    finally:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 round, 3 s per figure, 200 pings")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--seconds", type=int, help="duration of each timed figure")
    ap.add_argument("--pings", type=int, help="pings (and UDP datagrams) per round")
    ap.add_argument("--only", default="ping,echo,http,memory",
                    help="groups: ping,echo,http,memory")
    ap.add_argument("--accel", default=os.environ.get("ACCEL", "auto"))
    ap.add_argument("--apps", default=os.path.join(BUILD, "apps"),
                    help="directory holding the app binaries echo and httpd")
    ap.add_argument("--boot-timeout", type=float, default=60.0,
                    help="seconds to the first ping reply or TCP connect (ours: at most 20)")
    ap.add_argument("--ready-timeout", type=float, default=10.0)
    ap.add_argument("--json", default=os.path.join(BUILD, "bench.json"))
    ap.add_argument("--markdown", default=os.path.join(ROOT, "BENCHMARKS.md"),
                    help="report to regenerate ('' for none)")
    ap.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    # Explicit handlers: a background job inherits SIGINT ignored.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    if not a.in_netns:
        return run_outside(a, sys.argv[1:])
    a.rounds = a.rounds or (1 if a.quick else 5)
    a.seconds = a.seconds or (3 if a.quick else 10)
    a.pings = a.pings or (200 if a.quick else 1000)
    groups = a.only.split(",")
    os.makedirs(LOGS, exist_ok=True)
    for f in os.listdir(LOGS):
        os.unlink(os.path.join(LOGS, f))
    for p in ("idle", "tcp_stream", "tcp_rr", "udp_rr"):
        if not os.path.exists(os.path.join(BENCH, p)):
            sys.exit(f"bench: build/bench/{p} missing: run `make bench` (tools/bench/bench.mk)")
    b = Bench(a)
    try:
        return run_inside(a, b, groups)
    except KeyboardInterrupt:
        log("bench: interrupted")
        return 130
    finally:
        b.kill_all()


def run_inside(a, b, groups):
    env = environment(b)
    before = loadavg()
    log(f"bench: {a.rounds} round(s), {a.seconds} s per figure, {a.pings} pings; "
        f"accel {env['accel']}; load {before}; apps: " +
        ", ".join(f"{n} {'yes' if b.app(n) else 'missing'}" for n in ("echo", "httpd")))
    t0 = time.monotonic()
    for rnd in range(1, a.rounds + 1):
        b.load.append(loadavg())
        for grp in ("ping", "echo", "http"):
            if grp not in groups:
                continue
            for side in SIDES:
                log(f"round {rnd}/{a.rounds} {grp} {side}")
                getattr(b, f"group_{grp}")(side, rnd)
    if "memory" in groups:
        log("memory: bisecting -m")
        b.group_memory()
    after = loadavg()
    figs = summarize(b)
    res = {
        "environment": env,
        "config": {"mode": "quick" if a.quick else "full", "rounds": a.rounds,
                   "seconds": a.seconds, "pings": a.pings, "memory_mib": MEMORY,
                   "groups": groups, "mac": MAC, "linux_append": linux_guest.APPEND,
                   "our_append": OUR_APPEND},
        "load": {"before": before, "after": after, "per_round": b.load, "nproc": os.cpu_count(),
                 "wall_seconds": round(time.monotonic() - t0, 1)},
        "figures": {k: v for k, v in figs.items() if v["group"] in groups},
        "extra": b.extra,
    }
    with open(a.json, "w") as f:
        json.dump(res, f, indent=2)
    rows = table_rows(res["figures"])
    print(f"\n{env['date']}  accel {env['accel']}  qemu {env['versions']['qemu']}  "
          f"linux {env['versions']['guest_kernel_package']}  load {before} -> {after}")
    print_table(rows)
    print(f"\nwrote {os.path.relpath(a.json, ROOT)}" +
          (f" and {os.path.relpath(a.markdown, ROOT)}" if a.markdown else ""))
    if a.markdown:
        write_markdown(a.markdown, res, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
