/*
 * stats.c: httpd's counters and the /stats page (JSON, RFC 8259).
 *
 * Our own counters come from loop.c and response.c.  Beside them, when
 * readable, the kernel's: /proc/net/snmp (each "Proto: names" line and the
 * "Proto: values" line after it become one object), /proc/net/dev (one
 * object per interface) and the kernel heap from /proc/meminfo's "Slab:"
 * line (Linux's slab total; our kernel is to offer the same line for its
 * heap).  A file that cannot be read gives null, never an error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

struct httpd_stats stats;

static const char *const dev_fields[] = {
    "rx_bytes", "rx_packets", "rx_errs", "rx_drop", "rx_fifo", "rx_frame",
    "rx_compressed", "rx_multicast", "tx_bytes", "tx_packets", "tx_errs",
    "tx_drop", "tx_fifo", "tx_colls", "tx_carrier", "tx_compressed",
};

/* An integer token as JSON (a number), anything else as a JSON string. */
static void json_token(struct buf *b, const char *tok)
{
    char *end;

    (void)strtoll(tok, &end, 10);
    if (*tok && !*end)
        buf_puts(b, tok);
    else
        buf_json_str(b, tok);
}

/* "Tcp: RtoAlgorithm RtoMin ..." then "Tcp: 1 200 ...": one JSON member. */
static void snmp_pair(struct buf *b, char *names, char *values, int *first)
{
    char *sn, *sv, *n, *v;
    int inner = 0;

    n = strtok_r(names, " \n", &sn);
    v = strtok_r(values, " \n", &sv);
    if (!n || !v || strcmp(n, v))
        return;                 /* the prefixes must agree: "Tcp:" and "Tcp:" */
    n[strlen(n) - 1] = '\0';
    buf_printf(b, "%s\n  ", *first ? "" : ",");
    *first = 0;
    buf_json_str(b, n);
    buf_puts(b, ": {");
    while ((n = strtok_r(NULL, " \n", &sn)) && (v = strtok_r(NULL, " \n", &sv))) {
        buf_puts(b, inner++ ? ", " : "");
        buf_json_str(b, n);
        buf_puts(b, ": ");
        json_token(b, v);
    }
    buf_puts(b, "}");
}

static void snmp_json(struct buf *b)
{
    FILE *f = proc_open("/proc/net/snmp");
    char names[2048], values[2048];
    int first = 1;

    if (!f) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{");
    while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f))
        snmp_pair(b, names, values, &first);
    buf_puts(b, "}");
    fclose(f);
}

/* "  eth0: 1234 56 0 ..." (after two header lines). */
static void dev_line(struct buf *b, char *line, int *first)
{
    char *colon = strchr(line, ':'), *name = line, *s, *tok;
    size_t i = 0;

    if (!colon)
        return;
    *colon = '\0';
    while (*name == ' ')
        name++;
    buf_printf(b, "%s\n  ", *first ? "" : ",");
    *first = 0;
    buf_json_str(b, name);
    buf_puts(b, ": {");
    for (tok = strtok_r(colon + 1, " \n", &s); tok && i < 16;
         tok = strtok_r(NULL, " \n", &s), i++) {
        buf_printf(b, "%s\"%s\": ", i ? ", " : "", dev_fields[i]);
        json_token(b, tok);
    }
    buf_puts(b, "}");
}

static void dev_json(struct buf *b)
{
    FILE *f = proc_open("/proc/net/dev");
    char line[512];
    int first = 1, n = 0;

    if (!f) {
        buf_puts(b, "null");
        return;
    }
    buf_puts(b, "{");
    while (fgets(line, sizeof(line), f))
        if (n++ >= 2)
            dev_line(b, line, &first);
    buf_puts(b, "}");
    fclose(f);
}

/* Kernel heap in bytes, or -1 when no file tells. */
static long long kernel_heap_bytes(void)
{
    FILE *f = proc_open("/proc/meminfo");
    char line[256];
    long long kb = -1;

    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "Slab: %lld kB", &kb) == 1)
            break;
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

static void own_counters(struct buf *b)
{
    uint64_t up = now_ms() - stats.start_ms;
    int first = 1;

    buf_printf(b, "{\n\"uptime_ms\": %llu,\n", (unsigned long long)up);
    buf_printf(b, "\"connections\": {\"accepted\": %lu, \"open\": %lu, \"evicted\": %lu, "
               "\"timed_out\": %lu},\n", stats.accepted, stats.open, stats.evicted,
               stats.timed_out);
    buf_printf(b, "\"requests\": {\"total\": %lu, \"by_status\": {", stats.requests);
    for (int s = 0; s < 600; s++) {
        if (!stats.by_status[s])
            continue;
        buf_printf(b, "%s\"%d\": %lu", first ? "" : ", ", s, stats.by_status[s]);
        first = 0;
    }
    buf_printf(b, "}},\n\"bytes\": {\"in\": %llu, \"out\": %llu},\n", stats.bytes_in,
               stats.bytes_out);
}

const char *page_stats(struct buf *b, const struct req_ctx *ctx)
{
    long long heap = kernel_heap_bytes();

    (void)ctx;
    own_counters(b);
    if (heap < 0)
        buf_puts(b, "\"kernel_heap_bytes\": null,\n");
    else
        buf_printf(b, "\"kernel_heap_bytes\": %lld,\n", heap);
    buf_puts(b, "\"snmp\": ");
    snmp_json(b);
    buf_puts(b, ",\n\"dev\": ");
    dev_json(b);
    buf_puts(b, "\n}\n");
    return "application/json";
}
