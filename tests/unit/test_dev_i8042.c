/* i8042 keyboard controller: status bits, controller commands, keyboard command
 * acknowledgements, IRQ 1 edges, scancode queueing, ASCII to set 1, snapshots. */
#include <check.h>
#include <stdlib.h>

#include "devices/i8042.h"
#include "tests/unit/fake_host.h"

static fake_host host;
static i8042 k;

static void outb(uint16_t port, uint8_t v) { i8042_io_write(&k, port, 1, v); }
static uint8_t inb(uint16_t port) { return (uint8_t)i8042_io_read(&k, port, 1); }

static void setup(void)
{
    fake_host_init(&host, 1000000);
    i8042_init(&k, &host.host);
}

/* Read the next byte the way a polling driver does: wait for OBF. */
static int next_byte(void)
{
    if (!(inb(0x64) & 0x01)) return -1;
    return inb(0x60);
}

START_TEST(status_after_reset)
{
    uint8_t st = inb(0x64);
    ck_assert_uint_eq(st & 0x01, 0);            /* output buffer empty */
    ck_assert_uint_eq(st & 0x02, 0);            /* input buffer never busy */
    ck_assert_uint_eq(st & 0x04, 0x04);         /* system flag */
    ck_assert_int_eq(next_byte(), -1);
}
END_TEST

START_TEST(self_test_and_command_byte)
{
    outb(0x64, 0xAA);
    ck_assert_uint_eq(inb(0x64) & 0x09, 0x09);  /* OBF, last write was a command */
    ck_assert_int_eq(next_byte(), 0x55);
    outb(0x64, 0x20);
    int cb = next_byte();
    ck_assert_int_eq(cb & 0x01, 0x01);          /* keyboard interrupt enabled */
    outb(0x64, 0x60);
    outb(0x60, 0x00);                           /* interrupts off, system flag clear */
    ck_assert_uint_eq(inb(0x64) & 0x0C, 0x00);
    outb(0x64, 0x20);
    ck_assert_int_eq(next_byte(), 0x00);
    outb(0x64, 0xAB);
    ck_assert_int_eq(next_byte(), 0x00);        /* keyboard port test passes */
}
END_TEST

START_TEST(keyboard_reset_and_enable)
{
    outb(0x60, 0xFF);
    ck_assert_int_eq(next_byte(), 0xFA);
    ck_assert_int_eq(next_byte(), 0xAA);
    ck_assert_int_eq(next_byte(), -1);
    outb(0x60, 0xF5);
    ck_assert_int_eq(next_byte(), 0xFA);
    i8042_key(&k, 0x1E);                        /* scanning disabled: dropped */
    ck_assert_int_eq(next_byte(), -1);
    outb(0x60, 0xF4);
    ck_assert_int_eq(next_byte(), 0xFA);
    i8042_key(&k, 0x1E);
    ck_assert_int_eq(next_byte(), 0x1E);
}
END_TEST

START_TEST(commands_with_arguments)
{
    outb(0x60, 0xED);
    ck_assert_int_eq(next_byte(), 0xFA);
    outb(0x60, 0x07);                           /* the LED byte, not a command */
    ck_assert_int_eq(next_byte(), 0xFA);
    ck_assert_uint_eq(k.leds, 7);
    outb(0x60, 0xF3);
    ck_assert_int_eq(next_byte(), 0xFA);
    outb(0x60, 0xFF);                           /* typematic 0xFF is an argument, not reset */
    ck_assert_int_eq(next_byte(), 0xFA);
    ck_assert_int_eq(next_byte(), -1);
    outb(0x60, 0xF2);
    ck_assert_int_eq(next_byte(), 0xFA);
    ck_assert_int_eq(next_byte(), 0xAB);
    ck_assert_int_eq(next_byte(), 0x41);
    outb(0x60, 0xEE);
    ck_assert_int_eq(next_byte(), 0xEE);
    outb(0x60, 0x12);
    ck_assert_int_eq(next_byte(), 0xFE);        /* unknown: resend */
}
END_TEST

