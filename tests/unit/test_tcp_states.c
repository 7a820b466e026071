/*
 * The TCP state machine as a matrix (RFC 9293 §3.10.7): every state against
 * every kind of segment, one row each.  A row names the state, the segment,
 * and what the RFC says must follow: the reply (none, ACK, challenge ACK,
 * RST with which seq/ack, SYN-ACK), the next state, and the named drop
 * counter.  One runner drives a fresh connection into the state through the
 * socket calls and the scripted peer (tests/unit/host/tcp_peer.c), injects
 * the segment, checks all three, and every row ends with the leak check.
 * Rules: §3.10.7.1 CLOSED, §3.10.7.2 LISTEN, §3.10.7.3 SYN-SENT, §3.10.7.4
 * the rest (first..eighth checks), with RFC 5961 §3 (RST), §4 (SYN) and §5
 * (ACK) for synchronized states and Linux's TIME-WAIT reuse on a new SYN.
 * Where the code follows Linux rather than the RFC's letter the row says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/inet_sock.h>
#include <net/tcp.h>
#include "../../net/tcp_impl.h"
#include "host/fake_netdev.h"
#include "host/tcp_peer.h"

#define PPORT   4000u           /* the peer's port towards our listener on 80 */
#define APORT   5000u           /* the peer's port for our connect() */
#define MAXWND  65535u          /* the peer's window: no window scaling, so also MAX.SND.WND */

/* ---- the states, each reached through the real interface ------------------------ */

enum state {
    CLOSED, LISTEN, SYN_SENT, SYN_RCVD,  /* SYN-RECEIVED after a passive open: a request sock */
    SYN_RCVD_SIM,                        /* SYN-RECEIVED after a simultaneous open: a full sock */
    ESTAB, FIN_WAIT1, FIN_WAIT2, CLOSE_WAIT, CLOSING, LAST_ACK, TIME_WAIT, NSTATES
};

/* One connection as the peer sees it (host order; "ours" is the stack's side). */
struct conn {
    struct socket *l, *c;   /* our listener and connection socket, when there are */
    u16 sport, dport;       /* the peer's port, ours */
    u32 iss, snd_una, snd_nxt;
    u32 rcv_nxt;            /* the next sequence number we expect from the peer */
    u32 fin_seq;            /* where the peer's FIN is: RCV.NXT, or RCV.NXT - 1 once it was sent */
    u32 ack;                /* what the peer acks when it acks nothing new */
};

static void expect_ack(u32 seq, u32 ack)
{
    struct seg s;

    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_ACK);
    assert_int_equal(s.seq, seq);
    assert_int_equal(s.ack, ack);
}

/* Our FIN went out at x->snd_nxt: FIN-WAIT-1 (or LAST-ACK from CLOSE-WAIT). */
static void shut_wr(struct conn *x)
{
    struct seg s;

    assert_int_equal(x->c->ops->shutdown(x->c, SHUT_WR), 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_FIN | TCPHDR_ACK);
    assert_int_equal(s.seq, x->snd_nxt);
    x->snd_nxt++;
}

/* 4 bytes out and not acked, so that an acceptable ACK has something to advance over. */
static void unacked_data(struct conn *x)
{
    struct seg s;

    assert_int_equal(send_k(x->c, "data", 4, 0), 4);
    assert_true(pop(&s));
    assert_int_equal(s.seq, x->snd_nxt);
    x->snd_nxt += 4;
}

/* The peer's FIN at RCV.NXT, acking x->ack: our ACK for it. */
static void peer_fin(struct conn *x)
{
    inject(x->sport, x->dport, TCPHDR_FIN | TCPHDR_ACK, x->rcv_nxt, x->ack, NULL, 0);
    x->fin_seq = x->rcv_nxt++;
    expect_ack(x->snd_nxt, x->rcv_nxt);
}

static void to_closed(struct conn *x)
{
    *x = (struct conn){ .sport = PPORT, .dport = 81, .iss = 7777, .snd_una = 7777, .snd_nxt = 7777,
                        .rcv_nxt = PISN, .fin_seq = PISN, .ack = 7777 };
}

static void to_listen(struct conn *x)
{
    to_closed(x);
    x->dport = 80;
    x->l = listener(80, 5);
}

static void to_syn_sent(struct conn *x)
{
    *x = (struct conn){ .sport = APORT, .rcv_nxt = PISN, .fin_seq = PISN };
    x->c = active_syn(&x->iss);
    x->dport = lport(x->c);
    x->snd_una = x->iss;
    x->snd_nxt = x->ack = x->iss + 1;
    assert_int_equal(x->c->sk->sk_state, TCP_SYN_SENT);
}

