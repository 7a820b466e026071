/*
 * http_parse.c: HTTP/1.1 request-line and header-section parser (RFC 9112).
 *
 * Below: the bytes loop.c has read so far.  Above: loop.c acts on the
 * parsed request or on the error status returned.  Each call re-parses from
 * the first byte (requests are small and bounded by HTTP_MAX_HEAD), which
 * keeps the parser stateless: the same bytes always give the same answer,
 * however they were split across reads.  Strict where RFC 9112 says a
 * server MUST reject, lenient where it says MAY accept (bare LF endings,
 * leading empty lines).
 */
#include <string.h>

#include "http_parse.h"

/* RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" /
 * "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA */
static int is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 9110 §5.5: field-vchar = VCHAR / obs-text; SP and HTAB inside. */
static int is_field_char(unsigned char c)
{
    return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

/* RFC 9110 §7.2 / RFC 3986 §3.2.2: the characters a Host value may hold
 * (reg-name, IP literal in brackets, port). */
static int is_host_char(unsigned char c)
{
    if ((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
        return 1;
    return c && strchr("-._~%!$&'()*+,;=:[]", c) != NULL;
}

static int ieq(const char *a, size_t alen, const char *b)
{
    size_t i;

    if (alen != strlen(b))
        return 0;
    for (i = 0; i < alen; i++)
        if ((a[i] | 0x20) != (b[i] | 0x20))
            return 0;
    return 1;
}

/*
 * Find the end of the line starting at buf[pos]: returns the index of its
 * '\n' or -1.  *content is the line's length without the terminator: RFC
 * 9112 §2.2 lets a recipient take a bare LF as the end of a line and drop
 * a CR before it.  A CR anywhere else makes the message invalid (§2.2).
 */
static long line_end(const char *buf, size_t len, size_t pos, size_t *content, int *bad_cr)
{
    const char *nl = memchr(buf + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - buf) : len, n = end - pos;

    if (n && buf[end - 1] == '\r' && nl)
        n--;
    *bad_cr = memchr(buf + pos, '\r', n) != NULL;
    *content = n;
    return nl ? (long)end : -1;
}

/* RFC 9112 §2.3: HTTP-version = "HTTP" "/" DIGIT "." DIGIT, case-sensitive. */
static int parse_version(const char *v, size_t n, struct http_request *r)
{
    if (n != 8 || memcmp(v, "HTTP/", 5) || v[6] != '.' ||
        v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9')
        return -400;
    if (v[5] != '1')
        return -505;            /* RFC 9110 §15.6.6 */
    r->minor = v[7] == '0' ? 0 : 1;     /* RFC 9110 §2.5: higher minor -> 1.1 */
    r->keep_alive = r->minor >= 1;      /* RFC 9112 §9.3 defaults */
    return 0;
}

/*
 * RFC 9112 §3.2: origin-form ("/path?query") for GET and HEAD; absolute-form
 * ("http://host/path") MUST also be accepted (§3.2.2) and is reduced to its
 * path.  Other methods get 405 whatever their target, so any form passes.
 */
static int parse_target(const char *t, size_t n, struct http_request *r)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)t[i] <= 0x20 || (unsigned char)t[i] >= 0x7f)
            return -400;

    size_t skip = n >= 7 && ieq(t, 7, "http://") ? 7 : n >= 8 && ieq(t, 8, "https://") ? 8 : 0;

    if (skip) {
        const char *p = memchr(t + skip, '/', n - skip);
        r->path = p ? p : "/";
        r->path_len = p ? n - (size_t)(p - t) : 1;
        return 0;
    }
    r->path = t;
    r->path_len = n;
    return (n && t[0] == '/') || r->method == HTTP_OTHER ? 0 : -400;
}

/* RFC 9112 §3: request-line = method SP request-target SP HTTP-version,
 * single spaces (we do not take the MAY of other whitespace). */
static int parse_request_line(const char *l, size_t n, struct http_request *r)
{
    const char *sp1 = memchr(l, ' ', n), *sp2;
    int err;

    if (!sp1 || sp1 == l)
        return -400;
    r->method_str = l;
    r->method_len = (size_t)(sp1 - l);
    for (size_t i = 0; i < r->method_len; i++)
        if (!is_tchar((unsigned char)l[i]))
            return -400;
    /* RFC 9110 §9.1: method names are case-sensitive. */
    r->method = r->method_len == 3 && !memcmp(l, "GET", 3) ? HTTP_GET :
                r->method_len == 4 && !memcmp(l, "HEAD", 4) ? HTTP_HEAD : HTTP_OTHER;
    sp2 = memchr(sp1 + 1, ' ', n - (size_t)(sp1 + 1 - l));
    if (!sp2 || sp2 == sp1 + 1)
        return -400;
    err = parse_version(sp2 + 1, n - (size_t)(sp2 + 1 - l), r);
    if (err)
        return err;
    return parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), r);
}

/* Before the line ends: reject at once what can never become a request
 * (binary garbage, a TLS hello), instead of waiting for the timeout. */
static int check_partial_line(const char *l, size_t n)
{
    size_t i;

    for (i = 0; i < n && l[i] != ' '; i++)
        if (!is_tchar((unsigned char)l[i]))
            return -400;
    return n > HTTP_MAX_REQUEST_LINE ? -414 : 0;
}

