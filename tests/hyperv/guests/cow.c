/* cow.c: a guest whose memory the copy-on-write tests count (tests/hyperv/cow.sh).
 *   state=S   pages of state written at boot from 2 MiB up (not zeros: a snapshot saves them)
 *   touch=T   pages from 4 MiB up written at boot, one byte each (with --lazy: T pages
 *             demand-zeroed). Neither is an array in .bss, which the start-up code zeroes whole
 *             (as a kernel clears its own .bss): the guest's RAM is touched only where it says.
 *   dirty=K   after the snapshot point, pages of the state written again: a clone restored
 *             from the snapshot copies those K pages on write (and the few its stack and
 *             printf touch, the same for every K: the test compares K with K = 0)
 *   hold      spin with interrupts off before the snapshot point (a VM that stays, to be
 *             looked at from outside: memory.current, /proc/vm/N/stats)
 *   linger    then spin with interrupts off until the VMM's --timeout ends it (status 124),
 *             so several clones are alive at once
 * At boot it also reads its 64 KiB of read-only data (a stand-in for a kernel's text: `vm run
 * --share` maps those pages from the image file) and prints their sum. The snapshot point is
 * an OUT to the debug-exit port (vm run --snapshot saves there; vm restore continues after it). */
#include "vxlib.h"
#include "devices/debugport_abi.h"

#define MAX_STATE 512                        /* pages: [2 MiB, 4 MiB) */
#define MAX_TOUCH 4096
#define RO_PAGES 16
#define STATE_BASE 0x200000u                 /* state at 2 MiB, touched pages from 4 MiB: not in .bss, */
#define TOUCH_BASE 0x400000u                 /* which the start-up code zeroes whole; paging is off */
static uint32_t (*const state)[1024] = (uint32_t (*)[1024])STATE_BASE;
static const uint32_t ro[RO_PAGES][1024] __attribute__((aligned(4096))) = { [0 ... RO_PAGES - 1] = { [0 ... 1023] = 0x01010101u } };

static uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

int main(void)
{
    uint32_t nstate = arg("state=", 0), touch = arg("touch=", 0), dirty = arg("dirty=", 0);
    nstate = nstate > MAX_STATE ? MAX_STATE : nstate;
    touch = touch > MAX_TOUCH ? MAX_TOUCH : touch;
    dirty = dirty > nstate ? nstate : dirty;
    for (uint32_t p = 0; p < nstate; p++)
        for (uint32_t i = 0; i < 1024; i++)
            state[p][i] = p * 1024 + i + 1;
    for (uint32_t p = 0; p < touch; p++)
        ((volatile uint8_t *)TOUCH_BASE)[p * 4096] = (uint8_t)(p | 1);
    uint32_t sum = 0;
    for (uint32_t p = 0; p < RO_PAGES; p++)
        for (uint32_t i = 0; i < 1024; i++)
            sum += ro[p][i];
    printf("cow: booted, %u state pages, %u touched, ro sum %#x\n", (unsigned)nstate, (unsigned)touch, (unsigned)sum);
    if (strstr(vx_cmdline_args(), "hold"))
        for (;;)
            __asm__ volatile("cli; pause");
    uint32_t v = 0;                                   /* the snapshot point */
    __asm__ volatile("outb %%al, %%dx" : "+a"(v) : "d"((uint16_t)DEBUGPORT_EXIT) : "memory");
    for (uint32_t p = 0; p < dirty; p++)
        for (uint32_t i = 0; i < 1024; i += 1024 / 4)
            state[p][i] = ~state[p][i];
    uint32_t check = 0;
    for (uint32_t p = 0; p < nstate; p++)
        check += state[p][0];
    printf("cow: clone wrote %u pages, check %#x\n", (unsigned)dirty, (unsigned)check);
    if (strstr(vx_cmdline_args(), "linger"))
        for (;;)
            __asm__ volatile("cli; pause");
    v = 0;
    __asm__ volatile("outb %%al, %%dx" : : "a"(v), "d"((uint16_t)DEBUGPORT_EXIT) : "memory");
    return 0;
}
