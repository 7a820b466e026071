/*
 * printk: the kernel log.  Every line is prefixed with the monotonic time since
 * power-on, "[    1.234567] ", and filtered by the console log level (boot
 * parameters `loglevel=N`, `quiet` = 4, `debug` = 7), as in Linux.  pr_debug()
 * compiles to nothing unless DEBUG is defined in the including file.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <kernel/compiler.h>

enum log_level {
    LOGLEVEL_EMERG, LOGLEVEL_ALERT, LOGLEVEL_CRIT, LOGLEVEL_ERR,
    LOGLEVEL_WARNING, LOGLEVEL_NOTICE, LOGLEVEL_INFO, LOGLEVEL_DEBUG,
};

/* Log one message at `level`; a message may hold several lines. */
void printk(int level, const char *fmt, ...) __printf(2, 3);
void vprintk(int level, const char *fmt, va_list ap);
/* Messages with level < console_loglevel reach the console (default 7: all but debug). */
extern int console_loglevel;

#define pr_emerg(...)   printk(LOGLEVEL_EMERG, __VA_ARGS__)
#define pr_err(...)     printk(LOGLEVEL_ERR, __VA_ARGS__)
#define pr_warn(...)    printk(LOGLEVEL_WARNING, __VA_ARGS__)
#define pr_notice(...)  printk(LOGLEVEL_NOTICE, __VA_ARGS__)
#define pr_info(...)    printk(LOGLEVEL_INFO, __VA_ARGS__)
#ifdef DEBUG
#define pr_debug(...)   printk(LOGLEVEL_DEBUG, __VA_ARGS__)
#else
#define pr_debug(...)   do { if (0) printk(LOGLEVEL_DEBUG, __VA_ARGS__); } while (0)
#endif

#endif
