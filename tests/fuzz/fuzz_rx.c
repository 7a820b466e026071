/*
 * libFuzzer target: arbitrary frames into the host-built receive path
 * (netif_receive_skb on a fake eth0, 10.0.0.2/24, gateway 10.0.0.1), with
 * time moving so ARP, reassembly and rate-limit timers run.  Each input is
 * a sequence of records:
 *   u8 advance      fake clock moves advance * 250 ms first (timers, softirqs)
 *   u16 len (LE)    frame length, clipped to what is left
 *   u8 frame[len]   from the Ethernet header on
 * After each input everything expires and the heap must be back to where it
 * was: a leak aborts.  Built and run by `make fuzz` (tests/fuzz/fuzz.mk).
 */
#include <stdlib.h>
#include <string.h>
#include <kernel/mm.h>
#include <kernel/time.h>
#include <net/netdevice.h>
#include "host/fake_netdev.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    net_test_boot();
    return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
    u64 heap = kmem_bytes_in_use();
    struct net_device *eth0 = net_test_eth0();

    while (size >= 3) {
        unsigned len = data[1] | (unsigned)data[2] << 8;

        if (data[0])
            net_test_run(data[0] * 250 * NSEC_PER_MSEC);
        data += 3;
        size -= 3;
        len = len < size ? len : (unsigned)size;
        fake_netdev_rx(eth0, data, len);
        fake_netdev_clear_tx(eth0);
        data += len;
        size -= len;
    }
    net_test_finish(eth0);
    if (kmem_bytes_in_use() != heap)
        abort();
    return 0;
}
