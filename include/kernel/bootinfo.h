/*
 * What the boot loader told us, normalised from multiboot v1 (QEMU -kernel)
 * or multiboot2 (GRUB) into one struct owned by kernel/bootinfo.c.  Everything
 * is copied out of the loader's memory, so those pages can be reused.
 */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H

#include <kernel/types.h>

#define BOOT_CMDLINE_MAX   1024
#define BOOT_MMAP_MAX      64
#define BOOT_MODULES_MAX   8

enum mem_type { MEM_USABLE = 1, MEM_RESERVED = 2, MEM_ACPI = 3, MEM_NVS = 4, MEM_BAD = 5 };

struct mem_region {
    u64 base;           /* physical, bytes */
    u64 len;            /* bytes */
    u32 type;           /* enum mem_type (multiboot/e820 numbering) */
};

struct boot_module {
    u64 start, end;     /* physical [start, end) */
    char cmdline[128];
};

/* Multiboot2 §3.6.12 framebuffer info, kept only for direct RGB (type 1). */
struct boot_fb {
    u64 addr;                       /* physical */
    u32 pitch, width, height;       /* bytes per line; pixels */
    u8 bpp;
    u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct boot_info {
    const char *protocol;           /* "multiboot" or "multiboot2" */
    char loader[64];                /* boot loader name, "" if not given */
    char cmdline[BOOT_CMDLINE_MAX];
    struct mem_region mmap[BOOT_MMAP_MAX];
    unsigned nr_mmap;
    struct boot_module modules[BOOT_MODULES_MAX];
    unsigned nr_modules;
    u8 rsdp[36];                    /* a copy of the ACPI RSDP (v1: 20 bytes, v2: 36) */
    bool has_rsdp;
    struct boot_fb fb;
    bool has_fb;                    /* an RGB framebuffer (not EGA text, not indexed) */
};

/*
 * Parse the loader's information at physical `info` (reachable through the
 * early direct map) according to `magic`.  Returns 0, or -EINVAL for an
 * unknown magic (we were not started by a multiboot loader).
 */
int bootinfo_parse(u32 magic, u64 info, struct boot_info *out);
extern struct boot_info boot_info;

#endif
