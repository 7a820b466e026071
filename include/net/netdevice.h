/*
 * net_device: what a NIC driver (virtio-net, e1000, loopback, the host tests'
 * fake) gives the stack, and NAPI, the interrupt-mitigated receive path.
 * Owned by net/dev.c (registry, RX dispatch, TX backlog, NET_RX_SOFTIRQ).
 *
 * Driver contract, in order:
 *   dev = alloc_etherdev(sizeof(struct my_priv));      name "eth%d" until registered
 *   fill dev->dev_addr, dev->mtu, dev->needed_headroom, dev->netdev_ops
 *   netif_napi_add(dev, &priv->napi, my_poll);
 *   register_netdev(dev);                               now "eth0", ifindex >= 1
 *   netif_carrier_on(dev) / _off(dev) as the link changes
 * Receive: the IRQ handler masks the device's interrupt and calls
 *   napi_schedule(); my_poll(napi, budget) hands at most `budget` frames to
 *   netif_receive_skb(), and when it did less than budget calls
 *   napi_complete_done(), unmasks, re-checks the ring and napi_schedule()s
 *   again if a frame slipped in (so none waits for the next interrupt).
 * Transmit: ndo_start_xmit() gets a complete Ethernet frame, with at least
 *   dev->needed_headroom bytes of headroom for the NIC's own header.
 *   NETDEV_TX_OK: the driver owns the skb (consume_skb() once sent).
 *   NETDEV_TX_BUSY: ring full, the skb is still the caller's; the driver has
 *   called netif_stop_queue() and calls netif_wake_queue() from its poll
 *   (softirq context) once descriptors are reclaimed; the core queues frames
 *   meanwhile in a bounded backlog and drops beyond it (TXQ_OVERFLOW).
 * The core counts rx/tx packets and bytes; drivers count only their errors
 *   (netdev_count_drop() or kfree_skb_reason() with skb->dev set).
 */
#ifndef NET_NETDEVICE_H
#define NET_NETDEVICE_H

#include <kernel/list.h>
#include <net/skbuff.h>
#include <net/wire/ether.h>

#define IFNAMSIZ        16

/* dev->flags (Linux if.h values). */
#define IFF_UP          0x1     /* administratively up (dev_open) */
#define IFF_BROADCAST   0x2     /* broadcast address valid */
#define IFF_LOOPBACK    0x8     /* lo */
#define IFF_RUNNING     0x40    /* up and carrier on */
#define IFF_NOARP       0x80    /* no neighbour resolution (lo) */

/* Frames waiting while the driver's queue is stopped, per device. */
#define NETDEV_TX_BACKLOG_MAX 256
/* Frames net_rx_action() processes per NET_RX_SOFTIRQ run, and per poll call. */
#define NETDEV_BUDGET   300
#define NAPI_POLL_WEIGHT 64

typedef enum { NETDEV_TX_OK = 0, NETDEV_TX_BUSY = 0x10 } netdev_tx_t;

struct net_device;
struct in_device;

struct net_device_ops {
    /* Bring the hardware up (fill RX ring, enable interrupts); 0 or -errno. */
    int (*ndo_open)(struct net_device *dev);
    /* Quiesce the hardware; pending TX may be dropped. */
    int (*ndo_stop)(struct net_device *dev);
    /* Send one frame; see the contract above.  Called in thread or softirq context. */
    netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
    /*
     * Optional: tell the hardware about frames queued while netdev_xmit_more()
     * was true (ring the doorbell once for the batch).  Linux passes the
     * same hint as skb->xmit_more and drivers ring on the batch's last frame.
     */
    void (*ndo_xmit_flush)(struct net_device *dev);
};

/* Counters; the core owns packets/bytes, drivers add errors. */
struct net_device_stats {
    u64 rx_packets, rx_bytes;           /* frames handed to netif_receive_skb, bytes incl. Ethernet header */
    u64 tx_packets, tx_bytes;           /* frames accepted by ndo_start_xmit */
    u64 rx_errors, tx_errors;           /* hardware-reported errors (drivers) */
    u64 drops[SKB_DROP_REASON_MAX];     /* drops attributed to this device, by reason */
};

/*
 * NAPI context: one per receive queue.  state bit NAPI_STATE_SCHED is set by
 * napi_schedule() (possibly from a hard IRQ) and cleared by
 * napi_complete_done(); while set, the poll runs from NET_RX_SOFTIRQ.
 */
