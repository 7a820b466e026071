/*
 * VGA text console: 80x25 cells of (character, attribute) at physical
 * 0xb8000 in the mode the BIOS set up (IBM VGA Technical Reference; the
 * register numbers as in FreeVGA's "CRT Controller Registers").  For
 * machines whose screen is the only console; it runs beside the serial one.
 * Below: the direct map (the PC's fixed MTRRs make 0xa0000-0xbffff
 * uncached) and the CRTC ports.  Above: struct console, so printk.
 * Scrolling moves the CRTC start address through the 32 KiB text window
 * instead of copying the screen: under emulation every cell written is a
 * trip into the device model, so a scroll costs one 80-cell line, and a
 * copy back to the window's start only every ~180 lines.
 */
#include <drivers/vga_text.h>
#include <kernel/arch/io.h>
#include <kernel/console.h>
#include <kernel/mm.h>

#define VGA_TEXT_PHYS   0xb8000
#define VGA_WINDOW      16384           /* cells in the 32 KiB window */
#define COLS            80
#define ROWS            25
#define ATTR            0x0700          /* light grey on black */
#define BDA_VIDEO_MODE  0x449           /* BIOS data area: current video mode */
#define CRTC_INDEX      0x3d4           /* colour: the mode-3 address (misc output bit 0 set) */
#define CRTC_DATA       0x3d5
#define CRTC_START_HI   0x0c
#define CRTC_START_LO   0x0d
#define CRTC_CURSOR_HI  0x0e
#define CRTC_CURSOR_LO  0x0f

static volatile u16 *vram;
static unsigned top;                    /* cell offset of the first visible line */
static unsigned row, col;               /* cursor, on screen */

static void crtc_write16(u8 hi_index, unsigned v)
{
    outb(CRTC_INDEX, hi_index);
    outb(CRTC_DATA, (u8)(v >> 8));
    outb(CRTC_INDEX, hi_index + 1);
    outb(CRTC_DATA, (u8)v);
}

static void clear_cells(unsigned from, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        writew(ATTR | ' ', &vram[from + i]);
}

/* A new line at the bottom: move the window start down one line. */
static void scroll(void)
{
    if (top + ROWS * COLS + COLS > VGA_WINDOW) {
        /* Out of window: bring the last 24 lines back to the start, once. */
        for (unsigned i = 0; i < (ROWS - 1) * COLS; i++)
            writew(readw(&vram[top + COLS + i]), &vram[i]);
        top = 0;
    } else {
        top += COLS;
    }
    clear_cells(top + (ROWS - 1) * COLS, COLS);
    crtc_write16(CRTC_START_HI, top);
}

static void newline(void)
{
    col = 0;
    if (row == ROWS - 1)
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
    if (c == '\t')
        c = ' ';
    writew(ATTR | (u8)c, &vram[top + row * COLS + col]);
    if (++col == COLS)
        newline();
}

/* The console hook: any context, interrupts off (console_write holds them off). */
static void vga_write(struct console *con, const char *s, size_t len)
{
    (void)con;
    for (size_t i = 0; i < len; i++)
        putc_cell(s[i]);
    crtc_write16(CRTC_CURSOR_HI, top + row * COLS + col);
}

static struct console vga_console = { .name = "tty0", .write = vga_write };

bool vga_text_init(void)
{
    /* Mode 3 is the BIOS's 80x25 colour text; UEFI and qboot leave no BIOS data. */
    if (*(const volatile u8 *)phys_to_virt(BDA_VIDEO_MODE) != 3)
        return false;
    vram = phys_to_virt(VGA_TEXT_PHYS);
    clear_cells(0, ROWS * COLS);
    crtc_write16(CRTC_START_HI, 0);
    register_console(&vga_console);
    return true;
}
