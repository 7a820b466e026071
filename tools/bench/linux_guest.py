#!/usr/bin/python3
"""Build the Linux guest the benchmarks compare against, installing nothing.

    tools/bench/linux_guest.py [--app build/apps/echo] [--print]

1. `apt-get download` Debian's cloud kernel (the package that the
   linux-image-cloud-amd64 meta-package depends on, found with apt-cache) and
   busybox-static into build/linux/, and unpack both with `dpkg -x` under
   build/linux/root/.  Done once; later runs reuse the .debs.
2. Make an initramfs per app, build/linux/initramfs-<app>.cpio.gz (cpio newc,
   gzip, written here byte by byte, so no root and no cpio tool is needed and
   the output is reproducible): busybox with a symlink per applet, the
   virtio-net modules of that kernel in dependency order (read from each
   .ko's .modinfo "depends=", since the .deb ships no modules.dep), the app
   as /app, /dev/console, and an /init that loads the modules, configures
   eth0 10.0.0.2/24 (gateway 10.0.0.1), prints the same ready line as our
   kernel (`net: eth0 10.0.0.2/24 up`), runs `/app "$@"` (Linux hands init
   the words after `--` on its command line, as our kernel hands them to the
   app) and powers off when the app exits.

The guest boots with tools/qemu.py's qemu_argv() like ours: qboot, -kernel
vmlinuz -initrd initramfs -append 'console=ttyS0 ...'.  qboot boots a Linux
bzImage through fw_cfg (its linuxboot path), so both guests use the same
firmware; SeaBIOS works too but is ~100 ms slower under TCG.
"""
import argparse
import glob
import gzip
import io
import os
import re
import shlex
import stat
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINUX = os.path.join(ROOT, "build", "linux")
UNPACK = os.path.join(LINUX, "root")
GUEST, HOST = "10.0.0.2", "10.0.0.1"
# What virtio-net needs in Debian's cloud kernel (CONFIG_VIRTIO_NET=m etc.);
# the load order is computed from the modules' own dependency records.
WANTED_MODULES = ["virtio", "virtio_ring", "virtio_pci_modern_dev", "virtio_pci_legacy_dev",
                  "virtio_pci", "failover", "net_failover", "virtio_net"]
# Linux's own command-line options for the benchmark guest: serial console,
# quiet (what an appliance would run with; console output under TCG costs
# boot time), and no reboot loop on panic.
APPEND = "console=ttyS0 quiet panic=-1"

INIT = f"""#!/bin/sh
# /init of the benchmark's Linux guest (tools/bench/linux_guest.py).
export PATH=/bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for m in @MODULES@; do
    insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 1000 ]; do usleep 5000; i=$((i+1)); done
ip link set lo up
ip addr add {GUEST}/24 dev eth0
ip link set eth0 up
ip route add default via {HOST}
echo "net: eth0 {GUEST}/24 up"
/app "$@"
status=$?
echo "init: app exited with status $status"
poweroff -f
"""


def run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def kernel_package():
    """The versioned cloud kernel package the meta-package points at now."""
    for attempt in (1, 2):
        r = subprocess.run(["apt-cache", "depends", "linux-image-cloud-amd64"],
                           capture_output=True, text=True)
        m = re.search(r"Depends:\s*(linux-image-\S+-cloud-amd64)\b", r.stdout)
        if m or attempt == 2 or os.geteuid() != 0:
            break
        # A fresh machine may have no package lists yet.
        subprocess.run(["apt-get", "update", "-q"], capture_output=True)
    if not m:
        raise SystemExit("linux_guest: apt-cache knows no linux-image-cloud-amd64 "
                         "(run apt-get update)")
    return m.group(1)


def deb_field(deb, field):
    return run(["dpkg-deb", "-f", deb, field]).strip()


