"""The framebuffer console (drivers/fb_console.c) on a UEFI machine: the ISO
under OVMF, where there is no text mode, GRUB hands over the GOP framebuffer
in the multiboot2 framebuffer tag and the kernel draws its log with the 8x16
font of drivers/fb_font.c.  The screen is read back with a QMP screendump
and decoded cell by cell against that same font table (exact bitmaps, as
the kernel draws them: no OCR), so the banner and the `net:` line must be
readable text on the screen.
"""
import os
import re

from conftest import BUILD, ROOT
from test_vga import Qmp

FONT_C = os.path.join(ROOT, "drivers", "fb_font.c")
W, H = 8, 16


def load_font():
    """bitmap (16 row bytes) -> character, from the generated C table."""
    glyphs = {}
    with open(FONT_C) as f:
        for m in re.finditer(r"\[0x([0-9a-f]{2})\] = \{ ([^}]*) \}", f.read()):
            rows = bytes(int(b, 16) for b in m.group(2).split(", "))
            glyphs.setdefault(rows, chr(0x20 + int(m.group(1), 16)))
    return glyphs


def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    magic, w, h, maxval, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(w), int(h), pixels


def decode_screen(path, cols, rows):
    """The text area as lines: each 8x16 cell looked up in the font."""
    glyphs = load_font()
    width, _, px = read_ppm(path)
    lines = []
    for r in range(rows):
        line = []
        for c in range(cols):
            bits = bytearray()
            for y in range(H):
                off = ((r * H + y) * width + c * W) * 3
                row = 0
                for x in range(W):
                    if px[off + x * 3 + 1] > 0x55:     # green: light grey is 0xaa
                        row |= 0x80 >> x
                bits.append(row)
            line.append(glyphs.get(bytes(bits), "\0"))
        lines.append("".join(line))
    return lines


def test_uefi_screen_shows_banner_and_net_line(boot, tmp_path):
    qmp_path = str(tmp_path / "qmp.sock")
    g = boot(iso=True, uefi=True,
             extra=("-netdev", "user,id=n0", "-device", "e1000,netdev=n0",
                    "-vga", "std", "-qmp", f"unix:{qmp_path},server=on,wait=off"))
    g.wait_for(r"executed automatically in", timeout=180, partial=True)
    g.send("s")
    m = g.wait_for(r"fb: (\d+)x(\d+) (?:24|32) bpp at 0x[0-9a-f]+, console (\d+)x(\d+)", timeout=60)
    cols, rows = int(m.group(3)), int(m.group(4))
    g.wait_for(r"net: eth0 10\.0\.0\.2/24 up")
    g.wait_for(r"httpd: listening on")     # the last line of the boot
    q, shot = Qmp(qmp_path), tmp_path / "screen.ppm"
    # Serial is written before the screen: read until two dumps agree, so
    # no line is caught half drawn.
    lines, previous = None, []
    while lines != previous:
        previous = lines
        q.cmd("screendump", filename=str(shot))
        width, height, _ = read_ppm(shot)
        assert (width, height) == (int(m.group(1)), int(m.group(2)))
        lines = decode_screen(shot, cols, rows)
    os.makedirs(os.path.join(BUILD, "logs"), exist_ok=True)
    os.replace(shot, os.path.join(BUILD, "logs", "fb_screen.ppm"))
    text = "\n".join(lines)
    assert "\0" not in text, text        # every cell is a glyph of the font
    assert re.search(r"unikernel \S+ x86_64, booted by multiboot2", text), text
    assert "net: eth0 10.0.0.2/24 up" in text, text
