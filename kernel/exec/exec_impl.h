/*
 * Shared inside kernel/exec only: the pure layout helpers (layout.c) the
 * loader uses and the host tests check (tests/unit/test_user_mm.c).
 */
#ifndef KERNEL_EXEC_IMPL_H
#define KERNEL_EXEC_IMPL_H

#include <kernel/elf.h>

/*
 * PROT_* bits for the page at `page` (page-aligned): the union over every
 * PT_LOAD segment that has a byte in it (linkers let segments share a page);
 * 0 when no segment touches it.
 */
unsigned exec_page_prot(const struct elf_image *img, u64 page);

/* What goes on the initial stack besides the ELF facts. */
struct exec_stack_args {
    const char *const *argv;    /* argv[0] first, NULL-terminated */
    const char *const *envp;    /* NULL-terminated */
    const u8 *random;           /* 16 bytes for AT_RANDOM */
    u64 hwcap;                  /* AT_HWCAP: CPUID.1:EDX, as Linux gives it */
};

/*
 * Lay out the initial process stack of System V x86-64 psABI §3.4.1 (figure
 * 3.9: argc, argv, NULL, envp, NULL, auxv, then the strings and AT_RANDOM's
 * bytes above) for a stack whose highest address is `top`, into buf, which
 * stands for the user bytes [top - size, top).  Sets *sp (16-byte aligned,
 * pointing at argc).  0, or -E2BIG when it does not fit in size bytes.
 */
int exec_build_stack(u8 *buf, size_t size, u64 top, const struct elf_image *img,
                     const struct exec_stack_args *a, u64 *sp);

#endif
