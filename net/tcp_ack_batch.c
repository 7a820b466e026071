/*
 * TCP's ACKs coalesced over one NAPI batch.  Layer: inside TCP, below the
 * input path (tcp_output_after_input) and hooked to the end of each NAPI
 * poll (net/dev.c netif_register_rx_batch_end).
 *
 * RFC 5681 §4.2 asks for an ACK at least every second full-sized segment.
 * Linux keeps that rule per skb, but GRO hands TCP one skb for a whole
 * batch of in-order segments, so on a busy link it sends one ACK per batch
 * (a "stretch ACK", which its senders count by bytes).  We have no GRO, so
 * we coalesce the same ACKs directly: a socket owed such an ACK while a
 * poll delivers frames is remembered here (with a reference) and sent one
 * ACK when the poll ends, or none if data going out carried it meanwhile.
 * ACKs that must go at once (out of order, a duplicate, a hole filled, a
 * FIN) never wait here.  Each ACK costs a transmit and a doorbell write
 * that under QEMU is the dearest instruction the stack executes.
 */
#include <kernel/compiler.h>
#include <net/netdevice.h>
#include "tcp_impl.h"

#define TCP_ACK_BATCH_MAX 32            /* sockets per batch; more ACK at once */

static struct sock *batch[TCP_ACK_BATCH_MAX];
static unsigned nbatch;

/* Remember sk until the batch ends; false (send now) outside a NAPI poll or when full. */
bool tcp_ack_batch_add(struct sock *sk)
{
    for (unsigned i = 0; i < nbatch; i++)
        if (batch[i] == sk)
            return true;
    if (!netif_in_rx_batch() || nbatch == TCP_ACK_BATCH_MAX)
        return false;
    sock_hold(sk);
    batch[nbatch++] = sk;
    return true;
}

/* The poll ended: one ACK for each socket still owing one. */
static void tcp_ack_batch_flush(void)
{
    while (nbatch) {
        struct sock *sk = batch[--nbatch];

        if (inet_csk(sk)->icsk_ack.pending & ICSK_ACK_BATCH)
            tcp_send_ack(sk);
        sock_put(sk);
    }
}

void tcp_ack_batch_init(void)
{
    netif_register_rx_batch_end(tcp_ack_batch_flush);
}
