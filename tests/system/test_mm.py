"""Memory management on the real machine: the `ktest=mm` self-test (page
exhaustion and return, heap round trip, page-table permissions, ioremap),
`mem=` (including a limit that leaves nothing usable: a clear message and a
failure exit, not a triple fault; mem=1M runs on the RAM below 640 KiB), and
the managed-memory figures against the memory map at -m 128 and -m 512.
"""
import re

import pytest

from conftest import qemu_status

PANIC_EXIT_STATUS = 0x7f    # include/kernel/panic.h
MANAGED = r"mm: (?P<managed>\d+) KiB managed of (?P<usable>\d+) KiB usable"
DIRECT_MAP = r"mm: direct map \[0, (?P<end>0x[0-9a-f]+)\)"
MAP_SUMMARY = r"mem: (?P<usable>\d+) KiB usable in the map"
REGION = re.compile(r"mem: \[(0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable$", re.M)
SZ_2M = 2 << 20


def test_ktest_mm(boot):
    g = boot(append="ktest=mm")
    g.wait_for(r"ktest: mm: start", timeout=30)
    pages = int(g.wait_for(r"mm: allocated (\d+) pages until exhaustion").group(1))
    assert pages > (100 << 20) >> 12, "fewer pages than -m 128 should give"
    g.wait_for(r"ktest: mm: (PASS|FAIL)")
    for fact in ("lower half empty", "text read-only and executable",
                 "rodata read-only, no-execute", "data and bss writable, no-execute",
                 "every managed page allocatable", "free bytes back to baseline",
                 "heap bytes back to baseline", "pages back after heap use",
                 "ioremap alias reads back", "ioremap mapping uncached"):
        assert re.search(rf"mm: {re.escape(fact)}: yes$", g.output, re.M), fact
    assert "ktest: mm: PASS" in g.output
    assert g.wait_exit() == qemu_status(0)


def test_no_usable_memory(boot):
    # Only the first 64 KiB stay reserved: mem=64K leaves nothing to manage.
    g = boot(append="mem=64K")
    g.wait_for(r"mm: no usable memory outside the kernel image; cannot continue", timeout=30)
    status = g.wait_exit()
    assert status == qemu_status(PANIC_EXIT_STATUS), f"exit {status}: not the orderly poweroff"


@pytest.mark.parametrize("memory", [128, 512])
def test_managed_memory(boot, memory):
    g = boot(memory=memory)
    m = g.wait_for(MANAGED, timeout=30)
    managed, usable = int(m.group("managed")), int(m.group("usable"))
    end = int(g.wait_for(DIRECT_MAP).group("end"), 16)
    map_usable = int(g.wait_for(MAP_SUMMARY).group("usable"))
    # mm counts whole pages of the map's usable regions.
    assert map_usable - 8 <= usable <= map_usable
    # Held back: the first 64 KiB, the kernel image, per-page metadata (9 bytes
    # a page, ~0.22 %) and the page tables; everything else is managed.
    assert managed <= usable
    assert usable - managed <= 64 + 1024 + usable // 200, \
        f"only {managed} of {usable} KiB managed at -m {memory}"
    top = max(int(b, 16) + 1 for _, b in REGION.findall(g.output))
    assert end == (top + SZ_2M - 1) // SZ_2M * SZ_2M


def test_low_memory_is_managed(boot):
    # mem=1M: only the RAM below 640 KiB (less the first 64 KiB) is left, and
    # the kernel and httpd run in it.
    g = boot(append="mem=1M")
    m = g.wait_for(MANAGED + r" \(mem= limit\)", timeout=30)
    assert int(m.group("managed")) >= 500
    g.wait_for(r"^httpd: listening on ", timeout=60)


def test_mem_limit(boot):
    g = boot(append="mem=64M")
    m = g.wait_for(MANAGED + r" \(mem= limit\)", timeout=30)
    assert 60 << 10 <= int(m.group("managed")) <= int(m.group("usable")) <= 64 << 10
    assert int(g.wait_for(DIRECT_MAP).group("end"), 16) == 64 << 20


def test_mem_malformed_is_ignored(boot):
    g = boot(append="mem=12Q")
    g.wait_for(r"cmdline: ignoring 'mem=12Q'", timeout=30)
    m = g.wait_for(MANAGED)
    assert "(mem= limit)" not in g.output[m.start():].splitlines()[0]
    assert int(m.group("managed")) > 120 << 10