static void to_syn_rcvd(struct conn *x)
{
    struct seg s;

    to_listen(x);
    inject(PPORT, 80, TCPHDR_SYN, PISN, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
    x->iss = x->snd_una = s.seq;
    x->snd_nxt = x->ack = s.seq + 1;
    x->rcv_nxt = x->fin_seq = PISN + 1;
    assert_int_equal(inet_csk(x->l->sk)->icsk_syn_qlen, 1);
}

/* RFC 9293 §3.10.7.3: a SYN without ACK in SYN-SENT; we answer <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
static void to_syn_rcvd_sim(struct conn *x)
{
    struct seg s;

    to_syn_sent(x);
    inject(APORT, x->dport, TCPHDR_SYN, PISN, 0, NULL, 0);
    assert_true(pop(&s));
    assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
    assert_int_equal(s.seq, x->iss);
    assert_int_equal(s.ack, PISN + 1);
    x->rcv_nxt = x->fin_seq = PISN + 1;
    assert_int_equal(x->c->sk->sk_state, TCP_SYN_RECV);
}

static void to_open(struct conn *x)
{
    to_listen(x);
    x->c = passive_open(x->l, PPORT, &x->iss);
    assert_non_null(x->c);
    x->snd_una = x->snd_nxt = x->ack = x->iss + 1;
    x->rcv_nxt = x->fin_seq = PISN + 1;
}

static void to_estab(struct conn *x)
{
    to_open(x);
    unacked_data(x);
    assert_int_equal(x->c->sk->sk_state, TCP_ESTABLISHED);
}

static void to_fin_wait1(struct conn *x)
{
    to_open(x);
    shut_wr(x);
    assert_int_equal(x->c->sk->sk_state, TCP_FIN_WAIT1);
}

static void to_fin_wait2(struct conn *x)
{
    struct seg s;

    to_fin_wait1(x);
    inject(PPORT, 80, TCPHDR_ACK, x->rcv_nxt, x->snd_nxt, NULL, 0);
    assert_false(pop(&s));
    x->snd_una = x->ack = x->snd_nxt;
    assert_int_equal(x->c->sk->sk_state, TCP_FIN_WAIT2);
}

static void to_close_wait(struct conn *x)
{
    to_open(x);
    peer_fin(x);
    unacked_data(x);
    assert_int_equal(x->c->sk->sk_state, TCP_CLOSE_WAIT);
}

static void to_closing(struct conn *x)
{
    to_fin_wait1(x);
    peer_fin(x);            /* crossing ours, which it does not ack */
    assert_int_equal(x->c->sk->sk_state, TCP_CLOSING);
}

static void to_last_ack(struct conn *x)
{
    to_open(x);
    peer_fin(x);
    shut_wr(x);
    assert_int_equal(x->c->sk->sk_state, TCP_LAST_ACK);
}

/*
 * TIME-WAIT seen from outside, so that it holds whatever represents the
 * state: the peer's FIN again draws an ACK (§3.10.7.4 eighth step) where a
 * closed 4-tuple would draw an RST.
 */
static void assert_time_wait(const struct conn *x, u32 rcv_nxt)
{
    int st = x->c->sk->sk_state;

    assert_true(st == TCP_TIME_WAIT || st == TCP_CLOSE);
    inject(x->sport, x->dport, TCPHDR_FIN | TCPHDR_ACK, rcv_nxt - 1, x->snd_nxt, NULL, 0);
    expect_ack(x->snd_nxt, rcv_nxt);
}

static void to_time_wait(struct conn *x)
{
    to_fin_wait2(x);
    peer_fin(x);
    assert_time_wait(x, x->rcv_nxt);
}

static void (*const drive[NSTATES])(struct conn *) = {
    [CLOSED] = to_closed, [LISTEN] = to_listen, [SYN_SENT] = to_syn_sent, [SYN_RCVD] = to_syn_rcvd,
    [SYN_RCVD_SIM] = to_syn_rcvd_sim, [ESTAB] = to_estab, [FIN_WAIT1] = to_fin_wait1,
    [FIN_WAIT2] = to_fin_wait2, [CLOSE_WAIT] = to_close_wait, [CLOSING] = to_closing,
    [LAST_ACK] = to_last_ack, [TIME_WAIT] = to_time_wait,
};

static const char *const state_name[NSTATES] = {
    "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED (passive)", "SYN-RECEIVED (simultaneous)",
    "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
};

/* ---- the segments ---------------------------------------------------------------- */

enum kind {
    RST_EXACT,      /* RST, SEG.SEQ = RCV.NXT (ACK = the peer's usual ack) */
    RST_INEXACT,    /* RST inside the window, not at RCV.NXT */
    RST_OUTSIDE,    /* RST far outside the window */
    SYN_IN,         /* SYN at RCV.NXT + 10 */
    SYN_OLD,        /* SYN at the peer's ISN: its first SYN again */
    ACK_OK,         /* SEG.ACK = SND.NXT: acks all we sent */
    ACK_UNSENT,     /* SEG.ACK = SND.NXT + 1000 */
    ACK_OLD,        /* SEG.ACK = SND.UNA - 1: a duplicate, within MAX.SND.WND */
    ACK_TOO_OLD,    /* SEG.ACK < SND.UNA - MAX.SND.WND (RFC 5961 §5.2) */
    DATA_IN,        /* 3 bytes at RCV.NXT */
    DATA_OLD,       /* 3 bytes wholly before RCV.NXT */
    DATA_FUTURE,    /* 3 bytes wholly beyond the window */
    FIN,            /* FIN (+ACK of nothing new) at fin_seq: new, or the peer's FIN again */
    FIN_ACK_ALL,    /* the same FIN acking all we sent */
    NO_ACK,         /* 3 bytes at RCV.NXT, PSH only: no ACK, SYN or RST */
    SYN_ACK,        /* SYN+ACK at the peer's ISN acking SND.NXT */
    BAD_CSUM,       /* DATA_IN with a wrong checksum */
    NKINDS
};

static const char *const kind_name[NKINDS] = {
    "RST in window exact", "RST in window inexact", "RST outside window", "SYN in window",
    "SYN old (peer ISN)", "ACK acceptable", "ACK of unsent data", "old duplicate ACK",
    "ACK too old", "data in window", "data old", "data beyond window", "FIN",
    "FIN acking all", "no ACK flag", "SYN+ACK", "bad checksum",
};

struct in_seg {
    u8 flags;
    u32 seq, ack;
    unsigned len;           /* of "abc" */
};

