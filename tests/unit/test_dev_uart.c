/* 16550A UART: TX callback, RX FIFO and input queue, IIR priorities, LSR bits, IRQ 4 with
 * OUT2 gating, divisor latch, loopback, snapshots. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/uart.h"
#include "tests/unit/fake_host.h"

#define COM1 0x3F8

static fake_host host;
static uart u;
static uint8_t sent[64];
static size_t sent_len;

static void on_tx(void *ctx, uint8_t b)
{
    (void)ctx;
    if (sent_len < sizeof sent) sent[sent_len++] = b;
}

static void outb(int reg, uint8_t v) { uart_io_write(&u, (uint16_t)(COM1 + reg), 1, v); }
static uint8_t inb(int reg) { return (uint8_t)uart_io_read(&u, (uint16_t)(COM1 + reg), 1); }

static void setup(void)
{
    fake_host_init(&host, 1000000);
    sent_len = 0;
    uart_init(&u, &host.host, COM1, 4, on_tx, NULL);
    outb(4, 0x03);                              /* DTR, RTS: a driver opened the port */
}

static void push(const char *s)
{
    ck_assert_uint_eq(uart_push_input(&u, (const uint8_t *)s, strlen(s)), strlen(s));
}

START_TEST(tx_goes_to_callback)
{
    outb(0, 'h');
    outb(0, 'i');
    ck_assert_uint_eq(sent_len, 2);
    ck_assert_mem_eq(sent, "hi", 2);
    ck_assert_uint_eq(inb(5) & 0x60, 0x60);     /* THRE and TEMT: transmitted at once */
}
END_TEST

START_TEST(divisor_latch)
{
    outb(3, 0x80);                              /* DLAB */
    outb(0, 0x01);
    outb(1, 0x00);
    ck_assert_uint_eq(inb(0), 0x01);
    ck_assert_uint_eq(inb(1), 0x00);
    outb(3, 0x03);                              /* 8N1, DLAB off */
    ck_assert_uint_eq(inb(3), 0x03);
    ck_assert_uint_eq(sent_len, 0);             /* divisor writes are not data */
    outb(1, 0x0F);
    ck_assert_uint_eq(inb(1), 0x0F);
    outb(3, 0x80);
    ck_assert_uint_eq(inb(0), 0x01);            /* IER write did not touch DLM/DLL */
}
END_TEST

START_TEST(rx_without_fifo_holds_one_byte)
{
    push("abc");
    ck_assert_uint_eq(inb(5) & 0x01, 0x01);
    ck_assert_uint_eq(inb(0), 'a');
    ck_assert_uint_eq(inb(0), 'b');
    ck_assert_uint_eq(inb(0), 'c');
    ck_assert_uint_eq(inb(5) & 0x01, 0x00);
    ck_assert_uint_eq(inb(5) & 0x02, 0x00);     /* the input queue prevents overruns */
}
END_TEST

START_TEST(fifo_trigger_and_timeout)
{
    outb(2, 0xC7);                              /* FIFO on, clear, trigger 14 */
    ck_assert_uint_eq(inb(2) & 0xC0, 0xC0);
    outb(1, 0x01);                              /* RX data interrupt */
    push("12345");
    ck_assert_uint_eq(inb(2) & 0x0F, 0x0C);     /* below trigger, nothing more coming */
    outb(2, 0x41);                              /* trigger 4 */
    ck_assert_uint_eq(inb(2) & 0x0F, 0x04);
    for (int i = 0; i < 5; i++) ck_assert_uint_eq(inb(0), (uint8_t)('1' + i));
    ck_assert_uint_eq(inb(2) & 0x0F, 0x01);
}
END_TEST

START_TEST(input_queue_feeds_fifo)
{
    outb(2, 0x01);
    char big[100];
    for (int i = 0; i < 100; i++) big[i] = (char)('A' + i % 26);
    ck_assert_uint_eq(uart_push_input(&u, (const uint8_t *)big, sizeof big), sizeof big);
    ck_assert_uint_eq(uart_pending_input(&u), 100);
    ck_assert_uint_eq(u.rx_count, 16);
    for (int i = 0; i < 100; i++) ck_assert_uint_eq(inb(0), (uint8_t)big[i]);
    ck_assert_uint_eq(uart_pending_input(&u), 0);
    /* The input queue is bounded. */
    uint8_t *flood = calloc(UART_INPUT_QUEUE + 100, 1);
    ck_assert_uint_eq(uart_push_input(&u, flood, UART_INPUT_QUEUE + 100), UART_INPUT_QUEUE + 16);
    free(flood);
}
END_TEST

START_TEST(irq_needs_out2)
{
    outb(1, 0x01);
    push("x");
    ck_assert(!host.irq_level[4]);              /* OUT2 off: the IRQ driver is disabled */
    outb(4, 0x0B);
    ck_assert(host.irq_level[4]);
    ck_assert_uint_eq(inb(2), 0x04);
    (void)inb(0);
    ck_assert(!host.irq_level[4]);
    ck_assert_uint_eq(inb(2), 0x01);
}
END_TEST

START_TEST(thre_interrupt_lifecycle)
{
    outb(4, 0x08);
    outb(1, 0x02);                              /* enabling THRE with THR empty fires */
    ck_assert(host.irq_level[4]);
    ck_assert_uint_eq(inb(2), 0x02);            /* reading IIR acknowledges it */
    ck_assert(!host.irq_level[4]);
    ck_assert_uint_eq(inb(2), 0x01);
    outb(0, 'z');                               /* THR empties again: new interrupt */
    ck_assert(host.irq_level[4]);
    ck_assert_int_eq(host.irq_rises[4], 2);
    outb(1, 0x00);
    ck_assert(!host.irq_level[4]);
}
END_TEST

START_TEST(iir_priorities)
{
    outb(4, 0x0B);
    outb(1, 0x07);                              /* RLS, THRE, RDA */
    ck_assert_uint_eq(inb(2), 0x02);            /* only THRE pending */
    outb(0, '.');
    push("q");
    ck_assert_uint_eq(inb(2), 0x04);            /* RX data beats THRE */
    /* Force an overrun through loopback into a full holding register. */
    outb(4, 0x18);
    outb(0, 'r');
    ck_assert_uint_eq(inb(2), 0x06);            /* line status beats everything */
    ck_assert_uint_eq(inb(5) & 0x03, 0x03);     /* DR and OE; reading LSR clears OE */
    ck_assert_uint_eq(inb(5) & 0x02, 0x00);
    ck_assert_uint_eq(inb(2), 0x04);
    ck_assert_uint_eq(inb(0), 'r');            /* without the FIFO the new byte overwrites RBR */
    ck_assert_uint_eq(inb(2), 0x02);
}
END_TEST

START_TEST(loopback_and_msr)
{
    ck_assert_uint_eq(inb(6) & 0xF0, 0xB0);     /* a ready modem: CTS, DSR, DCD */
    outb(4, 0x10);
    ck_assert_uint_eq(inb(6) & 0xF0, 0x00);
    outb(4, 0x13);                              /* DTR, RTS in loopback */
    ck_assert_uint_eq(inb(6), 0x30 | 0x03);     /* DSR, CTS with their deltas */
    ck_assert_uint_eq(inb(6), 0x30);            /* deltas clear on read */
    outb(0, 'L');
    ck_assert_uint_eq(sent_len, 0);
    ck_assert_uint_eq(inb(0), 'L');
}
END_TEST

START_TEST(fcr_clears_rx)
{
    outb(2, 0x01);
    push("hello");
    outb(2, 0x03);
    ck_assert_uint_eq(inb(5) & 0x01, 0);
    ck_assert_uint_eq(uart_pending_input(&u), 0);
}
END_TEST

/* The host sends only while RTS is asserted (RTS/CTS flow control) and never in loopback, so
 * input queued before the guest's FIFO reset survives it. */
START_TEST(input_waits_for_rts)
{
    outb(4, 0x00);
    push("ok");
    ck_assert_uint_eq(inb(5) & 0x01, 0);        /* nothing received yet */
    outb(2, 0xC7);                              /* the guest's set-up: FIFO on and cleared */
    ck_assert_uint_eq(uart_pending_input(&u), 2);
    outb(4, 0x13);                              /* RTS in loopback: SIN is disconnected */
    ck_assert_uint_eq(inb(5) & 0x01, 0);
    outb(4, 0x03);                              /* RTS: the bytes arrive */
    ck_assert_uint_eq(inb(0), 'o');
    ck_assert_uint_eq(inb(0), 'k');
    ck_assert_uint_eq(uart_pending_input(&u), 0);
}
END_TEST

START_TEST(scratch_register)
{
    outb(7, 0x5A);
    ck_assert_uint_eq(inb(7), 0x5A);
}
END_TEST

START_TEST(snapshot_roundtrip)
{
    outb(4, 0x0B);
    outb(2, 0x81);
    outb(1, 0x01);
    push("snapshot data that is longer than a fifo");
    (void)inb(0);
    outb(7, 0x42);
    size_t n = uart_save(&u, NULL, 0);
    uint8_t *buf = malloc(n);
    ck_assert_uint_eq(uart_save(&u, buf, n), n);

    fake_host h2;
    fake_host_init(&h2, 1000000);
    static uart v;
    uart_init(&v, &h2.host, COM1, 4, NULL, NULL);
    ck_assert(uart_load(&v, buf, n));
    ck_assert_uint_eq(uart_pending_input(&v), uart_pending_input(&u));
    for (int reg = 1; reg < 8; reg++)
        if (reg != 6) ck_assert_uint_eq(uart_io_read(&v, (uint16_t)(COM1 + reg), 1), inb(reg));
    while (uart_pending_input(&u)) ck_assert_uint_eq(uart_io_read(&v, COM1, 1), inb(0));
    ck_assert_uint_eq(uart_pending_input(&v), 0);

    ck_assert(!uart_load(&v, buf, n - 1));
    buf[0] = 0;
    ck_assert(!uart_load(&v, buf, n));
    free(buf);
}
END_TEST

START_TEST(garbage_never_crashes)
{
    srand(3);
    for (int i = 0; i < 50000; i++) {
        int reg = rand() % 8;
        if (rand() % 2) outb(reg, (uint8_t)rand());
        else (void)inb(reg);
        if (rand() % 16 == 0) {
            uint8_t b = (uint8_t)rand();
            uart_push_input(&u, &b, 1);
        }
    }
}
END_TEST

static Suite *uart_suite(void)
{
    Suite *s = suite_create("uart");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, tx_goes_to_callback);
    tcase_add_test(tc, divisor_latch);
    tcase_add_test(tc, rx_without_fifo_holds_one_byte);
    tcase_add_test(tc, fifo_trigger_and_timeout);
    tcase_add_test(tc, input_queue_feeds_fifo);
    tcase_add_test(tc, irq_needs_out2);
    tcase_add_test(tc, thre_interrupt_lifecycle);
    tcase_add_test(tc, iir_priorities);
    tcase_add_test(tc, loopback_and_msr);
    tcase_add_test(tc, fcr_clears_rx);
    tcase_add_test(tc, input_waits_for_rts);
    tcase_add_test(tc, scratch_register);
    tcase_add_test(tc, snapshot_roundtrip);
    tcase_add_test(tc, garbage_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(uart_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
