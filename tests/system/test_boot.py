"""Direct boot (`qemu -kernel`, qboot, multiboot v1): the banner, the memory
map, the time since power-on, and how the command line treats bad words.

The `mem=` cases live in test_mm.py, faults in test_fault.py.
"""
import os
import re
import socket
import subprocess

import pytest

from conftest import BUILD, KERNEL, ROOT, qemu, qemu_status, scaled

BANNER = r"^\[ *\d+\.\d+\] unikernel (?P<version>\S+) x86_64, booted by (?P<proto>\S+)"
POWER_ON = r"boot: (?P<s>\d+)\.(?P<us>\d{6}) s since power-on"
REGION = re.compile(r"mem: \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\] (.+)$", re.M)
SUMMARY = r"mem: (?P<usable>\d+) KiB usable in the map"


def test_banner(boot):
    g = boot()
    m = g.wait_for(BANNER, timeout=30)
    assert m.group("proto") == "multiboot"
    # The version is the one the Makefile stamped into this build.
    with open(os.path.join(BUILD, "version.txt")) as f:
        assert m.group("version") == f.read().strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+-[0-9a-z]+", m.group("version"))
    g.wait_for(POWER_ON)
    assert len(re.findall(BANNER, g.output, re.M)) == 1, "banner printed more than once"


@pytest.mark.parametrize("memory", [128, 512])
def test_memory_map(boot, memory):
    g = boot(memory=memory)
    g.wait_for(BANNER, timeout=30)
    summary = g.wait_for(SUMMARY)
    regions = [(int(a, 16), int(b, 16), kind) for a, b, kind in REGION.findall(g.output)]
    assert regions, "no memory map lines"
    for a, b, _ in regions:
        assert a <= b, f"region [{a:#x}-{b:#x}] ends before it starts"
    ordered = sorted(regions)
    for (a1, b1, _), (a2, _, _) in zip(ordered, ordered[1:]):
        assert b1 < a2, f"regions overlap at {a2:#x}"
    usable = [(a, b) for a, b, kind in regions if kind == "usable"]
    # The kernel is loaded at 1 MiB: that must be usable RAM.
    assert any(a <= 0x100000 <= b for a, b in usable), "no usable RAM at 1 MiB"
    total_kib = sum(b - a + 1 for a, b in usable) >> 10
    assert int(summary.group("usable")) == total_kib, "summary disagrees with the regions"
    ram_kib = memory << 10
    # Firmware keeps the 640K-1M hole and a few pages; everything else is ours.
    assert ram_kib - 2048 <= total_kib <= ram_kib, \
        f"{total_kib} KiB usable for -m {memory} ({ram_kib} KiB)"
    assert max(b for _, b in usable) < memory << 20, "usable RAM beyond what QEMU was given"


def test_time_since_power_on(boot):
    g = boot()
    m = g.wait_for(POWER_ON, timeout=30)
    secs = int(m.group("s")) + int(m.group("us")) / 1e6
    # Firmware plus our boot takes a few ms even under TCG; 0 means no clock.
    assert 0 < secs < 30, f"implausible time since power-on: {secs} s"


def test_bad_cmdline_words_reported_and_ignored(boot):
    g = boot(append="bogus=1 loglevel=x quiet=3 -- bogus=2 --loglevel=y app-arg")
    g.wait_for(BANNER, timeout=30)
    bogus = g.wait_for(r"^.*cmdline:.*'bogus=1'.*$")
    assert re.search(r"unknown", bogus.group(0))
    for word in ("loglevel=x", "quiet=3"):
        m = g.wait_for(r"^.*cmdline:.*'%s'.*$" % re.escape(word), anywhere=True)
        assert re.search(r"malformed|invalid", m.group(0)), m.group(0)
    g.wait_for(POWER_ON)                     # boot went on regardless
    # Words after `--` belong to the app: never reported.
    reports = re.findall(r"^.*cmdline: ignoring.*$", g.output, re.M)
    assert len(reports) == 3, reports
    for word in ("bogus=2", "--loglevel=y", "app-arg", "'--'"):
        assert not any(word in r for r in reports), reports
    # loglevel=x was ignored, so the default level still prints info lines.
    assert re.search(r"^.*mem: .* usable", g.output, re.M)


def test_unknown_ktest_fails(boot):
    g = boot(append="ktest=nosuch")
    status = g.wait_exit(timeout=30)
    assert status != 0 and status != qemu_status(0), f"QEMU exited with {status}"
    assert status & 1, "expected an isa-debug-exit status, not a QEMU error"
    assert re.search(r"ktest.*'?nosuch'?", g.output)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdb_breaks_at_kernel_main(boot):
    """`make debug`'s recipe: QEMU halted with a gdb stub, and the printed
    gdb command attaches with symbols and stops at kernel_main."""
    port = _free_port()
    g = boot(gdb=port)
    argv = qemu.gdb_argv(KERNEL, port, commands=(
        "hbreak kernel_main", "continue", "bt 1", "info registers rip"))
    out = subprocess.run(["gdb", "-batch"] + argv[1:], capture_output=True, text=True,
                         timeout=scaled(60)).stdout
    # gcc names the file kernel/main.c, clang ./kernel/main.c; clang's
    # breakpoint sits after the prologue (kernel_main+N).
    assert re.search(r"Breakpoint 1, kernel_main \(magic=\d+, info=\d+\) at "
                     r"(\./)?kernel/main\.c:\d+", out), out
    assert re.search(r"rip\s+0x([0-9a-f]+)\s+0x\1 <kernel_main(\+\d+)?>", out), out
    g.wait_for(BANNER, timeout=30)   # gdb -batch detaches and the boot goes on


def test_make_run(spawn):
    """`make run` as a newcomer types it: the banner on the terminal, a DHCP
    lease from QEMU's user network, httpd listening, the page served through
    host port 8080 (curl, as the README says), and Ctrl-A X quits QEMU."""
    g = spawn(["make", "--no-print-directory", "-C", ROOT, "run"])
    g.wait_for(r"qemu: accelerator (tcg|kvm)", timeout=120, partial=True)
    g.wait_for(BANNER, timeout=60)
    g.wait_for(r"net: eth0 10\.0\.2\.15/24 up", timeout=60)
    g.wait_for(r"httpd: listening on 0\.0\.0\.0:80", timeout=60)
    page = subprocess.run(["curl", "-sS", "-i", "-m", str(int(scaled(30))),
                           "http://localhost:8080/"], capture_output=True, text=True)
    assert page.stdout.startswith("HTTP/1.1 200 OK"), page.stdout[:300] + page.stderr
    assert "The path your request took" in page.stdout
    g.send("\x01x")
    assert g.wait_exit(timeout=30) == 0
