/*
 * TIME-WAIT as a small tcp_timewait_sock in place of the released tcp_sock
 * (Linux's inet_timewait_sock): RFC 9293 §3.10.7.4 for that state, RFC 7323
 * PAWS, reuse by a new SYN per RFC 6191, bounded by tcp_max_tw_buckets
 * (sized from RAM as Linux does, or the boot parameter).
 * Layer: tcp_time_wait() is called by the state machine when a connection
 * enters TIME-WAIT; tcp_v4_rcv() hands segments for an entry to
 * tcp_timewait_state_process().  Owns the entries: their slab cache, the
 * 2*MSL timer and freeing; the hash chains they sit on are tcp_ipv4.c's.
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

/* ---- TIME-WAIT -------------------------------------------------------------------- */

u32 tcp_max_tw_buckets = TCP_MAX_TW_BUCKETS_DEFAULT;
static bool tcp_max_tw_buckets_given;       /* by the boot parameter: not sized from RAM */
static struct kmem_cache *tcp_tw_cache;     /* "tcp_timewait": its own line in the 'm' counters */
static unsigned tcp_tw_alive;

/* The kernel's page allocator defines it; host tests link none and keep the default. */
extern u64 pmm_total_bytes(void) __attribute__((weak));

#define TCP_TW_OOW_RATELIMIT_MS 500         /* Linux tcp_invalid_ratelimit */

static int tcp_max_tw_buckets_set(const char *val)
{
    unsigned long n = 0;

    if (!val || !*val)
        return -EINVAL;
    for (; *val; val++) {
        if (*val < '0' || *val > '9' || n > 10000000)
            return -EINVAL;
        n = n * 10 + (unsigned long)(*val - '0');
    }
    tcp_max_tw_buckets = (u32)n;
    tcp_max_tw_buckets_given = true;
    return 0;
}
KERNEL_PARAM("tcp_max_tw_buckets", tcp_max_tw_buckets_set);

/*
 * Linux's default for a RAM size: half the established hash (tcp_sk_init),
 * which alloc_large_system_hash sizes at one 8-byte slot per 128 KiB of
 * RAM rounded up to a MiB, at least a page of slots, rounded up to a power
 * of two, at most 512 Ki slots.  So 512 at -m 128 (what a Linux guest of
 * that size shows), 256 below 64 MiB, 4096 at 1 GiB.  Every entry is a row
 * of /proc/net/tcp as well as 128 bytes.
 */
static u32 tcp_tw_buckets_for_ram(u64 bytes)
{
    u64 slots = ((bytes + (1ULL << 20) - 1) >> 20) << (20 - 17);
    u64 n = PAGE_SIZE / 8;

    while (n < slots && n < 512 * 1024)
        n <<= 1;
    return (u32)(n / 2);
}

/* At TCP's start, so the cache exists before any baseline a leak check takes. */
void tcp_timewait_init(void)
{
    if (!tcp_max_tw_buckets_given && pmm_total_bytes)
        tcp_max_tw_buckets = tcp_tw_buckets_for_ram(pmm_total_bytes());
    if (!tcp_tw_cache)
        tcp_tw_cache = kmem_cache_create("tcp_timewait", sizeof(struct tcp_timewait_sock), 8);
}

unsigned tcp_tw_count(void)
{
    return tcp_tw_alive;
}

void inet_twsk_deschedule_put(struct inet_timewait_sock *tw)
{
    del_timer(&tw->tw_timer);
    tcp_tw_unhash(tw);
    tcp_tw_alive--;
    kmem_cache_free(tcp_tw_cache, tcp_twsk(tw));
}

/* 2*MSL without a reason to stay: the entry goes (RFC 9293 §3.10.8, "Time-Wait Timeout"). */
static void tcp_tw_timer_handler(struct timer_list *t)
{
    tcp_stats.timewaited++;
    inet_twsk_deschedule_put(container_of(t, struct inet_timewait_sock, tw_timer));
}

static void inet_twsk_reschedule(struct inet_timewait_sock *tw)
{
    mod_timer(&tw->tw_timer, ktime_get_ns() + 2 * tcp_msl_ns);
}

/* The stand-in for sk (Linux inet_twsk_alloc + tcp_time_wait's copy); NULL over the limit or out of memory. */
static struct tcp_timewait_sock *tcp_twsk_alloc(const struct sock *sk)
{
    const struct inet_sock *inet = inet_sk(sk);
    const struct tcp_sock *tp = tcp_sk(sk);
    struct tcp_timewait_sock *tcptw;
    struct inet_timewait_sock *tw;

    if (tcp_tw_alive >= tcp_max_tw_buckets || !tcp_tw_cache || !(tcptw = kmem_cache_zalloc(tcp_tw_cache)))
        return NULL;
    tw = &tcptw->tw_sk;
    INIT_LIST_HEAD(&tw->tw_node);
    INIT_LIST_HEAD(&tw->tw_bind_node);
    timer_setup(&tw->tw_timer, tcp_tw_timer_handler);
    tw->tw_rcv_saddr = inet->inet_rcv_saddr;
    tw->tw_daddr = inet->inet_daddr;
    tw->tw_sport = inet->inet_sport;
    tw->tw_dport = inet->inet_dport;
    tw->tw_num = inet->inet_num;
    tw->tw_substate = TCP_TIME_WAIT;
    tw->tw_reuse = !!sk->sk_reuse;
    tw->tw_reuseport = !!sk->sk_reuseport;
    tw->tw_bound = !!(sk->sk_userlocks & SOCK_BINDPORT_LOCK);
    tw->tw_tos = inet->tos;
    tw->tw_ttl = inet_ttl(inet);
    tw->tw_bound_dev_if = sk->sk_bound_dev_if;
    tcptw->tw_rcv_nxt = tp->rcv_nxt;
    tcptw->tw_snd_nxt = tp->snd_nxt;
    tcptw->tw_rcv_wnd = tcp_receive_window(tp);
    tcptw->tw_rcv_wscale = tp->rx_opt.rcv_wscale;
    if (tp->rx_opt.tstamp_ok) {
        tcptw->tw_ts_recent = tp->ts_recent;
        tcptw->tw_ts_recent_stamp = tp->ts_recent_stamp ? tp->ts_recent_stamp : ktime_get_ns();
    }
    return tcptw;
}

/*
 * Enter TIME-WAIT for 2*MSL (RFC 9293 §3.4.2) as Linux's tcp_time_wait():
 * the 4-tuple and port pass to a tcp_timewait_sock hashed where lookups
 * find it, and the full sock is closed (tcp_done) with its buffers, queues
 * and timers, freed by the normal path once nothing holds it.  Past
 * tcp_max_tw_buckets (or with no memory) the connection just closes.
 */
void tcp_time_wait(struct sock *sk)
{
    struct tcp_timewait_sock *tcptw = tcp_twsk_alloc(sk);

    if (tcptw) {
        tcp_tw_hash(&tcptw->tw_sk);
        inet_twsk_reschedule(&tcptw->tw_sk);
        tcp_tw_alive++;
    } else {
        tcp_stats.tw_overflow++;
    }
    tcp_done(sk, 0);
}

/* TS.Recent of the old connection still valid (RFC 7323 §5.5: for 24 days)? */
static bool tcp_tw_ts_valid(const struct tcp_timewait_sock *tcptw)
{
    return tcptw->tw_ts_recent_stamp && ktime_get_ns() - tcptw->tw_ts_recent_stamp < TCP_PAWS_24DAYS;
}

/* Send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> from tw, with TS if the connection had them (Linux tcp_v4_timewait_ack). */
static void tcp_tw_send_ack(const struct inet_timewait_sock *tw)
{
    const struct tcp_timewait_sock *tcptw = tcp_twsk(tw);
    u32 win = tcptw->tw_rcv_wnd >> tcptw->tw_rcv_wscale;
    struct tcp_seg_hdr h = { .sport = tw->tw_sport, .dport = tw->tw_dport, .seq = tcptw->tw_snd_nxt,
                             .ack = tcptw->tw_rcv_nxt, .flags = TCPHDR_ACK,
                             .window = (u16)(win > TCP_MAX_WINDOW ? TCP_MAX_WINDOW : win) };
    struct tcp_seg_route r = { .saddr = tw->tw_rcv_saddr, .daddr = tw->tw_daddr, .tos = tw->tw_tos,
                               .ttl = tw->tw_ttl, .oif = tw->tw_bound_dev_if };

    tcp_v4_send_ack(&h, &r, tcptw->tw_ts_recent_stamp, tcp_ts_clock(ktime_get_ns()), tcptw->tw_ts_recent);
}

void tcp_timewait_ack_consume(struct inet_timewait_sock *tw, struct sk_buff *skb)
{
    tcp_tw_send_ack(tw);
    consume_skb(skb);
}

/*
 * ACK an out-of-window segment, at most one bare ACK or SYN per 500 ms
 * (Linux tcp_timewait_check_oow_rate_limit, RFC 5961 §7's reasoning: two
 * ends that disagree must not ACK each other forever).  Frees skb with
 * reason (0: consumed, the peer's FIN again being no fault).
 */
static void tcp_tw_oow_ack(struct inet_timewait_sock *tw, struct sk_buff *skb, enum skb_drop_reason reason)
{
    struct tcp_timewait_sock *tcptw = tcp_twsk(tw);
    const struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u32 now = tcp_ts_clock(ktime_get_ns());

    if (cb->seq == cb->end_seq || (cb->tcp_flags & TCPHDR_SYN)) {
        if (tcptw->tw_last_oow_ack_time && now - tcptw->tw_last_oow_ack_time < TCP_TW_OOW_RATELIMIT_MS) {
            tcp_stats.tw_ack_skipped++;
            goto out;
        }
        tcptw->tw_last_oow_ack_time = now ? now : 1;
    }
    tcp_tw_send_ack(tw);
out:
    if (reason)
        kfree_skb_reason(skb, reason);
    else
        consume_skb(skb);
}

/*
 * RFC 9293 §3.10.7.4 for TIME-WAIT, in Linux's order
 * (tcp_timewait_state_process):
 *  - PAWS first (RFC 7323 §5.3) when both had timestamps.
 *  - At RCV.NXT with no text: an RST ends the entry (Linux, rfc1337 = 0;
 *    RFC 5961 §3.2's exact match, so no challenge is needed); a bare ACK
 *    restarts 2*MSL and updates TS.Recent.
 *  - A SYN (no ACK, no RST) above RCV.NXT, or with a TSval above TS.Recent
 *    (RFC 6191), may open a new incarnation: TCP_TW_SYN, with our ISS
 *    above anything the old one sent (RFC 1122 §4.2.2.13).
 *  - Anything else but an RST (the peer's FIN again because our ACK was
 *    lost, old data, an old SYN) restarts 2*MSL if it carries an ACK or
 *    failed PAWS, and is answered with an ACK (rate-limited for bare ACKs
 *    and SYNs).  Other RSTs are ignored.
 */
enum tcp_tw_status tcp_timewait_state_process(struct inet_timewait_sock *tw, struct sk_buff *skb,
                                              const struct tcp_options_received *rx)
{
    struct tcp_timewait_sock *tcptw = tcp_twsk(tw);
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    u8 fl = cb->tcp_flags;
    bool ts = rx->saw_tstamp && tcptw->tw_ts_recent_stamp;
    bool paws_reject = ts && !(fl & TCPHDR_RST) && tcp_tw_ts_valid(tcptw) &&
                       SEQ_LT(rx->rcv_tsval, tcptw->tw_ts_recent);

    if (!paws_reject && cb->seq == tcptw->tw_rcv_nxt && (cb->seq == cb->end_seq || (fl & TCPHDR_RST))) {
        if (fl & TCPHDR_RST) {
            inet_twsk_deschedule_put(tw);
            consume_skb(skb);
            return TCP_TW_SUCCESS;
        }
        inet_twsk_reschedule(tw);
        if (ts) {
            tcptw->tw_ts_recent = rx->rcv_tsval;
            tcptw->tw_ts_recent_stamp = ktime_get_ns();
        }
        consume_skb(skb);
        return TCP_TW_SUCCESS;
    }
    if ((fl & (TCPHDR_SYN | TCPHDR_ACK | TCPHDR_RST)) == TCPHDR_SYN && !paws_reject &&
        (SEQ_GT(cb->seq, tcptw->tw_rcv_nxt) || (ts && SEQ_LT(tcptw->tw_ts_recent, rx->rcv_tsval)))) {
        cb->tw_isn = tcptw->tw_snd_nxt + 65535 + 2;
        if (!cb->tw_isn)
            cb->tw_isn = 1;
        return TCP_TW_SYN;
    }
    if (paws_reject)
        tcp_stats.paws_drops++;
    if (fl & TCPHDR_RST) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_RESET);
        return TCP_TW_SUCCESS;
    }
    if (paws_reject || (fl & TCPHDR_ACK))
        inet_twsk_reschedule(tw);
    if (paws_reject)
        tcp_tw_oow_ack(tw, skb, SKB_DROP_REASON_TCP_RFC7323_PAWS);
    else if ((fl & TCPHDR_FIN) && cb->end_seq == tcptw->tw_rcv_nxt)
        tcp_tw_oow_ack(tw, skb, SKB_DROP_REASON_NOT_DROPPED_YET);
    else
        tcp_tw_oow_ack(tw, skb, SKB_DROP_REASON_TCP_INVALID_SEQUENCE);
    return TCP_TW_SUCCESS;
}
