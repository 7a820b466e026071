/*
 * Error numbers: Linux's values (asm-generic/errno-base.h, errno.h), so the
 * negative errno a syscall returns is what a Linux binary expects.  Kernel
 * functions return 0 or -Exxx.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#include <asm-generic/errno.h>

#endif
