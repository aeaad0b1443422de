/* svm-reference: bochs
 * Nested paging (APM vol. 2 §15.25) in the legacy 2-level format with host CR4.PSE: 4 MiB nested pages
 * (one remapped to another host region), 4 KiB nested pages, and #NPF (exit 0x400, EXITINFO2 =
 * the guest-physical address) for a not-present read (0x1_0000_0004), a not-present write
 * (0x1_0000_0006), a write to a read-only page (0x1_0000_0007) and a fault during the guest's own
 * page walk (bit 33: 0x2_0000_0006). NPT without host paging, and NPT with an invalid memory type
 * in G_PAT, are VMEXIT_INVALID (Bochs; QEMU 7.2 ignores NPT for a legacy host, so Bochs is the
 * reference). */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));
static uint32_t npt_pd[1024] __attribute__((aligned(4096)));
static uint32_t npt_pt[1024] __attribute__((aligned(4096)));
static uint32_t target[1024] __attribute__((aligned(4096)));   /* a 4 KiB page remapped under GPA 0x803000 */

#define GPA_REGION  0x00800000u   /* 8-12 MiB: mapped with 4 KiB nested pages */
#define GPA_PAGE    0x00801000u
#define GPA_GUEST_PD 0x00802000u
#define GPA_REMAP   0x00803000u
#define GPA_BIG     0x01000000u   /* 16 MiB: a 4 MiB nested page onto host 32 MiB */
#define HPA_BIG     0x02000000u

SVM_GUEST(g_read, "movl 0x00801010, %ebx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_write, "movl $0x5a5a, %eax\n movl %eax, 0x00801010\n movl 0x00801010, %ebx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_big, "movl 0x01000010, %ebx\n movl $0x77, %eax\n movl %eax, 0x01000014\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_remap, "movl 0x00803008, %ebx\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_paged, "movl 0x00000100, %ebx\n vmmcall\n 1: jmp 1b");

static uint32_t *pte_page;   /* the nested PTE of GPA_PAGE */

static void run(const char *name, const char *entry, uint32_t tlb_control)
{
    svm_guest_init(&vmcb, entry, stack + sizeof stack);
    npt_enable(&vmcb, npt_pd);
    vmcb_w8(&vmcb, VMCB_TLB_CONTROL, (uint8_t)tlb_control);
    svm_gprs g = { 0, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report(name, &vmcb, entry);
    if ((uint32_t)vmcb_r64(&vmcb, VMCB_EXITCODE) == SVM_EXIT_VMMCALL)
        printf("%s: ebx=%#x\n", name, (unsigned)g.ebx);
}

int main(void)
{
    svm_host_init();
    npt_map_4m(npt_pd);
    npt_pd[PDX(GPA_BIG)] = HPA_BIG | PTE_P | PTE_W | PTE_U | PTE_PS;
    pte_page = npt_split_4k(npt_pd, npt_pt, GPA_PAGE, PTE_P | PTE_W | PTE_U);
    npt_pt[PTX(GPA_REMAP)] = (uint32_t)(uintptr_t)target | PTE_P | PTE_W | PTE_U;

    /* nested paging needs host paging (Bochs and vx86: VMEXIT_INVALID) */
    run("np_without_host_paging", g_read, 0);
    svm_host_paging_on();

    /* with nested paging, G_PAT must hold valid memory types: 2 and 3 are reserved */
    svm_guest_init(&vmcb, g_read, stack + sizeof stack);
    npt_enable(&vmcb, npt_pd);
    vmcb_w64(&vmcb, VMCB_G_PAT, 0x0007040600070402ull);
    svm_gprs gp = { 0, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &gp);
    svm_report("np_invalid_gpat", &vmcb, g_read);

    *(volatile uint32_t *)(GPA_PAGE + 0x10) = 0x1111;
    *(volatile uint32_t *)(HPA_BIG + 0x10) = 0xB16B16;
    target[2] = 0x4E4E;
    run("npt_4k_read", g_read, 0);
    run("npt_4m_remap", g_big, 0);
    printf("npt_4m_remap: host %#x sees the write: %#x\n", (unsigned)(HPA_BIG + 0x14),
           (unsigned)*(volatile uint32_t *)(HPA_BIG + 0x14));
    run("npt_4k_remap", g_remap, 0);

    *pte_page = 0;
    run("npf_read_not_present", g_read, 0);
    run("npf_write_not_present", g_write, 0);
    *pte_page = GPA_PAGE | PTE_P | PTE_U;   /* read-only */
    run("npt_read_only_read", g_read, 1);
    run("npf_write_read_only", g_write, 1);
    printf("npf_write_read_only: page still %#x\n", (unsigned)*(volatile uint32_t *)(GPA_PAGE + 0x10));
    *pte_page = GPA_PAGE | PTE_P | PTE_U | PTE_W;
    run("npt_write_after_fix", g_write, 1);
    /* U/S = 0 in a nested entry: nested walks are user accesses, so it is a protection fault */
    *pte_page = GPA_PAGE | PTE_P | PTE_W;
    run("npf_read_supervisor_page", g_read, 1);
    *pte_page = GPA_PAGE | PTE_P | PTE_W | PTE_U;

    /* The guest's own paging: its page directory at GPA 0x802000, whose nested page is absent,
     * so the first fetch's guest PDE read faults in the walk (bit 33). */
    uint32_t *pte_gpd = &npt_pt[PTX(GPA_GUEST_PD)];
    uint32_t *guest_pd = (uint32_t *)GPA_GUEST_PD;   /* host-physical = guest-physical here */
    for (int k = 0; k < 1024; k++)
        guest_pd[k] = k < 3 ? ((uint32_t)k << 22) | PTE_PS | PTE_U | PTE_W | PTE_P : 0;
    *pte_gpd = 0;
    svm_guest_init(&vmcb, g_paged, stack + sizeof stack);
    npt_enable(&vmcb, npt_pd);
    vmcb_w64(&vmcb, VMCB_CR4, CR4_PSE);
    vmcb_w64(&vmcb, VMCB_CR3, GPA_GUEST_PD);
    vmcb_w64(&vmcb, VMCB_CR0, CR0_PG | CR0_ET | CR0_PE);
    svm_gprs g = { 0, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report("npf_guest_walk", &vmcb, g_paged);
    *pte_gpd = GPA_GUEST_PD | PTE_P | PTE_W | PTE_U;
    vmcb_w8(&vmcb, VMCB_TLB_CONTROL, 1);
    *(volatile uint32_t *)0x100 = 0x600D;
    svm_run(&vmcb, &g);
    svm_report("npt_guest_walk_fixed", &vmcb, g_paged);
    printf("npt_guest_walk_fixed: ebx=%#x\n", (unsigned)g.ebx);
    return svm_done("npt");
}
