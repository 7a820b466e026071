"""build/unikernel.iso: a hybrid GRUB image that boots the kernel through
multiboot2 under SeaBIOS (QEMU's default BIOS) and OVMF (UEFI), and is
reproducible.  `make system` builds it before these run.
"""
import hashlib
import os
import re
import subprocess

import pytest

from conftest import BUILD, ISO, KERNEL, ROOT, qemu_status, scaled

BANNER = r"unikernel (?P<version>\S+) x86_64, booted by multiboot2 \(GRUB[^)]*\)"
POWER_ON = r"boot: \d+\.\d{6} s since power-on"
STATIC_IP = "ip=10.0.0.2::10.0.0.1:255.255.255.0"
# OVMF under TCG spends most of its time before GRUB starts.
FIRMWARE = {"seabios": dict(uefi=False, timeout=60), "ovmf": dict(uefi=True, timeout=180)}


@pytest.fixture(params=sorted(FIRMWARE))
def firmware(request):
    return request.param


def test_iso_is_hybrid_bios_and_uefi():
    with open(ISO, "rb") as f:
        head = f.read(1024)
    assert head[510:512] == b"\x55\xaa", "no MBR: cannot be dd'ed to a USB stick"
    assert head[512:520] == b"EFI PART", "no GPT header"
    report = subprocess.run(["xorriso", "-indev", ISO, "-report_el_torito", "plain"],
                            capture_output=True, text=True, check=True).stdout
    assert re.search(r"El Torito boot img :\s+\d+\s+BIOS\s+y", report), report
    assert re.search(r"El Torito boot img :\s+\d+\s+UEFI\s+y", report), report


def test_iso_boots(boot, firmware):
    fw = FIRMWARE[firmware]
    g = boot(iso=True, uefi=fw["uefi"])
    m = g.wait_for(BANNER, timeout=fw["timeout"])
    with open(os.path.join(BUILD, "version.txt")) as f:
        assert m.group("version") == f.read().strip()
    cmdline = g.wait_for(r"cmdline: (.*)$")
    assert STATIC_IP not in cmdline.group(1), "the default entry is DHCP (no ip=)"
    g.wait_for(POWER_ON)


def test_iso_static_entry(boot, firmware):
    """The second menu entry (hotkey `s`) passes the static address."""
    fw = FIRMWARE[firmware]
    g = boot(iso=True, uefi=fw["uefi"])
    g.wait_for(r"executed automatically in", timeout=fw["timeout"], partial=True)
    g.send("s")
    g.wait_for(BANNER, timeout=60)
    m = g.wait_for(r"cmdline: (.*)$")
    assert STATIC_IP in m.group(1).split(), m.group(0)
    g.wait_for(POWER_ON)


def test_iso_module2_app(boot, firmware):
    """The third entry (hotkey `h`) boots apps/hello as a GRUB module2: the
    module's own command line gives argv[0], the words after `--` the rest,
    and the app's exit status becomes the VM's."""
    fw = FIRMWARE[firmware]
    g = boot(iso=True, uefi=fw["uefi"])
    g.wait_for(r"executed automatically in", timeout=fw["timeout"], partial=True)
    g.send("h")
    g.wait_for(BANNER, timeout=60)
    g.wait_for(r"^argv\[0\]=hello$")
    g.wait_for(r"^argv\[1\]=42$")
    assert g.wait_exit(timeout=60) == qemu_status(42)


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_build_is_reproducible(tmp_path):
    """A second build from scratch gives byte-identical kernel.elf and ISO."""
    other = tmp_path / "build"
    subprocess.run(["make", "--no-print-directory", "-j2", f"BUILD={other}", "iso"],
                   cwd=ROOT, check=True, capture_output=True, timeout=scaled(900))
    assert _sha256(other / "kernel.elf") == _sha256(KERNEL), "kernel.elf differs"
    assert _sha256(other / "unikernel.iso") == _sha256(ISO), "unikernel.iso differs"
