/* Arithmetic, logic, shifts, rotates, bit operations, multiply/divide, BCD and flag instructions.
 * Results are written before flags change, so a faulting write leaves EFLAGS as it was. */
#include "cpu/handlers.h"

static inline uint32_t sx8(uint32_t v) { return (uint32_t)(int32_t)(int8_t)v; }
static inline uint32_t sx16(uint32_t v) { return (uint32_t)(int32_t)(int16_t)v; }
static inline uint32_t sx(uint32_t v, int size) { return size == 1 ? sx8(v) : size == 2 ? sx16(v) : v; }
static inline uint32_t cf_now(cpu *c) { return flags_cf(c) ? 1u : 0u; }

/* ALU op numbers follow the opcode map: add or adc sbb and sub xor cmp */
static const uint32_t alu_kind[8] = { LF_ADD, LF_LOGIC, LF_ADC, LF_SBB, LF_LOGIC, LF_SUB, LF_LOGIC, LF_SUB };

static inline uint32_t alu_result(int op, uint32_t d, uint32_t s, uint32_t cf) {
    switch (op) {
    case 0: return d + s;
    case 1: return d | s;
    case 2: return d + s + cf;
    case 3: return d - s - cf;
    case 4: return d & s;
    case 5: return d - s;
    case 6: return d ^ s;
    default: return d - s;
    }
}

static inline void alu_flags(cpu *c, int op, int size, uint32_t res, uint32_t d, uint32_t s, uint32_t cf) {
    lf_set(c, alu_kind[op], size, res, d, s);
    c->lf_cf_in = cf;
}

static inline void alu_rm(cpu *c, const cpu_insn *i, int op, uint32_t s) {
    int size = i->sz;
    uint32_t cf = (op == 2 || op == 3) ? cf_now(c) : 0;
    if (i->mod == 3) {
        uint32_t d = get_reg(c, i->rm, size);
        uint32_t r = alu_result(op, d, s, cf);
        if (op != 7) set_reg(c, i->rm, size, r);
        alu_flags(c, op, size, r, d, s, cf);
        return;
    }
    uint32_t ea = ea_of(c, i);
    uint32_t d = read_mem(c, i->seg, ea, size);
    uint32_t r = alu_result(op, d, s, cf);
    if (op != 7) write_mem(c, i->seg, ea, size, r);
    alu_flags(c, op, size, r, d, s, cf);
}

void op_alu_rm_r(cpu *c, const cpu_insn *i) { alu_rm(c, i, (i->op >> 3) & 7, get_reg(c, i->reg, i->sz)); }

void op_alu_r_rm(cpu *c, const cpu_insn *i) {
    int op = (i->op >> 3) & 7, size = i->sz;
    uint32_t s = rm_read(c, i, size);
    uint32_t cf = (op == 2 || op == 3) ? cf_now(c) : 0;
    uint32_t d = get_reg(c, i->reg, size);
    uint32_t r = alu_result(op, d, s, cf);
    if (op != 7) set_reg(c, i->reg, size, r);
    alu_flags(c, op, size, r, d, s, cf);
}

void op_alu_a_imm(cpu *c, const cpu_insn *i) {
    int op = (i->op >> 3) & 7, size = i->sz;
    uint32_t cf = (op == 2 || op == 3) ? cf_now(c) : 0;
    uint32_t d = get_reg(c, R_EAX, size);
    uint32_t r = alu_result(op, d, i->imm, cf);
    if (op != 7) set_reg(c, R_EAX, size, r);
    alu_flags(c, op, size, r, d, i->imm, cf);
}

void op_grp1(cpu *c, const cpu_insn *i) {
    uint32_t s = i->op == 0x83 ? sx(sx8(i->imm), i->sz) & size_mask(i->sz) : i->imm;
    alu_rm(c, i, i->reg, s);
}

void op_test_rm_r(cpu *c, const cpu_insn *i) {
    uint32_t d = rm_read(c, i, i->sz);
    lf_set(c, LF_LOGIC, i->sz, d & get_reg(c, i->reg, i->sz), 0, 0);
}

void op_test_a_imm(cpu *c, const cpu_insn *i) {
    lf_set(c, LF_LOGIC, i->sz, get_reg(c, R_EAX, i->sz) & i->imm, 0, 0);
}

