/* The GDB stub's protocol core, driven from memory (no sockets): framing, checksums, acks and
 * retransmission, escapes, every packet the stub answers, stops (step, breakpoints, watchpoints,
 * Ctrl-C, guest exit) and malformed input, on a tiny real guest. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/gdb/gdbstub.h"
#include "emu/machine.h"
#include "tests/cli/mkelf.h"

#define BASE 0x100000u
#define DATA 0x200000u

/* Flat protected mode, paging off, as the loader leaves it:
 *   +00 mov eax,1          +05 inc eax           +06 mov [DATA],eax
 *   +0b inc eax            +0c mov [DATA],eax    +11 cmp dword [DATA+4],0
 *   +18 jnz +11 (spin while DATA+4 is nonzero)   +1a mov al,0x21   +1c out 0xf4,al   +1e jmp +1e */
static const uint8_t GUEST[] = {
    0xb8, 0x01, 0x00, 0x00, 0x00, 0x40, 0xa3, 0x00, 0x00, 0x20, 0x00, 0x40, 0xa3, 0x00, 0x00, 0x20,
    0x00, 0x83, 0x3d, 0x04, 0x00, 0x20, 0x00, 0x00, 0x75, 0xf7, 0xb0, 0x21, 0xe6, 0xf4, 0xeb, 0xfe,
};

static char image_path[64];
static machine *m;
static gdbstub *stub;
static char out[200000];
static size_t out_len;

static void capture(void *ctx, const void *bytes, size_t len) {
    (void)ctx;
    ck_assert_uint_le(out_len + len, sizeof out - 1);
    memcpy(out + out_len, bytes, len);
    out_len += len;
    out[out_len] = 0;
}

static void no_serial(void *ctx, uint8_t byte) {
    (void)ctx;
    (void)byte;
}

static void setup(void) {
    mkelf_spec s = { .entry = BASE, .nseg = 1 };
    s.seg[0] = (mkelf_segment){ .paddr = BASE, .data = GUEST, .filesz = sizeof GUEST, .memsz = sizeof GUEST };
    strcpy(image_path, "/tmp/vx86-gdbimg-XXXXXX");
    ck_assert_int_eq(mkelf_write_temp(&s, image_path), 0);
    machine_config cfg = { .kernel = image_path, .memory_bytes = 8u << 20, .serial_out = no_serial };
    char err[256];
    m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    stub = gdbstub_create(m, capture, NULL, getenv("GDBSTUB_TEST_TRACE") ? stderr : NULL);
    ck_assert_ptr_nonnull(stub);
    out_len = 0;
    out[0] = 0;
}

static void teardown(void) {
    gdbstub_destroy(stub);
    machine_destroy(m);
    unlink(image_path);
}

static void feed(const char *bytes) { gdbstub_input(stub, bytes, strlen(bytes)); }

static void send_body(const char *body, size_t len) {
    unsigned sum = 0;
    for (size_t k = 0; k < len; k++) sum += (unsigned char)body[k];
    char tail[4];
    snprintf(tail, sizeof tail, "#%02x", sum & 0xff);
    gdbstub_input(stub, "$", 1);
    gdbstub_input(stub, body, len);
    gdbstub_input(stub, tail, 3);
}

static void send_pkt(const char *body) { send_body(body, strlen(body)); }

/* Takes the output so far: acks must be exactly `acks`, then at most one packet whose checksum
 * must be right; its body goes to `body` (empty string if no packet). */
static void take(const char *acks, char *body, size_t cap) {
    size_t n = strlen(acks);
    ck_assert_msg(out_len >= n && memcmp(out, acks, n) == 0, "acks: got '%.20s', want '%s'", out, acks);
    body[0] = 0;
    if (out_len > n) {
        ck_assert_int_eq(out[n], '$');
        char *hash = memchr(out + n, '#', out_len - n);
        ck_assert_ptr_nonnull(hash);
        ck_assert_uint_eq((size_t)(hash - out) + 3, out_len);
        unsigned sum = 0;
        for (char *p = out + n + 1; p < hash; p++) sum += (unsigned char)*p;
        unsigned want;
        ck_assert_int_eq(sscanf(hash + 1, "%2x", &want), 1);
        ck_assert_uint_eq(sum & 0xff, want);
        size_t len = (size_t)(hash - (out + n + 1));
        ck_assert_uint_lt(len, cap);
        memcpy(body, out + n + 1, len);
        body[len] = 0;
    }
    out_len = 0;
    out[0] = 0;
}

