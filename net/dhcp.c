/*
 * DHCP client (RFC 2131 §4.4, the client state diagram of Figure 5): INIT
 * -> SELECTING (DISCOVER) -> REQUESTING (REQUEST for the first good OFFER)
 * -> BOUND (address, mask, router configured; DNS logged) -> RENEWING at T1
 * (unicast REQUEST to the server) -> REBINDING at T2 (broadcast) -> INIT at
 * expiry (address removed).  Retransmissions double from 2 s to 64 s with
 * +-0.5 s of jitter (§4.1).  Layer: a kernel UDP socket on port 68 tied to
 * the device (replies arrive through its encap_rcv hook in softirq), above
 * devinet/route which it configures; started by ipconfig's net_config().
 * Owns the one client's state and timers.
 */
#include <kernel/errno.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/inetdevice.h>
#include <net/route.h>
#include <net/udp.h>
#include "dhcp_impl.h"

enum dhcp_state { DHCP_OFF, DHCP_SELECTING, DHCP_REQUESTING, DHCP_BOUND, DHCP_RENEWING, DHCP_REBINDING };

static struct {
    enum dhcp_state state;
    struct net_device *dev;
    struct socket *sock;
    u32 xid;                    /* current transaction, network order */
    u64 start_ns;               /* when the transaction began (the secs field) */
    u64 retrans_ns;             /* next retransmission interval */
    u64 bound_ns;               /* when the lease was acked (T1, T2, expiry count from it) */
    struct dhcp_lease lease;    /* the selected offer, then the acked lease */
    __be32_t addr;              /* address configured on dev, 0 for none */
    struct timer_list retrans;  /* retransmission of the current message */
    struct timer_list lease_timer; /* T1, T2, expiry */
} dc;
static DECLARE_WAIT_QUEUE_HEAD(dhcp_wq);

static void dhcp_send(void)
{
    u8 buf[sizeof(struct dhcp_msg) + DHCP_OPTIONS_MAX];
    bool selecting = dc.state == DHCP_SELECTING, requesting = dc.state == DHCP_REQUESTING;
    struct dhcp_req req = {
        .type = selecting ? DHCPDISCOVER : DHCPREQUEST, .xid = dc.xid, .mac = dc.dev->dev_addr,
        .secs = (u16)MIN((ktime_get_ns() - dc.start_ns) / NSEC_PER_SEC, 0xffffULL),
        .broadcast = selecting || requesting, .ciaddr = (selecting || requesting) ? 0 : dc.addr,
        .requested_ip = requesting ? dc.lease.yiaddr : 0, .server_id = requesting ? dc.lease.server_id : 0,
    };
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT),
                              .sin_addr = dc.state == DHCP_RENEWING ? dc.lease.server_id : INADDR_BROADCAST };
    struct user_iov kv = { (u64)(uintptr_t)buf, dhcp_build(buf, &req) };
    struct msghdr msg = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_flags = MSG_DONTWAIT };
    long err;

    iov_iter_init(&msg.msg_iter, ITER_KVEC, &kv, 1, kv.len);
    err = dc.sock->ops->sendmsg(dc.sock, &msg, kv.len);
    if (err < 0)
        pr_debug("dhcp: send failed (%ld)", err);
}

/* Send now and schedule the retransmission: doubling, capped, with jitter (RFC 2131 §4.1). */
static void dhcp_transmit(void)
{
    u32 r;

    dhcp_send();
    get_random_bytes(&r, sizeof(r));
    mod_timer(&dc.retrans, ktime_get_ns() + dc.retrans_ns - NSEC_PER_SEC / 2 + r % NSEC_PER_SEC);
    dc.retrans_ns = MIN(dc.retrans_ns * 2, DHCP_RETRANS_MAX_NS);
}

/* A new transaction in `state` (SELECTING, RENEWING, REBINDING): fresh xid, backoff reset. */
static void dhcp_begin(enum dhcp_state state)
{
    dc.state = state;
    get_random_bytes(&dc.xid, sizeof(dc.xid));
    dc.start_ns = ktime_get_ns();
    dc.retrans_ns = DHCP_RETRANS_MIN_NS;
    dhcp_transmit();
}

static void dhcp_retrans_timer(struct timer_list *t)
{
    if (dc.state != DHCP_OFF && dc.state != DHCP_BOUND)
        dhcp_transmit();
}

/* Back to INIT (NAK, or the lease ran out): the address goes, discovery starts over. */
static void dhcp_restart(const char *why)
{
    char a[INET_ADDRSTRLEN];

    if (dc.addr) {
        pr_info("dhcp: %s: giving up %s", dc.dev->name, in_ntoa(dc.addr, a));
        inet_clear_addr(dc.dev);
        dc.addr = 0;
    }
    pr_info("dhcp: %s: %s, discovering again", dc.dev->name, why);
    del_timer(&dc.lease_timer);
    dhcp_begin(DHCP_SELECTING);
}

static u64 lease_at(u32 seconds)
{
    return dc.bound_ns + (u64)seconds * NSEC_PER_SEC;
}

/* T1 and T2 from the server, else RFC 2131 §4.4.5's 0.5 and 0.875 of the lease. */
static void lease_times(u32 *t1, u32 *t2)
{
    u32 lease = dc.lease.lease_s;

    *t1 = dc.lease.t1_s && dc.lease.t1_s < lease ? dc.lease.t1_s : lease / 2;
    *t2 = dc.lease.t2_s && dc.lease.t2_s < lease && dc.lease.t2_s > *t1 ? dc.lease.t2_s
                                                                          : (u32)((u64)lease * 7 / 8);
}

