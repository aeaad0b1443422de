/* Debug console 0xE9 and QEMU isa-debug-exit at 0xF4-0xF7. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/debugport.h"
#include "tests/unit/fake_host.h"

static fake_host host;
static debugport d;
static char out[3 * DEBUGPORT_BUFFER];
static size_t out_len;
static int out_calls;

static void on_out(void *ctx, const uint8_t *bytes, size_t len)
{
    (void)ctx;
    out_calls++;
    ck_assert_uint_gt(len, 0);
    ck_assert_uint_le(len, DEBUGPORT_BUFFER);
    ck_assert_uint_lt(out_len + len, sizeof out);
    memcpy(out + out_len, bytes, len);
    out_len += len;
    out[out_len] = 0;
}

static void setup(void)
{
    fake_host_init(&host, 1000000);
    out_len = 0;
    out_calls = 0;
    out[0] = 0;
    debugport_init(&d, &host.host, on_out, NULL);
}

START_TEST(console_bytes)
{
    debugport_io_write(&d, 0xE9, 1, 'o');
    debugport_io_write(&d, 0xE9, 1, 'k');
    debugport_flush(&d);
    ck_assert_str_eq(out, "ok");
    debugport_io_write(&d, 0xE9, 2, 'A' | 'B' << 8);
    debugport_flush(&d);
    ck_assert_str_eq(out, "okAB");
    ck_assert_int_eq(out_calls, 2);
    debugport_flush(&d);                            /* nothing held: no empty call */
    ck_assert_int_eq(out_calls, 2);
    ck_assert_uint_eq(debugport_io_read(&d, 0xE9, 1), 0xE9);
    ck_assert(!debugport_exit_requested(&d));
}
END_TEST

/* A chatty guest: bytes go out in whole blocks, never one call per byte, in order, none lost. */
START_TEST(console_is_buffered)
{
    size_t total = 2 * DEBUGPORT_BUFFER + 100;
    for (size_t k = 0; k < total; k++) debugport_io_write(&d, 0xE9, 1, 'a' + (uint32_t)(k % 26));
    ck_assert_int_eq(out_calls, 2);                 /* two full blocks so far */
    ck_assert_uint_eq(out_len, 2 * DEBUGPORT_BUFFER);
    debugport_flush(&d);
    ck_assert_int_eq(out_calls, 3);
    ck_assert_uint_eq(out_len, total);
    for (size_t k = 0; k < total; k++) ck_assert_int_eq(out[k], 'a' + (int)(k % 26));
    /* block-buffered (the default): a newline is just a byte */
    debugport_io_write(&d, 0xE9, 2, 'o' | '\n' << 8);
    ck_assert_int_eq(out_calls, 3);
    /* line-buffered (a terminal): a newline hands the line on at once */
    debugport_set_line_buffered(&d, true);
    debugport_io_write(&d, 0xE9, 1, 'h');
    debugport_io_write(&d, 0xE9, 2, 'i' | '\n' << 8);
    ck_assert_int_eq(out_calls, 4);
    ck_assert_str_eq(out + total, "o\nhi\n");
}
END_TEST

START_TEST(exit_status_is_twice_plus_one)
{
    ck_assert(!debugport_exit_requested(&d));
    debugport_io_write(&d, 0xF4, 1, 0x00);
    ck_assert(debugport_exit_requested(&d));
    ck_assert_uint_eq(debugport_exit_status(&d), 1);
}
END_TEST

START_TEST(exit_values)
{
    debugport_io_write(&d, 0xF4, 1, 0x10);
    ck_assert_uint_eq(debugport_exit_status(&d), 0x21);
    debugport_io_write(&d, 0xF4, 1, 0x20);      /* the first request wins */
    ck_assert_uint_eq(debugport_exit_status(&d), 0x21);
}
END_TEST

START_TEST(exit_wide_and_offset)
{
    debugport_io_write(&d, 0xF6, 4, 0x12345678);   /* any offset in the 4-byte window */
    ck_assert(debugport_exit_requested(&d));
    ck_assert_uint_eq(debugport_exit_status(&d), (0x12345678u << 1) | 1);
    debugport d2;
    debugport_init(&d2, &host.host, NULL, NULL);
    debugport_io_write(&d2, 0xF4, 1, 0x1FF);        /* a byte write keeps only the byte */
    ck_assert_uint_eq(debugport_exit_status(&d2), 0x1FF);
    debugport_io_write(&d2, 0xE9, 1, 'x');          /* no callback: ignored */
    debugport d3;
    debugport_init(&d3, &host.host, NULL, NULL);
    debugport_io_write(&d3, 0xF8, 1, 1);            /* outside the window */
    ck_assert(!debugport_exit_requested(&d3));
    ck_assert_uint_eq(debugport_io_read(&d3, 0xF4, 1), 0xFF);
}
END_TEST

START_TEST(snapshot_roundtrip)
{
    debugport_io_write(&d, 0xF4, 1, 3);
    uint8_t buf[16];
    size_t n = debugport_save(&d, buf, sizeof buf);
    ck_assert_uint_eq(n, 6);
    debugport e;
    debugport_init(&e, &host.host, NULL, NULL);
    ck_assert(debugport_load(&e, buf, n));
    ck_assert(debugport_exit_requested(&e));
    ck_assert_uint_eq(debugport_exit_status(&e), 7);
    ck_assert(!debugport_load(&e, buf, n - 1));
    ck_assert_uint_eq(debugport_exit_status(&e), 7);
}
END_TEST

static Suite *debugport_suite(void)
{
    Suite *s = suite_create("debugport");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, console_bytes);
    tcase_add_test(tc, console_is_buffered);
    tcase_add_test(tc, exit_status_is_twice_plus_one);
    tcase_add_test(tc, exit_values);
    tcase_add_test(tc, exit_wide_and_offset);
    tcase_add_test(tc, snapshot_roundtrip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(debugport_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
