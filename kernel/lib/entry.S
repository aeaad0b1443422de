/* Multiboot v1 header and the image entry point.
 *
 * The loader (QEMU -kernel, vx86) enters _start in 32-bit protected mode, paging off, flat
 * segments, interrupts off, with EAX = 0x2BADB002 and EBX = physical address of the multiboot
 * info (Multiboot Specification 0.6.96, section 3.2). ESP is undefined, so we bring our own stack. */

#include "arch/multiboot.h"

#define MB_MAGIC      MULTIBOOT_HEADER_MAGIC
#define MB_FLAGS      (MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO)
#define STACK_BYTES   65536

    .section .multiboot, "a"
    .balign 4
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)   /* the three words must sum to zero */

    .section .text
    .globl _start
    .type _start, @function
_start:
    cld
    /* Zero .bss ourselves so a loader that skips it cannot make runs differ; EAX and EBX
     * are parked in ESI/EDX because REP STOSL uses EAX, ECX and EDI. */
    movl %eax, %esi
    movl %ebx, %edx
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    shrl $2, %ecx
    xorl %eax, %eax
    rep stosl

    movl $vx_stack_top, %esp
    xorl %ebp, %ebp                /* end of the frame-pointer chain, for debuggers */
    pushl %edx                     /* kernel_entry(magic, mbi) */
    pushl %esi
    call kernel_entry
    /* kernel_entry never returns; if it did, stop here for good. */
1:  cli
    hlt
    jmp 1b
    .size _start, . - _start

    .section .bss
    .balign 16
    .globl vx_stack_bottom
vx_stack_bottom:
    .skip STACK_BYTES
    .globl vx_stack_top
vx_stack_top:
