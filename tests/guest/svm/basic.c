/* svm-reference: qemu
 * Basic intercepts: CPUID (0x72), HLT (0x78), VMMCALL (0x81); the guest's registers survive
 * the world switch (svm_run swaps EBX..EBP), and VMRUN hands back RAX = the guest's RAX. */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));

SVM_GUEST(g_basic,
    "movl $0x8000000a, %eax\n"
    "cpuid\n"                 /* +0x5: intercepted */
    "hlt\n"                   /* +0x7 */
    "addl $1, %ebx\n addl $2, %ecx\n addl $3, %edx\n addl $4, %esi\n addl $5, %edi\n addl $6, %ebp\n"
    "movl $0x1234, %eax\n"
    "vmmcall\n"
    "1: jmp 1b\n");

int main(void)
{
    svm_host_init();
    uint32_t a, b, c, d;
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001u));
    printf("host: cpuid 8000_0001 ecx.svm=%u\n", (unsigned)((c >> 2) & 1));
    __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x8000000Au));
    printf("host: cpuid 8000_000a eax=%#x edx.np=%u\n", (unsigned)(a & 0xFF), (unsigned)(d & 1));

    svm_guest_init(&vmcb, g_basic, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | V3_CPUID);
    svm_gprs g = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66 };

    svm_run(&vmcb, &g);
    svm_report("cpuid", &vmcb, g_basic);
    printf("cpuid: guest rax=%#llx\n", (unsigned long long)vmcb_r64(&vmcb, VMCB_RAX));
    svm_skip(&vmcb, 2);

    svm_run(&vmcb, &g);
    svm_report("hlt", &vmcb, g_basic);
    svm_skip(&vmcb, 1);

    svm_run(&vmcb, &g);
    svm_report("vmmcall", &vmcb, g_basic);
    printf("vmmcall: rax=%#llx ebx=%#x ecx=%#x edx=%#x esi=%#x edi=%#x ebp=%#x\n",
           (unsigned long long)vmcb_r64(&vmcb, VMCB_RAX), (unsigned)g.ebx, (unsigned)g.ecx,
           (unsigned)g.edx, (unsigned)g.esi, (unsigned)g.edi, (unsigned)g.ebp);
    printf("vmmcall: cpl=%u cs=%#x/%#x ss=%#x/%#x efer=%#llx cr0=%#llx eventinj=%#x\n",
           vmcb_r8(&vmcb, VMCB_CPL), vmcb_r16(&vmcb, VMCB_CS), vmcb_r16(&vmcb, VMCB_CS + 2),
           vmcb_r16(&vmcb, VMCB_SS), vmcb_r16(&vmcb, VMCB_SS + 2),
           (unsigned long long)vmcb_r64(&vmcb, VMCB_EFER), (unsigned long long)(vmcb_r64(&vmcb, VMCB_CR0) & 0xE005003Full),
           (unsigned)(vmcb_r32(&vmcb, VMCB_EVENTINJ) & EVT_V));
    return svm_done("basic");
}
