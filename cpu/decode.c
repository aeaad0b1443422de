/* The decoder: prefixes, the opcode table (opcodes.def), ModRM/SIB, displacement and immediates,
 * into a cpu_insn that the run loop caches per physical code address. */
#include "cpu/internal.h"
#include "cpu/handlers.h"
#include "cpu/fast.h"

#define F(x) CPU_OPF_##x
#define MODRM F(MODRM)
#define IMM8 F(IMM8)
#define IMM16 F(IMM16)
#define IMMZ F(IMMZ)
#define MOFFS F(MOFFS)
#define FAR F(FAR)
#define BYTE F(BYTE)
#define PRIV F(PRIV)
#define ALU F(ALU)
#define FORCEREG F(FORCEREG)

typedef struct op_row {
    cpu_opcode_info info;
    uint8_t cost_class;
    cpu_handler fn;
} op_row;

static const op_row op_rows[] = {
#define OP(opc, reg, mod, mn, fl, cost, h) { { (opc), (reg), (mod), (mn), (fl) }, COST_##cost, h },
#include "cpu/opcodes.def"
#undef OP
};
#define ROW_COUNT (sizeof op_rows / sizeof op_rows[0])

/* dispatch[map][opcode][modrm.reg][mod==3] -> row, built once from the table */
static const op_row *dispatch[2][256][8][2];
static bool op_exists[2][256], op_has_modrm[2][256], op_forcereg[2][256];
static bool dispatch_ready;

static void build_dispatch(void) {
    if (dispatch_ready) return;
    for (size_t k = 0; k < ROW_COUNT; k++) {
        const op_row *r = &op_rows[k];
        int map = r->info.opcode >> 8 ? 1 : 0;
        int op = r->info.opcode & 0xFF;
        op_exists[map][op] = true;
        op_has_modrm[map][op] = (r->info.flags & F(MODRM)) != 0;
        op_forcereg[map][op] = (r->info.flags & F(FORCEREG)) != 0;
        for (int reg = 0; reg < 8; reg++) {
            if (r->info.group_reg >= 0 && r->info.group_reg != reg) continue;
            for (int m3 = 0; m3 < 2; m3++) {
                if (r->info.mod_req == 0 && m3) continue;
                if (r->info.mod_req == 3 && !m3) continue;
                dispatch[map][op][reg][m3] = r;
            }
        }
    }
    dispatch_ready = true;
}

const cpu_opcode_info *cpu_opcode_table(size_t *count) {
    static cpu_opcode_info infos[ROW_COUNT];
    for (size_t k = 0; k < ROW_COUNT; k++) infos[k] = op_rows[k].info;
    *count = ROW_COUNT;
    return infos;
}

static void op_ud(cpu *c, const cpu_insn *i) { (void)i; RAISE(c, EXC_UD); }

enum { DEC_NEED_MORE = -1, DEC_UD = 0 };

static uint32_t le(const uint8_t *p, int n) {
    uint32_t v = 0;
    for (int k = n - 1; k >= 0; k--) v = (v << 8) | p[k];
    return v;
}

/* Decode from a byte buffer. Returns the length, DEC_UD, or DEC_NEED_MORE when `avail` bytes
 * are not enough to tell (the caller supplies more, up to 15). */
