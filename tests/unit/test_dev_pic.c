/* 8259A pair: initialisation, priorities, EOI, OCW3 reads, masking, cascade, spurious IRQs,
 * poll mode, auto-EOI and snapshots. */
#include <check.h>
#include <stdlib.h>

#include "devices/pic.h"
#include "tests/unit/fake_host.h"

typedef struct intr_log {
    int changes;
    bool level;
} intr_log;

static void on_intr(void *ctx, bool level)
{
    intr_log *log = ctx;
    log->changes++;
    log->level = level;
}

static fake_host host;
static pic p;
static intr_log log_;

static void outb(uint16_t port, uint8_t v) { pic_io_write(&p, port, 1, v); }
static uint8_t inb(uint16_t port) { return (uint8_t)pic_io_read(&p, port, 1); }

/* The classic PC remap: master vectors 0x20-0x27, slave 0x28-0x2F. */
static void init_pair(uint8_t icw4)
{
    outb(0x20, 0x11); outb(0xA0, 0x11);
    outb(0x21, 0x20); outb(0xA1, 0x28);
    outb(0x21, 0x04); outb(0xA1, 0x02);
    outb(0x21, icw4); outb(0xA1, icw4);
    outb(0x21, 0x00); outb(0xA1, 0x00);
}

static void setup(void)
{
    fake_host_init(&host, 1000000);
    log_ = (intr_log){ 0, false };
    pic_init(&p, &host.host, on_intr, &log_);
}

static void pulse(int line)
{
    pic_set_irq(&p, line, true);
    pic_set_irq(&p, line, false);
}

START_TEST(power_on_masks_everything)
{
    ck_assert_uint_eq(inb(0x21), 0xFF);
    ck_assert_uint_eq(inb(0xA1), 0xFF);
    pulse(0);
    ck_assert(!pic_has_interrupt(&p));
    ck_assert_int_eq(log_.changes, 0);
}
END_TEST

START_TEST(init_sequence_sets_vectors)
{
    init_pair(0x01);
    ck_assert_uint_eq(inb(0x21), 0x00);
    pulse(0);
    ck_assert(pic_has_interrupt(&p));
    ck_assert(log_.level);
    ck_assert_int_eq(pic_ack(&p), 0x20);
    ck_assert(!pic_has_interrupt(&p));
    ck_assert(!log_.level);
    outb(0x20, 0x20);
    pulse(12);
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(pic_ack(&p), 0x2C);
}
END_TEST

START_TEST(icw1_clears_imr_and_requests)
{
    init_pair(0x01);
    outb(0x21, 0xAA);
    ck_assert_uint_eq(inb(0x21), 0xAA);
    pulse(3);
    outb(0x20, 0x11);           /* re-initialise the master */
    ck_assert_uint_eq(inb(0x21), 0x00);
    outb(0x21, 0x40); outb(0x21, 0x04); outb(0x21, 0x01);
    ck_assert(!pic_has_interrupt(&p));
    pulse(3);
    ck_assert_int_eq(pic_ack(&p), 0x43);
}
END_TEST

START_TEST(priority_and_nested_masking)
{
    init_pair(0x01);
    pulse(4);
    pulse(1);
    ck_assert_int_eq(pic_ack(&p), 0x21);        /* IR1 outranks IR4 */
    ck_assert(!pic_has_interrupt(&p));          /* IR4 is lower than in-service IR1 */
    pulse(0);
    ck_assert(pic_has_interrupt(&p));           /* IR0 may nest above IR1 */
    ck_assert_int_eq(pic_ack(&p), 0x20);
    /* ISR now holds IR0 and IR1; read it through OCW3. */
    outb(0x20, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x03);
    outb(0x20, 0x0A);
    ck_assert_uint_eq(inb(0x20), 0x10);         /* IRR: IR4 still waiting */
    outb(0x20, 0x20);                           /* non-specific EOI ends IR0 */
    ck_assert(!pic_has_interrupt(&p));
    outb(0x20, 0x20);                           /* ends IR1 */
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(pic_ack(&p), 0x24);
    outb(0x20, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x10);
}
END_TEST

START_TEST(specific_eoi)
{
    init_pair(0x01);
    pulse(5);
    ck_assert_int_eq(pic_ack(&p), 0x25);
    pulse(3);
    ck_assert_int_eq(pic_ack(&p), 0x23);
    outb(0x20, 0x65);                           /* specific EOI for IR5 */
    outb(0x20, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x08);
    outb(0x20, 0x63);
    ck_assert_uint_eq(inb(0x20), 0x00);
}
END_TEST

