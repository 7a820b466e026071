"""/proc in Linux's formats: tests/apps/procfs.c runs in the guest (-initrd)
and, as the oracle, on this host inside the test's network namespace (its
/proc/net is that namespace's).  The same binary prints /proc/net/dev,
/proc/net/snmp, /proc/net/udp, /proc/net/tcp and /proc/meminfo; the test
parses both outputs with the same rules (the ones apps/httpd uses) and
asserts identical headers and column counts, then that counters move when
the host pings, sends UDP and connects, and that console key 's' prints
the ss-style table.  Open/lseek errors must match Linux's line for line.
"""
import os
import re
import socket
import subprocess

import pytest

from conftest import BUILD, qemu_status
from test_virtio import GUEST, TAP_IP_ARG, UP_LINE, netns, ping  # noqa: F401 (fixture)

APP = os.path.join(BUILD, "tests", "apps", "procfs")
FILES = ["/proc/net/dev", "/proc/net/snmp", "/proc/net/udp", "/proc/net/tcp", "/proc/meminfo"]
UDP_PORT, TCP_PORT, BACKLOG = 5353, 8081, 16


def parse_dump(text):
    """{path: [lines]} from the app's '=== path' ... '=== end' sections."""
    out, cur = {}, None
    for line in text.splitlines():
        if line.startswith("=== "):
            cur = None if line == "=== end" else line[4:]
            if cur:
                out[cur] = []
        elif cur:
            out[cur].append(line)
    assert set(out) == set(FILES), out.keys()
    return out


def snmp(lines):
    """{"Ip": {"InReceives": 12, ...}, ...}: names line then values line, same prefix."""
    assert len(lines) % 2 == 0, lines
    res = {}
    for names, values in zip(lines[::2], lines[1::2]):
        n, v = names.split(), values.split()
        assert n[0] == v[0] and n[0].endswith(":") and len(n) == len(v), (names, values)
        res.setdefault(n[0][:-1], {}).update(zip(n[1:], map(int, v[1:])))
    return res


def snmp_names(lines):
    return [l for l in lines[::2] if not l.startswith("IcmpMsg:")]


def dev(lines):
    """{ifname: [16 counters]} after Linux's two header lines."""
    res = {}
    for line in lines[2:]:
        name, rest = line.split(":", 1)
        fields = [int(x) for x in rest.split()]
        assert len(fields) == 16, line
        res[name.strip()] = fields
    return res


def sock_rows(lines):
    """/proc/net/{tcp,udp} rows as split fields; local port (hex) is field 1's tail."""
    return [l.split() for l in lines[1:]]


def row_for_port(rows, port):
    hits = [r for r in rows if r[1].endswith(":%04X" % port)]
    assert hits, rows
    return hits[0]


def meminfo(lines):
    res = {}
    for line in lines:
        m = re.fullmatch(r"(\w+):\s+(\d+) kB", line)
        assert m, line
        res[m.group(1)] = int(m.group(2))
    return res


