/*
 * The wire's decisions, apart from its I/O so they are unit-tested on the
 * host (tests/unit/test_wire.c): for each frame, from a seeded PRNG, drop
 * it, duplicate it, hold it back (reorder), delay it, flip one bit.
 *
 * Replay: each direction has its own PRNG stream, and every frame draws the
 * same number of values whatever is decided, so frame N of a direction gets
 * the same verdict in every run with the same seed.  (Which frames exist
 * still depends on both stacks' timing; the trace file shows the sequence.)
 */
#ifndef WIRE_IMPAIR_H
#define WIRE_IMPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMPAIR_PPM 1000000u         /* rates are parts per million */
#define IMPAIR_ETH_HLEN 14          /* corruption starts after the Ethernet header */

struct impair_cfg {
    uint32_t loss_ppm, dup_ppm, reorder_ppm, corrupt_ppm;
    uint32_t delay_us;              /* every frame */
    uint32_t reorder_us;            /* extra hold for a reordered frame: later ones overtake it */
};

struct impair {
    struct impair_cfg cfg;
    uint64_t state;                 /* splitmix64 */
    uint64_t frames;                /* frames decided so far */
};

struct impair_verdict {
    bool drop;
    unsigned copies;                /* 1, or 2 for a duplicate */
    uint32_t delay_us;              /* before the (first) copy leaves */
    bool reordered;
    long corrupt_off;               /* byte to flip a bit in, -1: none */
    uint8_t corrupt_mask;           /* the bit */
};

/* Seed a stream; `stream` separates directions (0: to the tap, 1: to QEMU). */
void impair_init(struct impair *im, const struct impair_cfg *cfg, uint64_t seed, unsigned stream);
/* The verdict for the next frame of len bytes. */
void impair_decide(struct impair *im, size_t len, struct impair_verdict *v);
/* "0.05" or "5%" -> ppm; -1 if malformed or outside [0, 1]. */
long impair_parse_rate(const char *s);

/*
 * Frames waiting to leave, ordered by release time (then arrival order), so
 * delayed and held-back frames go out when due.  A fixed-size pool: when it
 * is full the frame is dropped (counted) rather than blocking the wire.
 */
#define WIRE_MAX_FRAME  65536
#define WIRE_QUEUE_LEN  4096

struct wire_frame {
    uint64_t due_us;
    uint64_t seq;                   /* arrival order, ties broken by it */
    unsigned dir;
    size_t len;
    uint8_t *data;
};

struct wire_queue {
    struct wire_frame *heap[WIRE_QUEUE_LEN];
    unsigned n;
    uint64_t next_seq;
    uint64_t overflow;              /* frames refused because the queue was full */
};

void wq_init(struct wire_queue *q);
/* Copy a frame in; false (and overflow counted) when full or out of memory. */
bool wq_push(struct wire_queue *q, uint64_t due_us, unsigned dir, const uint8_t *data, size_t len);
/* Earliest due time, UINT64_MAX when empty. */
uint64_t wq_next_due(const struct wire_queue *q);
/* Remove and return the earliest frame if due at now_us (caller frees it with wq_free), else NULL. */
struct wire_frame *wq_pop_due(struct wire_queue *q, uint64_t now_us);
void wq_free(struct wire_frame *f);
void wq_destroy(struct wire_queue *q);

#endif
