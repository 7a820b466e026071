/*
 * IPv4 addresses of interfaces (one per device; Linux's in_device reduced to
 * its ifa), and address classification.  Owned by net/devinet.c.
 * Addresses are __be32_t in network byte order everywhere.
 */
#ifndef NET_INETDEVICE_H
#define NET_INETDEVICE_H

#include <net/byteorder.h>
#include <net/netdevice.h>

struct in_device {
    struct net_device *dev;
    __be32_t ifa_local;         /* our address */
    __be32_t ifa_mask;          /* netmask */
    __be32_t ifa_broadcast;     /* subnet broadcast (local | ~mask) */
    u8 ifa_prefixlen;           /* bits in the mask, 0..32 */
};

/* What an address means to us (Linux's RTN_* subset). */
enum rtn_type {
    RTN_UNICAST,                /* somebody else's */
    RTN_LOCAL,                  /* ours, on any interface (weak host model, RFC 1122 §3.3.4.2) */
    RTN_BROADCAST,              /* 255.255.255.255 or a subnet broadcast of `dev` */
    RTN_MULTICAST,              /* 224.0.0.0/4 */
};

/*
 * Give dev the address `addr`/`prefixlen` (replacing any), add the connected
 * route and tell netdevice notifiers (NETDEV_INETADDR: ARP announces it).
 * 0, -EINVAL (prefixlen > 32, or a martian address), -ENOMEM.
 */
int inet_set_addr(struct net_device *dev, __be32_t addr, unsigned prefixlen);
/* Remove dev's address and its routes; frees the in_device. */
void inet_clear_addr(struct net_device *dev);
/* dev's address, or 0 when it has none. */
static inline __be32_t inet_dev_addr(const struct net_device *dev) { return dev->ip_ptr ? dev->ip_ptr->ifa_local : 0; }
/* Classify addr as seen from dev (dev may be NULL: subnet broadcasts of every device count). */
enum rtn_type inet_addr_type(const struct net_device *dev, __be32_t addr);

static inline bool ipv4_is_zeronet(__be32_t a) { return (ntohl(a) >> 24) == 0; }       /* 0.0.0.0/8 */
static inline bool ipv4_is_loopback(__be32_t a) { return (ntohl(a) >> 24) == 127; }    /* 127.0.0.0/8 */
static inline bool ipv4_is_multicast(__be32_t a) { return (ntohl(a) >> 28) == 0xe; }   /* 224.0.0.0/4 */
static inline bool ipv4_is_lbcast(__be32_t a) { return a == 0xffffffffu; }             /* 255.255.255.255 */
/* 240.0.0.0/4 excluding the limited broadcast (reserved, RFC 1112 class E). */
static inline bool ipv4_is_reserved(__be32_t a) { return (ntohl(a) >> 28) == 0xf && !ipv4_is_lbcast(a); }
#define INET_ADDRSTRLEN 16
/* Dotted quad of a (network order) into buf; returns buf. */
char *in_ntoa(__be32_t a, char buf[INET_ADDRSTRLEN]);
/* Host-order netmask of prefixlen bits, as network order. */
static inline __be32_t inet_make_mask(unsigned prefixlen) { return prefixlen ? htonl(~0u << (32 - prefixlen)) : 0; }

#endif
