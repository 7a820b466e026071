"""The VGA text console: booted from the ISO under SeaBIOS, GRUB leaves
80x25 text mode and the kernel writes its log to the screen as well as to
COM1.  The screen is read back through QMP: the text window's memory
(pmemsave of 0xb8000, character and attribute bytes) must hold the banner
and the `net:` line, and a screendump must be a 720x400 text-mode image.
"""
import json
import os
import socket
import time

from conftest import BUILD, scaled

BANNER = "unikernel "



class Qmp:
    """Minimal QMP client over a unix socket (QEMU waits for us: server=on)."""

    def __init__(self, path, timeout=60):
        deadline = time.monotonic() + scaled(timeout)
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)    # polling for QEMU to create the socket, not a timed wait
        self.f = self.sock.makefile("rw")
        json.loads(self.f.readline())            # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r or "error" in r:
                assert "error" not in r, r
                return r["return"]


def test_screen_shows_banner_and_net_line(boot, tmp_path):
    qmp_path = str(tmp_path / "qmp.sock")
    # User networking without host forwards (their ports may be taken by a parallel test).
    g = boot(iso=True, extra=("-netdev", "user,id=n0", "-device", "e1000,netdev=n0",
                              "-vga", "std", "-qmp", f"unix:{qmp_path},server=on,wait=off"))
    g.wait_for(r"executed automatically in", timeout=60, partial=True)
    g.send("s")
    g.wait_for(r"unikernel \S+ x86_64")
    # The static entry's address is for the tap tests; without a tap it is only printed.
    g.wait_for(r"net: eth0 10\.0\.0\.2/24 up")
    q = Qmp(qmp_path)
    vram = tmp_path / "vram.bin"
    q.cmd("pmemsave", val=0xb8000, size=32768, filename=str(vram))
    text = vram.read_bytes()[0::2].decode("ascii", errors="replace")
    assert BANNER in text, text[:400]
    assert "net: eth0 10.0.0.2/24 up" in text
    shot = tmp_path / "screen.ppm"
    q.cmd("screendump", filename=str(shot))
    with open(shot, "rb") as f:
        header = f.read(15).split()
    assert header[:3] == [b"P6", b"720", b"400"], header
    os.makedirs(os.path.join(BUILD, "logs"), exist_ok=True)
    os.replace(shot, os.path.join(BUILD, "logs", "vga_screen.ppm"))