/* Sends a packet and returns the body of the reply (which must come after a '+'). */
static const char *ask(const char *request) {
    static char body[70000];
    send_pkt(request);
    take("+", body, sizeof body);
    return body;
}

static uint32_t hex_le32(const char *hex) {
    uint32_t v = 0;
    for (int k = 3; k >= 0; k--) {
        unsigned byte;
        ck_assert_int_eq(sscanf(hex + 2 * k, "%2x", &byte), 1);
        v = v << 8 | byte;
    }
    return v;
}

static uint32_t reg(int n) {
    char req[16];
    snprintf(req, sizeof req, "p%x", n);
    const char *r = ask(req);
    ck_assert_uint_ge(strlen(r), 8);
    return hex_le32(r);
}

static uint32_t read_u32(uint32_t addr) {
    uint32_t v = 0;
    ck_assert(machine_read_phys(m, addr, &v, 4));
    return v;
}

/* ---- framing ---- */

START_TEST(good_packet_is_acked_and_answered) {
    ck_assert_str_eq(ask("?"), "T05thread:1;");
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_STOPPED);
}
END_TEST

START_TEST(bad_checksum_gets_nak_only) {
    char body[64];
    feed("$?#00");
    take("-", body, sizeof body);
    ck_assert_str_eq(body, "");
    feed("$?#zz");   /* non-hex checksum digits */
    take("-", body, sizeof body);
    feed("$?#3");    /* one digit, then a new packet: refused, and the new one still served */
    send_pkt("?");
    take("-+", body, sizeof body);
    ck_assert_str_eq(body, "T05thread:1;");
}
END_TEST

START_TEST(nak_resends_last_packet) {
    const char *first = ask("p8");
    char copy[64];
    ck_assert_uint_lt(strlen(first), sizeof copy);
    strcpy(copy, first);
    feed("-");
    char body[64];
    take("", body, sizeof body);
    ck_assert_str_eq(body, copy);
}
END_TEST

START_TEST(input_split_byte_by_byte) {
    const char *pkt = "+$qC#b4";
    for (size_t k = 0; pkt[k]; k++) gdbstub_input(stub, pkt + k, 1);
    char body[64];
    take("+", body, sizeof body);
    ck_assert_str_eq(body, "QC1");
}
END_TEST

START_TEST(noise_between_packets_is_ignored) {
    feed("garbage+++\r\n");
    ck_assert_uint_eq(out_len, 0);
    ck_assert_str_eq(ask("qC"), "QC1");
}
END_TEST

START_TEST(restart_on_dollar_inside_packet) {
    feed("$m1000");   /* cut short: the next '$' starts over */
    ck_assert_str_eq(ask("qC"), "QC1");
}
END_TEST

START_TEST(no_ack_mode) {
    ck_assert_str_eq(ask("QStartNoAckMode"), "OK");
    send_pkt("qC");
    char body[64];
    take("", body, sizeof body);
    ck_assert_str_eq(body, "QC1");
    feed("$qC#00");   /* bad checksum: silently dropped now */
    ck_assert_uint_eq(out_len, 0);
}
END_TEST

START_TEST(overlong_packet_refused_then_recovers) {
    size_t len = GDBSTUB_PACKET_MAX + 100;
    char *big = malloc(len);
    memset(big, 'q', len);
    send_body(big, len);
    free(big);
    char body[64];
    take("+", body, sizeof body);
    ck_assert_str_eq(body, "E01");
    ck_assert_str_eq(ask("qC"), "QC1");
}
END_TEST

/* ---- queries ---- */

