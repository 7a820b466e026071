/*
 * Starting the one app (kernel/exec/loader.c, kernel/user/process.c): find
 * its ELF image (the first boot module, else the one linked into the kernel
 * by `make APP=<name>`), load it into a fresh address space with the initial
 * stack of System V x86-64 psABI §3.4.1, and run it in ring 3 until it exits.
 */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <kernel/elf.h>

struct user_mm;

/* An app image: bytes in the boot module or the kernel image, until app_image_release(). */
struct app_image {
    const void *data;
    size_t size;                /* bytes */
    char name[128];             /* argv[0]: the module's first word or the built-in app's name */
};

/* The app to run; false when there is neither a boot module nor a built-in app. */
bool app_image_get(struct app_image *app);

/*
 * Give app's pages, and the built-in app's if a boot module replaced it, to
 * the page allocator (the loader has copied what it needs: a second copy
 * would sit in RAM for the VM's lifetime).  app->data must not be read after.
 */
void app_image_release(const struct app_image *app);

/*
 * Map app into mm (PT_LOAD segments with their permissions, brk after them,
 * the stack with argv[0] = app->name, argv[1..] = argv, envp and auxv) and
 * give the entry point and initial stack pointer.  0; ELF_EXIT_BASE + the
 * elf_error when the image is refused (the reason is printed); -ENOMEM.
 */
int exec_load(struct user_mm *mm, const struct app_image *app, char *const argv[],
              u64 *entry, u64 *sp);

/*
 * Run app in ring 3 in a thread of its own and wait for it: the exit status
 * (exit_group's, 128 + signal after a fatal fault, or the loader's refusal
 * status).  Called once, by the composition root.
 */
int app_run(const struct app_image *app);

#endif
