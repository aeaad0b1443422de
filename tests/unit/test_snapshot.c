/* Snapshots: a tiny timer-driven guest (paging on, PIT interrupts, HLT between ticks, COM1 output,
 * RAM writes) is run straight and again snapshotted at many points and restored; output, cycle and
 * instruction counts must match exactly. Damaged snapshots must be refused with the right message. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "emu/cli.h"
#include "emu/machine.h"
#include "emu/snapshot.h"
#include "tests/cli/mkelf.h"

#define RAM_SIZE (8u * 1024 * 1024)
#define BASE 0x100000u
#define TICKS 24

/* Assembled from this source (as --32; objcopy -O binary), loaded and started at BASE:
 *   lgdt gdtd; ljmp $8,$1f; 1: ds=es=ss=0x10; esp=0x180000
 *   48 interrupt gates at 0x140000 -> irq; lidt idtd
 *   PD at 0x150000: [0] = 0x83 (4 MiB page at 0); cr3; cr4.PSE; cr0.PG
 *   PIC: ICW1 0x11, vectors 0x20/0x28, ICW3 4/2, ICW4 1; masks 0xFE/0xFF
 *   PIT: 0x34 -> 0x43, reload 1193 (one interrupt per millisecond); sti
 *   3: hlt; eax = sum of 64 dwords at 0x300000; [0x310000] = eax; cmpl $24,[0x160000]; jb 3b
 *      out 0x21 -> 0xf4 (exit status 0x43); jmp .
 *   irq: push eax/edx/edi; [0x160000]++; [0x300000 + 4*ticks] = ticks * 2654435761;
 *        out 'a' + (ticks & 15) -> 0x3f8; EOI; pop; iret
 *   gdt: null, code 0x00CF9A000000FFFF, data 0x00CF92000000FFFF */
static const uint8_t GUEST[] = {
    0x0f, 0x01, 0x15, 0x10, 0x01, 0x10, 0x00, 0xea, 0x0e, 0x00, 0x10, 0x00, 0x08, 0x00, 0x66, 0xb8, 0x10, 0x00,
    0x8e, 0xd8, 0x8e, 0xc0, 0x8e, 0xd0, 0xbc, 0x00, 0x00, 0x18, 0x00, 0xbf, 0x00, 0x00, 0x14, 0x00, 0xb9, 0x30,
    0x00, 0x00, 0x00, 0xc7, 0x07, 0xbf, 0x00, 0x08, 0x00, 0xc7, 0x47, 0x04, 0x00, 0x8e, 0x10, 0x00, 0x83, 0xc7,
    0x08, 0xe2, 0xee, 0x0f, 0x01, 0x1d, 0x16, 0x01, 0x10, 0x00, 0xc7, 0x05, 0x00, 0x00, 0x15, 0x00, 0x83, 0x00,
    0x00, 0x00, 0xb8, 0x00, 0x00, 0x15, 0x00, 0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x10, 0x0f, 0x22,
    0xe0, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0xb0, 0x11, 0xe6, 0x20, 0xe6, 0xa0,
    0xb0, 0x20, 0xe6, 0x21, 0xb0, 0x28, 0xe6, 0xa1, 0xb0, 0x04, 0xe6, 0x21, 0xb0, 0x02, 0xe6, 0xa1, 0xb0, 0x01,
    0xe6, 0x21, 0xe6, 0xa1, 0xb0, 0xfe, 0xe6, 0x21, 0xb0, 0xff, 0xe6, 0xa1, 0xb0, 0x34, 0xe6, 0x43, 0xb0, 0xa9,
    0xe6, 0x40, 0xb0, 0x04, 0xe6, 0x40, 0xfb, 0xf4, 0x31, 0xc0, 0xbe, 0x00, 0x00, 0x30, 0x00, 0xb9, 0x40, 0x00,
    0x00, 0x00, 0x03, 0x06, 0x83, 0xc6, 0x04, 0xe2, 0xf9, 0xa3, 0x00, 0x00, 0x31, 0x00, 0x83, 0x3d, 0x00, 0x00,
    0x16, 0x00, 0x18, 0x72, 0xde, 0xb0, 0x21, 0xe6, 0xf4, 0xeb, 0xfe, 0x50, 0x52, 0x57, 0xff, 0x05, 0x00, 0x00,
    0x16, 0x00, 0xa1, 0x00, 0x00, 0x16, 0x00, 0x89, 0xc7, 0xc1, 0xe7, 0x02, 0x81, 0xc7, 0x00, 0x00, 0x30, 0x00,
    0x69, 0xd0, 0xb1, 0x79, 0x37, 0x9e, 0x89, 0x17, 0x83, 0xe0, 0x0f, 0x04, 0x61, 0x66, 0xba, 0xf8, 0x03, 0xee,
    0xb0, 0x20, 0xe6, 0x20, 0x5f, 0x5a, 0x58, 0xcf, 0x8d, 0xb6, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x92,
    0xcf, 0x00, 0x17, 0x00, 0xf8, 0x00, 0x10, 0x00, 0x7f, 0x01, 0x00, 0x00, 0x14, 0x00,
};

