/*
 * tcp_server: guest-side servers for tests/system/test_tcp*.py (the same
 * binary runs on Linux).
 *
 * tcp_server cycles PORT THREADS
 *     THREADS threads block in accept() on PORT.  Each connection carries
 *     one request: a mode byte, a 16-bit big-endian length L and L bytes.
 *     The L bytes go back; then mode 'S' closes at once (the server closes
 *     first: TIME_WAIT here) and mode 'C' waits for the client's FIN before
 *     closing (the client closes first).  (The test reads the heap and the
 *     socket table from the kernel's console keys 'm' and 's'.)
 *
 * tcp_server backlog PORT CTLPORT BACKLOG
 *     listen(PORT, BACKLOG) and then do not accept: block in accept() on
 *     CTLPORT until the test connects there and sends a count N ("12\n").
 *     Then accept N connections on PORT; from each read 4 bytes, send them
 *     back and close.  "tcps: accepted N" to the console and "done N\n" on
 *     the control connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int listen_on(unsigned short port, int backlog)
{
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || listen(fd, backlog) < 0) {
        fprintf(stderr, "tcps: listen on %u: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

/* Read exactly len bytes; 0 on success, -1 on EOF or error. */
static int read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = recv(fd, (char *)buf + got, len - got, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = send(fd, (const char *)buf + done, len - done, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        done += (size_t)n;
    }
    return 0;
}

/* ---- cycles ------------------------------------------------------------------ */

static int cycles_fd;

static void *cycles_worker(void *arg)
{
    static char buf_for[16][65536];
    char *buf = buf_for[(long)arg % 16];

    for (;;) {
        unsigned char hdr[3];
        int fd = accept(cycles_fd, NULL, NULL);

        if (fd < 0) {
            if (errno != EINTR && errno != ECONNABORTED)
                fprintf(stderr, "tcps: accept: %s\n", strerror(errno));
            continue;
        }
        if (read_full(fd, hdr, 3) == 0) {
            size_t len = (size_t)hdr[1] << 8 | hdr[2];

            if (read_full(fd, buf, len) == 0 && write_full(fd, buf, len) == 0 && hdr[0] == 'C') {
                while (recv(fd, buf, 65536, 0) > 0)
                    ;           /* up to the client's FIN */
            }
        }
        close(fd);
    }
    return NULL;
}

static int cycles(unsigned short port, int threads)
{
    pthread_t t;

    cycles_fd = listen_on(port, 128);
    for (long i = 1; i < threads; i++)
        if (pthread_create(&t, NULL, cycles_worker, (void *)i)) {
            fprintf(stderr, "tcps: pthread_create failed\n");
            return 1;
        }
    printf("tcps: cycles ready\n");
    fflush(stdout);
    cycles_worker((void *)0);
    return 0;
}

/* ---- backlog ----------------------------------------------------------------- */

static int backlog(unsigned short port, unsigned short ctlport, int backlog)
{
    int lfd = listen_on(port, backlog), cfd = listen_on(ctlport, 1);
    char line[32] = "";
    int n, accepted = 0;

    printf("tcps: backlog %d ready\n", backlog);
    fflush(stdout);
    int ctl = accept(cfd, NULL, NULL);
    if (ctl < 0 || recv(ctl, line, sizeof(line) - 1, 0) <= 0) {
        fprintf(stderr, "tcps: control connection: %s\n", strerror(errno));
        return 1;
    }
    n = atoi(line);
    printf("tcps: accepting %d\n", n);
    fflush(stdout);
    while (accepted < n) {
        char b[4];
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0) {
            fprintf(stderr, "tcps: accept: %s\n", strerror(errno));
            continue;
        }
        if (read_full(fd, b, 4) == 0 && write_full(fd, b, 4) == 0)
            accepted++;
        close(fd);
    }
    printf("tcps: accepted %d\n", accepted);
    fflush(stdout);
    snprintf(line, sizeof(line), "done %d\n", accepted);
    write_full(ctl, line, strlen(line));
    close(ctl);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "cycles"))
        return cycles((unsigned short)atoi(argv[2]), atoi(argv[3]));
    if (argc == 5 && !strcmp(argv[1], "backlog"))
        return backlog((unsigned short)atoi(argv[2]), (unsigned short)atoi(argv[3]), atoi(argv[4]));
    fprintf(stderr, "usage: tcp_server cycles PORT THREADS | backlog PORT CTLPORT BACKLOG\n");
    return 2;
}
