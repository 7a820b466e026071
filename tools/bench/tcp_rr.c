/*
 * tcp_rr HOST PORT SECONDS
 *
 * TCP request/response: on one connection (TCP_NODELAY) to an echo service,
 * write 1 byte and read it back, as fast as possible, for SECONDS.  Prints
 * one JSON object: transactions, seconds, tps, and the median and p99 of the
 * transaction time in microseconds.
 */
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: tcp_rr HOST PORT SECONDS\n");
        return 2;
    }
    struct sockaddr_in sa = addr_of(argv[1], argv[2]);
    double secs = atof(argv[3]);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        fail_json("socket", errno);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = { .tv_sec = 5 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        fail_json("connect", errno);
    size_t cap = 1 << 20, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    double t0 = now_s(), t = t0, end = t0 + secs;
    char c = 'x';
    while (t < end) {
        double ts = t;
        if (write(fd, &c, 1) != 1)
            fail_json("write", errno);
        ssize_t r;
        do
            r = read(fd, &c, 1);
        while (r < 0 && errno == EINTR);
        if (r != 1)
            fail_json(r == 0 ? "read (connection closed)" : "read", r == 0 ? EPIPE : errno);
        t = now_s();
        if (n == cap)
            lat = realloc(lat, (cap *= 2) * sizeof *lat);
        lat[n++] = t - ts;
    }
    close(fd);
    qsort(lat, n, sizeof *lat, cmp_double);
    double el = t - t0;
    printf("{\"transactions\": %zu, \"seconds\": %.6f, \"tps\": %.3f, "
           "\"median_us\": %.3f, \"p99_us\": %.3f}\n", n, el, n / el,
           n ? lat[n / 2] * 1e6 : 0.0, n ? lat[(size_t)(n * 0.99)] * 1e6 : 0.0);
    return 0;
}
