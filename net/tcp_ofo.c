/*
 * The out-of-order queue (RFC 9293 §3.10.7.4 "seventh": segments beyond
 * RCV.NXT inside the window are held, not dropped) and the SACK blocks we
 * send for it (RFC 2018 §4, D-SACK RFC 2883 §4).  Segments are kept sorted
 * by seq with no byte held twice: new data is trimmed against its
 * neighbours, fully covered ones are freed, and adjacent data is copied
 * into the predecessor's tailroom (Linux tcp_try_coalesce).  Memory
 * (truesize) is capped per socket: past the cap, segments above the new one
 * are pruned first (Linux tcp_prune_ofo_queue), then the new one is dropped.
 * Below: sk_buff.  Above: net/tcp_input.c (tcp_ofo_queue for out-of-order
 * data, then an immediate ACK carrying these blocks; tcp_ofo_drain after
 * rcv_nxt advanced), which hands drained skbs to tcp_queue_rcv().
 */
#include <kernel/string.h>
#include <net/byteorder.h>
#include <net/sock.h>
#include <net/tcp_ext.h>
#include "tcp_impl.h"

#define ofo_entry(pos) list_entry(pos, struct sk_buff, list)

static struct sk_buff_head *ofoq(struct tcp_sock *tp) { return &tp->out_of_order_queue; }

static void ofo_unlink(struct tcp_sock *tp, struct sk_buff *skb)
{
    skb_unlink(skb, ofoq(tp));
    tp->ofo_mem -= skb->truesize;
}

static void ofo_drop(struct tcp_sock *tp, struct sk_buff *skb, enum skb_drop_reason r)
{
    ofo_unlink(tp, skb);
    kfree_skb_reason(skb, r);
}

void tcp_dsack_set(struct tcp_sock *tp, u32 seq, u32 end_seq)
{
    if (!tp->rx_opt.sack_ok)
        return;
    tp->duplicate_sack[0].start_seq = seq;
    tp->duplicate_sack[0].end_seq = end_seq;
    tp->dsack = 1;
}

/* Free queued segments above seq, highest first, until skb fits under cap. */
static bool make_room(struct tcp_sock *tp, const struct sk_buff *skb, u32 seq, u32 cap)
{
    struct sk_buff_head *q = ofoq(tp);

    while (tp->ofo_mem + skb->truesize > cap && !skb_queue_empty(q)) {
        struct sk_buff *last = ofo_entry(q->head.prev);

        if (SEQ_LEQ(TCP_SKB_CB(last)->seq, seq))
            return false;
        ofo_drop(tp, last, SKB_DROP_REASON_TCP_OFO_QUEUE_PRUNE);
    }
    return tp->ofo_mem + skb->truesize <= cap;
}

/* Append from's data to to (adjacent, room for it); frees from.  True if done. */
static bool try_coalesce(struct tcp_sock *tp, struct sk_buff *to, struct sk_buff *from, bool queued)
{
    struct tcp_skb_cb *t = TCP_SKB_CB(to), *f = TCP_SKB_CB(from);

    if (t->end_seq != f->seq || (t->tcp_flags & TCPHDR_FIN) || skb_tailroom(to) < from->len)
        return false;
    skb_put_data(to, from->data, from->len);
    t->end_seq = f->end_seq;
    t->tcp_flags |= f->tcp_flags & TCPHDR_FIN;
    if (queued)
        ofo_unlink(tp, from);
    consume_skb(from);
    return true;
}

/*
 * Trim skb against its queued neighbours.  prev: the last queued skb with
 * seq <= skb's (or NULL).  Returns false when nothing new is left.
 */
static bool trim_overlaps(struct tcp_sock *tp, struct sk_buff *prev, struct sk_buff *skb)
{
    struct tcp_skb_cb *cb = TCP_SKB_CB(skb);
    struct list_head *head = &ofoq(tp)->head;
    struct list_head *pos = prev ? prev->list.next : head->next;

    if (prev && SEQ_GT(TCP_SKB_CB(prev)->end_seq, cb->seq)) {
        u32 dup = TCP_SKB_CB(prev)->end_seq - cb->seq;

        if (SEQ_GEQ(TCP_SKB_CB(prev)->end_seq, cb->end_seq)) {
            tcp_dsack_set(tp, cb->seq, cb->end_seq);
            return false;
        }
        tcp_dsack_set(tp, cb->seq, TCP_SKB_CB(prev)->end_seq);
        skb_pull(skb, dup);
        cb->seq += dup;
    }
    while (pos != head && SEQ_LEQ(TCP_SKB_CB(ofo_entry(pos))->end_seq, cb->end_seq)) {
        struct sk_buff *covered = ofo_entry(pos);

        pos = pos->next;
        ofo_drop(tp, covered, SKB_DROP_REASON_TCP_OFOMERGE);
    }
    if (pos != head && SEQ_LT(TCP_SKB_CB(ofo_entry(pos))->seq, cb->end_seq)) {
        u32 keep = TCP_SKB_CB(ofo_entry(pos))->seq - cb->seq;

        skb_trim(skb, keep);            /* a FIN cannot precede queued data */
        cb->end_seq = cb->seq + keep;
        cb->tcp_flags &= ~TCPHDR_FIN;
    }
    return true;
}

