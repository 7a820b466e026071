/*
 * The network stack's entry points for the composition root (kernel_main).
 * Everything else in include/net/ is for drivers and protocol layers.
 */
#ifndef NET_NET_H
#define NET_NET_H

/*
 * Bring the stack up: skb caches, the device core and NET_RX_SOFTIRQ,
 * Ethernet, ARP, IPv4, ICMP, the loopback device (lo, 127.0.0.1/8, up), the
 * counters on console key 'n' and at poweroff.  Call once, after mm_init(),
 * timers and softirqs exist and before any NIC driver probes.  0 or -ENOMEM.
 */
int net_init(void);

/*
 * Configure IPv4 on the NICs from the ip= boot parameter, once drivers have
 * registered them: opens the device, sets the address, routes, sends a
 * gratuitous ARP and prints "net: eth0 10.0.0.2/24 up".  Call after the
 * drivers' probe.  0, -ENODEV (no such device), or 0 without doing anything
 * when ip= asks for DHCP (the seam for net/dhcp.c).
 */
int net_config(void);

/*
 * The `ip=` boot parameter's handler (registered with KERNEL_PARAM; exposed
 * for tests): Linux's ip=<client>:<server>:<gw>:<netmask>:<host>:<dev>:<autoconf>.
 * 0, or -EINVAL for a malformed address or a non-contiguous mask.
 */
int ip_auto_config_setup(const char *val);

/* Print per-device counters and every nonzero drop reason (console key 'n', poweroff). */
void net_stats_print(void);

#endif