def fetch():
    """Download and unpack the kernel and busybox once; return info dict."""
    os.makedirs(LINUX, exist_ok=True)
    debs = {}
    for key, pattern in (("kernel", "linux-image-*-cloud-amd64_*.deb"),
                         ("busybox", "busybox-static_*.deb")):
        found = sorted(glob.glob(os.path.join(LINUX, pattern)))
        if not found:
            pkg = kernel_package() if key == "kernel" else "busybox-static"
            print(f"linux_guest: apt-get download {pkg}", file=sys.stderr)
            run(["apt-get", "download", pkg], cwd=LINUX)
            found = sorted(glob.glob(os.path.join(LINUX, pattern)))
        debs[key] = found[-1]
    stamp = os.path.join(UNPACK, ".unpacked")
    want = "\n".join(os.path.basename(d) for d in debs.values())
    if not os.path.exists(stamp) or open(stamp).read() != want:
        run(["rm", "-rf", UNPACK])
        os.makedirs(UNPACK)
        for d in debs.values():
            run(["dpkg", "-x", d, UNPACK])
        with open(stamp, "w") as f:
            f.write(want)
    vmlinuz = sorted(glob.glob(os.path.join(UNPACK, "boot", "vmlinuz-*")))[-1]
    release = os.path.basename(vmlinuz)[len("vmlinuz-"):]
    return {
        "vmlinuz": vmlinuz,
        "release": release,
        "kernel_package": f"{deb_field(debs['kernel'], 'Package')} "
                          f"{deb_field(debs['kernel'], 'Version')}",
        "busybox_package": f"busybox-static {deb_field(debs['busybox'], 'Version')}",
        "modules_dir": os.path.join(UNPACK, "lib", "modules", release),
    }


def modinfo_depends(ko):
    """The depends= list from a .ko's .modinfo section (NUL-separated)."""
    with open(ko, "rb") as f:
        data = f.read()
    m = re.search(rb"(?:^|\0)depends=([^\0]*)\0", data)
    return [d for d in (m.group(1).decode().split(",") if m else []) if d]


def module_order(modules_dir):
    """WANTED_MODULES plus their dependencies, dependencies first."""
    paths = {}
    for ko in glob.glob(os.path.join(modules_dir, "kernel", "**", "*.ko"), recursive=True):
        paths[os.path.basename(ko)[:-3].replace("-", "_")] = ko
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        if name not in paths:
            raise SystemExit(f"linux_guest: module {name} not in {modules_dir}")
        for dep in modinfo_depends(paths[name]):
            visit(dep.replace("-", "_"))
        order.append(name)

    for name in WANTED_MODULES:
        if name in paths:
            visit(name)
        else:
            print(f"linux_guest: {name}.ko absent (built in?), skipped", file=sys.stderr)
    return [(n, paths[n]) for n in order]


class Cpio:
    """A cpio "newc" archive, as the kernel's initramfs unpacker reads it."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name_b = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1],
                  len(name_b), 0]
        self.ino += 1
        hdr = b"070701" + b"".join(b"%08X" % v for v in fields)
        self.buf.write(hdr + name_b)
        self.buf.write(b"\0" * (-(len(hdr) + len(name_b)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name):
        self._entry(name, stat.S_IFDIR | 0o755)

    def file(self, name, data, mode=0o755):
        self._entry(name, stat.S_IFREG | mode, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor):
        self._entry(name, stat.S_IFCHR | 0o600, rdev=(major, minor))

    def finish(self):
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def build_initramfs(app, info, out=None):
    """Write build/linux/initramfs-<app name>.cpio.gz holding `app`; return its path."""
    name = os.path.basename(app)
    out = out or os.path.join(LINUX, f"initramfs-{name}.cpio.gz")
    busybox = os.path.join(UNPACK, "bin", "busybox")
    applets = sorted(set(run([busybox, "--list"]).split()) - {"busybox"})
    mods = module_order(info["modules_dir"])
    c = Cpio()
    for d in ("bin", "dev", "proc", "sys", "tmp", "lib", "lib/modules"):
        c.dir(d)
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3)
    with open(busybox, "rb") as f:
        c.file("bin/busybox", f.read())
    for a in applets:
        c.symlink(f"bin/{a}", "busybox")
    for mod, path in mods:
        with open(path, "rb") as f:
            c.file(f"lib/modules/{mod}.ko", f.read(), 0o644)
    c.file("init", INIT.replace("@MODULES@", " ".join(m for m, _ in mods)).encode())
    with open(app, "rb") as f:
        c.file("app", f.read())
    data = c.finish()
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0, filename="") as gz:
            gz.write(data)
    os.replace(tmp, out)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--app", default=os.path.join(ROOT, "build", "apps", "hello"),
                    help="static app binary to put in the initramfs as /app")
    ap.add_argument("--print", action="store_true",
                    help="print a QEMU command line that boots it (tap0)")
    a = ap.parse_args()
    info = fetch()
    out = build_initramfs(a.app, info)
    print(f"{info['kernel_package']}: {info['vmlinuz']}")
    print(f"modules: {' '.join(m for m, _ in module_order(info['modules_dir']))}")
    print(f"initramfs: {out} ({os.path.getsize(out)} bytes)")
    if a.print:
        sys.path.insert(0, os.path.join(ROOT, "tools"))
        import qemu
        print(shlex.join(qemu.qemu_argv(kernel=info["vmlinuz"], initrd=out, append=APPEND,
                                        net="tap", interactive=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
