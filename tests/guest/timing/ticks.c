/* A timer-driven guest for virtual time: the PIT interrupts at 1000 Hz of virtual
 * time while the program does a fixed amount of work, and prints a line on each tick it sees.
 * The number of ticks measures how much virtual time the work took, so it follows the cost table:
 * with every instruction class twice as expensive, the same work takes twice the ticks, and the
 * work done in a fixed number of ticks (the second phase) halves.
 *
 * The work is chunks of a two-instruction loop (DEC, JNZ), written in assembly so the
 * instruction count does not depend on the compiler. */
#include "../sys/lib/sys.h"

#define PIT_INPUT_HZ 1193182u              /* the PIT input clock, in Hz */
#define TICK_HZ 1000u
#define WORK_CHUNKS 2000u
#define CHUNK_ITERATIONS 20000u            /* 2000 x 20000 x 2 = 80 million instructions */
#define MEASURE_TICKS 20u
#define SMALL_CHUNK_ITERATIONS 500u

static volatile uint32_t ticks;

static void on_timer(struct sys_frame *f)
{
    (void)f;
    ticks++;
    sys_pic_eoi(0);
}

static void work_chunk(uint32_t n)
{
    __asm__ volatile("1:\tdecl %0\n\tjnz 1b" : "+r"(n));
}

int main(void)
{
    sys_init();
    sys_pic_remap();
    sys_set_handler(PIC1_BASE + 0, on_timer);
    sys_pit_periodic((uint16_t)((PIT_INPUT_HZ + TICK_HZ / 2) / TICK_HZ));
    sys_pic_mask((uint16_t)~1u);        /* IRQ0 only */
    cpu_sti();

    uint32_t seen = 0;
    for (uint32_t chunk = 0; chunk < WORK_CHUNKS; chunk++) {
        work_chunk(CHUNK_ITERATIONS);
        uint32_t now = ticks;
        if (now != seen) {
            printf("tick %u at chunk %u\n", now, chunk);
            seen = now;
        }
    }
    printf("ticks: %u\n", ticks);

    /* Phase 2: how much work fits in MEASURE_TICKS ticks, starting at a tick boundary. */
    uint32_t start = ticks;
    while (ticks == start)
        ;
    start = ticks;
    uint32_t chunks = 0;
    while (ticks - start < MEASURE_TICKS) {
        work_chunk(SMALL_CHUNK_ITERATIONS);
        chunks++;
    }
    cpu_cli();
    printf("chunks in %u ticks: %u\n", MEASURE_TICKS, chunks);
    return 0;
}
