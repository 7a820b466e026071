/* ACPI parsers (kernel/acpi_parse.c) on crafted tables: RSDP checksums, the
 * MADT walk and \_S5_ in AML.  Every malformed or truncated input must be
 * rejected without reading past the buffer (ASan checks the "past"). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/acpi.h>
#include <kernel/errno.h>
#include <kernel/string.h>

/* A table: 36-byte header (signature, length, checksum) then `body`. */
static size_t make_table(u8 *buf, const char *sig, const void *body, size_t len)
{
    size_t total = 36 + len;
    u8 sum = 0;

    memset(buf, 0, 36);
    memcpy(buf, sig, 4);
    buf[4] = (u8)total;
    buf[5] = (u8)(total >> 8);
    memcpy(buf + 36, body, len);
    for (size_t i = 0; i < total; i++)
        sum += buf[i];
    buf[9] = (u8)-sum;
    return total;
}

/* Run f on exact-size heap copies of every prefix, so ASan sees any overread. */
static void for_each_prefix(const u8 *t, size_t len, void (*f)(const u8 *, size_t))
{
    for (size_t n = 0; n <= len; n++) {
        u8 *copy = malloc(n ? n : 1);
        memcpy(copy, t, n);
        f(copy, n);
        free(copy);
    }
}

static void fix_checksum(u8 *p, size_t len, size_t at)
{
    u8 sum = 0;

    p[at] = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    p[at] = (u8)-sum;
}

static void make_rsdp(u8 *p, u8 rev)
{
    memset(p, 0, 36);
    memcpy(p, "RSD PTR ", 8);
    p[15] = rev;
    p[16] = 0x00; p[17] = 0x10;                 /* RSDT at 0x1000 */
    p[20] = 36;                                 /* length */
    p[24] = 0x00; p[25] = 0x20;                 /* XSDT at 0x2000 */
    fix_checksum(p, 20, 8);
    fix_checksum(p, 36, 32);
}

static void test_rsdp(void **state)
{
    u8 p[36];
    u64 rsdt, xsdt;

    (void)state;
    make_rsdp(p, 0);
    assert_int_equal(acpi_parse_rsdp(p, 20, &rsdt, &xsdt), 0);
    assert_int_equal(rsdt, 0x1000);
    assert_int_equal(xsdt, 0);                  /* ACPI 1.0: no XSDT */
    make_rsdp(p, 2);
    assert_int_equal(acpi_parse_rsdp(p, 36, &rsdt, &xsdt), 0);
    assert_int_equal(xsdt, 0x2000);
    p[33] ^= 1;                                 /* extended checksum broken: RSDT only */
    assert_int_equal(acpi_parse_rsdp(p, 36, &rsdt, &xsdt), 0);
    assert_int_equal(xsdt, 0);
    assert_int_equal(rsdt, 0x1000);
    p[10] ^= 1;                                 /* v1 checksum broken: nothing */
    assert_int_equal(acpi_parse_rsdp(p, 36, &rsdt, &xsdt), -EINVAL);
    make_rsdp(p, 2);
    p[0] = 'X';
    assert_int_equal(acpi_parse_rsdp(p, 36, &rsdt, &xsdt), -EINVAL);
    assert_int_equal(acpi_parse_rsdp(p, 19, &rsdt, &xsdt), -EINVAL);
}

static void test_checksum(void **state)
{
    u8 t[64];
    size_t n = make_table(t, "TEST", "abc", 3);

    (void)state;
    assert_true(acpi_checksum_ok(t, n));
    t[37] ^= 0x80;
    assert_false(acpi_checksum_ok(t, n));
}

/* ---- \_S5_ ---- */

static int s5(const void *aml, size_t len, u8 *a, u8 *b)
{
    u8 t[256];
    size_t n = make_table(t, "DSDT", aml, len);
    return acpi_parse_s5(t, n, a, b);
}

