/*
 * ACPI table parsers on plain byte buffers: RSDP, MADT and the \_S5_ object
 * in AML.  Portable (no hardware, no mapping): kernel/acpi.c and
 * kernel/arch/irq.c feed them mapped tables, tests/unit/test_acpi.c feeds
 * them crafted ones.  Every read is checked against the buffer length, so a
 * malformed table is rejected, never a crash.  Spec: ACPI 6.4.
 */
#include <kernel/acpi.h>
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>

#define RSDP_V1_LEN     20
#define RSDP_V2_LEN     36
#define SDT_HDR_LEN     36

static u32 get_le(const u8 *p, unsigned bytes)
{
    u32 v = 0;

    while (bytes--)
        v = (v << 8) | p[bytes];
    return v;
}

static u64 get_le64(const u8 *p)
{
    return ((u64)get_le(p + 4, 4) << 32) | get_le(p, 4);
}

bool acpi_checksum_ok(const void *p, size_t len)
{
    const u8 *b = p;
    u8 sum = 0;

    for (size_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

int acpi_parse_rsdp(const u8 *p, size_t len, u64 *rsdt, u64 *xsdt)
{
    *rsdt = *xsdt = 0;
    if (len < RSDP_V1_LEN || memcmp(p, "RSD PTR ", 8) || !acpi_checksum_ok(p, RSDP_V1_LEN))
        return -EINVAL;
    *rsdt = get_le(p + 16, 4);
    /* Revision 0 is ACPI 1.0; 2 and up add Length, XsdtAddress and the extended checksum. */
    if (p[15] >= 2 && len >= RSDP_V2_LEN) {
        u32 total = get_le(p + 20, 4);
        if (total >= RSDP_V2_LEN && acpi_checksum_ok(p, MIN(total, len)))
            *xsdt = get_le64(p + 24);
    }
    return *rsdt || *xsdt ? 0 : -EINVAL;
}

/* ---- MADT (§5.2.12) ---- */

enum {
    MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_OVERRIDE = 2, MADT_LAPIC_NMI = 4,
    MADT_LAPIC_ADDR = 5,
};
#define MADT_ENTRIES_OFF 44     /* after the header, LAPIC address and flags */
#define MADT_NMI_ALL_CPUS 0xff

/* Minimum length of each entry type we read (§5.2.12.2 - §5.2.12.8). */
static u8 madt_min_len(u8 type)
{
    static const u8 min_len[] = { 8, 12, 10, 8, 6, 12 };
    return type < ARRAY_SIZE(min_len) ? min_len[type] : 2;
}

/* The ACPI processor UID of the first enabled LAPIC: the boot CPU by convention. */
static int madt_boot_cpu_uid(const u8 *t, size_t len)
{
    for (size_t off = MADT_ENTRIES_OFF; off + 2 <= len && t[off + 1] >= 2 &&
         off + t[off + 1] <= len; off += t[off + 1])
        if (t[off] == MADT_LAPIC && t[off + 1] >= 8 && (get_le(t + off + 4, 4) & 1))
            return t[off + 2];
    return -1;
}

/* Record one entry; returns 1 if it had to be dropped, else 0. */
static int madt_entry(const u8 *e, struct madt_info *out, int boot_uid)
{
    switch (e[0]) {
    case MADT_IOAPIC:
        if (out->nr_ioapics == MADT_MAX_IOAPICS)
            return 1;
        out->ioapic[out->nr_ioapics].id = e[2];
        out->ioapic[out->nr_ioapics].addr = get_le(e + 4, 4);
        out->ioapic[out->nr_ioapics++].gsi_base = get_le(e + 8, 4);
        return 0;
    case MADT_OVERRIDE:
        /* Bus 0 is ISA, the only bus the spec defines for overrides. */
        if (e[2] != 0 || out->nr_overrides == MADT_MAX_OVERRIDES)
            return 1;
        out->override[out->nr_overrides].source = e[3];
        out->override[out->nr_overrides].gsi = get_le(e + 4, 4);
        out->override[out->nr_overrides++].flags = (u16)get_le(e + 8, 2);
        return 0;
    case MADT_LAPIC_NMI:
        if (e[2] == MADT_NMI_ALL_CPUS || e[2] == boot_uid) {
            out->has_nmi = e[5] <= 1;
            out->nmi_flags = (u16)get_le(e + 3, 2);
            out->nmi_lint = e[5];
            return !out->has_nmi;
        }
        return 0;
    case MADT_LAPIC_ADDR:
        out->lapic_addr = get_le64(e + 4);
        return 0;
    default:
        return 0;
    }
}

int acpi_parse_madt(const u8 *t, size_t len, struct madt_info *out)
{
    int bad = 0, boot_uid;
    size_t off;

    memset(out, 0, sizeof(*out));
    if (len < MADT_ENTRIES_OFF)
        return -EINVAL;
    out->lapic_addr = get_le(t + 36, 4);
    out->flags = get_le(t + 40, 4);
    boot_uid = madt_boot_cpu_uid(t, len);
    for (off = MADT_ENTRIES_OFF; off + 2 <= len; off += t[off + 1]) {
        u8 elen = t[off + 1];
        if (elen < madt_min_len(t[off]) || off + elen > len)
            return bad + 1;     /* a bad length leaves no way to find the next entry */
        bad += madt_entry(t + off, out, boot_uid);
    }
    return bad + (off != len);
}

/* ---- \_S5_ in AML (§7.4.2, AML encoding §20.2) ---- */

#define AML_ZERO_OP     0x00
#define AML_ONE_OP      0x01
#define AML_NAME_OP     0x08
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP  0x12
#define AML_ROOT_CHAR   '\\'

/*
 * PkgLength (§20.2.4): bits 7:6 of the lead byte count the bytes that follow;
 * with none, bits 5:0 are the length, else bits 3:0 are its low nibble.  The
 * length counts from the lead byte to the end of the package.  Returns the
 * bytes the encoding used, 0 if it does not fit in `len`.
 */
static size_t aml_pkg_length(const u8 *p, size_t len, u32 *out)
{
    size_t follow;

    if (len < 1)
        return 0;
    follow = p[0] >> 6;
    if (len < 1 + follow)
        return 0;
    if (!follow) {
        *out = p[0] & 0x3f;
        return 1;
    }
    *out = p[0] & 0x0f;
    for (size_t i = 1; i <= follow; i++)
        *out |= (u32)p[i] << (4 + 8 * (i - 1));
    return 1 + follow;
}

/* An integer constant (§20.2.3 ComputationalData); bytes consumed, 0 if not one. */
static size_t aml_integer(const u8 *p, size_t len, u64 *val)
{
    static const u8 width[] = {
        [AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2, [AML_DWORD_PREFIX] = 4,
        [AML_QWORD_PREFIX] = 8,
    };

    if (len < 1)
        return 0;
    if (p[0] == AML_ZERO_OP || p[0] == AML_ONE_OP) {
        *val = p[0];
        return 1;
    }
    if (p[0] >= ARRAY_SIZE(width) || !width[p[0]] || len < 1u + width[p[0]])
        return 0;
    *val = width[p[0]] == 8 ? get_le64(p + 1) : get_le(p + 1, width[p[0]]);
    return 1u + width[p[0]];
}

/* The Package after "_S5_": PackageOp PkgLength NumElements SLP_TYPa SLP_TYPb ... */
static int parse_s5_package(const u8 *p, size_t len, u8 *typa, u8 *typb)
{
    u64 a, b = 0;
    size_t n, used;
    u32 pkglen;

    if (len < 1 || p[0] != AML_PACKAGE_OP)
        return -EINVAL;
    n = aml_pkg_length(p + 1, len - 1, &pkglen);
    if (!n || pkglen < n + 1 || pkglen > len - 1)
        return -EINVAL;
    len = pkglen - n - 1;           /* element bytes inside the package */
    p += 1 + n;
    if (p[0] < 1)
        return -EINVAL;
    used = aml_integer(p + 1, len, &a);
    if (!used)
        return -EINVAL;
    if (p[0] >= 2) {
        if (!aml_integer(p + 1 + used, len - used, &b))
            return -EINVAL;
    } else {
        /* Old firmware packs both in one integer: a in bits 7:0, b in 15:8 (as ACPICA). */
        b = (a >> 8) & 0xff;
        a &= 0xff;
    }
    if (a > 7 || b > 7)             /* SLP_TYPx is a 3-bit field (§4.8.3.2.1) */
        return -EINVAL;
    *typa = (u8)a;
    *typb = (u8)b;
    return 0;
}

int acpi_parse_s5(const u8 *t, size_t len, u8 *typa, u8 *typb)
{
    for (size_t i = SDT_HDR_LEN; i + 4 <= len; i++) {
        if (memcmp(t + i, "_S5_", 4))
            continue;
        if (t[i - 1] == AML_NAME_OP ||
            (t[i - 1] == AML_ROOT_CHAR && t[i - 2] == AML_NAME_OP))
            return parse_s5_package(t + i + 4, len - i - 4, typa, typb);
    }
    return -ENOENT;
}
