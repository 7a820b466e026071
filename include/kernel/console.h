/*
 * Console seam: printk writes to every registered console.  Drivers (the
 * 16550 UART today; framebuffer and VGA text later) register a struct console.
 * Input (a key pressed on the serial line) is delivered to console_input().
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/list.h>

struct console {
    const char *name;
    /* Write len bytes; must work with interrupts off and before any allocator. */
    void (*write)(struct console *con, const char *s, size_t len);
    struct list_head node;
};

void register_console(struct console *con);
/* Write raw bytes (no timestamp) to every console: used by printk and the app's stdout. */
void console_write(const char *s, size_t len);

/* A function called with each received console byte (from interrupt context). */
typedef void (*console_key_handler_t)(char c);
/* Bind `c` to `fn` (e.g. 'n' prints network counters); returns -EBUSY if taken. */
int console_register_key(char c, console_key_handler_t fn);
/*
 * Where received bytes go when no key handler claims them: the app's stdin
 * (kernel/fs/console.c).  NULL (the default) drops them.  Debug keys keep
 * priority, so the kernel's keys stay usable while an app reads the console.
 */
void console_set_input_sink(console_key_handler_t fn);
/* Called by console drivers for each received byte (any of the 256 values). */
void console_input(char c);

#endif
