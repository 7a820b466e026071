/* Shared inside drivers/pci only: the list of functions and BAR assignment. */
#ifndef DRIVERS_PCI_IMPL_H
#define DRIVERS_PCI_IMPL_H

#include <drivers/pci.h>

extern struct list_head pci_devices;    /* every function, in scan order (probe.c) */

/* Give addresses to BARs the firmware left at 0 (setup.c). */
void pci_assign_unassigned(void);

/* Switch config access to ECAM when ACPI describes it (ecam.c). */
void pci_ecam_init(void);

/* Correct Interrupt Line from the chipset's PIRQ routing where it disagrees (irq.c). */
void pci_fixup_intx(void);

#endif
