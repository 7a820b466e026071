/* DHCP messages (net/dhcp_msg.c): the client's DISCOVER/REQUEST layout, and
 * the reply parser on crafted packets: good OFFER/ACK/NAK fields, and every
 * kind of bad reply (no address, zero or missing lease, no server id,
 * options overrunning the packet or without END, wrong xid/MAC/cookie). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include "../../net/dhcp_impl.h"

static const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
#define XID 0x11223344u
static u8 pkt[600];

/* A BOOTREPLY for XID/mac offering yiaddr, followed by `opts` (n bytes) verbatim. */
static unsigned reply(u32 yiaddr, const u8 *opts, unsigned n)
{
    struct dhcp_msg *m = (struct dhcp_msg *)pkt;

    memset(pkt, 0, sizeof(pkt));
    m->op = BOOTREPLY;
    m->htype = 1;
    m->hlen = 6;
    m->xid = XID;
    m->yiaddr = htonl(yiaddr);
    memcpy(m->chaddr, mac, 6);
    m->magic = htonl(DHCP_MAGIC);
    memcpy(m->options, opts, n);
    return (unsigned)sizeof(*m) + n;
}

#define OFFER_OPTS(lease3) \
    53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 0x0e, lease3, 1, 4, 255, 255, 255, 0, \
    3, 4, 10, 0, 0, 1, 6, 8, 10, 0, 0, 1, 8, 8, 8, 8, 0, 0, 255

static void test_good_offer(void **state)
{
    static const u8 o[] = { OFFER_OPTS(0x10) };
    struct dhcp_lease l;

    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, o, sizeof(o)), XID, mac, &l), 0);
    assert_int_equal(l.type, DHCPOFFER);
    assert_int_equal(ntohl(l.yiaddr), 0x0a000002);
    assert_int_equal(ntohl(l.server_id), 0x0a000001);
    assert_int_equal(ntohl(l.mask), 0xffffff00);
    assert_int_equal(ntohl(l.router), 0x0a000001);
    assert_int_equal(ntohl(l.dns[0]), 0x0a000001);
    assert_int_equal(ntohl(l.dns[1]), 0x08080808);
    assert_int_equal(l.lease_s, 0x0e10);     /* 3600 s */
}

static void test_bad_offers_ignored(void **state)
{
    static const u8 good[] = { OFFER_OPTS(0x10) };
    static const u8 zero_lease[] = { 53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 0, 0, 255 };
    static const u8 no_lease[] = { 53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 255 };
    static const u8 no_server[] = { 53, 1, DHCPOFFER, 51, 4, 0, 0, 1, 0, 255 };
    static const u8 no_type[] = { 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 1, 0, 255 };
    static const u8 overrun[] = { 53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 1, 0, 6, 200, 1 };
    static const u8 no_end[] = { 53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 1, 0 };
    static const u8 bad_len[] = { 53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 1, 0, 1, 3, 255, 255, 255, 255 };
    static const u8 half_opt[] = { 53, 1, DHCPOFFER, 54, 4, 10, 0, 0, 1, 51, 4, 0, 0, 1, 0, 3 };
    struct dhcp_lease l;
    unsigned n;

    assert_int_equal(dhcp_parse(pkt, reply(0, good, sizeof(good)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x7f000001, good, sizeof(good)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0xe0000001, good, sizeof(good)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, zero_lease, sizeof(zero_lease)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, no_lease, sizeof(no_lease)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, no_server, sizeof(no_server)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, no_type, sizeof(no_type)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, overrun, sizeof(overrun)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, no_end, sizeof(no_end)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, bad_len, sizeof(bad_len)), XID, mac, &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, half_opt, sizeof(half_opt)), XID, mac, &l), -EINVAL);
    n = reply(0x0a000002, good, sizeof(good));
    assert_int_equal(dhcp_parse(pkt, n, XID + 1, mac, &l), -EINVAL);          /* another transaction */
    assert_int_equal(dhcp_parse(pkt, n, XID, (const u8 *)"\1\2\3\4\5\6", &l), -EINVAL);
    assert_int_equal(dhcp_parse(pkt, 239, XID, mac, &l), -EINVAL);            /* shorter than the fixed part */
    ((struct dhcp_msg *)pkt)->magic = 0;
    assert_int_equal(dhcp_parse(pkt, n, XID, mac, &l), -EINVAL);
    n = reply(0x0a000002, good, sizeof(good));
    ((struct dhcp_msg *)pkt)->op = BOOTREQUEST;                              /* another client's request */
    assert_int_equal(dhcp_parse(pkt, n, XID, mac, &l), -EINVAL);
}

static void test_ack_nak_and_padding(void **state)
{
    static const u8 ack[] = { 0, 0, 53, 1, DHCPACK, 0, 54, 4, 10, 0, 0, 1, 51, 4, 0xff, 0xff, 0xff, 0xff,
                              58, 4, 0, 0, 0, 100, 59, 4, 0, 0, 0, 200, 255, 7, 7 };
    static const u8 nak[] = { 53, 1, DHCPNAK, 54, 4, 10, 0, 0, 1, 255 };
    struct dhcp_lease l;

    assert_int_equal(dhcp_parse(pkt, reply(0x0a000002, ack, sizeof(ack)), XID, mac, &l), 0);
    assert_int_equal(l.type, DHCPACK);
    assert_int_equal(l.lease_s, 0xffffffffu);
    assert_int_equal(l.t1_s, 100);
    assert_int_equal(l.t2_s, 200);
    assert_int_equal(dhcp_parse(pkt, reply(0, nak, sizeof(nak)), XID, mac, &l), 0);
    assert_int_equal(l.type, DHCPNAK);
}

static void test_build_discover_and_request(void **state)
{
    u8 buf[sizeof(struct dhcp_msg) + DHCP_OPTIONS_MAX];
    struct dhcp_req r = { .type = DHCPDISCOVER, .xid = XID, .mac = mac, .broadcast = true, .secs = 3 };
    const struct dhcp_msg *m = (const struct dhcp_msg *)buf;
    unsigned n = dhcp_build(buf, &r);

    assert_true(n <= sizeof(buf));
    assert_int_equal(m->op, BOOTREQUEST);
    assert_int_equal(m->xid, XID);
    assert_int_equal(ntohs(m->flags), DHCP_FLAG_BROADCAST);
    assert_int_equal(ntohs(m->secs), 3);
    assert_memory_equal(m->chaddr, mac, 6);
    assert_int_equal(ntohl(m->magic), DHCP_MAGIC);
    assert_int_equal(m->options[0], 53);
    assert_int_equal(m->options[2], DHCPDISCOVER);
    assert_int_equal(buf[n - 1], 255);
    r = (struct dhcp_req){ .type = DHCPREQUEST, .xid = XID, .mac = mac, .requested_ip = htonl(0x0a000002),
                           .server_id = htonl(0x0a000001) };
    n = dhcp_build(buf, &r);
    assert_true(n <= sizeof(buf));
    assert_int_equal(m->options[2], DHCPREQUEST);
    assert_non_null(memmem(m->options, n - sizeof(*m), "\x32\x04\x0a\x00\x00\x02", 6));  /* option 50 */
    assert_non_null(memmem(m->options, n - sizeof(*m), "\x36\x04\x0a\x00\x00\x01", 6));  /* option 54 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_offer),
        cmocka_unit_test(test_bad_offers_ignored),
        cmocka_unit_test(test_ack_nak_and_padding),
        cmocka_unit_test(test_build_discover_and_request),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
