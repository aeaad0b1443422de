/* Decoder lengths against Capstone (CS_MODE_32), and #UD for everything outside the table.
 *
 * `lengths`: random instructions built from random rows of cpu_opcode_table() (ModRM.reg fixed
 * for group rows, mod as the row requires), with random legal prefixes and random trailing
 * bytes; cpu_insn_length must equal Capstone's length.
 * `undefined`: every opcode (and ModRM.reg / mod combination) that no row covers must give
 * length 0 and raise #UD (vector 6) when executed; x87 escapes may raise #NM (7) instead.
 *
 * DECODE_RUNS=N overrides the number of random instructions (default 200000). */
#include <capstone/capstone.h>
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/cpu_harness.h"

static uint64_t rng_state = 0xDEC0DE5EEDULL;
static uint32_t rng32(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static uint32_t rng_below(uint32_t n) { return rng32() % n; }

static int env_count(const char *name, int dflt)
{
    const char *e = getenv(name);
    int n = e ? atoi(e) : 0;
    return n > 0 ? n : dflt;
}

static bool is_string_op(uint16_t op)
{
    return (op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF) || (op >= 0x6C && op <= 0x6F);
}

/* LOCK is valid only on these read-modify-write instructions with a memory destination. */
static bool is_lockable(const cpu_opcode_info *row)
{
    uint16_t op = row->opcode;
    int g = row->group_reg;
    if (op < 0x40 && (op & 7) <= 1 && (op >> 3) != 7)
        return true;   /* ADD OR ADC SBB AND SUB XOR rm,r */
    switch (op) {
    case 0x80: case 0x81: case 0x82: case 0x83: return g >= 0 && g != 7;
    case 0x86: case 0x87: return true;
    case 0xF6: case 0xF7: return g == 2 || g == 3;
    case 0xFE: case 0xFF: return g == 0 || g == 1;
    case 0x0FAB: case 0x0FB3: case 0x0FBB: case 0x0FB0: case 0x0FB1: case 0x0FC0: case 0x0FC1:
        return true;
    case 0x0FBA: return g >= 5;
    case 0x0FC7: return g == 1;
    default: return false;
    }
}

static const uint8_t seg_prefixes[] = { 0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65 };

static int build_opcode(uint8_t *b, int n, uint16_t opcode)
{
    if (opcode > 0xFF)
        b[n++] = 0x0F;
    b[n++] = (uint8_t)opcode;
    return n;
}

static uint8_t random_modrm(int reg, int mod_req)
{
    uint8_t modrm = (uint8_t)rng32();
    if (reg >= 0)
        modrm = (uint8_t)((modrm & 0xC7) | (reg << 3));
    if (mod_req == 3)
        modrm |= 0xC0;
    else if (mod_req == 0 && (modrm & 0xC0) == 0xC0)
        modrm = (uint8_t)(modrm & ~0xC0u) | (uint8_t)(rng_below(3) << 6);
    return modrm;
}

/* A random instance of a random table row into b[32]: legal prefixes, the opcode, a ModRM that
 * fits the row, and random bytes after (SIB, displacement, immediates). Returns the length of
 * prefixes + opcode + ModRM. */
static int random_insn(const cpu_opcode_info *table, size_t count, uint8_t b[32], const cpu_opcode_info **row_out)
{
    const cpu_opcode_info *row = &table[rng_below((uint32_t)count)];
    int n = 0;
    for (int k = 0; k < 32; k++)
        b[k] = (uint8_t)rng32();
    int prefixes = (int)rng_below(4);
    bool lock = (row->flags & CPU_OPF_MODRM) && row->mod_req != 3 && is_lockable(row) && rng_below(4) == 0;
    for (int p = 0; p < prefixes; p++) {
        switch (rng_below(4)) {
        case 0: b[n++] = 0x66; break;
        case 1: b[n++] = 0x67; break;
        case 2: b[n++] = seg_prefixes[rng_below(6)]; break;
        default:
            if (is_string_op(row->opcode))
                b[n++] = rng_below(2) ? 0xF3 : 0xF2;
            else
                b[n++] = 0x3E;
            break;
        }
    }
    if (lock)
        b[n++] = 0xF0;
    n = build_opcode(b, n, row->opcode);
    if (row->flags & CPU_OPF_MODRM) {
        int mod_req = row->mod_req;
        if (lock && mod_req < 0)
            mod_req = 0;
        b[n++] = random_modrm(row->group_reg, mod_req);
    }
    *row_out = row;
    return n;
}

static void hex(char *out, size_t len, const uint8_t *b, int n)
{
    int k = 0;
    out[0] = 0;
    for (int i = 0; i < n && (size_t)k + 4 < len; i++)
        k += snprintf(out + k, len - (size_t)k, "%02X ", b[i]);
}

START_TEST(test_lengths)
{
    csh cs;
    ck_assert_msg(cs_open(CS_ARCH_X86, CS_MODE_32, &cs) == CS_ERR_OK, "capstone: cs_open failed");
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    ck_assert_msg(table && count > 0, "cpu_opcode_table() is empty");
    int runs = env_count("DECODE_RUNS", 200000);
    int failures = 0, reported = 0;
    int *row_fail = calloc(count, sizeof *row_fail);
    ck_assert_ptr_nonnull(row_fail);
    for (int i = 0; i < runs; i++) {
        const cpu_opcode_info *row;
        uint8_t b[32];
        int n = random_insn(table, count, b, &row);
        int got = cpu_insn_length(b, sizeof b);
        cs_insn *insn = NULL;
        size_t dis = cs_disasm(cs, b, sizeof b, 0x1000, 1, &insn);
        int want = dis ? (int)insn[0].size : 0;
        /* Capstone 4.0.2 rejects NOP r/m (0F 1F /0) with mod=3, which the SDM defines (and
         * every CPU since the P6 runs): its length is prefixes + 0F 1F + ModRM. */
        if (row->opcode == 0x0F1F && (row->flags & CPU_OPF_MODRM) && (b[n - 1] & 0xC0) == 0xC0)
            want = n;
        if (got != want) {
            failures++;
            row_fail[row - table]++;
            if (reported < 40) {
                char h[100];
                hex(h, sizeof h, b, want > got ? (want ? want : 15) : got);
                fprintf(stderr, "LENGTH %04X /%d %s: bytes %s-> vx86 %d, capstone %d (%s %s)\n", row->opcode,
                        row->group_reg, row->mnemonic, h, got, want, dis ? insn[0].mnemonic : "invalid",
                        dis ? insn[0].op_str : "");
                reported++;
            }
        }
        if (dis)
            cs_free(insn, dis);
    }
    for (size_t r = 0; r < count; r++)
        if (row_fail[r])
            fprintf(stderr, "row %04X /%d %s: %d length mismatches\n", table[r].opcode, table[r].group_reg,
                    table[r].mnemonic, row_fail[r]);
    free(row_fail);
    cs_close(&cs);
    ck_assert_msg(failures == 0, "%d of %d instruction lengths differ from Capstone (see stderr)", failures, runs);
}
END_TEST

/* The length decoder and the executor agree: a non-zero length never raises #UD when run, and
 * length 0 always does (cpu.h: "0 if the encoding raises #UD in vx86"). */
START_TEST(test_length_matches_execution)
{
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    ck_assert_msg(table && count > 0, "cpu_opcode_table() is empty");
    harness *h = harness_new(0);
    int runs = env_count("DECODE_EXEC_RUNS", 30000);
    int failures = 0;
    int *row_fail = calloc(count, sizeof *row_fail);
    ck_assert_ptr_nonnull(row_fail);
    for (int i = 0; i < runs; i++) {
        const cpu_opcode_info *row;
        uint8_t b[32];
        random_insn(table, count, b, &row);
        /* SVM instructions (0F 01 D8-DF) raise #UD by machine state (EFER.SVME=0 here, VMMCALL
         * outside a guest, SKINIT), not by encoding: nothing to compare */
        if (row->opcode == 0x0F01 && row->mod_req == 3 && row->group_reg == 3)
            continue;
        int len = cpu_insn_length(b, sizeof b);
        /* random code may have switched paging or protection on: start clean */
        cpu *c = &h->c;
        c->cr0 = c->cr2 = c->cr3 = c->cr4 = 0;
        c->efer = 0;
        cpu_flush_tlb(c);
        harness_reset(h);
        for (int r = 0; r < 8; r++)
            c->regs[r] = rng32();
        c->regs[R_ESP] = HARNESS_STACK_TOP - 64;
        harness_load_code(h, b, sizeof b);
        harness_step(h);
        bool ud = h->first_exception == EXC_UD && h->events[0].eip == HARNESS_CODE;
        if ((len != 0) == ud) {
            row_fail[row - table]++;
            if (failures < 20) {
                char hx[100];
                hex(hx, sizeof hx, b, len ? len : 8);
                fprintf(stderr, "EXEC %04X /%d %s: bytes %s-> length %d but %s\n", row->opcode, row->group_reg,
                        row->mnemonic, hx, len, ud ? "executing raised #UD" : "executing did not raise #UD");
            }
            failures++;
        }
    }
    for (size_t r = 0; r < count; r++)
        if (row_fail[r])
            fprintf(stderr, "row %04X /%d %s: %d length/#UD disagreements\n", table[r].opcode, table[r].group_reg,
                    table[r].mnemonic, row_fail[r]);
    free(row_fail);
    harness_free(h);
    ck_assert_msg(failures == 0, "%d of %d instructions: cpu_insn_length and execution disagree about #UD", failures,
                  runs);
}
END_TEST

/* LOCK is valid only on the read-modify-write instructions with a memory destination; anywhere
 * else the CPU raises #UD (SDM Vol. 2 "LOCK"), so the length must be 0. */
START_TEST(test_lock_prefix)
{
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    harness *h = harness_new(0);
    int failures = 0, checked = 0;
    for (size_t i = 0; i < count; i++) {
        const cpu_opcode_info *row = &table[i];
        for (int mod = 0; mod < 4; mod += 3) {
            if ((row->flags & CPU_OPF_MODRM) ? (row->mod_req == 3 && mod != 3) || (row->mod_req == 0 && mod == 3)
                                             : mod != 0)
                continue;
            uint8_t b[32] = { 0 };
            int n = 0;
            b[n++] = 0xF0;
            n = build_opcode(b, n, row->opcode);
            if (row->flags & CPU_OPF_MODRM)
                /* [esi] or a register, with ModRM.reg fixed for group rows */
                b[n++] = (uint8_t)((mod << 6) | ((row->group_reg >= 0 ? row->group_reg : 0) << 3) | (mod == 3 ? 0 : 6));
            bool valid = is_lockable(row) && (row->flags & CPU_OPF_MODRM) && mod != 3;
            int len = cpu_insn_length(b, sizeof b);
            harness_reset(h);
            h->c.regs[R_ESI] = HARNESS_DATA;
            harness_load_code(h, b, sizeof b);
            harness_step(h);
            bool ud = h->first_exception == EXC_UD;
            checked++;
            if (valid ? (len == 0 || ud) : (len != 0 || !ud)) {
                if (failures < 20) {
                    char hx[100];
                    hex(hx, sizeof hx, b, n);
                    fprintf(stderr, "LOCK %04X /%d %s: bytes %s-> length %d, %s (LOCK is %s here)\n", row->opcode,
                            row->group_reg, row->mnemonic, hx, len, ud ? "#UD" : "no #UD", valid ? "valid" : "invalid");
                }
                failures++;
            }
        }
    }
    harness_free(h);
    ck_assert_msg(failures == 0, "%d of %d LOCK-prefixed encodings handled wrongly (see stderr)", failures, checked);
}
END_TEST

/* Is (opcode, reg, mod) covered by a table row? */
static bool covered(const cpu_opcode_info *table, size_t count, uint16_t opcode, int reg, int mod)
{
    for (size_t i = 0; i < count; i++) {
        const cpu_opcode_info *row = &table[i];
        if (row->opcode != opcode)
            continue;
        if (!(row->flags & CPU_OPF_MODRM))
            return true;
        if (row->group_reg >= 0 && row->group_reg != reg)
            continue;
        if (row->mod_req == 3 && mod != 3)
            continue;
        if (row->mod_req == 0 && mod == 3)
            continue;
        return true;
    }
    return false;
}

static bool is_prefix_or_escape(uint16_t op)
{
    switch (op) {
    case 0x0F: case 0x26: case 0x2E: case 0x36: case 0x3E: case 0x64: case 0x65:
    case 0x66: case 0x67: case 0xF0: case 0xF2: case 0xF3:
        return true;
    default:
        return false;
    }
}

static bool is_x87(uint16_t op)
{
    return (op >= 0xD8 && op <= 0xDF) || op == 0x9B;
}

START_TEST(test_undefined)
{
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    ck_assert_msg(table && count > 0, "cpu_opcode_table() is empty");
    harness *h = harness_new(0);
    int checked = 0, failures = 0;
    for (uint32_t op = 0; op < 0x200; op++) {
        uint16_t opcode = (uint16_t)(op < 0x100 ? op : 0x0F00 + (op - 0x100));
        if (op < 0x100 && is_prefix_or_escape(opcode))
            continue;
        for (int reg = 0; reg < 8; reg++) {
            for (int mod = 0; mod < 4; mod++) {
                if (covered(table, count, opcode, reg, mod))
                    continue;
                for (int rep = 0; rep < 4; rep++) {
                    uint8_t b[32];
                    for (int k = 0; k < (int)sizeof b; k++)
                        b[k] = (uint8_t)rng32();
                    int n = build_opcode(b, 0, opcode);
                    b[n] = (uint8_t)((b[n] & 7) | (reg << 3) | (mod << 6));
                    int len = cpu_insn_length(b, sizeof b);
                    harness_reset(h);
                    harness_load_code(h, b, sizeof b);
                    harness_step(h);
                    int vec = h->first_exception;
                    bool ok_vec = vec == EXC_UD || (is_x87(opcode) && vec == EXC_NM);
                    checked++;
                    if (len != 0 || !ok_vec) {
                        if (failures < 40) {
                            char hx[100];
                            hex(hx, sizeof hx, b, 8);
                            fprintf(stderr, "UNDEFINED %04X reg=%d mod=%d bytes %s-> length %d (want 0), exception %d (want 6)\n",
                                    opcode, reg, mod, hx, len, vec);
                        }
                        failures++;
                    }
                }
            }
        }
    }
    harness_free(h);
    fprintf(stderr, "undefined: %d encodings checked\n", checked);
    ck_assert_msg(checked > 0, "every opcode is in the table? expected x87/SSE to be absent");
    ck_assert_msg(failures == 0, "%d of %d undefined encodings did not give length 0 and #UD", failures, checked);
}
END_TEST

/* The families the design says must be absent, spelled out so a table change is noticed. */
START_TEST(test_absent_families)
{
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    static const uint8_t samples[][6] = {
        { 0xD8, 0xC1 },                    /* fadd st, st(1) */
        { 0xD9, 0x00 },                    /* fld dword [eax] */
        { 0xDD, 0xD8 },                    /* fstp st(0) */
        { 0xDF, 0xE0 },                    /* fnstsw ax */
        { 0x0F, 0x10, 0xC1 },              /* movups xmm0, xmm1 */
        { 0x0F, 0x28, 0xC1 },              /* movaps */
        { 0x0F, 0x6F, 0xC1 },              /* movq mm0, mm1 */
        { 0x0F, 0x77 },                    /* emms */
        { 0x0F, 0xEF, 0xC0 },              /* pxor mm0, mm0 */
        { 0x0F, 0x38, 0x00, 0xC1 },        /* pshufb */
        { 0x0F, 0x3A, 0x0F, 0xC1, 0x01 },  /* palignr */
        { 0xC5, 0xF8, 0x77 },              /* vzeroupper (VEX, mod=3 in 32-bit mode) */
        { 0xC4, 0xE2, 0x79, 0x00, 0xC1 },  /* vpshufb (VEX3) */
        { 0x0F, 0x0B },                    /* ud2 */
    };
    harness *h = harness_new(0);
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        uint8_t b[16] = { 0 };
        memcpy(b, samples[i], sizeof samples[i]);
        int len = cpu_insn_length(b, sizeof b);
        harness_reset(h);
        harness_load_code(h, b, sizeof b);
        harness_step(h);
        bool x87 = is_x87(b[0]);
        ck_assert_msg(len == 0 || (b[0] == 0x0F && b[1] == 0x0B),
                      "sample %zu (%02X %02X %02X): cpu_insn_length %d, want 0", i, b[0], b[1], b[2], len);
        ck_assert_msg(h->first_exception == EXC_UD || (x87 && h->first_exception == EXC_NM),
                      "sample %zu (%02X %02X %02X): exception %d, want #UD", i, b[0], b[1], b[2],
                      h->first_exception);
        ck_assert_msg(h->first_exception < 0 || h->events[0].eip == HARNESS_CODE,
                      "sample %zu: #UD reported at eip %08X, not the instruction start", i, h->events[0].eip);
    }
    (void)table;
    (void)count;
    harness_free(h);
}
END_TEST

