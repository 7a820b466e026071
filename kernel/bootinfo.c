/*
 * Boot information: multiboot v1 (Multiboot 0.6.96 §3.3) or multiboot2
 * (Multiboot2 §3.6) -> struct boot_info.  The loader's structures are read
 * through the early direct map and copied, with every length bounded, so a
 * malformed table cannot make us read far outside it.  Without an RSDP tag
 * (multiboot v1), the RSDP is searched for in the BIOS areas (ACPI 6.4 §5.2.5.1).
 */
#include <kernel/bootinfo.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/string.h>

#define MB1_BOOT_MAGIC  0x2BADB002
#define MB2_BOOT_MAGIC  0x36d76289
#define MB2_INFO_MAX    (64 * 1024)     /* sanity bound on total_size */

struct boot_info boot_info;

static void copy_str(char *dst, size_t size, u64 phys)
{
    const char *s = phys_to_virt(phys);
    size_t n = strnlen(s, size - 1);

    memcpy(dst, s, n);
    dst[n] = '\0';
}

static void add_region(struct boot_info *bi, u64 base, u64 len, u32 type)
{
    if (bi->nr_mmap < BOOT_MMAP_MAX && len)
        bi->mmap[bi->nr_mmap++] = (struct mem_region){ base, len, type };
}

static void add_module(struct boot_info *bi, u64 start, u64 end, u64 str)
{
    struct boot_module *m;

    if (bi->nr_modules >= BOOT_MODULES_MAX || end < start)
        return;
    m = &bi->modules[bi->nr_modules++];
    m->start = start;
    m->end = end;
    m->cmdline[0] = '\0';
    if (str)
        copy_str(m->cmdline, sizeof(m->cmdline), str);
}

struct mb1_info {
    u32 flags, mem_lower, mem_upper, boot_device, cmdline, mods_count, mods_addr;
    u32 syms[4];
    u32 mmap_length, mmap_addr, drives_length, drives_addr, config_table;
    u32 boot_loader_name;
} __packed;

static void parse_mb1(const struct mb1_info *mi, struct boot_info *bi)
{
    bi->protocol = "multiboot";
    if (mi->flags & (1 << 2))
        copy_str(bi->cmdline, sizeof(bi->cmdline), mi->cmdline);
    if (mi->flags & (1 << 9))
        copy_str(bi->loader, sizeof(bi->loader), mi->boot_loader_name);
    if (mi->flags & (1 << 3)) {
        const u32 *mod = phys_to_virt(mi->mods_addr);
        for (u32 i = 0; i < mi->mods_count && i < BOOT_MODULES_MAX; i++, mod += 4)
            add_module(bi, mod[0], mod[1], mod[2]);
    }
    if (mi->flags & (1 << 6)) {
        u64 p = mi->mmap_addr, end = p + mi->mmap_length;
        while (p + 24 <= end) {
            const u8 *e = phys_to_virt(p);
            u32 size;
            u64 base, len;
            u32 type;
            memcpy(&size, e, 4);
            memcpy(&base, e + 4, 8);
            memcpy(&len, e + 12, 8);
            memcpy(&type, e + 20, 4);
            add_region(bi, base, len, type);
            if (size < 20)
                break;
            p += size + 4;
        }
    } else if (mi->flags & (1 << 0)) {
        /* Only mem_lower/mem_upper (KiB): conventional memory and RAM above 1 MiB. */
        add_region(bi, 0, (u64)mi->mem_lower * 1024, MEM_USABLE);
        add_region(bi, 0x100000, (u64)mi->mem_upper * 1024, MEM_USABLE);
    }
}

/* §3.6.12: addr u64, pitch, width, height u32, bpp u8, type u8, reserved, colour info. */
static void parse_mb2_fb(const u8 *t, u32 size, struct boot_info *bi)
{
    struct boot_fb *fb = &bi->fb;

    if (size < 38 || t[29] != 1)        /* 1: direct RGB; 0 indexed, 2 EGA text */
        return;
    memcpy(&fb->addr, t + 8, 8);
    memcpy(&fb->pitch, t + 16, 4);
    memcpy(&fb->width, t + 20, 4);
    memcpy(&fb->height, t + 24, 4);
    fb->bpp = t[28];
    fb->red_pos = t[32];
    fb->red_size = t[33];
    fb->green_pos = t[34];
    fb->green_size = t[35];
    fb->blue_pos = t[36];
    fb->blue_size = t[37];
    bi->has_fb = fb->addr && fb->width && fb->height && fb->pitch;
}

