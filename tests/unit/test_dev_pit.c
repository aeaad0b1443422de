/* 8254 PIT on virtual time: tick conversion, modes 0/2/3/4, counter readback and latches,
 * IRQ 0 edges through the fake timer list, channel 2 through port 0x61, snapshots. */
#include <check.h>
#include <stdlib.h>

#include "devices/pit.h"
#include "tests/unit/fake_host.h"

#define CPT 10                      /* cycles per PIT tick in most tests */

static fake_host host;
static pit t;

static void outb(uint16_t port, uint8_t v) { pit_io_write(&t, port, 1, v); }
static uint8_t inb(uint16_t port) { return (uint8_t)pit_io_read(&t, port, 1); }

static void setup(void)
{
    fake_host_init(&host, (uint64_t)PIT_HZ * CPT);
    pit_init(&t, &host.host);
}

static void program(int channel, uint8_t mode, uint16_t count)
{
    outb(0x43, (uint8_t)(channel << 6 | 0x30 | mode << 1));
    outb((uint16_t)(0x40 + channel), (uint8_t)count);
    outb((uint16_t)(0x40 + channel), (uint8_t)(count >> 8));
}

static uint16_t read_latched(int channel)
{
    outb(0x43, (uint8_t)(channel << 6));
    uint16_t lo = inb((uint16_t)(0x40 + channel));
    return (uint16_t)(lo | inb((uint16_t)(0x40 + channel)) << 8);
}

START_TEST(tick_conversion_is_exact)
{
    dev_host h = { .cycles_per_second = 100000000 };   /* 100 MHz */
    ck_assert_uint_eq(pit_ticks_at(&h, 0), 0);
    ck_assert_uint_eq(pit_ticks_at(&h, 100000000), PIT_HZ);
    ck_assert_uint_eq(pit_ticks_at(&h, 50000000), PIT_HZ / 2);
    /* Huge cycle counts neither overflow nor lose precision. */
    uint64_t big = UINT64_MAX;
    uint64_t expect = big / 100000000 * PIT_HZ + big % 100000000 * PIT_HZ / 100000000;
    ck_assert_uint_eq(pit_ticks_at(&h, big), expect);
    ck_assert_uint_gt(pit_ticks_at(&h, big), (uint64_t)1 << 57);
    /* cycle_of_tick is the first cycle reaching a tick. */
    for (uint64_t tick = 0; tick < 5000; tick += 7) {
        uint64_t c = pit_cycle_of_tick(&h, tick);
        ck_assert_uint_ge(pit_ticks_at(&h, c), tick);
        if (c) ck_assert_uint_lt(pit_ticks_at(&h, c - 1), tick);
    }
    uint64_t far = (uint64_t)1 << 50;
    uint64_t c = pit_cycle_of_tick(&h, far);
    ck_assert_uint_ge(pit_ticks_at(&h, c), far);
    ck_assert_uint_lt(pit_ticks_at(&h, c - 1), far);
}
END_TEST

START_TEST(reset_state_ticks_at_18hz)
{
    fake_run_until(&host, 65535ull * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    fake_run_until(&host, 65536ull * CPT * 3);
    ck_assert_int_eq(host.irq_rises[0], 3);
    outb(0x43, 0xE2);
    ck_assert_uint_eq(inb(0x40), 0x80 | 0x36);  /* mode 3, lohi, binary, OUT high */
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);  /* channel 2 idle with OUT high */
}
END_TEST

