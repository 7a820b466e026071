/*
 * 16550 UART on COM1 (I/O port 0x3f8): the serial console.
 * Below: port I/O.  Above: struct console (printk, app stdout) and
 * console_input() for received bytes.  Transmit is polled (works with
 * interrupts off, before any allocator); receive is interrupt-driven once
 * uart_enable_rx() has run.  Register map: PC16550D datasheet, table 2.
 */
#include <drivers/uart.h>
#include <kernel/arch/io.h>
#include <kernel/console.h>
#include <kernel/irq.h>
#include <kernel/printk.h>

#define COM1        0x3f8
#define COM1_IRQ    4
#define UART_RBR    0   /* receive buffer (DLAB=0) */
#define UART_THR    0   /* transmit holding (DLAB=0) */
#define UART_IER    1   /* interrupt enable (DLAB=0) */
#define UART_DLL    0   /* divisor latch low (DLAB=1) */
#define UART_DLM    1
#define UART_FCR    2
#define UART_LCR    3
#define UART_MCR    4
#define UART_LSR    5
#define UART_SCR    7
#define LSR_DR      0x01
#define LSR_THRE    0x20
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define MCR_DTR_RTS_OUT2 0x0b   /* OUT2 gates the interrupt line on PCs */
#define IER_RDA     0x01

static bool uart_present;

static void uart_putc(char c)
{
    /* Bounded wait: a wedged UART must not hang printk forever. */
    for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
        ;
    outb(COM1 + UART_THR, (u8)c);
}

static void uart_write(struct console *con, const char *s, size_t len)
{
    (void)con;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

static struct console uart_console = { .name = "ttyS0", .write = uart_write };

bool uart_init(void)
{
    /* Presence test: the scratch register holds what we write. */
    outb(COM1 + UART_SCR, 0x5a);
    if (inb(COM1 + UART_SCR) != 0x5a)
        return false;
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, 1);           /* 115200 baud = 115200 / 1 */
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, 0x07);        /* enable and clear FIFOs */
    outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
    uart_present = true;
    register_console(&uart_console);
    return true;
}

static void uart_irq(void *dev)
{
    (void)dev;
    while (inb(COM1 + UART_LSR) & LSR_DR)
        console_input((char)inb(COM1 + UART_RBR));
}

int uart_enable_rx(void)
{
    int err;

    if (!uart_present)
        return -1;
    err = request_irq(COM1_IRQ, uart_irq, NULL, "ttyS0");
    if (err)
        return err;
    outb(COM1 + UART_IER, IER_RDA);
    return 0;
}