static void test_s5_forms(void **state)
{
    u8 a = 9, b = 9;

    (void)state;
    /* Name(_S5, Package(4){0x05, 0x05, 0, 0}) after some unrelated AML. */
    static const u8 bytes[] = "\x10\x05\x5c\x00\x00\x00" "\x08_S5_\x12\x08\x04\x0a\x05\x0a\x05\x00\x00";
    assert_int_equal(s5(bytes, sizeof(bytes) - 1, &a, &b), 0);
    assert_int_equal(a, 5);
    assert_int_equal(b, 5);
    /* Root-prefixed name, Zero/One ops, word and dword constants (QEMU, SeaBIOS, real HW). */
    static const u8 rooted[] = "\x08\\_S5_\x12\x06\x04\x00\x01\x00\x00";
    assert_int_equal(s5(rooted, sizeof(rooted) - 1, &a, &b), 0);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    static const u8 wide[] = "\x08_S5_\x12\x0a\x02\x0b\x07\x00\x0c\x06\x00\x00\x00";
    assert_int_equal(s5(wide, sizeof(wide) - 1, &a, &b), 0);
    assert_int_equal(a, 7);
    assert_int_equal(b, 6);
    /* Two-byte PkgLength: lead 0x40 | low nibble, then bits 11:4. */
    static const u8 longpkg[] = "\x08_S5_\x12\x47\x00\x02\x0a\x03\x0a\x04";
    assert_int_equal(s5(longpkg, sizeof(longpkg) - 1, &a, &b), 0);
    assert_int_equal(a, 3);
    assert_int_equal(b, 4);
    /* One element: SLP_TYPa in bits 7:0, SLP_TYPb in 15:8 (old firmware). */
    static const u8 packed[] = "\x08_S5_\x12\x05\x01\x0b\x05\x07";
    assert_int_equal(s5(packed, sizeof(packed) - 1, &a, &b), 0);
    assert_int_equal(a, 5);
    assert_int_equal(b, 7);
}

static void test_s5_absent_or_not_a_name(void **state)
{
    u8 a, b;

    (void)state;
    static const u8 none[] = "\x08_S4_\x12\x06\x04\x00\x00\x00\x00";
    assert_int_equal(s5(none, sizeof(none) - 1, &a, &b), -ENOENT);
    /* "_S5_" inside a string is not the object; the real one follows. */
    static const u8 str[] = "\x0d_S5_\x00" "\x08_S5_\x12\x08\x04\x0a\x02\x0a\x03\x00\x00";
    assert_int_equal(s5(str, sizeof(str) - 1, &a, &b), 0);
    assert_int_equal(a, 2);
    assert_int_equal(b, 3);
    assert_int_equal(acpi_parse_s5((const u8 *)"DSDT", 4, &a, &b), -ENOENT);
}

static void test_s5_malformed(void **state)
{
    u8 a, b;

    (void)state;
    static const u8 not_pkg[] = "\x08_S5_\x0a\x05";
    assert_int_equal(s5(not_pkg, sizeof(not_pkg) - 1, &a, &b), -EINVAL);
    static const u8 too_big[] = "\x08_S5_\x12\x08\x04\x0a\x08\x0a\x05\x00\x00";
    assert_int_equal(s5(too_big, sizeof(too_big) - 1, &a, &b), -EINVAL);
    static const u8 overlong[] = "\x08_S5_\x12\x3f\x04\x0a\x05\x0a\x05";
    assert_int_equal(s5(overlong, sizeof(overlong) - 1, &a, &b), -EINVAL);
    static const u8 empty[] = "\x08_S5_\x12\x02\x00";
    assert_int_equal(s5(empty, sizeof(empty) - 1, &a, &b), -EINVAL);
    static const u8 method[] = "\x08_S5_\x12\x05\x02\x70\x0a\x05";   /* StoreOp, not data */
    assert_int_equal(s5(method, sizeof(method) - 1, &a, &b), -EINVAL);
    /* The element claims a dword but the package ends after two bytes. */
    static const u8 short_el[] = "\x08_S5_\x12\x05\x02\x0c\x05\x00\x00\x00\x00\x00\x00";
    assert_int_equal(s5(short_el, sizeof(short_el) - 1, &a, &b), -EINVAL);
}

static void s5_prefix(const u8 *t, size_t n)
{
    u8 a, b;
    int r = acpi_parse_s5(t, n, &a, &b);
    assert_true(r == 0 || r == -EINVAL || r == -ENOENT);
}

static void test_s5_truncated(void **state)
{
    u8 t[256];
    static const u8 bytes[] = "\x08\\_S5_\x12\x4b\x00\x04\x0c\x05\x00\x00\x00\x0b\x05\x00\x00\x00";
    size_t n = make_table(t, "DSDT", bytes, sizeof(bytes) - 1);

    u8 a, b;

    (void)state;
    assert_int_equal(acpi_parse_s5(t, n, &a, &b), 0);
    assert_int_equal(a, 5);
    assert_int_equal(b, 5);
    for_each_prefix(t, n, s5_prefix);
}

/* ---- MADT ---- */

static const u8 madt_body[] = {
    0x00, 0x00, 0xe0, 0xfe,  0x01, 0x00, 0x00, 0x00,   /* LAPIC 0xfee00000, PCAT_COMPAT */
    0, 8, 0, 0, 1, 0, 0, 0,                            /* LAPIC: uid 0, id 0, enabled */
    1, 12, 1, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0,   /* IOAPIC id 1 at 0xfec00000, GSI 0 */
    2, 10, 0, 0, 2, 0, 0, 0, 0x00, 0x00,               /* ISO: IRQ0 -> GSI2, conforming */
    2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0x00,               /* ISO: IRQ9 -> GSI9, level high */
    4, 6, 0xff, 0x05, 0x00, 1,                         /* LAPIC NMI: all CPUs, LINT1 */
    5, 12, 0, 0, 0x00, 0x00, 0xd0, 0xfe, 0, 0, 0, 0,   /* LAPIC address override */
    9, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   /* x2APIC entry: skipped */
};

