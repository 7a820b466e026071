/*
 * Passive open: RFC 9293 §3.10.7.2 (LISTEN), the half-open request socks of
 * the SYN queue (SYN-RECEIVED before a sock is committed, RFC 4987 §3.1; SYN
 * cookies when the queue is full), and the child sock made when the
 * handshake completes and queued for accept().  TIME-WAIT is next door in
 * tcp_timewait.c.
 * Layer: called by tcp_v4_rcv(); tables in tcp_ipv4.c, output in
 * tcp_output.c.  Owns request socks (allocation, SYN-ACK retransmission
 * through rsk_timer, freeing) and tcp_v4_send_ack() for socks that have no
 * full sock (a request or a TIME-WAIT entry).
 */
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

/* ---- request socks ----------------------------------------------------------- */

static void reqsk_free(struct request_sock *req)
{
    del_timer(&req->rsk_timer);
    kfree(req);
}

/* Leave the SYN queue and free (handshake done, given up, reset, or the listener closed). */
void reqsk_drop(struct request_sock *req)
{
    if (!req->cookie) {
        tcp_reqsk_unlink(req);
        inet_csk(req->rsk_listener)->icsk_syn_qlen--;
    }
    reqsk_free(req);
}

/*
 * A bare ACK from a connection with no full sock (a request or a TIME-WAIT
 * entry; Linux tcp_v4_send_ack), with TS only when the connection has them.
 */
void tcp_v4_send_ack(const struct tcp_seg_hdr *h, const struct tcp_seg_route *r, bool ts,
                     u32 tsval, u32 tsecr)
{
    struct tcp_out_options opts = { .options = ts ? OPTION_TS : 0, .tsval = tsval, .tsecr = tsecr };
    unsigned optlen = ts ? 12 : 0;      /* NOP NOP TS, tcp_options_write's layout */
    struct sk_buff *skb = tcp_make_segment(h, &opts, optlen, NULL, 0);

    if (skb)
        tcp_v4_send(skb, r);
}

/* RCV.WND of a request, as its SYN-ACK offers it (a SYN's window is never scaled, RFC 7323 §2.2). */
static u32 reqsk_rcv_wnd(const struct sock *sk)
{
    u32 space = tcp_space(sk);

    return space > TCP_MAX_WINDOW ? TCP_MAX_WINDOW : space;
}

static struct tcp_seg_route reqsk_route(const struct sock *sk, const struct request_sock *req)
{
    return (struct tcp_seg_route){ .saddr = req->loc_addr, .daddr = req->rmt_addr, .tos = inet_sk(sk)->tos,
                                   .ttl = inet_ttl(inet_sk(sk)), .oif = sk->sk_bound_dev_if };
}

static int tcp_v4_send_synack(const struct sock *sk, struct request_sock *req)
{
    struct tcp_out_options opts = { .mss = tcp_route_advmss(req->loc_addr, req->rmt_addr, sk->sk_bound_dev_if) };
    unsigned optlen = tcp_synack_options(req, &opts);
    struct tcp_seg_hdr h = { .sport = req->loc_port, .dport = req->rmt_port, .seq = req->snt_isn,
                             .ack = req->rcv_isn + 1, .flags = TCPHDR_SYN | TCPHDR_ACK,
                             .window = (u16)reqsk_rcv_wnd(sk) };
    struct tcp_seg_route r = reqsk_route(sk, req);
    struct sk_buff *skb = tcp_make_segment(&h, &opts, optlen, NULL, 0);

    if (!skb)
        return -ENOBUFS;
    return tcp_v4_send(skb, &r);
}

/*
 * <SEQ=ISS+1><ACK=RCV.NXT><CTL=ACK> for an unacceptable segment (RFC 9293
 * §3.10.7.4 first check; Linux tcp_v4_reqsk_send_ack), window and TS as
 * the SYN-ACK's (a cookie's TSval still carrying the encoded options).
 * Not rate limited, as tcp_input.c's tcp_sequence_step: struct
 * request_sock keeps no stamp for Linux's per-request 500 ms limit.
 */
static void reqsk_send_ack(const struct sock *sk, const struct request_sock *req)
{
    struct tcp_out_options ts = { 0 };
    struct tcp_seg_hdr h = { .sport = req->loc_port, .dport = req->rmt_port, .seq = req->snt_isn + 1,
                             .ack = req->rcv_isn + 1, .flags = TCPHDR_ACK,
                             .window = (u16)(reqsk_rcv_wnd(sk) >> req->rcv_wscale) };
    struct tcp_seg_route r = reqsk_route(sk, req);

    tcp_synack_options(req, &ts);
    tcp_v4_send_ack(&h, &r, req->tstamp_ok, ts.tsval, ts.tsecr);
}

