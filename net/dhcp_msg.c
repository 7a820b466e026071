/*
 * DHCP messages (RFC 2131 §2-3, options RFC 2132): building the client's
 * DISCOVER and REQUEST, and parsing a server's reply defensively (every
 * option length checked against the packet, bad offers refused).
 * Layer: used by net/dhcp.c only; pure functions, unit-tested on crafted
 * packets (tests/unit/test_dhcp.c).
 */
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/inetdevice.h>
#include "dhcp_impl.h"

static u8 *put_opt(u8 *p, u8 code, u8 len, const void *data)
{
    p[0] = code;
    p[1] = len;
    memcpy(p + 2, data, len);
    return p + 2 + len;
}

unsigned dhcp_build(u8 *buf, const struct dhcp_req *req)
{
    static const u8 params[] = { DHO_SUBNET_MASK, DHO_ROUTER, DHO_DNS, DHO_LEASE_TIME, DHO_T1, DHO_T2 };
    struct dhcp_msg *m = (struct dhcp_msg *)buf;
    u8 type = (u8)req->type, client_id[7] = { 1 };
    __be16_t max_size = htons(1500);
    u8 *p;

    memset(m, 0, sizeof(*m));
    m->op = BOOTREQUEST;
    m->htype = 1;               /* Ethernet */
    m->hlen = ETH_ALEN;
    m->xid = req->xid;
    m->secs = htons(req->secs);
    m->flags = req->broadcast ? htons(DHCP_FLAG_BROADCAST) : 0;
    m->ciaddr = req->ciaddr;
    memcpy(m->chaddr, req->mac, ETH_ALEN);
    m->magic = htonl(DHCP_MAGIC);
    memcpy(client_id + 1, req->mac, ETH_ALEN);
    p = put_opt(m->options, DHO_MSG_TYPE, 1, &type);
    p = put_opt(p, DHO_CLIENT_ID, sizeof(client_id), client_id);
    if (req->requested_ip)
        p = put_opt(p, DHO_REQUESTED_IP, 4, &req->requested_ip);
    if (req->server_id)
        p = put_opt(p, DHO_SERVER_ID, 4, &req->server_id);
    p = put_opt(p, DHO_MAX_SIZE, 2, &max_size);
    p = put_opt(p, DHO_PARAM_REQ, sizeof(params), params);
    *p++ = DHO_END;
    return (unsigned)(p - buf);
}

static u32 get_be32(const u8 *p)
{
    __be32_t v;

    memcpy(&v, p, 4);
    return ntohl(v);
}

/* One option into out; -EINVAL for a length the option cannot have. */
static int take_option(u8 code, const u8 *v, u8 len, struct dhcp_lease *out)
{
    unsigned want = code == DHO_MSG_TYPE ? 1 : 4;

    switch (code) {
    case DHO_MSG_TYPE: case DHO_SUBNET_MASK: case DHO_SERVER_ID:
    case DHO_LEASE_TIME: case DHO_T1: case DHO_T2:
        if (len != want)
            return -EINVAL;
        break;
    case DHO_ROUTER: case DHO_DNS:
        if (len < 4 || len % 4)
            return -EINVAL;
        break;
    default:
        return 0;       /* options we did not ask for are skipped */
    }
    switch (code) {
    case DHO_MSG_TYPE:    out->type = v[0]; break;
    case DHO_SUBNET_MASK: memcpy(&out->mask, v, 4); break;
    case DHO_SERVER_ID:   memcpy(&out->server_id, v, 4); break;
    case DHO_LEASE_TIME:  out->lease_s = get_be32(v); break;
    case DHO_T1:          out->t1_s = get_be32(v); break;
    case DHO_T2:          out->t2_s = get_be32(v); break;
    case DHO_ROUTER:      memcpy(&out->router, v, 4); break;
    case DHO_DNS:
        for (unsigned i = 0; i < DHCP_MAX_DNS && i < len / 4u; i++)
            memcpy(&out->dns[i], v + 4 * i, 4);
        break;
    }
    return 0;
}

/* RFC 2132 §2: PAD, END, or code-length-value; every length must fit before END. */
static int parse_options(const u8 *p, unsigned len, struct dhcp_lease *out)
{
    unsigned i = 0;

    while (i < len) {
        u8 code = p[i];

        if (code == DHO_END)
            return 0;
        if (code == DHO_PAD) {
            i++;
            continue;
        }
        if (i + 2 > len || i + 2 + p[i + 1] > len)
            return -EINVAL;         /* the option overruns the packet */
        if (take_option(code, p + i + 2, p[i + 1], out))
            return -EINVAL;
        i += 2u + p[i + 1];
    }
    return -EINVAL;                 /* no END: truncated */
}

/* An address a host may take (not 0/8, 127/8, multicast, broadcast or class E). */
static bool usable_addr(__be32_t a)
{
    return !ipv4_is_zeronet(a) && !ipv4_is_loopback(a) && !ipv4_is_multicast(a) &&
           !ipv4_is_lbcast(a) && !ipv4_is_reserved(a);
}

int dhcp_parse(const u8 *buf, unsigned len, u32 xid, const u8 *mac, struct dhcp_lease *out)
{
    const struct dhcp_msg *m = (const struct dhcp_msg *)buf;

    memset(out, 0, sizeof(*out));
    if (len < sizeof(*m) || m->op != BOOTREPLY || m->htype != 1 || m->hlen != ETH_ALEN ||
        m->xid != xid || memcmp(m->chaddr, mac, ETH_ALEN) || m->magic != htonl(DHCP_MAGIC))
        return -EINVAL;
    if (parse_options(m->options, len - (unsigned)sizeof(*m), out) || !out->type)
        return -EINVAL;
    out->yiaddr = m->yiaddr;
    if (out->type == DHCPNAK)
        return 0;
    if (out->type != DHCPOFFER && out->type != DHCPACK)
        return -EINVAL;
    if (!usable_addr(out->yiaddr) || !out->lease_s || !out->server_id)
        return -EINVAL;
    return 0;
}
