/*
 * printk: formats a message, prefixes every line with "[seconds.micros] "
 * from the monotonic clock and writes it to the consoles when its level is
 * below console_loglevel (Linux semantics: 0 emerg .. 7 debug).
 */
#include <kernel/cmdline.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <kernel/time.h>

int console_loglevel = LOGLEVEL_DEBUG;      /* everything but debug */

void vprintk(int level, const char *fmt, va_list ap)
{
    char msg[512], line[544];
    const char *p, *nl;
    u64 ns;
    int n;

    if (level >= console_loglevel)
        return;
    vsnprintf(msg, sizeof(msg), fmt, ap);
    ns = ktime_get_ns();
    for (p = msg; *p; p = nl ? nl + 1 : p + strlen(p)) {
        nl = strchr(p, '\n');
        n = snprintf(line, sizeof(line), "[%5llu.%06llu] %.*s\n",
                     (unsigned long long)(ns / NSEC_PER_SEC),
                     (unsigned long long)(ns % NSEC_PER_SEC / NSEC_PER_USEC),
                     (int)(nl ? nl - p : (long)strlen(p)), p);
        console_write(line, MIN((size_t)n, sizeof(line) - 1));
    }
}

void printk(int level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(level, fmt, ap);
    va_end(ap);
}

static int set_loglevel(const char *val)
{
    char *end;
    unsigned long v;

    if (!val || !*val)
        return -EINVAL;
    v = strtoul(val, &end, 10);
    if (*end || v > 8)
        return -EINVAL;
    console_loglevel = (int)v;
    return 0;
}
KERNEL_PARAM("loglevel", set_loglevel);

static int set_quiet(const char *val)
{
    if (val)
        return -EINVAL;
    console_loglevel = LOGLEVEL_WARNING;
    return 0;
}
KERNEL_PARAM("quiet", set_quiet);

static int set_debug(const char *val)
{
    if (val)
        return -EINVAL;
    console_loglevel = LOGLEVEL_DEBUG + 1;
    return 0;
}
KERNEL_PARAM("debug", set_debug);
