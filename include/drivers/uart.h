/* The COM1 serial console (drivers/uart.c). */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <kernel/types.h>

/* Probe and initialise COM1 (115200 8N1) and register it as a console; false if absent. */
bool uart_init(void);
/* Route received bytes to console_input() via IRQ 4; 0 or a negative errno. */
int uart_enable_rx(void);

#endif
