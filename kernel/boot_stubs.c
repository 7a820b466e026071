/*
 * TEMPORARY: weak stand-ins so the skeleton links while subsystems land.
 * Each is overridden by the real (strong) definition; this file is deleted
 * once every subsystem exists.
 */
#include <kernel/acpi.h>
#include <kernel/arch/cpu.h>
#include <kernel/bootinfo.h>
#include <kernel/irq.h>
#include <kernel/mm.h>
#include <kernel/sched.h>
#include <kernel/time.h>

#define WEAK __attribute__((weak))