/* SYN-ACK retransmission with backoff (RFC 6298 §5.5), then give up (Linux tcp_synack_retries). */
static void reqsk_timer_handler(struct timer_list *t)
{
    struct request_sock *req = container_of(t, struct request_sock, rsk_timer);

    if (req->num_retrans >= TCP_SYNACK_RETRIES) {
        tcp_stats.attempt_fails++;
        reqsk_drop(req);
        return;
    }
    req->num_retrans++;
    tcp_stats.retrans_segs++;
    tcp_v4_send_synack(req->rsk_listener, req);
    mod_timer(&req->rsk_timer, ktime_get_ns() + (TCP_TIMEOUT_INIT << req->num_retrans));
}

/* A request sock for SYN skb to listener sk; NULL when out of memory. */
static struct request_sock *reqsk_from_syn(struct sock *sk, const struct sk_buff *skb,
                                           const struct tcp_options_received *rx)
{
    struct request_sock *req = kzalloc(sizeof(*req));
    const struct tcphdr *th = tcp_hdr(skb);

    if (!req)
        return NULL;
    INIT_LIST_HEAD(&req->node);
    timer_setup(&req->rsk_timer, reqsk_timer_handler);
    req->rsk_listener = sk;
    req->loc_addr = ip_hdr(skb)->daddr;
    req->rmt_addr = ip_hdr(skb)->saddr;
    req->loc_port = th->dest;
    req->rmt_port = th->source;
    req->rcv_isn = TCP_SKB_CB(skb)->seq;
    req->snd_wnd = TCP_SKB_CB(skb)->wnd;
    req->mss = rx->mss_clamp >= TCP_MIN_MSS ? rx->mss_clamp : rx->mss_clamp ? TCP_MIN_MSS : TCP_MSS_DEFAULT;
    tcp_openreq_init_options(req, rx, sk);
    return req;
}

/*
 * A SYN for listener sk (RFC 9293 §3.10.7.2 third check).  Accept queue
 * full: drop, as Linux (the client's SYN retransmission retries).  SYN
 * queue full: answer with a SYN cookie and keep nothing.  Consumes skb.
 */
static void tcp_conn_request(struct sock *sk, struct sk_buff *skb, const struct tcp_options_received *rx)
{
    struct inet_connection_sock *icsk = inet_csk(sk);
    struct request_sock *req;
    bool cookie = icsk->icsk_syn_qlen >= (icsk->icsk_max_backlog ? icsk->icsk_max_backlog : 1);

    if (inet_csk_acceptq_is_full(sk)) {
        tcp_stats.listen_overflows++;
        tcp_stats.listen_drops++;
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_LISTEN_OVERFLOW);
        return;
    }
    req = reqsk_from_syn(sk, skb, rx);
    if (!req) {
        tcp_stats.listen_drops++;
        kfree_skb_reason(skb, SKB_DROP_REASON_NOMEM);
        return;
    }
    tcp_stats.passive_opens++;
    if (cookie) {
        req->cookie = 1;
        req->snt_isn = cookie_v4_init_sequence(sk, skb, &req->mss);
        tcp_v4_send_synack(sk, req);
        reqsk_free(req);
    } else {
        req->snt_isn = TCP_SKB_CB(skb)->tw_isn ? TCP_SKB_CB(skb)->tw_isn :
                       secure_tcp_seq(req->loc_addr, req->rmt_addr, req->loc_port, req->rmt_port);
        req->syn_time = ktime_get_ns();
        tcp_reqsk_hash_add(req);
        icsk->icsk_syn_qlen++;
        tcp_v4_send_synack(sk, req);
        mod_timer(&req->rsk_timer, req->syn_time + TCP_TIMEOUT_INIT);
    }
    consume_skb(skb);
}

void tcp_rcv_listen(struct sock *sk, struct sk_buff *skb, const struct tcp_options_received *rx)
{
    u8 fl = TCP_SKB_CB(skb)->tcp_flags;
    struct request_sock *req;

    if (fl & TCPHDR_RST) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_RESET);
        return;
    }
    if (fl & TCPHDR_ACK) {
        if (!(fl & TCPHDR_SYN) && (req = cookie_v4_check(sk, skb))) {
            tcp_check_req(sk, req, skb, rx);
            return;
        }
        tcp_stats.listen_drops++;
        tcp_v4_send_reset(skb);     /* any ACK is bad in LISTEN: <SEQ=SEG.ACK><CTL=RST> */
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_NO_SOCKET);
        return;
    }
    if (!(fl & TCPHDR_SYN) || (fl & TCPHDR_FIN)) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_FLAGS);
        return;
    }
    tcp_conn_request(sk, skb, rx);
}

/* ---- the child ------------------------------------------------------------------ */

/* A SYN-RECEIVED sock for req, inheriting the listener's settings (Linux tcp_create_openreq_child). */
static struct sock *tcp_create_openreq_child(struct sock *sk, const struct request_sock *req)
{
    struct sock *child = sk_alloc(AF_INET, sk->sk_prot);
    struct inet_sock *inet;
    struct tcp_sock *tp;