START_TEST(masking_holds_request)
{
    init_pair(0x01);
    outb(0x21, 0x01);
    pulse(0);
    ck_assert(!pic_has_interrupt(&p));
    outb(0x20, 0x0A);
    ck_assert_uint_eq(inb(0x20), 0x01);
    outb(0x21, 0x00);
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(pic_ack(&p), 0x20);
}
END_TEST

START_TEST(edge_needs_a_new_rising_edge)
{
    init_pair(0x01);
    pic_set_irq(&p, 3, true);
    ck_assert_int_eq(pic_ack(&p), 0x23);
    outb(0x20, 0x20);
    pic_set_irq(&p, 3, true);                   /* still high: no new edge */
    ck_assert(!pic_has_interrupt(&p));
    pic_set_irq(&p, 3, false);
    pic_set_irq(&p, 3, true);
    ck_assert(pic_has_interrupt(&p));
}
END_TEST

START_TEST(level_triggered_mode)
{
    outb(0x20, 0x19);                           /* LTIM, ICW4 needed, cascade */
    outb(0x21, 0x20); outb(0x21, 0x04); outb(0x21, 0x01); outb(0x21, 0x00);
    pic_set_irq(&p, 3, true);
    ck_assert_int_eq(pic_ack(&p), 0x23);
    outb(0x20, 0x20);
    ck_assert(pic_has_interrupt(&p));           /* level still high: requests again */
    pic_set_irq(&p, 3, false);
    ck_assert(!pic_has_interrupt(&p));
}
END_TEST

START_TEST(cascade_through_ir2)
{
    init_pair(0x01);
    pulse(10);
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(pic_ack(&p), 0x2A);
    outb(0x20, 0x0B); outb(0xA0, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x04);         /* master IR2 in service */
    ck_assert_uint_eq(inb(0xA0), 0x04);         /* slave IR2 (IRQ 10) in service */
    pulse(1);
    ck_assert_int_eq(pic_ack(&p), 0x21);        /* IRQ 1 outranks the cascade */
    outb(0x20, 0x20);
    pulse(8);
    ck_assert(!pic_has_interrupt(&p));          /* master IR2 busy: slave requests wait */
    outb(0xA0, 0x20);
    outb(0x20, 0x20);
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(pic_ack(&p), 0x28);
}
END_TEST

START_TEST(slave_mask_drops_cascade_request)
{
    init_pair(0x01);
    outb(0xA1, 0x10);                           /* mask IRQ 12 */
    pulse(12);
    ck_assert(!pic_has_interrupt(&p));
    outb(0xA1, 0x00);
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(pic_ack(&p), 0x2C);
}
END_TEST

START_TEST(irq2_redirects_to_irq9)
{
    init_pair(0x01);
    pulse(2);
    ck_assert_int_eq(pic_ack(&p), 0x29);
}
END_TEST

START_TEST(spurious_irq7_and_irq15)
{
    init_pair(0x01);
    ck_assert_int_eq(pic_ack(&p), 0x27);        /* nothing pending: IR7, no ISR bit */
    outb(0x20, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x00);
    /* The slave request vanishes between INTR and INTA (masked): spurious IRQ 15, with the
     * master's IR2 left in service as on real hardware. */
    pulse(11);
    ck_assert(pic_has_interrupt(&p));
    pic_chip saved = p.chip[1];
    outb(0xA1, 0x08);
    ck_assert(!pic_has_interrupt(&p));
    p.chip[1] = saved;                          /* restore the slave but keep master IRR stale */
    p.chip[1].imr = 0x08;
    p.chip[0].irr |= 0x04;
    ck_assert_int_eq(pic_ack(&p), 0x2F);
    ck_assert_uint_eq(inb(0x20), 0x04);
    outb(0xA0, 0x0B);
    ck_assert_uint_eq(inb(0xA0), 0x00);
}
END_TEST

START_TEST(auto_eoi)
{
    init_pair(0x03);
    pulse(1);
    ck_assert_int_eq(pic_ack(&p), 0x21);
    outb(0x20, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x00);
    pulse(4);
    ck_assert(pic_has_interrupt(&p));           /* nothing in service blocks IR4 */
}
END_TEST

START_TEST(poll_mode)
{
    init_pair(0x01);
    outb(0x20, 0x0C);
    ck_assert_uint_eq(inb(0x20), 0x00);         /* no request */
    pulse(6);
    outb(0x20, 0x0C);
    ck_assert_uint_eq(inb(0x20), 0x86);
    outb(0x20, 0x0B);
    ck_assert_uint_eq(inb(0x20), 0x40);         /* the poll acknowledged IR6 */
}
END_TEST

