/*
 * Internet checksum (RFC 1071), portable C.  Used by IPv4, ICMP and later
 * UDP/TCP; no layer above or below.  A 64-bit accumulator over 32-bit loads
 * cannot overflow for any packet size we handle (< 2^32 words).
 */
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/checksum.h>

u32 csum_partial(const void *buf, unsigned len, u32 sum)
{
    const u8 *p = buf;
    u64 acc = sum;
    u32 w;
    u16 h;

    for (; len >= 4; p += 4, len -= 4) {
        memcpy(&w, p, 4);
        acc += w;
    }
    if (len >= 2) {
        memcpy(&h, p, 2);
        acc += h;
        p += 2;
        len -= 2;
    }
    if (len)
        acc += *p;      /* little-endian: the odd byte is the high half of a zero-padded word */
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return (u32)acc;
}

u16 csum_fold(u32 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (u16)~sum;
}

u32 csum_tcpudp_nofold(u32 saddr, u32 daddr, unsigned len, u8 proto, u32 sum)
{
    u64 acc = (u64)sum + saddr + daddr + htons((u16)len) + htons(proto);

    acc = (acc & 0xffffffffu) + (acc >> 32);
    return (u32)((acc & 0xffffffffu) + (acc >> 32));
}
