/* Shared by net/dhcp.c (the client) and net/dhcp_msg.c (building and parsing messages). */
#ifndef NET_DHCP_IMPL_H
#define NET_DHCP_IMPL_H

#include <kernel/compiler.h>
#include <net/dhcp.h>

#define BOOTREQUEST     1
#define BOOTREPLY       2
#define DHCP_MAGIC      0x63825363u     /* RFC 2131 §3: 99.130.83.99 */
#define DHCP_FLAG_BROADCAST 0x8000      /* RFC 2131 §4.1: we cannot take unicast before we have an address */

/* RFC 2132 option codes used here. */
enum {
    DHO_PAD = 0, DHO_SUBNET_MASK = 1, DHO_ROUTER = 3, DHO_DNS = 6, DHO_REQUESTED_IP = 50,
    DHO_LEASE_TIME = 51, DHO_MSG_TYPE = 53, DHO_SERVER_ID = 54, DHO_PARAM_REQ = 55,
    DHO_MAX_SIZE = 57, DHO_T1 = 58, DHO_T2 = 59, DHO_CLIENT_ID = 61, DHO_END = 255,
};

/* The fixed BOOTP part (RFC 2131 §2, Figure 1), then the magic cookie; network byte order. */
struct dhcp_msg {
    u8 op, htype, hlen, hops;
    __be32_t xid;
    __be16_t secs, flags;
    __be32_t ciaddr, yiaddr, siaddr, giaddr;
    u8 chaddr[16];
    u8 sname[64];
    u8 file[128];
    __be32_t magic;
    u8 options[];
} __packed;
_Static_assert(sizeof(struct dhcp_msg) == 240, "dhcp_msg");

#define DHCP_OPTIONS_MAX 64     /* bytes of options we send */

/* What the client puts in a request. */
struct dhcp_req {
    enum dhcp_msg_type type;
    u32 xid;                    /* network order */
    u16 secs;                   /* seconds since the exchange began */
    bool broadcast;             /* ask for broadcast replies */
    __be32_t ciaddr;            /* our address while RENEWING/REBINDING, else 0 */
    __be32_t requested_ip;      /* option 50 (SELECTING, INIT-REBOOT), 0 to omit */
    __be32_t server_id;         /* option 54 (SELECTING), 0 to omit */
    const u8 *mac;
};

/* Build a request into buf (at least sizeof(struct dhcp_msg) + DHCP_OPTIONS_MAX); returns its length. */
unsigned dhcp_build(u8 *buf, const struct dhcp_req *req);

#endif
