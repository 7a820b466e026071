/*
 * buf.c: growable output buffers for responses, with HTML and JSON escaping.
 *
 * Pages are generated into a buf and the whole response is written from it,
 * so Content-Length is always the exact body size.  Growth is capped at
 * HTTPD_PAGE_MAX: past it appends are dropped and `overflow` is set (a
 * /status page of a host with huge socket tables stays bounded).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpd.h"

static int buf_reserve(struct buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap : 4096;
    char *p;

    if (b->overflow || b->len + n > HTTPD_PAGE_MAX + HTTPD_OUT_HIGH) {
        b->overflow = 1;
        return -1;
    }
    while (cap < b->len + n + 1)
        cap *= 2;
    if (cap == b->cap)
        return 0;
    p = realloc(b->p, cap);
    if (!p) {
        b->overflow = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void buf_add(struct buf *b, const void *data, size_t n)
{
    if (buf_reserve(b, n) == 0) {
        memcpy(b->p + b->len, data, n);
        b->len += n;
    }
}

void buf_puts(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n + 1))
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void buf_html(struct buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        switch (s[i]) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: buf_add(b, s + i, 1);
        }
    }
}

/* RFC 8259 §7: quote, backslash and control characters are escaped. */
void buf_json_str(struct buf *b, const char *s)
{
    buf_add(b, "\"", 1);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            buf_printf(b, "\\%c", c);
        else if (c < 0x20)
            buf_printf(b, "\\u%04x", c);
        else
            buf_add(b, s, 1);
    }
    buf_add(b, "\"", 1);
}

void buf_free(struct buf *b)
{
    free(b->p);
    memset(b, 0, sizeof(*b));
}
