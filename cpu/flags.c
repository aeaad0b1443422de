/* Lazy arithmetic flags: an ALU operation records its kind, size, operands and result; the six
 * arithmetic flags are computed only when something reads them (Jcc, PUSHF, ADC, ...). */
#include "cpu/internal.h"

/* PF is set when the low byte of a result has an even number of 1 bits. */
#define PAR2(n) (n), (n) ^ F_PF, (n) ^ F_PF, (n)
#define PAR4(n) PAR2(n), PAR2((n) ^ F_PF), PAR2((n) ^ F_PF), PAR2(n)
#define PAR6(n) PAR4(n), PAR4((n) ^ F_PF), PAR4((n) ^ F_PF), PAR4(n)
const uint8_t parity_table[256] = { PAR6(F_PF), PAR6(0), PAR6(0), PAR6(F_PF) };
#undef PAR2
#undef PAR4
#undef PAR6

uint32_t flags_arith(cpu *c) {
    if (c->lf_op == LF_NONE) return c->lf_flags;
    int size = c->lf_size;
    uint32_t mask = size_mask(size), sign = size_sign(size);
    uint32_t res = c->lf_res & mask, dst = c->lf_dst & mask, src = c->lf_src & mask;
    uint32_t f = 0;
    if (res == 0) f |= F_ZF;
    if (res & sign) f |= F_SF;
    f |= parity_table[res & 0xFF];
    switch (c->lf_op) {
    case LF_ADD:
        if (res < dst) f |= F_CF;
        if ((dst ^ res) & (src ^ res) & sign) f |= F_OF;
        f |= (dst ^ src ^ res) & F_AF;
        break;
    case LF_ADC:
        if (res < dst || (c->lf_cf_in && res == dst)) f |= F_CF;
        if ((dst ^ res) & (src ^ res) & sign) f |= F_OF;
        f |= (dst ^ src ^ res) & F_AF;
        break;
    case LF_SUB:
        if (dst < src) f |= F_CF;
        if ((dst ^ src) & (dst ^ res) & sign) f |= F_OF;
        f |= (dst ^ src ^ res) & F_AF;
        break;
    case LF_SBB:
        if (dst < src || (c->lf_cf_in && dst == src)) f |= F_CF;
        if ((dst ^ src) & (dst ^ res) & sign) f |= F_OF;
        f |= (dst ^ src ^ res) & F_AF;
        break;
    case LF_LOGIC:
        break;
    case LF_INC:   /* src = 1; CF preserved in lf_cf_in */
        f |= c->lf_cf_in ? F_CF : 0;
        if (res == sign) f |= F_OF;
        f |= (dst ^ 1 ^ res) & F_AF;
        break;
    case LF_DEC:
        f |= c->lf_cf_in ? F_CF : 0;
        if (res == sign - 1) f |= F_OF;
        f |= (dst ^ 1 ^ res) & F_AF;
        break;
    /* Shifts by a count of 1-31 (a zero count records nothing). AF is left clear. */
    case LF_SHL: {
        unsigned bits = (unsigned)size * 8, n = src;
        uint32_t cf = n <= bits ? (dst >> (bits - n)) & 1 : 0;
        if (cf) f |= F_CF;
        if (((res & sign) != 0) != (cf != 0)) f |= F_OF;
        break;
    }
    case LF_SHR:
        if ((dst >> (src - 1)) & 1) f |= F_CF;
        if (dst & sign) f |= F_OF;
        break;
    case LF_SAR: {
        int32_t sd = size == 1 ? (int8_t)dst : size == 2 ? (int16_t)dst : (int32_t)dst;
        if ((sd >> (src - 1)) & 1) f |= F_CF;
        break;
    }
    default:
        break;
    }
    return f;
}

void flags_set_arith(cpu *c, uint32_t f) {
    c->lf_op = LF_NONE;
    c->lf_flags = f & F_ARITH;
}

uint32_t flags_cf_slow(cpu *c) {
    uint32_t mask = size_mask(c->lf_size);
    switch (c->lf_op) {
    case LF_NONE: return c->lf_flags & F_CF;
    case LF_ADD: return (c->lf_res & mask) < (c->lf_dst & mask) ? F_CF : 0;
    case LF_SUB: return (c->lf_dst & mask) < (c->lf_src & mask) ? F_CF : 0;
    case LF_LOGIC: return 0;
    case LF_INC: case LF_DEC: return c->lf_cf_in ? F_CF : 0;
    default: return flags_arith(c) & F_CF;
    }
}

bool cpu_cond(cpu *c, int cc) {
    uint32_t f;
    if (c->lf_op != LF_NONE) {
        uint32_t mask = size_mask(c->lf_size);
        if ((cc >> 1) == 2) return ((c->lf_res & mask) == 0) ^ (cc & 1);   /* E / NE from the result */
        if (c->lf_op == LF_LOGIC) {
            /* CF = OF = 0 after logic operations */
            bool zf = (c->lf_res & mask) == 0, sf = (c->lf_res & size_sign(c->lf_size)) != 0, r;
            switch (cc >> 1) {
            case 0: case 1: r = false; break;
            case 3: r = zf; break;
            case 4: case 6: r = sf; break;
            case 7: r = zf || sf; break;
            default: r = parity_table[c->lf_res & 0xFF] != 0; break;
            }
            return r ^ (cc & 1);
        }
    }
    /* Fast paths for the common compare-and-branch forms. */
    if (c->lf_op == LF_SUB && (cc & ~1) != 10 && (cc & ~1) != 8) {
        uint32_t mask = size_mask(c->lf_size), sign = size_sign(c->lf_size);
        uint32_t dst = c->lf_dst & mask, src = c->lf_src & mask;
        bool r;
        switch (cc >> 1) {
        case 0: r = ((dst ^ src) & (dst ^ c->lf_res) & sign) != 0; break;          /* O */
        case 1: r = dst < src; break;                                               /* B */
        case 2: r = dst == src; break;                                              /* E */
        case 3: r = dst <= src; break;                                              /* BE */
        case 6: r = (dst ^ sign) < (src ^ sign); break;                             /* L */
        default: r = (dst ^ sign) <= (src ^ sign); break;                          /* LE */
        }
        return r ^ (cc & 1);
    }
    f = flags_arith(c);
    bool r;
    switch (cc >> 1) {
    case 0: r = f & F_OF; break;
    case 1: r = f & F_CF; break;
    case 2: r = f & F_ZF; break;
    case 3: r = f & (F_CF | F_ZF); break;
    case 4: r = f & F_SF; break;
    case 5: r = f & F_PF; break;
    case 6: r = !(f & F_SF) != !(f & F_OF); break;
    default: r = (f & F_ZF) || (!(f & F_SF) != !(f & F_OF)); break;
    }
    return r ^ (cc & 1);
}

uint32_t cpu_get_eflags(cpu *c) {
    return (c->eflags_rest & ~F_ARITH) | flags_arith(c) | 2u;
}

void cpu_set_eflags(cpu *c, uint32_t value) {
    uint32_t old = cpu_get_eflags(c);
    c->eflags_rest = (value & ~F_ARITH) | 2u;
    flags_set_arith(c, value);
    cpu_eflags_written(c, old);
}
