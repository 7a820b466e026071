/*
 * 32-bit protected mode -> 64-bit long mode (Intel SDM vol. 3 §9.8.5).
 *
 * Both multiboot loaders enter _start32 in flat 32-bit protected mode with
 * paging off, EAX = magic and EBX = physical address of the boot information.
 * We build early page tables that map the first 4 GiB three times with 2 MiB
 * pages: identity (so this code survives enabling paging), at the direct-map
 * base PAGE_OFFSET (0xffff800000000000) and, for the first 1 GiB, at
 * KERNEL_VMA (0xffffffff80000000) where the C kernel is linked.  kernel_main()
 * later replaces these tables with precise ones (kernel/mm/paging.c).
 */
#define KERNEL_VMA      0xffffffff80000000
#define PHYS(x)         ((x) - KERNEL_VMA)
#define PTE_P           0x1
#define PTE_W           0x2
#define PTE_PS          0x80
#define COM1            0x3f8
#define PANIC_EXIT_STATUS 0x7f          /* <kernel/panic.h> */

    .section .boot.text, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    mov     %eax, %edi                  /* multiboot magic -> arg 0 */
    mov     %ebx, %esi                  /* boot info (physical) -> arg 1 */

    /* Long mode needs CPUID leaf 0x80000001 EDX.LM (bit 29). */
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      no_long_mode
    mov     $0x80000001, %eax
    cpuid
    test    $(1 << 29), %edx
    jz      no_long_mode
    mov     %edx, %ebp                  /* keep EDX.NX (bit 20) for EFER.NXE */

    /*
     * Does the image fit in RAM?  With too small a QEMU -m, its tail (.bss,
     * the early tables and boot stack) lies past the end of RAM and the
     * first store there would be lost.  Multiboot v1 (§3.3) gives mem_upper:
     * KiB of contiguous RAM from 1 MiB (GRUB's multiboot2 checks the ELF itself).
     */
    cmp     $0x2BADB002, %edi
    jne     8f
    testb   $1, (%esi)                  /* flags bit 0: mem_lower/mem_upper valid */
    jz      8f
    mov     $(PHYS(_kernel_end) - 0x100000 + 1023), %edx
    shr     $10, %edx                   /* KiB the image needs above 1 MiB */
    cmp     %edx, 8(%esi)
    jb      too_little_ram
8:
    /* Zero the early tables: the loader zeroes .bss, but do not rely on it. */
    mov     $PHYS(early_pml4), %edx
    mov     %edi, %ebx
    mov     %edx, %edi
    mov     $(7 * 4096 / 4), %ecx
    xor     %eax, %eax
    rep stosl
    mov     %ebx, %edi

    /* PML4: [0] and [256] -> low PDPT, [511] -> high PDPT. */
    mov     $PHYS(early_pdpt_low), %eax
    or      $(PTE_P | PTE_W), %eax
    mov     %eax, PHYS(early_pml4)
    mov     %eax, PHYS(early_pml4) + 256 * 8
    mov     $PHYS(early_pdpt_high), %eax
    or      $(PTE_P | PTE_W), %eax
    mov     %eax, PHYS(early_pml4) + 511 * 8

    /* Low PDPT [0..3] -> the four page directories; high PDPT [510] -> the first. */
    mov     $PHYS(early_pd), %eax
    or      $(PTE_P | PTE_W), %eax
    mov     %eax, PHYS(early_pdpt_high) + 510 * 8
    xor     %ecx, %ecx
1:  mov     %eax, PHYS(early_pdpt_low)(, %ecx, 8)
    add     $4096, %eax
    inc     %ecx
    cmp     $4, %ecx
    jne     1b

    /* 2048 PD entries of 2 MiB cover 4 GiB. */
    xor     %ecx, %ecx
2:  mov     %ecx, %eax
    shl     $21, %eax
    or      $(PTE_P | PTE_W | PTE_PS), %eax
    mov     %eax, PHYS(early_pd)(, %ecx, 8)
    inc     %ecx
    cmp     $2048, %ecx
    jne     2b

    mov     $PHYS(early_pml4), %eax
    mov     %eax, %cr3
    mov     %cr4, %eax
    or      $(1 << 5), %eax             /* CR4.PAE */
    mov     %eax, %cr4
    mov     $0xC0000080, %ecx           /* IA32_EFER */
    rdmsr
    or      $(1 << 8), %eax             /* LME */
    test    $(1 << 20), %ebp
    jz      3f
    or      $(1 << 11), %eax            /* NXE, when the CPU has NX */
3:  wrmsr
    mov     %cr0, %eax
    or      $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
    mov     %eax, %cr0

    lgdt    early_gdt_ptr
    ljmp    $0x08, $start64_low

too_little_ram:
    mov     $msg_no_ram, %esi
    mov     $PANIC_EXIT_STATUS, %edi
    jmp     boot_fail
no_long_mode:
    mov     $msg_no_lm, %esi
    mov     $1, %edi
/* Print the string at ESI on COM1, then power off with status EDI (QEMU isa-debug-exit). */
boot_fail:
4:  lodsb
    test    %al, %al
    jz      5f
    mov     %al, %bl
    mov     $(COM1 + 5), %dx            /* wait for THR empty */
6:  inb     %dx, %al
    test    $0x20, %al
    jz      6b
    mov     $COM1, %dx
    mov     %bl, %al
    outb    %al, %dx
    jmp     4b
5:  mov     $0xf4, %dx                  /* isa-debug-exit */
    mov     %edi, %eax
    outl    %eax, %dx
7:  hlt
    jmp     7b

    .code64
start64_low:
    mov     $0x10, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    movabs  $_start64, %rax
    jmp     *%rax

    .section .boot.data, "aw"
    .align 16
early_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 0x08: 64-bit ring-0 code */
    .quad 0x00cf92000000ffff            /* 0x10: ring-0 data */
early_gdt_end:
early_gdt_ptr:
    .short early_gdt_end - early_gdt - 1
    .long early_gdt
msg_no_lm:
    .asciz "boot: this CPU has no long mode (x86-64); cannot continue\r\n"
msg_no_ram:
    .asciz "boot: too little RAM: the kernel image does not fit below the end of memory; cannot continue\r\n"

    .section .text.entry, "ax"
    .global _start64
_start64:
    movabs  $boot_stack_top, %rsp
    xor     %ebp, %ebp                  /* terminates frame-pointer backtraces */
    call    kernel_main                 /* (u32 magic, u32 info_phys); never returns */
8:  cli
    hlt
    jmp     8b

    .section .bss
    .align 4096
    .global early_pml4
early_pml4:      .skip 4096
early_pdpt_low:  .skip 4096
early_pdpt_high: .skip 4096
early_pd:        .skip 4 * 4096
    .global early_pt_end                /* mm_init frees [early_pml4, here) */
early_pt_end:
    .global boot_stack_bottom
boot_stack_bottom:
    .skip 16384
boot_stack_top:
