/*
 * sk_buff: one packet in one contiguous buffer (Linux's shape, no frags, no
 * clones).  The buffer is [head, end); the packet is [data, tail), len bytes.
 * Headroom [head, data) lets each layer below prepend its header with
 * skb_push() without copying; skb_pull() strips a header on receive.
 *
 *    head        data              tail          end
 *     |<-headroom->|<----- len ------>|<-tailroom->|
 *
 * Ownership: whoever holds the pointer owns one reference (users); passing an
 * skb to a function that "consumes" it hands that reference over.  Freed with
 * consume_skb() (normal end of life) or kfree_skb_reason() (a drop, which
 * bumps the named counter for that reason, globally and on skb->dev).
 *
 * Concurrency: none needed.  Stack code runs in softirq or thread context of a
 * non-preemptive uniprocessor kernel; hard IRQs never touch an sk_buff.
 */
#ifndef NET_SKBUFF_H
#define NET_SKBUFF_H

#include <kernel/list.h>
#include <net/drop_reason.h>

struct net_device;
struct sock;

/*
 * Headroom every RX buffer gets (netdev_alloc_skb), so that a received
 * packet can be turned around or looped back with pushes alone.
 */
#define NET_SKB_PAD     64
/* Link-layer headroom: Ethernet (14) + a NIC header such as virtio_net_hdr (12), rounded. */
#define LL_MAX_HEADER   32
/* Headroom a transmitting protocol reserves: link + IPv4 (max 60) + TCP (max 60), rounded. */
#define MAX_HEADER      (LL_MAX_HEADER + 128)

/* skb->pkt_type: how the link layer addressed the frame (Linux if_packet.h values). */
enum {
    PACKET_HOST = 0,        /* to our MAC */
    PACKET_BROADCAST = 1,   /* to ff:ff:ff:ff:ff:ff */
    PACKET_MULTICAST = 2,   /* to a group MAC */
    PACKET_OTHERHOST = 3,   /* to someone else (promiscuous) */
    PACKET_OUTGOING = 4,    /* ours, being sent */
    PACKET_LOOPBACK = 5,    /* looped back by lo */
};

#define SKB_HEADER_UNSET 0xffffu

struct sk_buff {
    struct list_head list;          /* on one sk_buff_head at a time */
    struct net_device *dev;         /* RX: arrival device; TX: chosen output device */
    struct sock *sk;                /* owning socket (TX accounting), NULL for the stack's own */
    void (*destructor)(struct sk_buff *skb); /* run at free, e.g. to return sndbuf space */
    u8 *head, *data, *tail, *end;   /* see the picture above */
    u32 len;                        /* bytes in [data, tail) */
    u32 truesize;                   /* bytes charged: struct + buffer, for buffer limits */
    u32 users;                      /* references; freed when it drops to 0 */
    u64 tstamp;                     /* RX: ktime_get_ns() at netif_receive_skb; else 0 */
    __be16_t protocol;              /* EtherType, network byte order (ETH_P_IP, ...) */
    u16 mac_header;                 /* offsets from head; SKB_HEADER_UNSET when not set */
    u16 network_header;
    u16 transport_header;
    u8 pkt_type;                    /* PACKET_* */
    u8 ip_summed;                   /* CHECKSUM_*: what is known about the L4 checksum */
    u16 csum_start;                 /* CHECKSUM_PARTIAL: offset from head where summing starts */
    u16 csum_offset;                /* CHECKSUM_PARTIAL: bytes from csum_start to the field */
    u16 gso_size;                   /* TSO: payload bytes per wire segment; 0 = send as is */
    u16 gso_segs;                   /* TSO: wire segments the device will cut it into */
    /*
     * Per-layer scratch: each layer owns it while it holds the skb and
     * overlays its own struct (struct inet_skb_parm, struct tcp_skb_cb ...),
     * checked with SKB_CB_CHECK().  Contents are undefined on entry to a layer.
     */
    u8 cb[48] __aligned(8);
};

/*
 * skb->ip_summed, with Linux's meanings (include/linux/skbuff.h):
 * RX: NONE, verify it yourself; UNNECESSARY, the device verified it;
 * PARTIAL, it came from a sender on this host that left the sum to
 * hardware (virtio's NEEDS_CSUM), so there is nothing to verify.
 * TX: PARTIAL, the L4 checksum field holds the folded pseudo-header sum
 * and the device (or skb_checksum_help()) sums [csum_start, end) into it.
 */
#define CHECKSUM_NONE           0
#define CHECKSUM_UNNECESSARY    1
#define CHECKSUM_PARTIAL        3

/* RX: true when the L4 checksum needs no software check (Linux's skb_csum_unnecessary). */
static inline bool skb_csum_unnecessary(const struct sk_buff *skb)
{
    return skb->ip_summed == CHECKSUM_UNNECESSARY || skb->ip_summed == CHECKSUM_PARTIAL;
}

/*
 * TX: finish a CHECKSUM_PARTIAL skb in software (RFC 1071 over [csum_start,
 * tail) starting from the pseudo-header sum already in the field), for a
 * device without NETIF_F_HW_CSUM.  Leaves ip_summed CHECKSUM_NONE.
 */
void skb_checksum_help(struct sk_buff *skb);

#define SKB_CB_CHECK(type) _Static_assert(sizeof(type) <= sizeof(((struct sk_buff *)0)->cb), \
                                          #type " does not fit in skb->cb")

/* A FIFO of sk_buffs; qlen counts them.  The owner serialises access. */
struct sk_buff_head {
    struct list_head head;
    u32 qlen;
};

/*
 * Allocate an skb with a buffer of at least `size` bytes, all of it tailroom
 * (data == tail == head, len 0).  Returns NULL when out of memory.
 */
struct sk_buff *alloc_skb(unsigned size);
/*
 * RX allocation for drivers: alloc_skb(NET_SKB_PAD + size) with NET_SKB_PAD
 * reserved and skb->dev = dev.  NULL when out of memory (the driver counts
 * SKB_DROP_REASON_NOMEM with netdev_count_drop()).
 */
struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned size);
/* Take another reference; returns skb. */
struct sk_buff *skb_get(struct sk_buff *skb);
/* Drop a reference after normal use (no counter).  NULL is a no-op. */
void consume_skb(struct sk_buff *skb);
/*
 * Drop a reference because the packet is discarded: bumps
 * skb_drop_counts[reason] and, when skb->dev is set, that device's counter.
 * Counted once per call, even if other references keep the buffer alive.
 */
void kfree_skb_reason(struct sk_buff *skb, enum skb_drop_reason reason);
static inline void kfree_skb(struct sk_buff *skb)
{
    kfree_skb_reason(skb, SKB_DROP_REASON_NOT_SPECIFIED);
}

static inline unsigned skb_headroom(const struct sk_buff *skb) { return (unsigned)(skb->data - skb->head); }
static inline unsigned skb_tailroom(const struct sk_buff *skb) { return (unsigned)(skb->end - skb->tail); }
static inline u8 *skb_tail_pointer(const struct sk_buff *skb) { return skb->tail; }

/* Empty buffer only: move data and tail forward by len bytes of headroom. */
static inline void skb_reserve(struct sk_buff *skb, unsigned len)
{
    skb->data += len;
    skb->tail += len;
}

/*
 * Buffer edits.  Each checks its bounds and panics on a violation: that is a
 * stack bug, never a property of received data (parsers check
 * pskb_may_pull() first).
 */
/* Append len bytes at the tail; returns a pointer to them. */
u8 *skb_put(struct sk_buff *skb, unsigned len);
/* skb_put() and copy `len` bytes from src into the new space. */
u8 *skb_put_data(struct sk_buff *skb, const void *src, unsigned len);
/* Prepend len bytes of headroom (a lower layer adds its header); returns the new data. */
u8 *skb_push(struct sk_buff *skb, unsigned len);
/* Strip len bytes from the front; returns the new data, or NULL if len > skb->len. */
u8 *skb_pull(struct sk_buff *skb, unsigned len);
/* Cut the packet to len bytes (no-op if already shorter), e.g. to drop Ethernet padding. */
void skb_trim(struct sk_buff *skb, unsigned len);

/* True when at least len bytes of packet follow data (the bound every parser checks). */
static inline bool pskb_may_pull(const struct sk_buff *skb, unsigned len) { return len <= skb->len; }

static inline void skb_reset_mac_header(struct sk_buff *skb) { skb->mac_header = (u16)(skb->data - skb->head); }
static inline void skb_reset_network_header(struct sk_buff *skb) { skb->network_header = (u16)(skb->data - skb->head); }
static inline void skb_reset_transport_header(struct sk_buff *skb) { skb->transport_header = (u16)(skb->data - skb->head); }
static inline u8 *skb_mac_header(const struct sk_buff *skb) { return skb->head + skb->mac_header; }
static inline u8 *skb_network_header(const struct sk_buff *skb) { return skb->head + skb->network_header; }
static inline u8 *skb_transport_header(const struct sk_buff *skb) { return skb->head + skb->transport_header; }
/* Bytes from the network header to data (e.g. the IP header length once pulled). */
static inline unsigned skb_network_offset(const struct sk_buff *skb) { return (unsigned)(skb->data - skb_network_header(skb)); }

/* Queues (FIFO).  Callers serialise; see the concurrency note at the top. */
static inline void skb_queue_head_init(struct sk_buff_head *q) { INIT_LIST_HEAD(&q->head); q->qlen = 0; }
static inline bool skb_queue_empty(const struct sk_buff_head *q) { return q->qlen == 0; }
static inline u32 skb_queue_len(const struct sk_buff_head *q) { return q->qlen; }
/* Append skb (the queue takes the caller's reference). */
void skb_queue_tail(struct sk_buff_head *q, struct sk_buff *skb);
/* Put skb back at the front (e.g. a frame the NIC refused). */
void skb_queue_head(struct sk_buff_head *q, struct sk_buff *skb);
/* Remove and return the first skb (the caller now owns it), NULL when empty. */
struct sk_buff *skb_dequeue(struct sk_buff_head *q);
/* Unlink skb from q (it must be on q). */
void skb_unlink(struct sk_buff *skb, struct sk_buff_head *q);
/* Free every queued skb as a drop with `reason`. */
void skb_queue_purge_reason(struct sk_buff_head *q, enum skb_drop_reason reason);
#define skb_queue_walk_safe(q, skb, tmp) list_for_each_entry_safe(skb, tmp, &(q)->head, list)

#endif
