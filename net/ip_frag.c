/*
 * IPv4 reassembly (RFC 791 §3.2 "reassembly", RFC 815 hole filling kept as
 * a sorted list).  Layer: inside IPv4 input, between ip_rcv and
 * ip_local_deliver.  Owns the reassembly queues, keyed by (src, dst, id,
 * protocol), each with a IPFRAG_TIMEOUT_NS timer; memory is charged by
 * truesize against IPFRAG_DGRAM_MEM per datagram and IPFRAG_MEM_MAX in all.
 * Overlaps drop the whole datagram (RFC 5722 §4 as Linux applies it to
 * IPv4); an exact duplicate is dropped alone.
 */
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <net/checksum.h>
#include <net/icmp.h>
#include <net/snmp.h>
#include "ip_impl.h"

struct ipq {
    struct list_head list;
    __be32_t saddr, daddr;
    __be16_t id;
    u8 protocol;
    bool last_in;                   /* the MF=0 fragment arrived: len is final */
    u32 len;                        /* payload bytes: end of the farthest fragment */
    u32 meat;                       /* payload bytes received (no overlaps, so a sum) */
    u32 mem;                        /* bytes charged: this struct + fragments' truesize */
    struct sk_buff_head frags;      /* sorted by offset */
    struct timer_list timer;
};

/* Per-fragment state; IPCB stays first so the delivered datagram keeps it. */
struct ipfrag_skb_cb {
    struct inet_skb_parm h;
    u32 offset, end;                /* payload bytes [offset, end) of the datagram */
};
SKB_CB_CHECK(struct ipfrag_skb_cb);
#define FRAG_CB(skb) ((struct ipfrag_skb_cb *)(skb)->cb)

static LIST_HEAD(ipq_list);
static unsigned frag_mem, nr_queues;

unsigned ip_frag_mem(void) { return frag_mem; }
unsigned ip_frag_queues(void) { return nr_queues; }

/* Free q and its fragments: dropped for `reason`, or consumed if NOT_DROPPED_YET (reassembled). */
static void ipq_kill(struct ipq *q, enum skb_drop_reason reason)
{
    struct sk_buff *skb;

    del_timer(&q->timer);
    while ((skb = skb_dequeue(&q->frags))) {
        if (reason)
            kfree_skb_reason(skb, reason);
        else
            consume_skb(skb);
    }
    list_del(&q->list);
    frag_mem -= q->mem;
    nr_queues--;
    kfree(q);
}

/* RFC 792: time exceeded (reassembly) if we hold the first fragment, which names the datagram. */
static void ipq_expire(struct timer_list *t)
{
    struct ipq *q = container_of(t, struct ipq, timer);
    struct sk_buff *first = skb_queue_empty(&q->frags) ? NULL :
                            list_first_entry(&q->frags.head, struct sk_buff, list);

    IP_INC_STATS(REASMTIMEOUT);
    IP_INC_STATS(REASMFAILS);
    if (first && FRAG_CB(first)->offset == 0)
        icmp_send(first, ICMP_TIME_EXCEEDED, ICMP_EXC_FRAGTIME, 0);
    ipq_kill(q, SKB_DROP_REASON_IP_FRAG_TIMEOUT);
}

static struct ipq *ipq_find(const struct iphdr *iph)
{
    struct ipq *q;

    list_for_each_entry(q, &ipq_list, list)
        if (q->id == iph->id && q->saddr == iph->saddr && q->daddr == iph->daddr &&
            q->protocol == iph->protocol)
            return q;
    return NULL;
}

static struct ipq *ipq_create(const struct iphdr *iph)
{
    struct ipq *q;

    if (frag_mem + sizeof(*q) > IPFRAG_MEM_MAX || !(q = kzalloc(sizeof(*q))))
        return NULL;
    q->saddr = iph->saddr;
    q->daddr = iph->daddr;
    q->id = iph->id;
    q->protocol = iph->protocol;
    q->mem = sizeof(*q);
    frag_mem += q->mem;
    nr_queues++;
    skb_queue_head_init(&q->frags);
    timer_setup(&q->timer, ipq_expire);
    mod_timer(&q->timer, ktime_get_ns() + IPFRAG_TIMEOUT_NS);
    list_add(&q->list, &ipq_list);
    return q;
}

/* Copy the datagram out of its fragments into one new skb (the first fragment's header). */
static struct sk_buff *ipq_reasm(struct ipq *q)
{
    struct sk_buff *first = list_first_entry(&q->frags.head, struct sk_buff, list);
    struct sk_buff *skb, *f, *tmp;
    unsigned hlen = iph_hlen(ip_hdr(first));
    struct iphdr *iph;

    skb = alloc_skb(NET_SKB_PAD + hlen + q->len);
    if (!skb)
        return NULL;
    skb_reserve(skb, NET_SKB_PAD);
    skb->dev = first->dev;
    skb->pkt_type = first->pkt_type;
    skb->protocol = first->protocol;
    skb->tstamp = first->tstamp;
    memcpy(skb->cb, first->cb, sizeof(struct inet_skb_parm));
    skb_reset_network_header(skb);
    iph = (struct iphdr *)skb_put_data(skb, ip_hdr(first), hlen);
    skb_queue_walk_safe(&q->frags, f, tmp)
        skb_put_data(skb, skb_network_header(f) + iph_hlen(ip_hdr(f)),
                     FRAG_CB(f)->end - FRAG_CB(f)->offset);
    iph->tot_len = htons((u16)(hlen + q->len));
    iph->frag_off = 0;
    iph->check = 0;
    iph->check = ip_compute_csum(iph, hlen);
    return skb;
}