START_TEST(qsupported_and_threads) {
    const char *r = ask("qSupported:multiprocess+;swbreak+;hwbreak+");
    ck_assert_ptr_nonnull(strstr(r, "PacketSize=4000"));
    ck_assert_ptr_nonnull(strstr(r, "qXfer:features:read+"));
    ck_assert_ptr_nonnull(strstr(r, "swbreak+"));
    ck_assert_str_eq(ask("qAttached"), "1");
    ck_assert_str_eq(ask("qfThreadInfo"), "m1");
    ck_assert_str_eq(ask("qsThreadInfo"), "l");
    ck_assert_str_eq(ask("Hg0"), "OK");
    ck_assert_str_eq(ask("Hc-1"), "OK");
    ck_assert_str_eq(ask("T1"), "OK");
    ck_assert_str_eq(ask("vCont?"), "vCont;c;C;s;S");
    ck_assert_str_eq(ask("vMustReplyEmpty"), "");
    ck_assert_str_eq(ask("qTStatus"), "");
}
END_TEST

START_TEST(target_xml_in_chunks) {
    static char xml[8192];
    size_t len = 0;
    for (int guard = 0; guard < 1000; guard++) {
        char req[80];
        snprintf(req, sizeof req, "qXfer:features:read:target.xml:%zx,40", len);
        const char *r = ask(req);
        ck_assert(r[0] == 'm' || r[0] == 'l');
        /* The XML has none of the characters that need escaping. */
        ck_assert_ptr_null(strchr(r + 1, '}'));
        size_t n = strlen(r + 1);
        ck_assert_uint_le(n, 0x40);
        ck_assert_uint_lt(len + n, sizeof xml);
        memcpy(xml + len, r + 1, n);
        len += n;
        if (r[0] == 'l') break;
        ck_assert_uint_eq(n, 0x40);
    }
    xml[len] = 0;
    ck_assert_ptr_nonnull(strstr(xml, "<architecture>i386</architecture>"));
    ck_assert_ptr_nonnull(strstr(xml, "<feature name=\"org.gnu.gdb.i386.core\">"));
    ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"eax\" bitsize=\"32\""));
    ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"st7\" bitsize=\"80\" type=\"i387_ext\""));
    ck_assert_ptr_nonnull(strstr(xml, "<reg name=\"fop\""));
    ck_assert_ptr_nonnull(strstr(xml, "</target>"));
    ck_assert_str_eq(ask("qXfer:features:read:target.xml:ffff,10"), "l");
    ck_assert_str_eq(ask("qXfer:features:read:other.xml:0,10"), "E00");
}
END_TEST

/* ---- registers ---- */

START_TEST(read_all_registers) {
    const char *r = ask("g");
    /* 16 x 4 bytes, 8 x 10 (x87), 8 x 4 (x87 control), 4 x 4 (cr0-cr4) */
    ck_assert_uint_eq(strlen(r), 2 * (16 * 4 + 8 * 10 + 8 * 4 + 4 * 4));
    ck_assert_uint_eq(hex_le32(r), 0x2BADB002u);          /* eax at multiboot entry */
    ck_assert_uint_eq(hex_le32(r + 8 * 8), BASE);          /* eip */
    ck_assert_uint_eq(hex_le32(r + 10 * 8), 0x08);         /* cs */
    ck_assert_uint_eq(hex_le32(r + 11 * 8), 0x10);         /* ss */
    for (size_t k = 16 * 8; k < 16 * 8 + 8 * 20; k++) ck_assert_int_eq(r[k], '0');   /* st0-st7 */
}
END_TEST

START_TEST(read_write_one_register) {
    ck_assert_uint_eq(reg(8), BASE);
    ck_assert_str_eq(ask("P3=78563412"), "OK");   /* ebx */
    ck_assert_uint_eq(reg(3), 0x12345678u);
    uint64_t v;
    ck_assert(machine_get_reg(m, "ebx", &v));
    ck_assert_uint_eq(v, 0x12345678u);
    ck_assert_str_eq(ask("P10=00000000000000000000"), "OK");   /* st0 write is dropped */
    ck_assert_str_eq(ask("Pa=08000000"), "OK");                 /* cs: same value */
    ck_assert_str_eq(ask("Pa=1b000000"), "E01");                /* cs: cannot load */
    ck_assert_str_eq(ask("P3=7856"), "E01");                    /* wrong size */
    ck_assert_str_eq(ask("p24"), "E00");                        /* no register 0x24 */
}
END_TEST

