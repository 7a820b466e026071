"""Console key `p`: the kernel's per-layer TSC cycle counters.

A person (or tools/bench/profile.py) presses `p` to read where the CPU's
time went since the last `p`, by layer: the app, idle, interrupts, softirqs,
syscalls, the socket layer, copies, TCP in/out, UDP/ICMP, IP in/out,
Ethernet, the NIC's receive poll and transmit.  Every cycle is charged to
exactly one layer, so the shares add up to the whole interval.

Counting costs a TSC read per layer crossing, so it is on only with the
boot parameter prof=on; without it `p` says so.

What a user sees and what this checks: after 200 pings from the host, every
layer a ping crosses has been entered at least once per ping, in both
directions; the shares add up to 100 %; the interval the kernel reports
matches the host's clock; and a second `p` starts a new interval (the ping
counts are gone).
"""
import re
import time

from test_virtio import TAP_IP_ARG, UP_LINE, netns, ping  # noqa: F401 (fixture)

ROW = re.compile(r"prof: (\w+)\s+(\d+)\s+(\d+)\.(\d)%\s+(\d+)\s+(\d+)")
TOTAL = re.compile(r"prof: total (\d+) cycles in (\d+) ms")


def press_p(g):
    """Press `p`; returns ({layer: (cycles, permille, entries)}, total cycles, ms)."""
    mark = len(g.output)
    g.send("p")
    m = g.wait_for(TOTAL.pattern)
    rows = {}
    for line in g.output[mark:].splitlines():
        r = ROW.search(line)
        if r:
            rows[r.group(1)] = (int(r.group(2)), int(r.group(3)) * 10 + int(r.group(4)),
                                int(r.group(5)))
    return rows, int(m.group(1)), int(m.group(2))


def test_layer_counters_follow_pings(boot, netns):
    g = boot(append=TAP_IP_ARG + " prof=on", net="tap", netns=netns)
    g.wait_for(UP_LINE)
    press_p(g)                          # start an interval with nothing in it yet
    t0 = time.monotonic()
    sent, received, out = ping(netns, 200)
    assert received == sent == 200, out
    rows, total, ms = press_p(g)
    host_ms = (time.monotonic() - t0) * 1000
    layers = ("kernel", "user", "idle", "irq", "softirq", "sched", "syscall", "sock", "copy",
              "tcp_in", "tcp_out", "udp_icmp", "ip_in", "ip_out", "eth", "nic_rx", "nic_tx")
    assert set(rows) == set(layers), rows
    # Each echo request goes up nic_rx -> eth -> ip_in -> icmp, each reply down
    # ip_out -> nic_tx: at least one entry per ping in each of them.
    for layer in ("nic_rx", "eth", "ip_in", "udp_icmp", "ip_out", "nic_tx", "irq", "softirq"):
        assert rows[layer][2] >= 200, (layer, rows[layer])
    # No TCP, no syscalls (the default app idles in a blocking read).
    assert rows["tcp_in"][2] == 0 and rows["tcp_out"][2] == 0, rows
    # Self times add up to the interval: every cycle is in one layer.
    assert sum(r[0] for r in rows.values()) == total
    assert 990 <= sum(r[1] for r in rows.values()) <= 1000 + len(layers)
    # The interval is the time between the two presses, by the guest's TSC:
    # at least the pings' 2 s, not more than the host saw (plus console lag).
    assert 0.5 * host_ms <= ms <= host_ms + 2000, (ms, host_ms)
    # 200 pings 10 ms apart leave a guest at TCG speed mostly halted.
    assert rows["idle"][1] >= 500, rows
    # A second `p` starts a new interval: no ping crossed the stack since.
    rows2, _, _ = press_p(g)
    assert rows2["udp_icmp"][2] == 0 and rows2["nic_tx"][2] == 0, rows2


def test_counters_off_by_default(boot):
    g = boot()
    g.wait_for(r"boot: [\d.]+ s since power-on")
    g.send("p")
    g.wait_for(r"prof: off: boot with prof=on")
    assert "prof: total" not in g.output
