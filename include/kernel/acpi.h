/*
 * ACPI tables (ACPI 6.4 §5.2): found from the RSDP in struct boot_info.
 * Used for the MADT (interrupt controllers), the FADT (poweroff, reset) and
 * MCFG (PCIe ECAM).
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

/* Validate the RSDP and the RSDT/XSDT; 0 or -ENODEV when there is no ACPI. */
int acpi_init(const u8 *rsdp);
/* The n-th table with `sig` (checksum verified), mapped; NULL if absent. */
const struct acpi_sdt_header *acpi_find_table(const char sig[4], unsigned n);
/* Enter S5 through the FADT's PM1 control registers; returns only on failure. */
void acpi_poweroff(void);
/* Reset through the FADT reset register or the keyboard controller; returns only on failure. */
void acpi_reboot(void);

#endif
