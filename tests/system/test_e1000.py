"""Intel e1000 (82540EM, QEMU -device e1000, INTx) and e1000e (82574L,
QEMU -device e1000e, MSI-X) end to end over a tap device in a network
namespace of the test's own: the driver's line, the `net:` line, 200 pings
with no loss, fragmented 8000-byte echoes both ways, and a flood that fills
the TX ring (NETDEV_TX_BUSY and the backlog).

QEMU's e1000 holds received frames for one second of guest time after
every RCTL write (its flush_queue_timer), so the first pings after boot
wait rather than get lost; nothing here depends on how long.
"""
import pytest

from test_virtio import GUEST, TAP_IP_ARG, UP_LINE, netns, ping  # noqa: F401 (fixture)

MODELS = {  # chip, interrupt kind
    "e1000": ("82540EM", "INTx"),
    "e1000e": ("82574L", "MSI-X"),
}


def boot_nic(boot, netns, model, machine="pc"):
    g = boot(append=TAP_IP_ARG, net="tap", netns=netns, nic=model, extra=("-M", machine))
    chip, irq = MODELS[model]
    g.wait_for(rf"eth0: e1000 {chip} 52:54:00:12:34:56, {irq}")
    g.wait_for(r"pci \S+: bound to e1000")
    g.wait_for(UP_LINE)
    return g


@pytest.mark.parametrize("machine", ["pc", "q35"])
@pytest.mark.parametrize("model", MODELS)
def test_ping_over_tap(boot, netns, model, machine):
    boot_nic(boot, netns, model, machine)
    sent, received, out = ping(netns, 200)
    assert (sent, received) == (200, 200), out


@pytest.mark.parametrize("model", MODELS)
def test_large_pings_and_flood(boot, netns, model):
    """Fragments both ways (8000 bytes: 6 frames each), then 2000 pings
    back to back, then the guest still answers."""
    g = boot_nic(boot, netns, model)
    sent, received, out = ping(netns, 20, size=8000, interval="0.05")
    assert received == sent == 20, out
    sent, received, out = ping(netns, 2000, interval="0")
    assert received == sent, out
    sent, received, out = ping(netns, 10)
    assert received == sent == 10, out
    g.send("n")     # the counters: no driver errors after all that
    m = g.wait_for(r"net: eth0 rx (\d+) pkts .* errors rx (\d+) tx (\d+)")
    assert int(m.group(1)) >= 2030 and m.group(2) == m.group(3) == "0", m.group(0)


ISO_FIRMWARE = {"seabios": dict(uefi=False, timeout=60), "ovmf": dict(uefi=True, timeout=180)}
ISO_NICS = {"virtio-net-pci": r"eth0: virtio-net modern", "e1000": r"eth0: e1000 82540EM",
            "e1000e": r"eth0: e1000 82574L"}


@pytest.mark.parametrize("nic", ISO_NICS)
@pytest.mark.parametrize("firmware", ISO_FIRMWARE)
def test_iso_static_entry_ping(boot, netns, firmware, nic):
    """The ISO as a machine would boot it, under SeaBIOS and OVMF, with each
    NIC model: GRUB's static entry (hotkey `s`, the menu's own mechanism, no
    second image), then ping.  The DHCP entry is test_iso_net's."""
    fw = ISO_FIRMWARE[firmware]
    g = boot(iso=True, uefi=fw["uefi"], net="tap", netns=netns, nic=nic)
    g.wait_for(r"executed automatically in", timeout=fw["timeout"], partial=True)
    g.send("s")
    g.wait_for(ISO_NICS[nic], timeout=60)
    g.wait_for(UP_LINE)
    sent, received, out = ping(netns, 50)
    assert (sent, received) == (50, 50), out


QBOOT_SLOT4 = {  # INTx devices in an even slot, where qboot's Interrupt Line is wrong
    "virtio-net-pci,vectors=0,addr=4": r"eth0: virtio-net",
    "e1000,addr=4": r"eth0: e1000 82540EM",
}


@pytest.mark.parametrize("nic", QBOOT_SLOT4)
def test_qboot_even_slot_intx(boot, netns, nic):
    """qboot writes Interrupt Line 10 for slot 4 pin A while the PIIX3 routes
    PIRQD there (IRQ 11): pci_fixup_intx takes the bridge's route, says so,
    and the NIC's interrupts arrive (ping)."""
    g = boot(append=TAP_IP_ARG, net="tap", netns=netns, nic=nic)
    g.wait_for(r"pci 00:04\.0: INTx pin A -> PIRQD -> IRQ 11 \(firmware's line was 10\)",
               anywhere=True)
    g.wait_for(QBOOT_SLOT4[nic])
    g.wait_for(UP_LINE)
    sent, received, out = ping(netns, 20)
    assert (sent, received) == (20, 20), out
