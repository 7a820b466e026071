/* The framebuffer text console (drivers/fb_console.c). */
#ifndef DRIVERS_FB_CONSOLE_H
#define DRIVERS_FB_CONSOLE_H

#include <kernel/bootinfo.h>

/*
 * If the loader handed over a 24- or 32-bpp RGB framebuffer (multiboot2 tag 8),
 * clear the text area and register it as a console; false otherwise.
 * Draws through the early direct map (the first 4 GiB), so it can run right
 * after bootinfo_parse(), before the banner.
 */
bool fb_console_init(const struct boot_info *bi);

/*
 * mm_init() replaces the early map with a direct map of RAM only: pause
 * drawing before it (those lines reach serial only), then fb_console_remap()
 * draws through an ioremap of the framebuffer.
 */
void fb_console_pause(void);
void fb_console_remap(void);

#endif
