/* ELF validation (kernel/exec/elf.c): a valid static image is described
 * exactly; each class of malformed image is refused with its own code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <kernel/elf.h>
#include <kernel/string.h>
#include <linux/elf.h>

/* A small static executable: ELF header, 4 program headers, text + data. */
struct image {
    Elf64_Ehdr eh;
    Elf64_Phdr ph[4];
    unsigned char body[0x3000 - sizeof(Elf64_Ehdr) - 4 * sizeof(Elf64_Phdr)];
};
static struct image im;

static void make_valid(int type)
{
    u64 base = type == ET_DYN ? 0 : 0x400000;

    memset(&im, 0, sizeof(im));
    memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
    im.eh.e_ident[EI_CLASS] = ELFCLASS64;
    im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
    im.eh.e_ident[EI_VERSION] = EV_CURRENT;
    im.eh.e_type = type;
    im.eh.e_machine = EM_X86_64;
    im.eh.e_version = EV_CURRENT;
    im.eh.e_entry = base + 0x1010;
    im.eh.e_phoff = offsetof(struct image, ph);
    im.eh.e_ehsize = sizeof(Elf64_Ehdr);
    im.eh.e_phentsize = sizeof(Elf64_Phdr);
    im.eh.e_phnum = 4;
    /* text: file [0, 0x2000) at base, R+X (holds the headers too) */
    im.ph[0] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_X, 0, base, base, 0x2000, 0x2000, 0x1000 };
    /* data: file [0x2000, 0x3000) at base + 0x2000, memsz with .bss */
    im.ph[1] = (Elf64_Phdr){ PT_LOAD, PF_R | PF_W, 0x2000, base + 0x2000, base + 0x2000,
                             0x1000, 0x5000, 0x1000 };
    im.ph[2] = (Elf64_Phdr){ PT_TLS, PF_R, 0x2100, base + 0x2100, base + 0x2100, 0x10, 0x40, 8 };
    im.ph[3] = (Elf64_Phdr){ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 };
}

static enum elf_error parse(struct elf_image *img)
{
    const char *why = NULL;
    enum elf_error e = elf_parse(&im, sizeof(im), img, &why);

    assert_non_null(why);
    assert_string_equal(why, elf_strerror(e));
    return e;
}

static void test_valid_exec(void **state)
{
    struct elf_image img;
    (void)state;
    make_valid(ET_EXEC);
    assert_int_equal(parse(&img), ELF_OK);
    assert_int_equal(img.load_bias, 0);
    assert_int_equal(img.entry, 0x401010);
    assert_int_equal(img.nseg, 2);
    assert_int_equal(img.lo, 0x400000);
    assert_int_equal(img.hi, 0x407000);
    assert_int_equal(img.seg[1].filesz, 0x1000);
    assert_int_equal(img.seg[1].memsz, 0x5000);
    assert_int_equal(img.phdr_vaddr, 0x400000 + offsetof(struct image, ph));
    assert_int_equal(img.phnum, 4);
    assert_true(img.has_tls);
    assert_int_equal(img.tls_memsz, 0x40);
    assert_false(img.exec_stack);
}

static void test_valid_static_pie_is_biased(void **state)
{
    struct elf_image img;
    (void)state;
    make_valid(ET_DYN);
    assert_int_equal(parse(&img), ELF_OK);
    assert_int_equal(img.load_bias, ELF_PIE_BASE);
    assert_int_equal(img.entry, ELF_PIE_BASE + 0x1010);
    assert_int_equal(img.seg[0].vaddr, ELF_PIE_BASE);
}

static void test_truncated(void **state)
{
    struct elf_image img;
    (void)state;
    make_valid(ET_EXEC);
    for (size_t n = 0; n < sizeof(Elf64_Ehdr); n++)
        assert_int_equal(elf_parse(&im, n, &img, NULL), ELF_ETRUNC);
    /* header complete, program header table cut off */
    assert_int_equal(elf_parse(&im, sizeof(Elf64_Ehdr) + 10, &img, NULL), ELF_ETRUNC);
    /* tables complete, segment bytes beyond the file */
    assert_int_equal(elf_parse(&im, 0x2800, &img, NULL), ELF_ESEGFILE);
}

#define EXPECT(mutation, code)                      \
    do {                                            \
        struct elf_image img;                       \
        make_valid(ET_EXEC);                        \
        mutation;                                   \
        assert_int_equal(parse(&img), code);        \
    } while (0)

