/*
 * vsnprintf for the kernel: C99 conversions d i u x X o c s p %, flags
 * "-0+ #", width and precision (also '*'), length modifiers hh h l ll z t j.
 * No floating point (the kernel is built without SSE).  Returns the length
 * the full output would have had, as C99 says; the buffer is always
 * terminated when size > 0.
 */
#include <kernel/string.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16, F_UPPER = 32 };

struct spec {
    int flags, width, prec;     /* prec < 0: none given */
};

static void put_number(struct out *o, unsigned long long v, bool neg, int base,
                       const struct spec *sp)
{
    const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, zeros, width = sp->width;
    char sign = neg ? '-' : (sp->flags & F_PLUS) ? '+' : (sp->flags & F_SPACE) ? ' ' : 0;
    const char *prefix = "";

    if (v == 0 && sp->prec == 0)
        n = 0;
    else
        do {
            tmp[n++] = digits[v % base];
            v /= base;
        } while (v);
    if ((sp->flags & F_ALT) && base == 16 && n)
        prefix = (sp->flags & F_UPPER) ? "0X" : "0x";
    if ((sp->flags & F_ALT) && base == 8)
        prefix = "0";
    zeros = sp->prec > n ? sp->prec - n : 0;
    width -= n + zeros + (sign != 0) + (int)strlen(prefix);
    if (sp->prec < 0 && (sp->flags & F_ZERO) && !(sp->flags & F_LEFT)) {
        zeros += width > 0 ? width : 0;
        width = 0;
    }
    if (!(sp->flags & F_LEFT))
        pad(o, ' ', width);
    if (sign)
        put(o, sign);
    while (*prefix)
        put(o, *prefix++);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->flags & F_LEFT)
        pad(o, ' ', width);
}

static void put_string(struct out *o, const char *s, const struct spec *sp)
{
    int n;

    if (!s)
        s = "(null)";
    n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
    if (!(sp->flags & F_LEFT))
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->flags & F_LEFT)
        pad(o, ' ', sp->width - n);
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    sp->width = 0;
    sp->prec = -1;
    for (;; f++) {
        if (*f == '-') sp->flags |= F_LEFT;
        else if (*f == '0') sp->flags |= F_ZERO;
        else if (*f == '+') sp->flags |= F_PLUS;
        else if (*f == ' ') sp->flags |= F_SPACE;
        else if (*f == '#') sp->flags |= F_ALT;
        else break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        if (sp->width < 0) {
            sp->flags |= F_LEFT;
            sp->width = -sp->width;
        }
        f++;
    } else {
        while (*f >= '0' && *f <= '9')
            sp->width = sp->width * 10 + (*f++ - '0');
    }
    if (*f == '.') {
        f++;
        sp->prec = 0;
        if (*f == '*') {
            sp->prec = va_arg(*ap, int);
            f++;
        } else {
            while (*f >= '0' && *f <= '9')
                sp->prec = sp->prec * 10 + (*f++ - '0');
        }
    }
    return f;
}

/* Length modifier -> size in bytes of the integer argument (0 = int). */
static const char *parse_length(const char *f, int *len)
{
    *len = 0;
    if (f[0] == 'h' && f[1] == 'h') { *len = 1; return f + 2; }
    if (f[0] == 'h') { *len = 2; return f + 1; }
    if (f[0] == 'l' && f[1] == 'l') { *len = 8; return f + 2; }
    if (f[0] == 'l' || f[0] == 'z' || f[0] == 't' || f[0] == 'j') { *len = 8; return f + 1; }
    return f;
}

static unsigned long long get_unsigned(va_list *ap, int len)
{
    switch (len) {
    case 1: return (unsigned char)va_arg(*ap, unsigned);
    case 2: return (unsigned short)va_arg(*ap, unsigned);
    case 8: return va_arg(*ap, unsigned long long);
    default: return va_arg(*ap, unsigned);
    }
}

static long long get_signed(va_list *ap, int len)
{
    switch (len) {
    case 1: return (signed char)va_arg(*ap, int);
    case 2: return (short)va_arg(*ap, int);
    case 8: return va_arg(*ap, long long);
    default: return va_arg(*ap, int);
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { buf, size, 0 };
    struct spec sp;
    va_list ap;
    int len;

    va_copy(ap, ap_in);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        fmt = parse_spec(fmt + 1, &sp, &ap);
        fmt = parse_length(fmt, &len);
        switch (*fmt) {
        case 'd': case 'i': {
            long long v = get_signed(&ap, len);
            put_number(&o, v < 0 ? -(unsigned long long)v : (unsigned long long)v, v < 0, 10, &sp);
            break;
        }
        case 'u': put_number(&o, get_unsigned(&ap, len), false, 10, &sp); break;
        case 'o': put_number(&o, get_unsigned(&ap, len), false, 8, &sp); break;
        case 'X': sp.flags |= F_UPPER; /* fall through */
        case 'x': put_number(&o, get_unsigned(&ap, len), false, 16, &sp); break;
        case 'p':
            sp.flags |= F_ALT;
            put_number(&o, (unsigned long)va_arg(ap, void *), false, 16, &sp);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            if (!(sp.flags & F_LEFT))
                pad(&o, ' ', sp.width - 1);
            put(&o, c);
            if (sp.flags & F_LEFT)
                pad(&o, ' ', sp.width - 1);
            break;
        }
        case 's': put_string(&o, va_arg(ap, const char *), &sp); break;
        case '%': put(&o, '%'); break;
        case '\0': fmt--; break;
        default: put(&o, '%'); put(&o, *fmt); break;
        }
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
