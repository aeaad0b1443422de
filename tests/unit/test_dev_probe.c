/* Trace probe: magic, bounded record copies through read_phys, bad records reported as
 * error kinds, never a crash. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "devices/probe.h"
#include "tests/unit/fake_host.h"

#define MEM_SIZE 4096

static fake_host host;
static probe pr;
static uint8_t mem[MEM_SIZE];
static int reads;

typedef struct seen {
    uint16_t kind, len;
    uint8_t payload[VX86_PROBE_MAX_PAYLOAD];
} seen;
static seen got[8];
static int got_count;

static bool read_phys(void *ctx, uint32_t pa, void *buf, size_t len)
{
    (void)ctx;
    reads++;
    if (pa >= MEM_SIZE || len > MEM_SIZE - pa) return false;
    memcpy(buf, mem + pa, len);
    return true;
}

static void on_record(void *ctx, uint16_t kind, const uint8_t *payload, uint16_t len)
{
    (void)ctx;
    ck_assert_uint_le(len, VX86_PROBE_MAX_PAYLOAD);
    if (got_count < 8) {
        got[got_count].kind = kind;
        got[got_count].len = len;
        memcpy(got[got_count].payload, payload, len);
    }
    got_count++;
}

static uint32_t got_vm[8];
static void on_record_vm(void *ctx, uint32_t vm, uint16_t kind, const uint8_t *payload, uint16_t len)
{
    if (got_count < 8)
        got_vm[got_count] = vm;
    on_record(ctx, kind, payload, len);
}

static void setup(void)
{
    memset(got_vm, 0, sizeof got_vm);
    fake_host_init(&host, 1000000);
    memset(mem, 0, sizeof mem);
    reads = 0;
    got_count = 0;
    probe_callbacks cb = { NULL, read_phys, on_record, on_record_vm };
    probe_init(&pr, &host.host, &cb);
}

static void put_record(uint32_t pa, uint16_t kind, uint16_t len, const void *payload, size_t n)
{
    mem[pa] = (uint8_t)kind;
    mem[pa + 1] = (uint8_t)(kind >> 8);
    mem[pa + 2] = (uint8_t)len;
    mem[pa + 3] = (uint8_t)(len >> 8);
    if (payload) memcpy(mem + pa + 4, payload, n);
}

static uint32_t u32_at(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

START_TEST(magic_read)
{
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E84, 4), 0x36385856u);
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E84, 1), 'V');
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E85, 1), 'X');
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E86, 2), '8' | '6' << 8);
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E87, 1), '6');
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E87, 2), 0xFF00 | '6');
}
END_TEST

START_TEST(good_record_copied)
{
    vx86_probe_switch sw = { 3, 7, 1 };
    put_record(0x100, VX86_PROBE_KIND_SWITCH, sizeof sw, &sw, sizeof sw);
    probe_io_write(&pr, 0x0E80, 4, 0x100);
    ck_assert_int_eq(got_count, 1);
    ck_assert_uint_eq(got[0].kind, VX86_PROBE_KIND_SWITCH);
    ck_assert_uint_eq(got[0].len, 12);
    ck_assert_uint_eq(u32_at(got[0].payload), 3);
    ck_assert_uint_eq(u32_at(got[0].payload + 4), 7);
    ck_assert_uint_eq(pr.records, 1);
    ck_assert_uint_eq(probe_io_read(&pr, 0x0E80, 4), 1);
    /* An empty payload is fine too. */
    put_record(0x200, VX86_PROBE_KIND_LAB_MARK, 0, NULL, 0);
    ck_assert(probe_take(&pr, 0x200));
    ck_assert_uint_eq(got[1].len, 0);
}
END_TEST

START_TEST(maximum_length_accepted)
{
    uint8_t payload[VX86_PROBE_MAX_PAYLOAD];
    for (size_t i = 0; i < sizeof payload; i++) payload[i] = (uint8_t)i;
    put_record(0x300, VX86_PROBE_KIND_LAB_MARK, sizeof payload, payload, sizeof payload);
    mem[0x300 + 4 + sizeof payload] = 0xEE;     /* beyond the record: must not be copied */
    probe_io_write(&pr, 0x0E80, 4, 0x300);
    ck_assert_int_eq(got_count, 1);
    ck_assert_uint_eq(got[0].len, VX86_PROBE_MAX_PAYLOAD);
    ck_assert_mem_eq(got[0].payload, payload, sizeof payload);
}
END_TEST

static void expect_error(uint32_t pa, uint16_t kind, uint16_t len, uint32_t reason)
{
    ck_assert_int_eq(got_count, 1);
    ck_assert_uint_eq(got[0].kind, VX86_PROBE_KIND_ERROR);
    ck_assert_uint_eq(got[0].len, sizeof(vx86_probe_error));
    ck_assert_uint_eq(u32_at(got[0].payload), pa);
    ck_assert_uint_eq(got[0].payload[4] | got[0].payload[5] << 8, kind);
    ck_assert_uint_eq(got[0].payload[6] | got[0].payload[7] << 8, len);
    ck_assert_uint_eq(u32_at(got[0].payload + 8), reason);
    ck_assert_uint_eq(pr.errors, 1);
    ck_assert_uint_eq(pr.records, 0);
}

START_TEST(too_long_rejected)
{
    put_record(0x10, VX86_PROBE_KIND_MOUNT, VX86_PROBE_MAX_PAYLOAD + 1, NULL, 0);
    probe_io_write(&pr, 0x0E80, 4, 0x10);
    expect_error(0x10, VX86_PROBE_KIND_MOUNT, VX86_PROBE_MAX_PAYLOAD + 1, VX86_PROBE_ERR_TOO_LONG);
    ck_assert_int_eq(reads, 1);                 /* never read the oversized payload */
}
END_TEST

