/*
 * Boot-time IPv4 configuration from `ip=` in Linux's nfsroot syntax
 * (Documentation/admin-guide/nfs/nfsroot.rst):
 *   ip=<client>:<server>:<gw>:<netmask>:<hostname>:<device>:<autoconf>
 * e.g. ip=10.0.0.2::10.0.0.1:255.255.255.0.  Static values configure the
 * device in net_config(); `ip=dhcp` (or no ip=) starts the DHCP client
 * (net/dhcp.c) on its device; `ip=off` configures nothing.  <server> and
 * <hostname> are accepted and unused.
 * Several interfaces: Linux takes one ip=; here each ip= word configures the
 * device its <device> field names (ip=...::eth0 ip=...::eth1), up to
 * IC_MAX_CONFS.  A later word for the same device (or a second one without a
 * device) replaces the earlier; a word without a device takes the first NIC
 * no other word names.  Layer: control plane above devinet and route.
 * Owns the parsed configurations and each interface's "net: ... up" line.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/string.h>
#include <net/dhcp.h>
#include <net/inetdevice.h>
#include <net/net.h>
#include <net/route.h>
#include "net_impl.h"

#define IC_MAX_CONFS 4

/* One ip= word. */
struct ic_conf {
    bool used;                  /* slot holds a word */
    bool is_static;             /* a client address was given */
    bool off;                   /* ip=off / ip=none: no autoconfiguration */
    bool done;                  /* net_config() applied it (or failed): not again */
    bool announced;             /* its "net:" line is out */
    __be32_t addr, gw, mask;
    char dev[IFNAMSIZ];         /* "" : the first NIC no other word names */
    struct net_device *configured;
};

static struct ic_conf ic[IC_MAX_CONFS];

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

/* The slot for a word naming `dev` ("" for none): the same device's, else a free one. */
static struct ic_conf *ic_slot(const char *dev)
{
    for (unsigned i = 0; i < IC_MAX_CONFS; i++)
        if (ic[i].used && !strcmp(ic[i].dev, dev))
            return &ic[i];
    for (unsigned i = 0; i < IC_MAX_CONFS; i++)
        if (!ic[i].used)
            return &ic[i];
    return NULL;
}

/* The ip= handler (Linux ip_auto_config_setup); see the top of the file. */
int ip_auto_config_setup(const char *val)
{
    const char *field[7] = { 0 };
    size_t flen[7] = { 0 };
    struct ic_conf c = { .used = true }, *slot;
    unsigned n = 0;

    if (!val)
        return -EINVAL;
    for (const char *p = val; n < 7; n++) {
        const char *sep = strchr(p, ':');

        field[n] = p;
        flen[n] = sep ? (size_t)(sep - p) : strlen(p);
        if (!sep)
            break;
        p = sep + 1;
    }
    /* "dhcp", "on", "any", "off": nothing static, no device. */
    if (!(n == 0 && strchr(val, '.') == NULL)) {
        if (parse_ipv4(field[0], flen[0], &c.addr) || parse_ipv4(field[2], flen[2], &c.gw) ||
            parse_ipv4(field[3], flen[3], &c.mask) || flen[5] >= IFNAMSIZ ||
            (flen[3] && mask_to_prefix(c.mask) < 0))
            return -EINVAL;
        if (field[5])
            memcpy(c.dev, field[5], flen[5]);
        c.is_static = c.addr != 0;
    }
    c.off = !strcmp(val, "off") || !strcmp(val, "none");
    slot = ic_slot(c.dev);
    if (!slot)
        return -ENOSPC;
    *slot = c;
    return 0;
}
KERNEL_PARAM("ip", ip_auto_config_setup);

