/* entry.S: Multiboot v1 header and the switch to the higher half.
 *
 * The loader (QEMU -kernel, vx86) enters at the physical address _start with paging off,
 * EAX = 0x2BADB002, EBX = physical address of the multiboot info (Multiboot 0.6.96 §3.2).
 * The kernel is linked at KERNBASE + 1 MiB but loaded at 1 MiB, so until paging is on only
 * position-independent code may run. We map the first 256 MiB twice with 4 MiB pages (PSE,
 * SDM 3A §4.3): at 0 (so this code keeps running) and at KERNBASE; vm.c replaces this
 * directory with the real one. arch/x86.h holds C (enums, inline functions), so the
 * few control-register and page bits used here are spelled out with their names. */

#define KERNBASE     0xC0000000
#include "arch/multiboot.h"
#define MB_MAGIC     MULTIBOOT_HEADER_MAGIC
#define MB_FLAGS     (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)
#define CR0_PG_WP    0x80010000     /* CR0.PG | CR0.WP */
#define CR4_PSE      0x00000010
#define PDE_P_W_PS   0x00000083     /* present | writable | 4 MiB page */
#define BOOT_MAP_4M  64             /* 64 x 4 MiB = 256 MiB */
#define KSTACK_BYTES 16384

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)

    .text
    .globl entry
entry:
    cld
    movl %eax, %esi                 /* magic */
    movl %ebx, %edx                 /* multiboot info (physical) */
    movl $(bootpgdir - KERNBASE), %edi
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $22, %eax
    orl $PDE_P_W_PS, %eax
    movl %eax, (%edi,%ecx,4)
    movl %eax, (KERNBASE >> 20)(%edi,%ecx,4)
    incl %ecx
    cmpl $BOOT_MAP_4M, %ecx
    jb 1b
    movl %cr4, %eax
    orl $CR4_PSE, %eax
    movl %eax, %cr4
    movl %edi, %cr3
    movl %cr0, %eax
    orl $CR0_PG_WP, %eax
    movl %eax, %cr0
    movl $2f, %eax                  /* an absolute jump into the higher half */
    jmp *%eax
2:  /* Zero .bss (the loader should have; a run must not depend on it). */
    movl %edx, %ebx
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl
    movl $boot_stack + KSTACK_BYTES, %esp
    xorl %ebp, %ebp
    pushl %ebx
    pushl %esi
    call kmain                      /* kmain(magic, mbi_pa) never returns */
3:  cli
    hlt
    jmp 3b

    .data
    .balign 4096
    .globl bootpgdir
bootpgdir:
    .fill 1024, 4, 0

    .bss
    .balign 4096
    .globl boot_stack
boot_stack:                         /* the idle task's kernel stack */
    .skip KSTACK_BYTES