START_TEST(write_all_registers_round_trip) {
    char g[1024] = "G";
    const char *all = ask("g");
    ck_assert_uint_lt(strlen(all), sizeof g - 1);
    strcat(g, all);
    memcpy(g + 1 + 8, "efbeadde", 8);   /* ecx */
    ck_assert_str_eq(ask(g), "OK");
    ck_assert_uint_eq(reg(1), 0xdeadbeefu);
    ck_assert_uint_eq(reg(8), BASE);
    ck_assert_str_eq(ask("G123"), "E01");
}
END_TEST

/* ---- memory ---- */

START_TEST(read_memory) {
    char want[sizeof GUEST * 2 + 1];
    for (size_t k = 0; k < sizeof GUEST; k++) snprintf(want + 2 * k, 3, "%02x", GUEST[k]);
    char req[32];
    snprintf(req, sizeof req, "m%x,%zx", BASE, sizeof GUEST);
    ck_assert_str_eq(ask(req), want);
    /* Beyond RAM (8 MiB): an error, and a read that starts inside stops at the end. */
    ck_assert_str_eq(ask("m900000,4"), "E14");
    ck_assert_str_eq(ask("m7ffffe,4"), "0000");
    /* Huge lengths are clamped to what fits in a reply. */
    const char *r = ask("m0,ffffffff");
    ck_assert_uint_eq(strlen(r), GDBSTUB_PACKET_MAX);
}
END_TEST

START_TEST(write_memory_hex_and_binary) {
    ck_assert_str_eq(ask("M200010,4:deadbeef"), "OK");
    ck_assert_uint_eq(read_u32(DATA + 0x10), 0xefbeadde);
    ck_assert_str_eq(ask("m200010,4"), "deadbeef");
    /* X: '#', '$', '}' and '*' travel escaped as '}' then the byte XOR 0x20. */
    const char body[] = "X200020,5:}\x03}\x04}]}\x0a\x01";
    send_body(body, sizeof body - 1);
    char reply[64];
    take("+", reply, sizeof reply);
    ck_assert_str_eq(reply, "OK");
    ck_assert_str_eq(ask("m200020,5"), "23247d2a01");
    ck_assert_str_eq(ask("X200020,0:"), "OK");   /* gdb's probe for X support */
    ck_assert_str_eq(ask("X200020,2:a"), "E01"); /* fewer bytes than announced */
    ck_assert_str_eq(ask("X200020,1:}"), "E01"); /* escape at the end */
    ck_assert_str_eq(ask("M900000,1:00"), "E14");
}
END_TEST

/* ---- running ---- */