static struct in_seg make_seg(const struct conn *x, enum kind k)
{
    switch (k) {
    case RST_EXACT:     return (struct in_seg){ TCPHDR_RST | TCPHDR_ACK, x->rcv_nxt, x->ack, 0 };
    case RST_INEXACT:   return (struct in_seg){ TCPHDR_RST | TCPHDR_ACK, x->rcv_nxt + 100, x->ack, 0 };
    case RST_OUTSIDE:   return (struct in_seg){ TCPHDR_RST | TCPHDR_ACK, x->rcv_nxt + 0x20000000, x->ack, 0 };
    case SYN_IN:        return (struct in_seg){ TCPHDR_SYN, x->rcv_nxt + 10, 0, 0 };
    case SYN_OLD:       return (struct in_seg){ TCPHDR_SYN, PISN, 0, 0 };
    case ACK_OK:        return (struct in_seg){ TCPHDR_ACK, x->rcv_nxt, x->snd_nxt, 0 };
    case ACK_UNSENT:    return (struct in_seg){ TCPHDR_ACK, x->rcv_nxt, x->snd_nxt + 1000, 0 };
    case ACK_OLD:       return (struct in_seg){ TCPHDR_ACK, x->rcv_nxt, x->snd_una - 1, 0 };
    case ACK_TOO_OLD:   return (struct in_seg){ TCPHDR_ACK, x->rcv_nxt, x->snd_una - MAXWND - 100, 0 };
    case DATA_IN:
    case BAD_CSUM:      return (struct in_seg){ TCPHDR_ACK | TCPHDR_PSH, x->rcv_nxt, x->ack, 3 };
    case DATA_OLD:      return (struct in_seg){ TCPHDR_ACK | TCPHDR_PSH, x->rcv_nxt - 100, x->ack, 3 };
    case DATA_FUTURE:   return (struct in_seg){ TCPHDR_ACK | TCPHDR_PSH, x->rcv_nxt + 100000, x->ack, 3 };
    case FIN:           return (struct in_seg){ TCPHDR_FIN | TCPHDR_ACK, x->fin_seq, x->ack, 0 };
    case FIN_ACK_ALL:   return (struct in_seg){ TCPHDR_FIN | TCPHDR_ACK, x->fin_seq, x->snd_nxt, 0 };
    case NO_ACK:        return (struct in_seg){ TCPHDR_PSH, x->rcv_nxt, 0, 3 };
    case SYN_ACK:       return (struct in_seg){ TCPHDR_SYN | TCPHDR_ACK, PISN, x->snd_nxt, 0 };
    default:            fail();
    }
    return (struct in_seg){ 0 };
}

static void send_seg(const struct conn *x, enum kind k, const struct in_seg *in)
{
    static const u8 mss[4] = { TCPOPT_MSS, 4, 0x05, 0xb4 };
    u8 seg[64];
    unsigned n = tcp_peer_build(seg, x->sport, x->dport, in->flags, in->seq, in->ack, 65535, "abc",
                                in->len, mss, (in->flags & TCPHDR_SYN) ? 4 : 0);

    if (k == BAD_CSUM)
        seg[16] ^= 0x01;    /* the checksum's high byte */
    inject_raw(seg, n);
}

/* ---- the table ---------------------------------------------------------------------- */

enum reply {
    NONE,
    ACK,            /* <SEQ=SND.NXT><ACK=RCV.NXT + adv><CTL=ACK>, not a challenge */
    CHALLENGE,      /* the same, counted as an RFC 5961 challenge ACK */
    RST,            /* <SEQ=SEG.ACK><CTL=RST> */
    RST_ACK,        /* <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
    SYNACK,         /* <SEQ=ISS><ACK=SEG.SEQ+1><CTL=SYN,ACK>: our SYN again, acking this one */
    SYNACK_NEW,     /* a new connection's SYN-ACK (fresh ISN), acking SEG.SEQ+1 */
};

/* Next-state values beyond TCP_*: */
#define SAME    (-1)    /* the state the row started in */
#define NEW_REQ (-2)    /* the old connection gone, a new request in the listener's SYN queue */

struct row {
    enum state state;
    enum kind kind;
    enum reply reply;
    u8 adv;                 /* how far RCV.NXT moves (text, FIN, SYN) */
    int next;               /* TCP_*, SAME or NEW_REQ */
    enum skb_drop_reason drop;  /* the drop counted, NOT_DROPPED_YET for none */
    unsigned stat;          /* offsetof(struct tcp_mib, x) + 1 of a counter bumped once, or 0 */
    int err;                /* sk_err after (connection sockets only) */
    const char *rule;       /* the clause */
};

#define D(x)    SKB_DROP_REASON_##x
#define OK      SKB_DROP_REASON_NOT_DROPPED_YET
#define ST(x)   (offsetof(struct tcp_mib, x) + 1)

/* Rules used by many rows. */
#define R_CLOSED    "9293 3.10.7.1: no TCB; RST unless RST, ACK? <SEQ=SEG.ACK> : <SEQ=0><ACK=SEG.SEQ+SEG.LEN>"
#define R_CSUM      "9293 3.1: a bad checksum is dropped before any state"
#define R_RST_EXACT "9293 3.10.7.4 second, 5961 3.2 (2): RST at RCV.NXT resets"
#define R_RST_CHAL  "9293 3.10.7.4 second, 5961 3.2 (3): in window, not exact: challenge ACK"
#define R_RST_OUT   "9293 3.10.7.4 first (RST: no ACK), 5961 3.2 (1): silently drop"
#define R_SYN_CHAL  "9293 3.10.7.4 fourth, 5961 4.2: SYN when synchronized: challenge ACK"
#define R_UNACC     "9293 3.10.7.4 first: not acceptable: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop"
#define R_ACK_OK    "9293 3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT: SND.UNA = SEG.ACK"
#define R_ACK_UNS   "9293 3.10.7.4 fifth, 5961 5.2: SEG.ACK > SND.NXT: send ACK, drop"
#define R_ACK_DUP   "9293 3.10.7.4 fifth: SEG.ACK =< SND.UNA: a duplicate, ignored"
#define R_ACK_OLD   "5961 5.2: SEG.ACK < SND.UNA - MAX.SND.WND: (challenge) ACK, drop"
#define R_NO_ACK    "9293 3.10.7.4 fifth: ACK bit off: drop"
#define R_TEXT      "9293 3.10.7.4 seventh: deliver text, RCV.NXT += len, ACK"
#define R_TEXT_FIN  "9293 3.10.7.4 seventh: after the peer's FIN, ignore the text"
#define R_SYNSENT   "9293 3.10.7.3: "