static void dhcp_lease_timer(struct timer_list *t)
{
    u64 now = ktime_get_ns();
    u32 t1, t2;

    lease_times(&t1, &t2);
    if (now >= lease_at(dc.lease.lease_s)) {
        dhcp_restart("lease expired");
    } else if (now >= lease_at(t2)) {
        if (dc.state != DHCP_REBINDING)
            dhcp_begin(DHCP_REBINDING);
        mod_timer(&dc.lease_timer, lease_at(dc.lease.lease_s));
    } else {
        if (dc.state != DHCP_RENEWING)
            dhcp_begin(DHCP_RENEWING);
        mod_timer(&dc.lease_timer, lease_at(t2));
    }
}

static unsigned mask_prefix(__be32_t mask, __be32_t addr)
{
    u32 m = ntohl(mask), a = ntohl(addr);
    unsigned bits = m ? 32u - (unsigned)__builtin_ctz(m) : 0;

    if (m && inet_make_mask(bits) == mask)
        return bits;
    return a < 0x80000000u ? 8 : a < 0xc0000000u ? 16 : 24;   /* classful, as Linux ipconfig */
}

/* Configure the acked address (only when it changed: a renewal keeps routes and ARP). */
static void dhcp_configure(void)
{
    const struct dhcp_lease *l = &dc.lease;
    unsigned prefix = mask_prefix(l->mask, l->yiaddr);
    char a[5][INET_ADDRSTRLEN];
    int err;

    if (dc.addr == l->yiaddr)
        return;
    err = inet_set_addr(dc.dev, l->yiaddr, prefix);
    if (!err && l->router)
        err = ip_route_add(0, 0, l->router, dc.dev);
    if (err) {
        pr_err("dhcp: %s: configuring %s/%u failed (%d)", dc.dev->name, in_ntoa(l->yiaddr, a[0]),
               prefix, err);
        return;
    }
    dc.addr = l->yiaddr;
    pr_info("dhcp: %s: %s/%u from %s, router %s, dns %s %s, lease %u s", dc.dev->name,
            in_ntoa(l->yiaddr, a[0]), prefix, in_ntoa(l->server_id, a[1]), in_ntoa(l->router, a[2]),
            in_ntoa(l->dns[0], a[3]), in_ntoa(l->dns[1], a[4]), l->lease_s);
}

static void dhcp_bound(void)
{
    u32 t1, t2;

    del_timer(&dc.retrans);
    dc.state = DHCP_BOUND;
    dc.bound_ns = ktime_get_ns();
    dhcp_configure();
    if (dc.lease.lease_s != 0xffffffffu) {
        lease_times(&t1, &t2);
        mod_timer(&dc.lease_timer, lease_at(t1));
    }
    wake_up_all(&dhcp_wq);
}

/* A reply for our port (softirq; data at the UDP payload).  Consumes skb. */
static void dhcp_rcv(struct sock *sk, struct sk_buff *skb)
{
    struct dhcp_lease l;

    if (dhcp_parse(skb->data, skb->len, dc.xid, dc.dev->dev_addr, &l))
        goto out;           /* not ours, or a bad offer: ignored (RFC 2131 §4.4.1) */
    if (dc.state == DHCP_SELECTING && l.type == DHCPOFFER) {
        dc.lease = l;
        dc.state = DHCP_REQUESTING;
        dc.retrans_ns = DHCP_RETRANS_MIN_NS;
        dhcp_transmit();
    } else if (dc.state >= DHCP_REQUESTING && dc.state != DHCP_BOUND && l.type == DHCPACK) {
        if (dc.state == DHCP_REQUESTING && l.server_id != dc.lease.server_id)
            goto out;
        if (dc.state != DHCP_REQUESTING)
            pr_info("dhcp: %s: lease %s, %u s", dc.dev->name,
                    dc.state == DHCP_RENEWING ? "renewed" : "rebound", l.lease_s);
        dc.lease = l;
        dhcp_bound();
    } else if (dc.state >= DHCP_REQUESTING && dc.state != DHCP_BOUND && l.type == DHCPNAK) {
        dhcp_restart("NAK");
    }
out:
    consume_skb(skb);
}

static int dhcp_socket(struct net_device *dev)
{
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(DHCP_CLIENT_PORT) };
    int err = sock_create(AF_INET, SOCK_DGRAM, IPPROTO_UDP, &dc.sock, true);

    if (err)
        return err;
    dc.sock->sk->sk_bound_dev_if = dev->ifindex;
    sock_set_flag(dc.sock->sk, SOCK_BROADCAST);
    udp_sk(dc.sock->sk)->encap_rcv = dhcp_rcv;
    err = dc.sock->ops->bind(dc.sock, &any, sizeof(any));
    if (err) {
        sock_release(dc.sock);
        dc.sock = NULL;
    }
    return err;
}

int dhcp_start(struct net_device *dev)
{
    int err;

    if (dc.state != DHCP_OFF)
        return -EBUSY;
    err = dev_open(dev);
    if (!err)
        err = dhcp_socket(dev);
    if (err)
        return err;
    dc.dev = dev;
    dc.addr = 0;
    timer_setup(&dc.retrans, dhcp_retrans_timer);
    timer_setup(&dc.lease_timer, dhcp_lease_timer);
    dhcp_begin(DHCP_SELECTING);
    return 0;
}

bool dhcp_wait_bound(u64 timeout_ns)
{
    return wait_event_timeout(&dhcp_wq, dc.state >= DHCP_BOUND, timeout_ns) != 0;
}

void dhcp_stop(void)
{
    if (dc.state == DHCP_OFF)
        return;
    del_timer(&dc.retrans);
    del_timer(&dc.lease_timer);
    if (dc.addr)
        inet_clear_addr(dc.dev);
    sock_release(dc.sock);
    memset(&dc, 0, sizeof(dc));
}