static void incdec(cpu *c, const cpu_insn *i, int r_or_rm, bool reg_form, bool dec) {
    int size = i->sz;
    uint32_t cf = cf_now(c);
    uint32_t d, r;
    if (reg_form || i->mod == 3) {
        int reg = reg_form ? r_or_rm : i->rm;
        d = get_reg(c, reg, size);
        r = dec ? d - 1 : d + 1;
        set_reg(c, reg, size, r);
    } else {
        uint32_t ea = ea_of(c, i);
        d = read_mem(c, i->seg, ea, size);
        r = dec ? d - 1 : d + 1;
        write_mem(c, i->seg, ea, size, r);
    }
    lf_set(c, dec ? LF_DEC : LF_INC, size, r, d, 1);
    c->lf_cf_in = cf;
}

void op_inc_r(cpu *c, const cpu_insn *i) { incdec(c, i, i->op & 7, true, false); }
void op_dec_r(cpu *c, const cpu_insn *i) { incdec(c, i, i->op & 7, true, true); }
void op_incdec_rm(cpu *c, const cpu_insn *i) { incdec(c, i, 0, false, i->reg == 1); }

/* Materialise flags: SF/ZF/PF from a result, others given. */
static inline uint32_t szp(uint32_t res, int size) {
    uint32_t m = size_mask(size), f = parity_table[res & 0xFF];
    if ((res & m) == 0) f |= F_ZF;
    if (res & size_sign(size)) f |= F_SF;
    return f;
}

static ALWAYS_INLINE void mul_div(cpu *c, const cpu_insn *i, int size) {
    uint32_t s = rm_read(c, i, size);
    int op = i->reg;
    if (op == 4 || op == 5) {
        uint64_t a = get_reg(c, R_EAX, size), prod;
        bool over;
        if (op == 4) {
            prod = a * (uint64_t)s;
            over = (prod >> (size * 8)) != 0;
        } else {
            int64_t p = (int64_t)(int32_t)sx((uint32_t)a, size) * (int64_t)(int32_t)sx(s, size);
            prod = (uint64_t)p;
            over = (int64_t)(int32_t)sx((uint32_t)prod & size_mask(size), size) != p;
        }
        if (size == 1) set_r16(c, R_EAX, (uint16_t)prod);
        else if (size == 2) { set_r16(c, R_EAX, (uint16_t)prod); set_r16(c, R_EDX, (uint16_t)(prod >> 16)); }
        else { c->regs[R_EAX] = (uint32_t)prod; c->regs[R_EDX] = (uint32_t)(prod >> 32); }
        uint32_t f = szp((uint32_t)prod, size);
        if (over) f |= F_CF | F_OF;
        flags_set_arith(c, f);
        return;
    }
    if ((s & size_mask(size)) == 0) RAISE(c, EXC_DE);
    uint64_t dividend;
    if (size == 1) dividend = c->regs[R_EAX] & 0xFFFF;
    else if (size == 2) dividend = ((c->regs[R_EDX] & 0xFFFF) << 16) | (c->regs[R_EAX] & 0xFFFF);
    else dividend = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
    uint64_t q, r;
    if (op == 6) {
        q = dividend / s;
        r = dividend % s;
        if (q > size_mask(size)) RAISE(c, EXC_DE);
    } else {
        int64_t sd;
        if (size == 1) sd = (int16_t)dividend;
        else if (size == 2) sd = (int32_t)dividend;
        else sd = (int64_t)dividend;
        int64_t sv = (int32_t)sx(s, size);
        if (sv == -1 && sd == INT64_MIN) RAISE(c, EXC_DE);
        int64_t sq = sd / sv, sr = sd % sv;
        int64_t lim = (int64_t)1 << (size * 8 - 1);
        if (sq >= lim || sq < -lim) RAISE(c, EXC_DE);
        q = (uint64_t)sq;
        r = (uint64_t)sr;
    }
    if (size == 1) set_r16(c, R_EAX, (uint16_t)((q & 0xFF) | ((r & 0xFF) << 8)));
    else if (size == 2) { set_r16(c, R_EAX, (uint16_t)q); set_r16(c, R_EDX, (uint16_t)r); }
    else { c->regs[R_EAX] = (uint32_t)q; c->regs[R_EDX] = (uint32_t)r; }
}

