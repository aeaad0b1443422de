/* Interrupt entry for the sys library: one 16-byte stub per vector, a common path that saves
 * the registers as a struct sys_frame and calls sys_trap, and the ring-3 round trip. */

#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B
#define SEL_UDATA 0x23

    .text
/* The CPU pushes an error code for these vectors only (SDM Vol. 3 §6.13); for the others the
 * stub pushes a zero so every frame has the same shape. */
    .balign 16
    .globl sys_stubs
sys_stubs:
    .set vec, 0
    .rept 256
    .balign 16
    .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17)
    .else
    pushl $0
    .endif
    pushl $vec
    jmp sys_trap_common
    .set vec, vec + 1
    .endr

sys_trap_common:
    pushal
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    movl $SEL_KDATA, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    pushl %esp
    call sys_trap
    addl $4, %esp
    popl %gs
    popl %fs
    popl %es
    popl %ds
    popal
    addl $8, %esp               /* vector and error code */
    iret

/* uint32_t sys_run_user(fn, arg, iopl): IRET to ring 3 at sys_user_trampoline with EAX = fn,
 * EBX = arg; the int 0x80 that ends it comes back through sys_resume_kernel. */
    .globl sys_run_user
sys_run_user:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    pushfl
    movl %esp, sys_kernel_esp
    movl 24(%esp), %eax
    movl 28(%esp), %ebx
    movl 32(%esp), %ecx
    andl $3, %ecx
    shll $12, %ecx
    orl $2, %ecx                /* EFLAGS: reserved bit 1, IOPL, IF clear */
    movl $SEL_UDATA, %edx
    movw %dx, %ds
    movw %dx, %es
    movw %dx, %fs
    movw %dx, %gs
    pushl $SEL_UDATA
    pushl $sys_user_stack_top
    pushl %ecx
    pushl $SEL_UCODE
    pushl $sys_user_trampoline
    iret

    .globl sys_user_trampoline
sys_user_trampoline:
    pushl %ebx
    call *%eax
    addl $4, %esp
    int $0x80
    ud2                         /* int 0x80 never returns here */

/* void sys_resume_kernel(uint32_t value): called by sys_trap for int 0x80 on the TSS ring-0
 * stack; drops that stack and returns `value` from the pending sys_run_user. */
    .globl sys_resume_kernel
sys_resume_kernel:
    movl 4(%esp), %eax
    movl sys_kernel_esp, %esp
    movl $SEL_KDATA, %edx
    movw %dx, %ds
    movw %dx, %es
    movw %dx, %fs
    movw %dx, %gs
    popfl
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret

    .bss
    .balign 4
    .globl sys_kernel_esp
sys_kernel_esp:
    .skip 4
    .balign 16
sys_user_stack:
    .skip 16384
sys_user_stack_top:
