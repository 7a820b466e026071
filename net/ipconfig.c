/*
 * Boot-time IPv4 configuration from `ip=` in Linux's nfsroot syntax
 * (Documentation/admin-guide/nfs/nfsroot.rst):
 *   ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>
 * e.g. ip=10.0.0.2::10.0.0.1:255.255.255.0.  Static values configure the
 * device in net_config(); `ip=dhcp` (or no ip=) is left to the DHCP client
 * (issue 5), the seam being net_config()'s early return.  <server> and
 * <hostname> are accepted and unused.  Layer: control plane above devinet
 * and route.  Owns the parsed configuration and the "net: ... up" line.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <net/inetdevice.h>
#include <net/net.h>
#include <net/route.h>
#include "net_impl.h"

static struct {
    bool is_static;             /* a client address was given */
    __be32_t addr, gw, mask;
    char dev[IFNAMSIZ];         /* "" : the first NIC */
    struct net_device *configured;
    bool announced;
} ic;

/* Strict dotted quad; 0, or -EINVAL.  Empty text gives 0.0.0.0. */
static int parse_ipv4(const char *s, size_t len, __be32_t *out)
{
    u32 v = 0;
    unsigned parts = 0, digits = 0, part = 0;

    *out = 0;
    if (!len)
        return 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || s[i] == '.') {
            if (!digits || part > 255 || ++parts > 4)
                return -EINVAL;
            v = v << 8 | part;
            part = digits = 0;
        } else if (s[i] >= '0' && s[i] <= '9' && digits < 3) {
            part = part * 10 + (unsigned)(s[i] - '0');
            digits++;
        } else {
            return -EINVAL;
        }
    }
    if (parts != 4)
        return -EINVAL;
    *out = htonl(v);
    return 0;
}

/* Bits in a contiguous netmask, or -EINVAL. */
static int mask_to_prefix(__be32_t mask)
{
    u32 m = ntohl(mask);
    int bits = m ? 32 - __builtin_ctz(m) : 0;

    return inet_make_mask((unsigned)bits) == mask ? bits : -EINVAL;
}

/* The ip= handler (Linux ip_auto_config_setup); see the top of the file. */
int ip_auto_config_setup(const char *val)
{
    const char *field[7] = { 0 };
    size_t flen[7] = { 0 };
    unsigned n = 0;

    memset(&ic, 0, sizeof(ic));
    if (!val)
        return -EINVAL;
    for (const char *p = val; n < 7; n++) {
        const char *c = strchr(p, ':');

        field[n] = p;
        flen[n] = c ? (size_t)(c - p) : strlen(p);
        if (!c)
            break;
        p = c + 1;
    }
    if (n == 0 && strchr(val, '.') == NULL)
        return 0;       /* "dhcp", "on", "any", "off": nothing static to do */
    if (parse_ipv4(field[0], flen[0], &ic.addr) || parse_ipv4(field[2], flen[2], &ic.gw) ||
        parse_ipv4(field[3], flen[3], &ic.mask) || flen[5] >= IFNAMSIZ ||
        (flen[3] && mask_to_prefix(ic.mask) < 0))
        return -EINVAL;
    if (field[5])
        memcpy(ic.dev, field[5], flen[5]);
    ic.is_static = ic.addr != 0;
    return 0;
}
KERNEL_PARAM("ip", ip_auto_config_setup);

/* The line tests wait for, printed once, when the configured device runs with its address. */
static void ic_announce(struct net_device *dev)
{
    char addr[INET_ADDRSTRLEN];

    if (ic.announced || dev != ic.configured || !(dev->flags & IFF_RUNNING) || !dev->ip_ptr)
        return;
    ic.announced = true;
    pr_info("net: %s %s/%u up", dev->name, in_ntoa(dev->ip_ptr->ifa_local, addr),
            dev->ip_ptr->ifa_prefixlen);
}

static void ic_netdev_event(struct notifier_block *nb, enum netdev_event event,
                            struct net_device *dev)
{
    if (event == NETDEV_UP)
        ic_announce(dev);
}

/* Without a mask, the classful default (RFC 791 classes), as Linux's ipconfig does. */
static unsigned default_prefix(__be32_t addr)
{
    u32 a = ntohl(addr);

    return a < 0x80000000u ? 8 : a < 0xc0000000u ? 16 : 24;
}

static struct net_device *ic_pick_dev(void)
{
    if (ic.dev[0])
        return dev_get_by_name(ic.dev);
    for (struct net_device *d = dev_first(); d; d = dev_next(d))
        if (!(d->flags & IFF_LOOPBACK))
            return d;
    return NULL;
}

int net_config(void)
{
    struct net_device *dev;
    int prefix, err;

    if (!ic.is_static)
        return 0;       /* DHCP: net/dhcp.c (issue 5) starts here */
    dev = ic_pick_dev();
    if (!dev) {
        pr_err("net: ip=: no device %s", ic.dev[0] ? ic.dev : "to configure");
        return -ENODEV;
    }
    prefix = ic.mask ? mask_to_prefix(ic.mask) : (int)default_prefix(ic.addr);
    ic.configured = dev;
    err = dev_open(dev);
    if (!err)
        err = inet_set_addr(dev, ic.addr, (unsigned)prefix);
    if (!err && ic.gw)
        err = ip_route_add(0, 0, ic.gw, dev);
    if (err) {
        pr_err("net: configuring %s failed (%d)", dev->name, err);
        return err;
    }
    ic_announce(dev);
    return 0;
}

static struct notifier_block ic_notifier = { .fn = ic_netdev_event };

void ipconfig_init(void)
{
    register_netdevice_notifier(&ic_notifier);
}