def linux_oracle(ns):
    """The app on this host, in the namespace, cwd / (as the guest's)."""
    r = subprocess.run(["ip", "netns", "exec", ns, APP], input="2\n1\n0\n", cwd="/",
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    return r.stdout


def guest_round(g, cmd, done):
    start = len(g.output)
    g.send(cmd + "\n")
    g.wait_for(done, timeout=30)
    return g.output[start:]


def host_traffic(ns):
    """20 pings, 3 UDP datagrams to the app's port, one TCP connect left open."""
    sent, received, out = ping(ns, 20)
    assert received == 20, out
    script = (f"import socket,time\n"
              f"u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
              f"[u.sendto(b'x'*100,('{GUEST}',{UDP_PORT})) for _ in range(3)]\n"
              f"t=socket.create_connection(('{GUEST}',{TCP_PORT}),timeout=10)\n"
              f"print('connected',flush=True)\n"
              f"time.sleep(60)\n")
    p = subprocess.Popen(["ip", "netns", "exec", ns, "python3", "-c", script],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "connected"
    return p


def test_proc_files_like_linux(boot, netns):
    if not os.path.exists(APP):
        pytest.fail(f"{APP} missing: run `make`")
    linux = linux_oracle(netns)
    g = boot(append=TAP_IP_ARG, net="tap", netns=netns, initrd=APP)
    g.wait_for(UP_LINE)
    g.wait_for(r"^procfs: ready$")

    # Errors, line for line as on Linux.
    ours = guest_round(g, "2", r"^procfs: errors done$")
    want = [l for l in linux.splitlines() if l.startswith("procfs: ") and "dumped" not in l
            and "ready" not in l]
    got = [l for l in ours.splitlines() if l.startswith("procfs: ")]
    assert got == want

    before = parse_dump(guest_round(g, "1", r"^procfs: dumped$"))
    host = parse_dump(linux)
    conn = host_traffic(netns)
    try:
        after = parse_dump(guest_round(g, "1", r"^procfs: dumped$"))
        check_layout(before, host)
        check_layout(after, host)
        check_counters(before, after)
        check_tables(after, host)
        check_console_table(g)
    finally:
        conn.kill()
    g.send("0\n")
    assert g.wait_exit() == qemu_status(0)


def check_layout(ours, linux):
    assert ours["/proc/net/dev"][:2] == linux["/proc/net/dev"][:2]
    assert {"lo", "eth0"} <= set(dev(ours["/proc/net/dev"]))
    assert snmp_names(ours["/proc/net/snmp"]) == snmp_names(linux["/proc/net/snmp"])
    snmp(ours["/proc/net/snmp"])
    for path, width in (("/proc/net/tcp", 149), ("/proc/net/udp", 127)):
        assert ours[path][0] == linux[path][0]
        assert all(len(l) >= width for l in ours[path]), ours[path]
    m = meminfo(ours["/proc/meminfo"])
    assert {"MemTotal", "MemFree", "MemAvailable", "Slab"} <= set(m)
    assert 0 < m["Slab"] and m["MemFree"] <= m["MemTotal"] <= 128 * 1024


def check_counters(before, after):
    b, a = snmp(before["/proc/net/snmp"]), snmp(after["/proc/net/snmp"])
    assert a["Ip"]["InReceives"] - b["Ip"]["InReceives"] >= 20 + 3 + 2
    assert a["Ip"]["InDelivers"] - b["Ip"]["InDelivers"] >= 20 + 3 + 2
    assert a["Ip"]["OutRequests"] - b["Ip"]["OutRequests"] >= 20
    assert a["Icmp"]["InEchos"] - b["Icmp"]["InEchos"] == 20
    assert a["Icmp"]["OutEchoReps"] - b["Icmp"]["OutEchoReps"] == 20
    assert a["IcmpMsg"]["InType8"] >= 20 and a["IcmpMsg"]["OutType0"] >= 20
    assert a["Udp"]["InDatagrams"] - b["Udp"]["InDatagrams"] == 3
    assert a["Tcp"]["PassiveOpens"] - b["Tcp"]["PassiveOpens"] == 1
    assert a["Tcp"]["CurrEstab"] >= 1
    db, da = dev(before["/proc/net/dev"]), dev(after["/proc/net/dev"])
    assert da["eth0"][1] - db["eth0"][1] >= 25       # rx packets
    assert da["eth0"][9] - db["eth0"][9] >= 20       # tx packets


def check_tables(ours, linux):
    udp = row_for_port(sock_rows(ours["/proc/net/udp"]), UDP_PORT)
    assert len(udp) == len(row_for_port(sock_rows(linux["/proc/net/udp"]), UDP_PORT))
    assert udp[3] == "07" and int(udp[4].split(":")[1], 16) > 300    # 3 datagrams unread
    tcp = sock_rows(ours["/proc/net/tcp"])
    listener = row_for_port(tcp, TCP_PORT)
    assert len(listener) == len(row_for_port(sock_rows(linux["/proc/net/tcp"]), TCP_PORT))
    assert listener[2] == "00000000:0000" and listener[3] == "0A"
    assert listener[4] == "00000000:00000001"        # one connection in the accept queue
    est = [r for r in tcp if r[3] == "01"]
    assert est and len(est[0]) == len(listener), tcp
    assert est[0][1] == "0200000A:%04X" % TCP_PORT   # 10.0.0.2, as a little-endian integer


LOG = r"^\[[ \d.]+\] "      # printk's timestamp before each line of the table


def check_console_table(g):
    g.send("s")
    g.wait_for(LOG + r"Netid\s+State\s+Recv-Q\s+Send-Q\s+Local Address:Port\s+Peer Address:Port")
    g.wait_for(r"^\[[ \d.]+\] ss: end of table$")
    table = g.output
    for row in (rf"tcp\s+LISTEN\s+1\s+{BACKLOG}\s+0\.0\.0\.0:{TCP_PORT}\s+0\.0\.0\.0:\*"
                rf"\s+syn-q:0 accept-q:1/{BACKLOG}$",
                rf"tcp\s+ESTAB\s+0\s+0\s+10\.0\.0\.2:{TCP_PORT}\s+10\.0\.0\.1:\d+",
                rf"udp\s+UNCONN\s+\d+\s+0\s+0\.0\.0\.0:{UDP_PORT}\s+0\.0\.0\.0:\*"):
        assert re.search(LOG + row, table, re.MULTILINE), row
