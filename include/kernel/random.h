/*
 * Randomness: a ChaCha20 CSPRNG (RFC 8439 block function) with fast key
 * erasure, seeded once from RDSEED/RDRAND where CPUID reports them and from
 * TSC jitter.  Users: getrandom(2), the loader's AT_RANDOM, TCP initial
 * sequence numbers and ephemeral ports.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <kernel/types.h>

#define CHACHA20_KEY_SIZE   32          /* bytes */
#define CHACHA20_NONCE_SIZE 12          /* bytes (RFC 8439's 96-bit nonce) */
#define CHACHA20_BLOCK_SIZE 64          /* bytes */

/* RFC 8439 §2.3: one 64-byte keystream block for (key, counter, nonce). */
void chacha20_block(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
                    const u8 nonce[CHACHA20_NONCE_SIZE], u8 out[CHACHA20_BLOCK_SIZE]);
/* RFC 8439 §2.4: out = in XOR keystream from block `counter` on; in == out is allowed. */
void chacha20_xor(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
                  const u8 nonce[CHACHA20_NONCE_SIZE], const u8 *in, u8 *out, size_t len);

/*
 * A generator state: a 256-bit key replaced on every request (fast key
 * erasure), so output already handed out cannot be recomputed from a later
 * state.  Callers serialise access (the kernel's one instance runs with
 * interrupts off).
 */
struct crng {
    u8 key[CHACHA20_KEY_SIZE];
    u64 generation;                     /* requests served; the nonce of the rekey block */
};

/* Mix `len` bytes of seed material into the key (any length; more is better). */
void crng_seed(struct crng *c, const void *seed, size_t len);
/* Fill out with len bytes and rekey.  Never fails. */
void crng_generate(struct crng *c, void *out, size_t len);

/*
 * The kernel's generator.  random_init() seeds it (idempotent; the first
 * get_random_bytes() calls it if boot has not), logging the sources used.
 * get_random_bytes() may be called from any context, interrupts included.
 */
void random_init(void);
void get_random_bytes(void *buf, size_t len);

#endif
