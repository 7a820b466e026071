"""Exceptions, the exception table, interrupts and ACPI poweroff, through the
ktest self-tests in kernel/arch/fault_test.c.

A kernel fault must print the vector, error code, RIP, CR2, CR3, every
register and a backtrace, then power off with PANIC_EXIT_STATUS; a fault
covered by the exception table must resume at its fixup instead.
"""
import os
import re

import pytest

from conftest import LOGS, ROOT, KERNEL, Guest, qemu, qemu_status

with open(os.path.join(ROOT, "include/kernel/panic.h")) as _f:
    PANIC_EXIT_STATUS = int(re.search(r"#define PANIC_EXIT_STATUS\s+(0x[0-9a-fA-F]+|\d+)",
                                      _f.read()).group(1), 0)

HEX16 = r"([0-9a-f]{16})"
REGS = ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP",
        "R08", "R09", "R10", "R11", "R12", "R13", "R14", "R15"]


def assert_dump(g, vector_name, vector):
    g.wait_for(rf"trap: {vector_name} .*\(vector {vector}\) in kernel mode, "
               r"error code 0x[0-9a-f]+")
    rip = g.wait_for(rf"RIP: 0008:{HEX16}")
    # RIP points into the kernel image (linked at KERNEL_VMA 0xffffffff80000000).
    assert int(rip.group(1), 16) >= 0xffffffff80000000
    g.wait_for(rf"RSP: 0010:{HEX16}")
    for reg in REGS:
        g.wait_for(rf"{reg}: {HEX16}", anywhere=True)
    cr = g.wait_for(rf"CR0: {HEX16} CR2: {HEX16} CR3: {HEX16}")
    g.wait_for(r"Call trace:")
    g.wait_for(r"\[<ffffffff8[0-9a-f]{7}>\]")
    assert g.wait_exit() == qemu_status(PANIC_EXIT_STATUS)
    return int(cr.group(2), 16)


def test_page_fault_dump(boot):
    g = boot(append="ktest=fault")
    addr = int(g.wait_for(r"ktest: fault: writing to (0x[0-9a-f]+)", timeout=30).group(1), 16)
    assert assert_dump(g, "#PF", 14) == addr, "CR2 is not the address written"
    g.wait_for(r"#PF: not-present page on write access in kernel mode", anywhere=True)


def test_invalid_opcode_dump(boot):
    g = boot(append="ktest=fault_ud")
    g.wait_for(r"ktest: fault_ud: executing ud2", timeout=30)
    assert_dump(g, "#UD", 6)


def test_extable_fixup(boot):
    g = boot(append="ktest=extable")
    g.wait_for(r"ktest: extable: #PF probe returned -14", timeout=30)
    g.wait_for(r"ktest: extable: #GP probe returned -14")
    g.wait_for(r"ktest: extable: mapped probe returned 0, value 0x123456789abcdef")
    g.wait_for(r"ktest: extable: PASS")
    assert g.wait_exit() == qemu_status(0)
    assert "trap:" not in g.output


def test_serial_input_interrupt(boot):
    """A byte typed on COM1 arrives through IOAPIC GSI 4; key 'i' lists the counts."""
    g = boot()
    g.wait_for(r"irq: ttyS0: IRQ 4 -> GSI 4 \(edge, active high\) -> vector (\d+)", timeout=30)
    g.wait_for(r"boot: \d+\.\d+ s since power-on")
    g.send("i")
    g.wait_for(r"irq: +\d+ +[1-9]\d* ttyS0$", timeout=30)


def test_acpi_reboot(boot):
    """ktest=reboot: the FADT reset register (or 0xCF9) resets; -no-reboot makes QEMU exit 0."""
    g = boot(append="ktest=reboot")
    g.wait_for(r"acpi: resetting", timeout=30)
    assert g.wait_exit() == 0
    assert "reset failed" not in g.output


@pytest.mark.parametrize("machine", ["pc", "q35"])
def test_acpi_poweroff(machine, request):
    """Without isa-debug-exit, poweroff() must reach ACPI S5 and QEMU exits by itself."""
    argv = qemu.qemu_argv(kernel=KERNEL, append="ktest=extable",
                          extra=("-machine", f"type={machine}"))
    i = argv.index("isa-debug-exit,iobase=0xf4,iosize=4")
    del argv[i - 1:i + 1]
    g = Guest(argv, log_path=os.path.join(LOGS, f"test_acpi_poweroff_{machine}.log"))
    try:
        g.wait_for(r"acpi: DSDT ", timeout=30)
        g.wait_for(r"acpi: entering S5 \(SLP_TYPa \d, SLP_TYPb \d\)")
        assert g.wait_exit(timeout=30) == 0
    finally:
        g.kill()
