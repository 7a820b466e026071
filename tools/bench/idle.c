/*
 * idle: the benchmark's stand-in app for figures that need no app (boot to
 * ping, ping RTT).  Prints one line and sleeps forever, so the guest stays
 * up; plain POSIX C built static with musl, the same binary on both guests.
 */
#include <stdio.h>
#include <time.h>

int main(void)
{
    puts("idle: running");
    fflush(stdout);
    for (;;) {
        struct timespec ts = { .tv_sec = 3600, .tv_nsec = 0 };
        nanosleep(&ts, NULL);
    }
}