struct napi_struct {
    struct list_head poll_list;         /* on the softirq poll list while scheduled */
    unsigned long state;
    int weight;                         /* max frames per poll call */
    /* Process up to budget frames; return how many.  Softirq context. */
    int (*poll)(struct napi_struct *napi, int budget);
    struct net_device *dev;
};
#define NAPI_STATE_SCHED 0x1

/* net_device.features (Linux's names).  HW_CSUM: the device completes a
 * CHECKSUM_PARTIAL L4 checksum on transmit; without it dev_queue_xmit()
 * finishes it in software.  RXCSUM: the driver reports verified checksums. */
#define NETIF_F_HW_CSUM  (1u << 0)
#define NETIF_F_RXCSUM   (1u << 1)
/* TSO: the device cuts a TCP/IPv4 skb with gso_size set into gso_size-byte
 * segments (headers copied, sequence numbers and IP lengths/IDs advanced,
 * FIN and PSH kept for the last), as Linux's NETIF_F_TSO. */
#define NETIF_F_TSO      (1u << 2)

struct net_device {
    char name[IFNAMSIZ];                /* "eth0", "lo" */
    int ifindex;                        /* >= 1, unique, assigned by register_netdev */
    unsigned flags;                     /* IFF_* */
    bool carrier;                       /* link up (netif_carrier_on/off) */
    bool queue_stopped;                 /* driver's TX ring is full */
    unsigned mtu;                       /* bytes of L3 payload per frame (1500) */
    u32 features;                       /* NETIF_F_*: offloads the driver does */
    unsigned short hard_header_len;     /* link header bytes (ETH_HLEN) */
    unsigned short needed_headroom;     /* bytes the driver pushes before the frame, <= LL_MAX_HEADER - ETH_HLEN */
    u8 dev_addr[ETH_ALEN];              /* our MAC */
    u8 broadcast[ETH_ALEN];             /* ff:ff:ff:ff:ff:ff */
    const struct net_device_ops *netdev_ops;
    struct net_device_stats stats;
    struct sk_buff_head tx_backlog;     /* frames waiting while queue_stopped */
    struct in_device *ip_ptr;           /* IPv4 configuration (net/devinet.c), NULL if none */
    struct list_head dev_list;          /* registry order */
    void *priv;                         /* driver's area, netdev_priv() */
};

static inline void *netdev_priv(const struct net_device *dev) { return dev->priv; }
static inline bool netif_running(const struct net_device *dev) { return dev->flags & IFF_UP; }
static inline bool netif_carrier_ok(const struct net_device *dev) { return dev->carrier; }

/*
 * Allocate a zeroed Ethernet device with `sizeof_priv` bytes of private area
 * (16-byte aligned): MTU 1500, broadcast ff:..:ff, IFF_BROADCAST, name
 * "eth%d".  NULL when out of memory.  free_netdev() releases it (only if
 * never registered, or after unregister_netdev).
 */
struct net_device *alloc_etherdev(unsigned sizeof_priv);
void free_netdev(struct net_device *dev);
/*
 * Name ("eth%d" -> first free ethN), assign the ifindex and add to the
 * registry.  Does not open it (dev_open).  0, or -EEXIST for a taken name.
 */
int register_netdev(struct net_device *dev);
/* Close if up, drop its backlog, notify NETDEV_UNREGISTER, remove from the registry. */
void unregister_netdev(struct net_device *dev);
/* Lookup by name / ifindex; NULL if absent. */
struct net_device *dev_get_by_name(const char *name);
struct net_device *dev_get_by_index(int ifindex);
/* Iterate the registry in registration order. */
struct net_device *dev_first(void);
struct net_device *dev_next(struct net_device *dev);

/* Administrative up: ndo_open, IFF_UP, notifiers (gratuitous ARP).  0 or the driver's -errno. */
int dev_open(struct net_device *dev);
/* Administrative down: ndo_stop, clear IFF_UP/IFF_RUNNING, notifiers. */
void dev_close(struct net_device *dev);
/* Link state from the driver (any non-IRQ context); notifies on change. */
void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);

/*
 * Interface events for upper layers (ARP sends a gratuitous ARP on UP,
 * IPv4 config prints its line).  fn(dev, event) runs in the caller's context.
 */
