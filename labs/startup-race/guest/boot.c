/* The start-up race's guest: a stand-in for a system that boots, run as a VM of the toy OS.
 * `pages=P work=W`: its "boot" writes P pages of RAM (its kernel's data structures) and computes
 * W steps (probing, initialising), then prints "ready" and ends. With `snap` it writes the
 * debug-exit port just before "ready": `vm run --snapshot FILE` saves the VM there
 * (hyperv/vm/snapshot.c) and `vm restore FILE` continues after that OUT, straight to "ready". */
#include "vxlib.h"
#include "vx/io.h"
#include "devices/debugport_abi.h"

#define MAX_PAGES 512
static uint32_t state[MAX_PAGES][1024] __attribute__((aligned(4096)));

static uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

int main(void)
{
    uint32_t pages = arg("pages=", 16), work = arg("work=", 1000000);
    if (pages > MAX_PAGES)
        pages = MAX_PAGES;
    uint32_t x = 1;
    for (uint32_t p = 0; p < pages; p++)
        for (uint32_t i = 0; i < 1024; i++)
            state[p][i] = x = x * 1103515245u + 12345u;
    for (uint32_t i = 0; i < work; i++)
        x = x * 1103515245u + 12345u + (x >> 7);
    if (strstr(vx_cmdline_args(), "snap"))
        outb(DEBUGPORT_EXIT, 0);          /* freeze me here: vm run --snapshot saves the VM */
    for (uint32_t p = 0; p < pages; p++)  /* the state is used after boot (and so is kept) */
        x += state[p][p % 1024];
    printf("ready %#x\n", (unsigned)x);
    return 0;
}
