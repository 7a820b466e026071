/*
 * ChaCha20 (RFC 8439 §2.1-§2.4) and the CSPRNG built on it.  Portable: no
 * hardware, no allocation; tests/unit/test_chacha20.c checks the RFC's test
 * vectors on the host.  Below: nothing.  Above: kernel/sys/random.c, which
 * seeds the kernel's instance and serves getrandom(2) and get_random_bytes().
 * The generator follows Linux's crng design: every request first draws a
 * block that replaces the key (fast key erasure), then encrypts zeros under
 * a one-time key from the same block.
 */
#include <kernel/compiler.h>
#include <kernel/random.h>
#include <kernel/string.h>

static inline u32 rotl32(u32 v, int n) { return (v << n) | (v >> (32 - n)); }

static inline u32 load_le32(const u8 *p)
{
    return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static inline void store_le32(u8 *p, u32 v)
{
    p[0] = (u8)v;
    p[1] = (u8)(v >> 8);
    p[2] = (u8)(v >> 16);
    p[3] = (u8)(v >> 24);
}

/* Zeroing the compiler may not drop although the buffer is dead afterwards. */
static void memzero_explicit(void *p, size_t n)
{
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
}

/* RFC 8439 §2.1: the quarter round on four words of the state. */
#define QUARTERROUND(x, a, b, c, d)                         \
    do {                                                    \
        x[a] += x[b]; x[d] = rotl32(x[d] ^ x[a], 16);       \
        x[c] += x[d]; x[b] = rotl32(x[b] ^ x[c], 12);       \
        x[a] += x[b]; x[d] = rotl32(x[d] ^ x[a], 8);        \
        x[c] += x[d]; x[b] = rotl32(x[b] ^ x[c], 7);        \
    } while (0)

void chacha20_block(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
                    const u8 nonce[CHACHA20_NONCE_SIZE], u8 out[CHACHA20_BLOCK_SIZE])
{
    /* §2.3: "expand 32-byte k", key, block counter, nonce; all little-endian words. */
    u32 s[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
    u32 x[16];

    for (int i = 0; i < 8; i++)
        s[4 + i] = load_le32(key + 4 * i);
    s[12] = counter;
    for (int i = 0; i < 3; i++)
        s[13 + i] = load_le32(nonce + 4 * i);
    memcpy(x, s, sizeof(x));
    for (int i = 0; i < 10; i++) {          /* 20 rounds: column then diagonal */
        QUARTERROUND(x, 0, 4, 8, 12);
        QUARTERROUND(x, 1, 5, 9, 13);
        QUARTERROUND(x, 2, 6, 10, 14);
        QUARTERROUND(x, 3, 7, 11, 15);
        QUARTERROUND(x, 0, 5, 10, 15);
        QUARTERROUND(x, 1, 6, 11, 12);
        QUARTERROUND(x, 2, 7, 8, 13);
        QUARTERROUND(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < 16; i++)
        store_le32(out + 4 * i, x[i] + s[i]);
    memzero_explicit(x, sizeof(x));
    memzero_explicit(s, sizeof(s));
}

void chacha20_xor(const u8 key[CHACHA20_KEY_SIZE], u32 counter,
                  const u8 nonce[CHACHA20_NONCE_SIZE], const u8 *in, u8 *out, size_t len)
{
    u8 ks[CHACHA20_BLOCK_SIZE];

    while (len) {
        size_t n = MIN(len, sizeof(ks));

        chacha20_block(key, counter++, nonce, ks);
        for (size_t i = 0; i < n; i++)
            out[i] = in[i] ^ ks[i];
        in += n;
        out += n;
        len -= n;
    }
    memzero_explicit(ks, sizeof(ks));
}

/*
 * Each 32-byte piece of seed is XORed into the key, which is then replaced
 * by the first half of its own keystream block: ChaCha20 as a PRF keyed by
 * the old key and the seed, so no seed byte can cancel another's influence
 * by position (Linux hashes with BLAKE2s instead; one primitive suffices here).
 */
void crng_seed(struct crng *c, const void *seed, size_t len)
{
    static const u8 seed_nonce[CHACHA20_NONCE_SIZE] = "crng-seed";
    const u8 *p = seed;
    u8 blk[CHACHA20_BLOCK_SIZE];

    do {
        size_t n = MIN(len, (size_t)CHACHA20_KEY_SIZE);

        for (size_t i = 0; i < n; i++)
            c->key[i] ^= p[i];
        chacha20_block(c->key, (u32)c->generation++, seed_nonce, blk);
        memcpy(c->key, blk, CHACHA20_KEY_SIZE);
        p += n;
        len -= n;
    } while (len);
    memzero_explicit(blk, sizeof(blk));
}

void crng_generate(struct crng *c, void *out, size_t len)
{
    static const u8 zero_nonce[CHACHA20_NONCE_SIZE];
    u8 nonce[CHACHA20_NONCE_SIZE] = { 0 };
    u8 blk[CHACHA20_BLOCK_SIZE], ks[CHACHA20_BLOCK_SIZE];
    u8 *o = out;
    u32 ctr = 0;

    /* Bytes 0-31 become the next key; bytes 32-63 key this request's output. */
    for (int i = 0; i < 8; i++)
        nonce[i] = (u8)(c->generation >> (8 * i));
    c->generation++;
    chacha20_block(c->key, 0, nonce, blk);
    memcpy(c->key, blk, CHACHA20_KEY_SIZE);
    while (len) {
        size_t n = MIN(len, sizeof(ks));

        chacha20_block(blk + CHACHA20_KEY_SIZE, ctr++, zero_nonce, ks);
        memcpy(o, ks, n);
        o += n;
        len -= n;
    }
    memzero_explicit(blk, sizeof(blk));
    memzero_explicit(ks, sizeof(ks));
}