/* RFC 9110 §8.6 / RFC 9112 §6.3: 1*DIGIT; a list of identical values is the
 * same length, differing values (here or across lines) are an error.
 * Values past any limit saturate: they are valid but too large (413). */
static int parse_content_length(const char *v, size_t n, struct http_request *r, int *seen)
{
    size_t i = 0;

    while (i < n) {
        size_t val = 0, digits = 0;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        for (; i < n && v[i] >= '0' && v[i] <= '9'; i++, digits++)
            val = val > HTTP_MAX_REQUEST ? val : val * 10 + (size_t)(v[i] - '0');
        while (i < n && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (!digits || (i < n && v[i] != ','))
            return -400;
        if (*seen && val != r->content_length)
            return -400;
        r->content_length = val;
        *seen = 1;
    }
    return *seen ? 0 : -400;
}

/* Connection: a comma-separated token list (RFC 9110 §7.6.1). */
static void parse_connection(const char *v, size_t n, struct http_request *r)
{
    size_t i = 0;

    while (i < n) {
        size_t start, end;
        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        start = i;
        while (i < n && v[i] != ',')
            i++;
        end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (ieq(v + start, end - start, "close"))
            r->keep_alive = 0;
        else if (ieq(v + start, end - start, "keep-alive") && r->minor == 0)
            r->keep_alive = 1;          /* RFC 9112 §9.3: 1.0 persistence */
    }
}

struct field_state {
    int host_seen, cl_seen, te_seen, close_seen;
};

static int parse_host(const char *v, size_t n, struct http_request *r, struct field_state *fs)
{
    if (fs->host_seen++)
        return -400;            /* RFC 9112 §3.2: more than one Host */
    for (size_t i = 0; i < n; i++)
        if (!is_host_char((unsigned char)v[i]))
            return -400;
    r->has_host = 1;
    return 0;
}

/* RFC 9112 §5: field-line = field-name ":" OWS field-value OWS */
static int parse_field(const char *l, size_t n, struct http_request *r, struct field_state *fs)
{
    const char *colon = memchr(l, ':', n), *v;
    size_t name_len, vn, i;

    if (l[0] == ' ' || l[0] == '\t')
        return -400;            /* §5.2: obs-fold, rejected with 400 */
    if (!colon || colon == l)
        return -400;
    name_len = (size_t)(colon - l);
    for (i = 0; i < name_len; i++)
        if (!is_tchar((unsigned char)l[i]))
            return -400;        /* includes §5.1: no whitespace before ':' */
    v = colon + 1;
    vn = n - name_len - 1;
    for (i = 0; i < vn; i++)
        if (!is_field_char((unsigned char)v[i]))
            return -400;        /* CTLs (NUL, ...) in a value */
    while (vn && (*v == ' ' || *v == '\t'))
        v++, vn--;
    while (vn && (v[vn - 1] == ' ' || v[vn - 1] == '\t'))
        vn--;
    if (ieq(l, name_len, "host"))
        return parse_host(v, vn, r, fs);
    if (ieq(l, name_len, "content-length"))
        return parse_content_length(v, vn, r, &fs->cl_seen);
    if (ieq(l, name_len, "transfer-encoding"))
        fs->te_seen = 1;
    else if (ieq(l, name_len, "connection"))
        parse_connection(v, vn, r);
    return 0;
}

/* Checks that need the whole header section. */
static long finish_head(const struct http_request *r, const struct field_state *fs)
{
    if (r->minor >= 1 && !r->has_host)
        return -400;            /* RFC 9112 §3.2: Host is required in 1.1 */
    /* RFC 9112 §6.1: Transfer-Encoding in 1.0 is faulty framing (400);
     * in 1.1 we implement no request codings: 501 (SHOULD). */
    if (fs->te_seen)
        return r->minor == 0 ? -400 : -501;
    if (r->content_length > HTTP_MAX_BODY)
        return -413;
    return 0;
}

long http_parse(const char *buf, size_t len, struct http_request *r)
{
    struct field_state fs = { 0 };
    size_t pos = 0, n;
    long end, err;
    int bad_cr;

    memset(r, 0, sizeof(*r));
    /* RFC 9112 §2.2: ignore empty lines before the request line. */
    while (pos < len && pos < HTTP_MAX_HEAD && (buf[pos] == '\r' || buf[pos] == '\n'))
        pos++;
    end = line_end(buf, len, pos, &n, &bad_cr);
    if (end < 0)
        return pos >= HTTP_MAX_HEAD ? -431 : check_partial_line(buf + pos, n);
    if (bad_cr)
        return -400;
    if (n > HTTP_MAX_REQUEST_LINE)
        return -414;
    if ((err = parse_request_line(buf + pos, n, r)))
        return err;
    for (pos = (size_t)end + 1;; pos = (size_t)end + 1) {
        end = line_end(buf, len, pos, &n, &bad_cr);
        if (end >= HTTP_MAX_HEAD || (end < 0 && len >= HTTP_MAX_HEAD))
            return -431;
        if (end < 0)
            return 0;
        if (bad_cr)
            return -400;
        if (n == 0)
            break;
        if (++r->nfields > HTTP_MAX_FIELDS)
            return -431;
        if ((err = parse_field(buf + pos, n, r, &fs)))
            return err;
    }
    if ((err = finish_head(r, &fs)))
        return err;
    r->head_len = (size_t)end + 1;
    r->len = r->head_len + r->content_length;
    return len >= r->len ? (long)r->len : 0;
}
