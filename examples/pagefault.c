/* Demand paging in forty lines: turn paging on, leave a "heap" region unmapped, and map each of
 * its pages the first time the program touches it, from the page-fault handler.
 *
 *   build/vx86 run build/examples/pagefault.elf --trace t.jsonl    # every #PF, with CR2
 *   build/vx86 run build/examples/pagefault.elf --cmdline crash    # a fault nobody handles
 *
 * The first 4 MiB (this program, its stack, the frames it hands out) are identity mapped with
 * one 4 MiB page. The heap at HEAP_BASE has a page table whose entries all start not present:
 * a write there raises #PF with CR2 = the address (Intel SDM vol. 3A §4.7), the handler points
 * the entry at a free frame and returns, and the CPU restarts the write, which now succeeds. */
#include "vxlib.h"

#include "arch/x86.h"

#define HEAP_BASE  0x40000000u
#define HEAP_PAGES 8

static uint32_t page_dir[1024] __attribute__((aligned(PAGE_SIZE)));
static uint32_t heap_table[1024] __attribute__((aligned(PAGE_SIZE)));
static uint8_t frames[HEAP_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static unsigned frames_used;

/* The #PF handler: map a fresh frame under a not-present heap address, refuse anything else. */
static bool page_fault(struct vx_fault_frame *f)
{
    uint32_t addr = vx_read_cr2();
    bool in_heap = addr >= HEAP_BASE && addr < HEAP_BASE + HEAP_PAGES * PAGE_SIZE;
    if (!in_heap || (f->error & PF_P) || frames_used == HEAP_PAGES)
        return false;   /* not ours: the runtime prints "guest fault: #PF ..." and exits */
    uint32_t frame = (uint32_t)(uintptr_t)frames[frames_used++];
    heap_table[PTX(addr)] = frame | PTE_P | PTE_W;
    printf("  #PF at %#x (%s, page not present): mapped frame %#x\n", (unsigned)addr,
           (f->error & PF_W) ? "write" : "read", (unsigned)frame);
    return true;   /* IRET restarts the instruction that faulted */
}

static void paging_on(void)
{
    page_dir[0] = 0 | PTE_P | PTE_W | PTE_PS;                            /* [0, 4 MiB) = itself */
    page_dir[PDX(HEAP_BASE)] = (uint32_t)(uintptr_t)heap_table | PTE_P | PTE_W;  /* all entries 0 */
    uint32_t cr0, cr4;
    __asm__ volatile("movl %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("movl %0, %%cr4" : : "r"(cr4 | CR4_PSE));
    __asm__ volatile("movl %0, %%cr3" : : "r"(page_dir) : "memory");
    __asm__ volatile("movl %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("movl %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
}

int main(void)
{
    vx_set_fault_handler(EXC_PF, page_fault);
    paging_on();
    printf("paging on; the heap at %#x is not mapped yet\n", HEAP_BASE);

    /* Write one line into each of the first three heap pages: three faults, three frames. */
    char *heap = (char *)(uintptr_t)HEAP_BASE;
    for (unsigned page = 0; page < 3; page++)
        snprintf(heap + page * PAGE_SIZE, 64, "this line lives in heap page %u", page);
    /* Reading them back faults no more: the pages are present now. */
    for (unsigned page = 0; page < 3; page++)
        printf("  read back: %s\n", heap + page * PAGE_SIZE);
    printf("%u page faults, %u frames used\n", frames_used, frames_used);

    if (strcmp(vx_cmdline_args(), "crash") == 0) {
        printf("now writing to %#x, outside the heap...\n", 0xdead0000u);
        *(volatile uint32_t *)(uintptr_t)0xdead0000u = 1;
    }
    return 0;
}
