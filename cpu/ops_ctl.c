/* Control transfer: jumps, calls, returns, loops, software interrupts, IRET, far transfers. */
#include "cpu/handlers.h"

static inline uint32_t rel_target(cpu *c, const cpu_insn *i, uint32_t rel) {
    uint32_t t = c->eip_next + rel;
    if (i->o16) t &= 0xFFFF;
    return t;
}

static inline void jump_to(cpu *c, uint32_t target) {
    if (UNLIKELY(target > c->seg[S_CS].limit)) RAISE_GP0(c);
    c->eip_next = target;
}

static inline uint32_t rel_imm(const cpu_insn *i, bool short_form) {
    if (short_form) return (uint32_t)(int32_t)(int8_t)i->imm;
    return i->o16 ? (uint32_t)(int32_t)(int16_t)i->imm : i->imm;
}

void op_jcc(cpu *c, const cpu_insn *i) {
    if (cpu_cond(c, i->op & 15)) jump_to(c, rel_target(c, i, rel_imm(i, i->op < 0x80)));
}

void op_jmp_rel(cpu *c, const cpu_insn *i) { jump_to(c, rel_target(c, i, rel_imm(i, i->op == 0xEB))); }

void op_call_rel(cpu *c, const cpu_insn *i) {
    uint32_t t = rel_target(c, i, rel_imm(i, false));
    if (UNLIKELY(t > c->seg[S_CS].limit)) RAISE_GP0(c);
    push(c, opsize(i), c->eip_next);
    c->eip_next = t;
}

void op_call_rm(cpu *c, const cpu_insn *i) {
    uint32_t t = rm_read(c, i, opsize(i));
    if (UNLIKELY(t > c->seg[S_CS].limit)) RAISE_GP0(c);
    push(c, opsize(i), c->eip_next);
    c->eip_next = t;
}

void op_jmp_rm(cpu *c, const cpu_insn *i) { jump_to(c, rm_read(c, i, opsize(i))); }

void op_ret(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t t = read_mem(c, S_SS, c->regs[R_ESP] & sp_mask(c), size);
    if (UNLIKELY(t > c->seg[S_CS].limit)) RAISE_GP0(c);
    uint32_t adj = i->op == 0xC2 ? i->imm : 0;
    set_sp(c, c->regs[R_ESP] + (uint32_t)size + adj);
    c->eip_next = t;
}

void op_loop(cpu *c, const cpu_insn *i) {
    uint32_t m = i->a16 ? 0xFFFF : 0xFFFFFFFFu;
    uint32_t t = rel_target(c, i, rel_imm(i, true));
    bool take;
    if (i->op == 0xE3) {
        take = (c->regs[R_ECX] & m) == 0;
    } else {
        uint32_t n = (c->regs[R_ECX] - 1) & m;
        c->regs[R_ECX] = (c->regs[R_ECX] & ~m) | n;
        take = n != 0;
        if (i->op == 0xE0) take = take && !(flags_arith(c) & F_ZF);
        if (i->op == 0xE1) take = take && (flags_arith(c) & F_ZF);
    }
    if (take) jump_to(c, t);
}

/* ---- software interrupts ---- */

static void soft_interrupt(cpu *c, int vector, int kind) {
    cpu_emit(c, CPU_EV_SOFTINT, (uint32_t)vector, 0, false, 0);
    cpu_deliver(c, vector, 0, false, kind, c->eip_next);   /* returns to the next instruction */
    c->eip_next = c->eip;
}

void op_int(cpu *c, const cpu_insn *i) {
    svm_check3(c, V3_BIT_INTN);
    soft_interrupt(c, i->imm & 0xFF, DELIVER_SOFT);
}
void op_int3(cpu *c, const cpu_insn *i) { (void)i; soft_interrupt(c, EXC_BP, DELIVER_SOFT); }
void op_int1(cpu *c, const cpu_insn *i) { (void)i; soft_interrupt(c, EXC_DB, DELIVER_EXCEPTION); }

void op_into(cpu *c, const cpu_insn *i) {
    (void)i;
    if (flags_arith(c) & F_OF) soft_interrupt(c, EXC_OF, DELIVER_SOFT);
}

/* ---- far transfers (protected mode) ---- */

