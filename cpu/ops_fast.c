/* Specialised 32-bit forms of the most frequent instructions. The decoder picks one of these
 * instead of the generic handler when the operand size and ModRM form match (decode.c:
 * specialize), so the hot path has no size or operand-kind branches. Semantics are identical to
 * the generic handlers in ops_alu.c / ops_move.c, which the tests also exercise. */
#include "cpu/handlers.h"
#include "cpu/fast.h"

void fast_mov_rr32(cpu *c, const cpu_insn *i) { c->regs[i->rm] = c->regs[i->reg]; }
void fast_mov_store32(cpu *c, const cpu_insn *i) { write_mem(c, i->seg, ea_of(c, i), 4, c->regs[i->reg]); }
void fast_mov_rr32_rev(cpu *c, const cpu_insn *i) { c->regs[i->reg] = c->regs[i->rm]; }
void fast_mov_load32(cpu *c, const cpu_insn *i) { c->regs[i->reg] = read_mem(c, i->seg, ea_of(c, i), 4); }
void fast_push32(cpu *c, const cpu_insn *i) { push(c, 4, c->regs[i->op & 7]); }
void fast_pop32(cpu *c, const cpu_insn *i) { c->regs[i->op & 7] = pop(c, 4); }

#define ALU32(name, kind, expr, writes)                                                     \
    void fast_##name##_rr(cpu *c, const cpu_insn *i) {   /* op r/m32(reg), r32 */          \
        uint32_t d = c->regs[i->rm], s = c->regs[i->reg], r = (expr);                     \
        if (writes) c->regs[i->rm] = r;                                                    \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    void fast_##name##_mr(cpu *c, const cpu_insn *i) {   /* op m32, r32 */                 \
        uint32_t ea = ea_of(c, i), s = c->regs[i->reg];                                    \
        uint32_t d = read_mem(c, i->seg, ea, 4), r = (expr);                              \
        if (writes) write_mem(c, i->seg, ea, 4, r);                                        \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    void fast_##name##_rm(cpu *c, const cpu_insn *i) {   /* op r32, m32 */                 \
        uint32_t s = read_mem(c, i->seg, ea_of(c, i), 4), d = c->regs[i->reg], r = (expr); \
        if (writes) c->regs[i->reg] = r;                                                   \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    void fast_##name##_ri(cpu *c, const cpu_insn *i) {   /* op r32, imm */                 \
        uint32_t d = c->regs[i->rm], s = i->imm, r = (expr);                               \
        if (writes) c->regs[i->rm] = r;                                                    \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }                                                                                      \
    void fast_##name##_mi(cpu *c, const cpu_insn *i) {   /* op m32, imm */                 \
        uint32_t ea = ea_of(c, i), s = i->imm;                                             \
        uint32_t d = read_mem(c, i->seg, ea, 4), r = (expr);                              \
        if (writes) write_mem(c, i->seg, ea, 4, r);                                        \
        lf_set(c, kind, 4, r, d, s);                                                       \
    }

ALU32(add, LF_ADD, d + s, 1)
ALU32(or, LF_LOGIC, d | s, 1)
ALU32(and, LF_LOGIC, d & s, 1)
ALU32(sub, LF_SUB, d - s, 1)
ALU32(xor, LF_LOGIC, d ^ s, 1)
ALU32(cmp, LF_SUB, d - s, 0)

void fast_test_rr(cpu *c, const cpu_insn *i) { lf_set(c, LF_LOGIC, 4, c->regs[i->rm] & c->regs[i->reg], 0, 0); }

void fast_jcc(cpu *c, const cpu_insn *i) {
    /* rel already sign-extended at decode time into disp; the target fits in a flat CS */
    if (cpu_cond(c, i->op & 15)) c->eip_next += i->disp;
}

void fast_jmp(cpu *c, const cpu_insn *i) { c->eip_next += i->disp; }

void fast_call(cpu *c, const cpu_insn *i) {
    push(c, 4, c->eip_next);
    c->eip_next += i->disp;
}

void fast_ret(cpu *c, const cpu_insn *i) {
    (void)i;
    c->eip_next = pop(c, 4);
}

void fast_inc_r32(cpu *c, const cpu_insn *i) {
    int r = i->op & 7;
    uint32_t cf = flags_cf(c), d = c->regs[r];
    c->regs[r] = d + 1;
    lf_set(c, LF_INC, 4, d + 1, d, 1);
    c->lf_cf_in = cf;
}

void fast_dec_r32(cpu *c, const cpu_insn *i) {
    int r = i->op & 7;
    uint32_t cf = flags_cf(c), d = c->regs[r];
    c->regs[r] = d - 1;
    lf_set(c, LF_DEC, 4, d - 1, d, 1);
    c->lf_cf_in = cf;
}

void fast_lea32(cpu *c, const cpu_insn *i) { c->regs[i->reg] = ea_of(c, i); }

void fast_movzx8_load(cpu *c, const cpu_insn *i) { c->regs[i->reg] = read_mem(c, i->seg, ea_of(c, i), 1); }
void fast_mov_r_imm32(cpu *c, const cpu_insn *i) { c->regs[i->op & 7] = i->imm; }

#define PICK(mod3, mem) (i->mod == 3 ? (mod3) : (mem))

cpu_handler cpu_specialize(cpu_handler fn, cpu_insn *i, bool flat_cs) {
    bool s32 = i->sz == 4 && !i->a16;
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
    if ((fn == op_alu_rm_r || fn == op_alu_r_rm || fn == op_grp1) && s32) {
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
            return fast_jcc;
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
