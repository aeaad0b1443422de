/* svm-reference: qemu
 * VMRUN consistency checks (SVM.md §2.8 step 4): each failing VMCB gives VMEXIT_INVALID
 * (EXITCODE -1; low 32 bits compared, QEMU zero-extends) and the host continues after VMRUN
 * with its own registers. The host-paging check for nested paging is in npt.c (Bochs only). */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));

SVM_GUEST(g_ok, "vmmcall\n 1: jmp 1b");

enum { VMRUN_CLEAR, ASID0, SVME0, CD0_NW1, INJ_TYPE1, INJ_TYPE5, INJ_TYPE6, INJ_TYPE7, INJ_EXC_NMI,
       INJ_EXC_32, VALID };

static void check(const char *name, int which)
{
    svm_guest_init(&vmcb, g_ok, stack + sizeof stack);
    switch (which) {
    case VMRUN_CLEAR: vmcb_w32(&vmcb, VMCB_VEC4, V4_VMMCALL); break;
    case ASID0: vmcb_w32(&vmcb, VMCB_ASID, 0); break;
    case SVME0: vmcb_w64(&vmcb, VMCB_EFER, 0); break;
    case CD0_NW1: vmcb_w64(&vmcb, VMCB_CR0, 0x20000011u); break;
    case INJ_TYPE1: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(1) | 0x20); break;
    case INJ_TYPE5: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(5) | 0x20); break;
    case INJ_TYPE6: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(6) | 0x20); break;
    case INJ_TYPE7: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(7) | 0x20); break;
    case INJ_EXC_NMI: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(EVT_EXC) | 2); break;
    case INJ_EXC_32: vmcb_w32(&vmcb, VMCB_EVENTINJ, EVT_V | EVT_TYPE(EVT_EXC) | 32); break;
    default: break;
    }
    svm_gprs g = { 0xB0, 0xC0, 0xD0, 0x51, 0xD1, 0xB9 };
    svm_run(&vmcb, &g);
    svm_report(name, &vmcb, g_ok);
    if (g.ebx != 0xB0 || g.ecx != 0xC0 || g.edx != 0xD0 || g.esi != 0x51 || g.edi != 0xD1 || g.ebp != 0xB9)
        printf("%s: registers changed\n", name);
}

int main(void)
{
    svm_host_init();
    check("valid", VALID);
    check("vmrun_intercept_clear", VMRUN_CLEAR);
    check("asid_0", ASID0);
    check("efer_svme_0", SVME0);
    check("cr0_cd0_nw1", CD0_NW1);
    check("eventinj_type1", INJ_TYPE1);
    check("eventinj_type5", INJ_TYPE5);
    check("eventinj_type6", INJ_TYPE6);
    check("eventinj_type7", INJ_TYPE7);
    check("eventinj_exception_2", INJ_EXC_NMI);
    check("eventinj_exception_32", INJ_EXC_32);
    check("valid_again", VALID);
    return svm_done("checks");
}
