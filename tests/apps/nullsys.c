/*
 * nullsys: the cost of a null system call, getppid(2) in a loop timed with
 * CLOCK_MONOTONIC; prints "getppid: <ns> ns per call (<n> calls)".  The same
 * binary runs on Linux for comparison (issue 4's benchmark).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    struct timespec a, b;

    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("getppid: %.1f ns per call (%ld calls)\n",
           ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / (double)n, n);
    return 0;
}
