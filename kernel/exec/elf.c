/*
 * ELF validation for the app loader (gABI "Program Header", x86-64 psABI).
 * Below: nothing (pure function over a byte buffer).  Above: the loader in
 * kernel/exec/, which maps what struct elf_image describes.  Every field the
 * loader will trust is checked here with overflow-safe arithmetic, so a
 * hostile or truncated image is refused with a named reason, never a crash.
 */
#include <kernel/compiler.h>
#include <kernel/elf.h>
#include <kernel/string.h>
#include <linux/elf.h>

#define ELF_PAGE 4096ULL

static const char *const reasons[ELF_ERROR_COUNT] = {
    [ELF_OK] = "ok",
    [ELF_ETRUNC] = "truncated: a header or table lies beyond the end of the file",
    [ELF_EMAGIC] = "not an ELF file (bad magic)",
    [ELF_ECLASS] = "not a 64-bit little-endian ELF version 1",
    [ELF_EMACHINE] = "wrong machine (not x86-64)",
    [ELF_ETYPE] = "not an executable (ET_EXEC) or static PIE (ET_DYN)",
    [ELF_EPHDR] = "malformed program header table",
    [ELF_ESEGFILE] = "a segment's file bytes lie beyond the end of the file",
    [ELF_EALIGN] = "bad segment alignment",
    [ELF_EMEMSZ] = "bad segment size (memsz < filesz, or too large)",
    [ELF_ERANGE] = "a segment lies outside user space",
    [ELF_EOVERLAP] = "two loadable segments overlap",
    [ELF_ENOLOAD] = "no loadable segment holds the entry point",
};

const char *elf_strerror(enum elf_error e)
{
    return (unsigned)e < ELF_ERROR_COUNT ? reasons[e] : "unknown error";
}

static enum elf_error check_ehdr(const Elf64_Ehdr *eh, size_t size)
{
    if (size < SELFMAG)
        return ELF_ETRUNC;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
        return ELF_EMAGIC;
    if (size < sizeof(*eh))
        return ELF_ETRUNC;
    if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
        eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return ELF_ECLASS;
    if (eh->e_machine != EM_X86_64)
        return ELF_EMACHINE;
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
        return ELF_ETYPE;
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64)
        return ELF_EPHDR;
    if (eh->e_phoff > size || (u64)eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
        return ELF_ETRUNC;
    if (eh->e_phoff % 8)
        return ELF_EPHDR;
    return ELF_OK;
}

/* Checks shared by PT_LOAD and PT_TLS: sizes, file range, alignment, user range. */
static enum elf_error check_segment(const Elf64_Phdr *ph, size_t size, u64 bias)
{
    u64 va = ph->p_vaddr + bias;

    if (ph->p_memsz < ph->p_filesz || ph->p_memsz > ELF_MAX_IMAGE)
        return ELF_EMEMSZ;
    if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
        return ELF_ESEGFILE;
    if (ph->p_align > 1 && (ph->p_align & (ph->p_align - 1)))
        return ELF_EALIGN;
    if (ph->p_vaddr > USER_VA_END || va < USER_VA_MIN || va > USER_VA_END ||
        ph->p_memsz > USER_VA_END - va)
        return ELF_ERANGE;
    return ELF_OK;
}

static enum elf_error add_load(struct elf_image *img, const Elf64_Phdr *ph, size_t size)
{
    u64 va = ph->p_vaddr + img->load_bias;
    enum elf_error e = check_segment(ph, size, img->load_bias);
    u64 lo, hi;

    if (e)
        return e;
    if ((ph->p_vaddr - ph->p_offset) % ELF_PAGE)
        return ELF_EALIGN;
    if (img->nseg == ELF_MAX_SEGMENTS)
        return ELF_EPHDR;
    lo = ALIGN_DOWN(va, ELF_PAGE);
    hi = ALIGN_UP(va + ph->p_memsz, ELF_PAGE);
    /*
     * Byte ranges must be disjoint.  Two segments may share a page (linkers
     * do this); the loader copies bytes into fresh pages and gives a shared
     * page the union of both segments' permissions, as Linux's mmap does.
     */
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (va < s->vaddr + s->memsz && s->vaddr < va + ph->p_memsz)
            return ELF_EOVERLAP;
    }
    img->seg[img->nseg++] = (struct elf_segment){
        .vaddr = va, .memsz = ph->p_memsz, .filesz = ph->p_filesz,
        .offset = ph->p_offset, .flags = ph->p_flags,
    };
    img->lo = img->nseg == 1 ? lo : MIN(img->lo, lo);
    img->hi = img->nseg == 1 ? hi : MAX(img->hi, hi);
    return ELF_OK;
}

static enum elf_error add_tls(struct elf_image *img, const Elf64_Phdr *ph, size_t size)
{
    enum elf_error e = check_segment(ph, size, img->load_bias);

    if (e)
        return e;
    img->has_tls = true;
    img->tls_vaddr = ph->p_vaddr + img->load_bias;
    img->tls_filesz = ph->p_filesz;
    img->tls_memsz = ph->p_memsz;
    img->tls_align = ph->p_align ? ph->p_align : 1;
    return ELF_OK;
}

/* The entry point and the program headers (AT_PHDR) must lie inside loaded bytes. */
static enum elf_error check_layout(struct elf_image *img, const Elf64_Ehdr *eh)
{
    bool entry_ok = false;

    if (img->nseg == 0 || img->hi - img->lo > ELF_MAX_IMAGE)
        return img->nseg ? ELF_EMEMSZ : ELF_ENOLOAD;
    img->phdr_vaddr = 0;
    for (unsigned i = 0; i < img->nseg; i++) {
        const struct elf_segment *s = &img->seg[i];
        if (img->entry >= s->vaddr && img->entry < s->vaddr + s->memsz && (s->flags & PF_X))
            entry_ok = true;
        if (eh->e_phoff >= s->offset && eh->e_phoff - s->offset < s->filesz)
            img->phdr_vaddr = s->vaddr + (eh->e_phoff - s->offset);
    }
    return entry_ok ? ELF_OK : ELF_ENOLOAD;
}

static enum elf_error parse(const void *file, size_t size, struct elf_image *img)
{
    const Elf64_Ehdr *eh = file;
    Elf64_Phdr ph;
    enum elf_error e = check_ehdr(eh, size);

    if (e)
        return e;
    memset(img, 0, sizeof(*img));
    img->load_bias = eh->e_type == ET_DYN ? ELF_PIE_BASE : 0;
    img->entry = eh->e_entry + img->load_bias;
    img->phnum = eh->e_phnum;
    img->phentsize = eh->e_phentsize;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        /* memcpy: the table need not be aligned for Elf64_Phdr in the file buffer. */
        memcpy(&ph, (const u8 *)file + eh->e_phoff + i * sizeof(ph), sizeof(ph));
        if (ph.p_type == PT_LOAD && ph.p_memsz)
            e = add_load(img, &ph, size);
        else if (ph.p_type == PT_TLS)
            e = add_tls(img, &ph, size);
        else if (ph.p_type == PT_GNU_STACK)
            img->exec_stack = ph.p_flags & PF_X;
        else if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
            e = eh->e_type == ET_DYN && ph.p_type == PT_DYNAMIC ? ELF_OK : ELF_ETYPE;
        if (e)
            return e;
    }
    return check_layout(img, eh);
}

enum elf_error elf_parse(const void *file, size_t size, struct elf_image *img, const char **why)
{
    enum elf_error e = parse(file, size, img);

    if (why)
        *why = elf_strerror(e);
    return e;
}