static void test_header_classes(void **state)
{
    (void)state;
    EXPECT(im.eh.e_ident[1] = 'X', ELF_EMAGIC);
    EXPECT(im.eh.e_ident[EI_CLASS] = ELFCLASS32, ELF_ECLASS);
    EXPECT(im.eh.e_ident[EI_DATA] = ELFDATA2MSB, ELF_ECLASS);
    EXPECT(im.eh.e_machine = EM_386, ELF_EMACHINE);
    EXPECT(im.eh.e_machine = EM_AARCH64, ELF_EMACHINE);
    EXPECT(im.eh.e_type = ET_REL, ELF_ETYPE);
    EXPECT(im.eh.e_type = ET_CORE, ELF_ETYPE);
    EXPECT(im.eh.e_phentsize = 40, ELF_EPHDR);
    EXPECT(im.eh.e_phnum = 0, ELF_EPHDR);
    EXPECT(im.eh.e_phoff = ~0ULL - 8, ELF_ETRUNC);
    EXPECT(im.eh.e_phnum = 60000, ELF_EPHDR);
}

static void test_dynamic_executables_refused(void **state)
{
    (void)state;
    EXPECT(im.ph[3].p_type = PT_INTERP, ELF_ETYPE);
    EXPECT(im.ph[3].p_type = PT_DYNAMIC, ELF_ETYPE);
}

static void test_segments(void **state)
{
    (void)state;
    EXPECT(im.ph[1].p_offset = ~0ULL - 0x10, ELF_ESEGFILE);
    EXPECT(im.ph[1].p_filesz = 0x100000, ELF_EMEMSZ);       /* filesz > memsz */
    EXPECT((im.ph[1].p_filesz = 0x100000, im.ph[1].p_memsz = 0x100000), ELF_ESEGFILE);
    EXPECT(im.ph[1].p_memsz = 1ULL << 40, ELF_EMEMSZ);      /* huge .bss */
    EXPECT(im.ph[1].p_align = 0x3000, ELF_EALIGN);
    EXPECT(im.ph[1].p_offset = 0x1010, ELF_EALIGN);         /* vaddr and offset disagree */
    EXPECT(im.ph[1].p_vaddr = 0x401000, ELF_EOVERLAP);      /* on top of text */
    EXPECT(im.ph[1].p_vaddr = 0x3ff000, ELF_EOVERLAP);      /* its .bss runs into text */
    EXPECT(im.ph[1].p_vaddr = 0xffffffff80002000, ELF_ERANGE); /* the kernel image */
    EXPECT(im.ph[1].p_vaddr = 0xffff800000002000, ELF_ERANGE); /* the direct map */
    EXPECT(im.ph[1].p_vaddr = 0x7ffffffff000, ELF_ERANGE);   /* runs past user space */
    EXPECT((im.ph[0].p_vaddr = 0, im.eh.e_entry = 0x10), ELF_ERANGE); /* page 0 */
    EXPECT(im.ph[2].p_memsz = 1ULL << 40, ELF_EMEMSZ);      /* TLS too */
    /* each segment plausible, but together spanning more than ELF_MAX_IMAGE */
    EXPECT(im.ph[1].p_vaddr = 0x400000 + (5ULL << 32) + 0x2000, ELF_EMEMSZ);
}

static void test_segments_may_share_a_page(void **state)
{
    struct elf_image img;
    (void)state;
    make_valid(ET_EXEC);
    /* data starts on text's last page, bytes disjoint: legal, as GNU ld emits */
    im.ph[0].p_filesz = im.ph[0].p_memsz = 0x1f00;
    im.ph[1].p_vaddr = im.ph[1].p_paddr = 0x401f00;
    im.ph[1].p_offset = 0x1f00;
    assert_int_equal(parse(&img), ELF_OK);
    assert_int_equal(img.lo, 0x400000);
    assert_int_equal(img.hi, 0x407000);
}

static void test_entry_must_be_in_text(void **state)
{
    (void)state;
    EXPECT(im.eh.e_entry = 0x402010, ELF_ENOLOAD);          /* in data: not executable */
    EXPECT(im.eh.e_entry = 0x900000, ELF_ENOLOAD);
    EXPECT((im.ph[0].p_type = PT_NOTE, im.ph[1].p_type = PT_NOTE), ELF_ENOLOAD);
}

static void test_every_code_has_a_reason(void **state)
{
    (void)state;
    for (int e = 0; e < ELF_ERROR_COUNT; e++)
        assert_non_null(elf_strerror(e));
    assert_string_equal(elf_strerror(ELF_ERROR_COUNT + 5), "unknown error");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_exec),
        cmocka_unit_test(test_valid_static_pie_is_biased),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_header_classes),
        cmocka_unit_test(test_dynamic_executables_refused),
        cmocka_unit_test(test_segments),
        cmocka_unit_test(test_segments_may_share_a_page),
        cmocka_unit_test(test_entry_must_be_in_text),
        cmocka_unit_test(test_every_code_has_a_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
