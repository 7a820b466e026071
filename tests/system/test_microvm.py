"""QEMU's microvm with PCIe (`-M microvm,pcie=on`): no 0xCF8 ports, so PCI
works only through ECAM, found from ACPI (MCFG, or the host bridge's _CBA,
which is what QEMU's microvm tables give).  Its own qboot build
(bios-microvm.bin) loads the multiboot kernel and assigns no BARs.  Both
NICs with MSI-X: virtio-net-pci and e1000e (82574L).  INTx is not wired
for PCIe on microvm here (no Interrupt Line from the firmware).
"""
import pytest

from test_virtio import TAP_IP_ARG, UP_LINE, netns, ping  # noqa: F401 (fixture)

MICROVM = ("-M", "microvm,pcie=on", "-bios", "/usr/share/qemu/bios-microvm.bin")
NICS = {
    "virtio-net-pci": r"eth0: virtio-net modern 52:54:00:12:34:56",
    "e1000e": r"eth0: e1000 82574L 52:54:00:12:34:56, MSI-X",
}


@pytest.mark.parametrize("nic", NICS)
def test_microvm_ecam_ping(boot, netns, nic):
    # qemu_argv() says -M pc and qboot.rom; the later -M and -bios win.
    g = boot(append="debug " + TAP_IP_ARG, net="tap", netns=netns, nic=nic, extra=MICROVM)
    g.wait_for(r"pci: ECAM at 0xe0000000, buses 0-255")
    g.wait_for(r"pci 00:00\.0 1b36:0008 class 060000")      # the GPEX host bridge
    g.wait_for(NICS[nic])
    g.wait_for(UP_LINE)
    sent, received, out = ping(netns, 200)
    assert (sent, received) == (200, 200), out
