/*
 * SYN cookies (Linux net/ipv4/syncookies.c, RFC 4987 §3.6): when the SYN
 * queue is full the listener answers a SYN with an ISS that encodes what it
 * must remember, and commits no memory; the final ACK proves the peer got
 * it (SEG.ACK - 1 is the cookie) and rebuilds a request sock.
 *
 *   cookie = H1(tuple) + client ISN + (count << 24)
 *            + ((H2(tuple, count) + MSS index) & 0xffffff)
 *
 * count is a minute counter: a cookie is good for SYNCOOKIE_MAX_AGE
 * counts.  H1/H2 are inet_secure_hash() in cookie domains.  With
 * timestamps, the low 6 bits of our TSval carry window scale and
 * SACK-permitted, and come back in the ACK's TSecr (Linux
 * cookie_init_timestamp).  Below: net/inet_hashtables.c's keyed hash, net/tcp_options.c.
 * Above: net/tcp_ipv4.c, when the SYN queue overflows and for unmatched ACKs.
 */
#include <kernel/mm.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/inet_sock.h>
#include <net/tcp_ext.h>
#include <net/wire/ip.h>
#include "tcp_impl.h"

#define COOKIEBITS 24
#define COOKIEMASK ((1u << COOKIEBITS) - 1)

/* Linux's table: the MSS values most SYNs carry; a cookie stores the index. */
static const u16 msstab[] = { 536, 1300, 1440, 1460 };

static u32 cookie_count(u64 now_ns) { return (u32)(now_ns / SYNCOOKIE_PERIOD_NS); }

/*
 * Linux's cookie_hash(count, c): H1 is c = 0 with count 0, H2 c = 1.  The
 * minute count enters the domain modulo 2^15, far beyond a cookie's life.
 */
static u32 cookie_hash(__be32_t sa, __be32_t da, __be16_t sp, __be16_t dp, u32 count, u32 c)
{
    return inet_secure_hash(TCP_HASH_DOMAIN_COOKIE | ((2 * count + c) & 0xffff), sa, da, sp, dp);
}

u32 syncookie_encode(__be32_t sa, __be32_t da, __be16_t sp, __be16_t dp, u32 isn, u16 mss,
                     u64 now_ns, u16 *mss_out)
{
    u32 count = cookie_count(now_ns), ind = ARRAY_SIZE(msstab) - 1;

    while (ind && mss < msstab[ind])    /* largest table value <= mss; 536 at least */
        ind--;
    *mss_out = msstab[ind];
    return cookie_hash(sa, da, sp, dp, 0, 0) + isn + (count << COOKIEBITS) +
           ((cookie_hash(sa, da, sp, dp, count, 1) + ind) & COOKIEMASK);
}

u16 syncookie_decode(__be32_t sa, __be32_t da, __be16_t sp, __be16_t dp, u32 cookie, u32 isn,
                     u64 now_ns)
{
    u32 count = cookie_count(now_ns), diff, ind;

    cookie -= cookie_hash(sa, da, sp, dp, 0, 0) + isn;
    /* Now (count << 24) + (H2 + ind) mod 2^24: the top byte says how old it is. */
    diff = (count - (cookie >> COOKIEBITS)) & (0xffffffffu >> COOKIEBITS);
    if (diff >= SYNCOOKIE_MAX_AGE)
        return 0;
    ind = (cookie - cookie_hash(sa, da, sp, dp, count - diff, 1)) & COOKIEMASK;
    return ind < ARRAY_SIZE(msstab) ? msstab[ind] : 0;     /* a forgery passes with p = 2^-22 */
}

u32 syncookie_tsval(bool wscale_ok, u8 snd_wscale, bool sack_ok, u32 ts_now)
{
    u32 opts = wscale_ok ? (snd_wscale & SYNCOOKIE_TS_NO_WS) : SYNCOOKIE_TS_NO_WS;
    u32 ts;

    if (sack_ok)
        opts |= SYNCOOKIE_TS_SACK;
    ts = ((ts_now >> SYNCOOKIE_TSBITS) << SYNCOOKIE_TSBITS) | opts;
    if (SEQ_GT(ts, ts_now))             /* never ahead of our clock (RTT samples, PAWS) */
        ts -= 1u << SYNCOOKIE_TSBITS;
    return ts;
}

