/*
 * TCP options: parsing every received segment's options and building ours
 * (RFC 9293 §3.1-§3.2 MSS, RFC 7323 window scale §2 and timestamps §3-§5
 * with PAWS, RFC 2018 SACK-permitted and SACK blocks).  Below: nothing but
 * the segment bytes.  Above: net/tcp_ipv4.c parses on receive
 * (tcp_parse_options), net/tcp_output.c asks for the options of each
 * segment (tcp_*_options, tcp_options_write), net/tcp_minisocks.c and
 * net/tcp_input.c record what the handshake negotiated.  Owns no state:
 * the results live in tcp_sock.rx_opt / ts_recent and request_sock.
 */
#include <kernel/string.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

static inline u16 get_be16(const u8 *p) { return (u16)(p[0] << 8 | p[1]); }
static inline u32 get_be32(const u8 *p) { return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3]; }
static inline void put_be32(u8 *p, u32 v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }

/* Fixed lengths of the options we know; 0: variable (SACK) or unknown. */
static unsigned fixed_len(u8 kind)
{
    switch (kind) {
    case TCPOPT_MSS:        return TCPOLEN_MSS;
    case TCPOPT_WINDOW:     return TCPOLEN_WINDOW;
    case TCPOPT_SACK_PERM:  return TCPOLEN_SACK_PERM;
    case TCPOPT_TIMESTAMP:  return TCPOLEN_TIMESTAMP;
    default:                return 0;
    }
}

/* RFC 2018 §3: 2 + 8n bytes, n >= 1 (at most 4 fit in 40 bytes). */
static void parse_sack(const u8 *v, unsigned size, struct tcp_options_received *o)
{
    unsigned n = (size - TCPOLEN_SACK_BASE) / TCPOLEN_SACK_PERBLOCK;

    for (unsigned i = 0; i < n && i < TCP_NUM_SACKS; i++) {
        o->sacks[i].start_seq = get_be32(v + 8 * i);
        o->sacks[i].end_seq = get_be32(v + 8 * i + 4);
    }
    o->num_sacks = (u8)MIN(n, TCP_NUM_SACKS);
}

/* One option whose kind/length bytes were checked; v: its value, size: its length field. */
static void parse_one(u8 kind, const u8 *v, unsigned size, bool syn,
                      struct tcp_options_received *o, struct tcp_opt_notes *notes)
{
    switch (kind) {
    case TCPOPT_MSS:                /* RFC 9293 §3.7.1: only on SYN; 0 ignored (Linux) */
        if (syn && get_be16(v)) {
            o->mss_clamp = get_be16(v);
            o->saw_mss = 1;
        }
        break;
    case TCPOPT_WINDOW:             /* RFC 7323 §2.2: only on SYN; §2.3: > 14 means 14 */
        if (syn) {
            o->wscale_ok = 1;
            o->snd_wscale = MIN(v[0], TCP_MAX_WSCALE);
            notes->wscale_clamped |= v[0] > TCP_MAX_WSCALE;
        }
        break;
    case TCPOPT_SACK_PERM:          /* RFC 2018 §2: only on SYN */
        if (syn)
            o->sack_ok = 1;
        break;
    case TCPOPT_TIMESTAMP:          /* RFC 7323 §3.2: any segment */
        o->saw_tstamp = 1;
        o->tstamp_ok |= syn;
        o->rcv_tsval = get_be32(v);
        o->rcv_tsecr = get_be32(v + 4);
        break;
    case TCPOPT_SACK:
        parse_sack(v, size, o);
        break;
    default:                        /* RFC 9293 §3.1: unknown options are skipped */
        break;
    }
}

enum skb_drop_reason tcp_parse_opts(const u8 *p, unsigned len, bool syn,
                                    struct tcp_options_received *o, struct tcp_opt_notes *notes)
{
    memset(o, 0, sizeof(*o));
    notes->wscale_clamped = false;
    while (len) {
        u8 kind = p[0];

        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            p++, len--;
            continue;
        }
        /* RFC 9293 §3.1 MUST-7: a length byte missing, < 2 or beyond the header. */
        if (len < 2 || p[1] < 2 || p[1] > len)
            return SKB_DROP_REASON_TCP_OPTIONS;
        unsigned size = p[1], want = fixed_len(kind);
        if ((want && size != want) ||
            (kind == TCPOPT_SACK && (size < TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK ||
                                     (size - TCPOLEN_SACK_BASE) % TCPOLEN_SACK_PERBLOCK)))
            return SKB_DROP_REASON_TCP_OPTIONS;
        parse_one(kind, p + 2, size, syn, o, notes);
        p += size, len -= size;
    }
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

