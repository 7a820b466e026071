/*
 * echo: the RFC 862 Echo Protocol over UDP on port 7: every datagram comes
 * back to its sender unchanged (0 to 65507 bytes).  Plain POSIX, so the same
 * static binary runs on Linux and on the unikernel.  TCP echo (and discard,
 * chargen) join when TCP lands.  Usage: echo [port]  (default 7).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_DGRAM 65507     /* largest UDP payload over IPv4 */

static unsigned char buf[MAX_DGRAM + 1];

static int udp_socket(unsigned short port)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    if (fd < 0) {
        perror("echo: socket");
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
        perror("echo: bind");
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    unsigned short port = argc > 1 ? (unsigned short)atoi(argv[1]) : 7;
    int fd = udp_socket(port);

    if (fd < 0)
        return 1;
    printf("echo: udp port %u ready\n", port);
    fflush(stdout);
    for (;;) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("echo: recvfrom");
            return 1;
        }
        /* A reply that cannot go (no route, ARP gave up) must not stop the service. */
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen) < 0)
            fprintf(stderr, "echo: sendto: %s\n", strerror(errno));
    }
}
