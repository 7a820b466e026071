#!/usr/bin/python3
"""Build and run the QEMU command line: the one place QEMU flags live.

`make run`, `make debug`, the system tests and the benchmarks all use
qemu_argv(), so what a test boots is what a user boots.
"""
import argparse
import os
import shlex
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QBOOT = "/usr/share/qemu/qboot.rom"
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"


def detect_accel(requested="auto"):
    """KVM only where it runs guests at hardware speed; TCG otherwise.

    Our build and CI machines expose /dev/kvm through the paravirtual PVM
    backend (/sys/module/kvm_pvm), which emulates ordinary guests instruction
    by instruction (hundreds of times slower than TCG): treat it as absent.
    """
    if requested in ("kvm", "tcg"):
        return requested
    if os.path.exists("/sys/module/kvm_pvm"):
        return "tcg"
    if os.access("/dev/kvm", os.R_OK | os.W_OK):
        return "kvm"
    return "tcg"


def qemu_argv(kernel=None, iso=None, uefi=False, accel="auto", net="none",
              tap="tap0", nic="virtio-net-pci", mac=None, pcap=None, append="",
              initrd=None, memory=128, gdb=False, interactive=False,
              extra=(), uefi_vars=None, machine="pc", dgram=None):
    """Return the argv list for one VM.

    kernel: direct boot through qboot (multiboot); iso: boot the GRUB image
    under SeaBIOS, or OVMF when uefi is set (uefi_vars: a writable copy of
    the OVMF variable store).  net: "user" (host 8080 -> guest 80), "tap"
    (an existing tap device named `tap`), "dgram" (frames as UDP datagrams
    between 127.0.0.1 ports dgram=(qemu_port, peer_port), for tools/wire),
    or "none".  machine: "pc" (i440FX),
    "q35", or e.g. "microvm,pcie=on".
    """
    accel = detect_accel(accel)
    argv = ["qemu-system-x86_64", "-M", machine, "-m", str(memory), "-smp", "1",
            "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=4"]
    argv += ["-accel", "kvm", "-cpu", "host"] if accel == "kvm" else ["-accel", "tcg", "-cpu", "max"]
    if kernel:
        argv += ["-bios", QBOOT, "-kernel", kernel]
        if append:
            argv += ["-append", append]
        if initrd:
            argv += ["-initrd", initrd]
    elif iso:
        if uefi:
            argv += ["-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                     "-drive", f"if=pflash,format=raw,unit=1,file={uefi_vars}"]
        argv += ["-cdrom", iso, "-boot", "d"]
    if interactive:
        argv += ["-nographic"]
    else:
        argv += ["-display", "none", "-monitor", "none", "-serial", "stdio"]
    if net != "none":
        if net == "user":
            argv += ["-netdev", "user,id=n0,hostfwd=tcp::8080-:80,hostfwd=udp::8007-:7"]
        elif net == "tap":
            argv += ["-netdev", f"tap,id=n0,ifname={tap},script=no,downscript=no"]
        elif net == "dgram":
            argv += ["-netdev", f"dgram,id=n0,local.type=inet,local.host=127.0.0.1,"
                     f"local.port={dgram[0]},remote.type=inet,remote.host=127.0.0.1,"
                     f"remote.port={dgram[1]}"]
        else:
            raise ValueError(f"unknown net mode {net!r}")
        dev = f"{nic},netdev=n0" + (f",mac={mac}" if mac else "")
        argv += ["-device", dev]
        if pcap:
            argv += ["-object", f"filter-dump,id=dump0,netdev=n0,file={pcap}"]
    else:
        argv += ["-nic", "none"]
    if gdb:
        # Halted at the first instruction, gdb stub on TCP `gdb` (True: 1234).
        argv += ["-gdb", f"tcp:127.0.0.1:{1234 if gdb is True else int(gdb)}", "-S"]
    argv += list(extra)
    return argv


def gdb_argv(kernel, port=1234, commands=("hbreak kernel_main", "continue")):
    """The gdb command that attaches to a `--gdb` QEMU with the kernel's symbols.

    A hardware breakpoint, because the kernel is not yet mapped at its
    link address when QEMU starts (a software one would be written into
    memory that the boot code's page tables only map later).
    """
    argv = ["gdb", "-q", kernel, "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        argv += ["-ex", c]
    return argv


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build/kernel.elf"))
    ap.add_argument("--iso")
    ap.add_argument("--uefi", action="store_true")
    ap.add_argument("--accel", default=os.environ.get("ACCEL", "auto"))
    ap.add_argument("--net", default="user", choices=["user", "tap", "none"])
    ap.add_argument("--tap", default="tap0")
    ap.add_argument("--pcap")
    ap.add_argument("--append", default="")
    ap.add_argument("--initrd")
    ap.add_argument("--memory", type=int, default=128)
    ap.add_argument("--gdb", nargs="?", const=1234, type=int, metavar="PORT",
                    help="start halted with a gdb stub on PORT (default 1234)")
    ap.add_argument("--print", action="store_true", help="print the command, do not run it")
    a = ap.parse_args()
    uefi_vars = None
    if a.iso and a.uefi:
        uefi_vars = os.path.join(ROOT, "build/OVMF_VARS.fd")
        if not os.path.exists(uefi_vars):
            with open(OVMF_VARS, "rb") as src, open(uefi_vars, "wb") as dst:
                dst.write(src.read())
    argv = qemu_argv(kernel=None if a.iso else a.kernel, iso=a.iso, uefi=a.uefi,
                     accel=a.accel, net=a.net, tap=a.tap, pcap=a.pcap, append=a.append,
                     initrd=a.initrd, memory=a.memory, gdb=a.gdb, interactive=True,
                     uefi_vars=uefi_vars)
    if a.print:
        print(shlex.join(argv))
        return 0
    print(f"qemu: accelerator {detect_accel(a.accel)}; Ctrl-A X quits", file=sys.stderr)
    if a.net == "user":
        print("qemu: guest port 80 is at http://localhost:8080/", file=sys.stderr)
    if a.gdb:
        print("qemu: halted; attach from another terminal with:\n  " +
              shlex.join(gdb_argv(a.kernel, a.gdb)), file=sys.stderr)
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    sys.exit(main())