static ALWAYS_INLINE void grp3(cpu *c, const cpu_insn *i, int size) {
    switch (i->reg) {
    case 0: case 1:
        lf_set(c, LF_LOGIC, size, rm_read(c, i, size) & i->imm, 0, 0);
        return;
    case 2:
        rm_write(c, i, size, ~rm_read(c, i, size));
        return;
    case 3: {
        uint32_t d = rm_read(c, i, size);
        uint32_t r = 0 - d;
        rm_write(c, i, size, r);
        lf_set(c, LF_SUB, size, r, 0, d);
        return;
    }
    default:
        mul_div(c, i, size);
    }
}

void op_grp3(cpu *c, const cpu_insn *i) { grp3(c, i, i->sz); }
void op_grp3_32(cpu *c, const cpu_insn *i) { grp3(c, i, 4); }   /* the same, operand size known */

static ALWAYS_INLINE void imul_to_reg(cpu *c, const cpu_insn *i, int size, uint32_t a, uint32_t b) {
    int64_t p = (int64_t)(int32_t)sx(a, size) * (int64_t)(int32_t)sx(b, size);
    uint32_t r = (uint32_t)p & size_mask(size);
    set_reg(c, i->reg, size, r);
    uint32_t f = szp(r, size);
    if ((int64_t)(int32_t)sx(r, size) != p) f |= F_CF | F_OF;
    flags_set_arith(c, f);
}

void op_imul3(cpu *c, const cpu_insn *i) {
    uint32_t imm = i->op == 0x6B ? sx8(i->imm) : i->imm;
    imul_to_reg(c, i, i->sz, rm_read(c, i, i->sz), imm);
}
void op_imul3_32(cpu *c, const cpu_insn *i) {   /* the same, operand size known */
    uint32_t imm = i->op == 0x6B ? sx8(i->imm) : i->imm;
    imul_to_reg(c, i, 4, rm_read(c, i, 4), imm);
}

void op_imul2(cpu *c, const cpu_insn *i) { imul_to_reg(c, i, i->sz, get_reg(c, i->reg, i->sz), rm_read(c, i, i->sz)); }

/* ---- shifts and rotates (rotate flags computed eagerly: their rules differ per count) ---- */

/* One rotate (ModRM.reg 0-3) with a non-zero (masked) count. `f` holds the flags before; the new
 * arithmetic flags come back in *nf. Rotates change only CF and OF. */
static ALWAYS_INLINE uint32_t shift_op(int op, int size, uint32_t d, unsigned cnt, uint32_t f, uint32_t *nf, bool *changed) {
    int bits = size * 8;
    uint32_t m = size_mask(size), sign = size_sign(size);
    d &= m;
    *changed = true;
    uint32_t r, cf, of;
    switch (op) {
    case 0: { /* ROL */
        unsigned n = cnt % (unsigned)bits;
        r = n ? ((d << n) | (d >> (bits - (int)n))) & m : d;
        cf = r & 1 ? F_CF : 0;
        of = (((r & sign) != 0) ^ (cf != 0)) ? F_OF : 0;
        *nf = (f & ~(F_CF | F_OF)) | cf | of;
        return r;
    }
    case 1: { /* ROR */
        unsigned n = cnt % (unsigned)bits;
        r = n ? ((d >> n) | (d << (bits - (int)n))) & m : d;
        cf = (r & sign) ? F_CF : 0;
        of = (((r & sign) != 0) ^ ((r & (sign >> 1)) != 0)) ? F_OF : 0;
        *nf = (f & ~(F_CF | F_OF)) | cf | of;
        return r;
    }
    case 2: case 3: { /* RCL, RCR through carry: a (bits+1)-wide rotation */
        unsigned n = cnt % (unsigned)(bits + 1);
        uint32_t carry = (f & F_CF) ? 1 : 0;
        uint32_t old_msb = (d & sign) ? 1 : 0;
        r = d;
        for (unsigned k = 0; k < n; k++) {
            if (op == 2) {
                uint32_t out = (r & sign) ? 1 : 0;
                r = ((r << 1) | carry) & m;
                carry = out;
            } else {
                uint32_t out = r & 1;
                r = (r >> 1) | (carry ? sign : 0);
                carry = out;
            }
        }
        if (n == 0) {   /* a multiple of bits+1: nothing changes */
            *changed = false;
            *nf = f;
            return d;
        }
        if (op == 2) of = (((r & sign) != 0) ^ carry) ? F_OF : 0;
        else of = (old_msb ^ ((f & F_CF) ? 1u : 0u)) ? F_OF : 0;
        *nf = (f & ~(F_CF | F_OF)) | (carry ? F_CF : 0) | of;
        return r;
    }
    default:
        *changed = false;   /* shifts are not rotates: see shift() */
        *nf = f;
        return d;
    }
}