START_TEST(mode2_period_and_irq)
{
    program(0, 2, 1000);
    ck_assert_int_eq(host.irq_rises[0], 0);     /* programming alone is not a tick */
    fake_run_until(&host, 999 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    fake_run_until(&host, 1000 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);
    fake_run_until(&host, 10000 * CPT + 5);
    ck_assert_int_eq(host.irq_rises[0], 10);
    ck_assert(host.irq_level[0]);
}
END_TEST

START_TEST(mode2_counter_readback)
{
    program(0, 2, 1000);
    ck_assert_uint_eq(read_latched(0), 1000);
    host.now = 250 * CPT;
    ck_assert_uint_eq(read_latched(0), 750);
    host.now = 1999 * CPT;
    ck_assert_uint_eq(read_latched(0), 1);
    host.now = 2000 * CPT + 3;                  /* partial tick does not count */
    ck_assert_uint_eq(read_latched(0), 1000);
    /* Unlatched lo/hi reads go through the flip-flop. */
    host.now = 2100 * CPT;
    ck_assert_uint_eq(inb(0x40), 900 & 0xFF);
    ck_assert_uint_eq(inb(0x40), 900 >> 8);
}
END_TEST

START_TEST(latch_freezes_value)
{
    program(0, 2, 5000);
    host.now = 100 * CPT;
    outb(0x43, 0x00);
    host.now = 900 * CPT;
    outb(0x43, 0x00);                           /* a second latch is ignored until read */
    uint16_t lo = inb(0x40);
    host.now = 1000 * CPT;
    uint16_t v = (uint16_t)(lo | inb(0x40) << 8);
    ck_assert_uint_eq(v, 4900);
    ck_assert_uint_eq(read_latched(0), 4000);
}
END_TEST

START_TEST(mode3_square_wave)
{
    program(0, 3, 100);
    ck_assert_uint_eq(read_latched(0), 100);
    host.now = 10 * CPT;
    ck_assert_uint_eq(read_latched(0), 80);     /* counts down by two */
    host.now = 50 * CPT;
    ck_assert_uint_eq(read_latched(0), 100);    /* second half reloads */
    host.now = 0;
    fake_run_until(&host, 100 * CPT * 5);
    ck_assert_int_eq(host.irq_rises[0], 5);
    /* Output visible via read-back status: high in the first half, low in the second. */
    host.now = 500 * CPT + 20 * CPT;
    outb(0x43, 0xE2);                           /* read-back status of channel 0 */
    ck_assert_uint_eq(inb(0x40) & 0x80, 0x80);
    host.now = 500 * CPT + 70 * CPT;
    outb(0x43, 0xE2);
    ck_assert_uint_eq(inb(0x40), 0x36);         /* OUT low, lohi, mode 3, binary */
}
END_TEST

START_TEST(mode0_one_shot)
{
    program(0, 0, 300);
    ck_assert(!host.irq_level[0]);
    host.now = 100 * CPT;
    ck_assert_uint_eq(read_latched(0), 200);
    fake_run_until(&host, 299 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    fake_run_until(&host, 300 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);
    fake_run_until(&host, 5000 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);     /* no repeat */
    host.now = 301 * CPT;
    ck_assert_uint_eq(read_latched(0), 0xFFFF); /* the count keeps wrapping */
}
END_TEST

START_TEST(mode0_first_byte_stops_count)
{
    program(0, 0, 300);
    host.now = 10 * CPT;
    outb(0x40, 0x20);                           /* low byte only: counting stops */
    fake_run_until(&host, 1000 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    outb(0x40, 0x00);                           /* count 0x0020 from t = 1000 ticks */
    fake_run_until(&host, 1031 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    fake_run_until(&host, 1032 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);
}
END_TEST

START_TEST(mode4_strobe)
{
    program(0, 4, 50);
    fake_run_until(&host, 50 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);     /* low at terminal count */
    fake_run_until(&host, 51 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);     /* and high again one tick later */
    fake_run_until(&host, 500 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);
}
END_TEST

START_TEST(count_zero_is_65536)
{
    program(0, 2, 0);
    host.now = 1 * CPT;
    ck_assert_uint_eq(read_latched(0), 65535);
    fake_run_until(&host, 65535ull * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    fake_run_until(&host, 65536ull * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);
}
END_TEST

START_TEST(lobyte_and_hibyte_access)
{
    outb(0x43, 0x14);                           /* ch0, low byte only, mode 2 */
    outb(0x40, 200);
    host.now = 50 * CPT;
    ck_assert_uint_eq(inb(0x40), 150);
    ck_assert_uint_eq(inb(0x40), 150);          /* no flip-flop in lobyte mode */
    outb(0x43, 0x24);                           /* high byte only, mode 2 */
    outb(0x40, 0x02);                           /* count 0x200 */
    host.now = 50 * CPT + 0x100 * CPT;
    ck_assert_uint_eq(inb(0x40), 0x01);
}
END_TEST

START_TEST(readback_status_and_null_count)
{
    outb(0x43, 0x34);
    outb(0x43, 0xE2);
    ck_assert_uint_eq(inb(0x40), 0x80 | 0x40 | 0x34);   /* OUT high, null count */
    outb(0x40, 0x10); outb(0x40, 0x00);
    outb(0x43, 0xC2);                           /* latch count and status together */
    ck_assert_uint_eq(inb(0x40), 0x80 | 0x34);  /* status first */
    ck_assert_uint_eq(inb(0x40), 0x10);
    ck_assert_uint_eq(inb(0x40), 0x00);
}
END_TEST

START_TEST(slow_clock_reaches_every_edge)
{
    /* Fewer cycles per second than PIT ticks: edges still fire once per period, in order. */
    fake_host_init(&host, 1000000);
    pit_init(&t, &host.host);
    program(0, 2, 1193);                        /* ~1 kHz */
    fake_run_until(&host, 1000000);
    ck_assert_int_ge(host.irq_rises[0], 999);
    ck_assert_int_le(host.irq_rises[0], 1001);
}
END_TEST

START_TEST(reprogram_reschedules)
{
    program(0, 2, 1000);
    fake_run_until(&host, 500 * CPT);
    program(0, 2, 100);
    fake_run_until(&host, 599 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 0);
    fake_run_until(&host, 600 * CPT);
    ck_assert_int_eq(host.irq_rises[0], 1);
    outb(0x43, 0x30);                           /* mode 0 without a count: timer off */
    int before = host.irq_rises[0];
    fake_run_until(&host, 100000 * CPT);
    ck_assert_int_eq(host.irq_rises[0], before);
}
END_TEST

START_TEST(channel2_gate_and_port61)
{
    ck_assert_uint_eq(inb(0x61) & 0x03, 0);
    program(2, 0, 1000);
    host.now = 500 * CPT;
    ck_assert_uint_eq(read_latched(2), 1000);   /* gate low: not counting */
    outb(0x61, 0x01);                           /* gate high from t = 500 */
    host.now = 1499 * CPT;
    ck_assert_uint_eq(inb(0x61) & 0x20, 0);     /* OUT2 still low */
    ck_assert_uint_eq(read_latched(2), 1);
    host.now = 1500 * CPT;
    ck_assert_uint_eq(inb(0x61) & 0x21, 0x21);
    ck_assert_int_eq(host.irq_rises[0], 0);     /* channel 2 never touches IRQ 0 */
    /* Gate low pauses mode 0 and resumes where it was. */
    program(2, 0, 1000);
    host.now = 1600 * CPT;
    outb(0x61, 0x00);
    host.now = 9000 * CPT;
    ck_assert_uint_eq(read_latched(2), 900);
    outb(0x61, 0x01);
    host.now = 9100 * CPT;
    ck_assert_uint_eq(read_latched(2), 800);
}
END_TEST

START_TEST(port61_refresh_toggles)
{
    host.now = 0;
    uint8_t a = inb(0x61) & 0x10;
    host.now = 18 * CPT;
    uint8_t b = inb(0x61) & 0x10;
    ck_assert_uint_ne(a, b);
}
END_TEST

START_TEST(snapshot_restores_schedule)
{
    program(0, 2, 1000);
    program(2, 3, 40);
    outb(0x61, 0x03);
    fake_run_until(&host, 2500 * CPT);
    outb(0x43, 0x00);                           /* a pending latch is part of the state */
    uint8_t buf[256];
    size_t n = pit_save(&t, buf, sizeof buf);
    ck_assert_uint_le(n, sizeof buf);
    ck_assert_uint_eq(pit_save(&t, NULL, 0), n);

    fake_host h2;
    fake_host_init(&h2, (uint64_t)PIT_HZ * CPT);
    h2.now = host.now;
    pit u;
    pit_init(&u, &h2.host);
    ck_assert(pit_load(&u, buf, n));
    ck_assert_int_eq(fake_next_timer(&h2), 0);
    ck_assert_uint_eq(h2.timers[0].at, 3000 * CPT);
    ck_assert_uint_eq(pit_io_read(&u, 0x40, 1), inb(0x40));
    ck_assert_uint_eq(pit_io_read(&u, 0x40, 1), inb(0x40));
    fake_run_until(&host, 10000 * CPT);
    fake_run_until(&h2, 10000 * CPT);
    ck_assert_int_eq(h2.irq_rises[0], host.irq_rises[0] - 2);
    ck_assert_uint_eq(pit_io_read(&u, 0x61, 1), inb(0x61));

    ck_assert(!pit_load(&u, buf, n - 1));
    buf[0] ^= 0xFF;
    ck_assert(!pit_load(&u, buf, n));
}
END_TEST

START_TEST(garbage_never_crashes)
{
    srand(2);
    for (int i = 0; i < 20000; i++) {
        uint16_t ports[] = { 0x40, 0x41, 0x42, 0x43, 0x61 };
        uint16_t port = ports[rand() % 5];
        if (rand() % 2) outb(port, (uint8_t)rand());
        else (void)inb(port);
        fake_run_until(&host, host.now + (uint64_t)(rand() % 5000));
    }
}
END_TEST

static Suite *pit_suite(void)
{
    Suite *s = suite_create("pit");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, tick_conversion_is_exact);
    tcase_add_test(tc, reset_state_ticks_at_18hz);
    tcase_add_test(tc, mode2_period_and_irq);
    tcase_add_test(tc, mode2_counter_readback);
    tcase_add_test(tc, latch_freezes_value);
    tcase_add_test(tc, mode3_square_wave);
    tcase_add_test(tc, mode0_one_shot);
    tcase_add_test(tc, mode0_first_byte_stops_count);
    tcase_add_test(tc, mode4_strobe);
    tcase_add_test(tc, count_zero_is_65536);
    tcase_add_test(tc, lobyte_and_hibyte_access);
    tcase_add_test(tc, readback_status_and_null_count);
    tcase_add_test(tc, slow_clock_reaches_every_edge);
    tcase_add_test(tc, reprogram_reschedules);
    tcase_add_test(tc, channel2_gate_and_port61);
    tcase_add_test(tc, port61_refresh_toggles);
    tcase_add_test(tc, snapshot_restores_schedule);
    tcase_add_test(tc, garbage_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pit_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