/* The line tests wait for, printed once per word, when its device runs with its address. */
static void ic_announce(struct net_device *dev)
{
    char addr[INET_ADDRSTRLEN];

    if (!(dev->flags & IFF_RUNNING) || !dev->ip_ptr)
        return;
    for (unsigned i = 0; i < IC_MAX_CONFS; i++) {
        if (ic[i].announced || ic[i].configured != dev)
            continue;
        ic[i].announced = true;
        pr_info("net: %s %s/%u up", dev->name, in_ntoa(dev->ip_ptr->ifa_local, addr),
                dev->ip_ptr->ifa_prefixlen);
    }
}

static void ic_netdev_event(struct notifier_block *nb, enum netdev_event event,
                            struct net_device *dev)
{
    if (event == NETDEV_UP || event == NETDEV_INETADDR)    /* DHCP's address comes later */
        ic_announce(dev);
}

/* Without a mask, the classful default (RFC 791 classes), as Linux's ipconfig does. */
static unsigned default_prefix(__be32_t addr)
{
    u32 a = ntohl(addr);

    return a < 0x80000000u ? 8 : a < 0xc0000000u ? 16 : 24;
}

static bool ic_named(const struct net_device *dev)
{
    for (unsigned i = 0; i < IC_MAX_CONFS; i++)
        if (ic[i].used && !strcmp(ic[i].dev, dev->name))
            return true;
    return false;
}

static struct net_device *ic_pick_dev(const struct ic_conf *c)
{
    if (c->dev[0])
        return dev_get_by_name(c->dev);
    for (struct net_device *d = dev_first(); d; d = dev_next(d))
        if (!(d->flags & IFF_LOOPBACK) && !ic_named(d))
            return d;
    return NULL;
}

/* Address, connected route and (with a gateway) the default route for one word. */
static int ic_configure(struct ic_conf *c)
{
    struct net_device *dev = ic_pick_dev(c);
    int prefix, err;

    c->done = true;
    if (!dev) {
        pr_err("net: ip=: no device %s", c->dev[0] ? c->dev : "to configure");
        return -ENODEV;
    }
    prefix = c->mask ? mask_to_prefix(c->mask) : (int)default_prefix(c->addr);
    c->configured = dev;
    c->announced = false;
    err = dev_open(dev);
    if (!err)
        err = inet_set_addr(dev, c->addr, (unsigned)prefix);
    if (!err && c->gw)
        err = ip_route_add(0, 0, c->gw, dev);
    if (err) {
        pr_err("net: configuring %s failed (%d)", dev->name, err);
        return err;
    }
    ic_announce(dev);
    return 0;
}

/*
 * DHCP (net/dhcp.c) for the first word asking for it (ip=dhcp, or no ip=
 * at all); its "net:" line comes when the lease is acked.  Waits a bounded
 * time for it, so the app usually starts configured.
 */
static void ic_dynamic(void)
{
    struct ic_conf *c = NULL;
    bool any = false;

    for (unsigned i = 0; i < IC_MAX_CONFS; i++) {
        any |= ic[i].used;
        if (!c && ic[i].used && !ic[i].is_static && !ic[i].off && !ic[i].done)
            c = &ic[i];
    }
    if (!any)
        *(c = &ic[0]) = (struct ic_conf){ .used = true };
    if (!c || !(c->configured = ic_pick_dev(c)))
        return;
    c->done = true;
    if (dhcp_start(c->configured))
        return;
    if (!dhcp_wait_bound(DHCP_BOOT_WAIT_NS))
        pr_warn("net: %s: no DHCP lease yet; starting the app, still trying", c->configured->name);
}

/* Apply every static word not applied yet, then DHCP; the first error, after trying them all. */
int net_config(void)
{
    int ret = 0;

    for (unsigned i = 0; i < IC_MAX_CONFS; i++) {
        int err;

        if (!ic[i].used || !ic[i].is_static || ic[i].done)
            continue;
        err = ic_configure(&ic[i]);
        if (err && !ret)
            ret = err;
    }
    ic_dynamic();
    return ret;
}

static struct notifier_block ic_notifier = { .fn = ic_netdev_event };

void ipconfig_init(void)
{
    register_netdevice_notifier(&ic_notifier);
}
