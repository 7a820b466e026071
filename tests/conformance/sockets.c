/*
 * Socket conformance: one static musl binary run on Linux (the oracle) and
 * on this kernel (tests/system/test_sockets.py), printing one line
 * "so: <check>: <result>" per check; the two outputs must be identical.
 * Only 127.0.0.1 is used (the VM boots with lo alone), and nothing printed
 * depends on ports, addresses of buffers, timing or the host's sysctls (so
 * no SO_RCVBUF beyond net.core.rmem_max, which hosts raise).  Covers socket(2)
 * errors, option defaults and Linux's doubling/clamping, bind/connect/send/
 * recv errnos, loopback datagrams with MSG_PEEK/MSG_TRUNC/IP_PKTINFO,
 * FIONREAD, mmsg calls, ECONNREFUSED and SO_ERROR, shutdown.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define KADDR ((void *)0xffffffff80000000UL)

static const char *errname(int e)
{
    static const struct { int e; const char *n; } t[] = {
        { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { EFAULT, "EFAULT" }, { EINVAL, "EINVAL" },
        { ENOTSOCK, "ENOTSOCK" }, { EDESTADDRREQ, "EDESTADDRREQ" }, { EMSGSIZE, "EMSGSIZE" },
        { EPROTOTYPE, "EPROTOTYPE" }, { ENOPROTOOPT, "ENOPROTOOPT" }, { EPROTONOSUPPORT, "EPROTONOSUPPORT" },
        { ESOCKTNOSUPPORT, "ESOCKTNOSUPPORT" }, { EOPNOTSUPP, "EOPNOTSUPP" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
        { EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" }, { EISCONN, "EISCONN" },
        { ENOTCONN, "ENOTCONN" }, { ECONNREFUSED, "ECONNREFUSED" }, { EHOSTUNREACH, "EHOSTUNREACH" },
        { EACCES, "EACCES" }, { EDOM, "EDOM" }, { ENETUNREACH, "ENETUNREACH" }, { EPIPE, "EPIPE" },
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
    if (r < 0)
        printf("so: %s: -%s\n", what, errname(errno));
    else
        printf("so: %s: %ld\n", what, r);
    return r;
}

static struct sockaddr_in lo(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((unsigned short)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    return a;
}
#define SA(a) ((struct sockaddr *)&(a))

static int udp(void) { return socket(AF_INET, SOCK_DGRAM, 0); }

/* A UDP socket bound to 127.0.0.1 on an ephemeral port; *port gets the port. */
static int bound(int *port)
{
    struct sockaddr_in a = lo(0);
    socklen_t l = sizeof(a);
    int fd = udp();

    bind(fd, SA(a), sizeof(a));
    getsockname(fd, SA(a), &l);
    *port = ntohs(a.sin_port);
    return fd;
}

static void getint(const char *what, int fd, int level, int opt)
{
    int v = -12345;
    socklen_t l = sizeof(v);

    if (show(what, getsockopt(fd, level, opt, &v, &l)) == 0)
        printf("so: %s value: %d len %u\n", what, v, (unsigned)l);
}

static void setint(const char *what, int fd, int level, int opt, int v)
{
    show(what, setsockopt(fd, level, opt, &v, sizeof(v)));
}

static void check_socket(void)
{
    int fd;

    show("socket bad family", socket(12345, SOCK_DGRAM, 0));
    show("socket bad type", socket(AF_INET, 99, 0));
    show("socket bad flags", socket(AF_INET, SOCK_DGRAM | 0x100000, 0));
    show("socket dgram tcp", socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));
    show("socket negative protocol", socket(AF_INET, SOCK_DGRAM, -1));
    show("socket raw 0", socket(AF_INET, SOCK_RAW, 0));
    show("socketpair inet", socketpair(AF_INET, SOCK_DGRAM, 0, (int[2]){ 0, 0 }));
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    printf("so: nonblock cloexec: fl %#x fd %d\n", fcntl(fd, F_GETFL), fcntl(fd, F_GETFD));
    close(fd);
    show("getsockname on a pipe end", getsockname(0, NULL, NULL) < 0 && errno == ENOTSOCK ? 0 : -1);
    show("bind bad fd", bind(999, NULL, 0));
}

