/*
 * RFC 5961 blind-attack defences, for segments on synchronized
 * connections: an RST whose seq is in the window but not exactly RCV.NXT
 * (§3.2) and any SYN (§4.2) draw a challenge ACK instead of acting; ACKs
 * outside [SND.UNA - MAX.SND.WND, SND.NXT] are not acceptable (§5.2).
 * Challenge ACKs are rate limited per socket and globally (§7); see
 * tcp_challenge_allowed() for the numbers and why they are Linux's.
 * Below: tcp_send_ack(), get_random_bytes().  Above: net/tcp_input.c's
 * RST, SYN and ACK steps (RFC 9293 §3.10.7.4 second, fourth, fifth).
 */
#include <kernel/random.h>
#include <kernel/time.h>
#include <net/byteorder.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

enum tcp_rst_verdict tcp_rst_check(u32 seq, u32 rcv_nxt, u32 rcv_wnd)
{
    if (seq == rcv_nxt)
        return TCP_RST_ACCEPT;
    if (SEQ_GT(seq, rcv_nxt) && SEQ_LT(seq, rcv_nxt + rcv_wnd))
        return TCP_RST_CHALLENGE;
    return TCP_RST_OUTSIDE;
}

/* The global budget: the second it belongs to and what is left of it. */
static u64 budget_second = ~0ULL;
static u32 budget_left;

void tcp_challenge_reset(void)
{
    budget_second = ~0ULL;
}

/*
 * A fixed global count is itself a side channel (CVE-2016-5696: an
 * off-path attacker counts the challenge ACKs it provokes to learn whether
 * a guessed 4-tuple exists), so each second's budget is drawn at random in
 * [limit/2, limit*3/2), as Linux 4.7 did.
 */
static bool global_budget(u64 now_ns)
{
    u64 second = now_ns / NSEC_PER_SEC;

    if (second != budget_second) {
        u32 r;

        get_random_bytes(&r, sizeof(r));
        budget_second = second;
        budget_left = TCP_CHALLENGE_ACK_LIMIT / 2 + r % TCP_CHALLENGE_ACK_LIMIT;
    }
    if (!budget_left)
        return false;
    budget_left--;
    return true;
}

bool tcp_challenge_allowed(u64 *last_ns, u64 now_ns, bool *global_limited)
{
    *global_limited = false;
    if (*last_ns && now_ns - *last_ns < TCP_INVALID_RATELIMIT_NS)
        return false;
    if (!global_budget(now_ns)) {
        *global_limited = true;
        return false;
    }
    *last_ns = now_ns;
    return true;
}

/* ---- hooks (net/tcp_impl.h) ---------------------------------------------------- */

void tcp_send_challenge_ack(struct sock *sk)
{
    bool global;

    if (!tcp_challenge_allowed(&tcp_sk(sk)->last_oow_ack_time, ktime_get_ns(), &global)) {
        tcp_stats.challenge_acks_limited++;
        return;
    }
    tcp_stats.challenge_acks++;
    tcp_send_ack(sk);
}

bool tcp_ack_too_old(const struct tcp_sock *tp, u32 ack)
{
    return SEQ_LT(ack, tp->snd_una - tp->max_window);
}