/*
 * UP/DOWN: IFF_RUNNING changed; INETADDR: an IPv4 address was set
 * (net/devinet.c); UNREGISTER: the device is leaving, release what refers to it.
 */
enum netdev_event { NETDEV_UP, NETDEV_DOWN, NETDEV_INETADDR, NETDEV_UNREGISTER };
struct notifier_block {
    void (*fn)(struct notifier_block *nb, enum netdev_event event, struct net_device *dev);
    struct list_head list;
};
void register_netdevice_notifier(struct notifier_block *nb);
void unregister_netdevice_notifier(struct notifier_block *nb);
/* Tell every notifier about `event` on dev (used by devinet when an address is set). */
void call_netdevice_notifiers(enum netdev_event event, struct net_device *dev);

/* Driver TX flow control; see the contract at the top. */
static inline void netif_stop_queue(struct net_device *dev) { dev->queue_stopped = true; }
static inline bool netif_queue_stopped(const struct net_device *dev) { return dev->queue_stopped; }
/* Clear the stop and send the backlog until it empties or the driver is busy again. */
void netif_wake_queue(struct net_device *dev);

/*
 * Send a complete link-layer frame (skb->data at the Ethernet header,
 * skb->dev set).  Consumes skb in every case.  Returns 0 when the frame was
 * accepted or queued, -ENETDOWN (dropped, DEV_DOWN) or -ENOBUFS (dropped,
 * TXQ_OVERFLOW).
 */
int dev_queue_xmit(struct sk_buff *skb);

/* Count a drop that has no skb (e.g. a ring error) against dev and globally. */
void netdev_count_drop(struct net_device *dev, enum skb_drop_reason reason);

/*
 * A protocol handler for one EtherType (dev_add_pack); func consumes the skb
 * (data at the L3 header, mac header set, pkt_type set) and returns 0 or a
 * negative errno for statistics only.
 */
struct packet_type {
    __be16_t type;                      /* EtherType, network byte order */
    int (*func)(struct sk_buff *skb, struct net_device *dev, struct packet_type *pt);
    struct list_head list;
};
void dev_add_pack(struct packet_type *pt);
void dev_remove_pack(struct packet_type *pt);

/*
 * Deliver one received frame up the stack: skb->data at the Ethernet header,
 * skb->len = frame bytes without FCS, skb->dev set.  Consumes skb.  Call from
 * the NAPI poll (softirq context) only, never from a hard IRQ.  Returns 0, or
 * -EINVAL if it was dropped (the reason is counted).
 */
int netif_receive_skb(struct sk_buff *skb);

/* NAPI; see the contract at the top. */
void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
                    int (*poll)(struct napi_struct *napi, int budget));
/* Mark napi scheduled and raise NET_RX_SOFTIRQ; safe from hard IRQ; no-op if already scheduled. */
void napi_schedule(struct napi_struct *napi);
/*
 * The poll did less than its budget: take napi off the poll list.  Returns
 * true, and the driver must then re-enable its interrupt and re-check.
 */
bool napi_complete_done(struct napi_struct *napi, int work_done);
/* The NET_RX_SOFTIRQ action: poll scheduled NAPIs within NETDEV_BUDGET. */
void net_rx_action(void);

/*
 * Work a protocol gathers over one NAPI batch and does once at its end (the
 * way Linux's GRO makes TCP acknowledge a batch of segments with one ACK):
 * `fn` runs after each poll of net_rx_action(), in softirq context.  At most
 * NET_RX_BATCH_HOOKS hooks; returns -ENOSPC beyond.  netif_in_rx_batch() is
 * true while a poll delivers frames, i.e. while a later flush is certain.
 */
#define NET_RX_BATCH_HOOKS 2

/*
 * Transmit batching: between dev_xmit_batch_begin() and the matching end
 * (they nest), netdev_xmit_more() is true, so drivers with ndo_xmit_flush
 * queue frames without ringing; the outermost end flushes every device
 * that queued any.  TCP brackets tcp_push_pending() and net_rx_action()
 * brackets each NET_RX run.  Thread or softirq context, never hard IRQ.
 */
void dev_xmit_batch_begin(void);
void dev_xmit_batch_end(void);
bool netdev_xmit_more(void);
int netif_register_rx_batch_end(void (*fn)(void));
bool netif_in_rx_batch(void);

#endif