START_TEST(unreadable_header)
{
    probe_io_write(&pr, 0x0E80, 4, 0x7FFFF000);
    expect_error(0x7FFFF000, 0, 0, VX86_PROBE_ERR_UNREADABLE);
}
END_TEST

START_TEST(unreadable_payload)
{
    put_record(MEM_SIZE - 8, VX86_PROBE_KIND_HOSTNAME, 64, NULL, 0);
    probe_io_write(&pr, 0x0E80, 4, MEM_SIZE - 8);
    expect_error(MEM_SIZE - 8, VX86_PROBE_KIND_HOSTNAME, 64, VX86_PROBE_ERR_UNREADABLE);
}
END_TEST

START_TEST(address_wraparound)
{
    probe_io_write(&pr, 0x0E80, 4, 0xFFFFFFFE);
    expect_error(0xFFFFFFFE, 0, 0, VX86_PROBE_ERR_UNREADABLE);
}
END_TEST

START_TEST(bad_kinds)
{
    probe_io_write(&pr, 0x0E80, 4, 0x40);       /* zeroed memory: kind 0 */
    expect_error(0x40, 0, 0, VX86_PROBE_ERR_BAD_KIND);
    got_count = 0;
    pr.errors = 0;
    put_record(0x80, VX86_PROBE_KIND_ERROR, 0, NULL, 0);
    probe_io_write(&pr, 0x0E80, 4, 0x80);       /* guests may not forge error records */
    expect_error(0x80, VX86_PROBE_KIND_ERROR, 0, VX86_PROBE_ERR_BAD_KIND);
}
END_TEST

/* A hypervisor's forwarded record: unwrapped, tagged with its VM; a malformed wrapper is an error. */
START_TEST(forwarded_record_unwrapped)
{
    static const uint8_t fwd[] = { 7, 0, 0, 0, VX86_PROBE_KIND_SWITCH, 0, 12, 0,
                                   3, 0, 0, 0, 9, 0, 0, 0, 2, 0, 0, 0 };
    put_record(0x100, VX86_PROBE_KIND_FORWARDED, sizeof fwd, fwd, sizeof fwd);
    ck_assert(probe_take(&pr, 0x100));
    ck_assert_int_eq(got_count, 1);
    ck_assert_uint_eq(got_vm[0], 7);
    ck_assert_uint_eq(got[0].kind, VX86_PROBE_KIND_SWITCH);
    ck_assert_uint_eq(got[0].len, 12);
    ck_assert_uint_eq(u32_at(got[0].payload + 4), 9);
    ck_assert_uint_eq(pr.records, 1);
    got_count = 0;
    pr.records = 0;
    put_record(0x200, VX86_PROBE_KIND_FORWARDED, sizeof fwd - 1, fwd, sizeof fwd - 1);   /* inner length lies */
    ck_assert(!probe_take(&pr, 0x200));
    expect_error(0x200, VX86_PROBE_KIND_FORWARDED, sizeof fwd - 1, VX86_PROBE_ERR_BAD_KIND);
}
END_TEST

START_TEST(no_callbacks_is_safe)
{
    probe q;
    probe_init(&q, &host.host, NULL);
    probe_io_write(&q, 0x0E80, 4, 0x100);
    ck_assert_uint_eq(q.errors, 1);
    probe_io_write(&q, 0x0E81, 1, 0x100);       /* other ports ignore writes */
    ck_assert_uint_eq(q.errors, 1);
    ck_assert_uint_eq(probe_io_read(&q, 0x0E82, 2), 0xFFFF);
}
END_TEST

START_TEST(snapshot_roundtrip)
{
    put_record(0x100, VX86_PROBE_KIND_TASK_EXIT, 8, "\1\0\0\0\0\0\0\0", 8);
    probe_take(&pr, 0x100);
    probe_take(&pr, 0x900);
    uint8_t buf[32];
    size_t n = probe_save(&pr, buf, sizeof buf);
    ck_assert_uint_eq(n, 17);
    probe q;
    probe_init(&q, &host.host, NULL);
    ck_assert(probe_load(&q, buf, n));
    ck_assert_uint_eq(q.records, 1);
    ck_assert_uint_eq(q.errors, 1);
    ck_assert(!probe_load(&q, buf, 3));
}
END_TEST

START_TEST(random_memory_never_crashes)
{
    srand(6);
    for (size_t i = 0; i < sizeof mem; i++) mem[i] = (uint8_t)rand();
    for (int i = 0; i < 20000; i++) {
        got_count = 0;
        uint32_t pa = rand() % 2 ? (uint32_t)(rand() % (MEM_SIZE + 64)) : (uint32_t)rand() * 2654435761u;
        probe_io_write(&pr, 0x0E80, 4, pa);
        ck_assert_int_eq(got_count, 1);
    }
    ck_assert_uint_eq(pr.records + pr.errors, 20000);
}
END_TEST

static Suite *probe_suite(void)
{
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, magic_read);
    tcase_add_test(tc, good_record_copied);
    tcase_add_test(tc, maximum_length_accepted);
    tcase_add_test(tc, too_long_rejected);
    tcase_add_test(tc, unreadable_header);
    tcase_add_test(tc, unreadable_payload);
    tcase_add_test(tc, address_wraparound);
    tcase_add_test(tc, bad_kinds);
    tcase_add_test(tc, forwarded_record_unwrapped);
    tcase_add_test(tc, no_callbacks_is_safe);
    tcase_add_test(tc, snapshot_roundtrip);
    tcase_add_test(tc, random_memory_never_crashes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(probe_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