/*
 * Where skb goes in the sorted list: returns the fragment to insert before
 * (NULL: at the tail), or sets *reason for an overlap or a duplicate.
 */
static struct sk_buff *ipq_find_slot(struct ipq *q, u32 offset, u32 end,
                                     enum skb_drop_reason *reason)
{
    struct sk_buff *f, *tmp;

    skb_queue_walk_safe(&q->frags, f, tmp) {
        if (FRAG_CB(f)->offset == offset && FRAG_CB(f)->end == end) {
            *reason = SKB_DROP_REASON_IP_FRAG_DUP;
            return NULL;
        }
        if (offset < FRAG_CB(f)->end && end > FRAG_CB(f)->offset) {
            *reason = SKB_DROP_REASON_IP_FRAG_OVERLAP;
            return NULL;
        }
        if (FRAG_CB(f)->offset > offset)
            return f;
    }
    return NULL;
}

/* Check skb's extent against what q knows of the datagram's length (Linux ip_frag_queue). */
static enum skb_drop_reason ipq_check_extent(struct ipq *q, u32 end, bool more)
{
    if (!more) {
        if (end < q->len || (q->last_in && end != q->len))
            return SKB_DROP_REASON_IP_FRAG_BAD;
        q->last_in = true;
        q->len = end;
    } else if (end > q->len) {
        if (q->last_in)
            return SKB_DROP_REASON_IP_FRAG_BAD;
        q->len = end;
    }
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* Insert skb into q; NOT_DROPPED_YET, or a reason for which the whole of q must go. */
static enum skb_drop_reason ipq_insert(struct ipq *q, struct sk_buff *skb, bool *dup)
{
    enum skb_drop_reason reason = SKB_DROP_REASON_NOT_DROPPED_YET;
    u32 offset = FRAG_CB(skb)->offset, end = FRAG_CB(skb)->end;
    struct sk_buff *next;

    if (q->mem + skb->truesize > IPFRAG_DGRAM_MEM)
        return SKB_DROP_REASON_IP_FRAG_MEMLIMIT;
    next = ipq_find_slot(q, offset, end, &reason);
    if (reason == SKB_DROP_REASON_IP_FRAG_DUP)
        *dup = true;
    if (reason)
        return reason;
    reason = ipq_check_extent(q, end, ntohs(ip_hdr(skb)->frag_off) & IP_MF);
    if (reason)
        return reason;
    if (next)
        list_add_tail(&skb->list, &next->list);     /* i.e. just before next */
    else
        list_add_tail(&skb->list, &q->frags.head);
    q->frags.qlen++;
    q->meat += end - offset;
    q->mem += skb->truesize;
    frag_mem += skb->truesize;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

/* Offsets of a fragment; a reason if it can never be part of a valid datagram. */
static enum skb_drop_reason ip_frag_extent(struct sk_buff *skb)
{
    const struct iphdr *iph = ip_hdr(skb);
    u16 frag = ntohs(iph->frag_off);
    u32 offset = (u32)(frag & IP_OFFSET) << 3;
    u32 end = offset + skb->len - iph_hlen(iph);

    if (frag & IP_MF)
        end &= ~7u;     /* non-last fragments carry multiples of 8 bytes; Linux trims */
    if (end <= offset)
        return SKB_DROP_REASON_IP_FRAG_BAD;
    if (end + iph_hlen(iph) > IP_MAXPACKET)
        return SKB_DROP_REASON_IP_FRAG_TOO_BIG;
    FRAG_CB(skb)->offset = offset;
    FRAG_CB(skb)->end = end;
    return SKB_DROP_REASON_NOT_DROPPED_YET;
}

struct sk_buff *ip_defrag(struct sk_buff *skb)
{
    enum skb_drop_reason reason = ip_frag_extent(skb);
    struct sk_buff *whole;
    bool dup = false;
    struct ipq *q;

    if (reason)
        goto drop;
    reason = SKB_DROP_REASON_IP_FRAG_MEMLIMIT;
    q = ipq_find(ip_hdr(skb));
    /* The cap covers the fragment and, for a new datagram, its queue too. */
    if (frag_mem + skb->truesize + (q ? 0 : sizeof(*q)) > IPFRAG_MEM_MAX)
        goto drop;
    if (!q && !(q = ipq_create(ip_hdr(skb))))
        goto drop;
    reason = ipq_insert(q, skb, &dup);
    if (reason && !dup)
        ipq_kill(q, reason);
    if (reason)
        goto drop;
    if (!q->last_in || q->meat != q->len)
        return NULL;
    whole = ipq_reasm(q);
    ipq_kill(q, whole ? SKB_DROP_REASON_NOT_DROPPED_YET : SKB_DROP_REASON_NOMEM);
    if (whole)
        IP_INC_STATS(REASMOKS);
    else
        IP_INC_STATS(REASMFAILS);
    return whole;
drop:
    if (!dup)                   /* a duplicate fails nothing: the datagram is still coming */
        IP_INC_STATS(REASMFAILS);
    kfree_skb_reason(skb, reason);
    return NULL;
}

void ip_frag_flush_dev(struct net_device *dev)
{
    struct ipq *q, *tmp;
    struct sk_buff *f, *ftmp;

    list_for_each_entry_safe(q, tmp, &ipq_list, list) {
        skb_queue_walk_safe(&q->frags, f, ftmp) {
            if (f->dev == dev) {
                ipq_kill(q, SKB_DROP_REASON_DEV_DOWN);
                break;
            }
        }
    }
}