static int decode_bytes(const uint8_t *b, size_t avail, bool cs32, cpu_insn *out, const op_row **row_out) {
    size_t p = 0;
    bool o16 = !cs32, a16 = !cs32;
    int seg = -1;
    uint8_t rep = 0, lock = 0;
#define NEED(n) do { if (p + (n) > avail) return avail >= 15 ? DEC_UD : DEC_NEED_MORE; } while (0)
    for (;;) {
        NEED(1);
        uint8_t x = b[p];
        if (x == 0x66) o16 = cs32;
        else if (x == 0x67) a16 = cs32;
        else if (x == 0x26) seg = S_ES;
        else if (x == 0x2E) seg = S_CS;
        else if (x == 0x36) seg = S_SS;
        else if (x == 0x3E) seg = S_DS;
        else if (x == 0x64) seg = S_FS;
        else if (x == 0x65) seg = S_GS;
        else if (x == 0xF0) lock = 1;
        else if (x == 0xF2 || x == 0xF3) rep = x;
        else break;
        p++;
        if (p >= 15) return DEC_UD;   /* the real CPU raises #GP for > 15 bytes; see exec */
    }
    int map = 0;
    uint8_t op = b[p++];
    if (op == 0x0F) {
        NEED(1);
        map = 1;
        op = b[p++];
    }
    if (!op_exists[map][op]) return DEC_UD;
    uint8_t modrm = 0;
    bool has_modrm = op_has_modrm[map][op];
    const op_row *r;
    if (has_modrm) {
        NEED(1);
        modrm = b[p++];
        bool m3 = (modrm >> 6) == 3 || op_forcereg[map][op];
        r = dispatch[map][op][(modrm >> 3) & 7][m3];
    } else {
        r = dispatch[map][op][0][1];
    }
    if (!r) return DEC_UD;
    if (lock) {
        /* LOCK is valid only on read-modify-write memory forms. */
        static const uint8_t lockable1[] = { 0x00, 0x01, 0x08, 0x09, 0x10, 0x11, 0x18, 0x19, 0x20, 0x21, 0x28,
                                             0x29, 0x30, 0x31, 0x80, 0x81, 0x82, 0x83, 0x86, 0x87, 0xF6, 0xF7,
                                             0xFE, 0xFF };
        bool ok = false;
        if (has_modrm && (modrm >> 6) != 3) {
            uint8_t reg = (modrm >> 3) & 7;
            if (!map) {
                for (size_t k = 0; k < sizeof lockable1; k++)
                    if (lockable1[k] == op) ok = true;
                if ((op == 0x80 || op == 0x81 || op == 0x82 || op == 0x83) && reg == 7) ok = false;
                if ((op == 0xF6 || op == 0xF7) && reg != 2 && reg != 3) ok = false;
                if ((op == 0xFE || op == 0xFF) && reg > 1) ok = false;
            } else {
                ok = op == 0xAB || op == 0xB3 || op == 0xBB || op == 0xB0 || op == 0xB1 || op == 0xC0 ||
                     op == 0xC1 || op == 0xC7 || (op == 0xBA && reg >= 5);
            }
        }
        if (!ok) return DEC_UD;
    }
    uint32_t fl = r->info.flags;
    cpu_insn d;
    memset(&d, 0, sizeof d);
    d.o16 = o16;
    d.a16 = a16;
    d.rep = rep;
    d.op = op;
    d.base = d.index = NOREG;
    d.seg = S_DS;
    if (has_modrm) {
        uint8_t mod = modrm >> 6;
        d.reg = (modrm >> 3) & 7;
        d.rm = modrm & 7;
        d.mod = (fl & F(FORCEREG)) ? 3 : mod;
        if (d.mod != 3) {
            if (a16) {
                static const uint8_t b16[8] = { R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX };
                static const uint8_t i16[8] = { R_ESI, R_EDI, R_ESI, R_EDI, NOREG, NOREG, NOREG, NOREG };
                if (mod == 0 && d.rm == 6) {
                    NEED(2);
                    d.disp = le(b + p, 2);
                    p += 2;
                } else {
                    d.base = b16[d.rm];
                    d.index = i16[d.rm];
                    if (d.base == R_EBP) d.seg = S_SS;
                    if (mod == 1) { NEED(1); d.disp = (uint32_t)(int32_t)(int8_t)b[p]; p += 1; }
                    else if (mod == 2) { NEED(2); d.disp = le(b + p, 2); p += 2; }
                }
            } else {
                uint8_t rm = d.rm;
                if (rm == 4) {
                    NEED(1);
                    uint8_t sib = b[p++];
                    d.scale = sib >> 6;
                    d.index = (sib >> 3) & 7;
                    if (d.index == R_ESP) d.index = NOREG;
                    d.base = sib & 7;
                    if (d.base == R_EBP && mod == 0) {
                        d.base = NOREG;
                        NEED(4);
                        d.disp = le(b + p, 4);
                        p += 4;
                    }
                } else if (rm == 5 && mod == 0) {
                    NEED(4);
                    d.disp = le(b + p, 4);
                    p += 4;
                } else {
                    d.base = rm;
                }
                if (d.base == R_ESP || d.base == R_EBP) d.seg = S_SS;
                if (mod == 1) { NEED(1); d.disp = (uint32_t)(int32_t)(int8_t)b[p]; p += 1; }
                else if (mod == 2) { NEED(4); d.disp = le(b + p, 4); p += 4; }
            }
        }
    } else {
        d.reg = op & 7;   /* register encoded in the opcode (push r, mov r,imm, bswap ...) */
    }
    if (fl & F(MOFFS)) {
        int n = a16 ? 2 : 4;
        NEED(n);
        d.disp = le(b + p, n);
        p += n;
    }
    if (fl & F(IMM16)) {
        NEED(2);
        d.imm = le(b + p, 2);
        p += 2;
        if (fl & F(IMM8)) {   /* ENTER imm16, imm8 */
            NEED(1);
            d.imm2 = b[p++];
        }
    } else if (fl & F(IMM8)) {
        NEED(1);
        d.imm = b[p++];
    } else if (fl & F(IMMZ)) {
        int n = o16 ? 2 : 4;
        NEED(n);
        d.imm = le(b + p, n);
        p += n;
    }
    if (fl & F(FAR)) {
        NEED(2);
        d.imm2 = (uint16_t)le(b + p, 2);
        p += 2;
    }
    if (p > 15) return DEC_UD;
    if (seg >= 0) d.seg = (uint8_t)seg;
    d.len = (uint8_t)p;
    d.fn = r->fn;
    d.sz = (fl & F(BYTE)) ? 1 : o16 ? 2 : 4;
    *out = d;
    if (row_out) *row_out = r;
    return (int)p;
#undef NEED
}

