/*
 * Guest side of tests/system/test_udp.py: UDP and ICMP sockets as an app
 * uses them.  Usage: udp_client <host> <unreachable>, or udp_client sink
 * <port> (bind and never read: the receive-buffer flood test).  Prints one
 * "udpc: <check>: <result>" line per check and exits 0:
 *   echo through the host's UDP echo on port 5000, EAGAIN (O_NONBLOCK and
 *   MSG_DONTWAIT), SO_RCVTIMEO expiry, ECONNREFUSED from a closed host port,
 *   EHOSTUNREACH for an address ARP never resolves, a ping socket and a raw
 *   ICMP socket each getting the host's echo reply.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct sockaddr_in addr_of(const char *ip, int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };

    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static const char *res(long r)
{
    static char buf[64];

    if (r >= 0)
        snprintf(buf, sizeof(buf), "%ld", r);
    else
        snprintf(buf, sizeof(buf), "%s", errno == EAGAIN ? "EAGAIN" : errno == ECONNREFUSED ? "ECONNREFUSED"
                 : errno == EHOSTUNREACH ? "EHOSTUNREACH" : strerror(errno));
    return buf;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void check_echo_and_timeouts(const char *host)
{
    struct sockaddr_in h = addr_of(host, 5000);
    struct timeval tv = { 0, 300000 };
    char buf[64];
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    double t0;

    printf("udpc: nonblock recv: %s\n", res(recv(fd, buf, sizeof(buf), 0)));
    fcntl(fd, F_SETFL, 0);
    printf("udpc: dontwait recv: %s\n", res(recv(fd, buf, sizeof(buf), MSG_DONTWAIT)));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    t0 = now();
    printf("udpc: timed recv: %s\n", res(recv(fd, buf, sizeof(buf), 0)));
    printf("udpc: timed recv waited 0.3 s: %s\n", now() - t0 >= 0.29 ? "yes" : "no");
    tv.tv_sec = 5;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    printf("udpc: send to host: %s\n", res(sendto(fd, "guest hello", 11, 0, (struct sockaddr *)&h, sizeof(h))));
    printf("udpc: echo from host: %s\n", res(recv(fd, buf, sizeof(buf), 0)));
    close(fd);
}

static void check_errors(const char *host, const char *unreachable)
{
    struct sockaddr_in closed = addr_of(host, 5001), gone = addr_of(unreachable, 9);
    struct timeval tv = { 5, 0 };
    char buf[16];
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    connect(fd, (struct sockaddr *)&closed, sizeof(closed));
    printf("udpc: send to closed port: %s\n", res(send(fd, "x", 1, 0)));
    printf("udpc: recv after port unreachable: %s\n", res(recv(fd, buf, sizeof(buf), 0)));
    close(fd);
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    printf("udpc: send to unreachable: %s\n", res(sendto(fd, "x", 1, 0, (struct sockaddr *)&gone, sizeof(gone))));
    close(fd);
}

/* An echo request with id/seq; ping sockets overwrite the id, raw ones keep it. */
static void check_icmp(const char *host, int type, int proto, const char *name)
{
    struct sockaddr_in h = addr_of(host, 0);
    struct icmphdr req = { .type = ICMP_ECHO, .un.echo = { htons(77), htons(1) } };
    struct timeval tv = { 5, 0 };
    unsigned char buf[256];
    int fd = socket(AF_INET, type, proto), off = type == SOCK_RAW ? 20 : 0;
    unsigned sum = 0;
    long n;

    if (fd < 0) {
        printf("udpc: %s socket: %s\n", name, res(-1));
        return;
    }
    for (unsigned i = 0; i < sizeof(req) / 2; i++)
        sum += ((unsigned short *)&req)[i];
    sum = (sum & 0xffff) + (sum >> 16);
    req.checksum = (unsigned short)~((sum & 0xffff) + (sum >> 16));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    printf("udpc: %s send: %s\n", name, res(sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&h, sizeof(h))));
    do
        n = recv(fd, buf, sizeof(buf), 0);
    while (n > off && buf[off] != ICMP_ECHOREPLY);    /* raw sockets see every ICMP input */
    printf("udpc: %s reply: %s\n", name, n > off && buf[off] == ICMP_ECHOREPLY ? "yes" : res(n));
    close(fd);
}

/* Bind port and never read, so everything beyond the receive buffer must be dropped. */
static __attribute__((noreturn)) void sink(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port) };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    printf("udpc: sink bind: %s\n", res(bind(fd, (struct sockaddr *)&a, sizeof(a))));
    fflush(stdout);
    for (;;)
        sleep(1000);
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "sink"))
        sink(atoi(argv[2]));
    if (argc < 3) {
        fprintf(stderr, "usage: udp_client <host> <unreachable>\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_echo_and_timeouts(argv[1]);
    check_icmp(argv[1], SOCK_DGRAM, IPPROTO_ICMP, "ping socket");
    check_icmp(argv[1], SOCK_RAW, IPPROTO_ICMP, "raw socket");
    check_errors(argv[1], argv[2]);
    printf("udpc: done\n");
    return 0;
}
