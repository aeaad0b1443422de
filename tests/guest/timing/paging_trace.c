/* Known page faults and CR3 writes for the trace test (`vx86 run --trace`): the program prints
 * what it saw (vector, error code, CR2, CR3) and tests/guest/timing/run.sh checks that the trace
 * holds the same events with the same fields. */
#include "../sys/lib/sys.h"

#define PAGE(n) (TEST_VA + (n) * 0x1000u)

/* The ring-3 accesses run through sys_run_user, which wants uint32_t fn(uint32_t). */
static uint32_t user_read(uint32_t va) { return sys_probe_read32(va); }
static uint32_t user_write(uint32_t va) { sys_probe_write32(va, 1); return 0; }
static void kernel_read(uint32_t va) { (void)sys_probe_read32(va); }
static void kernel_write(uint32_t va) { sys_probe_write32(va, 2); }

static void report(void)
{
    printf("fault vector=%d error=%u cr2=%u\n", sys_last.vector, sys_last.error, sys_last.cr2);
}

int main(void)
{
    sys_init();
    sys_paging_on();
    printf("cr3 %u\n", read_cr3());
    sys_map(PAGE(1), (uint32_t)(uintptr_t)sys_frames[0], PTE_P | PTE_W);   /* supervisor */
    sys_map(PAGE(2), (uint32_t)(uintptr_t)sys_frames[1], PTE_P | PTE_U);   /* user read-only */

    kernel_read(PAGE(0) + 0x123);        /* not present, read: error 0 */
    report();
    kernel_write(PAGE(3) + 0xffc);       /* not present, write: error 2 */
    report();
    sys_run_user(user_read, PAGE(1) + 0x20, 0);    /* user reads a supervisor page: error 5 */
    report();
    sys_run_user(user_write, PAGE(2) + 0x40, 0);   /* user writes a read-only page: error 7 */
    report();
    write_cr3(read_cr3());
    printf("cr3 %u\n", read_cr3());
    return 0;
}