/* Check a code-segment descriptor for a far JMP/CALL at the same privilege. */
static void check_code_target(cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi) {
    uint32_t err = sel & ~3u;
    if (err == 0) RAISE_GP0(c);
    if (!seg_read_descriptor(c, sel, lo, hi)) RAISE_ERR(c, EXC_GP, err);
    int type = (*hi >> 8) & 0x1F, dpl = (*hi >> 13) & 3, rpl = sel & 3;
    if ((type & 0x18) != 0x18) RAISE_ERR(c, EXC_GP, err);   /* not code (TSS/task gates: not modelled) */
    if (type & 4) {
        if (dpl > c->cpl) RAISE_ERR(c, EXC_GP, err);
    } else if (rpl > c->cpl || dpl != c->cpl) {
        RAISE_ERR(c, EXC_GP, err);
    }
    if (!(*hi & 0x8000)) RAISE_ERR(c, EXC_NP, err);
}

/* CALL/JMP through a call gate (SDM vol. 3, 5.8.4-5.8.5): to the same or, for CALL, a more
 * privileged ring, switching to the TSS stack and copying the gate's parameter count. */
static void call_gate(cpu *c, const cpu_insn *i, uint16_t sel, uint32_t glo, uint32_t ghi, bool call) {
    uint32_t err = sel & ~3u;
    int gdpl = (ghi >> 13) & 3;
    bool gate32 = ((ghi >> 8) & 0x1F) == 0x0C;
    if (gdpl < c->cpl || gdpl < (sel & 3)) RAISE_ERR(c, EXC_GP, err);
    if (!(ghi & 0x8000)) RAISE_ERR(c, EXC_NP, err);
    uint16_t tsel = (uint16_t)(glo >> 16);
    uint32_t off = gate32 ? ((glo & 0xFFFF) | (ghi & 0xFFFF0000u)) : (glo & 0xFFFF);
    uint32_t params = ghi & 0x1F;
    uint32_t terr = tsel & ~3u, lo, hi;
    if (terr == 0) RAISE_GP0(c);
    if (!seg_read_descriptor(c, tsel, &lo, &hi)) RAISE_ERR(c, EXC_GP, terr);
    int type = (hi >> 8) & 0x1F, dpl = (hi >> 13) & 3;
    if ((type & 0x18) != 0x18 || dpl > c->cpl) RAISE_ERR(c, EXC_GP, terr);
    bool conforming = type & 4;
    if (!call && !conforming && dpl != c->cpl) RAISE_ERR(c, EXC_GP, terr);
    if (!(hi & 0x8000)) RAISE_ERR(c, EXC_NP, terr);
    if (off > desc_limit(lo, hi)) RAISE_GP0(c);
    int size = gate32 ? 4 : 2;
    if (call && !conforming && dpl < c->cpl) {
        /* more privileged: new stack from the TSS, then old SS:ESP, the parameters, CS:EIP */
        const cpu_seg *tr = &c->seg[S_TR];
        uint32_t esp_off = 4 + (uint32_t)dpl * 8;
        if (esp_off + 5 > tr->limit) RAISE_ERR(c, EXC_TS, tr->sel & ~3u);
        int saved = c->cpl;
        c->cpl = 0;
        uint32_t new_esp = lin_read(c, tr->base + esp_off, 4);
        uint16_t new_ss = (uint16_t)lin_read(c, tr->base + esp_off + 4, 2);
        c->cpl = saved;
        uint32_t slo, shi;
        if ((new_ss & ~3u) == 0) RAISE_ERR(c, EXC_TS, 0);
        if (!seg_read_descriptor(c, new_ss, &slo, &shi)) RAISE_ERR(c, EXC_TS, new_ss & ~3u);
        if ((new_ss & 3) != dpl || (int)((shi >> 13) & 3) != dpl || (((shi >> 8) & 0x1A) != 0x12))
            RAISE_ERR(c, EXC_TS, new_ss & ~3u);
        if (!(shi & 0x8000)) RAISE_ERR(c, EXC_SS, new_ss & ~3u);
        uint32_t old_mask = sp_mask(c), old_sp = c->regs[R_ESP];
        uint32_t args[31];
        for (uint32_t k = 0; k < params; k++)
            args[k] = read_mem(c, S_SS, (old_sp + k * (uint32_t)size) & old_mask, size);
        uint32_t ss_base = desc_base(slo, shi);
        uint32_t mask = (shi & 0x00400000u) ? 0xFFFFFFFFu : 0xFFFFu;
        uint32_t sp = new_esp;
        c->cpl = dpl;
        uint16_t old_ss = c->seg[S_SS].sel;
        sp = (sp - (uint32_t)size) & mask;
        lin_write(c, ss_base + sp, size, old_ss);
        sp = (sp - (uint32_t)size) & mask;
        lin_write(c, ss_base + sp, size, old_sp);
        for (uint32_t k = params; k-- > 0;) {
            sp = (sp - (uint32_t)size) & mask;
            lin_write(c, ss_base + sp, size, args[k]);
        }
        sp = (sp - (uint32_t)size) & mask;
        lin_write(c, ss_base + sp, size, c->seg[S_CS].sel);
        sp = (sp - (uint32_t)size) & mask;
        lin_write(c, ss_base + sp, size, c->eip_next);
        seg_set_from_descriptor(c, S_SS, new_ss, slo, shi);
        c->regs[R_ESP] = (c->regs[R_ESP] & ~mask) | sp;
    } else if (call) {
        uint32_t m = sp_mask(c), sp = c->regs[R_ESP];
        write_mem(c, S_SS, (sp - (uint32_t)size) & m, size, c->seg[S_CS].sel);
        write_mem(c, S_SS, (sp - 2u * (uint32_t)size) & m, size, c->eip_next);
        set_sp(c, sp - 2u * (uint32_t)size);
    }
    int new_cpl = conforming ? c->cpl : dpl;
    c->cpl = new_cpl;
    seg_set_from_descriptor(c, S_CS, (uint16_t)((tsel & ~3u) | (uint32_t)new_cpl), lo, hi);
    c->eip_next = off;
    (void)i;
}

