/* svm-reference: qemu
 * MSR intercepts through the MSRPM (APM vol. 2 §15.11): EXITINFO1 0 = RDMSR, 1 = WRMSR; read and write
 * bits are separate; the three MSR ranges of the map and an MSR outside them (always exits). */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));

/* ECX = MSR (set by the host); WRMSR writes back what RDMSR-free code has in EDX:EAX. */
SVM_GUEST(g_rdmsr, "rdmsr\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_wrmsr, "movl %esi, %eax\n wrmsr\n vmmcall\n 1: jmp 1b");

static void msr(const char *name, const char *entry, uint32_t index, uint32_t eax, uint32_t edx)
{
    svm_guest_init(&vmcb, entry, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | V3_MSR);
    svm_gprs g = { 0, index, edx, eax, 0, 0 };
    svm_run(&vmcb, &g);
    printf("msr %#x ", (unsigned)index);
    svm_report(name, &vmcb, entry);
}

int main(void)
{
    svm_host_init();
    svm_maps_clear();
    svm_msrpm_set(0x174, true, false);          /* SYSENTER_CS: range 0, read only */
    svm_msrpm_set(0x175, false, true);          /* SYSENTER_ESP: range 0, write only */
    svm_msrpm_set(0xC0000080u, true, true);     /* EFER: range 1 */
    svm_msrpm_set(0xC0010117u, false, true);    /* VM_HSAVE_PA: range 2, write only */
    svm_msrpm_set(0x1FFF, true, false);         /* the last MSR of range 0 */
    msr("rdmsr", g_rdmsr, 0x174, 0, 0);
    msr("wrmsr", g_wrmsr, 0x174, 8, 0);         /* write bit clear: runs */
    msr("rdmsr", g_rdmsr, 0x175, 0, 0);         /* read bit clear: runs */
    msr("wrmsr", g_wrmsr, 0x175, 0x9000, 0);
    msr("rdmsr", g_rdmsr, 0xC0000080u, 0, 0);
    msr("wrmsr", g_wrmsr, 0xC0000080u, EFER_SVME, 0);
    msr("rdmsr", g_rdmsr, 0xC0010117u, 0, 0);   /* read bit clear: runs */
    msr("wrmsr", g_wrmsr, 0xC0010117u, 0x1000, 0);
    msr("rdmsr", g_rdmsr, 0x1FFF, 0, 0);
    msr("rdmsr", g_rdmsr, 0x40000000u, 0, 0);   /* outside the three ranges: always exits */
    msr("wrmsr", g_wrmsr, 0xC0002000u, 0, 0);   /* just past range 1 */
    /* MSR_PROT clear: the map is ignored */
    svm_guest_init(&vmcb, g_rdmsr, stack + sizeof stack);
    svm_gprs g = { 0, 0x174, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report("rdmsr_no_msr_prot", &vmcb, g_rdmsr);
    svm_maps_clear();
    return svm_done("msr");
}