static void parse_mb2_tag(u32 type, const u8 *t, u32 size, struct boot_info *bi)
{
    switch (type) {
    case 1:     /* boot command line */
        memcpy(bi->cmdline, t + 8, MIN(size - 8, (u32)sizeof(bi->cmdline) - 1));
        bi->cmdline[MIN(size - 8, (u32)sizeof(bi->cmdline) - 1)] = '\0';
        break;
    case 2:     /* boot loader name */
        memcpy(bi->loader, t + 8, MIN(size - 8, (u32)sizeof(bi->loader) - 1));
        bi->loader[MIN(size - 8, (u32)sizeof(bi->loader) - 1)] = '\0';
        break;
    case 3:     /* module: start, end, string */
        if (size >= 16) {
            u32 start, end;
            memcpy(&start, t + 8, 4);
            memcpy(&end, t + 12, 4);
            add_module(bi, start, end, 0);
            if (size > 16) {
                struct boot_module *m = &bi->modules[bi->nr_modules - 1];
                u32 n = MIN(size - 16, (u32)sizeof(m->cmdline) - 1);
                memcpy(m->cmdline, t + 16, n);
                m->cmdline[n] = '\0';
            }
        }
        break;
    case 6: {   /* memory map: entry_size, entry_version, entries */
        u32 esize;
        memcpy(&esize, t + 8, 4);
        if (esize < 24)
            break;
        for (u32 off = 16; off + esize <= size; off += esize) {
            u64 base, len;
            u32 mtype;
            memcpy(&base, t + off, 8);
            memcpy(&len, t + off + 8, 8);
            memcpy(&mtype, t + off + 16, 4);
            add_region(bi, base, len, mtype);
        }
        break;
    }
    case 8:     /* framebuffer info */
        parse_mb2_fb(t, size, bi);
        break;
    case 14:    /* ACPI old RSDP copy */
    case 15:    /* ACPI new RSDP copy (preferred) */
        if (type == 15 || !bi->has_rsdp) {
            u32 n = MIN(size - 8, (u32)sizeof(bi->rsdp));
            memset(bi->rsdp, 0, sizeof(bi->rsdp));
            memcpy(bi->rsdp, t + 8, n);
            bi->has_rsdp = true;
        }
        break;
    }
}

static void parse_mb2(u64 info, struct boot_info *bi)
{
    const u8 *base = phys_to_virt(info);
    u32 total;

    bi->protocol = "multiboot2";
    memcpy(&total, base, 4);
    total = MIN(total, (u32)MB2_INFO_MAX);
    for (u32 off = 8; off + 8 <= total;) {
        u32 type, size;
        memcpy(&type, base + off, 4);
        memcpy(&size, base + off + 4, 4);
        if (type == 0 || size < 8 || off + size > total)
            break;
        parse_mb2_tag(type, base + off, size, bi);
        off += ALIGN_UP(size, 8);
    }
}

static bool rsdp_valid(const u8 *p)
{
    u8 sum = 0;

    if (memcmp(p, "RSD PTR ", 8))
        return false;
    for (int i = 0; i < 20; i++)
        sum += p[i];
    return sum == 0;
}

static bool rsdp_scan(u64 start, u64 len, struct boot_info *bi)
{
    for (u64 p = start; p + 36 <= start + len; p += 16) {
        const u8 *v = phys_to_virt(p);
        if (rsdp_valid(v)) {
            memcpy(bi->rsdp, v, v[15] >= 2 ? 36 : 20);
            bi->has_rsdp = true;
            return true;
        }
    }
    return false;
}

/*
 * QEMU's multiboot loader (and GRUB) put the image's path first on the
 * command line; it is not a kernel parameter, so drop it.
 */
static void strip_image_path(char *cmdline)
{
    size_t n = strcspn(cmdline, " ");

    if (memchr(cmdline, '/', n) && !memchr(cmdline, '=', n)) {
        while (cmdline[n] == ' ')
            n++;
        memmove(cmdline, cmdline + n, strlen(cmdline + n) + 1);
    }
}

int bootinfo_parse(u32 magic, u64 info, struct boot_info *out)
{
    memset(out, 0, sizeof(*out));
    if (magic == MB1_BOOT_MAGIC)
        parse_mb1(phys_to_virt(info), out);
    else if (magic == MB2_BOOT_MAGIC)
        parse_mb2(info, out);
    else
        return -EINVAL;
    strip_image_path(out->cmdline);
    if (!out->has_rsdp) {
        u64 ebda = (u64)*(const u16 *)phys_to_virt(0x40e) << 4;
        if (!(ebda && ebda < 0xa0000 && rsdp_scan(ebda, 1024, out)))
            rsdp_scan(0xe0000, 0x20000, out);
    }
    return 0;
}