static void far_transfer(cpu *c, const cpu_insn *i, uint16_t sel, uint32_t off, bool call) {
    uint32_t lo, hi;
    if ((sel & ~3u) != 0 && seg_read_descriptor(c, sel, &lo, &hi) && !(hi & 0x1000)) {
        int type = (hi >> 8) & 0x1F;
        if (type == 0x0C || type == 0x04) {
            call_gate(c, i, sel, lo, hi, call);
            return;
        }
    }
    check_code_target(c, sel, &lo, &hi);
    if (i->o16) off &= 0xFFFF;
    if (off > desc_limit(lo, hi)) RAISE_GP0(c);
    if (call) {
        int size = opsize(i);
        uint32_t m = sp_mask(c), sp = c->regs[R_ESP];
        write_mem(c, S_SS, (sp - (uint32_t)size) & m, size, c->seg[S_CS].sel);
        write_mem(c, S_SS, (sp - 2u * (uint32_t)size) & m, size, c->eip_next);
        set_sp(c, sp - 2u * (uint32_t)size);
    }
    seg_set_from_descriptor(c, S_CS, (uint16_t)((sel & ~3u) | (uint32_t)c->cpl), lo, hi);
    c->eip_next = off;
}

void op_jmp_far(cpu *c, const cpu_insn *i) { far_transfer(c, i, i->imm2, i->imm, false); }
void op_call_far(cpu *c, const cpu_insn *i) { far_transfer(c, i, i->imm2, i->imm, true); }

static void read_far_pointer(cpu *c, const cpu_insn *i, uint16_t *sel, uint32_t *off) {
    int size = opsize(i);
    uint32_t ea = ea_of(c, i);
    *off = read_mem(c, i->seg, ea, size);
    *sel = (uint16_t)read_mem(c, i->seg, i->a16 ? (ea + (uint32_t)size) & 0xFFFF : ea + (uint32_t)size, 2);
}

void op_jmp_far_m(cpu *c, const cpu_insn *i) {
    uint16_t sel;
    uint32_t off;
    read_far_pointer(c, i, &sel, &off);
    far_transfer(c, i, sel, off, false);
}

void op_call_far_m(cpu *c, const cpu_insn *i) {
    uint16_t sel;
    uint32_t off;
    read_far_pointer(c, i, &sel, &off);
    far_transfer(c, i, sel, off, true);
}

