/*
 * Readiness conformance: one static musl binary, run on Linux (the oracle)
 * and on this kernel, exercising poll(2), ppoll, select(2), pselect6,
 * epoll(7) (LT, EPOLLET, EPOLLONESHOT, EPOLLRDHUP, EPOLLEXCLUSIVE, nesting,
 * close semantics, error cases), eventfd(2) and timerfd_create(2) through
 * raw syscalls where the libc would hide a detail (select's time write-back).
 * Only fd kinds both kernels have: eventfd, timerfd, the stdio pipes/console
 * and UDP sockets on 127.0.0.1.  Each check prints "rd: <check>: <result>";
 * times are printed as relations, never values, so tests/system/
 * test_readiness.py can require identical output.  Harness contract: stdin
 * and stdout are pipes (fd 2 is fd 1's file), stdin stays open; after
 * "rd: waiting for input" the harness sends "xyz\n".  Packets on loopback
 * arrive asynchronously in the unikernel, so every check that depends on
 * one blocks (with a timeout) rather than polling once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MS      1000000ULL
#define PG      4096UL

static char *ro_page;       /* mapped read-only */
static char *gap;           /* an unmapped page */

static const char *errname(int e)
{
    static const struct { int e; const char *n; } t[] = {
        { EPERM, "EPERM" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
        { EFAULT, "EFAULT" }, { EEXIST, "EEXIST" }, { EINVAL, "EINVAL" }, { ENOENT, "ENOENT" },
        { ELOOP, "ELOOP" }, { ENOTCONN, "ENOTCONN" }, { ESPIPE, "ESPIPE" },
        { ECONNREFUSED, "ECONNREFUSED" }, { ENOSYS, "ENOSYS" },
    };
    static char other[24];

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (t[i].e == e)
            return t[i].n;
    snprintf(other, sizeof(other), "errno %d", e);
    return other;
}

static long show(const char *what, long r)
{
    if (r == -1)
        printf("rd: %s: -%s\n", what, errname(errno));
    else
        printf("rd: %s: %ld\n", what, r);
    return r;
}

static void yesno(const char *what, int cond)
{
    printf("rd: %s: %s\n", what, cond ? "yes" : "no");
}

#define S(what, ...) show(what, syscall(__VA_ARGS__))

static uint64_t now_ns(clockid_t c)
{
    struct timespec ts;

    clock_gettime(c, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Event bits by name, so a difference reads as one. */
static const char *evname(uint32_t ev)
{
    static char buf[128];
    static const struct { uint32_t b; const char *n; } t[] = {
        { EPOLLIN, "IN" }, { EPOLLPRI, "PRI" }, { EPOLLOUT, "OUT" }, { EPOLLERR, "ERR" },
        { EPOLLHUP, "HUP" }, { EPOLLNVAL, "NVAL" }, { EPOLLRDNORM, "RDNORM" },
        { EPOLLRDBAND, "RDBAND" }, { EPOLLWRNORM, "WRNORM" }, { EPOLLWRBAND, "WRBAND" },
        { EPOLLRDHUP, "RDHUP" },
    };

    buf[0] = 0;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (ev & t[i].b)
            snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", buf[0] ? "|" : "", t[i].n);
    return buf[0] ? buf : "0";
}

static void efd_add(int efd, uint64_t n)
{
    if (write(efd, &n, 8) != 8)
        printf("rd: eventfd write failed: %s\n", errname(errno));
}

static uint64_t efd_take(int fd)
{
    uint64_t n = 0;

    return read(fd, &n, 8) == 8 ? n : 0;
}

/* epoll_wait, printing the count and each event as data:events. */
static int ewait(const char *what, int ep, int max, int timeout)
{
    struct epoll_event ev[8];
    int n = epoll_wait(ep, ev, max, timeout);

    if (n < 0) {
        printf("rd: %s: -%s\n", what, errname(errno));
        return n;
    }
    printf("rd: %s: %d", what, n);
    for (int i = 0; i < n; i++)
        printf(" %llu:%s", (unsigned long long)ev[i].data.u64, evname(ev[i].events));
    printf("\n");
    return n;
}

static int ectl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev = { .events = events, .data.u64 = data };

    return epoll_ctl(ep, op, fd, &ev);
}

static void check_eventfd(void)
{
    int efd = eventfd(0, EFD_NONBLOCK), sem;
    uint64_t v = 0;

    S("eventfd2 unknown flag", SYS_eventfd2, 0, 4);
    S("eventfd read empty, nonblocking", SYS_read, efd, &v, 8);
    S("eventfd read 4 bytes", SYS_read, efd, &v, 4);
    S("eventfd write 4 bytes", SYS_write, efd, &v, 4);
    efd_add(efd, 1);
    efd_add(efd, 2);
    S("eventfd read 16 bytes", SYS_read, efd, &v, 16);
    printf("rd: eventfd sum: %llu\n", (unsigned long long)v);
    v = UINT64_MAX;
    S("eventfd write 2^64-1", SYS_write, efd, &v, 8);
    v = UINT64_MAX - 1;
    S("eventfd write 2^64-2", SYS_write, efd, &v, 8);
    struct pollfd p = { efd, POLLIN | POLLOUT, 0 };
    S("poll full eventfd", SYS_poll, &p, 1, 0);
    printf("rd: full eventfd revents: %s\n", evname((uint16_t)p.revents));
    v = 1;
    S("eventfd write to full, nonblocking", SYS_write, efd, &v, 8);
    S("eventfd write from unmapped page", SYS_write, efd, gap, 8);
    efd_take(efd);
    S("F_GETFL eventfd", SYS_fcntl, efd, F_GETFL);
    close(efd);
    sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    S("F_GETFD semaphore eventfd", SYS_fcntl, sem, F_GETFD);
    for (int i = 0; i < 4; i++)
        S("semaphore read", SYS_read, sem, &v, 8);
    close(sem);
}

static void check_poll(void)
{
    int efd = eventfd(0, EFD_NONBLOCK), closed = eventfd(0, 0);
    struct pollfd p[4] = { { efd, POLLIN | POLLOUT | POLLRDNORM, 0 }, { -1, POLLIN, 0 },
                           { closed, POLLIN, 0 }, { 1, POLLOUT, 0 } };
    struct rlimit rl;
    uint64_t t0;

    close(closed);
    S("poll mixed set", SYS_poll, p, 4, 0);
    for (int i = 0; i < 4; i++)
        printf("rd: poll entry %d revents: %s\n", i, evname((uint16_t)p[i].revents));
    p[0].events = POLLRDNORM;
    efd_add(efd, 1);
    S("poll eventfd for POLLRDNORM only", SYS_poll, p, 1, 0);
    printf("rd: POLLRDNORM revents: %s\n", evname((uint16_t)p[0].revents));
    struct pollfd in = { 0, POLLIN, 0 };
    S("poll stdin, no input", SYS_poll, &in, 1, 0);
    getrlimit(RLIMIT_NOFILE, &rl);
    S("poll nfds above RLIMIT_NOFILE", SYS_poll, NULL, rl.rlim_cur + 1, 0);
    S("poll unmapped array", SYS_poll, gap, 1, 0);
    S("poll read-only array", SYS_poll, ro_page, 1, 0);
    t0 = now_ns(CLOCK_MONOTONIC);
    S("poll nothing, 50 ms", SYS_poll, NULL, 0, 50);
    yesno("poll waited at least 50 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS);

    int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = { .it_value = { 0, 30 * MS } };
    struct pollfd pt = { tfd, POLLIN, 0 };
    timerfd_settime(tfd, 0, &its, NULL);
    S("poll woken by a timerfd", SYS_poll, &pt, 1, 5000);
    printf("rd: timerfd revents: %s\n", evname((uint16_t)pt.revents));
    close(tfd);

    struct timespec ts = { 0, 1000000000 }, left = { 5, 0 };
    sigset_t mask;
    sigemptyset(&mask);
    S("ppoll tv_nsec 1e9", SYS_ppoll, p, 1, &ts, NULL, 8);
    S("ppoll sigsetsize 4", SYS_ppoll, p, 1, NULL, &mask, 4);
    S("ppoll unmapped sigmask", SYS_ppoll, p, 1, NULL, gap, 8);
    p[0].events = POLLOUT;
    S("ppoll ready, 5 s, with mask", SYS_ppoll, p, 1, &left, &mask, 8);
    yesno("ppoll wrote back 4 s < left <= 5 s",
          (left.tv_sec == 4 && left.tv_nsec > 0) || (left.tv_sec == 5 && left.tv_nsec == 0));
    struct timespec zero = { 0, 0 };
    S("ppoll zero timeout", SYS_ppoll, p, 1, &zero, NULL, 8);
    close(efd);
}

static void check_select(void)
{
    int efd = eventfd(0, EFD_NONBLOCK), closed = eventfd(0, 0);
    fd_set r, w, x;
    struct { long sec, usec; } tv;
    struct { const void *ss; size_t len; } sig;
    sigset_t mask;

    close(closed);
    S("select n=-1", SYS_select, -1, NULL, NULL, NULL, NULL);
    FD_ZERO(&r);
    FD_SET(closed, &r);
    S("select on a closed fd", SYS_select, closed + 1, &r, NULL, NULL, NULL);
    FD_ZERO(&r); FD_ZERO(&w); FD_ZERO(&x);
    FD_SET(efd, &r); FD_SET(efd, &w); FD_SET(efd, &x);
    S("select eventfd r/w/x", SYS_select, efd + 1, &r, &w, &x, NULL);
    printf("rd: select sets: r=%d w=%d x=%d\n", FD_ISSET(efd, &r), FD_ISSET(efd, &w), FD_ISSET(efd, &x));
    FD_ZERO(&r);
    FD_SET(efd, &r);
    tv.sec = 0; tv.usec = 100000;
    S("select nothing ready, 100 ms", SYS_select, efd + 1, &r, NULL, NULL, &tv);
    printf("rd: select timed out: set=%d tv=%ld.%06ld\n", FD_ISSET(efd, &r), tv.sec, tv.usec);
    FD_ZERO(&w);
    FD_SET(efd, &w);
    tv.sec = 0; tv.usec = 1500000;
    S("select tv_usec 1.5e6, ready", SYS_select, efd + 1, NULL, &w, NULL, &tv);
    yesno("select carried usec into 1 s left", tv.sec == 1);
    tv.sec = 0; tv.usec = -1;
    S("select tv_usec -1", SYS_select, efd + 1, NULL, &w, NULL, &tv);
    tv.sec = 0; tv.usec = 0;
    S("select zero timeout, nothing asked", SYS_select, 0, NULL, NULL, NULL, &tv);
    S("select unmapped set", SYS_select, 10, gap, NULL, NULL, &tv);
    sigemptyset(&mask);
    sig.ss = &mask; sig.len = 8;
    struct timespec ts = { 0, 0 };
    S("pselect6 with mask", SYS_pselect6, efd + 1, NULL, &w, NULL, &ts, &sig);
    sig.len = 4;
    S("pselect6 sigsetsize 4", SYS_pselect6, efd + 1, NULL, &w, NULL, &ts, &sig);
    S("pselect6 unmapped argpack", SYS_pselect6, efd + 1, NULL, &w, NULL, &ts, gap);
    ts.tv_nsec = -1;
    S("pselect6 tv_nsec -1", SYS_pselect6, efd + 1, NULL, &w, NULL, &ts, NULL);
    uint64_t t0 = now_ns(CLOCK_MONOTONIC);
    ts.tv_nsec = 50 * MS;
    S("pselect6 nothing, 50 ms", SYS_pselect6, 0, NULL, NULL, NULL, &ts, NULL);
    yesno("pselect6 waited at least 50 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS);
    printf("rd: pselect6 time left: %ld.%09ld\n", (long)ts.tv_sec, ts.tv_nsec);
    close(efd);
}

static void check_epoll_errors(void)
{
    int ep = epoll_create1(0), ep2 = epoll_create1(EPOLL_CLOEXEC), efd = eventfd(0, 0);
    struct epoll_event ev;

    S("epoll_create 0", SYS_epoll_create, 0);
    S("epoll_create1 unknown flag", SYS_epoll_create1, 1);
    S("F_GETFD epoll_create1(EPOLL_CLOEXEC)", SYS_fcntl, ep2, F_GETFD);
    show("ctl on a non-epoll fd", ectl(efd, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
    show("ctl bad epfd", ectl(99, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
    show("ctl bad fd", ectl(ep, EPOLL_CTL_ADD, 99, EPOLLIN, 0));
    show("ctl add itself", ectl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
    show("ctl del missing", ectl(ep, EPOLL_CTL_DEL, efd, 0, 0));
    show("ctl mod missing", ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0));
    show("ctl unknown op", ectl(ep, 7, efd, EPOLLIN, 0));
    S("ctl add NULL event", SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, NULL);
    show("ctl add", ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
    show("ctl add again", ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
    S("ctl del NULL event", SYS_epoll_ctl, ep, EPOLL_CTL_DEL, efd, NULL);
    show("ctl add EXCLUSIVE|ONESHOT", ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0));
    show("ctl add EXCLUSIVE|RDHUP", ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDHUP, 0));
    show("ctl add EXCLUSIVE on an epoll", ectl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN | EPOLLEXCLUSIVE, 0));
    show("ctl add EXCLUSIVE|ET", ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLET, 0));
    show("ctl mod an EXCLUSIVE item", ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0));
    show("ctl mod with EXCLUSIVE", ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLEXCLUSIVE, 0));
    show("ctl add ep2 to ep", ectl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN, 0));
    show("ctl add ep to ep2 (loop)", ectl(ep2, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
    S("epoll_wait maxevents 0", SYS_epoll_wait, ep, &ev, 0, 0);
    S("epoll_wait maxevents INT_MAX", SYS_epoll_wait, ep, &ev, 0x7fffffff, 0);
    S("epoll_wait on an eventfd", SYS_epoll_wait, efd, &ev, 1, 0);
    S("epoll_wait bad epfd", SYS_epoll_wait, 99, &ev, 1, 0);
    S("epoll_wait NULL events", SYS_epoll_wait, ep, NULL, 1, 0);
    S("epoll_wait kernel events", SYS_epoll_wait, ep, (void *)0xffffffff80000000UL, 1, 0);
    S("epoll_pwait sigsetsize 4", SYS_epoll_pwait, ep, &ev, 1, 0, &ev, 4);
    S("read an epoll fd", SYS_read, ep, &ev, sizeof(ev));
    close(ep);
    close(ep2);
    close(efd);
}

static void check_epoll_modes(void)
{
    int ep = epoll_create1(0), efd = eventfd(0, EFD_NONBLOCK), e[3];

    ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0x1122334455667788ULL);
    ewait("LT empty", ep, 8, 0);
    efd_add(efd, 1);
    ewait("LT after write", ep, 8, 0);
    ewait("LT again, unread", ep, 8, 0);
    efd_take(efd);
    ewait("LT after read", ep, 8, 0);

    ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 2);
    efd_add(efd, 1);
    ewait("ET after write", ep, 8, 0);
    ewait("ET again, unread", ep, 8, 0);
    efd_add(efd, 1);
    ewait("ET after second write", ep, 8, 0);
    ewait("ET again", ep, 8, 0);
    ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 3);
    ewait("ET re-armed by MOD while ready", ep, 8, 0);
    efd_take(efd);

    ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLOUT | EPOLLET, 4);
    ewait("ET IN|OUT, empty counter", ep, 8, 0);
    ewait("ET IN|OUT again", ep, 8, 0);
    efd_add(efd, 0);
    ewait("ET IN|OUT after writing 0", ep, 8, 0);

    ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 5);
    efd_add(efd, 1);
    ewait("ONESHOT after write", ep, 8, 0);
    efd_add(efd, 1);
    ewait("ONESHOT after another write", ep, 8, 0);
    ectl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 6);
    ewait("ONESHOT re-armed", ep, 8, 0);
    efd_take(efd);
    ectl(ep, EPOLL_CTL_MOD, efd, EPOLLOUT, 7);
    ewait("LT OUT", ep, 8, 0);
    ectl(ep, EPOLL_CTL_MOD, efd, 0, 8);
    ewait("no events asked", ep, 8, 0);
    ectl(ep, EPOLL_CTL_DEL, efd, 0, 0);

    for (int i = 0; i < 3; i++) {
        e[i] = eventfd(1, EFD_NONBLOCK);
        ectl(ep, EPOLL_CTL_ADD, e[i], EPOLLIN, 10 + i);
    }
    ewait("three ready, maxevents 2", ep, 2, 0);
    ewait("three ready, maxevents 2, next", ep, 2, 0);
    ewait("three ready, maxevents 8", ep, 8, 0);
    for (int i = 0; i < 3; i++)
        close(e[i]);
    ewait("all three closed", ep, 8, 0);
    close(efd);
    close(ep);
}

