/*
 * Decisions and the release queue of the impairment wire (see impair.h).
 * Portable C, no I/O: tools/wire/wire.c does the sockets.
 */
#include <stdlib.h>
#include <string.h>
#include "impair.h"

/* splitmix64 (Steele, Lea, Flood 2014): small, fast, good enough for test decisions. */
static uint64_t next64(struct impair *im)
{
    uint64_t z = (im->state += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool chance(uint64_t r, uint32_t ppm) { return r % IMPAIR_PPM < ppm; }

void impair_init(struct impair *im, const struct impair_cfg *cfg, uint64_t seed, unsigned stream)
{
    im->cfg = *cfg;
    im->state = seed ^ (0x5851f42d4c957f2dull * (stream + 1));
    im->frames = 0;
}

void impair_decide(struct impair *im, size_t len, struct impair_verdict *v)
{
    /* Always six draws, in this order: replay depends on it. */
    uint64_t r_loss = next64(im), r_dup = next64(im), r_reo = next64(im);
    uint64_t r_cor = next64(im), r_off = next64(im), r_bit = next64(im);

    im->frames++;
    memset(v, 0, sizeof(*v));
    v->corrupt_off = -1;
    v->drop = chance(r_loss, im->cfg.loss_ppm);
    v->copies = chance(r_dup, im->cfg.dup_ppm) ? 2 : 1;
    v->reordered = chance(r_reo, im->cfg.reorder_ppm);
    v->delay_us = im->cfg.delay_us + (v->reordered ? im->cfg.reorder_us : 0);
    if (chance(r_cor, im->cfg.corrupt_ppm) && len > IMPAIR_ETH_HLEN) {
        v->corrupt_off = (long)(IMPAIR_ETH_HLEN + r_off % (len - IMPAIR_ETH_HLEN));
        v->corrupt_mask = (uint8_t)(1u << (r_bit % 8));
    }
}

long impair_parse_rate(const char *s)
{
    char *end;
    double d = strtod(s, &end);

    if (end == s)
        return -1;
    if (*end == '%')
        d /= 100, end++;
    if (*end || d < 0 || d > 1)
        return -1;
    return (long)(d * IMPAIR_PPM + 0.5);
}

/* ---- release queue: a binary min-heap on (due_us, seq) ---- */

static bool before(const struct wire_frame *a, const struct wire_frame *b)
{
    return a->due_us < b->due_us || (a->due_us == b->due_us && a->seq < b->seq);
}

static void swap(struct wire_queue *q, unsigned i, unsigned j)
{
    struct wire_frame *t = q->heap[i];

    q->heap[i] = q->heap[j];
    q->heap[j] = t;
}

void wq_init(struct wire_queue *q)
{
    memset(q, 0, sizeof(*q));
}

bool wq_push(struct wire_queue *q, uint64_t due_us, unsigned dir, const uint8_t *data, size_t len)
{
    struct wire_frame *f;

    if (q->n == WIRE_QUEUE_LEN || !(f = malloc(sizeof(*f) + len))) {
        q->overflow++;
        return false;
    }
    f->due_us = due_us, f->seq = q->next_seq++, f->dir = dir, f->len = len;
    f->data = (uint8_t *)(f + 1);
    memcpy(f->data, data, len);
    unsigned i = q->n++;
    q->heap[i] = f;
    for (; i && before(q->heap[i], q->heap[(i - 1) / 2]); i = (i - 1) / 2)
        swap(q, i, (i - 1) / 2);
    return true;
}

uint64_t wq_next_due(const struct wire_queue *q)
{
    return q->n ? q->heap[0]->due_us : UINT64_MAX;
}

struct wire_frame *wq_pop_due(struct wire_queue *q, uint64_t now_us)
{
    struct wire_frame *top;
    unsigned i = 0;

    if (!q->n || q->heap[0]->due_us > now_us)
        return NULL;
    top = q->heap[0];
    q->heap[0] = q->heap[--q->n];
    for (;;) {
        unsigned l = 2 * i + 1, r = l + 1, m = i;

        if (l < q->n && before(q->heap[l], q->heap[m]))
            m = l;
        if (r < q->n && before(q->heap[r], q->heap[m]))
            m = r;
        if (m == i)
            break;
        swap(q, i, m);
        i = m;
    }
    return top;
}

void wq_free(struct wire_frame *f)
{
    free(f);
}

void wq_destroy(struct wire_queue *q)
{
    while (q->n)
        free(q->heap[--q->n]);
}
