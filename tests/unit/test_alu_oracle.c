/* ALU oracle: every integer ALU instruction of the i686 ISA runs on the host CPU and on vx86 with
 * the same bytes, registers, memory and incoming flags; results and the flags the SDM defines
 * must agree.
 *
 * Native side: a 64-bit stub in an executable buffer loads EAX..EDI (never ESP) and RFLAGS from
 * a struct, runs the instruction, and stores them back. Register and memory forms without REX
 * bytes mean the same thing in 32-bit and 64-bit mode, except that a memory base register holds
 * a 64-bit pointer natively and a guest address in vx86; the base is ESI or EDI, which the
 * generated instructions never write. Divide errors are predicted in C and never run natively.
 *
 * The spec list below says how to encode each instruction and which flags it defines. Every
 * CPU_OPF_ALU row of cpu_opcode_table() must have a spec (or a documented reason to be tested
 * elsewhere), so a new table row without a test fails `coverage`.
 *
 * ORACLE_RUNS=N overrides the number of random cases per spec (default 2500, a quarter of them
 * with a memory operand where the instruction has one). ORACLE_SEED=N changes the seed. */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cpuid.h>

#include "tests/unit/cpu_harness.h"

/* ---------------------------------------------------------------- PRNG (xorshift64*) */
static uint64_t rng_state;
static uint32_t rng32(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static uint32_t rng_below(uint32_t n) { return rng32() % n; }

static const uint32_t edge_values[] = {
    0, 1, 2, 0x7F, 0x80, 0x81, 0xFF, 0x100, 0x7FFF, 0x8000, 0x8001, 0xFFFF, 0x10000,
    0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFF80, 0xFFFF8000,
};
static const uint32_t shift_counts[] = {
    0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 0xFF, 0xE1,
};

/* A register/immediate value biased towards the edges at 8, 16 and 32 bits. */
static uint32_t random_value(void)
{
    uint32_t edge = edge_values[rng_below(sizeof edge_values / sizeof edge_values[0])];
    switch (rng_below(5)) {
    case 0: return edge;
    case 1: return (rng32() & 0xFFFFFF00u) | (edge & 0xFF);
    case 2: return (rng32() & 0xFFFF0000u) | (edge & 0xFFFF);
    default: return rng32();
    }
}

/* ---------------------------------------------------------------- instruction specs */
typedef enum flag_rule {
    FR_ALL,     /* every arithmetic flag defined (or unchanged) */
    FR_LOGIC,   /* AND OR XOR TEST: AF undefined */
    FR_MUL,     /* only CF and OF */
    FR_DIV,     /* none */
    FR_SHIFT,   /* SHL SHR SAR (count dependent) */
    FR_ROT,     /* ROL ROR */
    FR_RC,      /* RCL RCR */
    FR_SHXD,    /* SHLD SHRD */
    FR_BT,      /* CF (ZF unchanged) */
    FR_BS,      /* ZF only; zero source leaves the destination undefined */
} flag_rule;

typedef enum count_src { CNT_NONE, CNT_ONE, CNT_CL, CNT_IMM } count_src;
typedef enum prep_kind { PREP_NONE, PREP_DIV, PREP_IDIV, PREP_CMPXCHG, PREP_CMPXCHG8B, PREP_BS, PREP_BT_REG } prep_kind;

enum {
    SP_BYTE_RM = 1,      /* r/m operand (or the implied register) is 8-bit */
    SP_BYTE_REG = 2,     /* ModRM.reg operand is 8-bit */
    SP_NO_66 = 4,        /* no 16-bit form (or a meaningless one) */
    SP_MEM_ONLY = 8,
    SP_REG_ONLY = 0x10,
    SP_LOCKABLE = 0x20,  /* LOCK is valid with a memory destination */
    SP_REG_IGNORED = 0x40, /* ModRM.reg is not an operand (SETcc) */
    SP_LAHF = 0x80,      /* needs CPUID.80000001h:ECX.LAHF-SAHF natively */
    SP_OPTIONAL = 0x100, /* an alias encoding vx86 may leave out of its table */
};

typedef struct oracle_spec {
    const char *name;
    uint16_t opcode;
    int8_t group_reg;    /* ModRM.reg for group opcodes; -1 otherwise */
    bool modrm;
    uint8_t imm;         /* 0, 1 (imm8) or 'z' (imm16/32 by operand size) */
    uint16_t sp;         /* SP_* */
    flag_rule rule;
    count_src count;
    prep_kind prep;
} oracle_spec;

#define MAX_SPECS 400
static oracle_spec specs[MAX_SPECS];
static int spec_count;

static void add_spec(const char *name, uint16_t opcode, int group_reg, bool modrm, uint8_t imm,
                     uint16_t sp, flag_rule rule, count_src count, prep_kind prep)
{
    if (spec_count >= MAX_SPECS) {
        fprintf(stderr, "test_alu_oracle.c: spec table full\n");
        abort();
    }
    specs[spec_count++] = (oracle_spec){ name, opcode, (int8_t)group_reg, modrm, imm, sp, rule,
                                         count, prep };
}

static const char *const cc_names[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};

static void build_specs(void)
{
    static char names[64][16];
    int n = 0;
    if (spec_count)
        return;
    static const char *const alu_names[8] = { "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
    for (int op = 0; op < 8; op++) {
        flag_rule r = (op == 1 || op == 4 || op == 6) ? FR_LOGIC : FR_ALL;
        uint16_t lock = op == 7 ? 0 : SP_LOCKABLE;
        uint16_t base = (uint16_t)(op * 8);
        add_spec(alu_names[op], base + 0, -1, true, 0, SP_BYTE_RM | SP_BYTE_REG | lock, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], base + 1, -1, true, 0, lock, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], base + 2, -1, true, 0, SP_BYTE_RM | SP_BYTE_REG, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], base + 3, -1, true, 0, 0, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], base + 4, -1, false, 1, SP_BYTE_RM, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], base + 5, -1, false, 'z', 0, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], 0x80, op, true, 1, SP_BYTE_RM | lock, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], 0x81, op, true, 'z', lock, r, CNT_NONE, PREP_NONE);
        add_spec(alu_names[op], 0x83, op, true, 1, lock, r, CNT_NONE, PREP_NONE);
    }
    add_spec("test", 0x84, -1, true, 0, SP_BYTE_RM | SP_BYTE_REG, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("test", 0x85, -1, true, 0, 0, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("test", 0xA8, -1, false, 1, SP_BYTE_RM, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("test", 0xA9, -1, false, 'z', 0, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("xchg", 0x86, -1, true, 0, SP_BYTE_RM | SP_BYTE_REG | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("xchg", 0x87, -1, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    for (int r = 1; r < 8; r++)
        if (r != R_ESP)   /* XCHG ESP would swap the native stack pointer */
            add_spec("xchg eax", (uint16_t)(0x90 + r), -1, false, 0, 0, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("cwde/cbw", 0x98, -1, false, 0, 0, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("cdq/cwd", 0x99, -1, false, 0, 0, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("sahf", 0x9E, -1, false, 0, SP_NO_66 | SP_LAHF, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("lahf", 0x9F, -1, false, 0, SP_NO_66 | SP_LAHF, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("cmc", 0xF5, -1, false, 0, SP_NO_66, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("clc", 0xF8, -1, false, 0, SP_NO_66, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("stc", 0xF9, -1, false, 0, SP_NO_66, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("cld", 0xFC, -1, false, 0, SP_NO_66, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("std", 0xFD, -1, false, 0, SP_NO_66, FR_ALL, CNT_NONE, PREP_NONE);

    static const char *const sh_names[8] = { "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
    for (int g = 0; g < 8; g++) {
        flag_rule r = g < 2 ? FR_ROT : g < 4 ? FR_RC : FR_SHIFT;
        uint16_t opt = g == 6 ? SP_OPTIONAL : 0;
        add_spec(sh_names[g], 0xC0, g, true, 1, SP_BYTE_RM | opt, r, CNT_IMM, PREP_NONE);
        add_spec(sh_names[g], 0xC1, g, true, 1, opt, r, CNT_IMM, PREP_NONE);
        add_spec(sh_names[g], 0xD0, g, true, 0, SP_BYTE_RM | opt, r, CNT_ONE, PREP_NONE);
        add_spec(sh_names[g], 0xD1, g, true, 0, opt, r, CNT_ONE, PREP_NONE);
        add_spec(sh_names[g], 0xD2, g, true, 0, SP_BYTE_RM | opt, r, CNT_CL, PREP_NONE);
        add_spec(sh_names[g], 0xD3, g, true, 0, opt, r, CNT_CL, PREP_NONE);
    }
    add_spec("test", 0xF6, 0, true, 1, SP_BYTE_RM, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("test", 0xF6, 1, true, 1, SP_BYTE_RM | SP_OPTIONAL, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("not", 0xF6, 2, true, 0, SP_BYTE_RM | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("neg", 0xF6, 3, true, 0, SP_BYTE_RM | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("mul", 0xF6, 4, true, 0, SP_BYTE_RM, FR_MUL, CNT_NONE, PREP_NONE);
    add_spec("imul", 0xF6, 5, true, 0, SP_BYTE_RM, FR_MUL, CNT_NONE, PREP_NONE);
    add_spec("div", 0xF6, 6, true, 0, SP_BYTE_RM, FR_DIV, CNT_NONE, PREP_DIV);
    add_spec("idiv", 0xF6, 7, true, 0, SP_BYTE_RM, FR_DIV, CNT_NONE, PREP_IDIV);
    add_spec("test", 0xF7, 0, true, 'z', 0, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("test", 0xF7, 1, true, 'z', SP_OPTIONAL, FR_LOGIC, CNT_NONE, PREP_NONE);
    add_spec("not", 0xF7, 2, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("neg", 0xF7, 3, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("mul", 0xF7, 4, true, 0, 0, FR_MUL, CNT_NONE, PREP_NONE);
    add_spec("imul", 0xF7, 5, true, 0, 0, FR_MUL, CNT_NONE, PREP_NONE);
    add_spec("div", 0xF7, 6, true, 0, 0, FR_DIV, CNT_NONE, PREP_DIV);
    add_spec("idiv", 0xF7, 7, true, 0, 0, FR_DIV, CNT_NONE, PREP_IDIV);
    add_spec("inc", 0xFE, 0, true, 0, SP_BYTE_RM | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("dec", 0xFE, 1, true, 0, SP_BYTE_RM | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("inc", 0xFF, 0, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("dec", 0xFF, 1, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("imul r,rm,imm", 0x69, -1, true, 'z', 0, FR_MUL, CNT_NONE, PREP_NONE);
    add_spec("imul r,rm,imm8", 0x6B, -1, true, 1, 0, FR_MUL, CNT_NONE, PREP_NONE);
    add_spec("imul r,rm", 0x0FAF, -1, true, 0, 0, FR_MUL, CNT_NONE, PREP_NONE);

    add_spec("bt", 0x0FA3, -1, true, 0, 0, FR_BT, CNT_NONE, PREP_BT_REG);
    add_spec("bts", 0x0FAB, -1, true, 0, SP_LOCKABLE, FR_BT, CNT_NONE, PREP_BT_REG);
    add_spec("btr", 0x0FB3, -1, true, 0, SP_LOCKABLE, FR_BT, CNT_NONE, PREP_BT_REG);
    add_spec("btc", 0x0FBB, -1, true, 0, SP_LOCKABLE, FR_BT, CNT_NONE, PREP_BT_REG);
    add_spec("bt", 0x0FBA, 4, true, 1, 0, FR_BT, CNT_NONE, PREP_NONE);
    add_spec("bts", 0x0FBA, 5, true, 1, SP_LOCKABLE, FR_BT, CNT_NONE, PREP_NONE);
    add_spec("btr", 0x0FBA, 6, true, 1, SP_LOCKABLE, FR_BT, CNT_NONE, PREP_NONE);
    add_spec("btc", 0x0FBA, 7, true, 1, SP_LOCKABLE, FR_BT, CNT_NONE, PREP_NONE);
    add_spec("shld imm", 0x0FA4, -1, true, 1, 0, FR_SHXD, CNT_IMM, PREP_NONE);
    add_spec("shld cl", 0x0FA5, -1, true, 0, 0, FR_SHXD, CNT_CL, PREP_NONE);
    add_spec("shrd imm", 0x0FAC, -1, true, 1, 0, FR_SHXD, CNT_IMM, PREP_NONE);
    add_spec("shrd cl", 0x0FAD, -1, true, 0, 0, FR_SHXD, CNT_CL, PREP_NONE);
    add_spec("bsf", 0x0FBC, -1, true, 0, 0, FR_BS, CNT_NONE, PREP_BS);
    add_spec("bsr", 0x0FBD, -1, true, 0, 0, FR_BS, CNT_NONE, PREP_BS);
    for (int r = 0; r < 8; r++)
        if (r != R_ESP)   /* BSWAP ESP would wreck the native stack pointer */
            add_spec("bswap", (uint16_t)(0x0FC8 + r), -1, false, 0, SP_NO_66, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("xadd", 0x0FC0, -1, true, 0, SP_BYTE_RM | SP_BYTE_REG | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("xadd", 0x0FC1, -1, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("cmpxchg", 0x0FB0, -1, true, 0, SP_BYTE_RM | SP_BYTE_REG | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_CMPXCHG);
    add_spec("cmpxchg", 0x0FB1, -1, true, 0, SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_CMPXCHG);
    add_spec("cmpxchg8b", 0x0FC7, 1, true, 0, SP_MEM_ONLY | SP_NO_66 | SP_LOCKABLE, FR_ALL, CNT_NONE, PREP_CMPXCHG8B);
    for (int cc = 0; cc < 16; cc++) {
        snprintf(names[n], sizeof names[n], "set%s", cc_names[cc]);
        add_spec(names[n++], (uint16_t)(0x0F90 + cc), -1, true, 0, SP_BYTE_RM | SP_NO_66 | SP_REG_IGNORED, FR_ALL, CNT_NONE, PREP_NONE);
        snprintf(names[n], sizeof names[n], "cmov%s", cc_names[cc]);
        add_spec(names[n++], (uint16_t)(0x0F40 + cc), -1, true, 0, 0, FR_ALL, CNT_NONE, PREP_NONE);
    }
    add_spec("movzx r,rm8", 0x0FB6, -1, true, 0, SP_BYTE_RM, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("movzx r,rm16", 0x0FB7, -1, true, 0, 0, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("movsx r,rm8", 0x0FBE, -1, true, 0, SP_BYTE_RM, FR_ALL, CNT_NONE, PREP_NONE);
    add_spec("movsx r,rm16", 0x0FBF, -1, true, 0, 0, FR_ALL, CNT_NONE, PREP_NONE);
}

/* ALU-flagged rows that the host cannot run in 64-bit mode; tests/guest/isa covers them. */
static const char *native_exclusion(uint16_t opcode, int group_reg)
{
    (void)group_reg;
    if (opcode >= 0x40 && opcode <= 0x4F)
        return "one-byte INC/DEC are REX prefixes in 64-bit mode (tests/guest/isa)";
    switch (opcode) {
    case 0x27: case 0x2F: case 0x37: case 0x3F: case 0xD4: case 0xD5:
        return "BCD adjust is invalid in 64-bit mode (tests/guest/isa)";
    case 0x82: return "opcode 82 is invalid in 64-bit mode (alias of 80 in 32-bit mode)";
    case 0x60: case 0x61: return "PUSHA/POPA are invalid in 64-bit mode (tests/guest/isa)";
    case 0x62: return "BOUND is invalid in 64-bit mode (tests/guest/isa)";
    case 0xCE: return "INTO is invalid in 64-bit mode (tests/guest/isa)";
    case 0xD6: return "SALC is invalid in 64-bit mode";
    case 0x94: case 0x0FCC: return "XCHG/BSWAP ESP would corrupt the native stack pointer";
    case 0x90: return "NOP (XCHG EAX,EAX): no state to compare";
    default: return NULL;
    }
}

static bool row_matches(const cpu_opcode_info *row, const oracle_spec *s)
{
    if (row->opcode != s->opcode)
        return false;
    return row->group_reg < 0 || s->group_reg < 0 || row->group_reg == s->group_reg;
}

static const cpu_opcode_info *find_row(const oracle_spec *s)
{
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    for (size_t i = 0; i < count; i++)
        if (row_matches(&table[i], s) && table[i].mod_req != 0)
            return &table[i];
    for (size_t i = 0; i < count; i++)
        if (row_matches(&table[i], s))
            return &table[i];
    return NULL;
}

/* ---------------------------------------------------------------- state and generated insn */
#define MEMBUF 1024
#define MEMCENTER 512

typedef struct oracle_state {
    uint32_t regs[8];
    uint32_t eflags;
    uint8_t mem[MEMBUF];
} oracle_state;

typedef struct gen_insn {
    uint8_t bytes[16];
    int len;
    int size;        /* operand size in bits */
    bool is_mem;
    int reg;         /* ModRM.reg (or the register in the opcode's low bits) */
    int rm;          /* register when !is_mem */
    int base;        /* memory: ESI or EDI */
    int index;       /* memory: index register or -1 */
    int32_t mem_off; /* operand offset from the buffer centre */
    uint32_t imm;
    bool locked;
} gen_insn;

static uint32_t reg_read(const oracle_state *st, int r, int size)
{
    if (size == 8)
        return r < 4 ? st->regs[r] & 0xFF : (st->regs[r - 4] >> 8) & 0xFF;
    return size == 16 ? st->regs[r] & 0xFFFF : st->regs[r];
}

static void reg_write(oracle_state *st, int r, int size, uint32_t v)
{
    if (size == 8) {
        if (r < 4)
            st->regs[r] = (st->regs[r] & ~0xFFu) | (v & 0xFF);
        else
            st->regs[r - 4] = (st->regs[r - 4] & ~0xFF00u) | ((v & 0xFF) << 8);
    } else if (size == 16) {
        st->regs[r] = (st->regs[r] & ~0xFFFFu) | (v & 0xFFFF);
    } else {
        st->regs[r] = v;
    }
}

static uint32_t mem_read(const oracle_state *st, int32_t off, int size)
{
    uint32_t v = 0;
    memcpy(&v, st->mem + MEMCENTER + off, (size_t)size / 8);
    return v;
}

static void mem_write(oracle_state *st, int32_t off, int size, uint32_t v)
{
    memcpy(st->mem + MEMCENTER + off, &v, (size_t)size / 8);
}

static uint32_t rm_read(const oracle_state *st, const gen_insn *g, int size)
{
    return g->is_mem ? mem_read(st, g->mem_off, size) : reg_read(st, g->rm, size);
}

static void rm_write(oracle_state *st, const gen_insn *g, int size, uint32_t v)
{
    if (g->is_mem)
        mem_write(st, g->mem_off, size, v);
    else
        reg_write(st, g->rm, size, v);
}

static int rm_size(const oracle_spec *s, const gen_insn *g)
{
    if (s->sp & SP_BYTE_RM)
        return 8;
    if (s->opcode == 0x0FB7 || s->opcode == 0x0FBF)
        return 16;
    return g->size;
}

/* A random register number for an operand field: 8-bit fields may name any of AL..BH; wider
 * ones never ESP, and never ESI/EDI when those hold the memory base and index. */
static int pick_reg(bool byte, bool avoid_si_di)
{
    for (;;) {
        int r = (int)rng_below(8);
        if (byte)
            return r;
        if (r == R_ESP || (avoid_si_di && (r == R_ESI || r == R_EDI)))
            continue;
        return r;
    }
}

static uint32_t pick_count(void)
{
    if (rng_below(4) == 0)
        return rng32() & 0xFF;
    return shift_counts[rng_below(sizeof shift_counts / sizeof shift_counts[0])];
}

/* Encode one random instance of spec `s` and randomise the matching input state. */
static void generate(const oracle_spec *s, bool want_mem, gen_insn *g, oracle_state *st)
{
    memset(g, 0, sizeof *g);
    for (int r = 0; r < 8; r++)
        st->regs[r] = random_value();
    st->regs[R_ESP] = 0;
    st->eflags = 0x2 | (rng32() & (F_ARITH | F_DF));
    for (int i = 0; i < MEMBUF; i++)
        st->mem[i] = (uint8_t)rng32();

    bool byte_rm = s->sp & SP_BYTE_RM;
    g->size = byte_rm && !(s->opcode == 0x0FB6 || s->opcode == 0x0FBE) ? 8 : 32;
    g->index = -1;
    g->base = -1;
    int n = 0;
    if (g->size != 8 && !(s->sp & SP_NO_66) && rng_below(2)) {
        g->bytes[n++] = 0x66;
        g->size = 16;
    }
    g->is_mem = s->modrm && !(s->sp & SP_REG_ONLY) && (want_mem || (s->sp & SP_MEM_ONLY));
    if (g->is_mem && (s->sp & SP_LOCKABLE) && rng_below(2)) {
        g->bytes[n++] = 0xF0;
        g->locked = true;
    }
    if (s->opcode > 0xFF)
        g->bytes[n++] = 0x0F;
    g->bytes[n++] = (uint8_t)s->opcode;

    if (!s->modrm) {
        /* XCHG eAX,r and BSWAP r name their register in the opcode */
        g->reg = s->opcode & 7;
        g->rm = R_EAX;
    } else {
        if (s->group_reg >= 0)
            g->reg = s->group_reg;
        else if (s->sp & SP_REG_IGNORED)
            g->reg = 0;
        else
            g->reg = pick_reg(s->sp & SP_BYTE_REG, g->is_mem);
        if (!g->is_mem) {
            g->rm = pick_reg(byte_rm, false);
            g->bytes[n++] = (uint8_t)(0xC0 | (g->reg << 3) | g->rm);
        } else {
            g->base = rng_below(2) ? R_ESI : R_EDI;
            int form = (int)rng_below(4);
            int32_t disp = 0;
            if (form == 0) {
                g->bytes[n++] = (uint8_t)(0x00 | (g->reg << 3) | g->base);
            } else if (form == 1) {
                disp = (int32_t)rng_below(128) - 64;
                g->bytes[n++] = (uint8_t)(0x40 | (g->reg << 3) | g->base);
                g->bytes[n++] = (uint8_t)disp;
            } else if (form == 2) {
                disp = (int32_t)rng_below(256) - 128;
                g->bytes[n++] = (uint8_t)(0x80 | (g->reg << 3) | g->base);
                memcpy(g->bytes + n, &disp, 4);
                n += 4;
            } else {
                /* [base + index*scale + disp8], index the other of ESI/EDI holding 0..15 */
                int scale = (int)rng_below(4);
                g->index = g->base == R_ESI ? R_EDI : R_ESI;
                st->regs[g->index] = rng_below(16);
                disp = (int32_t)rng_below(128) - 64;
                g->bytes[n++] = (uint8_t)(0x44 | (g->reg << 3));
                g->bytes[n++] = (uint8_t)((scale << 6) | (g->index << 3) | g->base);
                g->bytes[n++] = (uint8_t)disp;
                disp += (int32_t)(st->regs[g->index] << scale);
            }
            g->mem_off = disp;
        }
    }

    if (s->imm == 1) {
        g->imm = (s->count == CNT_IMM ? pick_count() : random_value()) & 0xFF;
        g->bytes[n++] = (uint8_t)g->imm;
    } else if (s->imm == 'z') {
        g->imm = random_value();
        int bytes = g->size == 16 ? 2 : 4;
        memcpy(g->bytes + n, &g->imm, (size_t)bytes);
        n += bytes;
    }
    g->len = n;

    if (s->count == CNT_CL)
        st->regs[R_ECX] = (st->regs[R_ECX] & ~0xFFu) | pick_count();

    int size = rm_size(s, g);
    switch (s->prep) {
    case PREP_DIV:
    case PREP_IDIV: {
        /* Most random dividends overflow the quotient; make the high half small often enough. */
        uint32_t divisor = rm_read(st, g, size);
        int hi_reg = size == 8 ? 4 /* AH */ : R_EDX;
        uint32_t lo = size == 8 ? reg_read(st, R_EAX, 8) : reg_read(st, R_EAX, size);
        uint32_t sign = (lo >> (size - 1)) & 1;
        switch (rng_below(3)) {
        case 0: break;
        case 1: reg_write(st, hi_reg, size, s->prep == PREP_IDIV && sign ? 0xFFFFFFFFu : 0); break;
        default: reg_write(st, hi_reg, size, divisor ? (divisor >> 1) - (divisor > 1) : 0); break;
        }
        break;
    }
    case PREP_CMPXCHG:
        if (rng_below(2))
            reg_write(st, R_EAX, size, rm_read(st, g, size));
        break;
    case PREP_CMPXCHG8B:
        if (rng_below(2)) {
            mem_write(st, g->mem_off, 32, st->regs[R_EAX]);
            mem_write(st, g->mem_off + 4, 32, st->regs[R_EDX]);
        }
        break;
    case PREP_BS:
        if (rng_below(5) == 0)
            rm_write(st, g, size, 0);
        else if (rng_below(3) == 0)
            rm_write(st, g, size, 1u << rng_below((uint32_t)size));
        break;
    case PREP_BT_REG:
        /* A register bit offset reaches anywhere in memory: keep it within the buffer. */
        if (g->is_mem)
            st->regs[g->reg] = (uint32_t)((int32_t)rng_below(4095) - 2047);
        break;
    case PREP_NONE:
        break;
    }
}

/* ---------------------------------------------------------------- defined flags */
typedef struct compare_rules {
    uint32_t flags;      /* arithmetic flags to compare */
    bool skip;           /* result undefined: do not compare at all */
    bool skip_dest;      /* destination register undefined */
    bool divide_error;   /* the instruction must raise #DE */
} compare_rules;

static uint32_t case_count(const oracle_spec *s, const gen_insn *g, const oracle_state *st)
{
    switch (s->count) {
    case CNT_ONE: return 1;
    case CNT_CL: return st->regs[R_ECX] & 0xFF;
    case CNT_IMM: return g->imm & 0xFF;
    default: return 0;
    }
}

static bool divide_faults(bool is_signed, int size, const oracle_state *st, uint32_t divisor)
{
    if (divisor == 0)
        return true;
    if (size == 8) {
        uint32_t ax = st->regs[R_EAX] & 0xFFFF;
        if (!is_signed)
            return ax / divisor > 0xFF;
        int32_t q = (int16_t)ax / (int8_t)divisor;
        return q < -128 || q > 127;
    }
    if (size == 16) {
        uint32_t n = ((st->regs[R_EDX] & 0xFFFF) << 16) | (st->regs[R_EAX] & 0xFFFF);
        if (!is_signed)
            return n / divisor > 0xFFFF;
        int64_t q = (int64_t)(int32_t)n / (int16_t)divisor;
        return q < -32768 || q > 32767;
    }
    uint64_t n = ((uint64_t)st->regs[R_EDX] << 32) | st->regs[R_EAX];
    if (!is_signed)
        return n / divisor > 0xFFFFFFFFu;
    if ((int64_t)n == INT64_MIN && (int32_t)divisor == -1)
        return true;
    int64_t q = (int64_t)n / (int32_t)divisor;
    return q < INT32_MIN || q > INT32_MAX;
}

static compare_rules rules_for(const oracle_spec *s, const gen_insn *g, const oracle_state *st)
{
    compare_rules cr = { F_ARITH, false, false, false };
    uint32_t count = case_count(s, g, st);
    uint32_t masked = count & 0x1F;
    int size = g->size;
    switch (s->rule) {
    case FR_ALL: break;
    case FR_LOGIC: cr.flags = F_ARITH & ~F_AF; break;
    case FR_MUL: cr.flags = F_CF | F_OF; break;
    case FR_DIV:
        cr.flags = 0;
        cr.divide_error = divide_faults(s->prep == PREP_IDIV, rm_size(s, g), st, rm_read(st, g, rm_size(s, g)));
        break;
    case FR_SHIFT:
        if (masked == 0)
            break;
        cr.flags = F_SF | F_ZF | F_PF;
        if (masked == 1)
            cr.flags |= F_OF;
        /* SDM: CF is undefined for SHL/SHR when the count is >= the operand size */
        if (s->group_reg == 7 || masked < (uint32_t)size)
            cr.flags |= F_CF;
        break;
    case FR_ROT:
        if (masked == 0)
            break;
        cr.flags = F_SF | F_ZF | F_AF | F_PF | F_CF | (masked == 1 ? F_OF : 0);
        break;
    case FR_RC:
        if (masked == 0)
            break;
        cr.flags = F_SF | F_ZF | F_AF | F_PF | F_CF | (masked == 1 ? F_OF : 0);
        break;
    case FR_SHXD:
        if (masked == 0)
            break;
        if (masked > (uint32_t)size) {
            cr.skip = true;
            break;
        }
        cr.flags = F_SF | F_ZF | F_PF | F_CF | (masked == 1 ? F_OF : 0);
        break;
    case FR_BT: cr.flags = F_CF | F_ZF; break;
    case FR_BS:
        cr.flags = F_ZF;
        cr.skip_dest = rm_read(st, g, rm_size(s, g)) == 0;
        break;
    }
    return cr;
}

/* ---------------------------------------------------------------- the native side */
typedef struct native_ctx {
    uint32_t regs[8];     /* offset 0 */
    uint64_t rflags;      /* offset 32 */
    uint64_t base_ptr;    /* offset 40: the memory base register's 64-bit value */
} native_ctx;

static uint8_t *native_code;
#define NATIVE_CODE_SIZE 4096

static void native_init(void)
{
    if (native_code)
        return;
    void *p = mmap(NULL, NATIVE_CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_msg(p != MAP_FAILED, "test_alu_oracle.c: cannot map an executable buffer");
    native_code = p;
}

/* Run the instruction natively on `st` (in place). */
static void native_run(const gen_insn *g, oracle_state *st, uint8_t *membuf)
{
    uint8_t *p = native_code;
    static const uint8_t prologue[] = {
        0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57,  /* push rbx rbp r12-r15 */
        0x49, 0x89, 0xFF,                                            /* mov r15, rdi */
    };
    memcpy(p, prologue, sizeof prologue);
    p += sizeof prologue;
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP)
            continue;
        /* mov r32, [r15 + 4r] */
        *p++ = 0x41; *p++ = 0x8B; *p++ = (uint8_t)(0x47 | (r << 3)); *p++ = (uint8_t)(4 * r);
    }
    if (g->is_mem) {
        /* mov r64(base), [r15 + 40] */
        *p++ = 0x49; *p++ = 0x8B; *p++ = (uint8_t)(0x47 | (g->base << 3)); *p++ = 40;
    }
    *p++ = 0x41; *p++ = 0xFF; *p++ = 0x77; *p++ = 32;   /* push qword [r15 + 32] */
    *p++ = 0x9D;                                          /* popfq */
    memcpy(p, g->bytes, (size_t)g->len);
    p += g->len;
    *p++ = 0x9C;                                          /* pushfq */
    *p++ = 0x41; *p++ = 0x8F; *p++ = 0x47; *p++ = 32;   /* pop qword [r15 + 32] */
    *p++ = 0xFC;                                          /* cld: the C ABI wants DF clear */
    for (int r = 0; r < 8; r++) {
        if (r == R_ESP)
            continue;
        /* mov [r15 + 4r], r32 */
        *p++ = 0x41; *p++ = 0x89; *p++ = (uint8_t)(0x47 | (r << 3)); *p++ = (uint8_t)(4 * r);
    }
    static const uint8_t epilogue[] = {
        0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, 0xC3,
    };
    memcpy(p, epilogue, sizeof epilogue);

    native_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    memcpy(ctx.regs, st->regs, sizeof ctx.regs);
    ctx.rflags = 0x202 | (st->eflags & (F_ARITH | F_DF));
    memcpy(membuf, st->mem, MEMBUF);
    ctx.base_ptr = (uint64_t)(uintptr_t)(membuf + MEMCENTER);
    __builtin___clear_cache((char *)native_code, (char *)native_code + NATIVE_CODE_SIZE);
    void (*fn)(native_ctx *) = (void (*)(native_ctx *))(void *)native_code;
    fn(&ctx);
    uint32_t base_saved = g->is_mem ? st->regs[g->base] : 0;
    memcpy(st->regs, ctx.regs, sizeof ctx.regs);
    if (g->is_mem)
        st->regs[g->base] = base_saved;   /* the pointer is not a guest value */
    st->regs[R_ESP] = 0;
    st->eflags = (uint32_t)ctx.rflags & (F_ARITH | F_DF | 0x2);
    memcpy(st->mem, membuf, MEMBUF);
}

/* ---------------------------------------------------------------- the emulator side */
static harness *emu;

static void emu_run(const gen_insn *g, oracle_state *st)
{
    harness *h = emu;
    cpu *c = &h->c;
    harness_load_code(h, g->bytes, (uint32_t)g->len);
    memcpy(h->ram + HARNESS_DATA, st->mem, MEMBUF);
    cpu_invalidate_phys(c, HARNESS_DATA, MEMBUF);
    for (int r = 0; r < 8; r++)
        c->regs[r] = st->regs[r];
    c->regs[R_ESP] = HARNESS_STACK_TOP;
    if (g->is_mem)
        c->regs[g->base] = HARNESS_DATA + MEMCENTER;
    cpu_set_eflags(c, 0x2 | (st->eflags & (F_ARITH | F_DF)));
    c->eip = HARNESS_CODE;
    harness_step(h);
}

/* ---------------------------------------------------------------- one spec */
static bool host_has_lahf(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000001u, &a, &b, &c, &d))
        return false;
    return c & 1;
}

static int runs_per_spec(void)
{
    const char *e = getenv("ORACLE_RUNS");
    int n = e ? atoi(e) : 0;
    return n > 0 ? n : 2500;
}

static void format_case(char *buf, size_t len, const oracle_spec *s, const gen_insn *g,
                        const oracle_state *in)
{
    int n = snprintf(buf, len, "%s (%04X", s->name, s->opcode);
    if (s->group_reg >= 0)
        n += snprintf(buf + n, len - (size_t)n, " /%d", s->group_reg);
    n += snprintf(buf + n, len - (size_t)n, ") bytes");
    for (int i = 0; i < g->len; i++)
        n += snprintf(buf + n, len - (size_t)n, " %02X", g->bytes[i]);
    n += snprintf(buf + n, len - (size_t)n, " size=%d%s\n    in: eax=%08X ecx=%08X edx=%08X ebx=%08X ebp=%08X esi=%08X edi=%08X eflags=%03X",
                  g->size, g->is_mem ? " mem" : "", in->regs[0], in->regs[1], in->regs[2], in->regs[3],
                  in->regs[5], in->regs[6], in->regs[7], in->eflags);
    if (g->is_mem) {
        n += snprintf(buf + n, len - (size_t)n, " [%s%+d] mem=", g->base == R_ESI ? "esi" : "edi", g->mem_off);
        for (int i = 0; i < 8; i++)
            n += snprintf(buf + n, len - (size_t)n, "%02X", in->mem[MEMCENTER + g->mem_off + i]);
        n += snprintf(buf + n, len - (size_t)n, " (esi/edi = guest 0x%X)", HARNESS_DATA + MEMCENTER);
    }
}

static const char *const reg_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };

/* Runs every case of one spec; returns the number of mismatches (details on stderr). */
static int run_spec(const oracle_spec *s, int runs, uint64_t seed)
{
    static uint8_t membuf[MEMBUF];
    int failures = 0, divide_errors = 0, skipped = 0, memory_forms = 0;
    rng_state = seed ^ ((uint64_t)s->opcode << 20) ^ ((uint64_t)(s->group_reg + 1) << 40) ^ 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < runs; i++) {
        oracle_state in, native, emul;
        gen_insn g;
        bool want_mem = s->modrm && !(s->sp & SP_REG_ONLY) && rng_below(4) == 0;
        generate(s, want_mem, &g, &in);
        compare_rules cr = rules_for(s, &g, &in);
        if (cr.skip) {
            skipped++;
            continue;
        }
        divide_errors += cr.divide_error;
        memory_forms += g.is_mem;
        native = in;
        if (!cr.divide_error)
            native_run(&g, &native, membuf);
        emul = in;
        emu_run(&g, &emul);
        cpu *c = &emu->c;
        char why[512];
        int wn = 0;
        why[0] = 0;
        if (cr.divide_error) {
            if (emu->first_exception != EXC_DE)
                wn += snprintf(why + wn, sizeof why - (size_t)wn, " expected #DE, got %s %d;",
                               emu->first_exception < 0 ? "no exception" : "vector", emu->first_exception);
            else if (emu->events[0].kind == CPU_EV_EXCEPTION && emu->events[0].eip != HARNESS_CODE)
                wn += snprintf(why + wn, sizeof why - (size_t)wn, " #DE reported eip %08X, not the insn start %08X;",
                               emu->events[0].eip, HARNESS_CODE);
            for (int r = 0; r < 8; r++)
                if (r != R_ESP && c->regs[r] != (g.is_mem && r == g.base ? HARNESS_DATA + MEMCENTER : in.regs[r]))
                    wn += snprintf(why + wn, sizeof why - (size_t)wn, " %s changed by faulting insn (%08X);",
                                   reg_names[r], c->regs[r]);
        } else {
            if (emu->first_exception >= 0)
                wn += snprintf(why + wn, sizeof why - (size_t)wn, " unexpected exception %d;", emu->first_exception);
            else if (c->eip != HARNESS_CODE + (uint32_t)g.len)
                wn += snprintf(why + wn, sizeof why - (size_t)wn, " eip %08X, expected %08X;", c->eip,
                               HARNESS_CODE + (uint32_t)g.len);
            for (int r = 0; r < 8 && wn < 400; r++) {
                if (r == R_ESP)
                    continue;
                uint32_t got = c->regs[r];
                uint32_t want = native.regs[r];
                if (g.is_mem && r == g.base)
                    want = HARNESS_DATA + MEMCENTER;
                if (cr.skip_dest && r == (g.size == 8 ? g.reg & 3 : g.reg))
                    continue;
                if (got != want)
                    wn += snprintf(why + wn, sizeof why - (size_t)wn, " %s=%08X want %08X;", reg_names[r], got, want);
            }
            /* DF is never undefined; the other non-arithmetic bits must stay as they were */
            uint32_t fl = cpu_get_eflags(c);
            uint32_t mask = cr.flags | F_DF;
            if ((fl & mask) != (native.eflags & mask))
                wn += snprintf(why + wn, sizeof why - (size_t)wn, " eflags=%03X want %03X (compared mask %03X);",
                               fl & (F_ARITH | F_DF), native.eflags & (F_ARITH | F_DF), mask);
            if ((fl & ~(F_ARITH | F_DF)) != 0x2)
                wn += snprintf(why + wn, sizeof why - (size_t)wn, " eflags=%08X: bits outside the arithmetic flags and DF changed;", fl);
            if (memcmp(emu->ram + HARNESS_DATA, native.mem, MEMBUF) != 0) {
                for (int k = 0; k < MEMBUF; k++)
                    if (emu->ram[HARNESS_DATA + k] != native.mem[k]) {
                        wn += snprintf(why + wn, sizeof why - (size_t)wn, " mem[%+d]=%02X want %02X;",
                                       k - MEMCENTER, emu->ram[HARNESS_DATA + k], native.mem[k]);
                        break;
                    }
            }
        }
        if (wn) {
            if (failures < 3) {
                char desc[768];
                format_case(desc, sizeof desc, s, &g, &in);
                fprintf(stderr, "MISMATCH %s\n    got:%s\n", desc, why);
            }
            failures++;
        }
    }
    /* so a reader can see the interesting cases were reached */
    if (divide_errors || skipped)
        fprintf(stderr, "note: %s (%04X /%d): %d cases, %d expected #DE, %d skipped (undefined result), %d memory forms\n",
                s->name, s->opcode, s->group_reg, runs, divide_errors, skipped, memory_forms);
    return failures;
}

static uint64_t base_seed(void)
{
    const char *e = getenv("ORACLE_SEED");
    return e ? strtoull(e, NULL, 0) : 0x5EED0001ULL;
}

START_TEST(test_spec)
{
    build_specs();
    ck_assert_int_lt(_i, spec_count);
    const oracle_spec *s = &specs[_i];
    const cpu_opcode_info *row = find_row(s);
    if (!row) {
        ck_assert_msg(s->sp & SP_OPTIONAL, "%s (opcode %04X /%d) is not in cpu_opcode_table()", s->name,
                      s->opcode, s->group_reg);
        return;
    }
    if ((s->sp & SP_LAHF) && !host_has_lahf()) {
        fprintf(stderr, "note: host lacks LAHF/SAHF in 64-bit mode; %s not checked\n", s->name);
        return;
    }
    native_init();
    emu = harness_new(0);
    int runs = runs_per_spec();
    int failures = run_spec(s, runs, base_seed());
    harness_free(emu);
    emu = NULL;
    ck_assert_msg(failures == 0, "%s (%04X /%d): %d of %d cases differ from the host (see stderr)", s->name,
                  s->opcode, s->group_reg, failures, runs);
}
END_TEST

/* Every ALU row has a spec, and the row's encoding flags agree with the spec. */
START_TEST(test_coverage)
{
    build_specs();
    size_t count;
    const cpu_opcode_info *table = cpu_opcode_table(&count);
    ck_assert_msg(table && count > 0, "cpu_opcode_table() is empty");
    int missing = 0, alu_rows = 0;
    for (size_t i = 0; i < count; i++) {
        const cpu_opcode_info *row = &table[i];
        if (!(row->flags & CPU_OPF_ALU))
            continue;
        alu_rows++;
        bool found = false;
        for (int k = 0; k < spec_count && !found; k++) {
            if (!row_matches(row, &specs[k]))
                continue;
            found = true;
            const oracle_spec *s = &specs[k];
            bool row_modrm = row->flags & CPU_OPF_MODRM;
            bool row_imm8 = row->flags & CPU_OPF_IMM8;
            bool row_immz = row->flags & CPU_OPF_IMMZ;
            if (row_modrm != s->modrm || row_imm8 != (s->imm == 1) || row_immz != (s->imm == 'z')) {
                fprintf(stderr, "table row %04X /%d %s: flags %#x disagree with the encoding (modrm=%d imm=%d)\n",
                        row->opcode, row->group_reg, row->mnemonic, row->flags, s->modrm, s->imm);
                missing++;
            }
        }
        if (!found) {
            const char *why = native_exclusion(row->opcode, row->group_reg);
            if (why) {
                fprintf(stderr, "note: ALU row %04X /%d %s not run natively: %s\n", row->opcode, row->group_reg,
                        row->mnemonic, why);
            } else {
                fprintf(stderr, "ALU row %04X /%d %s has no oracle spec in test_alu_oracle.c\n", row->opcode,
                        row->group_reg, row->mnemonic);
                missing++;
            }
        }
    }
    ck_assert_msg(missing == 0, "%d ALU table rows are uncovered or inconsistent (see stderr)", missing);
    ck_assert_msg(alu_rows > 0, "no row of cpu_opcode_table() carries CPU_OPF_ALU");
}
END_TEST

/* The native stub itself: ADD EAX,ECX (01 C8) gives the textbook result and flags. */
START_TEST(test_native_stub)
{
    static uint8_t membuf[MEMBUF];
    native_init();
    gen_insn g;
    memset(&g, 0, sizeof g);
    g.bytes[0] = 0x01;
    g.bytes[1] = 0xC8;
    g.len = 2;
    g.size = 32;
    oracle_state st;
    memset(&st, 0, sizeof st);
    st.regs[R_EAX] = 0x7FFFFFFF;
    st.regs[R_ECX] = 1;
    st.regs[R_EBX] = 0x12345678;
    st.eflags = 0x2 | F_CF;
    native_run(&g, &st, membuf);
    ck_assert_uint_eq(st.regs[R_EAX], 0x80000000u);
    ck_assert_uint_eq(st.regs[R_EBX], 0x12345678u);
    ck_assert_uint_eq(st.eflags & F_ARITH, F_OF | F_SF | F_AF | F_PF);
}
END_TEST

static Suite *oracle_suite(void)
{
    build_specs();
    Suite *s = suite_create("alu_oracle");
    TCase *tc = tcase_create("oracle");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, test_native_stub);
    tcase_add_test(tc, test_coverage);
    tcase_add_loop_test(tc, test_spec, 0, spec_count);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(oracle_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
