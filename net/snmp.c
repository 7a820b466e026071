/*
 * /proc/net/snmp: the IPv4, ICMP, TCP and UDP MIB counters in Linux's exact
 * layout (net/ipv4/proc.c: snmp_seq_show_ipstats, icmp_put, icmpmsg_put,
 * snmp_seq_show_tcp_udp; names from RFC 4293, RFC 4022, RFC 4113).  Each
 * protocol is a names line and a values line with the same "Proto:"
 * prefix, so a reader zips them.  Owns the Ip/Icmp/IcmpMsg counters; the
 * Tcp and Udp ones belong to their protocols.  Reads them only.
 */
#include <kernel/compiler.h>
#include <kernel/procfs.h>
#include <net/icmp.h>
#include <net/snmp.h>
#include <net/tcp.h>
#include <net/udp.h>

u64 ip_mib[IPSTATS_MIB_MAX];
u64 icmp_mib[ICMP_MIB_MAX];
u64 icmpmsg_mib[2][256];

static const char *const ip_names[] = {
#define IPSTATS_NAME(e, name) name,
    IPSTATS_MIB_FIELDS(IPSTATS_NAME)
#undef IPSTATS_NAME
};

static void ip_put(struct seq_buf *m)
{
    seq_puts(m, "Ip: Forwarding DefaultTTL");
    for (unsigned i = 0; i < IPSTATS_MIB_MAX; i++)
        seq_printf(m, " %s", ip_names[i]);
    /* Forwarding 2: a host, not a router (RFC 4293 ipForwarding notForwarding). */
    seq_printf(m, "\nIp: 2 %d", IPDEFTTL);
    for (unsigned i = 0; i < IPSTATS_MIB_MAX; i++)
        seq_printf(m, " %llu", (unsigned long long)ip_mib[i]);
}

/* The types Linux's icmp_put() lists, in its order (icmpmibmap[]). */
static const struct { const char *name; u8 type; } icmp_map[] = {
    { "DestUnreachs", ICMP_DEST_UNREACH }, { "TimeExcds", ICMP_TIME_EXCEEDED },
    { "ParmProbs", ICMP_PARAMETERPROB }, { "SrcQuenchs", 4 }, { "Redirects", 5 },
    { "Echos", ICMP_ECHO }, { "EchoReps", ICMP_ECHOREPLY },
    { "Timestamps", ICMP_TIMESTAMP }, { "TimestampReps", ICMP_TIMESTAMPREPLY },
    { "AddrMasks", 17 }, { "AddrMaskReps", 18 },
};

static void icmp_put(struct seq_buf *m)
{
    seq_puts(m, "\nIcmp: InMsgs InErrors InCsumErrors");
    for (unsigned i = 0; i < ARRAY_SIZE(icmp_map); i++)
        seq_printf(m, " In%s", icmp_map[i].name);
    seq_puts(m, " OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost");
    for (unsigned i = 0; i < ARRAY_SIZE(icmp_map); i++)
        seq_printf(m, " Out%s", icmp_map[i].name);
    seq_printf(m, "\nIcmp: %llu %llu %llu", (unsigned long long)icmp_mib[ICMP_MIB_INMSGS],
               (unsigned long long)icmp_mib[ICMP_MIB_INERRORS],
               (unsigned long long)icmp_mib[ICMP_MIB_CSUMERRORS]);
    for (unsigned i = 0; i < ARRAY_SIZE(icmp_map); i++)
        seq_printf(m, " %llu", (unsigned long long)icmpmsg_mib[0][icmp_map[i].type]);
    for (unsigned i = ICMP_MIB_OUTMSGS; i < ICMP_MIB_MAX; i++)
        seq_printf(m, " %llu", (unsigned long long)icmp_mib[i]);
    for (unsigned i = 0; i < ARRAY_SIZE(icmp_map); i++)
        seq_printf(m, " %llu", (unsigned long long)icmpmsg_mib[1][icmp_map[i].type]);
}

/* Linux's icmpmsg_put(): nonzero types only, In before Out, 16 per line pair. */
#define ICMPMSG_PERLINE 16
static void icmpmsg_put_line(struct seq_buf *m, const unsigned *idx, unsigned n)
{
    if (!n)
        return;
    seq_puts(m, "\nIcmpMsg:");
    for (unsigned j = 0; j < n; j++)
        seq_printf(m, " %sType%u", idx[j] & 0x100 ? "Out" : "In", idx[j] & 0xff);
    seq_puts(m, "\nIcmpMsg:");
    for (unsigned j = 0; j < n; j++)
        seq_printf(m, " %llu", (unsigned long long)icmpmsg_mib[idx[j] >> 8][idx[j] & 0xff]);
}

static void icmpmsg_put(struct seq_buf *m)
{
    unsigned idx[ICMPMSG_PERLINE], n = 0;

    for (unsigned i = 0; i < 512; i++) {
        if (icmpmsg_mib[i >> 8][i & 0xff])
            idx[n++] = i;
        if (n == ICMPMSG_PERLINE) {
            icmpmsg_put_line(m, idx, n);
            n = 0;
        }
    }
    icmpmsg_put_line(m, idx, n);
}

static void tcp_put(struct seq_buf *m)
{
    const struct tcp_mib *t = &tcp_stats;
    const u64 v[] = { t->active_opens, t->passive_opens, t->attempt_fails, t->estab_resets,
                      t->curr_estab, t->in_segs, t->out_segs, t->retrans_segs, t->in_errs,
                      t->out_rsts, t->in_csum_errors };

    seq_puts(m, "\nTcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens "
                "AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs "
                "OutRsts InCsumErrors");
    /* RtoAlgorithm 1: "other" (RFC 6298 is not in RFC 4022's list); ms; MaxConn -1: dynamic. */
    seq_printf(m, "\nTcp: 1 %llu %llu -1", (unsigned long long)(TCP_RTO_MIN / 1000000),
               (unsigned long long)(TCP_RTO_MAX / 1000000));
    for (unsigned i = 0; i < ARRAY_SIZE(v); i++)
        seq_printf(m, " %llu", (unsigned long long)v[i]);
}

/* Udp and UdpLite share the names; we have no UDP-Lite, so its values are 0. */
static void udp_put(struct seq_buf *m, const char *proto, const struct udp_mib *u)
{
    const u64 v[] = { u->in_datagrams, u->no_ports, u->in_errors, u->out_datagrams,
                      u->rcvbuf_errors, u->sndbuf_errors, u->in_csum_errors,
                      0 /* IgnoredMulti: no multicast */, 0 /* MemErrors */ };

    seq_printf(m, "\n%s: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors "
                  "SndbufErrors InCsumErrors IgnoredMulti MemErrors\n%s:", proto, proto);
    for (unsigned i = 0; i < ARRAY_SIZE(v); i++)
        seq_printf(m, " %llu", (unsigned long long)v[i]);
}

int snmp_seq_show(struct seq_buf *m)
{
    static const struct udp_mib udplite;

    ip_put(m);
    icmp_put(m);
    icmpmsg_put(m);
    tcp_put(m);
    udp_put(m, "Udp", &udp_stats);
    udp_put(m, "UdpLite", &udplite);
    seq_puts(m, "\n");
    return 0;
}