static void check_options(void)
{
    struct timeval tv = { 1, 500000 };
    socklen_t l = sizeof(tv);
    int fd = udp(), v = 0;

    getint("SO_TYPE", fd, SOL_SOCKET, SO_TYPE);
    getint("SO_DOMAIN", fd, SOL_SOCKET, SO_DOMAIN);
    getint("SO_PROTOCOL", fd, SOL_SOCKET, SO_PROTOCOL);
    getint("SO_RCVBUF", fd, SOL_SOCKET, SO_RCVBUF);
    getint("SO_SNDBUF", fd, SOL_SOCKET, SO_SNDBUF);
    getint("SO_REUSEADDR", fd, SOL_SOCKET, SO_REUSEADDR);
    getint("SO_BROADCAST", fd, SOL_SOCKET, SO_BROADCAST);
    getint("SO_ERROR", fd, SOL_SOCKET, SO_ERROR);
    getint("IP_TTL", fd, IPPROTO_IP, IP_TTL);
    getint("IP_TOS", fd, IPPROTO_IP, IP_TOS);
    getint("IP_PKTINFO", fd, IPPROTO_IP, IP_PKTINFO);
    setint("SO_RCVBUF 1000", fd, SOL_SOCKET, SO_RCVBUF, 1000);
    getint("SO_RCVBUF after 1000", fd, SOL_SOCKET, SO_RCVBUF);
    setint("SO_RCVBUF 100000", fd, SOL_SOCKET, SO_RCVBUF, 100000);
    getint("SO_RCVBUF after 100000", fd, SOL_SOCKET, SO_RCVBUF);
    setint("SO_SNDBUF 1000", fd, SOL_SOCKET, SO_SNDBUF, 1000);
    getint("SO_SNDBUF after 1000", fd, SOL_SOCKET, SO_SNDBUF);
    setint("SO_REUSEADDR 5", fd, SOL_SOCKET, SO_REUSEADDR, 5);
    getint("SO_REUSEADDR after 5", fd, SOL_SOCKET, SO_REUSEADDR);
    setint("SO_TYPE is read-only", fd, SOL_SOCKET, SO_TYPE, 1);
    show("int option optlen 3", setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &v, 3));
    show("unknown SOL_SOCKET get", getsockopt(fd, SOL_SOCKET, 9999, &v, &(socklen_t){ 4 }));
    show("getsockopt negative len", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &(socklen_t){ (socklen_t)-1 }));
    show("getsockopt bad len pointer", getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, KADDR));
    show("SO_RCVTIMEO set", setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    tv = (struct timeval){ 0, 0 };
    show("SO_RCVTIMEO get", getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &l));
    printf("so: SO_RCVTIMEO value: %ld.%06ld len %u\n", (long)tv.tv_sec, (long)tv.tv_usec, (unsigned)l);
    tv = (struct timeval){ 0, 1000000 };
    show("SO_RCVTIMEO usec 1e6", setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
    show("SO_RCVTIMEO short", setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, 8));
    setint("IP_TTL 0", fd, IPPROTO_IP, IP_TTL, 0);
    setint("IP_TTL 256", fd, IPPROTO_IP, IP_TTL, 256);
    setint("IP_TTL 200", fd, IPPROTO_IP, IP_TTL, 200);
    getint("IP_TTL after 200", fd, IPPROTO_IP, IP_TTL);
    setint("IP_TTL -1", fd, IPPROTO_IP, IP_TTL, -1);
    getint("IP_TTL after -1", fd, IPPROTO_IP, IP_TTL);
    setint("IP_TOS 0x10", fd, IPPROTO_IP, IP_TOS, 0x10);
    getint("IP_TOS after", fd, IPPROTO_IP, IP_TOS);
    setint("IP_HDRINCL on udp", fd, IPPROTO_IP, IP_HDRINCL, 1);
    setint("IP unknown option", fd, IPPROTO_IP, 9999, 1);
    close(fd);
}

