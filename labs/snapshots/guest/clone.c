/* The snapshots lab's guest: a small service that boots, is snapshotted, and is cloned.
 * Boot: seeds its random-number generator from RDTSC (the time it booted: different on every
 * cold boot) and writes `pages=P` pages of state. Snapshot point: it writes the debug-exit port
 * (`vm run --snapshot` saves it there; `vm restore` continues after the OUT). After it, EAX holds
 * what the restore put there: 0, or with `vm restore --genid N` a VM generation ID N. With
 * `genid` on its command line the guest reseeds its generator when that ID is not 0, as Linux's
 * vmgenid driver does. Then it "serves": makes a session key and fills `dirty=D` pages with
 * output of the generator, prints the key and ends (the debug exit again: `vm restore
 * --snapshot OUT` saves the clone's final memory for comparison). */
#include "vxlib.h"
#include "devices/debugport_abi.h"

#define MAX_PAGES 256
static uint32_t boot_state[MAX_PAGES][1024] __attribute__((aligned(4096)));
static uint32_t work[MAX_PAGES][1024] __attribute__((aligned(4096)));
static uint64_t rng;                        /* xorshift64 state: the thing clones must not share */

static uint32_t arg(const char *name, uint32_t dflt)
{
    const char *s = strstr(vx_cmdline_args(), name);
    return s ? (uint32_t)strtoul(s + strlen(name), NULL, 10) : dflt;
}

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo | (uint64_t)hi << 32;
}

int main(void)
{
    uint32_t pages = arg("pages=", 16), dirty = arg("dirty=", 8);
    if (pages > MAX_PAGES)
        pages = MAX_PAGES;
    if (dirty > MAX_PAGES)
        dirty = MAX_PAGES;
    rng = rdtsc() * 0x9E3779B97F4A7C15ull | 1;     /* boot-time entropy */
    for (uint32_t p = 0; p < pages; p++)
        for (uint32_t i = 0; i < 1024; i++)
            boot_state[p][i] = next();
    printf("clone: booted\n");
    uint32_t gen = 0;                               /* snapshot point; a restore may set EAX */
    __asm__ volatile("outb %%al, %%dx" : "+a"(gen) : "d"((uint16_t)DEBUGPORT_EXIT) : "memory");
    if (gen && strstr(vx_cmdline_args(), "genid"))
        rng ^= (uint64_t)gen * 0xD1B54A32D192ED03ull;   /* reseed: this is clone number gen */
    uint32_t key = next();
    for (uint32_t p = 0; p < dirty; p++)
        for (uint32_t i = 0; i < 1024; i++)
            work[p][i] = next() ^ boot_state[p % (pages ? pages : 1)][i];
    uint32_t sum = 0;                               /* the output is used (and so is kept) */
    for (uint32_t p = 0; p < dirty; p++)
        sum += work[p][p];
    printf("clone: generation %u session key %#010x work %#x\n", (unsigned)gen, (unsigned)key, (unsigned)sum);
    return 0;
}