static void check_epoll_lifetime(void)
{
    int ep = epoll_create1(0), efd = eventfd(0, EFD_NONBLOCK), dup_fd = dup(efd);

    ectl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 1);
    close(efd);
    efd_add(dup_fd, 1);
    ewait("closed fd, file alive through a dup", ep, 8, 0);
    show("ctl del the closed fd", ectl(ep, EPOLL_CTL_DEL, efd, 0, 0));
    show("ctl del the dup (never added)", ectl(ep, EPOLL_CTL_DEL, dup_fd, 0, 0));
    close(dup_fd);
    ewait("last reference closed", ep, 8, 0);

    int inner = epoll_create1(0), e2 = eventfd(0, EFD_NONBLOCK), outer = epoll_create1(0);
    ectl(inner, EPOLL_CTL_ADD, e2, EPOLLIN, 20);
    ectl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 21);
    ewait("nested, nothing ready", outer, 8, 0);
    efd_add(e2, 1);
    ewait("nested, inner ready", outer, 8, 0);
    struct pollfd p = { inner, POLLIN, 0 };
    S("poll an epoll fd", SYS_poll, &p, 1, 0);
    printf("rd: epoll fd revents: %s\n", evname((uint16_t)p.revents));
    efd_take(e2);
    ewait("nested, inner drained", outer, 8, 0);
    efd_add(e2, 1);
    close(inner);
    ewait("nested, inner still open via outer? no: closed", outer, 8, 0);
    close(e2);
    close(outer);

    int a = epoll_create1(0), b = epoll_create1(0), e3 = eventfd(0, EFD_NONBLOCK);
    ectl(a, EPOLL_CTL_ADD, e3, EPOLLIN | EPOLLEXCLUSIVE, 30);
    ectl(b, EPOLL_CTL_ADD, e3, EPOLLIN | EPOLLEXCLUSIVE, 31);
    efd_add(e3, 1);
    ewait("EXCLUSIVE, nobody waiting: first instance", a, 8, 0);
    ewait("EXCLUSIVE, nobody waiting: second instance", b, 8, 0);
    close(a);
    close(b);
    close(e3);
    close(ep);
}

