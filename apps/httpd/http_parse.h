/*
 * http_parse.h: the HTTP/1.1 request parser's interface and every request
 * limit httpd enforces (this is the one place they are defined).
 *
 * The parser is a pure function over the bytes received so far: no state is
 * kept between calls, so a request split at any byte boundary parses the same
 * as one that arrived whole.  It knows nothing about sockets (loop.c feeds
 * it) and compiles on the host for tests/unit/test_http_parse.c.
 */
#ifndef HTTPD_HTTP_PARSE_H
#define HTTPD_HTTP_PARSE_H

#include <stddef.h>

/*
 * Request limits.  A request over a limit is answered with the status shown
 * and the connection is closed (the rest of the request is never framed).
 *
 *   HTTP_MAX_REQUEST_LINE  request-line bytes (without CRLF)  -> 414
 *       RFC 9112 §3 recommends supporting at least 8000 octets.
 *   HTTP_MAX_HEAD          request line + field lines + empty line -> 431
 *   HTTP_MAX_FIELDS        number of field lines               -> 431
 *       RFC 6585 §5: 431 Request Header Fields Too Large.
 *   HTTP_MAX_BODY          Content-Length of a request body    -> 413
 *       RFC 9110 §15.5.14.  Bodies are read whole into the connection's
 *       input buffer (then ignored: only GET and HEAD are served), so the
 *       buffer is HTTP_MAX_HEAD + HTTP_MAX_BODY bytes.
 */
#define HTTP_MAX_REQUEST_LINE 8000
#define HTTP_MAX_HEAD         16384
#define HTTP_MAX_FIELDS       64
#define HTTP_MAX_BODY         8192
#define HTTP_MAX_REQUEST      (HTTP_MAX_HEAD + HTTP_MAX_BODY)

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
    enum http_method method;
    const char *method_str;     /* into the caller's buffer, not terminated */
    size_t method_len;
    const char *path;           /* origin-form target (absolute-form reduced) */
    size_t path_len;
    int minor;                  /* HTTP/1.<minor>; 0 or 1 (higher minors read as 1) */
    int keep_alive;             /* after the version default and Connection */
    int has_host;
    size_t content_length;
    size_t head_len;            /* bytes up to and including the empty line */
    size_t len;                 /* head_len + content_length */
    unsigned nfields;
};

/*
 * Parse the request at the start of buf[0..len).  Returns the whole
 * request's length (head and body) when it is complete, 0 when more bytes
 * are needed, or minus an HTTP status (-400, -413, -414, -431, -501, -505)
 * when it can never become valid.  On success *req points into buf.
 */
long http_parse(const char *buf, size_t len, struct http_request *req);

#endif