/* After a return to an outer ring, data segments the new CPL may not use become null. */
static void null_inaccessible_segments(cpu *c) {
    static const int segs[] = { S_ES, S_DS, S_FS, S_GS };
    for (int k = 0; k < 4; k++) {
        cpu_seg *g = &c->seg[segs[k]];
        int type = g->attr & 0x1F, dpl = (g->attr >> 5) & 3;
        bool data_or_nc_code = (type & 0x18) == 0x10 || (type & 0x1C) == 0x18;
        if ((g->attr & 0x80) && data_or_nc_code && dpl < c->cpl) {
            *g = (cpu_seg){ 0, 0, 0, 0 };
            seg_update_flat(c, segs[k]);
        }
    }
}

/* Load CS (and SS:ESP for an outer ring) for RETF and IRET. `sp` points past what was popped. */
static void return_to(cpu *c, uint16_t cs, uint32_t eip, uint32_t sp, int size, uint32_t adj, bool is_iret,
                      uint32_t eflags) {
    uint32_t err = cs & ~3u, lo, hi;
    int rpl = cs & 3;
    if (err == 0) RAISE_GP0(c);
    if (!seg_read_descriptor(c, cs, &lo, &hi)) RAISE_ERR(c, EXC_GP, err);
    int type = (hi >> 8) & 0x1F, dpl = (hi >> 13) & 3;
    if ((type & 0x18) != 0x18 || rpl < c->cpl) RAISE_ERR(c, EXC_GP, err);
    if ((type & 4) ? dpl > rpl : dpl != rpl) RAISE_ERR(c, EXC_GP, err);
    if (!(hi & 0x8000)) RAISE_ERR(c, EXC_NP, err);
    uint32_t m = sp_mask(c);
    if (eip > desc_limit(lo, hi)) RAISE_GP0(c);
    if (rpl == c->cpl) {
        if (is_iret) cpu_set_eflags_checked(c, eflags, size);
        seg_set_from_descriptor(c, S_CS, cs, lo, hi);
        set_sp(c, sp + adj);
        c->eip_next = eip;
        return;
    }
    /* outer privilege: pop ESP and SS too */
    sp += adj;
    uint32_t new_esp = read_mem(c, S_SS, sp & m, size);
    uint16_t new_ss = (uint16_t)read_mem(c, S_SS, (sp + (uint32_t)size) & m, size);
    uint32_t slo, shi;
    uint32_t serr = new_ss & ~3u;
    if (serr == 0) RAISE_GP0(c);
    if (!seg_read_descriptor(c, new_ss, &slo, &shi)) RAISE_ERR(c, EXC_GP, serr);
    int stype = (shi >> 8) & 0x1F, sdpl = (shi >> 13) & 3;
    if ((new_ss & 3) != rpl || sdpl != rpl || (stype & 0x1A) != 0x12) RAISE_ERR(c, EXC_GP, serr);
    if (!(shi & 0x8000)) RAISE_ERR(c, EXC_SS, serr);
    if (is_iret) cpu_set_eflags_checked(c, eflags, size);
    seg_set_from_descriptor(c, S_CS, cs, lo, hi);
    c->cpl = rpl;
    seg_set_from_descriptor(c, S_SS, new_ss, slo, shi);
    uint32_t nm = sp_mask(c);
    c->regs[R_ESP] = (c->regs[R_ESP] & ~nm) | ((new_esp + (is_iret ? 0 : adj)) & nm);
    c->eip_next = eip;
    null_inaccessible_segments(c);
}

void op_retf(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t m = sp_mask(c), sp = c->regs[R_ESP];
    uint32_t eip = read_mem(c, S_SS, sp & m, size);
    uint16_t cs = (uint16_t)read_mem(c, S_SS, (sp + (uint32_t)size) & m, size);
    uint32_t adj = i->op == 0xCA ? i->imm : 0;
    return_to(c, cs, eip, sp + 2u * (uint32_t)size, size, adj, false, 0);
}

void op_iret(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    svm_check3(c, V3_BIT_IRET);
    if (c->eflags_rest & F_NT) RAISE_GP0(c);   /* task return: hardware task switching is not modelled */
    uint32_t m = sp_mask(c), sp = c->regs[R_ESP];
    uint32_t eip = read_mem(c, S_SS, sp & m, size);
    uint16_t cs = (uint16_t)read_mem(c, S_SS, (sp + (uint32_t)size) & m, size);
    uint32_t fl = read_mem(c, S_SS, (sp + 2u * (uint32_t)size) & m, size);
    return_to(c, cs, eip, sp + 3u * (uint32_t)size, size, 0, true, fl);
    fetch_invalidate(c);
}
