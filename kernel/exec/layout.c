/*
 * Pure layout for the loader: which permissions each image page gets, and
 * the bytes of the initial process stack (System V x86-64 psABI §3.4.1,
 * figure 3.9; the auxiliary vector of §3.4.3 with Linux's entries).  Above:
 * kernel/exec/loader.c.  Below: nothing but memcpy, so the host tests run it.
 */
#include <kernel/compiler.h>
#include <kernel/errno.h>
#include <kernel/string.h>
#include <linux/auxvec.h>
#include <linux/elf.h>
#include <linux/mman.h>
#include "exec_impl.h"

#define PAGE        4096ULL
#define MAX_STRS    64          /* argv + envp entries */
#define AUXV_MAX    20
#define CLK_TCK     100         /* USER_HZ: what times() counts in */

static unsigned pf_to_prot(u32 pf)
{
    return (pf & PF_R ? PROT_READ : 0) | (pf & PF_W ? PROT_WRITE : 0) |
           (pf & PF_X ? PROT_EXEC : 0);
}

unsigned exec_page_prot(const struct elf_image *img, u64 page)
{
    unsigned prot = 0;

    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (s->vaddr < page + PAGE && page < s->vaddr + s->memsz)
            prot |= pf_to_prot(s->flags);
    }
    return prot;
}

/* A downward-growing cursor over buf, which stands for user [top - size, top). */
struct stack_cursor {
    u8 *buf;
    u64 base, sp;               /* user addresses: base = top - size */
    bool overflow;
};

/* Push n bytes; their user address (0 once the buffer is full). */
static u64 push(struct stack_cursor *c, const void *p, size_t n)
{
    if (c->overflow || n > c->sp - c->base) {
        c->overflow = true;
        return 0;
    }
    c->sp -= n;
    memcpy(c->buf + (c->sp - c->base), p, n);
    return c->sp;
}

static u64 push_str(struct stack_cursor *c, const char *s)
{
    return push(c, s, strlen(s) + 1);
}

/* Push each string of a NULL-terminated list (last first); their addresses in order. */
static int push_strs(struct stack_cursor *c, const char *const *v, u64 *addr, unsigned *n)
{
    unsigned count = 0;

    while (v && v[count])
        if (++count > MAX_STRS)
            return -E2BIG;
    for (unsigned i = count; i-- > 0;)
        addr[i] = push_str(c, v[i]);
    *n = count;
    return 0;
}

static unsigned fill_auxv(u64 (*aux)[2], const struct elf_image *img,
                          const struct exec_stack_args *a, u64 random, u64 execfn,
                          u64 platform)
{
    const u64 v[][2] = {
        { AT_HWCAP, a->hwcap }, { AT_PAGESZ, PAGE }, { AT_CLKTCK, CLK_TCK },
        { AT_PHDR, img->phdr_vaddr }, { AT_PHENT, img->phentsize },
        { AT_PHNUM, img->phnum }, { AT_BASE, 0 }, { AT_FLAGS, 0 },
        { AT_ENTRY, img->entry }, { AT_UID, 0 }, { AT_EUID, 0 }, { AT_GID, 0 },
        { AT_EGID, 0 }, { AT_SECURE, 0 }, { AT_RANDOM, random },
        { AT_EXECFN, execfn }, { AT_PLATFORM, platform }, { AT_NULL, 0 },
    };
    _Static_assert(ARRAY_SIZE(v) <= AUXV_MAX, "AUXV_MAX");
    memcpy(aux, v, sizeof(v));
    return ARRAY_SIZE(v);
}

int exec_build_stack(u8 *buf, size_t size, u64 top, const struct elf_image *img,
                     const struct exec_stack_args *a, u64 *sp)
{
    struct stack_cursor c = { .buf = buf, .base = top - size, .sp = top };
    u64 argp[MAX_STRS], envp[MAX_STRS], aux[AUXV_MAX][2], zero = 0, execfn, random, platform;
    unsigned argc, envc, naux, words;

    push(&c, &zero, sizeof(zero));          /* Linux's end marker at the very top */
    execfn = push_str(&c, a->argv[0]);
    if (push_strs(&c, a->envp, envp, &envc) || push_strs(&c, a->argv, argp, &argc))
        return -E2BIG;
    platform = push_str(&c, "x86_64");
    random = push(&c, a->random, 16);
    naux = fill_auxv(aux, img, a, random, execfn, platform);
    words = 1 + argc + 1 + envc + 1 + 2 * naux;
    if (c.overflow || c.sp - c.base < words * 8 + 16)
        return -E2BIG;
    /* rsp must be 16-byte aligned at process entry, pointing at argc (§3.4.1). */
    c.sp = ALIGN_DOWN(c.sp - words * 8, 16) + words * 8;
    for (unsigned i = naux; i-- > 0;)
        push(&c, aux[i], sizeof(aux[i]));
    push(&c, &zero, 8);
    for (unsigned i = envc; i-- > 0;)
        push(&c, &envp[i], 8);
    push(&c, &zero, 8);
    for (unsigned i = argc; i-- > 0;)
        push(&c, &argp[i], 8);
    *sp = push(&c, &(u64){ argc }, 8);
    return 0;
}
