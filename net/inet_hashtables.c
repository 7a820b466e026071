/*
 * Port ownership for AF_INET transports (Linux inet_hashtables.c /
 * udp_lib_get_port, reduced): one bind table per transport, a chain per port
 * bucket, the transport's conflict rule, and ephemeral port selection by
 * RFC 6056 §3.3.3 (Algorithm 3, "Simple Hash-Based") keyed by a boot secret.
 * TCP's TIME-WAIT entries keep their ports here too (Linux keeps them on the
 * bind bucket's owners) and take part in the conflict checks.
 * Layer: under UDP (and TCP's bind/connect), above the CSPRNG.  Owns the
 * secret and the global next_ephemeral counter.
 */
#include <kernel/errno.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>

static u8 secret[CHACHA20_KEY_SIZE];
static bool secret_ready;
static u32 next_ephemeral;      /* RFC 6056 Algorithm 3's counter, shared by all tables */

u32 inet_secure_hash(u32 domain, __be32_t laddr, __be32_t faddr, __be16_t lport, __be16_t fport)
{
    u8 nonce[CHACHA20_NONCE_SIZE], out[CHACHA20_BLOCK_SIZE];
    u32 h;

    if (!secret_ready) {
        get_random_bytes(secret, sizeof(secret));
        secret_ready = true;
    }
    memcpy(nonce, &domain, 4);
    memcpy(nonce + 4, &laddr, 4);
    memcpy(nonce + 8, &faddr, 4);
    chacha20_block(secret, (u32)lport << 16 | fport, nonce, out);
    memcpy(&h, out, sizeof(h));
    return h;
}

void inet_bind_table_init(struct inet_bind_table *t, const char *name,
                          bool (*bind_conflict)(const struct sock *, const struct sock *))
{
    t->name = name;
    t->bind_conflict = bind_conflict;
    t->count = 0;
    t->tw_buckets = NULL;
    for (unsigned i = 0; i < INET_BIND_BUCKETS; i++)
        INIT_LIST_HEAD(&t->buckets[i]);
}

bool inet_dgram_bind_conflict(const struct sock *sk, const struct sock *sk2)
{
    return !(sk->sk_reuse && sk2->sk_reuse) && !(sk->sk_reuseport && sk2->sk_reuseport);
}

/*
 * Would sk on port clash with TIME-WAIT entry tw (same port, overlapping
 * address and device)?  bind() and bind(0): unless both had SO_REUSEADDR or
 * both SO_REUSEPORT (Linux inet_bind_conflict: a TIME-WAIT entry is never a
 * listener).  connect()'s ephemeral port (sk has its peer already): if the
 * port is bind()'s (Linux skips buckets with fastreuse >= 0), or tw holds
 * the very 4-tuple (RFC 6056 §2.3; Linux __inet_check_established with
 * tcp_tw_reuse off).
 */
static bool tw_conflict(const struct sock *sk, const struct inet_timewait_sock *tw)
{
    const struct inet_sock *inet = inet_sk(sk);

    if (inet->inet_daddr)
        return tw->tw_bound || (tw->tw_daddr == inet->inet_daddr && tw->tw_dport == inet->inet_dport &&
                                tw->tw_rcv_saddr == inet->inet_rcv_saddr);
    return !(sk->sk_reuse && tw->tw_reuse) && !(sk->sk_reuseport && tw->tw_reuseport);
}

static bool port_in_timewait(struct inet_bind_table *t, const struct sock *sk, u16 port)
{
    const struct inet_sock *inet = inet_sk(sk);
    struct inet_timewait_sock *tw;

    if (!t->tw_buckets)
        return false;
    list_for_each_entry(tw, &t->tw_buckets[port % INET_BIND_BUCKETS], tw_bind_node) {
        if (tw->tw_num != port)
            continue;
        if (inet->inet_rcv_saddr && tw->tw_rcv_saddr && inet->inet_rcv_saddr != tw->tw_rcv_saddr)
            continue;
        if (sk->sk_bound_dev_if && tw->tw_bound_dev_if && sk->sk_bound_dev_if != tw->tw_bound_dev_if)
            continue;
        if (tw_conflict(sk, tw))
            return true;
    }
    return false;
}

/* Would sk on port (host order) clash with a sock or TIME-WAIT entry already there? */
static bool port_in_use(struct inet_bind_table *t, const struct sock *sk, u16 port)
{
    const struct inet_sock *inet = inet_sk(sk);
    struct sock *sk2;

    list_for_each_entry(sk2, inet_bind_bucket(t, port), sk_bind_node) {
        const struct inet_sock *i2 = inet_sk(sk2);

        if (sk2 == sk || i2->inet_num != port)
            continue;
        if (inet->inet_rcv_saddr && i2->inet_rcv_saddr && inet->inet_rcv_saddr != i2->inet_rcv_saddr)
            continue;
        if (sk->sk_bound_dev_if && sk2->sk_bound_dev_if && sk->sk_bound_dev_if != sk2->sk_bound_dev_if)
            continue;
        if (t->bind_conflict(sk, sk2))
            return true;
    }
    return port_in_timewait(t, sk, port);
}

/* RFC 6056 §3.3.3: port = min + (next_ephemeral + F(...)) % num, first free one. */
static int pick_ephemeral(struct inet_bind_table *t, const struct sock *sk)
{
    const struct inet_sock *inet = inet_sk(sk);
    u32 num = INET_EPHEMERAL_HIGH - INET_EPHEMERAL_LOW + 1;
    u32 offset = inet_secure_hash(0x706f7274 /* "port" */, inet->inet_rcv_saddr,
                                  inet->inet_daddr, 0, inet->inet_dport);

    for (u32 count = num; count; count--) {
        u16 port = (u16)(INET_EPHEMERAL_LOW + (next_ephemeral++ + offset) % num);

        if (!port_in_use(t, sk, port))
            return port;
    }
    return -EADDRINUSE;
}

int inet_bind_port(struct inet_bind_table *t, struct sock *sk, u16 snum)
{
    struct inet_sock *inet = inet_sk(sk);
    int port = snum;

    if (!snum)
        port = pick_ephemeral(t, sk);
    else if (port_in_use(t, sk, snum))
        port = -EADDRINUSE;
    if (port < 0)
        return port;
    inet->inet_num = (u16)port;
    inet->inet_sport = htons((u16)port);
    list_add_tail(&sk->sk_bind_node, inet_bind_bucket(t, (u16)port));
    t->count++;
    return 0;
}

void inet_unbind_port(struct inet_bind_table *t, struct sock *sk)
{
    if (list_empty(&sk->sk_bind_node))
        return;
    list_del_init(&sk->sk_bind_node);
    t->count--;
    inet_sk(sk)->inet_num = 0;
    inet_sk(sk)->inet_sport = 0;
}

void inet_twsk_bind_add(struct inet_bind_table *t, struct inet_timewait_sock *tw)
{
    list_add_tail(&tw->tw_bind_node, &t->tw_buckets[tw->tw_num % INET_BIND_BUCKETS]);
}

void inet_twsk_bind_del(struct inet_timewait_sock *tw)
{
    list_del_init(&tw->tw_bind_node);
}
