/*
 * Shared inside kernel/arch only: the FPU/SSE/AVX state of user threads
 * (fpu.c), used by syscall.c's thread hooks.  The kernel itself is built
 * without SSE, so the registers only ever hold user state.
 */
#ifndef KERNEL_ARCH_FPU_H
#define KERNEL_ARCH_FPU_H

#include <kernel/sched.h>

/* CR0/CR4 and XCR0 set-up; once, before any user thread exists. */
void fpu_init(void);
/* A save area in the init state (one page, so XSAVE's 64-byte alignment holds), or NULL. */
void *fpu_alloc(void);
void fpu_free(void *area);
/* Make t's saved state the live one, saving the previous owner's first. */
void fpu_switch_to(struct thread *t);
/* t no longer exists: its state must never be saved again. */
void fpu_forget(struct thread *t);

#endif