enum skb_drop_reason tcp_parse_options(const struct tcphdr *th, struct tcp_options_received *opt)
{
    struct tcp_opt_notes notes;
    enum skb_drop_reason r = tcp_parse_opts((const u8 *)(th + 1), tcp_hdrlen(th) - TCP_HDR_MIN,
                                            th->flags & TCPHDR_SYN, opt, &notes);

    if (notes.wscale_clamped)
        tcp_stats.wscale_clamped++;
    return r;
}

/* ---- building ----------------------------------------------------------------
 * Linux's layout (tcp_options_write): MSS; SACK-permitted folded into the
 * timestamp's NOP NOP; NOP + window scale; NOP NOP + SACK blocks.  Every
 * option starts 4-byte aligned, so the peer's header-prediction fast path
 * (the 12-byte NOP NOP TS pattern, RFC 7323 Appendix A) matches ours.
 */

/* SACK blocks that fit beside the others (RFC 2018 §3: 3 with timestamps). */
static unsigned sack_fit(const struct tcp_out_options *o, unsigned used)
{
    unsigned room = TCP_OPT_MAX - used;

    if (!o->num_sack_blocks || room < 4 + TCPOLEN_SACK_PERBLOCK)
        return 0;
    return MIN((unsigned)o->num_sack_blocks, (room - 4) / TCPOLEN_SACK_PERBLOCK);
}

/* Bytes opts take, SACK blocks trimmed to what fits (num_sack_blocks updated). */
static unsigned opts_size(struct tcp_out_options *o)
{
    unsigned n = 0;

    if (o->mss)
        n += 4;
    if (o->options & (OPTION_TS | OPTION_SACK_ADVERTISE))
        n += (o->options & OPTION_TS) ? 12 : 4;
    if (o->options & OPTION_WSCALE)
        n += 4;
    o->num_sack_blocks = (u8)sack_fit(o, n);
    if (o->num_sack_blocks)
        n += 4 + TCPOLEN_SACK_PERBLOCK * o->num_sack_blocks;
    return n;
}

void tcp_options_write(u8 *p, const struct tcp_out_options *o)
{
    if (o->mss) {
        *p++ = TCPOPT_MSS, *p++ = TCPOLEN_MSS, *p++ = o->mss >> 8, *p++ = (u8)o->mss;
    }
    if (o->options & OPTION_TS) {
        if (o->options & OPTION_SACK_ADVERTISE)
            *p++ = TCPOPT_SACK_PERM, *p++ = TCPOLEN_SACK_PERM;
        else
            *p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP;
        *p++ = TCPOPT_TIMESTAMP, *p++ = TCPOLEN_TIMESTAMP;
        put_be32(p, o->tsval), put_be32(p + 4, o->tsecr), p += 8;
    } else if (o->options & OPTION_SACK_ADVERTISE) {
        *p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP, *p++ = TCPOPT_SACK_PERM, *p++ = TCPOLEN_SACK_PERM;
    }
    if (o->options & OPTION_WSCALE)
        *p++ = TCPOPT_NOP, *p++ = TCPOPT_WINDOW, *p++ = TCPOLEN_WINDOW, *p++ = o->ws;
    if (o->num_sack_blocks) {
        *p++ = TCPOPT_NOP, *p++ = TCPOPT_NOP, *p++ = TCPOPT_SACK;
        *p++ = (u8)(TCPOLEN_SACK_BASE + TCPOLEN_SACK_PERBLOCK * o->num_sack_blocks);
        for (unsigned i = 0; i < o->num_sack_blocks; i++, p += 8) {
            put_be32(p, o->sack[i].start_seq);
            put_be32(p + 4, o->sack[i].end_seq);
        }
    }
}