START_TEST(special_mask_mode)
{
    init_pair(0x01);
    pulse(1);
    ck_assert_int_eq(pic_ack(&p), 0x21);
    pulse(5);
    ck_assert(!pic_has_interrupt(&p));
    outb(0x20, 0x68);                           /* set special mask mode */
    ck_assert(pic_has_interrupt(&p));           /* lower levels now allowed */
    ck_assert_int_eq(pic_ack(&p), 0x25);
}
END_TEST

START_TEST(wide_access_splits_into_bytes)
{
    init_pair(0x01);
    pic_io_write(&p, 0x20, 2, 0x5A0A);          /* OCW3 read IRR, then IMR = 0x5A */
    ck_assert_uint_eq(inb(0x21), 0x5A);
    ck_assert_uint_eq(pic_io_read(&p, 0x20, 2), 0x5A00);
}
END_TEST

START_TEST(snapshot_roundtrip)
{
    init_pair(0x01);
    pulse(3);
    pulse(10);
    ck_assert_int_eq(pic_ack(&p), 0x2A);      /* the cascade outranks IR3 */
    outb(0x20, 0x0B);
    uint8_t buf[64];
    size_t n = pic_save(&p, buf, sizeof buf);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_le(n, sizeof buf);
    ck_assert_uint_eq(pic_save(&p, NULL, 0), n);

    pic q;
    intr_log other = { 0, false };
    pic_init(&q, &host.host, on_intr, &other);
    ck_assert(pic_load(&q, buf, n));
    ck_assert_uint_eq(pic_io_read(&q, 0x20, 1), 0x04);   /* ISR select survived */
    ck_assert(!pic_has_interrupt(&q));
    /* Both now behave identically. */
    outb(0xA0, 0x20); outb(0x20, 0x20);
    pic_io_write(&q, 0xA0, 1, 0x20); pic_io_write(&q, 0x20, 1, 0x20);
    ck_assert(pic_has_interrupt(&q));
    ck_assert(pic_has_interrupt(&p));
    ck_assert_int_eq(other.changes, 1);
    ck_assert_int_eq(pic_ack(&q), 0x23);
    ck_assert_int_eq(pic_ack(&p), 0x23);
    ck_assert_int_eq(pic_ack(&q), 0x27);                 /* both drained: spurious next */

    ck_assert(!pic_load(&q, buf, n - 1));
    buf[0] = 99;
    ck_assert(!pic_load(&q, buf, n));
}
END_TEST

START_TEST(garbage_never_crashes)
{
    srand(1);
    for (int i = 0; i < 20000; i++) {
        uint16_t ports[] = { 0x20, 0x21, 0xA0, 0xA1 };
        uint16_t port = ports[rand() % 4];
        if (rand() % 2) outb(port, (uint8_t)rand());
        else (void)inb(port);
        if (rand() % 4 == 0) pic_set_irq(&p, rand() % 18 - 1, rand() % 2);
        if (pic_has_interrupt(&p)) {
            int v = pic_ack(&p);
            ck_assert_int_ge(v, 0);
            ck_assert_int_le(v, 255);
        }
    }
}
END_TEST

static Suite *pic_suite(void)
{
    Suite *s = suite_create("pic");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, power_on_masks_everything);
    tcase_add_test(tc, init_sequence_sets_vectors);
    tcase_add_test(tc, icw1_clears_imr_and_requests);
    tcase_add_test(tc, priority_and_nested_masking);
    tcase_add_test(tc, specific_eoi);
    tcase_add_test(tc, masking_holds_request);
    tcase_add_test(tc, edge_needs_a_new_rising_edge);
    tcase_add_test(tc, level_triggered_mode);
    tcase_add_test(tc, cascade_through_ir2);
    tcase_add_test(tc, slave_mask_drops_cascade_request);
    tcase_add_test(tc, irq2_redirects_to_irq9);
    tcase_add_test(tc, spurious_irq7_and_irq15);
    tcase_add_test(tc, auto_eoi);
    tcase_add_test(tc, poll_mode);
    tcase_add_test(tc, special_mask_mode);
    tcase_add_test(tc, wide_access_splits_into_bytes);
    tcase_add_test(tc, snapshot_roundtrip);
    tcase_add_test(tc, garbage_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pic_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
