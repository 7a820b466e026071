/*
 * Console multiplexer: printk and the app's stdout write here; every
 * registered console (serial, later framebuffer/VGA) gets the bytes.  Input
 * bytes from console drivers are dispatched to per-key handlers, which is how
 * a user asks the running kernel for counters or the socket table.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>

static LIST_HEAD(consoles);
static console_key_handler_t key_handlers[128];
static console_key_handler_t input_sink;

void register_console(struct console *con)
{
    list_add_tail(&con->node, &consoles);
}

void console_write(const char *s, size_t len)
{
    struct console *con;
    unsigned long flags;

    /* Interrupts off so lines from IRQ context never interleave mid-line. */
    local_irq_save(flags);
    list_for_each_entry(con, &consoles, node)
        con->write(con, s, len);
    local_irq_restore(flags);
}

int console_register_key(char c, console_key_handler_t fn)
{
    unsigned char k = (unsigned char)c;

    if (k >= ARRAY_SIZE(key_handlers))
        return -EINVAL;
    if (key_handlers[k])
        return -EBUSY;
    key_handlers[k] = fn;
    return 0;
}

void console_set_input_sink(console_key_handler_t fn)
{
    input_sink = fn;
}

void console_input(char c)
{
    unsigned char k = (unsigned char)c;

    if (k < ARRAY_SIZE(key_handlers) && key_handlers[k])
        key_handlers[k](c);
    else if (input_sink)
        input_sink(c);
}
