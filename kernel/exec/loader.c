/*
 * The ELF loader: the app image from the first boot module (QEMU -initrd,
 * GRUB module2) or the kernel's .app_image section, validated by elf.c,
 * copied into fresh user pages with the segments' own permissions, then the
 * stack (psABI §3.4.1, laid out by layout.c).  Above: process.c (app_main).
 * Below: user_mm (pages and VMAs), copy_to_user.  Static PIE (ET_DYN) loads
 * at ELF_PIE_BASE and relocates itself (musl's _dlstart_c).
 */
#include <kernel/arch/cpu.h>
#include <kernel/bootinfo.h>
#include <kernel/cmdline.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/mm.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/user_mm.h>
#include "exec_impl.h"

#define STACK_IMAGE_MAX (2 * PAGE_SIZE)  /* argv, envp, auxv and their strings */

extern const char __app_image_start[], __app_image_end[];
/* build/app_image.S (apps/apps.mk) defines it when an app is built in. */
extern const char app_builtin_name[] __attribute__((weak));

/* Linux's environment for init (init/main.c envp_init). */
static const char *const app_envp[] = { "HOME=/", "TERM=linux", NULL };

bool app_image_get(struct app_image *app)
{
    if (boot_info.nr_modules) {
        const struct boot_module *m = &boot_info.modules[0];
        size_t n = strcspn(m->cmdline, " ");

        app->data = phys_to_virt(m->start);
        app->size = m->end - m->start;
        strlcpy(app->name, n ? m->cmdline : "app", MIN(n ? n + 1 : 4, sizeof(app->name)));
        return true;
    }
    app->size = (size_t)(__app_image_end - __app_image_start);
    if (!app->size)
        return false;
    app->data = __app_image_start;
    strlcpy(app->name, app_builtin_name ? app_builtin_name : "app", sizeof(app->name));
    return true;
}

void app_image_release(const struct app_image *app)
{
    if (boot_info.nr_modules)
        free_boot_pages(app->data, (const char *)app->data + app->size, "the app's boot module");
    free_boot_pages(__app_image_start, __app_image_end, "the built-in app image");  /* used or not */
}

/* Runs of pages with equal permissions become one VMA each; gaps stay unmapped. */
static int map_segments(struct user_mm *mm, const struct elf_image *img)
{
    for (u64 page = img->lo, end; page < img->hi; page = end) {
        unsigned prot = exec_page_prot(img, page);
        int err;

        for (end = page + PAGE_SIZE; end < img->hi && exec_page_prot(img, end) == prot;)
            end += PAGE_SIZE;
        if (prot && (err = user_map(mm, page, end, prot, VMA_IMAGE)))
            return err;
    }
    return 0;
}

/* File bytes go in through the direct map: text pages are read-only to users. */
static void copy_segments(const struct elf_image *img, const u8 *file)
{
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];

        for (u64 off = 0, n; off < s->filesz; off += n) {
            u64 va = s->vaddr + off;
            n = MIN(s->filesz - off, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
            memcpy((u8 *)user_page_kaddr(va) + (va & (PAGE_SIZE - 1)), file + s->offset + off, n);
        }
    }
}

static int setup_stack(struct user_mm *mm, const struct elf_image *img, const char *name,
                       char *const argv[], u64 *sp)
{
    const char *av[CMDLINE_MAX_ARGS + 2];
    unsigned n = 0;
    u8 random[16], *buf;
    int err;

    av[n++] = name;
    while (argv && argv[n - 1] && n < ARRAY_SIZE(av) - 1) {
        av[n] = argv[n - 1];
        n++;
    }
    av[n] = NULL;
    mm->stack_top = USER_VA_END;
    mm->stack_start = mm->stack_top - USER_STACK_SIZE;
    mm->mmap_base = mm->stack_start - USER_STACK_GUARD;
    err = user_map(mm, mm->stack_start, mm->stack_top,
                   PROT_READ | PROT_WRITE | (img->exec_stack ? PROT_EXEC : 0), VMA_STACK);
    /* The stack is demand-paged: back its top now, so no RAM is -ENOMEM, not -EFAULT. */
    if (!err)
        err = user_populate(mm, mm->stack_top - STACK_IMAGE_MAX, mm->stack_top);
    buf = err ? NULL : kmalloc(STACK_IMAGE_MAX);
    if (!buf)
        return err ? err : -ENOMEM;
    get_random_bytes(random, sizeof(random));   /* AT_RANDOM: musl's stack canary and hash seeds */
    err = exec_build_stack(buf, STACK_IMAGE_MAX, mm->stack_top, img,
                           &(struct exec_stack_args){ .argv = av, .envp = app_envp,
                               .random = random, .hwcap = cpuid(1, 0).edx }, sp);
    if (!err)
        err = copy_to_user((void *)*sp, buf + (*sp - (mm->stack_top - STACK_IMAGE_MAX)),
                           mm->stack_top - *sp);
    kfree(buf);
    return err;
}

int exec_load(struct user_mm *mm, const struct app_image *app, char *const argv[],
              u64 *entry, u64 *sp)
{
    struct elf_image img;
    const char *why;
    enum elf_error e = elf_parse(app->data, app->size, &img, &why);
    int err;

    if (e) {
        pr_err("exec: %s: refused: %s (exit status %d)", app->name, why, ELF_EXIT_BASE + e);
        return ELF_EXIT_BASE + e;
    }
    err = map_segments(mm, &img);
    if (err)
        return err;
    copy_segments(&img, app->data);
    mm->start_brk = mm->brk = img.hi;
    err = setup_stack(mm, &img, app->name, argv, sp);
    if (err)
        return err;
    *entry = img.entry;
    pr_info("exec: %s: %s, entry %#llx, %u segments, brk %#llx%s", app->name,
            img.load_bias ? "static PIE" : "static", (unsigned long long)img.entry, img.nseg,
            (unsigned long long)mm->brk, img.exec_stack ? ", executable stack" : "");
    return 0;
}
