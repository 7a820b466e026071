/*
 * Wake-one accept: THREADS threads block in accept() on one listening TCP
 * socket; each connection should wake exactly one of them (exclusive
 * waiters, as Linux since 2.6).  Each accepted connection is answered with
 * one line "<thread index>\n" and closed.  After `total` connections
 * (argv[2], default 1000) every thread prints its accepts and its
 * voluntary context switches (getrusage RUSAGE_THREAD: one per sleep in
 * accept, so a thundering herd shows up as many more switches than
 * accepts) and the program exits 0.  Port: argv[1] (default 8000).
 * tests/system/test_accept_wakeone.py drives it on Linux and in the VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define THREADS 8

static int listener, total;
static atomic_int accepted;
static long accepts[THREADS], switches[THREADS];
static pthread_barrier_t ready;

static void *worker(void *arg)
{
    long me = (long)arg;
    struct rusage start, end;
    char reply[16];
    int len = snprintf(reply, sizeof(reply), "%ld\n", me);

    getrusage(RUSAGE_THREAD, &start);
    pthread_barrier_wait(&ready);
    for (;;) {
        int fd = accept(listener, NULL, NULL);

        if (fd < 0) {
            if (errno == EINVAL || errno == EBADF)
                break;                  /* listener shut down: the run is over */
            printf("aw: accept error: %s\n", strerror(errno));
            exit(1);
        }
        accepts[me]++;
        if (write(fd, reply, (size_t)len) != len)
            printf("aw: write error: %s\n", strerror(errno));
        close(fd);
        if (atomic_fetch_add(&accepted, 1) + 1 == total)
            shutdown(listener, SHUT_RDWR);   /* wakes the others with EINVAL */
    }
    getrusage(RUSAGE_THREAD, &end);
    switches[me] = end.ru_nvcsw - start.ru_nvcsw;
    return NULL;
}

int main(int argc, char **argv)
{
    struct sockaddr_in addr = { .sin_family = AF_INET };
    pthread_t t[THREADS];
    int one = 1;

    setvbuf(stdout, NULL, _IONBF, 0);
    addr.sin_port = htons(argc > 1 ? atoi(argv[1]) : 8000);
    total = argc > 2 ? atoi(argv[2]) : 1000;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
        bind(listener, (struct sockaddr *)&addr, sizeof(addr)) || listen(listener, 128)) {
        printf("aw: no TCP listener: %s\n", strerror(errno));
        return 2;
    }
    pthread_barrier_init(&ready, NULL, THREADS + 1);
    for (long i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)i);
    pthread_barrier_wait(&ready);
    printf("aw: %d threads accepting on port %d\n", THREADS, ntohs(addr.sin_port));
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        printf("aw: thread %d accepted %ld, voluntary switches %ld\n", i, accepts[i], switches[i]);
    printf("aw: done %d\n", atomic_load(&accepted));
    return 0;
}