/* SHL/SAL, SHR, SAR by a count of 1-31. Their flags follow from operand, count and result, so they
 * are recorded lazily (flags.c evaluates LF_SHL, LF_SHR, LF_SAR). */
static ALWAYS_INLINE uint32_t shift_result(int op, int size, uint32_t d, unsigned cnt) {
    uint32_t m = size_mask(size);
    d &= m;
    if (op == 5) return d >> cnt;
    if (op == 7) return (uint32_t)((int32_t)sx(d, size) >> cnt) & m;
    return (d << cnt) & m;
}

/* reg_imm: the caller knows the form is "shift r, imm8" (C0/C1 with a register operand) */
static ALWAYS_INLINE void shift(cpu *c, const cpu_insn *i, int size, int op, bool reg_imm) {
    unsigned cnt;
    if (reg_imm) cnt = i->imm & 0x1F;
    else if (i->op == 0xD0 || i->op == 0xD1) cnt = 1;
    else if (i->op == 0xD2 || i->op == 0xD3) cnt = c->regs[R_ECX] & 0x1F;
    else cnt = i->imm & 0x1F;
    uint32_t ea = 0, d;
    if (reg_imm || i->mod == 3) d = get_reg(c, i->rm, size);
    else d = read_mem(c, i->seg, ea = ea_of(c, i), size);
    if (cnt == 0) return;   /* a zero count changes nothing, flags included */
    if (op >= 4) {
        uint32_t r = shift_result(op, size, d, cnt);
        if (reg_imm || i->mod == 3) set_reg(c, i->rm, size, r);
        else write_mem(c, i->seg, ea, size, r);
        lf_set(c, op == 5 ? LF_SHR : op == 7 ? LF_SAR : LF_SHL, size, r, d & size_mask(size), cnt);
        return;
    }
    /* rotates keep the flags they do not define */
    uint32_t f = flags_arith(c), nf;
    bool changed;
    uint32_t r = shift_op(op, size, d, cnt, f, &nf, &changed);
    if (!changed) return;
    if (i->mod == 3) set_reg(c, i->rm, size, r);
    else write_mem(c, i->seg, ea, size, r);
    flags_set_arith(c, nf);
}

void op_shift(cpu *c, const cpu_insn *i) { shift(c, i, i->sz, i->reg, false); }
/* the same with operand size and operation known (the decoder picks these for 32-bit SHL/SHR/SAR),
 * and with the form known too for the commonest, "shift r32, imm8" */
void op_shl32(cpu *c, const cpu_insn *i) { shift(c, i, 4, 4, false); }
void op_shr32(cpu *c, const cpu_insn *i) { shift(c, i, 4, 5, false); }
void op_sar32(cpu *c, const cpu_insn *i) { shift(c, i, 4, 7, false); }
void op_shl32_ri(cpu *c, const cpu_insn *i) { shift(c, i, 4, 4, true); }
void op_shr32_ri(cpu *c, const cpu_insn *i) { shift(c, i, 4, 5, true); }
void op_sar32_ri(cpu *c, const cpu_insn *i) { shift(c, i, 4, 7, true); }

