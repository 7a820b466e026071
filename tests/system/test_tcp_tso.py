"""TCP segmentation offload on virtio-net (VIRTIO_NET_F_HOST_TSO4; Linux's
NETIF_F_TSO): a bulk sender in the guest hands the device frames of up to
32 KiB that the device (here QEMU and the host's tap) cuts into MSS-sized
segments.  What a user sees: the stream from chargen (port 19) arrives byte
for byte, the guest counts every wire segment in OutSegs (RFC 4022), and
a capture on the host's tap shows the super-frames the guest sent (a
capture on a Linux host with TSO shows the same).  A device without TSO
(host_tso4=off) gets only frames that fit the MTU, and so do the e1000
models, which offload nothing.
"""
import pytest

from test_tcp import CHARGEN_PERIOD, boot_echo, counters, no_oversize
from test_udp import in_ns
from test_virtio import GUEST, netns  # noqa: F401 (fixture)

NBYTES = 4 << 20

PULL = f"""
import json, select, socket
raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
raw.bind(("tap0", 0))
raw.setblocking(False)
s = socket.create_connection(("{GUEST}", 19), timeout=20)
s.setblocking(False)
got, frames, biggest = bytearray(), 0, 0     # (the capture may miss frames: only sizes count)
while len(got) < {NBYTES}:
    r, _, _ = select.select([s, raw], [], [], 20)
    if not r:
        break
    if s in r:
        got += s.recv(1 << 20)
    while True:
        try:
            f = raw.recv(1 << 17)
        except BlockingIOError:
            break
        if f[26:30] == socket.inet_aton("{GUEST}") and f[23] == 6:   # IPv4 TCP from the guest
            frames += 1
            biggest = max(biggest, len(f))
s.close()
print(json.dumps(dict(n=len(got), data=got[:{NBYTES}].hex(), frames=frames, biggest=biggest)))
"""


def pull(netns):
    r = in_ns(netns, PULL, timeout=180)
    data = bytes.fromhex(r.pop("data"))
    want = (CHARGEN_PERIOD * (NBYTES // len(CHARGEN_PERIOD) + 1))[:NBYTES]
    assert r["n"] >= NBYTES and data == want, "chargen's stream is not byte-exact"
    return r


def test_tso_frames_cut_by_the_device_and_stream_exact(boot, netns):
    g = boot_echo(boot, netns)
    assert ", TSO" in g.output, "virtio-net did not negotiate HOST_TSO4 with a vnet-header tap"
    t0, _ = counters(g)
    r = pull(netns)
    t1, drops = counters(g)
    no_oversize(drops)
    # Super-frames on the tap, each later cut to 1448-byte segments.
    assert r["biggest"] > 1514, r
    # OutSegs counts wire segments, not frames: at least one per MSS of data.
    assert t1["OutSegs"] - t0["OutSegs"] >= NBYTES // 1448, (t0, t1)


def test_without_tso_every_frame_fits_the_mtu(boot, netns):
    g = boot_echo(boot, netns, nic="virtio-net-pci,host_tso4=off")
    assert ", TSO" not in g.output
    r = pull(netns)
    assert r["frames"] and r["biggest"] <= 1514, r


@pytest.mark.parametrize("model", ["e1000", "e1000e"])
def test_e1000_bulk_without_offloads(boot, netns, model):
    """The e1000 drivers offer no checksum offload or TSO: TCP's partial
    checksums are finished in software (dev_queue_xmit) and a transmit
    batch rings the TDT doorbell once (e1000_xmit_flush)."""
    g = boot_echo(boot, netns, nic=model)
    r = pull(netns)
    assert r["frames"] and r["biggest"] <= 1514, r
    _, drops = counters(g)
    no_oversize(drops)
