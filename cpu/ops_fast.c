/* Specialised 32-bit forms of the most frequent instructions. The decoder picks one of these
 * instead of the generic handler when the operand size and ModRM form match (decode.c:
 * specialize), so the hot path has no size or operand-kind branches. Semantics are identical to
 * the generic handlers in ops_alu.c / ops_move.c, which the tests also exercise. */
#include "cpu/handlers.h"
#include "cpu/fast.h"
#include "cpu/dispatch.h"

/* FAST(name, kind) { body }: the handler `name` (what cpu_specialize hands the decoder) and its
 * threaded entry t_name (cpu/dispatch.h), both from the one body; `kind` is seq for an instruction
 * that never jumps, jump for one that may (dispatch_enter_KIND, dispatch_KIND).
 * Each memory form tries the TLB-hit fast path (internal.h: tlb_hit) and otherwise, with FAST_OR,
 * runs the generic handler, which redoes the access the long way; nothing has changed state before
 * that point. The entry leaves that case to dispatch_slow, so the hot path needs no stack frame. */
#define FAST_OR(generic) do { *slow = (generic); return; } while (0)
#define FAST(name, kind)                                                                       \
    static ALWAYS_INLINE void name##_body(cpu *c, const cpu_insn *i, cpu_handler *slow);        \
    static void name(cpu *c, const cpu_insn *i) {                                              \
        cpu_handler slow = NULL;                                                               \
        name##_body(c, i, &slow);                                                              \
        if (slow) slow(c, i);                                                                  \
    }                                                                                          \
    static DISPATCH_ATTR void t_##name(cpu *c, const cpu_insn *i) {                            \
        cpu_handler slow = NULL;                                                               \
        dispatch_enter_##kind(c, i);                                                           \
        name##_body(c, i, &slow);                                                              \
        if (UNLIKELY(slow != NULL)) {                                                          \
            c->slow_handler = slow;                                                            \
            TAIL_JUMP(dispatch_slow, c, i);                                                    \
        }                                                                                      \
        dispatch_##kind(c, i);                                                                 \
    }                                                                                          \
    static ALWAYS_INLINE void name##_body(cpu *c, MAYBE_UNUSED const cpu_insn *i, MAYBE_UNUSED cpu_handler *slow)
/* The entry of a generic handler compiled for one operand size (fast.h): a direct call. */
#define CALLED(name) \
    static DISPATCH_ATTR void t_##name(cpu *c, const cpu_insn *i) {   \
        dispatch_enter_jump(c, i);   /* generic: it may read c->eip_next */ \
        name(c, i);                                                     \
        dispatch_seq(c, i);                                             \
    }

FAST(fast_nop, seq) { (void)c; }
FAST(fast_mov_rr32, seq) { c->regs[i->rm] = c->regs[i->reg]; }
FAST(fast_mov_rr32_rev, seq) { c->regs[i->reg] = c->regs[i->rm]; }

FAST(fast_mov_store32, seq) {
    uint8_t *p = tlb_hit(c, i->seg, ea32(c, i), 4, ACC_WRITE);
    if (UNLIKELY(!p)) FAST_OR(op_mov_rm_r);
    store32(p, c->regs[i->reg]);
}

FAST(fast_mov_store8, seq) {
    uint8_t *p = tlb_hit(c, i->seg, ea32(c, i), 1, ACC_WRITE);
    if (UNLIKELY(!p)) FAST_OR(op_mov_rm_r);
    *p = get_r8(c, i->reg);
}

FAST(fast_mov_load32, seq) {
    const uint8_t *p = tlb_hit(c, i->seg, ea32(c, i), 4, ACC_READ);
    if (UNLIKELY(!p)) FAST_OR(op_mov_r_rm);
    c->regs[i->reg] = load32(p);
}

FAST(fast_movzx8_load, seq) {
    const uint8_t *p = tlb_hit(c, i->seg, ea32(c, i), 1, ACC_READ);
    if (UNLIKELY(!p)) FAST_OR(op_movx);
    c->regs[i->reg] = *p;
}

FAST(fast_push32, seq) {
    uint32_t sp = c->regs[R_ESP] - 4;
    uint8_t *p = stack_hit(c, sp, ACC_WRITE);
    if (UNLIKELY(!p)) FAST_OR(op_push_r);
    store32(p, c->regs[i->op & 7]);
    c->regs[R_ESP] = sp;
}

