/*
 * Framebuffer text console for machines with no text mode (UEFI): the
 * linear RGB framebuffer GRUB describes in the multiboot2 framebuffer tag
 * (Multiboot2 spec §3.6.12; UEFI 2.10 §12.9 GOP underneath), drawn with the
 * 8x16 glyphs of fb_font.c (tools/psf2c.py).  Runs beside the serial console.
 * Below: the direct map, then ioremap (the firmware's MTRRs give the
 * framebuffer its memory type, UC or WC).  Above: struct console, so printk.
 * Scrolling copies the text area up one line of glyphs.  Under emulation
 * every byte is a trip through the device model and on hardware reads from
 * an uncached framebuffer are slow, so the text area is capped at
 * FB_MAX_COLS x FB_MAX_ROWS cells rather than the whole screen.
 */
#include <drivers/fb_console.h>
#include <kernel/console.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include "fb_font.h"

#define FB_MAX_COLS     100
#define FB_MAX_ROWS     48              /* 800x768 pixels of text at most */
#define EARLY_MAP_LIMIT (4ULL << 30)    /* boot/entry.S maps the first 4 GiB */

static struct boot_fb fb;
static u8 *base;                        /* the framebuffer's first byte */
static u32 fg, bg;                      /* pixel values in the framebuffer's layout */
static unsigned bypp;                   /* bytes per pixel: 4 or 3 */
static unsigned cols, rows, row, col;
static unsigned pinned;                 /* rows above this never scroll: the banner */

/* 8-bit intensity -> the field the framebuffer tag describes. */
static u32 rgb(u8 r, u8 g, u8 b)
{
    return (u32)(r >> (8 - fb.red_size)) << fb.red_pos |
           (u32)(g >> (8 - fb.green_size)) << fb.green_pos |
           (u32)(b >> (8 - fb.blue_size)) << fb.blue_pos;
}

static u8 *pixel_row(unsigned y)
{
    return base + (size_t)y * fb.pitch;
}

/* 32 bpp, or 24 packed (GRUB's bochs driver sets such modes on QEMU's stdvga). */
static void put_pixel(u8 *row, unsigned x, u32 v)
{
    if (bypp == 4) {
        *(volatile u32 *)(row + 4 * x) = v;
    } else {
        volatile u8 *p = row + 3 * x;

        p[0] = (u8)v;
        p[1] = (u8)(v >> 8);
        p[2] = (u8)(v >> 16);
    }
}

static void fill_rows(unsigned y0, unsigned n)
{
    for (unsigned y = y0; y < y0 + n; y++)
        for (unsigned x = 0; x < cols * FB_FONT_WIDTH; x++)
            put_pixel(pixel_row(y), x, bg);
}

static void draw_glyph(unsigned r, unsigned c, char ch)
{
    unsigned idx = (u8)ch - FB_FONT_FIRST;
    const u8 *g = fb_font[idx < FB_FONT_GLYPHS ? idx : '?' - FB_FONT_FIRST];

    for (unsigned y = 0; y < FB_FONT_HEIGHT; y++) {
        u8 *p = pixel_row(r * FB_FONT_HEIGHT + y);

        for (unsigned x = 0; x < FB_FONT_WIDTH; x++)
            put_pixel(p, c * FB_FONT_WIDTH + x, g[y] & (0x80 >> x) ? fg : bg);
    }
}

/*
 * Text area below the pinned rows up one glyph line; only the area's width
 * of each pixel row moves.
 */
static void scroll(void)
{
    size_t span = (size_t)cols * FB_FONT_WIDTH * bypp;

    for (unsigned y = pinned * FB_FONT_HEIGHT; y < (rows - 1) * FB_FONT_HEIGHT; y++)
        memmove(pixel_row(y), pixel_row(y + FB_FONT_HEIGHT), span);
    fill_rows((rows - 1) * FB_FONT_HEIGHT, FB_FONT_HEIGHT);
}

static void newline(void)
{
    col = 0;
    if (row == rows - 1)
        scroll();
    else
        row++;
}

static void putc_cell(char c)
{
    if (c == '\n') {
        newline();
        return;
    }
    if (c == '\r') {
        col = 0;
        return;
    }
    draw_glyph(row, col, c == '\t' ? ' ' : c);
    if (++col == cols)
        newline();
}

/* The console hook: any context, interrupts off (console_write holds them off). */
static void fb_write(struct console *con, const char *s, size_t len)
{
    (void)con;
    if (!base)
        return;             /* between fb_console_pause and fb_console_remap */
    for (size_t i = 0; i < len; i++)
        putc_cell(s[i]);
}

static struct console fb_con = { .name = "fb0", .write = fb_write };

bool fb_console_init(const struct boot_info *bi)
{
    if (!bi->has_fb)
        return false;
    fb = bi->fb;
    bypp = fb.bpp / 8;
    if ((fb.bpp != 32 && fb.bpp != 24) || fb.pitch < fb.width * bypp || !fb.red_size || fb.red_size > 8 || !fb.green_size ||
        fb.green_size > 8 || !fb.blue_size || fb.blue_size > 8 ||
        fb.addr + (u64)fb.pitch * fb.height > EARLY_MAP_LIMIT ||
        fb.width < FB_FONT_WIDTH || fb.height < FB_FONT_HEIGHT) {
        pr_warn("fb: %ux%u %u bpp at %#llx: not drawable here", fb.width, fb.height, fb.bpp,
                (unsigned long long)fb.addr);
        fb.addr = 0;
        return false;
    }
    base = phys_to_virt(fb.addr);
    cols = MIN(fb.width / FB_FONT_WIDTH, (u32)FB_MAX_COLS);
    rows = MIN(fb.height / FB_FONT_HEIGHT, (u32)FB_MAX_ROWS);
    fg = rgb(0xaa, 0xaa, 0xaa);         /* the VGA console's light grey on black */
    bg = rgb(0, 0, 0);
    fill_rows(0, rows * FB_FONT_HEIGHT);
    register_console(&fb_con);
    pr_info("fb: %ux%u %u bpp at %#llx, console %ux%u", fb.width, fb.height, fb.bpp,
            (unsigned long long)fb.addr, cols, rows);
    return true;
}

/*
 * The lines so far (this console's line, the banner, the command line) stay
 * at the top of the screen: a boot log is longer than a screen, and on a
 * machine with only a monitor the banner is what says what booted.
 */
void fb_console_pause(void)
{
    if (base && row + 2 < rows)
        pinned = row;
    base = NULL;
}

void fb_console_remap(void)
{
    if (fb.addr)
        base = ioremap(fb.addr, (size_t)fb.pitch * fb.height);  /* NULL: the screen stays paused */
}