static void test_madt(void **state)
{
    u8 t[256];
    size_t n = make_table(t, "APIC", madt_body, sizeof(madt_body));
    struct madt_info m;

    (void)state;
    assert_int_equal(acpi_parse_madt(t, n, &m), 0);
    assert_int_equal(m.lapic_addr, 0xfed00000);    /* the override wins */
    assert_int_equal(m.flags, 1);
    assert_int_equal(m.nr_ioapics, 1);
    assert_int_equal(m.ioapic[0].id, 1);
    assert_int_equal(m.ioapic[0].addr, 0xfec00000);
    assert_int_equal(m.ioapic[0].gsi_base, 0);
    assert_int_equal(m.nr_overrides, 2);
    assert_int_equal(m.override[0].source, 0);
    assert_int_equal(m.override[0].gsi, 2);
    assert_int_equal(m.override[1].source, 9);
    assert_int_equal(m.override[1].flags & MPS_TRIGGER_MASK, MPS_TRIGGER_LEVEL);
    assert_int_equal(m.override[1].flags & MPS_POLARITY_MASK, MPS_POLARITY_HIGH);
    assert_true(m.has_nmi);
    assert_int_equal(m.nmi_lint, 1);
    assert_int_equal(m.nmi_flags, 5);
}

static void test_madt_malformed(void **state)
{
    u8 t[256] = { 0 }, body[sizeof(madt_body)];
    struct madt_info m;
    size_t n;

    (void)state;
    assert_int_equal(acpi_parse_madt(t, 43, &m), -EINVAL);
    memcpy(body, madt_body, sizeof(body));
    body[8 + 8 + 1] = 0;                       /* IOAPIC entry with length 0: the walk stops */
    n = make_table(t, "APIC", body, sizeof(body));
    assert_true(acpi_parse_madt(t, n, &m) > 0);
    assert_int_equal(m.nr_ioapics, 0);
    memcpy(body, madt_body, sizeof(body));
    body[8 + 8 + 1] = 200;                     /* length beyond the table */
    n = make_table(t, "APIC", body, sizeof(body));
    assert_true(acpi_parse_madt(t, n, &m) > 0);
    memcpy(body, madt_body, sizeof(body));
    body[8 + 8 + 12 + 1] = 6;                  /* override shorter than its fields */
    n = make_table(t, "APIC", body, sizeof(body));
    assert_true(acpi_parse_madt(t, n, &m) > 0);
    assert_int_equal(m.nr_ioapics, 1);
    assert_int_equal(m.nr_overrides, 0);
}

static void test_madt_too_many_ioapics(void **state)
{
    u8 body[8 + 12 * (MADT_MAX_IOAPICS + 2)], t[256];
    struct madt_info m;
    size_t n;

    (void)state;
    memset(body, 0, sizeof(body));
    for (unsigned i = 0; i < MADT_MAX_IOAPICS + 2; i++) {
        u8 *e = body + 8 + 12 * i;
        e[0] = 1;
        e[1] = 12;
        e[2] = (u8)i;
        e[8] = (u8)(24 * i);
    }
    n = make_table(t, "APIC", body, sizeof(body));
    assert_int_equal(acpi_parse_madt(t, n, &m), 2);
    assert_int_equal(m.nr_ioapics, MADT_MAX_IOAPICS);
    assert_int_equal(m.ioapic[MADT_MAX_IOAPICS - 1].gsi_base, 24 * (MADT_MAX_IOAPICS - 1));
}

static void madt_prefix(const u8 *t, size_t n)
{
    struct madt_info m;
    int r = acpi_parse_madt(t, n, &m);
    assert_true(n < 44 ? r == -EINVAL : r >= 0);
    assert_true(m.nr_ioapics <= MADT_MAX_IOAPICS && m.nr_overrides <= MADT_MAX_OVERRIDES);
}

static void test_madt_truncated(void **state)
{
    u8 t[256];
    size_t n = make_table(t, "APIC", madt_body, sizeof(madt_body));

    (void)state;
    for_each_prefix(t, n, madt_prefix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum),
        cmocka_unit_test(test_rsdp),
        cmocka_unit_test(test_s5_forms),
        cmocka_unit_test(test_s5_absent_or_not_a_name),
        cmocka_unit_test(test_s5_malformed),
        cmocka_unit_test(test_s5_truncated),
        cmocka_unit_test(test_madt),
        cmocka_unit_test(test_madt_malformed),
        cmocka_unit_test(test_madt_too_many_ioapics),
        cmocka_unit_test(test_madt_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