/* Rows common to every synchronized state: only the ACK, text and FIN rows differ. */
#define SYNC_COMMON(s, exact_err, exact_stat)                                                   \
    { s, RST_EXACT, NONE, 0, TCP_CLOSE, OK, exact_stat, exact_err, R_RST_EXACT },               \
    { s, RST_INEXACT, CHALLENGE, 0, SAME, D(TCP_RST_CHALLENGE), 0, 0, R_RST_CHAL },              \
    { s, RST_OUTSIDE, NONE, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_RST_OUT },                 \
    { s, SYN_IN, CHALLENGE, 0, SAME, D(TCP_SYN_CHALLENGE), 0, 0, R_SYN_CHAL },                   \
    { s, SYN_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },                        \
    { s, ACK_UNSENT, ACK, 0, SAME, D(TCP_ACK_UNSENT_DATA), 0, 0, R_ACK_UNS },                    \
    { s, ACK_OLD, NONE, 0, SAME, OK, 0, 0, R_ACK_DUP },                                          \
    { s, ACK_TOO_OLD, CHALLENGE, 0, SAME, D(TCP_TOO_OLD_ACK), 0, 0, R_ACK_OLD },                 \
    { s, DATA_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },                       \
    { s, DATA_FUTURE, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },                    \
    { s, NO_ACK, NONE, 0, SAME, D(TCP_NO_ACK), 0, 0, R_NO_ACK },                                 \
    { s, SYN_ACK, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC " (SEG.SEQ = IRS)" },      \
    { s, BAD_CSUM, NONE, 0, SAME, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM }

/* After the peer's FIN (CLOSE-WAIT, CLOSING, LAST-ACK): text ignored, the FIN again is old. */
#define AFTER_FIN(s)                                                                            \
    { s, DATA_IN, NONE, 0, SAME, D(TCP_DATA_AFTER_FIN), 0, 0, R_TEXT_FIN },                      \
    { s, FIN, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC " (the FIN again)" },         \
    { s, FIN_ACK_ALL, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0,                              \
      R_UNACC " (wholly old: its ACK field is not looked at)" }