START_TEST(irq1_edge_per_byte)
{
    i8042_key(&k, 0x10);
    i8042_key(&k, 0x90);
    ck_assert(host.irq_level[1]);
    ck_assert_int_eq(host.irq_rises[1], 1);
    ck_assert_uint_eq(inb(0x60), 0x10);
    ck_assert(host.irq_level[1]);               /* next byte loaded: a fresh edge */
    ck_assert_int_eq(host.irq_rises[1], 2);
    ck_assert_uint_eq(inb(0x60), 0x90);
    ck_assert(!host.irq_level[1]);
    /* With the interrupt disabled in the command byte, no IRQ. */
    outb(0x64, 0x60);
    outb(0x60, 0x44);
    i8042_key(&k, 0x11);
    ck_assert(!host.irq_level[1]);
    ck_assert_uint_eq(inb(0x64) & 0x01, 0x01);
}
END_TEST

START_TEST(disable_interface_holds_keys)
{
    outb(0x64, 0xAD);
    i8042_key(&k, 0x1F);
    ck_assert_int_eq(next_byte(), -1);
    outb(0x64, 0xAE);
    ck_assert_int_eq(next_byte(), 0x1F);
}
END_TEST

START_TEST(controller_reply_goes_first)
{
    i8042_key(&k, 0x02);
    i8042_key(&k, 0x82);
    outb(0x64, 0xD0);                           /* reply jumps ahead; no key byte is lost */
    ck_assert_int_eq(next_byte(), 0x03);
    ck_assert_int_eq(next_byte(), 0x02);
    ck_assert_int_eq(next_byte(), 0x82);
    outb(0x64, 0xD2);
    outb(0x60, 0x5B);
    ck_assert_int_eq(next_byte(), 0x5B);
    ck_assert_int_eq(next_byte(), -1);
}
END_TEST

START_TEST(reset_requests)
{
    ck_assert(!i8042_take_reset_request(&k));
    outb(0x64, 0xFE);
    ck_assert(i8042_take_reset_request(&k));
    ck_assert(!i8042_take_reset_request(&k));
    outb(0x64, 0xD1);
    outb(0x60, 0x02);
    ck_assert(i8042_take_reset_request(&k));
}
END_TEST

START_TEST(ascii_to_set1)
{
    uint8_t c[8];
    ck_assert_uint_eq(i8042_ascii_to_set1('a', c), 2);
    ck_assert_uint_eq(c[0], 0x1E);
    ck_assert_uint_eq(c[1], 0x9E);
    ck_assert_uint_eq(i8042_ascii_to_set1('A', c), 4);
    ck_assert_uint_eq(c[0], 0x2A);
    ck_assert_uint_eq(c[1], 0x1E);
    ck_assert_uint_eq(c[2], 0x9E);
    ck_assert_uint_eq(c[3], 0xAA);
    ck_assert_uint_eq(i8042_ascii_to_set1('\n', c), 2);
    ck_assert_uint_eq(c[0], 0x1C);
    ck_assert_uint_eq(i8042_ascii_to_set1(' ', c), 2);
    ck_assert_uint_eq(c[0], 0x39);
    ck_assert_uint_eq(i8042_ascii_to_set1('0', c), 2);
    ck_assert_uint_eq(c[0], 0x0B);
    ck_assert_uint_eq(i8042_ascii_to_set1('/', c), 2);
    ck_assert_uint_eq(c[0], 0x35);
    ck_assert_uint_eq(i8042_ascii_to_set1('m', c), 2);
    ck_assert_uint_eq(c[0], 0x32);
    ck_assert_uint_eq(i8042_ascii_to_set1('p', c), 2);
    ck_assert_uint_eq(c[0], 0x19);
    ck_assert_uint_eq(i8042_ascii_to_set1('\\', c), 2);
    ck_assert_uint_eq(c[0], 0x2B);
    ck_assert_uint_eq(i8042_ascii_to_set1('`', c), 2);
    ck_assert_uint_eq(c[0], 0x29);
    ck_assert_uint_eq(i8042_ascii_to_set1('*', c), 4);
    ck_assert_uint_eq(c[1], 0x09);              /* Shift+8 */
    ck_assert_uint_eq(i8042_ascii_to_set1('"', c), 4);
    ck_assert_uint_eq(c[1], 0x28);
    ck_assert_uint_eq(i8042_ascii_to_set1('?', c), 4);
    ck_assert_uint_eq(c[1], 0x35);
    ck_assert_uint_eq(i8042_ascii_to_set1(3, c), 4);   /* Ctrl-C */
    ck_assert_uint_eq(c[0], 0x1D);
    ck_assert_uint_eq(c[1], 0x2E);
    ck_assert_uint_eq(c[2], 0xAE);
    ck_assert_uint_eq(c[3], 0x9D);
    ck_assert_uint_eq(i8042_ascii_to_set1(27, c), 2);
    ck_assert_uint_eq(c[0], 0x01);
    ck_assert_uint_eq(i8042_ascii_to_set1((char)0xE9, c), 0);
    ck_assert_uint_eq(i8042_ascii_to_set1(0, c), 0);
}
END_TEST

