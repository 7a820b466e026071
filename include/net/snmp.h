/*
 * The IPv4 and ICMP MIB counters (RFC 4293 ipSystemStats, RFC 4293's
 * icmpStats and icmpMsgStats), named and ordered as Linux prints them in
 * /proc/net/snmp ("Ip:", "Icmp:", "IcmpMsg:" lines).  The UDP and TCP MIBs
 * live with their protocols (struct udp_mib in <net/udp.h>, struct tcp_mib
 * in <net/tcp.h>); net/snmp.c prints all of them.
 *
 * Counters since boot, bumped where Linux bumps them; the kernel is a
 * non-preemptive uniprocessor, so a plain increment is atomic enough.
 */
#ifndef NET_SNMP_H
#define NET_SNMP_H

#include <kernel/types.h>

struct seq_buf;

/* X(enum suffix, /proc/net/snmp name), in Linux's snmp4_ipstats_list order. */
#define IPSTATS_MIB_FIELDS(X)                                                       \
    X(INPKTS, "InReceives")             /* every datagram from an interface */     \
    X(INHDRERRORS, "InHdrErrors")       /* bad version, IHL, length, checksum, options */ \
    X(INADDRERRORS, "InAddrErrors")     /* destination not ours (we do not forward) */ \
    X(OUTFORWDATAGRAMS, "ForwDatagrams")                                           \
    X(INUNKNOWNPROTOS, "InUnknownProtos")                                          \
    X(INDISCARDS, "InDiscards")                                                    \
    X(INDELIVERS, "InDelivers")         /* handed to a transport (or raw socket) */ \
    X(OUTREQUESTS, "OutRequests")       /* datagrams our transports gave IP */     \
    X(OUTDISCARDS, "OutDiscards")                                                  \
    X(OUTNOROUTES, "OutNoRoutes")                                                  \
    X(REASMTIMEOUT, "ReasmTimeout")                                                \
    X(REASMREQDS, "ReasmReqds")         /* fragments received */                   \
    X(REASMOKS, "ReasmOKs")                                                        \
    X(REASMFAILS, "ReasmFails")                                                    \
    X(FRAGOKS, "FragOKs")               /* datagrams fragmented */                 \
    X(FRAGFAILS, "FragFails")           /* DF set (or no memory): not sent */      \
    X(FRAGCREATES, "FragCreates")                                                  \
    X(OUTPKTS, "OutTransmits")          /* packets (fragments too) handed to ARP */

enum {
#define IPSTATS_ENUM(e, name) IPSTATS_MIB_##e,
    IPSTATS_MIB_FIELDS(IPSTATS_ENUM)
#undef IPSTATS_ENUM
    IPSTATS_MIB_MAX
};

/* Linux's icmp_mib, the counters not split by type. */
enum {
    ICMP_MIB_INMSGS,                    /* every ICMP message received, errors included */
    ICMP_MIB_INERRORS,                  /* truncated, bad checksum, bad inner header */
    ICMP_MIB_CSUMERRORS,                /* bad checksum (also in InErrors) */
    ICMP_MIB_OUTMSGS,                   /* every ICMP message sent */
    ICMP_MIB_OUTERRORS,                 /* could not be sent (no route, no memory) */
    ICMP_MIB_RATELIMITGLOBAL,           /* errors the global token bucket suppressed */
    ICMP_MIB_RATELIMITHOST,             /* per-host limit: we have none, stays 0 */
    ICMP_MIB_MAX
};

extern u64 ip_mib[IPSTATS_MIB_MAX];
extern u64 icmp_mib[ICMP_MIB_MAX];
/* Per ICMP type: [0][type] received (after the checksum check), [1][type] sent. */
extern u64 icmpmsg_mib[2][256];

#define IP_INC_STATS(field)         (ip_mib[IPSTATS_MIB_##field]++)
#define IP_ADD_STATS(field, n)      (ip_mib[IPSTATS_MIB_##field] += (n))
#define ICMP_INC_STATS(field)       (icmp_mib[ICMP_MIB_##field]++)
#define ICMPMSGIN_INC_STATS(type)   (icmpmsg_mib[0][(u8)(type)]++)
#define ICMPMSGOUT_INC_STATS(type)  (icmpmsg_mib[1][(u8)(type)]++)

/*
 * Print /proc/net/snmp into m: Ip, Icmp, IcmpMsg (only when some type was
 * counted, as Linux), Tcp, Udp, UdpLite, each as a names line then a
 * values line with the same "Proto:" prefix.  Returns 0.
 */
int snmp_seq_show(struct seq_buf *m);

#endif
