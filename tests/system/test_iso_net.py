"""build/unikernel.iso as a machine boots it, on the network (issue 9): the
default GRUB entry (DHCP, built-in httpd) and the apps/echo entry (hotkey
`u`, DHCP, apps/echo as a module2) under SeaBIOS and OVMF, with each of
virtio-net-pci, e1000 and e1000e on tap0 in the test's namespace, where
test_dhcp's dnsmasq fixture serves the lease (10.0.0.2).

Default entry: the `net:` line from the lease, ping, and an HTTP GET of /
from httpd over the tap.  Echo entry: the lease, then UDP echo (RFC 862).

Run time: 12 boots, about 2 minutes under TCG on an idle 2-core host (an OVMF
boot reaches GRUB in ~5 s; the firmware timeouts allow for a loaded host).
"""
import subprocess

import pytest

from conftest import scaled
from test_dhcp import dnsmasq  # noqa: F401 (fixture)
from test_udp import in_ns
from test_virtio import GUEST, UP_LINE, netns, ping  # noqa: F401 (fixture)

FIRMWARE = {"seabios": dict(uefi=False, timeout=60), "ovmf": dict(uefi=True, timeout=180)}
NICS = {"virtio-net-pci": r"eth0: virtio-net modern", "e1000": r"eth0: e1000 82540EM",
        "e1000e": r"eth0: e1000 82574L"}
LEASE = r"dhcp: eth0: 10\.0\.0\.2/24 from 10\.0\.0\.1"


def boot_entry(boot, netns, firmware, nic, hotkey):
    """Boot the ISO and pick a menu entry by its hotkey (the menu's own
    mechanism, as a user would; `d` is also what the timeout picks)."""
    fw = FIRMWARE[firmware]
    g = boot(iso=True, uefi=fw["uefi"], net="tap", netns=netns, nic=nic)
    g.wait_for(r"executed automatically in", timeout=fw["timeout"], partial=True)
    g.send(hotkey)
    g.wait_for(NICS[nic], timeout=60)
    g.wait_for(UP_LINE, timeout=60)
    g.wait_for(LEASE, anywhere=True)
    return g


@pytest.mark.parametrize("nic", NICS)
@pytest.mark.parametrize("firmware", FIRMWARE)
def test_iso_dhcp_ping_http(boot, netns, dnsmasq, firmware, nic):
    g = boot_entry(boot, netns, firmware, nic, "d")
    g.wait_for(r"httpd: listening on", anywhere=True)
    sent, received, out = ping(netns, 20)
    assert (sent, received) == (20, 20), out
    r = subprocess.run(["ip", "netns", "exec", netns, "curl", "-sS", "-m", "20", "-D", "-",
                        f"http://{GUEST}/"], capture_output=True, text=True,
                       timeout=scaled(60))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HTTP/1.1 200 OK"), r.stdout[:200]
    assert "<h1>The path your request took</h1>" in r.stdout


ECHO_CLIENT = f"""
import json, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
got = []
for i in range(5):
    s.sendto(b"iso echo %d" % i, ("{GUEST}", 7))
    got.append(s.recvfrom(100)[0].decode())
print(json.dumps(got))
"""


@pytest.mark.parametrize("nic", NICS)
@pytest.mark.parametrize("firmware", FIRMWARE)
def test_iso_echo_entry_udp(boot, netns, dnsmasq, firmware, nic):
    g = boot_entry(boot, netns, firmware, nic, "u")
    g.wait_for(r"echo: udp port 7 ready", anywhere=True)
    assert in_ns(netns, ECHO_CLIENT) == [f"iso echo {i}" for i in range(5)]
