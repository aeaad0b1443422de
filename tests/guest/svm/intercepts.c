/* svm-reference: qemu
 * Every "must" instruction and exception intercept with its exit code, EXITINFO and guest RIP
 * (APM vol. 2 table B-1, appendix C): CR0/CR3/CR4 reads and writes, exceptions #DE/#UD/#GP/#PF (the #PF
 * intercept leaves CR2 alone), INVLPG, INVLPGA, VMRUN (mandatory), VMLOAD, VMSAVE, STGI, CLGI,
 * and SHUTDOWN (a guest triple fault). #BP is not used: QEMU checks INT3 against the INTn
 * intercept instead of the #BP one. */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static svm_vmcb other __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));
static uint32_t guest_pd[1024] __attribute__((aligned(4096)));

SVM_GUEST(g_cr0r, "mov %cr0, %eax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_cr3r, "mov %cr3, %eax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_cr4r, "mov %cr4, %eax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_cr0w, "movl $0x11, %eax\n mov %eax, %cr0\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_cr3w, "xorl %eax, %eax\n mov %eax, %cr3\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_cr4w, "xorl %eax, %eax\n mov %eax, %cr4\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_de, "xorl %ecx, %ecx\n xorl %edx, %edx\n movl $1, %eax\n divl %ecx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_ud, "nop\n ud2\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_gp, "movw $0x80, %ax\n movw %ax, %ds\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_pf, "movl 0x00c00010, %eax\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_pfw, "movl %eax, 0x00c00020\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_invlpg, "invlpg (%eax)\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_invlpga, "movl $0x5000, %eax\n movl $1, %ecx\n .byte 0x0f, 0x01, 0xdf\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_vmrun, "movl %ebx, %eax\n vmrun\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_vmload, "movl %ebx, %eax\n vmload\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_vmsave, "movl %ebx, %eax\n vmsave\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_stgi, "stgi\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_clgi, "clgi\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_cpuid_free, "xorl %eax, %eax\n cpuid\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_shutdown, "ud2\n 1: jmp 1b");

/* Run entry with extra intercepts (vec3/vec4 added to the defaults, cr read/write masks,
 * exception mask), print the first exit. */
static void run(const char *name, const char *entry, uint32_t vec3, uint32_t vec4, uint16_t crr,
                uint16_t crw, uint32_t exc)
{
    svm_guest_init(&vmcb, entry, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | vec3);
    vmcb_w32(&vmcb, VMCB_VEC4, vmcb_r32(&vmcb, VMCB_VEC4) | vec4);
    vmcb_w16(&vmcb, VMCB_CR_READ, crr);
    vmcb_w16(&vmcb, VMCB_CR_WRITE, crw);
    vmcb_w32(&vmcb, VMCB_EXC, exc);
    svm_gprs g = { (uint32_t)(uintptr_t)&other, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report(name, &vmcb, entry);
}

int main(void)
{
    svm_host_init();
    run("cr0_read", g_cr0r, 0, 0, 1u << 0, 0, 0);
    run("cr3_read", g_cr3r, 0, 0, 1u << 3, 0, 0);
    run("cr4_read", g_cr4r, 0, 0, 1u << 4, 0, 0);
    run("cr0_write", g_cr0w, 0, 0, 0, 1u << 0, 0);
    run("cr3_write", g_cr3w, 0, 0, 0, 1u << 3, 0);
    run("cr4_write", g_cr4w, 0, 0, 0, 1u << 4, 0);
    /* a read intercept does not catch the write and vice versa */
    run("cr0_write_not_read", g_cr0w, 0, 0, 0xFFFF, 0, 0);
    run("cr0_read_not_write", g_cr0r, 0, 0, 0, 0xFFFE, 0);
    run("exc_de", g_de, 0, 0, 0, 0, 1u << EXC_DE);
    run("exc_ud", g_ud, 0, 0, 0, 0, 1u << EXC_UD);
    run("exc_gp", g_gp, 0, 0, 0, 0, 1u << EXC_GP);

    /* #PF from the guest's own paging: 4 MiB guest pages for the low 12 MiB only */
    for (uint32_t k = 0; k < 1024; k++)
        guest_pd[k] = k < 3 ? ((k << 22) | PTE_PS | PTE_U | PTE_W | PTE_P) : 0;
    for (int w = 0; w < 2; w++) {
        const char *entry = w ? g_pfw : g_pf;
        svm_guest_init(&vmcb, entry, stack + sizeof stack);
        vmcb_w32(&vmcb, VMCB_EXC, 1u << EXC_PF);
        vmcb_w64(&vmcb, VMCB_CR4, CR4_PSE);
        vmcb_w64(&vmcb, VMCB_CR3, (uint32_t)(uintptr_t)guest_pd);
        vmcb_w64(&vmcb, VMCB_CR0, CR0_PG | CR0_ET | CR0_PE);
        vmcb_w64(&vmcb, VMCB_CR2, 0x5555000);
        svm_gprs g = { 0, 0, 0, 0, 0, 0 };
        svm_run(&vmcb, &g);
        svm_report(w ? "exc_pf_write" : "exc_pf_read", &vmcb, entry);
        printf("%s: guest cr2=%#llx (unchanged)\n", w ? "exc_pf_write" : "exc_pf_read",
               (unsigned long long)vmcb_r64(&vmcb, VMCB_CR2));
    }

    run("invlpg", g_invlpg, V3_INVLPG, 0, 0, 0, 0);
    run("invlpga", g_invlpga, V3_INVLPGA, 0, 0, 0, 0);
    run("vmrun", g_vmrun, 0, 0, 0, 0, 0);
    run("vmload", g_vmload, 0, V4_VMLOAD, 0, 0, 0);
    run("vmsave", g_vmsave, 0, V4_VMSAVE, 0, 0, 0);
    run("stgi", g_stgi, 0, V4_STGI, 0, 0, 0);
    run("clgi", g_clgi, 0, V4_CLGI, 0, 0, 0);
    /* not intercepted: the instruction runs in the guest, the next exit is the VMMCALL */
    run("cpuid_not_intercepted", g_cpuid_free, 0, 0, 0, 0, 0);
    run("invlpg_not_intercepted", g_invlpg, 0, 0, 0, 0, 0);

    /* #UD with no IDT: #UD -> #GP -> #DF -> triple fault -> SHUTDOWN (VMCB state undefined) */
    svm_guest_init(&vmcb, g_shutdown, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_IDTR + 4, 0);
    svm_gprs g = { 0, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report("shutdown", &vmcb, g_shutdown);
    return svm_done("intercepts");
}