bool syncookie_decode_opts(bool saw_tstamp, u32 tsecr, struct tcp_options_received *rx)
{
    u32 opts = tsecr & ((1u << SYNCOOKIE_TSBITS) - 1);

    rx->tstamp_ok = rx->sack_ok = rx->wscale_ok = 0;
    rx->snd_wscale = 0;
    if (!saw_tstamp)
        return true;                    /* no timestamps: no options either (Linux) */
    if (opts & ~(SYNCOOKIE_TS_SACK | SYNCOOKIE_TS_NO_WS))
        return false;                   /* the ECN bit: we never set it */
    rx->tstamp_ok = 1;
    rx->sack_ok = !!(opts & SYNCOOKIE_TS_SACK);
    if ((opts & SYNCOOKIE_TS_NO_WS) == SYNCOOKIE_TS_NO_WS)
        return true;
    if ((opts & SYNCOOKIE_TS_NO_WS) > TCP_MAX_WSCALE)
        return false;
    rx->wscale_ok = 1;
    rx->snd_wscale = opts & SYNCOOKIE_TS_NO_WS;
    return true;
}

/* Received segment -> addresses and header (validated by tcp_v4_rcv). */
static const struct iphdr *seg_ip(const struct sk_buff *skb) { return (const struct iphdr *)skb_network_header(skb); }

u32 cookie_v4_init_sequence(const struct sock *sk, const struct sk_buff *skb, u16 *mss)
{
    const struct iphdr *iph = seg_ip(skb);
    const struct tcphdr *th = tcp_hdr(skb);

    tcp_stats.syncookies_sent++;
    return syncookie_encode(iph->saddr, iph->daddr, th->source, th->dest, TCP_SKB_CB(skb)->seq,
                            *mss, ktime_get_ns(), mss);
}

/* The request sock the cookie stood for: no hash, no timer, cookie = 1. */
static struct request_sock *cookie_req(struct sock *sk, const struct sk_buff *skb, u16 mss,
                                       const struct tcp_options_received *rx)
{
    const struct iphdr *iph = seg_ip(skb);
    const struct tcphdr *th = tcp_hdr(skb);
    struct request_sock *req = kzalloc(sizeof(*req));

    if (!req)
        return NULL;
    INIT_LIST_HEAD(&req->node);
    timer_setup(&req->rsk_timer, NULL);         /* never armed */
    req->rsk_listener = sk;
    req->loc_addr = iph->daddr, req->rmt_addr = iph->saddr;
    req->loc_port = th->dest, req->rmt_port = th->source;
    req->snt_isn = TCP_SKB_CB(skb)->ack_seq - 1;
    req->rcv_isn = TCP_SKB_CB(skb)->seq - 1;
    req->snd_wnd = ntohs(th->window);
    req->mss = mss;
    req->tstamp_ok = rx->tstamp_ok;
    req->sack_ok = rx->sack_ok;
    req->wscale_ok = rx->wscale_ok;
    req->snd_wscale = rx->snd_wscale;
    req->rcv_wscale = rx->wscale_ok ? tcp_select_wscale(sk) : 0;
    req->ts_recent = rx->tstamp_ok ? rx->rcv_tsval : 0;
    req->cookie = 1;
    return req;
}

struct request_sock *cookie_v4_check(struct sock *sk, const struct sk_buff *skb)
{
    const struct iphdr *iph = seg_ip(skb);
    const struct tcphdr *th = tcp_hdr(skb);
    struct tcp_options_received rx;
    struct request_sock *req;
    u16 mss;

    mss = syncookie_decode(iph->saddr, iph->daddr, th->source, th->dest,
                           TCP_SKB_CB(skb)->ack_seq - 1, TCP_SKB_CB(skb)->seq - 1, ktime_get_ns());
    if (!mss || tcp_parse_options(th, &rx) ||
        !syncookie_decode_opts(rx.saw_tstamp, rx.rcv_tsecr, &rx)) {
        tcp_stats.syncookies_failed++;
        return NULL;
    }
    req = cookie_req(sk, skb, mss, &rx);
    if (req)
        tcp_stats.syncookies_recv++;
    return req;
}