START_TEST(single_step) {
    ck_assert_str_eq(ask("s"), "T05thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 5);
    ck_assert_uint_eq(reg(0), 1);
    ck_assert_str_eq(ask("vCont;s:1"), "T05thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 6);
    ck_assert_uint_eq(reg(0), 2);
    /* Step from an explicit address. */
    char req[32];
    snprintf(req, sizeof req, "s%x", BASE);
    ck_assert_str_eq(ask(req), "T05thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 5);
}
END_TEST

static const char *run_until_stop(void) {
    static char body[256];
    for (int k = 0; k < 100 && gdbstub_get_state(stub) == GDBSTUB_RUNNING; k++) gdbstub_run_slice(stub, 1000);
    take("", body, sizeof body);
    return body;
}

static const char *resume(const char *request) {
    char body[64];
    send_pkt(request);
    take("+", body, sizeof body);
    ck_assert_str_eq(body, "");   /* continuing is answered only by the stop */
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_RUNNING);
    return run_until_stop();
}

START_TEST(software_and_hardware_breakpoints) {
    ck_assert_str_eq(ask("Z0,10000b,1"), "OK");
    ck_assert_str_eq(ask("Z1,100011,1"), "OK");
    ck_assert_str_eq(resume("c"), "T05swbreak:;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0xb);
    ck_assert_str_eq(resume("vCont;c"), "T05hwbreak:;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0x11);
    /* Stepping from a breakpoint executes the instruction under it. */
    ck_assert_str_eq(ask("s"), "T05thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0x18);
    ck_assert_str_eq(ask("z0,10000b,1"), "OK");
    ck_assert_str_eq(ask("z1,100011,1"), "OK");
    ck_assert_str_eq(resume("c"), "W43");
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_ENDED);
    ck_assert_int_eq(gdbstub_end_reason(stub), MACHINE_STOP_EXIT);
}
END_TEST

START_TEST(continue_from_a_breakpoint_passes_it) {
    ck_assert_str_eq(ask("Z0,100005,1"), "OK");
    ck_assert_str_eq(ask("Z0,100006,1"), "OK");
    ck_assert_str_eq(resume("c"), "T05swbreak:;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 5);
    ck_assert_str_eq(resume("c"), "T05swbreak:;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 6);
    /* A breakpoint set where the guest stands is passed too. */
    ck_assert_str_eq(ask("Z1,100006,1"), "OK");
    ck_assert_str_eq(ask("z0,100006,1"), "OK");
    ck_assert_str_eq(ask("z0,100005,1"), "OK");
    ck_assert_str_eq(resume("c"), "W43");
}
END_TEST

START_TEST(watchpoints) {
    ck_assert_str_eq(ask("Z2,200000,0"), "E01");   /* zero length */
    ck_assert_str_eq(ask("Z5,200000,4"), "");       /* unsupported type */
    ck_assert_str_eq(ask("Z2,200000,4"), "OK");
    ck_assert_str_eq(resume("c"), "T05watch:200000;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0xb);   /* stops after the writing instruction */
    ck_assert_uint_eq(read_u32(DATA), 2);
    ck_assert_str_eq(ask("z2,200000,4"), "OK");
    ck_assert_str_eq(ask("Z3,200004,4"), "OK");
    ck_assert_str_eq(resume("c"), "T05rwatch:200004;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0x18);
    ck_assert_str_eq(ask("z3,200004,4"), "OK");
    ck_assert_str_eq(ask("Z4,200000,8"), "OK");
    ck_assert_str_eq(ask("M200000,4:00000000"), "OK");
    char req[32];
    snprintf(req, sizeof req, "c%x", BASE + 0x11);
    ck_assert_str_eq(resume(req), "T05awatch:200004;thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0x18);
    /* A step that touches a watched address must not leave a stop behind for the next resume. */
    snprintf(req, sizeof req, "s%x", BASE + 0x11);
    ask(req);
    ck_assert_str_eq(ask("z4,200000,8"), "OK");
    ck_assert_str_eq(ask("Z2,300000,4"), "OK");
    ck_assert_str_eq(resume("c"), "W43");
}
END_TEST

START_TEST(ctrl_c_interrupts_a_running_guest) {
    ck_assert_str_eq(ask("M200004,4:01000000"), "OK");   /* make the guest spin */
    char body[64];
    send_pkt("c");
    take("+", body, sizeof body);
    for (int k = 0; k < 5; k++) gdbstub_run_slice(stub, 10000);
    ck_assert_uint_eq(out_len, 0);
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_RUNNING);
    send_pkt("g");   /* packets other than Ctrl-C are not served while running */
    take("+", body, sizeof body);
    ck_assert_str_eq(body, "");
    gdbstub_input(stub, "\x03", 1);
    gdbstub_run_slice(stub, 10000);
    take("", body, sizeof body);
    ck_assert_str_eq(body, "T02thread:1;");
    ck_assert_uint_eq(reg(8), BASE + 0x18);
    ck_assert_str_eq(ask("?"), "T02thread:1;");
    /* Ctrl-C while stopped means nothing. */
    gdbstub_input(stub, "\x03", 1);
    ck_assert_uint_eq(out_len, 0);
    ck_assert_str_eq(ask("M200004,4:00000000"), "OK");
    ck_assert_str_eq(resume("c"), "W43");
}
END_TEST

/* --max-cycles holds while gdb drives: a continue ends at the limit with X18 (SIGXCPU), exactly at
 * the limit (slices never run past it), and a step at the limit ends the run too. */
START_TEST(cycle_limit_ends_a_continue) {
    ck_assert_str_eq(ask("M200004,4:01000000"), "OK");   /* make the guest spin forever */
    uint64_t limit = machine_cycles(m) + 54321;   /* within run_until_stop's 100 slices */
    gdbstub_set_cycle_limit(stub, limit);
    ck_assert_str_eq(resume("c"), "X18");
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_ENDED);
    ck_assert_int_eq(gdbstub_end_reason(stub), MACHINE_STOP_LIMIT);
    ck_assert_uint_ge(machine_cycles(m), limit);
    ck_assert_uint_lt(machine_cycles(m), limit + 16);    /* one instruction past at most */
}
END_TEST

START_TEST(cycle_limit_ends_steps) {
    ck_assert_str_eq(ask("M200004,4:01000000"), "OK");
    gdbstub_set_cycle_limit(stub, machine_cycles(m) + 3);
    char body[64];
    int steps = 0;
    for (; steps < 100 && gdbstub_get_state(stub) == GDBSTUB_STOPPED; steps++) {
        send_pkt("s");
        take("+", body, sizeof body);
    }
    ck_assert_str_eq(body, "X18");
    ck_assert_int_gt(steps, 1);
    ck_assert_int_le(steps, 4);
    ck_assert_int_eq(gdbstub_end_reason(stub), MACHINE_STOP_LIMIT);
    /* A limit already behind: the first continue ends at once, running nothing. */
    gdbstub_destroy(stub);
    stub = gdbstub_create(m, capture, NULL, NULL);
    gdbstub_set_cycle_limit(stub, machine_cycles(m));
    uint64_t icount = machine_instructions(m);
    ck_assert_str_eq(resume("c"), "X18");
    ck_assert_uint_eq(machine_instructions(m), icount);
}
END_TEST

START_TEST(detach_and_kill) {
    ck_assert_str_eq(ask("Z0,10000b,1"), "OK");
    ck_assert_str_eq(ask("D"), "OK");
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_DETACHED);
    /* Input after the end is ignored. */
    send_pkt("g");
    ck_assert_uint_eq(out_len, 0);
    /* Ending the session removes gdb's breakpoints from the machine. */
    gdbstub_destroy(stub);
    stub = gdbstub_create(m, capture, NULL, NULL);
    ck_assert_int_eq(machine_run(m, 100000), MACHINE_STOP_EXIT);
    send_pkt("k");
    char body[64];
    take("+", body, sizeof body);
    ck_assert_str_eq(body, "");
    ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_KILLED);
}
END_TEST

START_TEST(malformed_packets_get_errors) {
    static const char *const bad[] = {
        "mzz,4", "m,", "m100000", "m100000,", "m1ffffffff,4", "m100000,zz", "m0,0", "m0,fffffffffffffffff",
        "M100000,4:zz", "M100000,ffffffff:00", "M100000,2:001122", "M,:", "Mffffffff,2:0000",
        "X100000,ffffffff:", "pzz", "p", "P0=", "P0=zz", "P=00", "Gz", "Z9,0", "Z0,zz,1", "Z", "z2,0",
        "Z2,ffffffff,2", "qXfer:features:read:target.xml:", "qXfer:features:read:target.xml:zz,10",
        "qXfer:features:read", "vCont;", "vCont;q", "vContx", "c zz", "sffffffffff", "C", "Czz", "S05;zz",
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        const char *r = ask(bad[k]);
        ck_assert_msg(r[0] == 'E' || r[0] == 0, "'%s' -> '%s'", bad[k], r);
        ck_assert_int_eq(gdbstub_get_state(stub), GDBSTUB_STOPPED);
    }
    ck_assert_uint_eq(reg(8), BASE);   /* nothing ran, nothing moved */
    ck_assert_str_eq(ask(""), "");
    ck_assert_str_eq(ask("\x7f\x01"), "");
}
END_TEST

START_TEST(random_bytes_never_crash) {
    /* Deterministic noise with the protocol's special characters mixed in; the stub must stay in
     * a state that answers a clean packet afterwards. Resuming packets may start from the noise,
     * so the guest is made to spin and any run is interrupted again. */
    ck_assert_str_eq(ask("M200004,4:01000000"), "OK");
    uint32_t seed = 99;
    char noise[300];
    for (int round = 0; round < 2000; round++) {
        size_t len = 0;
        seed = seed * 1103515245u + 12345u;
        size_t want = (seed >> 16) % sizeof noise;
        while (len < want) {
            seed = seed * 1103515245u + 12345u;
            uint32_t r = seed >> 16;
            noise[len++] = r % 5 == 0 ? "$#}*+-"[r % 6] : (char)(r & 0xff);
        }
        /* Every fourth round: a real command letter with random hex, commas and colons after it. */
        if (round % 4 == 1) {
            static const char *const heads[] = { "m", "M", "X", "p", "P", "G", "Z0,", "Z2,", "z4,",
                                                 "qXfer:features:read:target.xml:", "s", "S", "H" };
            seed = seed * 1103515245u + 12345u;
            const char *head = heads[(seed >> 16) % (sizeof heads / sizeof heads[0])];
            size_t h = strlen(head);
            memcpy(noise, head, h);
            for (len = h; len < h + (seed >> 20) % 40; len++) {
                seed = seed * 1103515245u + 12345u;
                noise[len] = "0123456789abcdefff,:=;}"[(seed >> 16) % 23];
            }
        }
        /* Half the rounds as well-framed packets, so random bodies reach the packet handlers. */
        if (round % 2 && !memchr(noise, '$', len) && !memchr(noise, '#', len)) send_body(noise, len);
        else gdbstub_input(stub, noise, len);
        if (gdbstub_get_state(stub) == GDBSTUB_RUNNING) {
            gdbstub_run_slice(stub, 1000);
            gdbstub_input(stub, "\x03", 1);
            gdbstub_run_slice(stub, 1000);
        }
        if (gdbstub_get_state(stub) != GDBSTUB_STOPPED) {   /* D or k in the noise: start again */
            gdbstub_destroy(stub);
            stub = gdbstub_create(m, capture, NULL, NULL);
        }
        out_len = 0;
    }
    feed("#00");
    out_len = 0;
    gdbstub_destroy(stub);   /* the noise may have switched acks off; a fresh session for the check */
    stub = gdbstub_create(m, capture, NULL, NULL);
    ck_assert_str_eq(ask("qC"), "QC1");
}
END_TEST

static Suite *gdbstub_suite(void) {
    Suite *s = suite_create("gdbstub");
    TCase *t = tcase_create("core");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, good_packet_is_acked_and_answered);
    tcase_add_test(t, bad_checksum_gets_nak_only);
    tcase_add_test(t, nak_resends_last_packet);
    tcase_add_test(t, input_split_byte_by_byte);
    tcase_add_test(t, noise_between_packets_is_ignored);
    tcase_add_test(t, restart_on_dollar_inside_packet);
    tcase_add_test(t, no_ack_mode);
    tcase_add_test(t, overlong_packet_refused_then_recovers);
    tcase_add_test(t, qsupported_and_threads);
    tcase_add_test(t, target_xml_in_chunks);
    tcase_add_test(t, read_all_registers);
    tcase_add_test(t, read_write_one_register);
    tcase_add_test(t, write_all_registers_round_trip);
    tcase_add_test(t, read_memory);
    tcase_add_test(t, write_memory_hex_and_binary);
    tcase_add_test(t, single_step);
    tcase_add_test(t, software_and_hardware_breakpoints);
    tcase_add_test(t, continue_from_a_breakpoint_passes_it);
    tcase_add_test(t, watchpoints);
    tcase_add_test(t, ctrl_c_interrupts_a_running_guest);
    tcase_add_test(t, cycle_limit_ends_a_continue);
    tcase_add_test(t, cycle_limit_ends_steps);
    tcase_add_test(t, detach_and_kill);
    tcase_add_test(t, malformed_packets_get_errors);
    tcase_add_test(t, random_bytes_never_crash);
    suite_add_tcase(s, t);
    return s;
}

int main(void) {
    SRunner *r = srunner_create(gdbstub_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
