/* The nested-paging lab's guest hypervisor (AMD APM Vol. 2 §15.25; the subset's nested paging is
 * described in cpu/README.md).
 * It builds one guest with its own two-level page tables and two nested page tables for it:
 *   - VMCB "4k": nested tables map the guest's memory with 4 KiB pages around its page tables
 *     and data (4 MiB pages elsewhere), and one guest-physical page left unmapped (the hole);
 *   - VMCB "4m": the same guest state, nested tables of 4 MiB pages only (never run; the lab
 *     walks it to compare).
 * The guest reads a seeded mapped address and VMMCALLs, then reads the address whose
 * guest-physical page is the hole, which exits with #NPF. Each exit is printed; then it halts.
 * The command line's "seed=N" picks the guest mappings. Uses the hypervisor library (vx/svm.h). */
#include "vx/svm.h"

#define GUEST_REGION 0x40000000u     /* guest-virtual: page directory index 256 */
#define DATA_GPA     0x00800000u     /* guest-physical frames of the mapped pages: [8, 12) MiB */

static svm_vmcb vmcb_4k __attribute__((aligned(4096)));
static svm_vmcb vmcb_4m __attribute__((aligned(4096)));
static uint8_t guest_stack[4096] __attribute__((aligned(16)));
static uint32_t guest_pd[1024] __attribute__((aligned(4096)));
static uint32_t guest_pt[1024] __attribute__((aligned(4096)));
static uint32_t npt_pd_4k[1024] __attribute__((aligned(4096)));
static uint32_t npt_low_4k[1024] __attribute__((aligned(4096)));
static uint32_t npt_data_4k[1024] __attribute__((aligned(4096)));
static uint32_t npt_pd_4m[1024] __attribute__((aligned(4096)));

/* EBX: an address to read; then ECX: the address whose page is the hole. */
SVM_GUEST(g_reader,
    "movl (%ebx), %eax\n"
    "vmmcall\n"
    "movl (%ecx), %eax\n"
    "vmmcall\n"
    "1: jmp 1b\n");

static uint32_t rng_state;
static uint32_t next_random(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void guest_paging(svm_vmcb *v, uint32_t *npt_root)
{
    svm_guest_init(v, g_reader, guest_stack + sizeof guest_stack);
    vmcb_w64(v, VMCB_CR4, vmcb_r64(v, VMCB_CR4) | CR4_PSE);
    vmcb_w64(v, VMCB_CR3, (uint32_t)(uintptr_t)guest_pd);
    vmcb_w64(v, VMCB_CR0, vmcb_r64(v, VMCB_CR0) | CR0_PG | CR0_PE);
    npt_enable(v, npt_root);
}

int main(void)
{
    const char *s = strstr(vx_cmdline_args(), "seed=");
    uint32_t seed = s ? (uint32_t)strtoul(s + 5, NULL, 10) : 0;
    rng_state = seed * 2654435761u + 0x9E3779B9u;
    if (!rng_state) rng_state = 1;

    svm_host_init();
    svm_host_paging_on();

    /* The guest's own tables: the first 4 MiB identity (its code and stack), and eight 4 KiB
     * pages of GUEST_REGION at seeded table slots on seeded frames in [8, 12) MiB. */
    guest_pd[0] = 0x00000000u | PTE_PS | PTE_W | PTE_P;
    guest_pd[PDX(GUEST_REGION)] = (uint32_t)(uintptr_t)guest_pt | PTE_W | PTE_P;
    uint32_t slots[8];
    for (int i = 0; i < 8; i++) {
        uint32_t slot;
        bool again;
        do {
            slot = next_random() % 1024;
            again = false;
            for (int j = 0; j < i; j++) again |= slots[j] == slot;
        } while (again);
        slots[i] = slot;
        guest_pt[slot] = (DATA_GPA + (next_random() % 1024) * 4096u) | PTE_W | PTE_P;
    }

    /* Nested tables. */
    npt_map_4m(npt_pd_4m);
    npt_map_4m(npt_pd_4k);
    npt_split_4k(npt_pd_4k, npt_low_4k, (uint32_t)(uintptr_t)guest_pd, PTE_P | PTE_W | PTE_U);
    uint32_t hole_gpa = guest_pt[slots[7]] & ~0xFFFu;
    uint32_t *hole = npt_split_4k(npt_pd_4k, npt_data_4k, hole_gpa, PTE_P | PTE_W | PTE_U);
    /* Another guest page shares the hole's frame only by chance; keep the lesson clean. */
    *hole = 0;

    guest_paging(&vmcb_4k, npt_pd_4k);
    guest_paging(&vmcb_4m, npt_pd_4m);
    uint32_t read_va = GUEST_REGION + slots[0] * 4096u + (next_random() % 1024) * 4;
    uint32_t hole_va = GUEST_REGION + slots[7] * 4096u + (next_random() % 1024) * 4;
    if ((guest_pt[slots[0]] & ~0xFFFu) == hole_gpa) guest_pt[slots[0]] ^= 0x1000u;
    printf("npt: vmcb4k=%#x vmcb4m=%#x read=%#x hole=%#x\n", (unsigned)(uintptr_t)&vmcb_4k,
           (unsigned)(uintptr_t)&vmcb_4m, (unsigned)read_va, (unsigned)hole_va);

    svm_gprs g = { .ebx = read_va, .ecx = hole_va };
    svm_run(&vmcb_4k, &g);
    svm_report("read", &vmcb_4k, g_reader);
    svm_skip(&vmcb_4k, 3);
    svm_run(&vmcb_4k, &g);
    printf("npt: exit=%#x exitinfo1=%#llx exitinfo2=%#llx\n", (unsigned)vmcb_r32(&vmcb_4k, VMCB_EXITCODE),
           (unsigned long long)vmcb_r64(&vmcb_4k, VMCB_EXITINFO1),
           (unsigned long long)vmcb_r64(&vmcb_4k, VMCB_EXITINFO2));
    printf("npt: done\n");
    for (;;) __asm__ volatile("cli; hlt");
}