void op_shxd(cpu *c, const cpu_insn *i) {
    int size = i->sz, bits = size * 8;
    unsigned cnt = ((i->op & 1) ? c->regs[R_ECX] : i->imm) & 0x1F;
    bool left = i->op < 0xAC;
    if (cnt == 0) {
        if (i->mod != 3) (void)read_mem(c, i->seg, ea_of(c, i), size);
        return;
    }
    uint32_t m = size_mask(size), sign = size_sign(size);
    uint32_t ea = i->mod == 3 ? 0 : ea_of(c, i);
    uint32_t d = (i->mod == 3 ? get_reg(c, i->rm, size) : read_mem(c, i->seg, ea, size)) & m;
    uint32_t s = get_reg(c, i->reg, size) & m;
    uint64_t r64;
    uint32_t cf;
    if (left) {
        /* build d:s (and s again for 16-bit counts past 16, which is what P6-family parts do) */
        uint64_t cat = size == 4 ? ((uint64_t)d << 32) | s : ((uint64_t)d << 32) | ((uint64_t)s << 16) | s;
        uint64_t sh = cat << cnt;
        r64 = (sh >> 32) & m;
        cf = (uint32_t)(((cat << (cnt - 1)) >> 63) & 1);
        if (size == 2) {
            uint64_t cat16 = ((uint64_t)d << 32) | ((uint64_t)s << 16) | s;
            r64 = ((cat16 << cnt) >> 32) & 0xFFFF;
            cf = (uint32_t)(((cat16 << (cnt - 1)) >> 47) & 1);
        }
    } else {
        uint64_t cat = size == 4 ? ((uint64_t)s << 32) | d : ((uint64_t)s << 32) | ((uint64_t)s << 16) | d;
        r64 = (cat >> cnt) & m;
        cf = (uint32_t)((cat >> (cnt - 1)) & 1);
    }
    uint32_t r = (uint32_t)r64;
    (void)bits;
    if (i->mod == 3) set_reg(c, i->rm, size, r);
    else write_mem(c, i->seg, ea, size, r);
    uint32_t f = szp(r, size) | (cf ? F_CF : 0);
    if (((r ^ d) & sign) != 0) f |= F_OF;
    flags_set_arith(c, f);
}

/* ---- bit tests ---- */

static void bt_common(cpu *c, const cpu_insn *i, uint32_t bitoff, bool from_reg, int kind) {
    int size = i->sz, bits = size * 8;
    uint32_t f = flags_arith(c) & ~F_CF;
    if (i->mod == 3) {
        unsigned b = bitoff & (unsigned)(bits - 1);
        uint32_t v = get_reg(c, i->rm, size);
        if ((v >> b) & 1) f |= F_CF;
        if (kind == 1) v |= 1u << b;
        else if (kind == 2) v &= ~(1u << b);
        else if (kind == 3) v ^= 1u << b;
        if (kind) set_reg(c, i->rm, size, v);
        flags_set_arith(c, f);
        return;
    }
    uint32_t ea = ea_of(c, i);
    if (from_reg) {
        /* the register bit offset is signed and may address outside the operand */
        int32_t so = size == 2 ? (int16_t)bitoff : (int32_t)bitoff;
        int32_t unit = so >> (size == 2 ? 4 : 5);
        ea += (uint32_t)unit * (uint32_t)size;
        if (i->a16) ea &= 0xFFFF;
    }
    unsigned b = bitoff & (unsigned)(bits - 1);
    uint32_t v = read_mem(c, i->seg, ea, size);
    if ((v >> b) & 1) f |= F_CF;
    if (kind == 1) v |= 1u << b;
    else if (kind == 2) v &= ~(1u << b);
    else if (kind == 3) v ^= 1u << b;
    if (kind) write_mem(c, i->seg, ea, size, v);
    flags_set_arith(c, f);
}

void op_bt_r(cpu *c, const cpu_insn *i) {
    int kind = i->op == 0xA3 ? 0 : i->op == 0xAB ? 1 : i->op == 0xB3 ? 2 : 3;
    bt_common(c, i, get_reg(c, i->reg, i->sz), true, kind);
}

void op_bt_imm(cpu *c, const cpu_insn *i) { bt_common(c, i, i->imm & 0xFF, false, i->reg - 4); }

void op_bsf(cpu *c, const cpu_insn *i) {
    uint32_t s = rm_read(c, i, i->sz) & size_mask(i->sz);
    uint32_t f = flags_arith(c) & ~F_ZF;
    if (s == 0) f |= F_ZF;
    else set_reg(c, i->reg, i->sz, (uint32_t)__builtin_ctz(s));
    flags_set_arith(c, f);
}