START_TEST(type_string)
{
    ck_assert_uint_eq(i8042_type(&k, "Hi!"), 3);
    static const uint8_t expect[] = { 0x2A, 0x23, 0xA3, 0xAA, 0x17, 0x97, 0x2A, 0x02, 0x82, 0xAA };
    for (size_t i = 0; i < sizeof expect; i++) ck_assert_int_eq(next_byte(), expect[i]);
    ck_assert_int_eq(next_byte(), -1);
}
END_TEST

START_TEST(queue_overflow_counts)
{
    for (int i = 0; i < I8042_QUEUE_SIZE + 10; i++) i8042_key(&k, 0x1E);
    ck_assert_uint_eq(k.dropped, 9);            /* one byte sits in the output buffer */
}
END_TEST

START_TEST(snapshot_roundtrip)
{
    i8042_type(&k, "snap");
    outb(0x60, 0xED);                           /* leaves a keyboard command pending */
    (void)inb(0x60);
    uint8_t buf[512];
    size_t n = i8042_save(&k, buf, sizeof buf);
    ck_assert_uint_le(n, sizeof buf);
    fake_host h2;
    fake_host_init(&h2, 1000000);
    i8042 c;
    i8042_init(&c, &h2.host);
    ck_assert(i8042_load(&c, buf, n));
    i8042_io_write(&c, 0x60, 1, 0x02);
    outb(0x60, 0x02);
    ck_assert_uint_eq(c.leds, 2);
    for (int i = 0; i < 20; i++) {
        ck_assert_uint_eq(i8042_io_read(&c, 0x64, 1), inb(0x64));
        ck_assert_uint_eq(i8042_io_read(&c, 0x60, 1), inb(0x60));
    }
    ck_assert(!i8042_load(&c, buf, n + 1));
    buf[0] = 7;
    ck_assert(!i8042_load(&c, buf, n));
}
END_TEST

START_TEST(garbage_never_crashes)
{
    srand(4);
    for (int i = 0; i < 50000; i++) {
        uint16_t port = rand() % 2 ? 0x60 : 0x64;
        if (rand() % 2) outb(port, (uint8_t)rand());
        else (void)inb(port);
        if (rand() % 8 == 0) i8042_key(&k, (uint8_t)rand());
    }
}
END_TEST

static Suite *i8042_suite(void)
{
    Suite *s = suite_create("i8042");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, status_after_reset);
    tcase_add_test(tc, self_test_and_command_byte);
    tcase_add_test(tc, keyboard_reset_and_enable);
    tcase_add_test(tc, commands_with_arguments);
    tcase_add_test(tc, irq1_edge_per_byte);
    tcase_add_test(tc, disable_interface_holds_keys);
    tcase_add_test(tc, controller_reply_goes_first);
    tcase_add_test(tc, reset_requests);
    tcase_add_test(tc, ascii_to_set1);
    tcase_add_test(tc, type_string);
    tcase_add_test(tc, queue_overflow_counts);
    tcase_add_test(tc, snapshot_roundtrip);
    tcase_add_test(tc, garbage_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(i8042_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
