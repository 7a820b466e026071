/*
 * fault: one way for an app to go wrong per argv[1], for
 * tests/system/test_user_faults.py.  Fatal modes (null, text, ud2, div0,
 * stack) must end the app with the signal's status; "efault" passes bad
 * pointers to write() and prints the errno it saw, then carries on; "mem"
 * prints the results of memory syscalls (the test runs it on this host too:
 * Linux is the oracle).  Plain POSIX C, static musl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int zero, one = 1;

/* Unbounded unless the stack ends; `limit` is argc-derived so the compiler cannot prove it. */
static int recurse(int depth, int limit)
{
    volatile char pad[1024];

    pad[0] = (char)depth;
    if (depth == limit)
        return 0;
    return recurse(depth + 1, limit) + pad[0];
}

static void try_write(const char *what, const void *buf, size_t len)
{
    long r = write(1, buf, len);

    printf("write(%s): %ld %s\n", what, r, r < 0 ? strerror(errno) : "ok");
    fflush(stdout);
}

static void efault(void)
{
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    setvbuf(stdout, NULL, _IONBF, 0);
    try_write("NULL", NULL, 5);
    try_write("kernel", (void *)0xffffffff80100000UL, 5);
    munmap(p + 4096, 4096);
    try_write("unmapped", p + 4096, 5);
    memcpy(p + 4094, "ok", 2);
    try_write("partly mapped", p + 4094, 5);
    printf("efault: carried on\n");
}

#define SHOW(expr) do { long r_ = (long)(expr); \
    printf("%s = %s\n", #expr, r_ == -1 ? strerror(errno) : "ok"); } while (0)

static void mem(void)
{
    char *a = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char *b;

    setvbuf(stdout, NULL, _IONBF, 0);
    a[0] = 1;
    a[3 * 4096 - 1] = 2;
    SHOW(mmap(a, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
    SHOW(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    SHOW(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0));
    SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 99, 0));
    SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 1, 0));
    SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 0, 0));
    SHOW(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 1));
    SHOW(mprotect(a + 1, 4096, PROT_READ));
    SHOW(mprotect(a, 4096, PROT_READ | 0x100));
    SHOW(mprotect(a + 4096, 4096, PROT_READ));
    SHOW(munmap(a + 4096, 4096));
    SHOW(mprotect(a, 3 * 4096, PROT_READ));
    SHOW(munmap(a + 1, 4096));
    SHOW(munmap(a, 0));
    SHOW(madvise(a, 4096, MADV_DONTNEED));
    printf("after DONTNEED: %d, last page: %d\n", a[0], a[3 * 4096 - 1]);
    SHOW(madvise(a, 3 * 4096, MADV_DONTNEED));
    SHOW(madvise(a, 4096, 77));
    b = mremap(a + 2 * 4096, 4096, 64 * 4096, MREMAP_MAYMOVE);
    printf("mremap moved: %s, kept byte %d\n", b == MAP_FAILED ? strerror(errno) : "ok",
           b == MAP_FAILED ? -1 : b[4095]);
    SHOW(mremap(a, 4096, 8192, 0) == MAP_FAILED ? -1 : 0);
    SHOW(mremap(a + 4096, 4096, 8192, MREMAP_MAYMOVE));
    /* musl's brk()/sbrk(n) refuse by design: ask the kernel directly. */
    char *brk0 = (char *)syscall(SYS_brk, 0);
    printf("brk grow: %s\n", (char *)syscall(SYS_brk, brk0 + 100000) == brk0 + 100000 ? "ok" : "refused");
    brk0[99999] = 1;
    printf("brk shrink: %s\n", (char *)syscall(SYS_brk, brk0) == brk0 ? "ok" : "refused");
    printf("brk below start: %s\n", (char *)syscall(SYS_brk, (char *)4096) == brk0 ? "unchanged" : "moved");
    printf("mem: done\n");
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";

    if (!strcmp(mode, "null"))
        return *(volatile int *)0;
    if (!strcmp(mode, "text")) {
        *(volatile unsigned char *)(uintptr_t)main = 0xc3;
        return 0;
    }
    if (!strcmp(mode, "ud2"))
        __builtin_trap();
    if (!strcmp(mode, "div0"))
        return one / zero;     /* 1 / zero compiles to a compare */
    if (!strcmp(mode, "stack"))
        return recurse(0, -argc);
    if (!strcmp(mode, "efault"))
        efault();
    else if (!strcmp(mode, "mem"))
        mem();
    else
        fprintf(stderr, "usage: fault null|text|ud2|div0|stack|efault|mem\n");
    return 0;
}