/* Linux tcp_select_initial_window: the shift whose window covers the largest rcvbuf. */
u8 tcp_select_wscale(const struct sock *sk)
{
    u32 space = MAX((u32)sk->sk_rcvbuf, (u32)SYSCTL_RMEM_MAX);
    u8 ws = 0;

    while (ws < TCP_MAX_WSCALE && ((u32)TCP_MAX_WINDOW << ws) < space)
        ws++;
    return ws;
}

/* Our SYN (active open): offer everything; TSecr 0 (RFC 7323 §3.2). */
unsigned tcp_syn_options(struct sock *sk, struct tcp_out_options *o)
{
    struct tcp_sock *tp = tcp_sk(sk);

    tp->rx_opt.rcv_wscale = tcp_select_wscale(sk);
    o->options |= OPTION_TS | OPTION_SACK_ADVERTISE | OPTION_WSCALE;
    o->ws = tp->rx_opt.rcv_wscale;
    o->tsval = tcp_ts_clock(ktime_get_ns());
    o->tsecr = 0;
    o->num_sack_blocks = 0;
    return opts_size(o);
}

/*
 * SYN-ACK: answer only what the SYN offered (RFC 7323 §2.2, §3.2; RFC 2018
 * §2).  A cookie SYN-ACK (req->cookie) hides the options in its TSval.
 */
unsigned tcp_synack_options(const struct request_sock *req, struct tcp_out_options *o)
{
    u32 now = tcp_ts_clock(ktime_get_ns());

    o->options &= ~(OPTION_TS | OPTION_SACK_ADVERTISE | OPTION_WSCALE);
    if (req->wscale_ok) {
        o->options |= OPTION_WSCALE;
        o->ws = req->rcv_wscale;
    }
    if (req->sack_ok)
        o->options |= OPTION_SACK_ADVERTISE;
    if (req->tstamp_ok) {
        o->options |= OPTION_TS;
        o->tsval = req->cookie ? syncookie_tsval(req->wscale_ok, req->snd_wscale, req->sack_ok, now)
                               : now;
        o->tsecr = req->ts_recent;
    }
    o->num_sack_blocks = 0;
    return opts_size(o);
}

/* duplicate_sack[0] directly precedes selective_acks[]: one array to send, D-SACK first. */
_Static_assert(offsetof(struct tcp_sock, selective_acks) ==
               offsetof(struct tcp_sock, duplicate_sack) + sizeof(struct tcp_sack_block),
               "D-SACK block must precede the SACK blocks");

/*
 * Established: TS on every segment once negotiated (RFC 7323 §3.2), SACK
 * blocks while data is held out of order, a D-SACK once (RFC 2883 §4).
 */
unsigned tcp_established_options(struct sock *sk, struct tcp_out_options *o)
{
    struct tcp_sock *tp = tcp_sk(sk);

    o->options &= ~(OPTION_TS | OPTION_SACK_ADVERTISE | OPTION_WSCALE);
    if (tp->rx_opt.tstamp_ok) {
        o->options |= OPTION_TS;
        o->tsval = tcp_ts_clock(ktime_get_ns());
        o->tsecr = tp->ts_recent;
    }
    o->num_sack_blocks = 0;
    if (tp->rx_opt.sack_ok) {
        o->sack = tp->dsack ? tp->duplicate_sack : tp->selective_acks;
        o->num_sack_blocks = (u8)(tp->num_sacks + tp->dsack);
        tp->dsack = 0;
    }
    return opts_size(o);
}

void tcp_openreq_init_options(struct request_sock *req, const struct tcp_options_received *rx,
                              const struct sock *listener)
{
    req->mss = rx->saw_mss ? rx->mss_clamp : TCP_MSS_DEFAULT;
    req->tstamp_ok = rx->tstamp_ok;
    req->sack_ok = rx->sack_ok;
    req->wscale_ok = rx->wscale_ok;
    req->snd_wscale = rx->wscale_ok ? rx->snd_wscale : 0;
    req->rcv_wscale = rx->wscale_ok ? tcp_select_wscale(listener) : 0;
    req->ts_recent = rx->tstamp_ok ? rx->rcv_tsval : 0;
}

static void set_ts_recent(struct tcp_sock *tp, u32 tsval)
{
    tp->ts_recent = tsval;
    tp->ts_recent_stamp = ktime_get_ns();
}