static void check_bind_connect(void)
{
    struct sockaddr_in a = lo(0), other = { .sin_family = AF_INET };
    struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
    socklen_t l = sizeof(a);
    int fd = udp(), fd2 = udp(), port, one = 1;

    show("bind short addrlen", bind(fd, SA(a), 8));
    show("bind AF_INET6 address", bind(fd, SA(six), sizeof(a)));
    other.sin_addr.s_addr = inet_addr("192.0.2.1");
    show("bind non-local address", bind(fd, SA(other), sizeof(other)));
    show("bind 127.0.0.1:0", bind(fd, SA(a), sizeof(a)));
    show("bind twice", bind(fd, SA(a), sizeof(a)));
    getsockname(fd, SA(a), &l);
    port = ntohs(a.sin_port);
    printf("so: ephemeral port in 32768-60999: %s\n", port >= 32768 && port <= 60999 ? "yes" : "no");
    show("bind same port", bind(fd2, SA(a), sizeof(a)));
    close(fd);
    close(fd2);
    fd = udp();
    fd2 = udp();
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    setsockopt(fd2, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    show("reuseaddr bind 1", bind(fd, SA(a), sizeof(a)));
    show("reuseaddr bind 2", bind(fd2, SA(a), sizeof(a)));
    close(fd2);
    show("getpeername unconnected", getpeername(fd, SA(a), &l));
    show("send unconnected", send(fd, "x", 1, 0));
    a = lo(port);
    show("connect", connect(fd, SA(a), sizeof(a)));
    l = sizeof(a);
    show("getpeername", getpeername(fd, SA(a), &l));
    printf("so: peer is 127.0.0.1, len %u: %s\n", (unsigned)l, a.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no");
    a.sin_family = AF_UNSPEC;
    show("connect AF_UNSPEC", connect(fd, SA(a), sizeof(a)));
    show("getpeername after AF_UNSPEC", getpeername(fd, SA(a), &l));
    show("listen on udp", listen(fd, 5));
    show("accept on udp", accept(fd, NULL, NULL));
    show("shutdown unconnected", shutdown(fd, SHUT_RDWR));
    show("shutdown how 5", shutdown(fd, 5));
    close(fd);
}

static void check_send_errors(void)
{
    static char big[65508];
    struct sockaddr_in a = lo(9);
    int fd = udp();

    show("sendto 65508 bytes", sendto(fd, big, sizeof(big), 0, SA(a), sizeof(a)));
    show("sendto short addrlen", sendto(fd, "x", 1, 0, SA(a), 8));
    a.sin_port = 0;
    show("sendto port 0", sendto(fd, "x", 1, 0, SA(a), sizeof(a)));
    show("sendto kernel buffer", sendto(fd, KADDR, 1, 0, SA(a), sizeof(a)));
    show("sendto bad fd", sendto(999, "x", 1, 0, NULL, 0));
    show("sendto addrlen -1", sendto(fd, "x", 1, 0, SA(a), (socklen_t)-1));
    close(fd);
}

static void check_loopback_data(void)
{
    struct sockaddr_in from;
    socklen_t l = sizeof(from);
    struct timeval tv = { 0, 100000 };
    char buf[64], cbuf[64];
    struct iovec iov = { buf, 4 };
    struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
                         .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *c;
    int port, fd = bound(&port), one = 1, n = -1;
    struct sockaddr_in me = lo(port);

    show("recv empty nonblocking", recv(fd, buf, sizeof(buf), MSG_DONTWAIT));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    show("recv empty with SO_RCVTIMEO", recv(fd, buf, sizeof(buf), 0));
    show("sendto self", sendto(fd, "hello world", 11, 0, SA(me), sizeof(me)));
    show("FIONREAD", ioctl(fd, FIONREAD, &n) ? -1 : n);
    show("recv MSG_PEEK", recv(fd, buf, 5, MSG_PEEK));
    show("recvfrom", recvfrom(fd, buf, sizeof(buf), 0, SA(from), &l));
    printf("so: recvfrom source ok: %s len %u\n", from.sin_port == htons((unsigned short)port) &&
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no", (unsigned)l);
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
    sendto(fd, "0123456789", 10, 0, SA(me), sizeof(me));
    show("recvmsg truncated", recvmsg(fd, &mh, 0));
    printf("so: recvmsg flags MSG_TRUNC: %s namelen %u\n", mh.msg_flags & MSG_TRUNC ? "yes" : "no",
           (unsigned)mh.msg_namelen);
    c = CMSG_FIRSTHDR(&mh);
    if (c) {
        struct in_pktinfo pi;

        memcpy(&pi, CMSG_DATA(c), sizeof(pi));
        printf("so: pktinfo level %d type %d len %zu ifindex %d addr ok %s\n", c->cmsg_level, c->cmsg_type,
               (size_t)c->cmsg_len, pi.ipi_ifindex, pi.ipi_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no");
    }
    sendto(fd, "abc", 3, 0, SA(me), sizeof(me));
    show("recv MSG_TRUNC small buffer", recv(fd, buf, 1, MSG_TRUNC));
    show("recv to kernel buffer", recv(fd, KADDR, 10, MSG_DONTWAIT));
    close(fd);
}

static void check_mmsg(void)
{
    int port, fd = bound(&port);
    struct sockaddr_in me = lo(port);
    char b[3][8];
    struct iovec iov[3];
    struct mmsghdr m[3];

    memset(m, 0, sizeof(m));
    for (int i = 0; i < 3; i++) {
        iov[i] = (struct iovec){ b[i], sizeof(b[i]) };
        m[i].msg_hdr = (struct msghdr){ .msg_name = &me, .msg_namelen = sizeof(me), .msg_iov = &iov[i], .msg_iovlen = 1 };
        snprintf(b[i], sizeof(b[i]), "m%d", i);
        iov[i].iov_len = 2;
    }
    show("sendmmsg 3", sendmmsg(fd, m, 3, 0));
    printf("so: sendmmsg lengths %u %u %u\n", m[0].msg_len, m[1].msg_len, m[2].msg_len);
    for (int i = 0; i < 3; i++) {
        iov[i].iov_len = sizeof(b[i]);
        m[i].msg_hdr.msg_name = NULL;
    }
    show("recvmmsg waitforone", recvmmsg(fd, m, 3, MSG_WAITFORONE, NULL));
    printf("so: recvmmsg got %.2s %.2s %.2s\n", b[0], b[1], b[2]);
    close(fd);
}

static void check_refused_and_shutdown(void)
{
    int port, fd = bound(&port), fd2 = udp(), v = 0;
    struct sockaddr_in closed = lo(port);
    struct timeval tv = { 2, 0 };
    socklen_t l = sizeof(v);
    char buf[8];

    close(fd);      /* the port is closed now */
    setsockopt(fd2, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    show("connect to closed port", connect(fd2, SA(closed), sizeof(closed)));
    show("send to closed port", send(fd2, "x", 1, 0));
    show("recv after port unreachable", recv(fd2, buf, sizeof(buf), 0));
    show("send again", send(fd2, "x", 1, 0));
    usleep(100000);
    show("SO_ERROR get", getsockopt(fd2, SOL_SOCKET, SO_ERROR, &v, &l));
    printf("so: SO_ERROR value: %s\n", v ? errname(v) : "0");
    show("shutdown SHUT_RD connected", shutdown(fd2, SHUT_RD));
    show("recv after SHUT_RD", recv(fd2, buf, sizeof(buf), 0));
    show("shutdown SHUT_WR", shutdown(fd2, SHUT_WR));
    show("send after SHUT_WR", send(fd2, "x", 1, MSG_NOSIGNAL));
    close(fd2);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    check_socket();
    check_options();
    check_bind_connect();
    check_send_errors();
    check_loopback_data();
    check_mmsg();
    check_refused_and_shutdown();
    printf("so: done\n");
    return 0;
}