typedef struct serial_log {
    char text[256];
    size_t len;
} serial_log;

static void capture(void *ctx, uint8_t byte) {
    serial_log *s = ctx;
    if (s->len + 1 < sizeof s->text) s->text[s->len++] = (char)byte;
    s->text[s->len] = 0;
}

static char image_path[64];
static char temp_path[64];
static char err[512];

static void setup(void) {
    mkelf_spec s = { .entry = BASE, .nseg = 1 };
    s.seg[0] = (mkelf_segment){ .paddr = BASE, .data = GUEST, .filesz = sizeof GUEST, .memsz = sizeof GUEST };
    strcpy(image_path, "/tmp/vx86-snapimg-XXXXXX");
    ck_assert_int_eq(mkelf_write_temp(&s, image_path), 0);
    strcpy(temp_path, "/tmp/vx86-snapfile-XXXXXX");
    int fd = mkstemp(temp_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    err[0] = 0;
}

static void teardown(void) {
    unlink(image_path);
    unlink(temp_path);
}

static machine_config config(serial_log *log, uint32_t ram) {
    machine_config cfg = { 0 };
    cfg.kernel = image_path;
    cfg.memory_bytes = ram;
    cfg.serial_out = capture;
    cfg.serial_ctx = log;
    return cfg;
}

static machine *make(serial_log *log) {
    machine_config cfg = config(log, RAM_SIZE);
    machine *m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "machine_create: %s", err);
    return m;
}

typedef struct outcome {
    machine_stop stop;
    int status;
    uint64_t cycles, icount;
} outcome;

static outcome finish(machine *m) {
    outcome o;
    o.stop = machine_run(m, 200000000);
    o.status = machine_exit_status(m);
    o.cycles = machine_cycles(m);
    o.icount = machine_instructions(m);
    return o;
}

static outcome straight(serial_log *log) {
    machine *m = make(log);
    outcome o = finish(m);
    machine_destroy(m);
    return o;
}

static uint8_t *snap(machine *m, size_t *len) {
    uint8_t *buf = NULL;
    ck_assert_msg(machine_snapshot_to_buffer(m, &buf, len, err, sizeof err), "to_buffer: %s", err);
    ck_assert_ptr_nonnull(buf);
    return buf;
}

START_TEST(crc32_check_value) {
    ck_assert_uint_eq(snapshot_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
    ck_assert_uint_eq(snapshot_crc32(NULL, 0), 0);
}
END_TEST

START_TEST(straight_runs_are_deterministic) {
    serial_log a = { 0 }, b = { 0 };
    outcome x = straight(&a), y = straight(&b);
    ck_assert_int_eq(x.stop, MACHINE_STOP_EXIT);
    ck_assert_int_eq(x.status, (0x21 << 1) | 1);
    ck_assert_str_eq(a.text, "bcdefghijklmnopabcdefghi");   /* ticks 1..24 */
    ck_assert_str_eq(a.text, b.text);
    ck_assert_uint_eq(x.cycles, y.cycles);
    ck_assert_uint_eq(x.icount, y.icount);
    ck_assert_uint_gt(x.cycles, (uint64_t)(TICKS - 1) * 1000000);   /* the PIT paced it: ~1 ms per tick */
}
END_TEST

/* Snapshot at N, restore into a fresh machine, finish: same result as the straight run. */
START_TEST(restore_continues_like_the_straight_run) {
    serial_log whole = { 0 };
    outcome ref = straight(&whole);
    /* Early points (boot, paging switch-on), just after the first tick, spread over the run, and
     * just before the end; ref.cycles is about 24 million. */
    uint64_t points[] = { 1, 7, 40, 150, 400, 1000, 5000, 100000, 1000000, 1000150, 1000600, 2500000, 5000007,
                          ref.cycles / 2, ref.cycles / 2 + 1, ref.cycles * 2 / 3, ref.cycles - 1000, ref.cycles - 230,
                          ref.cycles - 60, ref.cycles - 5 };
    int halted = 0, running = 0;
    for (size_t k = 0; k < sizeof points / sizeof points[0]; k++) {
        serial_log before = { 0 }, after = { 0 };
        machine *m = make(&before);
        ck_assert_int_eq(machine_run(m, points[k]), MACHINE_STOP_LIMIT);
        ck_assert_uint_ge(machine_cycles(m), points[k]);
        if (machine_cpu(m)->halted) halted++;
        else running++;
        size_t len;
        uint8_t *buf = snap(m, &len);
        machine_destroy(m);

        machine_config cfg = config(&after, RAM_SIZE);
        machine *r = machine_create_blank(&cfg, err, sizeof err);
        ck_assert_ptr_nonnull(r);
        ck_assert_msg(machine_snapshot_from_buffer(r, buf, len, "buf", err, sizeof err), "N=%llu: %s",
                      (unsigned long long)points[k], err);
        outcome o = finish(r);
        machine_destroy(r);
        free(buf);

        char joined[512];
        snprintf(joined, sizeof joined, "%s%s", before.text, after.text);
        ck_assert_msg(strcmp(joined, whole.text) == 0, "N=%llu: output '%s' != '%s'", (unsigned long long)points[k],
                      joined, whole.text);
        ck_assert_msg(o.cycles == ref.cycles, "N=%llu: cycles %llu != %llu", (unsigned long long)points[k],
                      (unsigned long long)o.cycles, (unsigned long long)ref.cycles);
        ck_assert_uint_eq(o.icount, ref.icount);
        ck_assert_int_eq(o.stop, ref.stop);
        ck_assert_int_eq(o.status, ref.status);
    }
    ck_assert_int_gt(halted, 0);    /* some snapshots caught the guest waiting for the timer */
    ck_assert_int_gt(running, 0);
}
END_TEST

/* Saving a restored machine gives the same bytes: nothing is lost on the way through. */
START_TEST(round_trip_is_byte_identical) {
    serial_log log = { 0 }, log2 = { 0 };
    machine *m = make(&log);
    machine_run(m, 3000123);
    size_t len, len2;
    uint8_t *buf = snap(m, &len);
    machine_config cfg = config(&log2, RAM_SIZE);
    machine *r = machine_create_blank(&cfg, err, sizeof err);
    ck_assert(machine_snapshot_from_buffer(r, buf, len, NULL, err, sizeof err));
    uint8_t *buf2 = snap(r, &len2);
    ck_assert_uint_eq(len, len2);
    ck_assert(memcmp(buf, buf2, len) == 0);
    static const char *const regs[] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "eip", "eflags",
                                        "cr0", "cr3", "cr4", "cs", "ss", "cycles", "icount" };
    for (size_t k = 0; k < sizeof regs / sizeof regs[0]; k++) {
        uint64_t a, b;
        ck_assert(machine_get_reg(m, regs[k], &a));
        ck_assert(machine_get_reg(r, regs[k], &b));
        ck_assert_msg(a == b, "%s: %llx != %llx", regs[k], (unsigned long long)a, (unsigned long long)b);
    }
    static uint8_t ram_a[RAM_SIZE], ram_b[RAM_SIZE];
    ck_assert(machine_read_phys(m, 0, ram_a, RAM_SIZE));
    ck_assert(machine_read_phys(r, 0, ram_b, RAM_SIZE));
    ck_assert(memcmp(ram_a, ram_b, RAM_SIZE) == 0);
    ck_assert_str_eq(machine_kernel_path(r), image_path);
    /* Mostly zero RAM is stored compactly. */
    ck_assert_uint_lt(len, 64 * 1024);
    free(buf);
    free(buf2);
    machine_destroy(m);
    machine_destroy(r);
}
END_TEST

/* Restoring into the same machine rewinds it. */
START_TEST(restore_rewinds_a_running_machine) {
    serial_log log = { 0 };
    machine *m = make(&log);
    machine_run(m, 6000000);
    size_t len;
    uint8_t *buf = snap(m, &len);
    size_t mark = log.len;
    outcome first = finish(m);
    char tail[256];
    snprintf(tail, sizeof tail, "%s", log.text + mark);
    ck_assert(machine_snapshot_from_buffer(m, buf, len, "rewind", err, sizeof err));
    log.len = mark;
    outcome second = finish(m);
    ck_assert_str_eq(log.text + mark, tail);
    ck_assert_uint_eq(first.cycles, second.cycles);
    ck_assert_uint_eq(first.icount, second.icount);
    ck_assert_int_eq(second.stop, MACHINE_STOP_EXIT);
    free(buf);
    machine_destroy(m);
}
END_TEST

START_TEST(file_save_and_restore) {
    serial_log before = { 0 }, after = { 0 }, whole = { 0 };
    outcome ref = straight(&whole);
    machine *m = make(&before);
    machine_run(m, 9876543);
    ck_assert_msg(machine_snapshot_save(m, temp_path, err, sizeof err), "%s", err);
    machine_destroy(m);
    machine_config cfg = { 0 };
    cfg.serial_out = capture;
    cfg.serial_ctx = &after;
    machine *r = machine_snapshot_restore(temp_path, &cfg, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    outcome o = finish(r);
    ck_assert_uint_eq(o.cycles, ref.cycles);
    ck_assert_uint_eq(o.icount, ref.icount);
    char joined[512];
    snprintf(joined, sizeof joined, "%s%s", before.text, after.text);
    ck_assert_str_eq(joined, whole.text);
    machine_destroy(r);

    ck_assert_ptr_null(machine_snapshot_restore("/nonexistent/snap", NULL, err, sizeof err));
    ck_assert_str_eq(err, "/nonexistent/snap: cannot open: No such file or directory");
}
END_TEST

static void expect_refused(machine *m, const uint8_t *buf, size_t len, const char *want) {
    err[0] = 0;
    ck_assert_msg(!machine_snapshot_from_buffer(m, buf, len, "S", err, sizeof err), "accepted; wanted '%s'", want);
    ck_assert_msg(strcmp(err, want) == 0, "message '%s', wanted '%s'", err, want);
}

START_TEST(damaged_snapshots_are_refused) {
    serial_log log = { 0 };
    machine *m = make(&log);
    machine_run(m, 2000000);
    size_t len;
    uint8_t *buf = snap(m, &len);
    uint8_t *bad = malloc(len + 16);
    uint64_t cycles = machine_cycles(m);

    expect_refused(m, (const uint8_t *)"hello, world, this is not it", 28, "S: not a vx86 snapshot");
    expect_refused(m, buf, 0, "S: not a vx86 snapshot");
    char want[128];
    snprintf(want, sizeof want, "S: truncated (expected at least 24 bytes, got 10)");
    expect_refused(m, buf, 10, want);
    static const size_t cuts[] = { 24, 100, 5000, 0 };
    for (int k = 0; k < 4; k++) {
        size_t cut = cuts[k] ? cuts[k] : len - 1;
        snprintf(want, sizeof want, "S: truncated (expected %zu bytes, got %zu)", len, cut);
        expect_refused(m, buf, cut, want);
    }
    memcpy(bad, buf, len);
    bad[8] = 7;   /* format version */
    snprintf(want, sizeof want, "S: snapshot version 7, this vx86 reads version %u", SNAPSHOT_VERSION);
    expect_refused(m, bad, len, want);
    /* Flip one bit anywhere after the header: the checksum catches it. */
    static const size_t flips[] = { 30, 200, 1000, 3000, 0 };
    for (int k = 0; k < 5; k++) {
        size_t at = flips[k] ? flips[k] : len - 2;
        memcpy(bad, buf, len);
        bad[at] ^= 0x10;
        expect_refused(m, bad, len, "S: checksum mismatch (corrupted)");
    }
    memcpy(bad, buf, len);
    memset(bad + len, 0, 16);
    expect_refused(m, bad, len + 16, "S: 16 bytes of unexpected data after the snapshot (corrupted)");
    /* None of that touched the machine. */
    ck_assert_uint_eq(machine_cycles(m), cycles);

    serial_log other = { 0 };
    machine_config cfg = config(&other, RAM_SIZE * 2);
    machine *big = machine_create(&cfg, err, sizeof err);
    ck_assert_ptr_nonnull(big);
    expect_refused(big, buf, len, "S: RAM size mismatch (the snapshot has 8192 KiB, the machine 16384 KiB)");
    machine_destroy(big);

    /* A file that is cut short names the file. */
    FILE *f = fopen(temp_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len / 2, f), len / 2);
    fclose(f);
    ck_assert_ptr_null(machine_snapshot_restore(temp_path, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: truncated (expected %zu bytes, got %zu)", temp_path, len, len / 2);
    ck_assert_str_eq(err, want);

    free(bad);
    free(buf);
    machine_destroy(m);
}
END_TEST


/* Put a right checksum on a snapshot edited after it was written. */
static void reseal(uint8_t *buf, size_t len) {
    uint32_t crc = snapshot_crc32(buf, len - 4);
    for (int k = 0; k < 4; k++) buf[len - 4 + (size_t)k] = (uint8_t)(crc >> (8 * k));
}

static void write_file(const char *path, const uint8_t *buf, size_t len) {
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

/* The MCFG section comes first: its RAM size sits right after the header and the section head. */
#define MCFG_RAM_AT (SNAPSHOT_HEADER_SIZE + 12)

/* A checksum only says the bytes are the ones written. Values no vx86 would write must be refused
 * as the command line refuses them: before the machine is built or changed. */
START_TEST(impossible_values_are_refused) {
    serial_log log = { 0 };
    machine *m = make(&log);
    machine_run(m, 2000000);
    uint64_t cycles = machine_cycles(m);
    size_t len;
    uint8_t *good = snap(m, &len);
    uint8_t *bad = malloc(len);
    char want[256];

    /* RAM sizes outside --memory's range: 4 GiB - 4 KiB (would take seconds and gigabytes), 1 MiB,
     * and one that is not a whole number of pages. */
    static const uint32_t sizes[] = { 0xFFFFF000u, 1u << 20, RAM_SIZE + 100 };
    for (int k = 0; k < 3; k++) {
        memcpy(bad, good, len);
        for (int b = 0; b < 4; b++) bad[MCFG_RAM_AT + b] = (uint8_t)(sizes[k] >> (8 * b));
        reseal(bad, len);
        snprintf(want, sizeof want, "S: RAM size %u bytes out of range (vx86 machines have 2M..3G, a multiple of 4K)",
                 sizes[k]);
        expect_refused(m, bad, len, want);
        write_file(temp_path, bad, len);
        ck_assert_ptr_null(machine_snapshot_restore(temp_path, NULL, err, sizeof err));
        snprintf(want, sizeof want, "%s: RAM size %u bytes out of range (vx86 machines have 2M..3G, a multiple of 4K)",
                 temp_path, sizes[k]);
        ck_assert_str_eq(err, want);
    }
    ck_assert_uint_eq(machine_cycles(m), cycles);

    /* Cost tables the --costs parser refuses: a free instruction class (time would stand still
     * and --max-cycles never arrive), and an event dearer than its range. */
    machine *z = make(&log);
    costs c = *machine_costs(z);
    c.cycles[COST_BASIC] = 0;
    machine_set_costs(z, &c);   /* the machine API trusts its caller; a file must not be trusted */
    size_t zlen;
    uint8_t *zero = snap(z, &zlen);
    expect_refused(m, zero, zlen,
                   "S: cost 'basic' = 0 out of range 1..255 (instruction classes cost at least 1 cycle)");
    write_file(temp_path, zero, zlen);
    ck_assert_ptr_null(machine_snapshot_restore(temp_path, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: cost 'basic' = 0 out of range 1..255 (instruction classes cost at least 1 cycle)",
             temp_path);
    ck_assert_str_eq(err, want);
    free(zero);
    c = *machine_costs(m);
    c.cycles[COST_VMRUN] = 2000000;
    machine_set_costs(z, &c);
    zero = snap(z, &zlen);
    expect_refused(m, zero, zlen, "S: cost 'vmrun' = 2000000 out of range 0..1000000");
    free(zero);
    machine_destroy(z);
    ck_assert_uint_eq(machine_cycles(m), cycles);
    /* And the machine still runs exactly as before. */
    serial_log ref_log = { 0 };
    outcome ref = straight(&ref_log);
    outcome o = finish(m);
    ck_assert_uint_eq(o.cycles, ref.cycles);
    ck_assert_uint_eq(o.icount, ref.icount);
    ck_assert_str_eq(log.text, ref_log.text);

    free(bad);
    free(good);
    machine_destroy(m);
}
END_TEST

/* --restore reads no more than a snapshot can hold: /dev/zero, a header announcing a terabyte, and
 * a snapshot followed by endless junk all fail fast with one line. */
START_TEST(restore_reads_are_bounded) {
    ck_assert_ptr_null(machine_snapshot_restore("/dev/zero", NULL, err, sizeof err));
    ck_assert_str_eq(err, "/dev/zero: not a vx86 snapshot");

    serial_log log = { 0 };
    machine *m = make(&log);
    size_t len;
    uint8_t *buf = snap(m, &len);
    machine_destroy(m);
    uint8_t head[SNAPSHOT_HEADER_SIZE];
    memcpy(head, buf, sizeof head);
    for (int b = 0; b < 8; b++) head[16 + b] = (uint8_t)((1ull << 40) >> (8 * b));
    write_file(temp_path, head, sizeof head);
    ck_assert_ptr_null(machine_snapshot_restore(temp_path, NULL, err, sizeof err));
    char want[256];
    snprintf(want, sizeof want, "%s: snapshot of 1099511627776 bytes announced, more than any vx86 writes (at most %llu)",
             temp_path, (3ull << 30) + (64ull << 20));
    ck_assert_str_eq(err, want);

    /* junk after a good snapshot: counted up to a limit, then refused */
    uint8_t *big = calloc(1, len + (2u << 20));
    memcpy(big, buf, len);
    write_file(temp_path, big, len + 100);
    ck_assert_ptr_null(machine_snapshot_restore(temp_path, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: 100 bytes of unexpected data after the snapshot (corrupted)", temp_path);
    ck_assert_str_eq(err, want);
    write_file(temp_path, big, len + (2u << 20));
    ck_assert_ptr_null(machine_snapshot_restore(temp_path, NULL, err, sizeof err));
    snprintf(want, sizeof want, "%s: at least 1048576 bytes of unexpected data after the snapshot (corrupted)",
             temp_path);
    ck_assert_str_eq(err, want);
    free(big);
    free(buf);
}
END_TEST

static int parse(cli_run_options *o, int argc, const char **argv) {
    int rc = cli_parse_run(argc, (char **)argv, o, err, sizeof err);
    cli_run_options_free(o);
    return rc;
}

START_TEST(cli_snapshot_options) {
    cli_run_options o;
    const char *a1[] = { "k.elf", "--snapshot-at", "5e6", "out.snap", "--stats" };
    ck_assert_int_eq(parse(&o, 5, a1), 0);
    ck_assert_uint_eq(o.snapshot_at, 5000000);
    ck_assert_str_eq(o.snapshot_file, "out.snap");
    ck_assert_str_eq(o.image, "k.elf");
    ck_assert(o.stats);
    const char *a2[] = { "--snapshot-at=0", "s", "k.elf" };
    ck_assert_int_eq(parse(&o, 3, a2), 0);
    ck_assert_uint_eq(o.snapshot_at, 0);
    ck_assert_str_eq(o.snapshot_file, "s");
    const char *a3[] = { "--restore", "r.snap" };   /* no IMAGE needed */
    ck_assert_int_eq(parse(&o, 2, a3), 0);
    ck_assert_str_eq(o.restore_file, "r.snap");
    ck_assert_ptr_null(o.image);
    const char *a4[] = { "k.elf", "--snapshot-at", "100" };
    ck_assert_int_eq(parse(&o, 3, a4), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "--snapshot-at needs CYCLES and FILE (--snapshot-at CYCLES FILE)");
    const char *a5[] = { "k.elf", "--snapshot-at", "soon", "f" };
    ck_assert_int_eq(parse(&o, 4, a5), CLI_EXIT_USAGE);
    ck_assert_str_eq(err, "--snapshot-at: 'soon' is not a number");
    const char *a6[] = { "k.elf", "--restore" };
    ck_assert_int_eq(parse(&o, 2, a6), CLI_EXIT_USAGE);
}
END_TEST

static Suite *snapshot_suite(void) {
    Suite *s = suite_create("snapshot");
    TCase *t = tcase_create("snapshot");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, crc32_check_value);
    tcase_add_test(t, straight_runs_are_deterministic);
    tcase_add_test(t, restore_continues_like_the_straight_run);
    tcase_add_test(t, round_trip_is_byte_identical);
    tcase_add_test(t, restore_rewinds_a_running_machine);
    tcase_add_test(t, file_save_and_restore);
    tcase_add_test(t, damaged_snapshots_are_refused);
    tcase_add_test(t, impossible_values_are_refused);
    tcase_add_test(t, restore_reads_are_bounded);
    tcase_add_test(t, cli_snapshot_options);
    suite_add_tcase(s, t);
    return s;
}

int main(void) {
    SRunner *r = srunner_create(snapshot_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
