/*
 * Host test kit for the network stack (tests/unit/host/fake_netdev.c):
 * a fake Ethernet net_device that captures every transmitted frame, frame
 * builders for crafted input, and host stand-ins for printk, the console key
 * table and poweroff hooks (capturing printk so tests can assert log lines).
 */
#ifndef HOST_FAKE_NETDEV_H
#define HOST_FAKE_NETDEV_H

#include <net/netdevice.h>

extern const u8 fake_mac[ETH_ALEN];     /* 52:54:00:12:34:56, the fake's own MAC */
extern const u8 peer_mac[ETH_ALEN];     /* 52:54:00:ab:cd:ef, the test's "host" */

/* Register, carrier on and open a fake eth device (name eth%d, MTU 1500). */
struct net_device *fake_netdev_create(void);
/* Close, unregister and free it, dropping captured frames. */
void fake_netdev_destroy(struct net_device *dev);
/* Make ndo_start_xmit answer NETDEV_TX_BUSY (true) or capture (false). */
void fake_netdev_set_busy(struct net_device *dev, bool busy);
/* Captured frames: count, and pop the oldest (caller consume_skb()s it), NULL if none. */
unsigned fake_netdev_tx_count(struct net_device *dev);
struct sk_buff *fake_netdev_pop_tx(struct net_device *dev);
/* Drop every captured frame. */
void fake_netdev_clear_tx(struct net_device *dev);
/* Inject one frame (copied) through netif_receive_skb; its return value. */
int fake_netdev_rx(struct net_device *dev, const void *frame, unsigned len);

/* Frame builders: write into buf, return the length in bytes.  Addresses host order. */
unsigned build_eth(u8 *buf, const u8 *dst, const u8 *src, u16 type);
/* ARP for Ethernet/IPv4 after an Ethernet header to `dst`, sender peer_mac. */
unsigned build_arp(u8 *buf, const u8 *eth_dst, u16 op, const u8 *sha, u32 sip, const u8 *tha, u32 tip);
/* Ethernet + IPv4 (20-byte header, valid checksum) + payload; frag is the host-order frag_off field. */
unsigned build_ip(u8 *buf, u32 src, u32 dst, u8 proto, u16 id, u16 frag, const void *payload,
                  unsigned len);
/* ICMP message (header + data, valid checksum) into buf. */
unsigned build_icmp(u8 *buf, u8 type, u8 code, u16 id, u16 seq, const void *data, unsigned len);

/*
 * Fixture.  net_test_boot(): fake clock at 1 s, timers, net_init() (lo up);
 * once per test binary.  net_test_eth0(): a fake eth0 configured by
 * ip=10.0.0.2::10.0.0.1:255.255.255.0, its TX capture and all drop counters
 * cleared.  net_test_finish(): destroy it and run 300 s of timers, after
 * which the heap must be back where it was before net_test_eth0().
 * net_test_run(ns): advance the fake clock, run timers and softirqs (lo).
 */
void net_test_boot(void);
struct net_device *net_test_eth0(void);
void net_test_finish(struct net_device *dev);
void net_test_run(u64 ns);

/* Host printk capture: true if any line printed since the last reset contains s. */
bool fake_printk_seen(const char *s);
void fake_printk_reset(void);

#endif
