/*
 * Host stand-ins for what the socket layer (net/socket*.c, net/sock*.c,
 * net/inet_hashtables.c) reaches outside net/: the app's memory (user
 * pointers are host pointers here, so copies are memcpy; a pointer below
 * 4 KiB plays an unmapped page and gives -EFAULT), the process whose fd
 * table the socket syscalls use, and a deterministic get_random_bytes.
 */
#include <kernel/errno.h>
#include <kernel/process.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>

struct process init_process = { .pid = 1 };

static bool bad(const void *p, size_t n)
{
    return n && (uintptr_t)p < 4096;
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (bad(usrc, n))
        return -EFAULT;
    memcpy(dst, usrc, n);
    return 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
    if (bad(udst, n))
        return -EFAULT;
    memcpy(udst, src, n);
    return 0;
}

int clear_user(void *udst, size_t n)
{
    if (bad(udst, n))
        return -EFAULT;
    memset(udst, 0, n);
    return 0;
}

/* A fixed-key ChaCha20 stream: reproducible runs (ports, ISNs) from one test to the next. */
void get_random_bytes(void *buf, size_t len)
{
    static struct crng c;
    static bool seeded;

    if (!seeded) {
        crng_seed(&c, "host tests", 10);
        seeded = true;
    }
    crng_generate(&c, buf, len);
}
