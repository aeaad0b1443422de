/* Random bytes as guest code must never crash or hang the host.
 *
 * Each run starts a fresh or reset CPU in flat protected mode with an IDT whose
 * every gate points at a HLT, loads a few bytes to a page of random code (sometimes biased
 * towards prefixes and 0F escapes), random registers, random EFLAGS and sometimes a random
 * stack and random GDT entries, and runs it for at most FUZZ_CYCLES cycles. The run must end in
 * HLT, shutdown or the cycle limit, and must not overrun the limit by much (a REP string or
 * any single instruction must not run away). The sanitizer build (build/tests-san) is what
 * proves the host does not crash.
 *
 * FUZZ_RUNS=N (default 100000), FUZZ_SEED=N, FUZZ_ONLY=K (replay run K alone, with a trace
 * of the registers at the end). A run that takes more than 20 s of wall time is reported with
 * its number and aborted. */
#include <check.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/cpu_harness.h"

#define FUZZ_RAM 0x10000u
#define FUZZ_CYCLES 2000u
/* A single instruction may overshoot the limit by its own cost (an exception delivery, a REP
 * chunk), never by an unbounded amount. */
#define FUZZ_OVERRUN_MAX 100000u
/* Every this many runs the CPU is freed and built again; runs in between reuse it. Replaying
 * one run (FUZZ_ONLY) starts from a fresh CPU, so a difference points at state a reset missed. */
#define FUZZ_FRESH_EVERY 64

