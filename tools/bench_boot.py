#!/usr/bin/python3
"""Boot-time benchmark: `make bench-boot` or tools/bench_boot.py [--runs N]
[--kernel IMAGE] (another build's image, to compare before and after).

For each accelerator (TCG always; KVM only where tools/qemu.py's
detect_accel would pick it, i.e. not on a PVM backend) and each way of
booting, it starts QEMU N times and reports medians of:
  host→banner   host clock from starting QEMU to the banner line on the console
  host→ready    host clock from starting QEMU to the "since power-on" line
  guest         the in-guest time printed on that line (the kernel's clock,
                counted from power-on), i.e. what the guest itself measured
Runs are sequential, and nothing sleeps: each run ends on the console line.
"""
import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
sys.path.insert(0, os.path.join(ROOT, "tests", "system"))
import qemu  # noqa: E402
from conftest import Guest  # noqa: E402  (the system tests' console reader)

BANNER = r"unikernel \S+ x86_64, booted by"
POWER_ON = r"boot: (\d+\.\d+) s since power-on"
MODES = {
    "direct": "-kernel, qboot",
    "iso-bios": "GRUB ISO, SeaBIOS",
    "iso-uefi": "GRUB ISO, OVMF",
}


def one_run(accel, mode, tmp, kernel):
    kw = dict(accel=accel, memory=128, net="none")
    if mode == "direct":
        kw["kernel"] = kernel
    else:
        kw["iso"] = os.path.join(ROOT, "build/unikernel.iso")
        if mode == "iso-uefi":
            kw["uefi"] = True
            kw["uefi_vars"] = os.path.join(tmp, "vars.fd")
            shutil.copyfile(qemu.OVMF_VARS, kw["uefi_vars"])
    g = Guest(qemu.qemu_argv(**kw))
    try:
        g.wait_for(BANNER, timeout=300)
        t_banner = time.monotonic() - g.start_time
        m = g.wait_for(POWER_ON, timeout=60)
        t_ready = time.monotonic() - g.start_time
        return t_banner, t_ready, float(m.group(1))
    finally:
        g.kill()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--modes", default="direct",
                    help="comma-separated: " + ", ".join(MODES) + " (default: direct)")
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build/kernel.elf"),
                    help="the image the direct boots use (default: build/kernel.elf)")
    ap.add_argument("--accel", default="auto",
                    help="auto: tcg, plus kvm where detect_accel picks it; or tcg|kvm")
    a = ap.parse_args()
    accels = ["tcg"] + (["kvm"] if qemu.detect_accel("auto") == "kvm" else []) \
        if a.accel == "auto" else [a.accel]
    if a.accel == "auto" and "kvm" not in accels:
        why = "PVM backend (/sys/module/kvm_pvm)" if os.path.exists("/sys/module/kvm_pvm") \
            else "/dev/kvm not usable"
        print(f"kvm: skipped ({why})")
    print(f"median of {a.runs} runs, milliseconds; qemu {qemu_version()}")
    print(f"{'accel':5} {'boot':20} {'host→banner':>12} {'host→ready':>11} {'guest':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        for accel in accels:
            for mode in a.modes.split(","):
                runs = [one_run(accel, mode, tmp, a.kernel) for _ in range(a.runs)]
                med = [statistics.median(r[i] for r in runs) * 1000 for i in range(3)]
                print(f"{accel:5} {MODES[mode]:20} {med[0]:12.1f} {med[1]:11.1f} {med[2]:8.1f}",
                      flush=True)
    return 0


def qemu_version():
    import subprocess
    out = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True)
    m = re.search(r"version (\S+)", out.stdout)
    return m.group(1) if m else "?"


if __name__ == "__main__":
    sys.exit(main())
