/* The world switch and the host's interrupt entry points for the hypervisor library (vx/svm.h). */

    .text
/* void svm_run(svm_vmcb *v, svm_gprs *g): VMRUN switches EAX, ESP, EIP, flags, segments and
 * control registers; EBX, ECX, EDX, ESI, EDI and EBP are ours to swap (APM vol. 2 §15.5.1). */
    .globl svm_run
    .type svm_run, @function
svm_run:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    movl 24(%esp), %edi          /* g */
    pushl %edi                   /* kept across the run: #VMEXIT restores ESP */
    movl 24(%esp), %eax          /* v (the VMCB physical address: identity mapped) */
    movl 0(%edi), %ebx
    movl 4(%edi), %ecx
    movl 8(%edi), %edx
    movl 12(%edi), %esi
    movl 20(%edi), %ebp
    movl 16(%edi), %edi
    vmrun
    xchgl %edi, (%esp)           /* EDI = g, the slot keeps the guest's EDI */
    movl %ebx, 0(%edi)
    movl %ecx, 4(%edi)
    movl %edx, 8(%edi)
    movl %esi, 12(%edi)
    movl %ebp, 20(%edi)
    popl 16(%edi)
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
    .size svm_run, . - svm_run

/* Reload every segment register after LGDT. */
    .globl svm_load_segments
svm_load_segments:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    ljmp $0x08, $1f
1:  ret

/* Exception stubs, 16 bytes apart: push a dummy error code where the CPU pushes none. */
    .balign 16
    .globl svm_host_exc_stubs
svm_host_exc_stubs:
    .irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .balign 16
    .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
    nop
    nop
    .else
    pushl $0
    .endif
    pushl $\v
    jmp host_exc_common
    .endr

host_exc_common:
    pushal
    pushl %esp
    call svm_host_fault
    addl $4, %esp
    popal
    addl $8, %esp
    iret

    .balign 16
    .globl svm_host_irq0
svm_host_irq0:
    pushal
    call svm_host_tick
    popal
    iret