static uint64_t rng_state;
static uint32_t rng32(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static uint32_t rng_below(uint32_t n) { return rng32() % n; }

static long env_long(const char *name, long dflt)
{
    const char *e = getenv(name);
    return e && *e ? strtol(e, NULL, 0) : dflt;
}

/* The run in progress, for the watchdog's message. */
static volatile long current_run = -1;
static uint64_t current_seed;

static void on_watchdog(int sig)
{
    (void)sig;
    char msg[160];
    int n = snprintf(msg, sizeof msg, "test_fuzz: run %ld (FUZZ_SEED=%llu FUZZ_ONLY=%ld) hangs the host CPU loop\n",
                     current_run, (unsigned long long)current_seed, current_run);
    if (n > 0)
        (void)!write(2, msg, (size_t)n);
    _exit(3);
}

static const uint8_t interesting[] = {
    0x66, 0x67, 0xF0, 0xF2, 0xF3, 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x0F, 0x0F, 0xCD, 0xCF,
    0xCA, 0xCB, 0xEA, 0x9A, 0x8E, 0xA4, 0xA5, 0xAA, 0xAB, 0x6C, 0x6D, 0xE4, 0xEE, 0xFA, 0xFB,
    0xF4, 0x01, 0x22, 0x20, 0x00, 0x30, 0x32, 0xC7, 0xFF, 0xE8, 0xC3, 0x9D, 0xCC, 0x62, 0xC8,
};

static void random_code(uint8_t *code, uint32_t len)
{
    uint32_t style = rng_below(10);
    for (uint32_t i = 0; i < len; i++) {
        uint8_t b = (uint8_t)rng32();
        if (style >= 7 && rng_below(3) == 0)
            b = interesting[rng_below(sizeof interesting)];
        else if (style == 6 && rng_below(4) == 0)
            b = 0x0F;
        code[i] = b;
    }
}

typedef struct fuzz_result {
    cpu_stop stop;
    uint64_t cycles;
} fuzz_result;

static fuzz_result fuzz_one(harness *h, const uint8_t *pristine, long run, uint64_t seed)
{
    memcpy(h->ram, pristine, h->ram_size);
    if (run % FUZZ_FRESH_EVERY == 0) {
        cpu_bus bus = h->c.bus;
        cpu_free(&h->c);
        cpu_init(&h->c, &bus);
    } else {
        /* Reuse the CPU (a fresh one allocates its decoded-code pages again, which dominates
         * the run time): put back every piece of architectural state random code may change.
         * Decoded code and TLB entries survive on purpose: they must be invalidated. */
        cpu *c = &h->c;
        c->cr0 = c->cr2 = c->cr3 = c->cr4 = 0;
        c->efer = 0;
        c->halted = c->shutdown = false;
        cpu_flush_tlb(c);
    }
    harness_reset(h);

    rng_state = seed ^ ((uint64_t)run * 0x9E3779B97F4A7C15ULL) ^ 0xF0220F22ULL;
    if (rng_state == 0)
        rng_state = 1;
    uint32_t len = rng_below(8) == 0 ? 4096 : 1 + rng_below(rng_below(2) ? 16 : 512);
    uint8_t code[4096];
    random_code(code, len);
    harness_load_code(h, code, len);
    if (rng_below(4) == 0) {
        /* random stack contents: RET, IRET, POP and far returns read garbage */
        for (uint32_t a = 0x8000; a < HARNESS_STACK_TOP + 0x100; a++)
            h->ram[a] = (uint8_t)rng32();
    }
    if (rng_below(8) == 0) {
        /* random descriptors after the flat ones: segment loads see every kind of garbage */
        for (uint32_t a = HARNESS_GDT + 0x18; a < HARNESS_GDT + 0x40; a++)
            h->ram[a] = (uint8_t)rng32();
    }
    cpu *c = &h->c;
    for (int r = 0; r < 8; r++)
        c->regs[r] = rng32();
    if (rng_below(4) != 0)
        c->regs[R_ESP] = HARNESS_STACK_TOP - 4 * rng_below(64);
    /* random EFLAGS, but not VM (virtual-8086 mode is outside vx86's contract) */
    cpu_set_eflags(c, (rng32() & 0x003F7FD5u & ~F_VM) | 0x2);

    fuzz_result res;
    uint64_t start = c->cycles;
    res.stop = cpu_run(c, start + FUZZ_CYCLES);
    res.cycles = c->cycles - start;
    return res;
}

START_TEST(test_fuzz_random_code)
{
    long runs = env_long("FUZZ_RUNS", 100000);
    long only = env_long("FUZZ_ONLY", -1);
    uint64_t seed = (uint64_t)env_long("FUZZ_SEED", 0xF022);
    current_seed = seed;
    signal(SIGALRM, on_watchdog);

    harness *h = harness_new(FUZZ_RAM);
    uint8_t *pristine = malloc(FUZZ_RAM);
    ck_assert_ptr_nonnull(pristine);
    memcpy(pristine, h->ram, FUZZ_RAM);

    long counts[3] = { 0, 0, 0 };
    long bad = 0;
    for (long run = only >= 0 ? only : 0; run < (only >= 0 ? only + 1 : runs); run++) {
        current_run = run;
        alarm(20);
        fuzz_result r = fuzz_one(h, pristine, run, seed);
        alarm(0);
        bool known = r.stop == CPU_STOP_LIMIT || r.stop == CPU_STOP_HALT || r.stop == CPU_STOP_SHUTDOWN;
        if (known)
            counts[r.stop]++;
        if (!known || r.cycles > FUZZ_CYCLES + FUZZ_OVERRUN_MAX) {
            if (bad < 10)
                fprintf(stderr, "FUZZ run %ld (FUZZ_SEED=%llu FUZZ_ONLY=%ld): stop %d after %llu cycles (limit %u)\n",
                        run, (unsigned long long)seed, run, (int)r.stop, (unsigned long long)r.cycles,
                        FUZZ_CYCLES);
            bad++;
        }
        if (only >= 0) {
            cpu *c = &h->c;
            fprintf(stderr, "run %ld: stop %d, %llu cycles, %d events, first exception %d, eip %08X, cr0 %08X\n",
                    run, (int)r.stop, (unsigned long long)r.cycles, h->event_count, h->first_exception, c->eip,
                    c->cr0);
        }
    }
    fprintf(stderr, "fuzz: %ld limit, %ld halt, %ld shutdown\n", counts[CPU_STOP_LIMIT], counts[CPU_STOP_HALT],
            counts[CPU_STOP_SHUTDOWN]);
    free(pristine);
    harness_free(h);
    ck_assert_msg(bad == 0, "%ld fuzz runs ended wrongly (see stderr)", bad);
    /* Random code almost always faults: if nothing ever halted, exception delivery is broken. */
    if (only < 0 && runs >= 1000)
        ck_assert_msg(counts[CPU_STOP_HALT] > 0, "no run reached the HLT exception handler");
}
END_TEST

/* Deterministic: the same run twice ends in the same state. */
START_TEST(test_fuzz_deterministic)
{
    harness *h = harness_new(FUZZ_RAM);
    uint8_t *pristine = malloc(FUZZ_RAM);
    ck_assert_ptr_nonnull(pristine);
    memcpy(pristine, h->ram, FUZZ_RAM);
    for (long run = 0; run < 200; run++) {
        fuzz_result a = fuzz_one(h, pristine, run, 77);
        uint32_t regs_a[8];
        memcpy(regs_a, h->c.regs, sizeof regs_a);
        uint32_t eip_a = h->c.eip;
        fuzz_result b = fuzz_one(h, pristine, run, 77);
        ck_assert_msg(a.stop == b.stop && a.cycles == b.cycles && eip_a == h->c.eip &&
                          memcmp(regs_a, h->c.regs, sizeof regs_a) == 0,
                      "run %ld is not deterministic", run);
    }
    free(pristine);
    harness_free(h);
}
END_TEST

static Suite *fuzz_suite(void)
{
    Suite *s = suite_create("fuzz");
    TCase *tc = tcase_create("fuzz");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, test_fuzz_random_code);
    tcase_add_test(tc, test_fuzz_deterministic);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(fuzz_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
