/*
 * wire: an impairment link between QEMU and a tap device, for kernels
 * without netem (issue 6).  QEMU's `-netdev dgram` sends each guest frame
 * as one UDP datagram to --listen and takes frames from the datagrams it
 * gets back; the wire relays them to and from a tap device (created, or an
 * existing persistent one attached) and, per direction, drops, duplicates,
 * reorders, delays and corrupts frames at the given rates from --seed
 * (decisions: tools/wire/impair.c, unit-tested in tests/unit/test_wire.c).
 *
 *   ip netns exec NS build/tools/wire --tap tap0 --listen 127.0.0.1:5556 \
 *       --qemu 127.0.0.1:5555 --seed 7 --loss 1% --reorder 5% [--trace f]
 *   qemu ... -netdev dgram,id=n0,local.type=inet,local.host=127.0.0.1,\
 *       local.port=5555,remote.type=inet,remote.host=127.0.0.1,remote.port=5556
 *
 * Prints "wire: ready" once both ends are open; on SIGINT/SIGTERM prints a
 * "wire: stats ..." line and exits 0.  Linux only (tun, poll).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "impair.h"

enum { FROM_GUEST, FROM_HOST, NDIR };   /* direction = which side the frame came from */

struct stats {
    unsigned long long frames, dropped, duplicated, reordered, corrupted, sent;
};

static struct {
    int tap, udp;
    struct sockaddr_in qemu;
    bool impair_dir[NDIR];
    struct impair im[NDIR];
    struct stats st[NDIR];
    struct wire_queue q;
    FILE *trace;
} w;

static volatile sig_atomic_t stop;

static void on_signal(int sig) { stop = sig; }

static void die(const char *what)
{
    fprintf(stderr, "wire: %s: %s\n", what, strerror(errno));
    exit(1);
}

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void parse_addr(const char *s, struct sockaddr_in *a)
{
    char host[64];
    const char *colon = strrchr(s, ':');

    if (!colon || colon - s >= (long)sizeof(host)) {
        fprintf(stderr, "wire: bad address %s (want HOST:PORT)\n", s);
        exit(2);
    }
    memcpy(host, s, colon - s);
    host[colon - s] = 0;
    memset(a, 0, sizeof(*a));
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)atoi(colon + 1));
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) {
        fprintf(stderr, "wire: bad address %s\n", s);
        exit(2);
    }
}

/* Attach to (or create) tap `name`, without packet info headers, and bring it up. */
static int open_tap(const char *name)
{
    struct ifreq ifr = { 0 };
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK), s;

    if (fd < 0)
        die("/dev/net/tun");
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0)
        die("TUNSETIFF");
    if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        die("SIOCGIFFLAGS");
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        die("SIOCSIFFLAGS");
    close(s);
    return fd;
}

static int open_udp(const struct sockaddr_in *listen_at)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), big = 4 << 20;

    if (fd < 0 || bind(fd, (const struct sockaddr *)listen_at, sizeof(*listen_at)) < 0)
        die("bind");
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
    return fd;
}

static void trace(unsigned dir, size_t len, const struct impair_verdict *v)
{
    if (!w.trace)
        return;
    fprintf(w.trace, "%c %llu %zu%s%s%s", dir == FROM_GUEST ? 'G' : 'H',
            (unsigned long long)w.im[dir].frames, len, v->drop ? " drop" : "",
            v->copies > 1 ? " dup" : "", v->reordered ? " reorder" : "");
    if (v->corrupt_off >= 0)
        fprintf(w.trace, " corrupt %ld/%02x", v->corrupt_off, v->corrupt_mask);
    fputc('\n', w.trace);
}

/* One frame arrived from `dir`: decide, then queue its copies. */
static void frame_in(unsigned dir, uint8_t *buf, size_t len)
{
    struct impair_verdict v = { .copies = 1, .corrupt_off = -1 };
    struct stats *st = &w.st[dir];
    uint64_t due;

    st->frames++;
    if (w.impair_dir[dir]) {
        impair_decide(&w.im[dir], len, &v);
        trace(dir, len, &v);
    }
    if (v.drop) {
        st->dropped++;
        return;
    }
    if (v.corrupt_off >= 0) {
        buf[v.corrupt_off] ^= v.corrupt_mask;
        st->corrupted++;
    }
    st->duplicated += v.copies > 1;
    st->reordered += v.reordered;
    due = now_us() + v.delay_us;
    for (unsigned i = 0; i < v.copies; i++)
        wq_push(&w.q, due, dir, buf, len);
}

static void frame_out(const struct wire_frame *f)
{
    ssize_t n;

    if (f->dir == FROM_GUEST)
        n = write(w.tap, f->data, f->len);
    else
        n = sendto(w.udp, f->data, f->len, 0, (const struct sockaddr *)&w.qemu, sizeof(w.qemu));
    if (n == (ssize_t)f->len)
        w.st[f->dir].sent++;
}

static void read_ready(int fd, unsigned dir)
{
    static uint8_t buf[WIRE_MAX_FRAME];

    for (;;) {
        ssize_t n = fd == w.udp ? recv(fd, buf, sizeof(buf), 0) : read(fd, buf, sizeof(buf));

        if (n <= 0)
            return;
        frame_in(dir, buf, (size_t)n);
    }
}

static void loop(void)
{
    struct pollfd p[2] = { { .fd = w.udp, .events = POLLIN }, { .fd = w.tap, .events = POLLIN } };

    while (!stop) {
        uint64_t next = wq_next_due(&w.q), now = now_us();
        int timeout = next == UINT64_MAX ? 200 : next <= now ? 0 : (int)((next - now + 999) / 1000);
        struct wire_frame *f;

        if (poll(p, 2, timeout) < 0 && errno != EINTR)
            die("poll");
        if (p[0].revents & POLLIN)
            read_ready(w.udp, FROM_GUEST);
        if (p[1].revents & POLLIN)
            read_ready(w.tap, FROM_HOST);
        while ((f = wq_pop_due(&w.q, now_us()))) {
            frame_out(f);
            wq_free(f);
        }
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: wire --listen HOST:PORT --qemu HOST:PORT [--tap tap0] [--seed N]\n"
                    "  [--loss R] [--dup R] [--reorder R] [--corrupt R] [--delay-ms N]\n"
                    "  [--reorder-ms N] [--dir both|to-guest|to-host] [--trace FILE]\n"
                    "  rates: 0.05 or 5%%; --dir: which way frames are impaired\n");
    exit(2);
}

static uint32_t rate(const char *s)
{
    long r = impair_parse_rate(s);

    if (r < 0)
        usage();
    return (uint32_t)r;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "listen", 1, 0, 'l' }, { "qemu", 1, 0, 'q' }, { "tap", 1, 0, 't' },
        { "seed", 1, 0, 's' }, { "loss", 1, 0, 'L' }, { "dup", 1, 0, 'D' },
        { "reorder", 1, 0, 'R' }, { "corrupt", 1, 0, 'C' }, { "delay-ms", 1, 0, 'd' },
        { "reorder-ms", 1, 0, 'r' }, { "dir", 1, 0, 'w' }, { "trace", 1, 0, 'T' }, { 0 } };
    struct impair_cfg cfg = { .reorder_us = 5000 };
    struct sockaddr_in listen_at = { 0 };
    const char *tap = "tap0", *dir = "both";
    uint64_t seed = 1;
    int c;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'l': parse_addr(optarg, &listen_at); break;
        case 'q': parse_addr(optarg, &w.qemu); break;
        case 't': tap = optarg; break;
        case 's': seed = strtoull(optarg, NULL, 0); break;
        case 'L': cfg.loss_ppm = rate(optarg); break;
        case 'D': cfg.dup_ppm = rate(optarg); break;
        case 'R': cfg.reorder_ppm = rate(optarg); break;
        case 'C': cfg.corrupt_ppm = rate(optarg); break;
        case 'd': cfg.delay_us = (uint32_t)atoi(optarg) * 1000u; break;
        case 'r': cfg.reorder_us = (uint32_t)atoi(optarg) * 1000u; break;
        case 'w': dir = optarg; break;
        case 'T': if (!(w.trace = fopen(optarg, "w"))) die(optarg); break;
        default: usage();
        }
    }
    if (!listen_at.sin_port || !w.qemu.sin_port)
        usage();
    w.impair_dir[FROM_HOST] = strcmp(dir, "to-host") != 0;
    w.impair_dir[FROM_GUEST] = strcmp(dir, "to-guest") != 0;
    for (unsigned d = 0; d < NDIR; d++)
        impair_init(&w.im[d], &cfg, seed, d);
    wq_init(&w.q);
    w.tap = open_tap(tap);
    w.udp = open_udp(&listen_at);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    printf("wire: ready tap %s seed %llu\n", tap, (unsigned long long)seed);
    fflush(stdout);
    loop();
    for (unsigned d = 0; d < NDIR; d++) {
        const struct stats *s = &w.st[d];

        printf("wire: stats %s frames %llu dropped %llu duplicated %llu reordered %llu "
               "corrupted %llu sent %llu\n", d == FROM_GUEST ? "from-guest" : "from-host",
               s->frames, s->dropped, s->duplicated, s->reordered, s->corrupted, s->sent);
    }
    printf("wire: overflow %llu\n", (unsigned long long)w.q.overflow);
    if (w.trace)
        fclose(w.trace);
    wq_destroy(&w.q);
    return 0;
}
