/*
 * DHCP client (RFC 2131, options RFC 2132) for boot-time configuration, as
 * Linux's ipconfig does it: net_config() starts it on a device when ip= is
 * absent or `ip=dhcp`, and waits a bounded time for the first lease; the
 * client then keeps the lease (renew at T1, rebind at T2, give the address
 * up at expiry).  net/dhcp.c owns the one client.  Addresses network order.
 */
#ifndef NET_DHCP_H
#define NET_DHCP_H

#include <net/netdevice.h>

#define DHCP_SERVER_PORT    67
#define DHCP_CLIENT_PORT    68
#define DHCP_MAX_DNS        3
#define DHCP_BOOT_WAIT_NS   (10ULL * 1000 * 1000 * 1000)  /* net_config's wait for the first lease */
#define DHCP_RETRANS_MIN_NS (2ULL * 1000 * 1000 * 1000)   /* first retransmission (Linux ipconfig: 2 s) */
#define DHCP_RETRANS_MAX_NS (64ULL * 1000 * 1000 * 1000)  /* RFC 2131 §4.1: doubling up to 64 s */

/* DHCP message types (option 53, RFC 2132 §9.6). */
enum dhcp_msg_type {
    DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

/* What a server's OFFER or ACK says (the parser's output). */
struct dhcp_lease {
    enum dhcp_msg_type type;
    __be32_t yiaddr;            /* the address offered ("your" address) */
    __be32_t server_id;         /* option 54: where REQUESTs and renewals go */
    __be32_t mask;              /* option 1, 0 when absent */
    __be32_t router;            /* option 3 (the first), 0 when absent */
    __be32_t dns[DHCP_MAX_DNS]; /* option 6, 0-terminated */
    u32 lease_s;                /* option 51, seconds; 0xffffffff = infinite */
    u32 t1_s, t2_s;             /* options 58/59, seconds; 0 when absent */
};

/*
 * Parse a BOOTREPLY (data at the UDP payload, len bytes) for transaction
 * xid (network order as sent) and our hardware address mac.  0 and *out,
 * or -EINVAL for anything to ignore: short, not a reply, another xid or
 * MAC, no magic cookie, an option overrunning the packet or no END, no
 * message type; an OFFER/ACK without a usable address, a lease time of 0
 * (or none), or no server identifier.  Pure: host tests call it directly.
 */
int dhcp_parse(const u8 *msg, unsigned len, u32 xid, const u8 *mac, struct dhcp_lease *out);

/*
 * Start the client on dev (opens it); the address, routes and the
 * "net: <dev> <addr>/<prefix> up" line follow when a lease is acked.
 * 0, -EBUSY (already running), -ENOMEM, or dev_open's error.
 */
int dhcp_start(struct net_device *dev);
/* Wait (thread context) up to timeout_ns for the first lease; true once bound. */
bool dhcp_wait_bound(u64 timeout_ns);
/* Stop: release nothing on the wire, drop the address if bound (tests). */
void dhcp_stop(void);

#endif
