/* Stage 2, real-mode part. Stage 1 jumps here (0x8000) with the boot drive in DL. While the
 * BIOS is still usable we ask it about memory (INT 12h, INT 15h E820h), enable the A20 line,
 * then switch to 32-bit protected mode with a flat GDT and call stage2_main (stage2.c). */
#include "bootparams.h"

#define E820_MAX_ENTRIES 32
#define E820_ENTRY_SIZE  24
#define SMAP             0x534D4150      /* "SMAP", the E820h signature */
#define CODE_SELECTOR    0x08
#define DATA_SELECTOR    0x10

    .code16
    .section .text.entry, "ax"
    .globl stage2_start
stage2_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x7C00, %sp
    sti
    cld
    movb %dl, stage2_boot_drive

    int $0x12                       /* AX = KiB of conventional memory */
    movw %ax, stage2_mem_lower_kb

    /* E820h: one entry per call into ES:DI, EBX carries the continuation (0 = last). */
    xorl %ebx, %ebx
    movw $stage2_e820_entries, %di
e820_next:
    movl $1, 20(%di)                /* ACPI 3.0 attributes: "valid" unless the BIOS says */
    movl $0xE820, %eax
    movl $E820_ENTRY_SIZE, %ecx
    movl $SMAP, %edx
    int $0x15
    jc e820_done
    cmpl $SMAP, %eax
    jne e820_done
    incw stage2_e820_count
    addw $E820_ENTRY_SIZE, %di
    cmpw $E820_MAX_ENTRIES, stage2_e820_count
    jae e820_done
    testl %ebx, %ebx
    jnz e820_next
e820_done:

    /* A20: ask the BIOS, then use the "fast A20" bit of port 0x92 in case it could not. */
    movw $0x2401, %ax
    int $0x15
    inb $0x92, %al
    orb $0x02, %al
    andb $0xFE, %al                 /* bit 0 would reset the machine */
    outb %al, $0x92

    cli
    lgdtl gdt_descriptor
    movl %cr0, %eax
    orl $1, %eax                    /* CR0.PE */
    movl %eax, %cr0
    ljmpl $CODE_SELECTOR, $protected_mode

    .code32
protected_mode:
    movw $DATA_SELECTOR, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $0x7C00, %esp
    call stage2_main                /* does not return */
1:  hlt
    jmp 1b

    /* Flat 4 GiB segments, as multiboot promises the kernel: base 0, limit 0xFFFFF pages. */
    .balign 8
gdt:
    .quad 0
    .quad 0x00CF9A000000FFFF        /* 0x08: code, ring 0, 32-bit, execute/read */
    .quad 0x00CF92000000FFFF        /* 0x10: data, ring 0, read/write */
gdt_descriptor:
    .word gdt_descriptor - gdt - 1
    .long gdt

    .section .data
    .globl stage2_boot_drive, stage2_mem_lower_kb, stage2_e820_count, stage2_e820_entries
stage2_boot_drive:   .byte 0
    .balign 2
stage2_mem_lower_kb: .word 0
stage2_e820_count:   .word 0
    .balign 4
stage2_e820_entries: .skip E820_MAX_ENTRIES * E820_ENTRY_SIZE
