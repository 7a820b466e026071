/*
 * udp_rr HOST PORT COUNT INTERVAL_MS [SIZE]
 *
 * UDP echo round-trip time, ping-like: COUNT datagrams of SIZE bytes
 * (default 56, ping's payload) to an echo service (port 7), one every
 * INTERVAL_MS, each waiting up to 1 s for its echo (matched by a sequence
 * number in the payload).  Prints one JSON object: sent, received, and the
 * median, p99, min and max RTT in microseconds.  ICMP port unreachable on
 * the connected socket ends the run with an error (nothing listening).
 */
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: udp_rr HOST PORT COUNT INTERVAL_MS [SIZE]\n");
        return 2;
    }
    struct sockaddr_in sa = addr_of(argv[1], argv[2]);
    int count = atoi(argv[3]);
    double interval = atof(argv[4]) / 1000.0;
    size_t size = argc == 6 ? (size_t)atoi(argv[5]) : 56;
    if (size < sizeof(unsigned) || size > 65507)
        size = 56;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        fail_json("socket", errno);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        fail_json("connect", errno);
    char *buf = calloc(1, size), *rbuf = malloc(size + 1);
    double *rtt = malloc(count * sizeof *rtt);
    int got = 0;
    double next = now_s();
    for (int seq = 0; seq < count; seq++) {
        double t;
        while ((t = now_s()) < next) {
            struct timespec ts = { 0, (long)((next - t) * 1e9) };
            nanosleep(&ts, NULL);
        }
        next += interval;
        memcpy(buf, &seq, sizeof seq);
        double t0 = now_s();
        if (send(fd, buf, size, 0) < 0)
            fail_json("send", errno);
        double deadline = t0 + 1.0;
        for (;;) {
            double left = deadline - now_s();
            if (left <= 0)
                break;
            struct pollfd p = { .fd = fd, .events = POLLIN };
            if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
                continue;
            ssize_t n = recv(fd, rbuf, size + 1, 0);
            double t1 = now_s();
            if (n < 0) {
                if (errno == ECONNREFUSED)
                    fail_json("recv (nothing listening: ICMP port unreachable)", errno);
                if (errno == EINTR)
                    continue;
                fail_json("recv", errno);
            }
            int rseq;
            if ((size_t)n == size && (memcpy(&rseq, rbuf, sizeof rseq), rseq == seq)) {
                rtt[got++] = t1 - t0;
                break;
            }
        }
    }
    close(fd);
    if (!got) {
        printf("{\"error\": \"no echo among %d datagrams\", \"sent\": %d, \"received\": 0}\n",
               count, count);
        return 1;
    }
    qsort(rtt, got, sizeof *rtt, cmp_double);
    printf("{\"sent\": %d, \"received\": %d, \"median_us\": %.3f, \"p99_us\": %.3f, "
           "\"min_us\": %.3f, \"max_us\": %.3f}\n", count, got, rtt[got / 2] * 1e6,
           rtt[(int)(got * 0.99)] * 1e6, rtt[0] * 1e6, rtt[got - 1] * 1e6);
    return 0;
}