void op_bsr(cpu *c, const cpu_insn *i) {
    uint32_t s = rm_read(c, i, i->sz) & size_mask(i->sz);
    uint32_t f = flags_arith(c) & ~F_ZF;
    if (s == 0) f |= F_ZF;
    else set_reg(c, i->reg, i->sz, 31u - (uint32_t)__builtin_clz(s));
    flags_set_arith(c, f);
}

void op_bswap(cpu *c, const cpu_insn *i) {
    uint32_t v = c->regs[i->reg];
    if (i->o16) { set_r16(c, i->reg, 0); return; }   /* 16-bit BSWAP is undefined; P6 parts give 0 */
    c->regs[i->reg] = __builtin_bswap32(v);
}

void op_xadd(cpu *c, const cpu_insn *i) {
    int size = i->sz;
    uint32_t s = get_reg(c, i->reg, size);
    uint32_t d, r;
    if (i->mod == 3) {
        d = get_reg(c, i->rm, size);
        r = d + s;
        set_reg(c, i->reg, size, d);
        set_reg(c, i->rm, size, r);
    } else {
        uint32_t ea = ea_of(c, i);
        d = read_mem(c, i->seg, ea, size);
        r = d + s;
        write_mem(c, i->seg, ea, size, r);
        set_reg(c, i->reg, size, d);
    }
    lf_set(c, LF_ADD, size, r, d, s);
}

void op_cmpxchg(cpu *c, const cpu_insn *i) {
    int size = i->sz;
    uint32_t a = get_reg(c, R_EAX, size);
    uint32_t ea = i->mod == 3 ? 0 : ea_of(c, i);
    uint32_t d = i->mod == 3 ? get_reg(c, i->rm, size) : read_mem(c, i->seg, ea, size);
    bool eq = ((a ^ d) & size_mask(size)) == 0;
    uint32_t out = eq ? get_reg(c, i->reg, size) : d;
    if (i->mod == 3) set_reg(c, i->rm, size, out);
    else write_mem(c, i->seg, ea, size, out);   /* the destination is always written */
    if (!eq) set_reg(c, R_EAX, size, d);
    lf_set(c, LF_SUB, size, a - d, a, d);
}

void op_cmpxchg8b(cpu *c, const cpu_insn *i) {
    uint32_t ea = ea_of(c, i);
    uint32_t lo = read_mem(c, i->seg, ea, 4), hi = read_mem(c, i->seg, i->a16 ? (ea + 4) & 0xFFFF : ea + 4, 4);
    probe_write(c, i->seg, ea, 4);
    probe_write(c, i->seg, i->a16 ? (ea + 4) & 0xFFFF : ea + 4, 4);
    uint32_t f = flags_arith(c) & ~F_ZF;
    if (lo == c->regs[R_EAX] && hi == c->regs[R_EDX]) {
        write_mem(c, i->seg, ea, 4, c->regs[R_EBX]);
        write_mem(c, i->seg, i->a16 ? (ea + 4) & 0xFFFF : ea + 4, 4, c->regs[R_ECX]);
        f |= F_ZF;
    } else {
        write_mem(c, i->seg, ea, 4, lo);
        write_mem(c, i->seg, i->a16 ? (ea + 4) & 0xFFFF : ea + 4, 4, hi);
        c->regs[R_EAX] = lo;
        c->regs[R_EDX] = hi;
    }
    flags_set_arith(c, f);
}

void op_setcc(cpu *c, const cpu_insn *i) { rm_write(c, i, 1, cpu_cond(c, i->op & 15) ? 1 : 0); }

void op_cmov(cpu *c, const cpu_insn *i) {
    uint32_t v = rm_read(c, i, i->sz);
    if (cpu_cond(c, i->op & 15)) set_reg(c, i->reg, i->sz, v);
}

void op_cbw(cpu *c, const cpu_insn *i) {
    if (i->o16) set_r16(c, R_EAX, (uint16_t)sx8(c->regs[R_EAX]));
    else c->regs[R_EAX] = sx16(c->regs[R_EAX]);
}

void op_cwd(cpu *c, const cpu_insn *i) {
    if (i->o16) set_r16(c, R_EDX, (c->regs[R_EAX] & 0x8000) ? 0xFFFF : 0);
    else c->regs[R_EDX] = (c->regs[R_EAX] & 0x80000000u) ? 0xFFFFFFFFu : 0;
}

