/* trapasm.S: the way into the kernel and back, and the task switch.
 *
 * Every vector pushes an error code (a zero where the CPU pushes none, SDM 3A §6.13) and its
 * number, then alltraps saves the rest of a struct trapframe (proc.h) and calls trap(tf).
 * Vectors: 0-31 exceptions, 32-47 the remapped PIC IRQs, 128 the system call (int 0x80). */

#define KDATA_SEL 0x10

.macro VEC n
    .globl vector\n
vector\n:
    .if (\n == 8) || (\n == 10) || (\n == 11) || (\n == 12) || (\n == 13) || (\n == 14) || (\n == 17)
    .else
    pushl $0
    .endif
    pushl $\n
    jmp alltraps
.endm

    .text
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    VEC \n
    .endr
    VEC 128

alltraps:
    pushl %ds
    pushl %es
    pushl %fs
    pushl %gs
    pushal
    movw $KDATA_SEL, %ax
    movw %ax, %ds
    movw %ax, %es
    pushl %esp
    call trap
    addl $4, %esp
    .globl trapret
trapret:
    popal
    popl %gs
    popl %fs
    popl %es
    popl %ds
    addl $8, %esp                   /* trapno and error code */
    iret

/* The table trap.c installs: vectors[v] for v < 48, vector_syscall for 128. */
    .section .rodata
    .globl vectors
vectors:
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47
    .long vector\n
    .endr
    .globl vector_syscall
vector_syscall:
    .long vector128

/* void swtch(struct context **old, struct context *new): save the callee-saved registers and
 * EFLAGS (so each task keeps its own interrupt flag) on this stack, switch stacks, restore. */
    .text
    .globl swtch
swtch:
    movl 4(%esp), %eax
    movl 8(%esp), %edx
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    pushfl
    movl %esp, (%eax)
    movl %edx, %esp
    popfl
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
