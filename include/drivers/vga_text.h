/* The VGA text-mode console (drivers/vga_text.c). */
#ifndef DRIVERS_VGA_TEXT_H
#define DRIVERS_VGA_TEXT_H

#include <kernel/types.h>

/*
 * If the BIOS left an 80x25 colour text mode (BDA video mode 3), clear the
 * screen and register it as a console; false otherwise (UEFI, qboot, no
 * VGA).  Needs only the early direct map: call right after uart_init().
 */
bool vga_text_init(void);

#endif
