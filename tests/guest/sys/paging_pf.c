/* Page faults: every error-code case of 32-bit paging (SDM Vol. 3 §4.7): not-present read and
 * write, user access to supervisor pages, writes to read-only pages from ring 3 and from ring 0
 * with CR0.WP on and off, U/S and R/W taken from the PDE as well as the PTE, instruction fetch.
 * Each line shows the exception and error code, CR2, and whether the saved EIP points at the
 * faulting instruction. */
#include "lib/sys.h"

#define PAGE(n) (TEST_VA + (n) * 0x1000u)

/* The ring-3 accesses run through sys_run_user, which wants uint32_t fn(uint32_t). */
static uint32_t user_read(uint32_t va) { return sys_probe_read32(va); }
static uint32_t user_write(uint32_t va) { sys_probe_write32(va, 0x55aa55aa); return 0; }
static void kernel_read(uint32_t va) { (void)sys_probe_read32(va); }
static void kernel_write(uint32_t va) { sys_probe_write32(va, 0x12345678); }

static void report(const char *what, uint32_t va)
{
    printf("%-44s ", what);
    sys_print_fault();
    if (sys_last.vector == EXC_PF)
        printf(" cr2=%s eip=%s", sys_last.cr2 == va ? "addr" : "WRONG",
               sys_fault_at_probe() ? "insn" : "WRONG");
    putchar('\n');
}

static void user_case(const char *what, uint32_t (*fn)(uint32_t), uint32_t va)
{
    sys_run_user(fn, va, 0);
    report(what, va);
}

int main(void)
{
    sys_init();
    sys_paging_on();
    uint32_t f0 = (uint32_t)(uintptr_t)sys_frames[0];
    uint32_t f1 = (uint32_t)(uintptr_t)sys_frames[1];
    uint32_t f2 = (uint32_t)(uintptr_t)sys_frames[2];

    /* PAGE(0) not present, PAGE(1) supervisor read/write, PAGE(2) user read-only,
     * PAGE(3) supervisor read-only, PAGE(4) user read/write. */
    sys_map(PAGE(1), f0, PTE_P | PTE_W);
    sys_map(PAGE(2), f1, PTE_P | PTE_U);
    sys_map(PAGE(3), f2, PTE_P);
    sys_map(PAGE(4), f0, PTE_P | PTE_W | PTE_U);

    puts("-- ring 0, CR0.WP=0");
    kernel_read(PAGE(0) + 0x123);
    report("read not-present", PAGE(0) + 0x123);
    kernel_write(PAGE(0) + 0xffc);
    report("write not-present", PAGE(0) + 0xffc);
    kernel_read(0x80000010);
    report("read, PDE not present", 0x80000010);
    kernel_write(0x80000010);
    report("write, PDE not present", 0x80000010);
    kernel_read(PAGE(2) + 8);
    report("read user read-only page", PAGE(2) + 8);
    kernel_write(PAGE(3) + 8);
    report("write supervisor read-only page (WP=0)", PAGE(3) + 8);
    printf("  value written: %#x\n", *(volatile uint32_t *)(sys_frames[2] + 8));
    kernel_write(PAGE(2) + 12);
    report("write user read-only page (WP=0)", PAGE(2) + 12);
    SYS_PROBE("jmp *%0", : : "r"(PAGE(0) + 0x40));
    printf("%-44s ", "fetch from not-present page");
    sys_print_fault();
    printf(" cr2=%s eip=%s\n", sys_last.cr2 == PAGE(0) + 0x40 ? "addr" : "WRONG",
           sys_last.eip == PAGE(0) + 0x40 ? "target" : "WRONG");

    puts("-- ring 0, CR0.WP=1");
    write_cr0(read_cr0() | CR0_WP);
    kernel_write(PAGE(3) + 16);
    report("write supervisor read-only page (WP=1)", PAGE(3) + 16);
    kernel_write(PAGE(2) + 16);
    report("write user read-only page (WP=1)", PAGE(2) + 16);
    kernel_write(PAGE(1) + 16);
    report("write supervisor read/write page (WP=1)", PAGE(1) + 16);
    kernel_write(PAGE(0) + 16);
    report("write not-present (WP=1)", PAGE(0) + 16);
    printf("  read-only frames unchanged: %s\n",
           yn(*(volatile uint32_t *)(sys_frames[2] + 16) == 0 &&
              *(volatile uint32_t *)(sys_frames[1] + 16) == 0));
    write_cr0(read_cr0() & ~CR0_WP);

    puts("-- ring 3");
    for (int wp = 0; wp < 2; wp++) {
        printf("CR0.WP=%d\n", wp);
        if (wp)
            write_cr0(read_cr0() | CR0_WP);
        user_case("user read not-present", user_read, PAGE(0) + 4);
        user_case("user write not-present", user_write, PAGE(0) + 4);
        user_case("user read supervisor page", user_read, PAGE(1) + 0x20);
        user_case("user write supervisor page", user_write, PAGE(1) + 0x20);
        user_case("user read supervisor read-only page", user_read, PAGE(3) + 0x20);
        user_case("user write supervisor read-only page", user_write, PAGE(3) + 0x20);
        user_case("user read user read-only page", user_read, PAGE(2) + 0x20);
        user_case("user write user read-only page", user_write, PAGE(2) + 0x20);
        user_case("user write user read/write page", user_write, PAGE(4) + 0x20);
        user_case("user read, PDE not present", user_read, 0x80000000);
    }
    write_cr0(read_cr0() & ~CR0_WP);
    printf("  user-written value: %#x, read-only frame untouched: %s\n",
           *(volatile uint32_t *)(sys_frames[0] + 0x20),
           yn(*(volatile uint32_t *)(sys_frames[1] + 0x20) == 0));

    /* The effective rights are the stricter of PDE and PTE (SDM §4.6.1). */
    puts("-- rights from the PDE");
    uint32_t *pde = sys_pde(TEST_VA);
    *pde &= ~PTE_U;
    write_cr3(read_cr3());
    user_case("user read, PDE supervisor, PTE user", user_read, PAGE(4) + 0x30);
    *pde = (*pde | PTE_U) & ~PTE_W;
    write_cr3(read_cr3());
    user_case("user read, PDE read-only, PTE writable", user_read, PAGE(4) + 0x30);
    user_case("user write, PDE read-only, PTE writable", user_write, PAGE(4) + 0x30);
    kernel_write(PAGE(4) + 0x30);
    report("kernel write, PDE read-only (WP=0)", PAGE(4) + 0x30);
    write_cr0(read_cr0() | CR0_WP);
    kernel_write(PAGE(4) + 0x34);
    report("kernel write, PDE read-only (WP=1)", PAGE(4) + 0x34);
    write_cr0(read_cr0() & ~CR0_WP);
    *pde |= PTE_W;
    write_cr3(read_cr3());

    puts("paging_pf: done");
    return 0;
}