/* Truncated input: a valid instruction cut short, and more than 15 bytes of prefixes. */
START_TEST(test_truncated)
{
    static const uint8_t add_imm32[] = { 0x81, 0x80, 0x00, 0x10, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12 };
    ck_assert_int_eq(cpu_insn_length(add_imm32, sizeof add_imm32), (int)sizeof add_imm32);
    for (size_t n = 0; n < sizeof add_imm32; n++)
        ck_assert_int_eq(cpu_insn_length(add_imm32, n), 0);
    uint8_t many[20];
    memset(many, 0x3E, sizeof many);
    many[15] = 0x90;
    ck_assert_int_eq(cpu_insn_length(many, sizeof many), 0);   /* 16 bytes: too long */
    many[14] = 0x90;
    ck_assert_int_eq(cpu_insn_length(many, sizeof many), 15);  /* 14 prefixes + NOP */
}
END_TEST

static Suite *decode_suite(void)
{
    Suite *s = suite_create("decode_length");
    TCase *tc = tcase_create("decode");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_lengths);
    tcase_add_test(tc, test_undefined);
    tcase_add_test(tc, test_length_matches_execution);
    tcase_add_test(tc, test_lock_prefix);
    tcase_add_test(tc, test_absent_families);
    tcase_add_test(tc, test_truncated);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(decode_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
