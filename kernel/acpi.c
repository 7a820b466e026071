/*
 * ACPI tables and fixed hardware (ACPI 6.4).  Below: the direct map and
 * ioremap() to reach tables, port I/O for the PM1 and reset registers.
 * Above: irq_init (MADT), PCI (MCFG), poweroff() (S5) and reboot.
 * Owns the table directory: every table named by the XSDT (or RSDT) plus
 * the DSDT, each checksum-verified once at boot.  Parsing is in acpi_parse.c.
 */
#include <kernel/acpi.h>
#include <kernel/arch/cpu.h>
#include <kernel/arch/io.h>
#include <kernel/errno.h>
#include <kernel/ktest.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/string.h>

#define ACPI_MAX_TABLES     64
#define ACPI_MAX_TABLE_LEN  (4u << 20)  /* a larger "table" is garbage, not AML */
#define EBDA_PTR            0x40e       /* BDA word: EBDA segment (§5.2.5.1) */
#define BIOS_ROM_START      0xe0000
#define BIOS_ROM_END        0x100000

/* FADT field offsets (§5.2.9, table 5.9). */
#define FADT_DSDT           40
#define FADT_SMI_CMD        48
#define FADT_ACPI_ENABLE    52
#define FADT_PM1A_CNT       64
#define FADT_PM1B_CNT       68
#define FADT_PM1_CNT_LEN    89
#define FADT_FLAGS          112
#define FADT_RESET_REG      116
#define FADT_RESET_VALUE    128
#define FADT_X_DSDT         140
#define FADT_X_PM1A_CNT     172
#define FADT_X_PM1B_CNT     184
#define FADT_SLEEP_CONTROL  244
#define FADT_FLAG_RESET_REG_SUP (1u << 10)
#define FADT_FLAG_HW_REDUCED    (1u << 20)

/* PM1 control (§4.8.3.2.1) and sleep control (§4.8.3.7) register bits. */
#define PM1_SCI_EN          (1u << 0)
#define PM1_SLP_TYP_SHIFT   10
#define PM1_SLP_EN          (1u << 13)
#define SLEEP_CTL_TYP_SHIFT 2
#define SLEEP_CTL_SLP_EN    (1u << 5)

static const struct acpi_sdt_header *tables[ACPI_MAX_TABLES];
static unsigned nr_tables;
static const u8 *fadt;          /* NULL when absent */
static u32 fadt_len;
static int s5_status = -ENOENT; /* 0 once slp_typa/b hold \_S5_ */
static u8 slp_typa, slp_typb;

/* Map `len` bytes at physical `phys`: the direct map when it covers them. */
static const void *acpi_map(u64 phys, size_t len)
{
    if (phys + len >= phys && phys + len <= direct_map_end)
        return phys_to_virt(phys);
    return ioremap(phys, len);
}

/* Map and verify one table (§5.2.6); NULL, with a warning, if malformed. */
static const struct acpi_sdt_header *map_table(u64 phys)
{
    const struct acpi_sdt_header *h = acpi_map(phys, sizeof(*h));
    u32 len;

    if (!h)
        return NULL;
    len = h->length;
    if (len < sizeof(*h) || len > ACPI_MAX_TABLE_LEN) {
        pr_warn("acpi: table at %#llx: bad length %u", (unsigned long long)phys, len);
        return NULL;
    }
    h = acpi_map(phys, len);
    if (h && !acpi_checksum_ok(h, len)) {
        pr_warn("acpi: %.4s at %#llx: bad checksum, ignored", h->signature,
                (unsigned long long)phys);
        return NULL;
    }
    return h;
}

static void add_table(u64 phys)
{
    const struct acpi_sdt_header *h;

    if (!phys || nr_tables == ACPI_MAX_TABLES)
        return;
    h = map_table(phys);
    if (!h)
        return;
    tables[nr_tables++] = h;
    pr_info("acpi: %.4s %#010llx %6u bytes rev %u %.6s", h->signature,
            (unsigned long long)phys, h->length, h->revision, h->oem_id);
}

/* ACPI 6.4 §5.2.5.1: the first KiB of the EBDA, then the BIOS ROM area. */
static const u8 *find_rsdp(void)
{
    u64 ebda = (u64)*(const u16 *)phys_to_virt(EBDA_PTR) << 4;
    u64 rsdt, xsdt;

    for (u64 p = ebda; ebda && p < ebda + 1024; p += 16)
        if (!acpi_parse_rsdp(phys_to_virt(p), 36, &rsdt, &xsdt))
            return phys_to_virt(p);
    for (u64 p = BIOS_ROM_START; p < BIOS_ROM_END; p += 16)
        if (!acpi_parse_rsdp(phys_to_virt(p), 36, &rsdt, &xsdt))
            return phys_to_virt(p);
    return NULL;
}

/* Walk the XSDT (8-byte entries) or RSDT (4-byte entries), §5.2.7-5.2.8. */
static int load_root(u64 phys, unsigned entry_size)
{
    const struct acpi_sdt_header *root = map_table(phys);
    const u8 *entries;
    unsigned n;

    if (!root || memcmp(root->signature, entry_size == 8 ? "XSDT" : "RSDT", 4))
        return -EINVAL;
    entries = (const u8 *)(root + 1);
    n = (root->length - sizeof(*root)) / entry_size;
    for (unsigned i = 0; i < n; i++) {
        u64 addr = 0;
        memcpy(&addr, entries + i * entry_size, entry_size);  /* entries are unaligned */
        add_table(addr);
    }
    return 0;
}

static u64 fadt_read(unsigned off, unsigned size)
{
    u64 v = 0;

    if (fadt && off + size <= fadt_len)
        memcpy(&v, fadt + off, size);
    return v;
}

/* A FADT GAS field, or a zeroed one if the FADT is too short to have it. */
static struct acpi_gas fadt_gas(unsigned off)
{
    struct acpi_gas g = { 0 };

    if (fadt && off + sizeof(g) <= fadt_len)
        memcpy(&g, fadt + off, sizeof(g));
    return g;
}

static void load_dsdt(void)
{
    u64 dsdt = fadt_read(FADT_X_DSDT, 8);

    if (!dsdt)
        dsdt = fadt_read(FADT_DSDT, 4);
    add_table(dsdt);
}

/* \_S5_ lives in the DSDT, on some machines in an SSDT. */
static void find_s5(void)
{
    const struct acpi_sdt_header *t = acpi_find_table("DSDT", 0);

    for (unsigned n = 0; t && s5_status == -ENOENT; t = acpi_find_table("SSDT", n++))
        s5_status = acpi_parse_s5((const u8 *)t, t->length, &slp_typa, &slp_typb);
    if (s5_status)
        pr_warn("acpi: %s \\_S5_ object: no S5 poweroff",
                s5_status == -ENOENT ? "no" : "malformed");
}

int acpi_init(const u8 *rsdp)
{
    u64 rsdt, xsdt;

    if (!rsdp)
        rsdp = find_rsdp();
    if (!rsdp || acpi_parse_rsdp(rsdp, 36, &rsdt, &xsdt)) {
        pr_warn("acpi: no valid RSDP");
        return -ENODEV;
    }
    /* §5.2.5.3: an OS uses the XSDT when there is one. */
    if ((!xsdt || load_root(xsdt, 8)) && (!rsdt || load_root(rsdt, 4))) {
        pr_warn("acpi: no valid RSDT/XSDT");
        return -ENODEV;
    }
    fadt = (const u8 *)acpi_find_table("FACP", 0);
    if (!fadt) {
        pr_warn("acpi: no FADT: no S5 poweroff; reset through legacy ports");
        return 0;
    }
    fadt_len = ((const struct acpi_sdt_header *)fadt)->length;
    load_dsdt();
    find_s5();
    return 0;
}

const struct acpi_sdt_header *acpi_find_table(const char sig[4], unsigned n)
{
    for (unsigned i = 0; i < nr_tables; i++)
        if (!memcmp(tables[i]->signature, sig, 4) && n-- == 0)
            return tables[i];
    return NULL;
}

/* ---- fixed hardware: GAS access, S5, reset ---- */

/* A fixed-hardware register, resolved from its GAS once (§5.2.3.2). */
struct acpi_reg {
    u8 space;               /* ACPI_SPACE_IO or ACPI_SPACE_MEM; REG_ABSENT otherwise */
    u8 width;               /* access width in bits: 8, 16 or 32 */
    u16 port;
    volatile void *mem;     /* mapped once: a poll loop must not map per read */
};
#define REG_ABSENT 0xff

static struct acpi_reg reg_from_gas(const struct acpi_gas *g)
{
    struct acpi_reg r = { .space = REG_ABSENT, .width = 8 };

    if (g->bit_width == 8 || g->bit_width == 16 || g->bit_width == 32)
        r.width = g->bit_width;
    else if (g->access_size >= 1 && g->access_size <= 3)
        r.width = (u8)(8u << (g->access_size - 1));
    if (g->address && g->space_id == ACPI_SPACE_IO) {
        r.space = ACPI_SPACE_IO;
        r.port = (u16)g->address;
    } else if (g->address && g->space_id == ACPI_SPACE_MEM &&
               (r.mem = (volatile void *)acpi_map(g->address, 4))) {
        r.space = ACPI_SPACE_MEM;
    }
    return r;
}

static u32 reg_read(const struct acpi_reg *r)
{
    if (r->space == ACPI_SPACE_IO)
        return r->width == 8 ? inb(r->port) : r->width == 16 ? inw(r->port) : inl(r->port);
    if (r->space == ACPI_SPACE_MEM)
        return r->width == 8 ? readb(r->mem) : r->width == 16 ? readw(r->mem) : readl(r->mem);
    return 0;
}

static void reg_write(const struct acpi_reg *r, u32 v)
{
    if (r->space == ACPI_SPACE_IO) {
        if (r->width == 8)
            outb(r->port, (u8)v);
        else if (r->width == 16)
            outw(r->port, (u16)v);
        else
            outl(r->port, v);
    } else if (r->space == ACPI_SPACE_MEM) {
        if (r->width == 8)
            writeb((u8)v, r->mem);
        else if (r->width == 16)
            writew((u16)v, r->mem);
        else
            writel(v, r->mem);
    }
}

