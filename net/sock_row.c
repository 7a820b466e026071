/*
 * One socket, request sock or TIME-WAIT entry read into a struct sock_row
 * (include/net/proc_net.h), the common source of /proc/net/{tcp,udp}
 * (net/proc_net.c) and the ss-style console table (net/ss.c): the fields
 * Linux's get_tcp4_sock, get_openreq4, get_timewait4_sock and
 * udp4_format_sock read.  Reads other layers' state; owns none.
 */
#include <kernel/console.h>
#include <kernel/init.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/procfs.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/netdevice.h>
#include <net/proc_net.h>
#include <net/snmp.h>
#include <net/tcp.h>
#include <net/udp.h>

/* No inodes here: a number unique to the socket while it lives (Linux: sock_i_ino). */
static unsigned long sock_ino(const struct sock *sk)
{
    return sk->sk_socket ? (u32)((unsigned long)sk->sk_socket >> 4) : 0;
}

static u64 timer_left(const struct timer_list *t)
{
    u64 now = ktime_get_ns();

    return t->expires > now ? t->expires - now : 0;
}

static void row_inet(struct sock_row *r, const struct sock *sk)
{
    const struct inet_sock *inet = inet_sk(sk);

    r->obj = sk;
    r->state = sk->sk_state;
    r->laddr = inet->inet_rcv_saddr;
    r->raddr = inet->inet_daddr;
    r->lport = inet->inet_num;
    r->rport = ntohs(inet->inet_dport);
    r->refcnt = sk->sk_refcnt;
    r->inode = sock_ino(sk);
}

/* Linux get_tcp4_sock's timer choice: RTO, else zero-window probe, else keepalive. */
static void tcp_row_timer(struct sock_row *r, const struct sock *sk)
{
    const struct inet_connection_sock *icsk = inet_csk(sk);
    const struct tcp_sock *tp = tcp_sk(sk);

    if (timer_pending(&tp->tw_timer)) {
        r->kind = ROW_TW;       /* an orphan's FIN_WAIT2 timeout (Linux's tw with substate 5) */
        r->timer = TR_TIMEWAIT;
        r->when_ns = timer_left(&tp->tw_timer);
    } else if (icsk->icsk_pending && timer_pending(&icsk->icsk_retransmit_timer)) {
        r->timer = icsk->icsk_pending == ICSK_TIME_PROBE0 ? TR_PROBE0 : TR_RETRANS;
        r->when_ns = timer_left(&icsk->icsk_retransmit_timer);
    } else if (timer_pending(&tp->keepalive_timer)) {
        r->timer = TR_KEEPALIVE;
        r->when_ns = timer_left(&tp->keepalive_timer);
    }
}

void sock_row_tcp(struct sock_row *r, const struct sock *sk)
{
    const struct inet_connection_sock *icsk = inet_csk(sk);
    const struct tcp_sock *tp = tcp_sk(sk);
    u32 mss = tp->mss_cache ? tp->mss_cache : TCP_MSS_DEFAULT;
    s32 unread = (s32)(tp->rcv_nxt - tp->copied_seq);

    memset(r, 0, sizeof(*r));
    row_inet(r, sk);
    r->proto = IPPROTO_TCP;
    tcp_row_timer(r, sk);
    r->tx_queue = tp->write_seq - tp->snd_una;
    r->rx_queue = sk->sk_state == TCP_LISTEN ? icsk->icsk_accept_qlen : (u32)MAX(unread, 0);
    r->retrans = icsk->icsk_retransmits;
    r->probes = icsk->icsk_probes_out;
    r->rto_ns = icsk->icsk_rto;
    r->ato_ns = icsk->icsk_ack.ato;
    r->quick = (u32)icsk->icsk_ack.quick << 1;      /* no ping-pong mode here */
    r->cwnd = tp->snd_cwnd / mss;
    if (sk->sk_state == TCP_LISTEN)
        r->ssthresh = 0;        /* Linux prints the TFO queue length: no TFO */
    else
        r->ssthresh = tp->snd_ssthresh >= 0x7fffffff ? -1 : (int)(tp->snd_ssthresh / mss);
    r->syn_qlen = icsk->icsk_syn_qlen;
    r->max_backlog = icsk->icsk_max_backlog;
    if (r->kind == ROW_TW)
        r->tx_queue = r->rx_queue = 0;  /* Linux's time-wait socks hold no data */
}

void sock_row_req(struct sock_row *r, const struct request_sock *req)
{
    memset(r, 0, sizeof(*r));
    r->obj = req;
    r->kind = ROW_REQ;
    r->proto = IPPROTO_TCP;
    r->state = TCP_SYN_RECV;
    r->laddr = req->loc_addr;
    r->raddr = req->rmt_addr;
    r->lport = ntohs(req->loc_port);
    r->rport = ntohs(req->rmt_port);
    r->timer = TR_RETRANS;      /* the SYN-ACK timer: Linux prints 1 for it */
    r->when_ns = timer_left(&req->rsk_timer);
    r->retrans = req->num_retrans;
}

/*
 * A TIME-WAIT entry as Linux's get_timewait4_sock prints it: no queues,
 * timer 3 with the time left, refcnt 3 (Linux's count for one hashed in
 * the established and bind tables with its timer armed).
 */
void sock_row_tw(struct sock_row *r, const struct inet_timewait_sock *tw)
{
    memset(r, 0, sizeof(*r));
    r->obj = tw;
    r->kind = ROW_TW;
    r->proto = IPPROTO_TCP;
    r->state = tw->tw_substate;
    r->laddr = tw->tw_rcv_saddr;
    r->raddr = tw->tw_daddr;
    r->lport = tw->tw_num;
    r->rport = ntohs(tw->tw_dport);
    r->timer = TR_TIMEWAIT;
    r->when_ns = timer_left(&tw->tw_timer);
    r->refcnt = 3;
}

void sock_row_udp(struct sock_row *r, const struct sock *sk)
{
    memset(r, 0, sizeof(*r));
    row_inet(r, sk);
    r->proto = IPPROTO_UDP;
    r->tx_queue = sk->sk_wmem_alloc;
    r->rx_queue = sk->sk_rmem_alloc;
    r->drops = sk->sk_drops;
}
