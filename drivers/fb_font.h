/* The 8x16 glyph table of the framebuffer console (drivers/fb_font.c, generated). */
#ifndef DRIVERS_FB_FONT_H
#define DRIVERS_FB_FONT_H

#include <kernel/types.h>

#define FB_FONT_WIDTH   8
#define FB_FONT_HEIGHT  16
#define FB_FONT_FIRST   0x20            /* glyph 0 is U+0020; the table ends at U+007E */
#define FB_FONT_GLYPHS  95

extern const u8 fb_font[FB_FONT_GLYPHS][FB_FONT_HEIGHT];

#endif
