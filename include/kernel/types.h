/* Fixed-width types shared by kernel and host builds (freestanding headers only). */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;
typedef u64 phys_addr_t;        /* a physical address */
typedef u16 __be16_t;           /* big-endian (network order) on the wire */
typedef u32 __be32_t;

#endif
