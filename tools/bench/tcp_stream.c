/*
 * tcp_stream HOST PORT send|recv SECONDS
 *
 * Bulk TCP throughput on one connection: `send` writes 64 KiB buffers to a
 * discard service (port 9) for SECONDS, `recv` reads from a chargen service
 * (port 19) for SECONDS.  Prints one JSON object: bytes, seconds, gbps (the
 * payload rate, 1 Gbit = 1e9 bit).  The clock starts once connected.
 */
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: tcp_stream HOST PORT send|recv SECONDS\n");
        return 2;
    }
    struct sockaddr_in sa = addr_of(argv[1], argv[2]);
    int sending = strcmp(argv[3], "send") == 0;
    double secs = atof(argv[4]);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        fail_json("socket", errno);
    struct timeval tv = { .tv_sec = 5 };
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        fail_json("connect", errno);
    static char buf[65536];
    memset(buf, 'x', sizeof buf);
    unsigned long long bytes = 0;
    double t0 = now_s(), t = t0, end = t0 + secs;
    int err = 0;
    while (t < end) {
        ssize_t n = sending ? write(fd, buf, sizeof buf) : read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? errno : 0;
            t = now_s();
            break;
        }
        bytes += (unsigned long long)n;
        t = now_s();
    }
    double el = t - t0;
    close(fd);
    if (t < end) {
        printf("{\"error\": \"%s after %llu bytes: %s\", \"bytes\": %llu, \"seconds\": %.6f}\n",
               sending ? "write" : "read", bytes, err ? strerror(err) : "connection closed",
               bytes, el);
        return 1;
    }
    printf("{\"bytes\": %llu, \"seconds\": %.6f, \"gbps\": %.6f}\n", bytes, el,
           el > 0 ? bytes * 8.0 / el / 1e9 : 0.0);
    return 0;
}