static void check_epoll_blocking(void)
{
    int ep = epoll_create1(0), tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct itimerspec its = { .it_value = { 0, 30 * MS } };
    struct epoll_event ev;
    uint64_t t0;

    ectl(ep, EPOLL_CTL_ADD, tfd, EPOLLIN, 40);
    timerfd_settime(tfd, 0, &its, NULL);
    ewait("epoll_wait woken by a timerfd", ep, 8, -1);
    printf("rd: expirations: %llu\n", (unsigned long long)efd_take(tfd));
    t0 = now_ns(CLOCK_MONOTONIC);
    ewait("epoll_wait nothing, 50 ms", ep, 8, 50);
    yesno("epoll_wait waited at least 50 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS);
    struct timespec ts = { 0, 50 * MS };
    t0 = now_ns(CLOCK_MONOTONIC);
    S("epoll_pwait2 nothing, 50 ms", SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8);
    yesno("epoll_pwait2 waited at least 50 ms", now_ns(CLOCK_MONOTONIC) - t0 >= 50 * MS);
    ts.tv_nsec = -5;
    S("epoll_pwait2 tv_nsec -5", SYS_epoll_pwait2, ep, &ev, 1, &ts, NULL, 8);
    close(tfd);
    close(ep);
}

static void check_timerfd(void)
{
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), efd = eventfd(0, 0);
    struct itimerspec its = { 0 }, cur, old;
    uint64_t v, now;

    S("timerfd_create CLOCK_PROCESS_CPUTIME_ID", SYS_timerfd_create, CLOCK_PROCESS_CPUTIME_ID, 0);
    S("timerfd_create unknown flag", SYS_timerfd_create, CLOCK_MONOTONIC, 1);
    S("timerfd_gettime fresh", SYS_timerfd_gettime, tfd, &cur);
    printf("rd: fresh: %ld.%09ld / %ld.%09ld\n", cur.it_value.tv_sec, cur.it_value.tv_nsec,
           cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
    S("timerfd read unarmed, nonblocking", SYS_read, tfd, &v, 8);
    S("timerfd read 4 bytes", SYS_read, tfd, &v, 4);
    S("timerfd write", SYS_write, tfd, &v, 8);
    its.it_value.tv_nsec = 1000000000;
    S("settime tv_nsec 1e9", SYS_timerfd_settime, tfd, 0, &its, NULL);
    its.it_value.tv_nsec = 0;
    S("settime unknown flag", SYS_timerfd_settime, tfd, 4, &its, NULL);
    S("settime on an eventfd", SYS_timerfd_settime, efd, 0, &its, NULL);
    S("settime bad fd", SYS_timerfd_settime, 99, 0, &its, NULL);
    S("settime NULL value", SYS_timerfd_settime, tfd, 0, NULL, NULL);
    S("gettime on an eventfd", SYS_timerfd_gettime, efd, &cur);

    its.it_value.tv_sec = 10;
    S("settime 10 s", SYS_timerfd_settime, tfd, 0, &its, NULL);
    its.it_value.tv_sec = 0;
    S("settime disarm, old value", SYS_timerfd_settime, tfd, 0, &its, &old);
    yesno("old value 9 s < left <= 10 s", old.it_value.tv_sec == 9 || (old.it_value.tv_sec == 10 && !old.it_value.tv_nsec));
    timerfd_gettime(tfd, &cur);
    yesno("disarmed reads 0", !cur.it_value.tv_sec && !cur.it_value.tv_nsec);

    now = now_ns(CLOCK_MONOTONIC);
    if (now < 1000 * MS) {              /* a VM just booted: let 550 ms ago exist */
        struct timespec rest = { 0, (long)(1000 * MS - now) };
        nanosleep(&rest, NULL);
        now = now_ns(CLOCK_MONOTONIC);
    }
    its.it_interval.tv_nsec = 100 * MS;
    its.it_value.tv_sec = (time_t)((now - 550 * MS) / 1000000000ULL);
    its.it_value.tv_nsec = (long)((now - 550 * MS) % 1000000000ULL);
    S("settime ABSTIME 550 ms ago, period 100 ms", SYS_timerfd_settime, tfd, TFD_TIMER_ABSTIME, &its, NULL);
    struct pollfd p = { tfd, POLLIN, 0 };
    S("poll past-due timerfd", SYS_poll, &p, 1, 5000);
    S("timerfd read", SYS_read, tfd, &v, 8);
    printf("rd: expirations of a 100 ms period 550 ms late: %llu\n", (unsigned long long)v);
    timerfd_gettime(tfd, &cur);
    printf("rd: periodic gettime: value.sec=%ld interval=%ld.%09ld\n", cur.it_value.tv_sec,
           cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
    S("timerfd read right after", SYS_read, tfd, &v, 8);

    now = now_ns(CLOCK_REALTIME) + 50 * MS;
    struct itimerspec rt = { .it_value = { (time_t)(now / 1000000000ULL), (long)(now % 1000000000ULL) } };
    int rfd = timerfd_create(CLOCK_REALTIME, 0);
    S("settime REALTIME ABSTIME +50 ms, CANCEL_ON_SET", SYS_timerfd_settime, rfd,
      TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &rt, NULL);
    S("blocking read", SYS_read, rfd, &v, 8);
    printf("rd: REALTIME expirations: %llu\n", (unsigned long long)v);
    yesno("fired no earlier than its time", now_ns(CLOCK_REALTIME) >= now);

    its.it_interval.tv_nsec = 0;
    its.it_value.tv_sec = 1;
    its.it_value.tv_nsec = 0;
    S("settime ABSTIME 1 s after boot (past)", SYS_timerfd_settime, tfd, TFD_TIMER_ABSTIME, &its, NULL);
    S("poll it", SYS_poll, &p, 1, 5000);
    its.it_value.tv_sec = 10;
    S("settime again drops the expiration", SYS_timerfd_settime, tfd, 0, &its, NULL);
    S("poll it again", SYS_poll, &p, 1, 0);
    close(rfd);
    close(tfd);
    close(efd);
}

/* UDP on loopback: EPOLLOUT, data arrival, ERR from ICMP port unreachable, RDHUP/HUP from shutdown. */
static void check_udp(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
    int ep = epoll_create1(0);
    char buf[16];

    bind(rx, (struct sockaddr *)&a, sizeof(a));
    getsockname(rx, (struct sockaddr *)&a, &len);
    connect(tx, (struct sockaddr *)&a, sizeof(a));
    ectl(ep, EPOLL_CTL_ADD, rx, EPOLLIN | EPOLLOUT | EPOLLET, 50);
    ewait("udp ET, idle socket", ep, 8, 0);
    ewait("udp ET, again", ep, 8, 0);
    send(tx, "x", 1, 0);
    ewait("udp ET, datagram arrives", ep, 8, 5000);
    recv(rx, buf, sizeof(buf), 0);
    ectl(ep, EPOLL_CTL_MOD, rx, EPOLLIN | EPOLLRDHUP, 51);
    ewait("udp LT IN|RDHUP, drained", ep, 8, 0);
    show("connect rx to tx", connect(rx, (struct sockaddr *)&a, sizeof(a)) ? -1 : 0);
    show("shutdown SHUT_RD", shutdown(rx, SHUT_RD));
    ewait("udp after SHUT_RD", ep, 8, 0);
    show("shutdown SHUT_WR", shutdown(rx, SHUT_WR));
    ewait("udp after SHUT_RDWR", ep, 8, 0);
    close(rx);

    int lone = socket(AF_INET, SOCK_DGRAM, 0);
    show("shutdown unconnected", shutdown(lone, SHUT_RDWR));
    struct pollfd p = { lone, POLLIN | POLLOUT | POLLRDHUP, 0 };
    S("poll shut-down unconnected socket", SYS_poll, &p, 1, 0);
    printf("rd: revents: %s\n", evname((uint16_t)p.revents));
    close(lone);

    /* rx is gone: tx's next datagram draws ICMP port unreachable -> sk_err. */
    ectl(ep, EPOLL_CTL_ADD, tx, 0, 52);
    send(tx, "y", 1, 0);
    ewait("udp ERR from port unreachable (only implicit events)", ep, 8, 5000);
    show("send after the error", send(tx, "z", 1, 0));
    close(tx);
    close(ep);
}

/* The console (VM) or a pipe (Linux) as stdin: readiness when the harness types, from the IRQ path. */
static void check_stdin(void)
{
    int ep = epoll_create1(0);
    char line[16] = "", c;
    size_t n = 0;

    show("ctl add stdin ET", ectl(ep, EPOLL_CTL_ADD, 0, EPOLLIN | EPOLLET, 60));
    ewait("stdin before input", ep, 8, 0);
    printf("rd: waiting for input\n");
    ewait("stdin input arrives", ep, 8, 60000);
    while (n < sizeof(line) - 1 && read(0, &c, 1) == 1 && c != '\n')
        line[n++] = c;
    printf("rd: stdin read: %s\n", line);
    ewait("stdin drained", ep, 8, 0);
    close(ep);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    ro_page = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gap = ro_page + PG;
    munmap(gap, PG);
    mprotect(ro_page, PG, PROT_READ);
    printf("rd: start\n");
    check_eventfd();
    check_poll();
    check_select();
    check_epoll_errors();
    check_epoll_modes();
    check_epoll_lifetime();
    check_epoll_blocking();
    check_timerfd();
    check_udp();
    check_stdin();
    printf("rd: done\n");
    return 0;
}
