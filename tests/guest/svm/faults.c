/* svm-reference: qemu
 * #UD and #GP of every SVM instruction (APM vol. 2 §15.5, §15.6): #UD with EFER.SVME=0 (and always for
 * VMMCALL without its intercept, and SKINIT); #GP(0) at CPL 3 (checked before the intercept);
 * #GP(0) for a VMRUN/VMLOAD/VMSAVE rAX that is not 4 KiB aligned or beyond RAM. Host faults are
 * caught by the library's IDT; guest faults by exception intercepts (#UD 0x46, #GP 0x4D). */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));

/* Host side: every instruction is 3 bytes; the fault handler resumes after it. */
#define HOST_TRY(name, insn, rax)                                                  \
    do {                                                                           \
        svm_fault_vector = -1;                                                     \
        svm_fault_skip = 3;                                                        \
        __asm__ volatile(insn : : "a"(rax), "c"(1) : "memory");                    \
        svm_fault_skip = 0;                                                        \
        if (svm_fault_vector < 0) printf("%shost %s: no fault\n", PFX, name);       \
        else printf("%shost %s: vector %d error %#x\n", PFX, name, svm_fault_vector, \
                    (unsigned)svm_fault_error);                                    \
    } while (0)

#define PFX ""   /* "~" marks lines compared on vx86 only (run.sh) */
#define VMRUN   ".byte 0x0f, 0x01, 0xd8"
#define VMMCALL ".byte 0x0f, 0x01, 0xd9"
#define VMLOAD  ".byte 0x0f, 0x01, 0xda"
#define VMSAVE  ".byte 0x0f, 0x01, 0xdb"
#define STGI    ".byte 0x0f, 0x01, 0xdc"
#define CLGI    ".byte 0x0f, 0x01, 0xdd"
#define SKINIT  ".byte 0x0f, 0x01, 0xde"
#define INVLPGA ".byte 0x0f, 0x01, 0xdf"

SVM_GUEST(g_vmrun, "movl %ebx, %eax\n" VMRUN "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_vmload, "movl %ebx, %eax\n" VMLOAD "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_vmsave, "movl %ebx, %eax\n" VMSAVE "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_stgi, STGI "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_clgi, CLGI "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_invlpga, INVLPGA "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_skinit, SKINIT "\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_vmmcall, VMMCALL "\n 1: jmp 1b");

static svm_vmcb scratch __attribute__((aligned(4096)));

/* Run entry at ring ring with #UD and #GP intercepted and all SVM instructions intercepted
 * except VMMCALL unless vmmcall_intercept. */
static void guest(const char *name, const char *entry, int ring, bool vmmcall_intercept)
{
    svm_guest_init(&vmcb, entry, stack + sizeof stack);
    if (ring == 3)
        svm_guest_ring3(&vmcb);
    vmcb_w32(&vmcb, VMCB_EXC, (1u << 6) | (1u << 13));
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | V3_INVLPGA);
    vmcb_w32(&vmcb, VMCB_VEC4, V4_VMRUN | V4_VMLOAD | V4_VMSAVE | V4_STGI | V4_CLGI |
                                   (vmmcall_intercept ? V4_VMMCALL : 0));
    svm_gprs g = { (uint32_t)(uintptr_t)&scratch, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    printf("ring%d ", ring);
    svm_report(name, &vmcb, entry);
}

int main(void)
{
    svm_host_init();
    uint32_t good = (uint32_t)(uintptr_t)&scratch;

    /* EFER.SVME = 0: all #UD */
    svm_wrmsr(MSR_EFER, svm_rdmsr(MSR_EFER) & ~(uint64_t)EFER_SVME);
    HOST_TRY("svme0 vmrun", VMRUN, good);
    HOST_TRY("svme0 vmmcall", VMMCALL, good);
    HOST_TRY("svme0 vmload", VMLOAD, good);
    HOST_TRY("svme0 vmsave", VMSAVE, good);
    HOST_TRY("svme0 stgi", STGI, good);
    HOST_TRY("svme0 clgi", CLGI, good);
    HOST_TRY("svme0 skinit", SKINIT, good);
    HOST_TRY("svme0 invlpga", INVLPGA, good);
    svm_wrmsr(MSR_EFER, svm_rdmsr(MSR_EFER) | EFER_SVME);

    /* SVME = 1 in the host */
    HOST_TRY("vmmcall", VMMCALL, good);
    HOST_TRY("skinit", SKINIT, good);
    HOST_TRY("vmrun unaligned", VMRUN, good + 8);
    HOST_TRY("vmload unaligned", VMLOAD, good + 0x800);
    HOST_TRY("vmsave unaligned", VMSAVE, good + 1);
    /* QEMU 7.2 does not check rAX against RAM (it reads unassigned memory): vx86 only */
#undef PFX
#define PFX "~"
    HOST_TRY("vmrun beyond ram", VMRUN, 0x7FFFF000u);
    HOST_TRY("vmload beyond ram", VMLOAD, 0x7FFFF000u);
    HOST_TRY("vmsave beyond ram", VMSAVE, 0x7FFFF000u);
#undef PFX
#define PFX ""
    HOST_TRY("vmload", VMLOAD, good);
    HOST_TRY("vmsave", VMSAVE, good);
    HOST_TRY("clgi", CLGI, good);
    HOST_TRY("stgi", STGI, good);
    HOST_TRY("invlpga", INVLPGA, good);
    svm_fault_skip = 4;   /* WRMSR is 2 bytes: skip it and the NOPs after it */
    svm_fault_vector = -1;
    __asm__ volatile("wrmsr\n nop\n nop" : : "c"(MSR_VM_HSAVE_PA), "a"(0x1800), "d"(0));
    svm_fault_skip = 0;
    printf("host wrmsr vm_hsave_pa unaligned: vector %d error %#x\n", svm_fault_vector, (unsigned)svm_fault_error);

    /* CPL 3 in a guest: #GP(0) before the intercept */
    guest("vmrun", g_vmrun, 3, false);
    guest("vmload", g_vmload, 3, false);
    guest("vmsave", g_vmsave, 3, false);
    guest("stgi", g_stgi, 3, false);
    guest("clgi", g_clgi, 3, false);
    guest("invlpga", g_invlpga, 3, false);
    guest("skinit", g_skinit, 3, false);
    guest("vmmcall", g_vmmcall, 3, false);   /* #UD: not intercepted */
    guest("vmmcall_intercepted", g_vmmcall, 3, true);   /* any CPL */
    guest("vmmcall", g_vmmcall, 0, false);
    guest("skinit", g_skinit, 0, false);
    return svm_done("faults");
}