void op_lahf(cpu *c, const cpu_insn *i) {
    (void)i;
    uint32_t f = flags_arith(c) & (F_SF | F_ZF | F_AF | F_PF | F_CF);
    set_r8(c, 4, (uint8_t)(f | 2));
}

void op_sahf(cpu *c, const cpu_insn *i) {
    (void)i;
    uint32_t ah = get_r8(c, 4) & (F_SF | F_ZF | F_AF | F_PF | F_CF);
    flags_set_arith(c, (flags_arith(c) & F_OF) | ah);
}

void op_flagop(cpu *c, const cpu_insn *i) {
    uint32_t f = flags_arith(c);
    switch (i->op) {
    case 0xF5: flags_set_arith(c, f ^ F_CF); break;
    case 0xF8: flags_set_arith(c, f & ~F_CF); break;
    case 0xF9: flags_set_arith(c, f | F_CF); break;
    case 0xFC: c->eflags_rest &= ~F_DF; break;
    default: c->eflags_rest |= F_DF; break;
    }
}

/* ---- BCD ---- */

static void set_al(cpu *c, uint32_t v) { set_r8(c, 0, (uint8_t)v); }

void op_daa(cpu *c, const cpu_insn *i) {
    (void)i;
    uint32_t f = flags_arith(c), al = c->regs[R_EAX] & 0xFF, old_al = al, old_cf = f & F_CF;
    uint32_t nf = 0;
    if ((al & 0xF) > 9 || (f & F_AF)) {
        al += 6;
        nf |= F_AF | ((old_cf || al > 0xFF) ? F_CF : 0);
    }
    if (old_al > 0x99 || old_cf) {
        al += 0x60;
        nf |= F_CF;
    }
    al &= 0xFF;
    set_al(c, al);
    flags_set_arith(c, nf | szp(al, 1));
}

void op_das(cpu *c, const cpu_insn *i) {
    (void)i;
    uint32_t f = flags_arith(c), al = c->regs[R_EAX] & 0xFF, old_al = al, old_cf = f & F_CF;
    uint32_t nf = 0;
    if ((al & 0xF) > 9 || (f & F_AF)) {
        nf |= F_AF | ((old_cf || al < 6) ? F_CF : 0);
        al -= 6;
    }
    if (old_al > 0x99 || old_cf) {
        al -= 0x60;
        nf |= F_CF;
    }
    al &= 0xFF;
    set_al(c, al);
    flags_set_arith(c, nf | szp(al, 1));
}

static void ascii_adjust(cpu *c, bool add) {
    uint32_t f = flags_arith(c), ax = c->regs[R_EAX] & 0xFFFF;
    uint32_t nf;
    if ((ax & 0xF) > 9 || (f & F_AF)) {
        if (add) ax = ((ax + 0x106) & 0xFF0F);
        else ax = (ax - 0x106) & 0xFF0F;   /* AX - 6 (borrowing into AH), then AH - 1 */
        nf = F_AF | F_CF;
    } else {
        ax &= 0xFF0F;
        nf = 0;
    }
    set_r16(c, R_EAX, (uint16_t)ax);
    flags_set_arith(c, nf | szp(ax & 0xFF, 1));
}

void op_aaa(cpu *c, const cpu_insn *i) { (void)i; ascii_adjust(c, true); }
void op_aas(cpu *c, const cpu_insn *i) { (void)i; ascii_adjust(c, false); }

void op_aam(cpu *c, const cpu_insn *i) {
    uint32_t base = i->imm & 0xFF, al = c->regs[R_EAX] & 0xFF;
    if (base == 0) RAISE(c, EXC_DE);
    uint32_t ah = al / base;
    al %= base;
    set_r16(c, R_EAX, (uint16_t)((ah << 8) | al));
    flags_set_arith(c, szp(al, 1));
}

void op_aad(cpu *c, const cpu_insn *i) {
    uint32_t base = i->imm & 0xFF, al = c->regs[R_EAX] & 0xFF, ah = (c->regs[R_EAX] >> 8) & 0xFF;
    uint32_t r = (al + ah * base) & 0xFF;
    set_r16(c, R_EAX, (uint16_t)r);
    flags_set_arith(c, szp(r, 1));
}