FAST(fast_pop32, seq) {
    const uint8_t *p = stack_hit(c, c->regs[R_ESP], ACC_READ);
    if (UNLIKELY(!p)) FAST_OR(op_pop_r);
    c->regs[R_ESP] += 4;
    c->regs[i->op & 7] = load32(p);   /* after the ESP update: POP ESP loads the popped value */
}

#define ALU32(name, kind, expr, writes)                                                     \
    FAST(fast_##name##_rr, seq) {   /* op r/m32(reg), r32 */          \
        uint32_t d = c->regs[i->rm], s = c->regs[i->reg], r = (expr);                     \
        if (writes) c->regs[i->rm] = r;                                                    \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    FAST(fast_##name##_mr, seq) {   /* op m32, r32 */                 \
        uint32_t ea = ea32(c, i), s = c->regs[i->reg];                                    \
        uint8_t *p = tlb_hit(c, i->seg, ea, 4, ACC_READ);                                  \
        if (UNLIKELY(!p || (writes && !tlb_hit(c, i->seg, ea, 4, ACC_WRITE))))             \
            FAST_OR(op_alu_rm_r);                                                          \
        uint32_t d = load32(p), r = (expr);                                                \
        if (writes) store32(p, r);                                                         \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    FAST(fast_##name##_rm, seq) {   /* op r32, m32 */                 \
        const uint8_t *p = tlb_hit(c, i->seg, ea32(c, i), 4, ACC_READ);                   \
        if (UNLIKELY(!p)) FAST_OR(op_alu_r_rm);                                            \
        uint32_t s = load32(p), d = c->regs[i->reg], r = (expr);                           \
        if (writes) c->regs[i->reg] = r;                                                   \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    FAST(fast_##name##_ri, seq) {   /* op r32, imm */                 \
        uint32_t d = c->regs[i->rm], s = i->imm, r = (expr);                               \
        if (writes) c->regs[i->rm] = r;                                                    \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    FAST(fast_##name##_mi, seq) {   /* op m32, imm */                 \
        uint32_t ea = ea32(c, i), s = i->imm;                                             \
        uint8_t *p = tlb_hit(c, i->seg, ea, 4, ACC_READ);                                  \
        if (UNLIKELY(!p || (writes && !tlb_hit(c, i->seg, ea, 4, ACC_WRITE))))             \
            FAST_OR(op_grp1);                                                              \
        uint32_t d = load32(p), r = (expr);                                                \
        if (writes) store32(p, r);                                                         \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }

ALU32(add, LF_ADD, d + s, 1)
ALU32(or, LF_LOGIC, d | s, 1)
ALU32(and, LF_LOGIC, d & s, 1)
ALU32(sub, LF_SUB, d - s, 1)
ALU32(xor, LF_LOGIC, d ^ s, 1)
ALU32(cmp, LF_SUB, d - s, 0)

FAST(fast_test_rr, seq) { lf_set(c, LF_LOGIC, 4, c->regs[i->rm] & c->regs[i->reg], 0, 0); }
FAST(fast_cmp8_mi, seq) {   /* cmp byte [m], imm8: string scans */
    const uint8_t *p = tlb_hit(c, i->seg, ea32(c, i), 1, ACC_READ);
    if (UNLIKELY(!p)) FAST_OR(op_grp1);
    uint32_t d = *p, s = i->imm & 0xFF;
    lf_set(c, LF_SUB, 1, d - s, d, s);
}

FAST(fast_test_rr8, seq) { lf_set(c, LF_LOGIC, 1, get_r8(c, i->rm) & get_r8(c, i->reg), 0, 0); }

/* Jcc, one handler per condition (rel already sign-extended at decode time into disp; the target
 * fits in a flat CS). The condition is a constant, so cond_quick reduces to the test itself. */
static NOINLINE void fast_jcc_any(cpu *c, const cpu_insn *i) {
    if (cpu_cond(c, i->op & 15)) c->eip_next += i->disp;
}
#define JCC(cc, name)                                                 \
    FAST(fast_##name, jump) {                                \
        int taken = cond_quick(c, cc);                                \
        if (UNLIKELY(taken < 0)) FAST_OR(fast_jcc_any);               \
        if (taken) c->eip_next += i->disp;                            \
    }
JCC(0x0, jo) JCC(0x1, jno) JCC(0x2, jb) JCC(0x3, jae) JCC(0x4, je) JCC(0x5, jne) JCC(0x6, jbe) JCC(0x7, ja)
JCC(0x8, js) JCC(0x9, jns) JCC(0xA, jp) JCC(0xB, jnp) JCC(0xC, jl) JCC(0xD, jge) JCC(0xE, jle) JCC(0xF, jg)
static const cpu_handler fast_jcc[16] = {
    fast_jo, fast_jno, fast_jb, fast_jae, fast_je, fast_jne, fast_jbe, fast_ja,
    fast_js, fast_jns, fast_jp, fast_jnp, fast_jl, fast_jge, fast_jle, fast_jg,
};

FAST(fast_jmp, jump) { c->eip_next += i->disp; }

FAST(fast_call, jump) {
    uint32_t sp = c->regs[R_ESP] - 4;
    uint8_t *p = stack_hit(c, sp, ACC_WRITE);
    if (UNLIKELY(!p)) FAST_OR(op_call_rel);
    store32(p, c->eip_next);
    c->regs[R_ESP] = sp;
    c->eip_next += i->disp;
}

FAST(fast_ret, jump) {
    const uint8_t *p = stack_hit(c, c->regs[R_ESP], ACC_READ);
    if (UNLIKELY(!p)) FAST_OR(op_ret);
    c->regs[R_ESP] += 4;
    c->eip_next = load32(p);
}

FAST(fast_inc_r32, seq) {
    int r = i->op & 7, cf = cf_quick(c);
    if (UNLIKELY(cf < 0)) FAST_OR(op_inc_r);
    uint32_t d = c->regs[r];
    c->regs[r] = d + 1;
    lf_set(c, LF_INC, 4, d + 1, d, 1);
    c->lf_cf_in = (uint32_t)cf;
}

FAST(fast_dec_r32, seq) {
    int r = i->op & 7, cf = cf_quick(c);
    if (UNLIKELY(cf < 0)) FAST_OR(op_dec_r);
    uint32_t d = c->regs[r];
    c->regs[r] = d - 1;
    lf_set(c, LF_DEC, 4, d - 1, d, 1);
    c->lf_cf_in = (uint32_t)cf;
}

FAST(fast_lea32, seq) { c->regs[i->reg] = ea32(c, i); }

FAST(fast_mov_r_imm32, seq) { c->regs[i->op & 7] = i->imm; }

CALLED(op_grp3_32) CALLED(op_imul3_32)
CALLED(op_shl32) CALLED(op_shr32) CALLED(op_sar32) CALLED(op_shl32_ri) CALLED(op_shr32_ri) CALLED(op_sar32_ri)

/* Each handler with an entry of its own, and the entry. */
#define T(name) { name, t_##name }
#define T_ALU(op) T(fast_##op##_rr), T(fast_##op##_mr), T(fast_##op##_rm), T(fast_##op##_ri), T(fast_##op##_mi)
static const struct { cpu_handler fn, entry; } entries[] = {
    T(fast_nop), T(fast_mov_rr32), T(fast_mov_rr32_rev), T(fast_mov_store32), T(fast_mov_store8), T(fast_mov_load32),
    T(fast_movzx8_load), T(fast_push32), T(fast_pop32),
    T_ALU(add), T_ALU(or), T_ALU(and), T_ALU(sub), T_ALU(xor), T_ALU(cmp),
    T(fast_test_rr), T(fast_cmp8_mi), T(fast_test_rr8),
    T(fast_jo), T(fast_jno), T(fast_jb), T(fast_jae), T(fast_je), T(fast_jne), T(fast_jbe), T(fast_ja),
    T(fast_js), T(fast_jns), T(fast_jp), T(fast_jnp), T(fast_jl), T(fast_jge), T(fast_jle), T(fast_jg),
    T(fast_jmp), T(fast_call), T(fast_ret), T(fast_inc_r32), T(fast_dec_r32), T(fast_lea32), T(fast_mov_r_imm32),
    T(op_grp3_32), T(op_imul3_32), T(op_shl32), T(op_shr32), T(op_sar32), T(op_shl32_ri), T(op_shr32_ri),
    T(op_sar32_ri),
};

cpu_handler cpu_threaded(cpu_handler fn) {   /* at decode time: a short scan is cheap enough */
    for (size_t k = 0; k < sizeof entries / sizeof entries[0]; k++)
        if (entries[k].fn == fn) return entries[k].entry;
    return dispatch_call;
}

#define PICK(mod3, mem) (i->mod == 3 ? (mod3) : (mem))

cpu_handler cpu_specialize(cpu_handler fn, cpu_insn *i, bool flat_cs) {
    bool s32 = i->sz == 4 && !i->a16;
    if (fn == op_nop) return fast_nop;
    if (fn == op_mov_rm_r && s32) return PICK(fast_mov_rr32, fast_mov_store32);
    if (fn == op_mov_r_rm && s32) return PICK(fast_mov_rr32_rev, fast_mov_load32);
    if (fn == op_push_r && !i->o16) return fast_push32;
    if (fn == op_pop_r && !i->o16) return fast_pop32;
    if (fn == op_inc_r && !i->o16) return fast_inc_r32;
    if (fn == op_dec_r && !i->o16) return fast_dec_r32;
    if (fn == op_lea && !i->o16 && !i->a16) return fast_lea32;
    if (fn == op_mov_r_imm && i->sz == 4) return fast_mov_r_imm32;
    if (fn == op_movx && i->op == 0xB6 && !i->o16 && !i->a16 && i->mod != 3) return fast_movzx8_load;
    if (fn == op_test_rm_r && s32 && i->mod == 3) return fast_test_rr;
    if (fn == op_test_rm_r && i->sz == 1 && i->mod == 3) return fast_test_rr8;
    if (fn == op_mov_rm_r && i->sz == 1 && !i->a16 && i->mod != 3) return fast_mov_store8;
    if (fn == op_grp3 && i->sz == 4) return op_grp3_32;
    if (fn == op_imul3 && i->sz == 4) return op_imul3_32;
    if (fn == op_shift && i->sz == 4 && i->reg >= 4 && i->op == 0xC1 && i->mod == 3)
        return i->reg == 5 ? op_shr32_ri : i->reg == 7 ? op_sar32_ri : op_shl32_ri;
    if (fn == op_shift && i->sz == 4 && i->reg >= 4) return i->reg == 5 ? op_shr32 : i->reg == 7 ? op_sar32 : op_shl32;
    if (fn == op_grp1 && i->op == 0x80 && i->reg == 7 && i->mod != 3 && !i->a16) return fast_cmp8_mi;
    if ((fn == op_alu_rm_r || fn == op_alu_r_rm || fn == op_grp1 || fn == op_alu_a_imm) && s32) {
        static const cpu_handler table[8][5] = {
            { fast_add_rr, fast_add_mr, fast_add_rm, fast_add_ri, fast_add_mi },
            { fast_or_rr, fast_or_mr, fast_or_rm, fast_or_ri, fast_or_mi },
            { 0, 0, 0, 0, 0 },
            { 0, 0, 0, 0, 0 },
            { fast_and_rr, fast_and_mr, fast_and_rm, fast_and_ri, fast_and_mi },
            { fast_sub_rr, fast_sub_mr, fast_sub_rm, fast_sub_ri, fast_sub_mi },
            { fast_xor_rr, fast_xor_mr, fast_xor_rm, fast_xor_ri, fast_xor_mi },
            { fast_cmp_rr, fast_cmp_mr, fast_cmp_rm, fast_cmp_ri, fast_cmp_mi },
        };
        if (fn == op_grp1) {
            if (i->op == 0x83) i->imm = (uint32_t)(int32_t)(int8_t)i->imm;
            else if (i->op != 0x81) return fn;
            cpu_handler f = table[i->reg][i->mod == 3 ? 3 : 4];
            if (!f && i->op == 0x83) i->imm &= 0xFF;   /* keep the generic handler's encoding */
            return f ? f : fn;
        }
        int op = (i->op >> 3) & 7;
        if (fn == op_alu_a_imm) {   /* op eax, imm32: the op r32, imm form with EAX */
            if (!table[op][3]) return fn;
            i->rm = R_EAX;
            return table[op][3];
        }
        if (fn == op_alu_rm_r) return table[op][i->mod == 3 ? 0 : 1] ? table[op][i->mod == 3 ? 0 : 1] : fn;
        if (i->mod == 3) {
            /* op r32, r32 in the reg,rm direction: swap roles so the _rr form applies */
            cpu_handler f = table[op][0];
            if (!f) return fn;
            uint8_t t = i->reg;
            i->reg = i->rm;
            i->rm = t;
            return f;
        }
        return table[op][2] ? table[op][2] : fn;
    }
    if (flat_cs && !i->o16) {
        if (fn == op_jcc) {
            i->disp = i->op < 0x80 ? (uint32_t)(int32_t)(int8_t)i->imm : i->imm;
            return fast_jcc[i->op & 15];
        }
        if (fn == op_jmp_rel) {
            i->disp = i->op == 0xEB ? (uint32_t)(int32_t)(int8_t)i->imm : i->imm;
            return fast_jmp;
        }
        if (fn == op_call_rel) {
            i->disp = i->imm;
            return fast_call;
        }
        if (fn == op_ret && i->op == 0xC3) return fast_ret;
    }
    return fn;
}