/* PM1x_CNT: the X_ GAS when the FADT has one, else the legacy I/O block. */
static struct acpi_reg pm1_cnt(unsigned x_off, unsigned blk_off)
{
    struct acpi_gas g = fadt_gas(x_off);

    if (!g.address) {
        g.space_id = ACPI_SPACE_IO;
        g.bit_width = (u8)(fadt_read(FADT_PM1_CNT_LEN, 1) * 8);
        g.address = fadt_read(blk_off, 4);
    }
    return reg_from_gas(&g);
}

/*
 * Hand the fixed hardware from SMM to the OS (FADT SMI_CMD/ACPI_ENABLE,
 * §5.2.9; §4.8.3.2.1 SCI_EN), bounded: firmware that never sets SCI_EN
 * still gets the sleep write attempted.
 */
static void acpi_enable(const struct acpi_reg *pm1a)
{
    u16 smi_cmd = (u16)fadt_read(FADT_SMI_CMD, 4);
    u8 enable = (u8)fadt_read(FADT_ACPI_ENABLE, 1);

    if (!smi_cmd || !enable || (reg_read(pm1a) & PM1_SCI_EN))
        return;
    outb(smi_cmd, enable);
    for (int i = 0; i < 1000000 && !(reg_read(pm1a) & PM1_SCI_EN); i++)
        ;
}

/* Write SLP_TYP, then SLP_TYP | SLP_EN, keeping the other bits (§7.4.2, §4.8.3.2.1). */
static void pm1_sleep(const struct acpi_reg *r, u8 typ)
{
    u32 v;

    if (r->space == REG_ABSENT)
        return;
    v = reg_read(r) & ~((7u << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN);
    v |= (u32)typ << PM1_SLP_TYP_SHIFT;
    reg_write(r, v);
    reg_write(r, v | PM1_SLP_EN);
}

void acpi_poweroff(void)
{
    struct acpi_reg a, b;
    struct acpi_gas sleep_ctl;

    if (!fadt || s5_status)
        return;
    pr_info("acpi: entering S5 (SLP_TYPa %u, SLP_TYPb %u)", slp_typa, slp_typb);
    if (fadt_read(FADT_FLAGS, 4) & FADT_FLAG_HW_REDUCED) {
        /* Hardware-reduced ACPI has no PM1 block: the sleep control register (§4.8.3.7). */
        sleep_ctl = fadt_gas(FADT_SLEEP_CONTROL);
        a = reg_from_gas(&sleep_ctl);
        reg_write(&a, ((u32)slp_typa << SLEEP_CTL_TYP_SHIFT) | SLEEP_CTL_SLP_EN);
    } else {
        a = pm1_cnt(FADT_X_PM1A_CNT, FADT_PM1A_CNT);
        b = pm1_cnt(FADT_X_PM1B_CNT, FADT_PM1B_CNT);
        acpi_enable(&a);
        pm1_sleep(&a, slp_typa);
        pm1_sleep(&b, slp_typb);
    }
    for (int i = 0; i < 10000000; i++)  /* the power goes; give it a moment */
        cpu_relax();
    pr_err("acpi: S5 did not power off");
}

#define PCI_RESET_CONTROL   0xcf9       /* PIIX/ICH reset control register */
#define RCR_SYS_RST         0x02
#define RCR_RST_CPU         0x04
#define KBC_STATUS          0x64
#define KBC_STATUS_IBF      0x02
#define KBC_CMD_RESET       0xfe        /* pulse the CPU reset line */

void acpi_reboot(void)
{
    struct acpi_gas gas = fadt_gas(FADT_RESET_REG);
    struct acpi_reg reset = reg_from_gas(&gas);

    pr_info("acpi: resetting");
    /* §4.8.3.6: the FADT reset register, when the firmware says it works. */
    if (fadt_read(FADT_FLAGS, 4) & FADT_FLAG_RESET_REG_SUP)
        reg_write(&reset, (u32)fadt_read(FADT_RESET_VALUE, 1));
    outb(PCI_RESET_CONTROL, RCR_SYS_RST);
    outb(PCI_RESET_CONTROL, RCR_SYS_RST | RCR_RST_CPU);
    /* The 8042 last; the IAPC_BOOT_ARCH flag is unreliable, a floating bus reads 0xff. */
    if (inb(KBC_STATUS) != 0xff) {
        for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_STATUS_IBF); i++)
            ;
        outb(KBC_STATUS, KBC_CMD_RESET);
    }
    for (int i = 0; i < 10000000; i++)
        cpu_relax();
    pr_err("acpi: reset failed");
}

/* ktest=reboot: under QEMU -no-reboot a working reset ends QEMU with status 0. */
static int reboot_test(void)
{
    acpi_reboot();
    return 1;
}
KTEST("reboot", reboot_test);
