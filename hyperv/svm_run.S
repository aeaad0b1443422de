/* The world switch. VMRUN switches EAX, ESP, EIP, EFLAGS, the segment registers ES/CS/SS/DS,
 * GDTR/IDTR and the control registers; FS, GS, TR and LDTR (the host's TSS!) only move with
 * VMLOAD/VMSAVE, and EBX..EBP are ours to swap (APM vol. 2 §15.5, §15.5.2). KVM's svm_vcpu_run
 * (arch/x86/kvm/svm/vmenter.S) has the same order.
 *
 * Interrupts: CLGI holds them; STI before VMRUN makes the host IF that VMRUN saves 1, so with
 * V_INTR_MASKING a physical interrupt (the host timer) exits the guest with INTR whatever the
 * guest's own IF. After #VMEXIT GIF is 0; STGI lets the pending interrupt in, through the host
 * IDT, right here -- so the tick is counted before the vCPU loop asks whether to reschedule.
 *
 * void hv_vmrun(uint32_t vmcb_pa, struct hv_gprs *g, uint32_t host_save_pa) */
    .text
    .globl hv_vmrun
    .type hv_vmrun, @function
hv_vmrun:
    pushl %ebp
    pushl %ebx
    pushl %esi
    pushl %edi
    cli
    clgi
    movl 28(%esp), %eax          /* host_save_pa */
    vmsave
    movl 20(%esp), %eax          /* vmcb_pa: the guest's FS, GS, TR, LDTR */
    vmload
    movl 24(%esp), %edi          /* g */
    pushl %edi                   /* kept across the run: #VMEXIT restores ESP */
    movl 0(%edi), %ebx
    movl 4(%edi), %ecx
    movl 8(%edi), %edx
    movl 12(%edi), %esi
    movl 20(%edi), %ebp
    movl 16(%edi), %edi
    movl 24(%esp), %eax          /* vmcb_pa */
    sti
    vmrun
    xchgl %edi, (%esp)           /* EDI = g, the slot keeps the guest's EDI */
    movl %ebx, 0(%edi)
    movl %ecx, 4(%edi)
    movl %edx, 8(%edi)
    movl %esi, 12(%edi)
    movl %ebp, 20(%edi)
    popl 16(%edi)
    movl 20(%esp), %eax
    vmsave
    movl 28(%esp), %eax
    vmload
    stgi
    popl %edi
    popl %esi
    popl %ebx
    popl %ebp
    ret
    .size hv_vmrun, . - hv_vmrun
