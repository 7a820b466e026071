/* ChaCha20 and the CSPRNG (kernel/lib/chacha20.c): RFC 8439's test vectors
 * for the block function (§2.3.2) and the cipher (§2.4.2), then the
 * generator's properties: deterministic per seed, rekeyed per request. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/random.h>
#include <kernel/string.h>

static void rfc_key(u8 key[32])
{
    for (int i = 0; i < 32; i++)
        key[i] = (u8)i;                 /* 00:01:02:...:1f */
}

/* RFC 8439 §2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1. */
static void test_block_vector(void **state)
{
    static const u8 nonce[12] = { 0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
    static const u8 want[64] = {
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
        0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
        0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
        0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
    };
    u8 key[32], out[64];

    (void)state;
    rfc_key(key);
    chacha20_block(key, 1, nonce, out);
    assert_memory_equal(out, want, sizeof(want));
}

/* RFC 8439 §2.4.2: the "sunscreen" plaintext, 114 bytes (two blocks), counter 1. */
static void test_cipher_vector(void **state)
{
    static const u8 nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
    static const char plain[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
                                "only one tip for the future, sunscreen would be it.";
    static const u8 want[114] = {
        0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
        0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
        0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
        0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
        0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
        0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
        0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
        0x87, 0x4d,
    };
    u8 key[32], buf[114];

    (void)state;
    assert_int_equal(sizeof(plain) - 1, sizeof(want));
    rfc_key(key);
    chacha20_xor(key, 1, nonce, (const u8 *)plain, buf, sizeof(buf));
    assert_memory_equal(buf, want, sizeof(want));
    chacha20_xor(key, 1, nonce, buf, buf, sizeof(buf));     /* in place, and back */
    assert_memory_equal(buf, plain, sizeof(buf));
}

/* Same seed, same stream; a different seed byte anywhere, a different stream. */
static void test_seed_determines_stream(void **state)
{
    u8 seed[40] = { 1, 2, 3 }, a[100], b[100];
    struct crng x = { 0 }, y = { 0 };

    (void)state;
    crng_seed(&x, seed, sizeof(seed));
    crng_seed(&y, seed, sizeof(seed));
    crng_generate(&x, a, sizeof(a));
    crng_generate(&y, b, sizeof(b));
    assert_memory_equal(a, b, sizeof(a));

    seed[39] ^= 1;                      /* the second 32-byte piece counts too */
    memset(&y, 0, sizeof(y));
    crng_seed(&y, seed, sizeof(seed));
    crng_generate(&y, b, sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
}

/* Every request rekeys: two requests differ, and the key changed. */
static void test_generate_rekeys(void **state)
{
    struct crng c = { 0 };
    u8 key0[32], a[64], b[64];

    (void)state;
    crng_seed(&c, "seed", 4);
    memcpy(key0, c.key, sizeof(key0));
    crng_generate(&c, a, sizeof(a));
    assert_memory_not_equal(key0, c.key, sizeof(key0));
    crng_generate(&c, b, sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
}

/* Lengths that are not whole blocks fill exactly len bytes (no overrun under ASan). */
static void test_generate_odd_lengths(void **state)
{
    struct crng c = { 0 };
    u8 buf[200];

    (void)state;
    crng_seed(&c, "x", 1);
    for (size_t len = 0; len <= 130; len += 13) {
        memset(buf, 0xa5, sizeof(buf));
        crng_generate(&c, buf, len);
        for (size_t i = len; i < sizeof(buf); i++)
            assert_int_equal(buf[i], 0xa5);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_block_vector),
        cmocka_unit_test(test_cipher_vector),
        cmocka_unit_test(test_seed_determines_stream),
        cmocka_unit_test(test_generate_rekeys),
        cmocka_unit_test(test_generate_odd_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
