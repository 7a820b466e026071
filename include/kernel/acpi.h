/*
 * ACPI tables (ACPI 6.4 §5.2): found from the RSDP in struct boot_info (or
 * the BIOS areas).  Used for the MADT (interrupt controllers), the FADT
 * (poweroff, reset) and MCFG (PCIe ECAM).  kernel/acpi.c reaches the tables;
 * the parsers below (kernel/acpi_parse.c) work on plain buffers, so they are
 * unit-tested on the host with crafted and malformed tables.
 */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H

#include <kernel/types.h>

struct acpi_sdt_header {
    char signature[4];
    u32 length;             /* bytes, including this header */
    u8 revision, checksum;
    char oem_id[6], oem_table_id[8];
    u32 oem_revision, creator_id, creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI 6.4 table 5.4");

/* Generic Address Structure (ACPI 6.4 §5.2.3.2). */
struct acpi_gas {
    u8 space_id;            /* ACPI_SPACE_* */
    u8 bit_width, bit_offset, access_size;
    u64 address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI 6.4 table 5.1");
#define ACPI_SPACE_MEM  0
#define ACPI_SPACE_IO   1

/* Validate the RSDP and the RSDT/XSDT; 0 or -ENODEV when there is no ACPI. */
int acpi_init(const u8 *rsdp);
/* The n-th table with `sig` (checksum verified), mapped; NULL if absent. */
const struct acpi_sdt_header *acpi_find_table(const char sig[4], unsigned n);
/* Enter S5 through the FADT's PM1 control registers; returns only on failure. */
void acpi_poweroff(void);
/* Reset through the FADT reset register, port 0xCF9 or the keyboard controller; returns only on failure. */
void acpi_reboot(void);

/* ---- pure parsers (kernel/acpi_parse.c) ---- */

/* True if the `len` bytes at p sum to 0 mod 256 (§5.2.1). */
bool acpi_checksum_ok(const void *p, size_t len);
/*
 * Check an RSDP of `len` bytes (§5.2.5.3): signature, v1 checksum and, for
 * revision >= 2, the extended checksum.  Sets *rsdt and *xsdt (0 if absent or
 * its checksum fails); returns 0 or -EINVAL.
 */
int acpi_parse_rsdp(const u8 *p, size_t len, u64 *rsdt, u64 *xsdt);
/*
 * Find \_S5_ (§7.4.2) in the AML of a DSDT/SSDT (`len` bytes, header
 * included): a NameOp "_S5_" followed by a PackageOp whose first two elements
 * are integer constants.  Sets SLP_TYPa/b (3-bit values); 0, -ENOENT if there
 * is no _S5_, -EINVAL if it is malformed.
 */
int acpi_parse_s5(const u8 *table, size_t len, u8 *slp_typa, u8 *slp_typb);

#define MADT_MAX_IOAPICS    8
#define MADT_MAX_OVERRIDES  16

/* What irq_init() needs from the MADT (§5.2.12), bounded copies. */
struct madt_info {
    u64 lapic_addr;                 /* physical, after any address override */
    u32 flags;                      /* MADT flags: bit 0 PCAT_COMPAT (8259s present) */
    unsigned nr_ioapics;
    struct { u8 id; u32 addr; u32 gsi_base; } ioapic[MADT_MAX_IOAPICS];
    unsigned nr_overrides;
    struct { u8 source; u32 gsi; u16 flags; } override[MADT_MAX_OVERRIDES];
    bool has_nmi;                   /* a LAPIC NMI entry for us (or all CPUs) */
    u8 nmi_lint;                    /* LINT0 or LINT1 */
    u16 nmi_flags;                  /* MPS INTI flags, as in overrides */
};
/* MPS INTI flags (§5.2.12.5 table 5.26): polarity bits 1:0, trigger bits 3:2. */
#define MPS_POLARITY_MASK   0x3
#define MPS_POLARITY_HIGH   0x1
#define MPS_POLARITY_LOW    0x3
#define MPS_TRIGGER_MASK    0xc
#define MPS_TRIGGER_EDGE    0x4
#define MPS_TRIGGER_LEVEL   0xc

/*
 * Parse a MADT of `len` bytes into *out.  Entries with bad lengths end the
 * walk; entries beyond the bounds above are dropped.  Returns the number of
 * dropped or malformed entries (0 = clean) or -EINVAL if the table is too
 * short to be a MADT.
 */
int acpi_parse_madt(const u8 *table, size_t len, struct madt_info *out);

#endif