enum skb_drop_reason tcp_ofo_insert(struct tcp_sock *tp, struct sk_buff *skb, u32 cap,
                                    bool *coalesced)
{
    struct sk_buff_head *q = ofoq(tp);
    u32 seq = TCP_SKB_CB(skb)->seq;
    struct list_head *pos;
    struct sk_buff *prev;

    *coalesced = false;
    if (!make_room(tp, skb, seq, cap)) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_OFO_MEMLIMIT);
        return SKB_DROP_REASON_TCP_OFO_MEMLIMIT;
    }
    /* From the tail: data usually arrives in order behind one hole. */
    for (pos = q->head.prev; pos != &q->head && SEQ_GT(TCP_SKB_CB(ofo_entry(pos))->seq, seq);)
        pos = pos->prev;
    prev = pos == &q->head ? NULL : ofo_entry(pos);
    if (!trim_overlaps(tp, prev, skb)) {
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_OFOMERGE);
        return SKB_DROP_REASON_TCP_OFOMERGE;
    }
    seq = TCP_SKB_CB(skb)->seq;
    if (prev && try_coalesce(tp, prev, skb, false)) {
        *coalesced = true;
        skb = prev;
    } else {
        __list_add(&skb->list, pos, pos->next);
        q->qlen++;
        tp->ofo_mem += skb->truesize;
    }
    if (skb->list.next != &q->head)
        *coalesced |= try_coalesce(tp, skb, ofo_entry(skb->list.next), true);
    tcp_sack_blocks_update(tp, seq);
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

struct sk_buff *tcp_ofo_pop_ready(struct tcp_sock *tp)
{
    struct sk_buff_head *q = ofoq(tp);

    while (!skb_queue_empty(q)) {
        struct sk_buff *skb = ofo_entry(q->head.next);

        if (SEQ_GT(TCP_SKB_CB(skb)->seq, tp->rcv_nxt))
            return NULL;
        ofo_unlink(tp, skb);
        if (SEQ_GT(TCP_SKB_CB(skb)->end_seq, tp->rcv_nxt))
            return skb;
        kfree_skb_reason(skb, SKB_DROP_REASON_TCP_OFOMERGE);   /* all already received */
    }
    return NULL;
}

void tcp_ofo_free_all(struct tcp_sock *tp, enum skb_drop_reason reason)
{
    while (!skb_queue_empty(ofoq(tp)))
        ofo_drop(tp, ofo_entry(ofoq(tp)->head.next), reason);
    tp->num_sacks = 0;
}

u32 tcp_ofo_cap(const struct sock *sk)
{
    return MAX((u32)sk->sk_rcvbuf, (u32)SOCK_MIN_RCVBUF);
}

/* ---- SACK blocks we send (RFC 2018 §4) -------------------------------------------
 * The first block is the run holding the latest arrival; then the runs the
 * previous blocks named, most recent first, each re-read from the queue so
 * a pruned range is never reported.
 */

/* The contiguous queued run holding seq, in *run; false if seq is not held. */
static bool run_of(struct tcp_sock *tp, u32 seq, struct tcp_sack_block *run)
{
    struct sk_buff *skb;
    bool found = false;

    list_for_each_entry(skb, &ofoq(tp)->head, list) {
        struct tcp_skb_cb *cb = TCP_SKB_CB(skb);

        if (found && cb->seq == run->end_seq) {
            run->end_seq = cb->end_seq;
        } else if (found) {
            break;
        } else if (SEQ_LEQ(cb->seq, seq) && SEQ_LT(seq, cb->end_seq)) {
            run->start_seq = cb->seq, run->end_seq = cb->end_seq, found = true;
        } else if (SEQ_GT(cb->seq, seq)) {
            break;
        }
    }
    if (!found)
        return false;
    /* Extend backwards: earlier skbs ending exactly where the run starts. */
    for (bool grew = true; grew;) {
        grew = false;
        list_for_each_entry(skb, &ofoq(tp)->head, list)
            if (TCP_SKB_CB(skb)->end_seq == run->start_seq) {
                run->start_seq = TCP_SKB_CB(skb)->seq;
                grew = true;
            }
    }
    return true;
}

void tcp_sack_blocks_update(struct tcp_sock *tp, u32 seq)
{
    struct tcp_sack_block nb[TCP_NUM_SACKS], r;
    unsigned n = 0;

    if (run_of(tp, seq, &r))
        nb[n++] = r;
    for (unsigned i = 0; i < tp->num_sacks && n < TCP_NUM_SACKS; i++) {
        bool dup = false;

        if (!run_of(tp, tp->selective_acks[i].start_seq, &r))
            continue;
        for (unsigned j = 0; j < n; j++)
            dup |= nb[j].start_seq == r.start_seq;
        if (!dup)
            nb[n++] = r;
    }
    memcpy(tp->selective_acks, nb, n * sizeof(nb[0]));
    tp->num_sacks = (u8)n;
}

void tcp_sack_blocks_trim(struct tcp_sock *tp)
{
    unsigned n = 0;

    for (unsigned i = 0; i < tp->num_sacks; i++)
        if (SEQ_GT(tp->selective_acks[i].end_seq, tp->rcv_nxt))
            tp->selective_acks[n++] = tp->selective_acks[i];
    tp->num_sacks = (u8)n;
}

/* ---- hooks (net/tcp_impl.h) ---------------------------------------------------- */

void tcp_ofo_queue(struct sock *sk, struct sk_buff *skb)
{
    bool coalesced;

    if (!tcp_ofo_insert(tcp_sk(sk), skb, tcp_ofo_cap(sk), &coalesced))
        tcp_stats.ofo_queued++;
}

void tcp_ofo_drain(struct sock *sk)
{
    struct sk_buff *skb;

    while ((skb = tcp_ofo_pop_ready(tcp_sk(sk))))
        tcp_queue_rcv(sk, skb);
    tcp_sack_blocks_trim(tcp_sk(sk));
}

void tcp_ofo_purge(struct sock *sk)
{
    tcp_ofo_free_all(tcp_sk(sk), SKB_DROP_REASON_TCP_OFO_CLOSE);
}