void tcp_options_from_req(struct sock *child, const struct request_sock *req)
{
    struct tcp_sock *tp = tcp_sk(child);

    tp->rx_opt.mss_clamp = req->mss;
    tp->rx_opt.tstamp_ok = req->tstamp_ok;
    tp->rx_opt.sack_ok = req->sack_ok;
    tp->rx_opt.wscale_ok = req->wscale_ok;
    tp->rx_opt.snd_wscale = req->snd_wscale;
    tp->rx_opt.rcv_wscale = req->rcv_wscale;
    if (req->tstamp_ok)
        set_ts_recent(tp, req->ts_recent);
}

/* Our SYN offered all three; what the SYN-ACK answers is what we use. */
void tcp_options_from_synack(struct sock *sk, const struct tcp_options_received *rx)
{
    struct tcp_sock *tp = tcp_sk(sk);

    tp->rx_opt.mss_clamp = rx->saw_mss ? rx->mss_clamp : TCP_MSS_DEFAULT;
    tp->rx_opt.tstamp_ok = rx->tstamp_ok;
    tp->rx_opt.sack_ok = rx->sack_ok;
    tp->rx_opt.wscale_ok = rx->wscale_ok;
    tp->rx_opt.snd_wscale = rx->wscale_ok ? rx->snd_wscale : 0;
    if (!rx->wscale_ok)
        tp->rx_opt.rcv_wscale = 0;      /* RFC 7323 §2.2: both or neither */
    if (rx->tstamp_ok)
        set_ts_recent(tp, rx->rcv_tsval);
}

/* ---- PAWS and TS.Recent (RFC 7323 §4.3, §5) ------------------------------------ */

static bool ts_recent_valid(const struct tcp_sock *tp, u64 now)
{
    return tp->ts_recent_stamp && now - tp->ts_recent_stamp < TCP_PAWS_24DAYS;
}

bool tcp_paws_check_reject(const struct tcp_sock *tp, const struct tcp_options_received *rx,
                           bool rst, u64 now_ns)
{
    /* TS values live in a 2^32 space like sequence numbers (§5.2): SEQ_LT. */
    return !rst && rx->saw_tstamp && tp->rx_opt.tstamp_ok && ts_recent_valid(tp, now_ns) &&
           SEQ_LT(rx->rcv_tsval, tp->ts_recent);
}

bool tcp_paws_reject(struct sock *sk, const struct tcp_options_received *rx, const struct sk_buff *skb)
{
    bool rst = TCP_SKB_CB(skb)->tcp_flags & TCPHDR_RST;

    if (!tcp_paws_check_reject(tcp_sk(sk), rx, rst, ktime_get_ns()))
        return false;
    tcp_stats.paws_drops++;
    return true;
}

/* §4.3 (2): the segment covers Last.ACK.sent and does not go back in time. */
void tcp_ts_update(struct sock *sk, const struct tcp_options_received *rx, const struct sk_buff *skb)
{
    struct tcp_sock *tp = tcp_sk(sk);
    u64 now = ktime_get_ns();

    if (!rx->saw_tstamp || !tp->rx_opt.tstamp_ok)
        return;
    if (SEQ_LEQ(TCP_SKB_CB(skb)->seq, tp->last_ack_sent) &&
        (!ts_recent_valid(tp, now) || SEQ_GEQ(rx->rcv_tsval, tp->ts_recent)))
        set_ts_recent(tp, rx->rcv_tsval);
}

/* §4.2: RTT = now - TSecr in ms ticks; 0 ms counts as 1 (Linux tcp_rtt_tsopt_us). */
u64 tcp_ts_rtt_sample(const struct sock *sk, const struct tcp_options_received *rx)
{
    const struct tcp_sock *tp = tcp_sk(sk);
    u32 delta;

    if (!rx->saw_tstamp || !tp->rx_opt.tstamp_ok || !rx->rcv_tsecr)
        return 0;
    delta = tcp_ts_clock(ktime_get_ns()) - rx->rcv_tsecr;
    if (delta > 0x7fffffffu / 1000)     /* a TSecr from the future or long ago: no sample */
        return 0;
    return (u64)(delta ? delta : 1) * NSEC_PER_MSEC;
}
