/*
 * Per-layer cycle accounting: where the CPU's time goes, by layer of the
 * stack, read off the TSC.  Each thread keeps a small stack of the layers it
 * is inside (a syscall, inside it TCP output, inside it IP output, inside it
 * the NIC's transmit); the cycles between two marks are charged to the layer
 * on top, so every cycle lands in exactly one layer ("self" time, as in
 * perf's flat profile) and the layers add up to the elapsed time.
 * Interrupts nest on the interrupted thread's stack; a context switch swaps
 * stacks.
 *
 * Console key 'p' prints the counters since the last 'p' and starts a new
 * interval (tools/bench/profile.py presses it around a benchmark load).
 * Counting is on with the boot parameter prof=on (it costs an RDTSC and an
 * interrupt-flag save/restore per layer crossing); off, a crossing is a
 * load and a branch, and 'p' says how to turn it on.
 */
#ifndef KERNEL_PROF_H
#define KERNEL_PROF_H

#include <kernel/types.h>

enum prof_layer {
    PROF_KERNEL,        /* kernel code no layer claims (boot, kernel threads) */
    PROF_USER,          /* the app in ring 3 */
    PROF_IDLE,          /* halted in the idle loop, waiting for an interrupt */
    PROF_IRQ,           /* hard interrupt handlers */
    PROF_SOFTIRQ,       /* softirq dispatch and timer callbacks */
    PROF_SCHED,         /* schedule(): run queue and context switch */
    PROF_SYSCALL,       /* syscall entry/exit and what no deeper layer claims */
    PROF_SOCK,          /* socket-layer send/recv (sock_sendmsg, sock_recvmsg) */
    PROF_COPY,          /* copies between user memory and socket buffers */
    PROF_TCP_IN,        /* TCP segment arrival (tcp_v4_rcv and below) */
    PROF_TCP_OUT,       /* TCP transmit decisions, segment checksum */
    PROF_UDP,           /* UDP, ICMP and other non-TCP transport input */
    PROF_IP_IN,         /* IPv4 input: validation, reassembly, demux */
    PROF_IP_OUT,        /* IPv4 output: header, fragmentation, ARP */
    PROF_ETH,           /* netif_receive_skb: Ethernet demux, ARP input */
    PROF_NIC_RX,        /* the driver's NAPI poll: rings, buffers, refill */
    PROF_NIC_TX,        /* the driver's transmit: descriptors, notify */
    NR_PROF_LAYERS
};

#define PROF_MAX_DEPTH 12

/* One context's layer stack; zeroed memory is "depth 0, base PROF_KERNEL". */
struct prof_stack {
    u8 base;                    /* enum prof_layer charged when nothing is entered */
    u8 depth;                   /* entered layers; beyond PROF_MAX_DEPTH not recorded */
    u8 layer[PROF_MAX_DEPTH];
};

/* Charge the cycles since the last mark to the current top, then push
 * (enter) or pop (exit).  Pairs nest within one function; any context. */
void prof_enter(enum prof_layer l);
void prof_exit(void);
/* Context switch (interrupts off): charge, then account to `next` from now. */
void prof_switch(struct prof_stack *next);
/* The layer charged outside any entered layer (PROF_USER for app threads). */
void prof_set_base(struct prof_stack *s, enum prof_layer base);

/* Counters of one layer since the last reset (console key 'p'). */
struct prof_counter {
    u64 cycles;                 /* TSC cycles of self time */
    u64 entries;                /* prof_enter() calls */
};
extern struct prof_counter prof_counters[NR_PROF_LAYERS];

#endif
