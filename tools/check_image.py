#!/usr/bin/python3
"""Check that build/kernel.elf boots both ways (called by the Makefile).

multiboot v1 (QEMU -kernel): a valid header in the first 8 KiB, and with the
a.out kludge every loadable byte must sit in the file at the same distance
from the header as in physical memory.  multiboot2 (GRUB): a valid header in
the first 32 KiB.
"""
import struct
import sys

MB1, MB2 = 0x1BADB002, 0xE85250D6


def fail(msg):
    print(f"check_image: {sys.argv[1]}: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    data = open(sys.argv[1], "rb").read()
    mb1 = next((o for o in range(0, min(8192, len(data)) - 32, 4)
                if struct.unpack_from("<I", data, o)[0] == MB1), None)
    if mb1 is None:
        fail("no multiboot v1 header in the first 8 KiB")
    magic, flags, csum, hdr, load, load_end, bss_end, entry = struct.unpack_from("<8I", data, mb1)
    if (magic + flags + csum) & 0xffffffff:
        fail("multiboot v1 checksum")
    mb2 = next((o for o in range(0, min(32768, len(data)) - 16, 8)
                if struct.unpack_from("<I", data, o)[0] == MB2), None)
    if mb2 is None or sum(struct.unpack_from("<4I", data, mb2)) & 0xffffffff:
        fail("no valid multiboot2 header in the first 32 KiB")
    file_base = mb1 - (hdr - load)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz, p_memsz, _ = \
            struct.unpack_from("<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type != 1 or p_filesz == 0:
            continue
        if p_offset - file_base != p_paddr - load:
            fail(f"segment {i} at file offset {p_offset:#x} breaks the a.out kludge layout")
        if p_paddr + p_filesz > load_end:
            fail(f"segment {i} ends past load_end_addr")
    if not (load <= entry < load_end and bss_end >= load_end):
        fail("entry or bss outside the image")


if __name__ == "__main__":
    main()
