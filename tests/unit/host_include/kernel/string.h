/* Host build: the C library provides the kernel's string functions. */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <kernel/types.h>

#if !defined(__GLIBC__) || __GLIBC__ < 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ < 38)
static inline size_t host_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
#define strlcpy host_strlcpy
#endif

#endif