    if (!child)
        return NULL;
    sock_init_data(NULL, child);
    tcp_init_sock(child);
    tcp_inherit_settings(child, sk);
    inet = inet_sk(child);
    inet->inet_saddr = inet->inet_rcv_saddr = req->loc_addr;
    inet->inet_daddr = req->rmt_addr;
    inet->inet_sport = req->loc_port;
    inet->inet_dport = req->rmt_port;
    inet->inet_num = ntohs(req->loc_port);
    tp = tcp_sk(child);
    tp->iss = tp->snd_una = req->snt_isn;
    tp->snd_nxt = tp->write_seq = tp->pushed_seq = req->snt_isn + 1;
    tp->irs = req->rcv_isn;
    tp->rcv_nxt = tp->copied_seq = tp->rcv_wup = req->rcv_isn + 1;
    tp->rcv_wnd = reqsk_rcv_wnd(sk);
    tp->snd_wnd = tp->max_window = req->snd_wnd;
    tp->snd_wl1 = req->rcv_isn;
    tp->rx_opt.mss_clamp = req->mss;
    tcp_options_from_req(child, req);
    if (!req->num_retrans && req->syn_time)
        tcp_rtt_estimator(child, ktime_get_ns() - req->syn_time);
    tcp_set_state(child, TCP_SYN_RECV);
    return child;
}

static bool reqsk_in_window(u32 x, u32 rcv_nxt, u32 wnd)
{
    return SEQ_GEQ(x, rcv_nxt) && SEQ_LT(x, rcv_nxt + wnd);
}

/* RFC 9293 §3.10.7.4 first check, its four cases, with RCV.NXT = IRS + 1 (the SYN's own seq is old). */
static bool reqsk_seq_acceptable(const struct sock *sk, const struct request_sock *req,
                                 const struct tcp_skb_cb *cb)
{
    u32 rcv_nxt = req->rcv_isn + 1, wnd = reqsk_rcv_wnd(sk);

    if (!wnd)
        return cb->seq == rcv_nxt;
    if (cb->seq == cb->end_seq)
        return reqsk_in_window(cb->seq, rcv_nxt, wnd);
    return reqsk_in_window(cb->seq, rcv_nxt, wnd) || reqsk_in_window(cb->end_seq - 1, rcv_nxt, wnd);
}

/*
 * A segment for the half-open connection req (or a cookie's rebuilt one):
 * RFC 9293 §3.10.7.4 for SYN-RECEIVED, then the handshake's completion.
 * An RST resets only at exactly RCV.NXT and is otherwise dropped
 * unanswered; the peer's SYN again draws our SYN-ACK again (Linux
 * tcp_check_req); any other segment failing the sequence test draws an
 * ACK (first check); a SYN in the window is ignored, so that a blind one
 * cannot end the handshake.  Consumes skb.
 */
void tcp_check_req(struct sock *sk, struct request_sock *req, struct sk_buff *skb,
                   const struct tcp_options_received *rx)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    enum skb_drop_reason reason = SKB_DROP_REASON_TCP_REQ_BAD;
    struct sock *child;

    if (cb->tcp_flags & TCPHDR_RST) {
        if (cb->seq != req->rcv_isn + 1)
            goto drop;
        tcp_stats.attempt_fails++;
        reqsk_drop(req);
        consume_skb(skb);
        return;
    }
    if (cb->tcp_flags == TCPHDR_SYN && cb->seq == req->rcv_isn && !req->cookie) {
        tcp_v4_send_synack(sk, req);    /* the SYN again: our SYN-ACK was lost */
        consume_skb(skb);
        return;
    }
    if (!reqsk_seq_acceptable(sk, req, cb)) {
        reqsk_send_ack(sk, req);
        reason = SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
        goto drop;
    }
    if (cb->tcp_flags & TCPHDR_SYN)
        goto drop;
    if (!(cb->tcp_flags & TCPHDR_ACK)) {
        reason = SKB_DROP_REASON_TCP_NO_ACK;
        goto drop;
    }
    if (cb->ack_seq != req->snt_isn + 1) {
        tcp_v4_send_reset(skb);
        goto drop;
    }
    if (inet_csk_acceptq_is_full(sk)) {
        /* Linux (tcp_abort_on_overflow = 0): ignore the ACK; the SYN-ACK timer retries. */
        tcp_stats.listen_overflows++;
        tcp_stats.listen_drops++;
        reason = SKB_DROP_REASON_TCP_LISTEN_OVERFLOW;
        goto drop;
    }
    child = tcp_create_openreq_child(sk, req);
    if (!child) {
        reason = SKB_DROP_REASON_NOMEM;
        goto drop;
    }
    if (req->cookie)
        tcp_stats.syncookies_recv++;
    reqsk_drop(req);
    tcp_inherit_port(sk, child);
    tcp_v4_hash(child);
    tcp_rcv_state_process(child, skb, rx);     /* SYN-RECEIVED -> ESTABLISHED, and any text */
    if (child->sk_state == TCP_CLOSE) {
        sock_put(child);
        return;
    }
    tcp_accept_enqueue(sk, child);
    return;
drop:
    if (req->cookie)
        reqsk_free(req);
    tcp_stats.listen_drops++;
    kfree_skb_reason(skb, reason);
}