int cpu_insn_length(const uint8_t *bytes, size_t avail) {
    build_dispatch();
    cpu_insn d;
    int n = decode_bytes(bytes, avail > 15 ? 15 : avail, true, &d, NULL);
    return n > 0 ? n : 0;
}


/* Decode the instruction at linear address `lin` (CS-relative checks are the caller's). */
int cpu_decode(cpu *c, uint32_t lin, cpu_insn *out) {
    uint8_t buf[16];
    bool cs32 = (c->seg[S_CS].attr & 0x400) != 0;
    uint32_t in_page = 0x1000 - (lin & 0xFFF);
    size_t have = in_page < 15 ? in_page : 15;
    uint32_t pa = mmu_translate(c, lin, ACC_EXEC, is_user(c));
    for (size_t k = 0; k < have; k++) buf[k] = (uint8_t)phys_read(c, pa + (uint32_t)k, 1);
    const op_row *row = NULL;
    int n = decode_bytes(buf, have, cs32, out, &row);
    if (n == DEC_NEED_MORE) {
        uint32_t pa2 = mmu_translate(c, lin + in_page, ACC_EXEC, is_user(c));
        for (size_t k = have; k < 15; k++) buf[k] = (uint8_t)phys_read(c, pa2 + (uint32_t)(k - have), 1);
        n = decode_bytes(buf, 15, cs32, out, &row);
    }
    if (n <= 0) {
        memset(out, 0, sizeof *out);
        out->fn = op_ud;
        out->len = 1;
        out->cost = (uint8_t)c->cost[COST_BASIC];
        return 0;
    }
    /* A flat 4 GiB code segment lets relative branches skip the CS limit check. */
    bool flat_cs = c->seg[S_CS].base == 0 && c->seg[S_CS].limit == 0xFFFFFFFFu && cs32;
    out->fn = cpu_specialize(out->fn, out, flat_cs);
    uint64_t cost = c->cost[row->cost_class];
    out->cost = (uint8_t)(cost > 255 ? 255 : cost);
    out->sz = (row->info.flags & F(BYTE)) ? 1 : out->o16 ? 2 : 4;
    return n;
}

void cpu_decoder_init(void) { build_dispatch(); }
