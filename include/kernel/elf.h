/*
 * Validating parser for the app's ELF image (kernel/exec/elf.c).  The app is
 * a static x86-64 Linux ELF: ET_EXEC, or static-PIE ET_DYN that musl's start
 * code relocates itself.  elf_parse() checks everything the loader will trust
 * (System V gABI ch. 4-5, x86-64 psABI §5) and describes what to map; it
 * touches no page tables, so it runs on the host for tests.
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <kernel/types.h>

#define ELF_MAX_SEGMENTS    16
#define ELF_PIE_BASE        0x555555554000ULL  /* where Linux puts a PIE without ASLR */
#define USER_VA_MIN         0x10000ULL         /* Linux's default mmap_min_addr */
#define USER_VA_END         0x00007ffffffff000ULL
#define ELF_MAX_IMAGE       (1ULL << 32)       /* bytes of address space one image may span */

/* Why an image was refused; the loader powers off with ELF_EXIT_BASE + the code. */
enum elf_error {
    ELF_OK = 0,
    ELF_ETRUNC,         /* file shorter than a header or table it declares */
    ELF_EMAGIC,         /* not an ELF file */
    ELF_ECLASS,         /* not ELFCLASS64 little-endian version 1 */
    ELF_EMACHINE,       /* not EM_X86_64 */
    ELF_ETYPE,          /* not ET_EXEC or ET_DYN */
    ELF_EPHDR,          /* program header table malformed */
    ELF_ESEGFILE,       /* a segment's file bytes lie beyond the file */
    ELF_EALIGN,         /* p_align not a power of two, or vaddr/offset disagree modulo the page */
    ELF_EMEMSZ,         /* p_memsz < p_filesz, or the image is implausibly large */
    ELF_ERANGE,         /* a segment outside user space (kernel half, page 0, overflow) */
    ELF_EOVERLAP,       /* two PT_LOAD segments overlap */
    ELF_ENOLOAD,        /* no PT_LOAD segment, or the entry point is outside them */
    ELF_ERROR_COUNT
};
#define ELF_EXIT_BASE 100

/* One PT_LOAD segment, addresses already biased (final user addresses). */
struct elf_segment {
    u64 vaddr;          /* first byte (not page-aligned necessarily) */
    u64 memsz, filesz;  /* bytes; [filesz, memsz) is zero-filled (.bss) */
    u64 offset;         /* file offset of the first byte */
    u32 flags;          /* PF_R | PF_W | PF_X */
};

struct elf_image {
    u64 entry;                  /* biased entry point */
    u64 load_bias;              /* 0 for ET_EXEC, ELF_PIE_BASE for ET_DYN */
    u64 phdr_vaddr;             /* AT_PHDR: biased address of the program headers */
    u16 phnum, phentsize;       /* AT_PHNUM, AT_PHENT */
    u64 lo, hi;                 /* page-aligned extent of all PT_LOAD segments */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    unsigned nseg;
    bool has_tls;               /* PT_TLS: the initial TLS image */
    u64 tls_vaddr, tls_filesz, tls_memsz, tls_align;
    bool exec_stack;            /* PT_GNU_STACK with PF_X (absent: non-executable) */
};

/*
 * Parse and validate `size` bytes at `file` (owned by the caller, only read).
 * Returns ELF_OK and fills *img, or an elf_error code; *why (if not NULL) is
 * set to a short human-readable reason either way.
 */
enum elf_error elf_parse(const void *file, size_t size, struct elf_image *img, const char **why);
const char *elf_strerror(enum elf_error e);

#endif