static const struct row rows[] = {
    /* CLOSED (§3.10.7.1): a port with no listener. */
    { CLOSED, RST_EXACT, NONE, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED " (an RST is discarded)" },
    { CLOSED, RST_INEXACT, NONE, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED " (an RST is discarded)" },
    { CLOSED, RST_OUTSIDE, NONE, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED " (an RST is discarded)" },
    { CLOSED, SYN_IN, RST_ACK, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, SYN_OLD, RST_ACK, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, ACK_OK, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, ACK_UNSENT, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, ACK_OLD, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, ACK_TOO_OLD, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, DATA_IN, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, DATA_OLD, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, DATA_FUTURE, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, FIN, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, FIN_ACK_ALL, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, NO_ACK, RST_ACK, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, SYN_ACK, RST, 0, TCP_CLOSE, D(TCP_NO_SOCKET), 0, 0, R_CLOSED },
    { CLOSED, BAD_CSUM, NONE, 0, TCP_CLOSE, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM },

    /* LISTEN (§3.10.7.2): first RST, second ACK, third SYN, fourth anything else. */
#define R_L_RST "9293 3.10.7.2 first: an RST is ignored"
#define R_L_ACK "9293 3.10.7.2 second: any ACK is bad: <SEQ=SEG.ACK><CTL=RST>"
#define R_L_SYN "9293 3.10.7.2 third: SYN: <SEQ=ISS><ACK=SEG.SEQ+1><CTL=SYN,ACK>, SYN-RECEIVED"
#define R_L_ELSE "9293 3.10.7.2 fourth: other text or control: drop"
    { LISTEN, RST_EXACT, NONE, 0, SAME, D(TCP_RESET), 0, 0, R_L_RST },
    { LISTEN, RST_INEXACT, NONE, 0, SAME, D(TCP_RESET), 0, 0, R_L_RST },
    { LISTEN, RST_OUTSIDE, NONE, 0, SAME, D(TCP_RESET), 0, 0, R_L_RST },
    { LISTEN, SYN_IN, SYNACK_NEW, 0, TCP_SYN_RECV, OK, ST(passive_opens), 0, R_L_SYN },
    { LISTEN, SYN_OLD, SYNACK_NEW, 0, TCP_SYN_RECV, OK, ST(passive_opens), 0, R_L_SYN },
    { LISTEN, ACK_OK, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, ACK_UNSENT, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, ACK_OLD, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, ACK_TOO_OLD, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, DATA_IN, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, DATA_OLD, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, DATA_FUTURE, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, FIN, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, FIN_ACK_ALL, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, NO_ACK, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_L_ELSE },
    { LISTEN, SYN_ACK, RST, 0, SAME, D(TCP_NO_SOCKET), ST(listen_drops), 0, R_L_ACK },
    { LISTEN, BAD_CSUM, NONE, 0, SAME, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM },

    /* SYN-SENT (§3.10.7.3): first the ACK, second RST, fourth SYN, fifth neither. */
#define R_S_BADACK R_SYNSENT "first: SEG.ACK =< ISS or > SND.NXT: <SEQ=SEG.ACK><CTL=RST>, drop"
#define R_S_RST R_SYNSENT "second: RST with an acceptable ACK: reset, CLOSED (5961 3 exempts SYN-SENT)"
#define R_S_SYN R_SYNSENT "fourth: SYN, no ACK: SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>"
#define R_S_NONE R_SYNSENT "fifth: neither SYN nor RST: drop"
    { SYN_SENT, RST_EXACT, NONE, 0, TCP_CLOSE, OK, ST(attempt_fails), ECONNREFUSED, R_S_RST },
    { SYN_SENT, RST_INEXACT, NONE, 0, TCP_CLOSE, OK, ST(attempt_fails), ECONNREFUSED, R_S_RST },
    { SYN_SENT, RST_OUTSIDE, NONE, 0, TCP_CLOSE, OK, ST(attempt_fails), ECONNREFUSED, R_S_RST },
    { SYN_SENT, SYN_IN, SYNACK, 0, TCP_SYN_RECV, OK, 0, 0, R_S_SYN },
    { SYN_SENT, SYN_OLD, SYNACK, 0, TCP_SYN_RECV, OK, 0, 0, R_S_SYN },
    { SYN_SENT, ACK_OK, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, ACK_UNSENT, RST, 0, SAME, D(TCP_SYNSENT_BAD_ACK), 0, 0, R_S_BADACK },
    { SYN_SENT, ACK_OLD, RST, 0, SAME, D(TCP_SYNSENT_BAD_ACK), 0, 0, R_S_BADACK },
    { SYN_SENT, ACK_TOO_OLD, RST, 0, SAME, D(TCP_SYNSENT_BAD_ACK), 0, 0, R_S_BADACK },
    { SYN_SENT, DATA_IN, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, DATA_OLD, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, DATA_FUTURE, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, FIN, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, FIN_ACK_ALL, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, NO_ACK, NONE, 0, SAME, D(TCP_FLAGS), 0, 0, R_S_NONE },
    { SYN_SENT, SYN_ACK, ACK, 1, TCP_ESTABLISHED, OK, 0, 0,
      R_SYNSENT "fourth: SYN, ACK acceptable: ESTABLISHED, <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>" },
    { SYN_SENT, BAD_CSUM, NONE, 0, SAME, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM },

    /*
     * SYN-RECEIVED after a passive open: a request sock (net/tcp_minisocks.c
     * tcp_check_req).  "LISTEN" as the next state: the request is gone.
     */
    { SYN_RCVD, RST_EXACT, NONE, 0, TCP_LISTEN, OK, ST(attempt_fails), 0,
      "9293 3.10.7.4 second: RST, passive open: back to LISTEN" },
    { SYN_RCVD, RST_INEXACT, NONE, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "5961 3.2 (3) asks a challenge ACK; a request sock ignores it (Linux instead drops the request)" },
    { SYN_RCVD, RST_OUTSIDE, NONE, 0, SAME, D(TCP_REQ_BAD), 0, 0, R_RST_OUT },
    { SYN_RCVD, SYN_IN, NONE, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fourth says back to LISTEN; ignored, so a blind SYN cannot kill the handshake" },
    { SYN_RCVD, SYN_OLD, SYNACK, 0, SAME, OK, 0, 0,
      "the SYN again: our SYN-ACK was lost, send it again (Linux tcp_check_req; 9293 first: ACK it)" },
    { SYN_RCVD, ACK_OK, NONE, 0, TCP_ESTABLISHED, OK, 0, 0,
      "9293 3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED" },
    { SYN_RCVD, ACK_UNSENT, RST, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fifth: ACK not acceptable: <SEQ=SEG.ACK><CTL=RST>" },
    { SYN_RCVD, ACK_OLD, RST, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fifth: ACK not acceptable: <SEQ=SEG.ACK><CTL=RST>" },
    { SYN_RCVD, ACK_TOO_OLD, RST, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fifth: ACK not acceptable: <SEQ=SEG.ACK><CTL=RST>" },
    { SYN_RCVD, DATA_IN, ACK, 3, TCP_ESTABLISHED, OK, 0, 0, "9293 3.10.7.4 fifth then seventh" },
    { SYN_RCVD, DATA_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC " (Linux tcp_check_req)" },
    { SYN_RCVD, DATA_FUTURE, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC " (Linux tcp_check_req)" },
    { SYN_RCVD, FIN, ACK, 1, TCP_CLOSE_WAIT, OK, 0, 0, "9293 3.10.7.4 fifth then eighth: CLOSE-WAIT" },
    { SYN_RCVD, FIN_ACK_ALL, ACK, 1, TCP_CLOSE_WAIT, OK, 0, 0, "9293 3.10.7.4 fifth then eighth: CLOSE-WAIT" },
    { SYN_RCVD, NO_ACK, NONE, 0, SAME, D(TCP_NO_ACK), 0, 0, R_NO_ACK },
    { SYN_RCVD, SYN_ACK, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0,
      R_UNACC " (SEG.SEQ = IRS; Linux tcp_check_req)" },
    { SYN_RCVD, BAD_CSUM, NONE, 0, SAME, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM },

    /* SYN-RECEIVED after a simultaneous open: a full sock, synchronized rules (9293 3.10.7.4). */
    { SYN_RCVD_SIM, RST_EXACT, NONE, 0, TCP_CLOSE, OK, ST(attempt_fails), ECONNREFUSED,
      "9293 3.10.7.4 second: RST, active open: connection refused, CLOSED" },
    { SYN_RCVD_SIM, RST_INEXACT, CHALLENGE, 0, SAME, D(TCP_RST_CHALLENGE), 0, 0, R_RST_CHAL },
    { SYN_RCVD_SIM, RST_OUTSIDE, NONE, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_RST_OUT },
    { SYN_RCVD_SIM, SYN_IN, CHALLENGE, 0, SAME, D(TCP_SYN_CHALLENGE), 0, 0,
      "9293 3.10.7.4 fourth: active open: as synchronized, challenge ACK" },
    { SYN_RCVD_SIM, SYN_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { SYN_RCVD_SIM, ACK_OK, NONE, 0, TCP_ESTABLISHED, OK, 0, 0,
      "9293 3.10.7.4 fifth: SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED" },
    { SYN_RCVD_SIM, ACK_UNSENT, RST, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fifth: ACK not acceptable: <SEQ=SEG.ACK><CTL=RST>" },
    { SYN_RCVD_SIM, ACK_OLD, RST, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fifth: ACK not acceptable: <SEQ=SEG.ACK><CTL=RST>" },
    { SYN_RCVD_SIM, ACK_TOO_OLD, RST, 0, SAME, D(TCP_REQ_BAD), 0, 0,
      "9293 3.10.7.4 fifth: ACK not acceptable: <SEQ=SEG.ACK><CTL=RST>" },
    { SYN_RCVD_SIM, DATA_IN, ACK, 3, TCP_ESTABLISHED, OK, 0, 0, "9293 3.10.7.4 fifth then seventh" },
    { SYN_RCVD_SIM, DATA_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { SYN_RCVD_SIM, DATA_FUTURE, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { SYN_RCVD_SIM, FIN, ACK, 1, TCP_CLOSE_WAIT, OK, 0, 0, "9293 3.10.7.4 fifth then eighth: CLOSE-WAIT" },
    { SYN_RCVD_SIM, FIN_ACK_ALL, ACK, 1, TCP_CLOSE_WAIT, OK, 0, 0,
      "9293 3.10.7.4 fifth then eighth: CLOSE-WAIT" },
    { SYN_RCVD_SIM, NO_ACK, NONE, 0, SAME, D(TCP_NO_ACK), 0, 0, R_NO_ACK },
    { SYN_RCVD_SIM, SYN_ACK, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0,
      R_UNACC " (SEG.SEQ = IRS; the peer's ACK of our SYN-ACK completes it)" },
    { SYN_RCVD_SIM, BAD_CSUM, NONE, 0, SAME, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM },

    /* ESTABLISHED, 4 bytes of ours in flight. */
    SYNC_COMMON(ESTAB, ECONNRESET, ST(estab_resets)),
    { ESTAB, ACK_OK, NONE, 0, SAME, OK, 0, 0, R_ACK_OK },
    { ESTAB, DATA_IN, ACK, 3, SAME, OK, 0, 0, R_TEXT },
    { ESTAB, FIN, ACK, 1, TCP_CLOSE_WAIT, OK, 0, 0, "9293 3.10.7.4 eighth: ACK the FIN, CLOSE-WAIT" },
    { ESTAB, FIN_ACK_ALL, ACK, 1, TCP_CLOSE_WAIT, OK, 0, 0, "9293 3.10.7.4 eighth: ACK the FIN, CLOSE-WAIT" },

    /* FIN-WAIT-1: our FIN in flight, the socket still open for reading. */
    SYNC_COMMON(FIN_WAIT1, ECONNRESET, 0),
    { FIN_WAIT1, ACK_OK, NONE, 0, TCP_FIN_WAIT2, OK, 0, 0,
      "9293 3.10.7.4 fifth: FIN-WAIT-1, our FIN acked: FIN-WAIT-2" },
    { FIN_WAIT1, DATA_IN, ACK, 3, SAME, OK, 0, 0, R_TEXT },
    { FIN_WAIT1, FIN, ACK, 1, TCP_CLOSING, OK, 0, 0,
      "9293 3.10.7.4 eighth: FIN-WAIT-1, our FIN not acked: CLOSING" },
    { FIN_WAIT1, FIN_ACK_ALL, ACK, 1, TCP_TIME_WAIT, OK, 0, 0,
      "9293 3.10.7.4 eighth: FIN-WAIT-1, our FIN acked in this segment: TIME-WAIT" },

    /* FIN-WAIT-2: our FIN acked. */
    SYNC_COMMON(FIN_WAIT2, ECONNRESET, 0),
    { FIN_WAIT2, ACK_OK, NONE, 0, SAME, OK, 0, 0, R_ACK_OK " (nothing left to ack)" },
    { FIN_WAIT2, DATA_IN, ACK, 3, SAME, OK, 0, 0, R_TEXT },
    { FIN_WAIT2, FIN, ACK, 1, TCP_TIME_WAIT, OK, 0, 0, "9293 3.10.7.4 eighth: FIN-WAIT-2: TIME-WAIT" },
    { FIN_WAIT2, FIN_ACK_ALL, ACK, 1, TCP_TIME_WAIT, OK, 0, 0, "9293 3.10.7.4 eighth: FIN-WAIT-2: TIME-WAIT" },

    /* CLOSE-WAIT: the peer's FIN in, 4 bytes of ours in flight. */
    SYNC_COMMON(CLOSE_WAIT, EPIPE, ST(estab_resets)),
    { CLOSE_WAIT, ACK_OK, NONE, 0, SAME, OK, 0, 0, R_ACK_OK },
    AFTER_FIN(CLOSE_WAIT),

    /* CLOSING: FINs crossed, ours not acked. */
    SYNC_COMMON(CLOSING, ECONNRESET, 0),
    { CLOSING, ACK_OK, NONE, 0, TCP_TIME_WAIT, OK, 0, 0,
      "9293 3.10.7.4 fifth: CLOSING, our FIN acked: TIME-WAIT" },
    AFTER_FIN(CLOSING),

    /* LAST-ACK: the peer's FIN in, ours out. */
    SYNC_COMMON(LAST_ACK, ECONNRESET, 0),
    { LAST_ACK, ACK_OK, NONE, 0, TCP_CLOSE, OK, 0, 0,
      "9293 3.10.7.4 fifth: LAST-ACK, our FIN acked: CLOSED" },
    AFTER_FIN(LAST_ACK),

    /*
     * TIME-WAIT (net/tcp_minisocks.c tcp_timewait_state_process, after Linux's
     * tcp_timewait_state_process): a bare ACK or RST at RCV.NXT is in window,
     * everything else is answered with an ACK, except RSTs and a new SYN.
     */
#define R_TW_LINUX "; as Linux, which keeps no window state in TIME-WAIT"
    { TIME_WAIT, RST_EXACT, NONE, 0, TCP_CLOSE, OK, 0, 0,
      "9293 3.10.7.4 second: TIME-WAIT, RST: CLOSED (Linux, RFC 1337 protection off)" },
    { TIME_WAIT, RST_INEXACT, NONE, 0, SAME, D(TCP_RESET), 0, 0,
      "5961 3.2 (3) asks a challenge ACK; ignored" R_TW_LINUX },
    { TIME_WAIT, RST_OUTSIDE, NONE, 0, SAME, D(TCP_RESET), 0, 0, R_RST_OUT },
    { TIME_WAIT, SYN_IN, SYNACK_NEW, 0, NEW_REQ, OK, ST(tw_recycled), 0,
      "RFC 1122 4.2.2.13 / Linux: a SYN above RCV.NXT reopens the 4-tuple" },
    { TIME_WAIT, SYN_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { TIME_WAIT, ACK_OK, NONE, 0, SAME, OK, 0, 0, "9293 3.10.7.4 fifth: TIME-WAIT: nothing to do" },
    { TIME_WAIT, ACK_UNSENT, NONE, 0, SAME, OK, 0, 0,
      "5961 5.2 asks an ACK; a bare ACK at RCV.NXT is ignored" R_TW_LINUX },
    { TIME_WAIT, ACK_OLD, NONE, 0, SAME, OK, 0, 0, R_ACK_DUP },
    { TIME_WAIT, ACK_TOO_OLD, NONE, 0, SAME, OK, 0, 0,
      "5961 5.2 asks a challenge ACK; a bare ACK at RCV.NXT is ignored" R_TW_LINUX },
    { TIME_WAIT, DATA_IN, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0,
      "9293 3.10.7.4 seventh: text after the FIN is ignored; acked, as Linux" },
    { TIME_WAIT, DATA_OLD, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { TIME_WAIT, DATA_FUTURE, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { TIME_WAIT, FIN, ACK, 0, SAME, OK, 0, 0,
      "9293 3.10.7.4 eighth: TIME-WAIT: the FIN again: ACK it, restart the 2 MSL timer" },
    { TIME_WAIT, FIN_ACK_ALL, ACK, 0, SAME, OK, 0, 0,
      "9293 3.10.7.4 eighth: TIME-WAIT: the FIN again: ACK it, restart the 2 MSL timer" },
    { TIME_WAIT, NO_ACK, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0,
      "9293 3.10.7.4 fifth drops without a reply; acked" R_TW_LINUX },
    { TIME_WAIT, SYN_ACK, ACK, 0, SAME, D(TCP_INVALID_SEQUENCE), 0, 0, R_UNACC },
    { TIME_WAIT, BAD_CSUM, NONE, 0, SAME, D(TCP_CSUM), ST(in_csum_errors), 0, R_CSUM },
};

/* ---- the runner ------------------------------------------------------------------------ */

static const int tcp_state_of[NSTATES] = {
    [CLOSED] = TCP_CLOSE, [LISTEN] = TCP_LISTEN, [SYN_SENT] = TCP_SYN_SENT, [SYN_RCVD] = TCP_SYN_RECV,
    [SYN_RCVD_SIM] = TCP_SYN_RECV, [ESTAB] = TCP_ESTABLISHED, [FIN_WAIT1] = TCP_FIN_WAIT1,
    [FIN_WAIT2] = TCP_FIN_WAIT2, [CLOSE_WAIT] = TCP_CLOSE_WAIT, [CLOSING] = TCP_CLOSING,
    [LAST_ACK] = TCP_LAST_ACK, [TIME_WAIT] = TCP_TIME_WAIT,
};

/* The state now: a pending request first, then our connection, then one ready to accept. */
static int observed_state(struct conn *x)
{
    if (x->l && inet_csk(x->l->sk)->icsk_syn_qlen)
        return TCP_SYN_RECV;
    if (x->c)
        return x->c->sk->sk_state;
    if (x->l && (x->c = accept_k(x->l)))
        return x->c->sk->sk_state;
    return x->l ? TCP_LISTEN : TCP_CLOSE;
}

static void check_reply(const struct conn *x, const struct row *r, const struct in_seg *in)
{
    u32 seg_len = in->len + !!(in->flags & TCPHDR_SYN) + !!(in->flags & TCPHDR_FIN);
    struct seg s;

    if (r->reply == NONE) {
        assert_false(pop(&s));
        return;
    }
    assert_true(pop(&s));
    switch (r->reply) {
    case ACK:
    case CHALLENGE:
        assert_int_equal(s.flags, TCPHDR_ACK);
        assert_int_equal(s.seq, x->snd_nxt);
        assert_int_equal(s.ack, x->rcv_nxt + r->adv);
        assert_int_equal(s.len, 0);
        break;
    case RST:
        assert_int_equal(s.flags, TCPHDR_RST);
        assert_int_equal(s.seq, in->ack);
        break;
    case RST_ACK:
        assert_int_equal(s.flags, TCPHDR_RST | TCPHDR_ACK);
        assert_int_equal(s.seq, 0);
        assert_int_equal(s.ack, in->seq + seg_len);
        break;
    case SYNACK:
        assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
        assert_int_equal(s.seq, x->iss);
        assert_int_equal(s.ack, in->seq + 1);
        break;
    case SYNACK_NEW:
        assert_int_equal(s.flags, TCPHDR_SYN | TCPHDR_ACK);
        assert_int_equal(s.ack, in->seq + 1);
        break;
    default:
        fail();
    }
    assert_false(pop(&s));      /* one reply, no more */
}

static void check_next_state(struct conn *x, const struct row *r)
{
    int next = r->next == SAME ? tcp_state_of[r->state] : r->next;

    if (next == NEW_REQ) {
        assert_int_equal(inet_csk(x->l->sk)->icsk_syn_qlen, 1);
        assert_int_equal(x->c->sk->sk_state, TCP_CLOSE);
    } else if (next == TCP_TIME_WAIT) {
        assert_time_wait(x, x->rcv_nxt + r->adv);
    } else {
        assert_int_equal(observed_state(x), next);
    }
}

/* The send side: only an acceptable ACK moves SND.UNA, and only to SEG.ACK. */
static void check_snd_una(const struct conn *x, const struct row *r)
{
    int st;

    if (!x->c || r->state == TIME_WAIT || r->state == SYN_RCVD)
        return;
    st = x->c->sk->sk_state;
    if (st == TCP_CLOSE || st == TCP_TIME_WAIT)
        return;
    if (r->kind == ACK_OK || r->kind == FIN_ACK_ALL) {
        if (r->drop == OK)
            assert_int_equal(tcp_sk(x->c->sk)->snd_una, x->snd_nxt);
    } else if (r->kind == ACK_UNSENT || r->kind == ACK_OLD || r->kind == ACK_TOO_OLD) {
        assert_int_equal(tcp_sk(x->c->sk)->snd_una, x->snd_una);
    }
}

static void release(struct conn *x)
{
    if (x->c) {
        if (x->c->sk->sk_state != TCP_TIME_WAIT) {
            sock_set_flag(x->c->sk, SOCK_LINGER);   /* SO_LINGER 0: RST, freed at once */
            x->c->sk->sk_lingertime = 0;
        }
        sock_release(x->c);
    }
    if (x->l)
        sock_release(x->l);
    fake_netdev_clear_tx(eth0);
    *x = (struct conn){ 0 };
}

/* The row's connection: released by the teardown too when an assertion cut the row short. */
static struct conn cur;

static int teardown_row(void **state)
{
    release(&cur);
    return tcp_peer_teardown(state);
}

static void run_row(void **state)
{
    const struct row *r = *state;
    u64 drops[SKB_DROP_REASON_MAX];
    struct tcp_mib before;
    struct conn *x = &cur;
    struct in_seg in;

    drive[r->state](x);
    in = make_seg(x, r->kind);
    memcpy(drops, skb_drop_counts, sizeof(drops));
    before = tcp_stats;
    send_seg(x, r->kind, &in);

    check_reply(x, r, &in);
    /* (NOT_SPECIFIED: our own unacked segments, freed when a connection ends, net/tcp.c) */
    for (unsigned i = SKB_DROP_REASON_NOT_SPECIFIED + 1; i < SKB_DROP_REASON_MAX; i++)
        if (skb_drop_counts[i] - drops[i] != (i == r->drop))
            fail_msg("drop reason %s: %llu more, expected %d", skb_drop_reason_name(i),
                     (unsigned long long)(skb_drop_counts[i] - drops[i]), i == r->drop);
    assert_int_equal(tcp_stats.challenge_acks - before.challenge_acks, r->reply == CHALLENGE);
    assert_int_equal(tcp_stats.out_rsts - before.out_rsts, r->reply == RST || r->reply == RST_ACK);
    if (r->stat) {
        unsigned off = r->stat - 1;
        u64 now, then;

        memcpy(&now, (const u8 *)&tcp_stats + off, sizeof(now));
        memcpy(&then, (const u8 *)&before + off, sizeof(then));
        assert_int_equal(now - then, 1);
    }
    if (x->c)
        assert_int_equal(x->c->sk->sk_err, r->err);
    check_snd_una(x, r);
    check_next_state(x, r);
    release(x);
}

/* Beyond the matrix: the TIME-WAIT timer restarts on the FIN again (§3.10.7.4 eighth). */
static void test_time_wait_fin_restarts_2msl(void **state)
{
    to_time_wait(&cur);
    net_test_run(40 * NSEC_PER_SEC);
    assert_time_wait(&cur, cur.rcv_nxt);    /* the FIN again, 40 s in */
    net_test_run(40 * NSEC_PER_SEC);        /* 80 s after entry, 40 s after the restart */
    assert_time_wait(&cur, cur.rcv_nxt);
    release(&cur);
}

int main(void)
{
    enum { N = ARRAY_SIZE(rows) };
    static struct CMUnitTest tests[N + 1];
    static char names[N][96];

    for (unsigned i = 0; i < N; i++) {
        snprintf(names[i], sizeof(names[i]), "%s / %s", state_name[rows[i].state], kind_name[rows[i].kind]);
        tests[i] = (struct CMUnitTest){ names[i], run_row, tcp_peer_setup, teardown_row,
                                        (void *)&rows[i] };
    }
    tests[N] = (struct CMUnitTest)cmocka_unit_test_setup_teardown(test_time_wait_fin_restarts_2msl,
                                                                    tcp_peer_setup, teardown_row);
    net_test_boot();
    return _cmocka_run_group_tests("tcp_states", tests, N + 1, NULL, NULL);
}
