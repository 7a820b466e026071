/*
 * Boot headers: multiboot v1 (for `qemu -kernel`) and multiboot2 (for GRUB).
 *
 * Why two: QEMU's -kernel loads multiboot v1 kernels but refuses a 64-bit ELF
 * unless the header carries the "a.out kludge" (flag bit 16), in which case it
 * ignores the ELF headers and copies [load_addr, load_end_addr) straight from
 * the file.  Our image is one contiguous run of bytes (boot/linker.ld), so the
 * kludge works and we keep a single 64-bit ELF.  PVH would also do, but qboot
 * reaches a multiboot kernel in ~60 ms and the multiboot path is shared with
 * GRUB.  GRUB boots the same file through the multiboot2 header, loading the
 * ELF program headers by physical address (Multiboot2 spec §3.1).
 */
#define MB1_MAGIC   0x1BADB002
#define MB1_FLAGS   ((1 << 0) | (1 << 1) | (1 << 16)) /* page-align modules, mem info, a.out kludge */
#define MB2_MAGIC   0xE85250D6
#define KERNEL_VMA  0xffffffff80000000

    .section .multiboot, "a"
    .align 4
mb1_header:                         /* Multiboot 0.6.96 §3.1.1 */
    .long MB1_MAGIC
    .long MB1_FLAGS
    .long -(MB1_MAGIC + MB1_FLAGS)
    .long mb1_header                /* header_addr (physical) */
    .long _image_phys_start         /* load_addr */
    .long _edata - KERNEL_VMA       /* load_end_addr */
    .long _ebss - KERNEL_VMA        /* bss_end_addr */
    .long _start32                  /* entry_addr */

    .align 8
mb2_header:                         /* Multiboot2 §3.1.2 */
    .long MB2_MAGIC
    .long 0                         /* architecture: i386 protected mode */
    .long mb2_header_end - mb2_header
    .long -(MB2_MAGIC + (mb2_header_end - mb2_header)) & 0xffffffff
    .align 8
mb2_info_request:                   /* §3.1.4, optional (flags = 1) */
    .short 1, 1
    .long mb2_info_request_end - mb2_info_request
    .long 1                         /* boot command line */
    .long 3                         /* modules */
    .long 6                         /* memory map */
    .long 14                        /* ACPI old RSDP */
    .long 15                        /* ACPI new RSDP */
    .long 8                         /* framebuffer info (§3.6.12), see below */
mb2_info_request_end:
    /*
     * No framebuffer header tag (§3.1.10): with one, GRUB 2.06 sets a VBE
     * graphics mode on BIOS machines too (gfxpayload=text is not honoured)
     * and the VGA text console is lost.  Without it GRUB still sets a GOP
     * mode under UEFI, which has no text mode, and reports it in the info
     * tag requested above; BIOS machines stay in text mode.
     */
    .align 8
    .short 6, 0                     /* module alignment: page-aligned modules */
    .long 8
    .align 8
    .short 0, 0                     /* end tag */
    .long 8
mb2_header_end:
