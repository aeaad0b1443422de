/* System instructions: port I/O with IOPL and the TSS I/O bitmap, HLT, CLI/STI, EFLAGS,
 * control/debug registers, descriptor tables, CPUID, RDTSC, MSRs. */
#include "cpu/handlers.h"

#define PRIVILEGED(c) do { if ((c)->cpl != 0) RAISE_GP0(c); } while (0)
#define IOPL_OF(f) (((f) >> 12) & 3)

/* ---- port I/O ---- */

void io_check(cpu *c, uint16_t port, int size) {
    if (c->cpl <= (int)IOPL_OF(c->eflags_rest)) return;
    /* consult the I/O permission bitmap of a 32-bit TSS */
    const cpu_seg *tr = &c->seg[S_TR];
    int type = tr->attr & 0xF;
    if (!(tr->attr & 0x80) || (type != 0x9 && type != 0xB) || tr->limit < 0x67) RAISE_GP0(c);
    int saved = c->cpl;
    c->cpl = 0;
    uint32_t base = lin_read(c, tr->base + 0x66, 2);
    uint32_t byte = base + port / 8u;
    if (byte + 1 > tr->limit) {
        c->cpl = saved;
        RAISE_GP0(c);
    }
    uint32_t bits = lin_read(c, tr->base + byte, 2);
    c->cpl = saved;
    uint32_t mask = ((1u << size) - 1u) << (port & 7);
    if (bits & mask) RAISE_GP0(c);
}

uint32_t io_read(cpu *c, uint16_t port, int size) {
    c->cycles += c->cost[COST_IO];
    if (!c->bus.io_in) return size_mask(size);
    return c->bus.io_in(c->bus.ctx, port, size) & size_mask(size);
}

void io_write(cpu *c, uint16_t port, int size, uint32_t v) {
    c->cycles += c->cost[COST_IO];
    if (c->bus.io_out) c->bus.io_out(c->bus.ctx, port, size, v & size_mask(size));
}

void op_in(cpu *c, const cpu_insn *i) {
    uint16_t port = (i->op & 8) ? (uint16_t)c->regs[R_EDX] : (uint16_t)(i->imm & 0xFF);
    io_check(c, port, i->sz);
    svm_io_check(c, port, i->sz, true, false, false, i->a16);
    set_reg(c, R_EAX, i->sz, io_read(c, port, i->sz));
}

void op_out(cpu *c, const cpu_insn *i) {
    uint16_t port = (i->op & 8) ? (uint16_t)c->regs[R_EDX] : (uint16_t)(i->imm & 0xFF);
    io_check(c, port, i->sz);
    svm_io_check(c, port, i->sz, false, false, false, i->a16);
    io_write(c, port, i->sz, get_reg(c, R_EAX, i->sz));
}

/* ---- interrupts and flags ---- */

void op_hlt(cpu *c, const cpu_insn *i) {
    (void)i;
    PRIVILEGED(c);
    svm_check3(c, V3_BIT_HLT);
    c->halted = true;
    c->deadline = 0;
    cpu_emit(c, CPU_EV_HALT, 0, 0, false, 0);
}

void op_cli(cpu *c, const cpu_insn *i) {
    (void)i;
    if (c->cpl > (int)IOPL_OF(c->eflags_rest)) RAISE_GP0(c);
    c->eflags_rest &= ~F_IF;
}

void op_sti(cpu *c, const cpu_insn *i) {
    (void)i;
    if (c->cpl > (int)IOPL_OF(c->eflags_rest)) RAISE_GP0(c);
    if (!(c->eflags_rest & F_IF)) {
        c->eflags_rest |= F_IF;
        c->inhibit_irq = 1;   /* the instruction after STI runs before any interrupt */
        c->deadline = 0;
    }
}

void cpu_set_eflags_checked(cpu *c, uint32_t value, int size) {
    uint32_t old = cpu_get_eflags(c);
    uint32_t mask = F_CF | F_PF | F_AF | F_ZF | F_SF | F_TF | F_DF | F_OF | F_NT | F_AC | F_ID | F_RF;
    if (c->cpl == 0) mask |= F_IOPL;
    if (c->cpl <= (int)IOPL_OF(old)) mask |= F_IF;
    if (size == 2) mask &= 0xFFFF;
    uint32_t nv = (old & ~mask) | (value & mask);
    c->eflags_rest = (nv & ~F_ARITH) | 2u;
    flags_set_arith(c, nv);
    cpu_eflags_written(c, old);
}

void op_pushf(cpu *c, const cpu_insn *i) {
    svm_check3(c, V3_BIT_PUSHF);
    uint32_t f = cpu_get_eflags(c) & ~(F_VM | F_RF);
    push(c, opsize(i), f);
}

void op_popf(cpu *c, const cpu_insn *i) {
    svm_check3(c, V3_BIT_POPF);
    int size = opsize(i);
    uint32_t v = pop(c, size);
    cpu_set_eflags_checked(c, v & ~F_RF, size);
}

/* ---- control and debug registers ---- */

void op_mov_r_cr(cpu *c, const cpu_insn *i) {
    PRIVILEGED(c);
    if (i->reg <= 4) svm_check_cr(c, i->reg, false);
    uint32_t v;
    switch (i->reg) {
    case 0: v = c->cr0; break;
    case 2: v = c->cr2; break;
    case 3: v = c->cr3; break;
    case 4: v = c->cr4; break;
    default: RAISE(c, EXC_UD);
    }
    c->regs[i->rm] = v;
}

void op_mov_cr_r(cpu *c, const cpu_insn *i) {
    PRIVILEGED(c);
    if (i->reg == 1 || i->reg > 4) RAISE(c, EXC_UD);
    svm_check_cr(c, i->reg, true);
    cpu_write_cr(c, i->reg, c->regs[i->rm]);
    c->cycles += c->cost[COST_TLB_FLUSH] * (i->reg == 3);
}

static int dr_index(cpu *c, int n) {
    if (n == 4 || n == 5) {
        if (c->cr4 & 0x8) RAISE(c, EXC_UD);   /* CR4.DE: DR4/DR5 are reserved */
        return n + 2;
    }
    return n;
}

void op_mov_r_dr(cpu *c, const cpu_insn *i) {
    PRIVILEGED(c);
    c->regs[i->rm] = (uint32_t)c->dr[dr_index(c, i->reg)];
}

void op_mov_dr_r(cpu *c, const cpu_insn *i) {
    PRIVILEGED(c);
    c->dr[dr_index(c, i->reg)] = c->regs[i->rm];
}

void op_clts(cpu *c, const cpu_insn *i) {
    (void)i;
    PRIVILEGED(c);
    svm_check_cr(c, 0, true);
    c->cr0 &= ~CR0_TS;
}

void op_invd(cpu *c, const cpu_insn *i) {
    PRIVILEGED(c);
    if (i->op == 0x08) svm_check3(c, V3_BIT_INVD);
    else svm_check4(c, V4_BIT_WBINVD);
}

/* ---- CPUID, TSC, MSRs ---- */

/* CPUID EDX leaf 1: PSE, TSC, MSR, CX8, PGE, CMOV. No FPU/MMX/SSE: those instructions raise #UD. */
#define CPUID_1_EDX 0x0000A138u

void op_cpuid(cpu *c, const cpu_insn *i) {
    (void)i;
    svm_check3(c, V3_BIT_CPUID);
    uint32_t leaf = c->regs[R_EAX], a = 0, b = 0, cx = 0, d = 0;
    switch (leaf) {
    case 0: a = 1; b = 0x68747541; d = 0x69746E65; cx = 0x444D4163; break;   /* "AuthenticAMD" */
    case 1: a = 0x00000633; d = CPUID_1_EDX; break;
    case 0x80000000u: a = 0x8000000Au; b = 0x68747541; d = 0x69746E65; cx = 0x444D4163; break;
    case 0x80000001u: a = 0x00000633; cx = 1u << 2; break;   /* SVM */
    case 0x8000000Au: a = 1; b = 16; d = 1; break;           /* SVM revision 1, 16 ASIDs, nested paging only */
    default: break;
    }
    c->regs[R_EAX] = a;
    c->regs[R_EBX] = b;
    c->regs[R_ECX] = cx;
    c->regs[R_EDX] = d;
}

void op_rdtsc(cpu *c, const cpu_insn *i) {
    (void)i;
    if ((c->cr4 & CR4_TSD) && c->cpl != 0) RAISE_GP0(c);
    svm_check3(c, V3_BIT_RDTSC);
    uint64_t t = c->cycles + c->tsc_offset;
    c->regs[R_EAX] = (uint32_t)t;
    c->regs[R_EDX] = (uint32_t)(t >> 32);
}

void op_rdmsr(cpu *c, const cpu_insn *i) {
    (void)i;
    PRIVILEGED(c);
    uint32_t msr = c->regs[R_ECX];
    svm_msr_check(c, msr, false);
    uint64_t v;
    if (svm_rdmsr(c, msr, &v)) {
    } else if (msr == MSR_TSC) v = c->cycles + c->tsc_offset;
    else if (msr >= MSR_SYSENTER_CS && msr <= MSR_SYSENTER_CS + 2) v = c->msr_sysenter[msr - MSR_SYSENTER_CS];
    else if (msr == MSR_EFER) v = c->efer;
    else RAISE_GP0(c);
    c->regs[R_EAX] = (uint32_t)v;
    c->regs[R_EDX] = (uint32_t)(v >> 32);
}

void op_wrmsr(cpu *c, const cpu_insn *i) {
    (void)i;
    PRIVILEGED(c);
    uint32_t msr = c->regs[R_ECX];
    svm_msr_check(c, msr, true);
    uint64_t v = ((uint64_t)c->regs[R_EDX] << 32) | c->regs[R_EAX];
    if (svm_wrmsr(c, msr, v)) {
    } else if (msr == MSR_TSC) c->tsc_offset = v - c->cycles;
    else if (msr >= MSR_SYSENTER_CS && msr <= MSR_SYSENTER_CS + 2) c->msr_sysenter[msr - MSR_SYSENTER_CS] = v;
    else if (msr == MSR_EFER) {
        if (v & ~(uint64_t)EFER_SVME) RAISE_GP0(c);   /* only SVME: no long mode, NX or SYSCALL */
        c->efer = v;
    } else RAISE_GP0(c);
}

/* ---- descriptor tables ---- */

void op_grp7(cpu *c, const cpu_insn *i) {
    switch (i->reg) {
    case 0: case 1: {   /* SGDT, SIDT */
        const cpu_dtr *t = i->reg ? &c->idtr : &c->gdtr;
        uint32_t ea = ea_of(c, i);
        uint32_t ea2 = i->a16 ? (ea + 2) & 0xFFFF : ea + 2;
        probe_write(c, i->seg, ea, 2);
        probe_write(c, i->seg, ea2, 4);
        write_mem(c, i->seg, ea, 2, t->limit);
        write_mem(c, i->seg, ea2, 4, i->o16 ? t->base & 0x00FFFFFFu : t->base);
        return;
    }
    case 2: case 3: {   /* LGDT, LIDT */
        PRIVILEGED(c);
        uint32_t ea = ea_of(c, i);
        uint16_t limit = (uint16_t)read_mem(c, i->seg, ea, 2);
        uint32_t base = read_mem(c, i->seg, i->a16 ? (ea + 2) & 0xFFFF : ea + 2, 4);
        if (i->o16) base &= 0x00FFFFFFu;
        cpu_dtr *t = i->reg == 3 ? &c->idtr : &c->gdtr;
        t->base = base;
        t->limit = limit;
        return;
    }
    case 4:   /* SMSW */
        svm_check_cr(c, 0, false);
        if (i->mod == 3) set_reg(c, i->rm, opsize(i), c->cr0);
        else write_mem(c, i->seg, ea_of(c, i), 2, c->cr0 & 0xFFFF);
        return;
    case 6: { /* LMSW: PE can be set, never cleared */
        PRIVILEGED(c);
        svm_check_cr(c, 0, true);
        uint32_t v = rm_read(c, i, 2) & 0xF;
        cpu_write_cr(c, 0, (c->cr0 & ~0xEu) | v | (c->cr0 & CR0_PE));
        return;
    }
    case 7: {  /* INVLPG */
        PRIVILEGED(c);
        svm_check3(c, V3_BIT_INVLPG);
        uint32_t lin = c->seg[i->seg].base + ea_of(c, i);
        tlb_flush_page(c, lin);
        c->cycles += c->cost[COST_TLB_FLUSH];
        cpu_emit(c, CPU_EV_TLB_FLUSH, 0, 0, false, lin);
        return;
    }
    default:
        RAISE(c, EXC_UD);
    }
}

static bool desc_visible(cpu *c, uint16_t sel, uint32_t hi) {
    int type = (hi >> 8) & 0x1F, dpl = (hi >> 13) & 3;
    bool conforming_code = (type & 0x1C) == 0x1C;
    return conforming_code || (dpl >= c->cpl && dpl >= (sel & 3));
}

static void set_zf(cpu *c, bool on) {
    uint32_t f = flags_arith(c);
    flags_set_arith(c, on ? (f | F_ZF) : (f & ~F_ZF));
}

void op_grp6(cpu *c, const cpu_insn *i) {
    switch (i->reg) {
    case 0: case 1: {   /* SLDT, STR */
        uint32_t sel = c->seg[i->reg ? S_TR : S_LDTR].sel;
        if (i->mod == 3) set_reg(c, i->rm, opsize(i), sel);
        else write_mem(c, i->seg, ea_of(c, i), 2, sel);
        return;
    }
    case 2: {  /* LLDT */
        PRIVILEGED(c);
        uint16_t sel = (uint16_t)rm_read(c, i, 2);
        if ((sel & ~3u) == 0) {
            c->seg[S_LDTR] = (cpu_seg){ sel, 0, 0, 0 };
            return;
        }
        uint32_t lo, hi;
        if ((sel & 4) || !seg_read_descriptor(c, sel, &lo, &hi)) RAISE_ERR(c, EXC_GP, sel & ~3u);
        if (((hi >> 8) & 0x1F) != 0x02) RAISE_ERR(c, EXC_GP, sel & ~3u);
        if (!(hi & 0x8000)) RAISE_ERR(c, EXC_NP, sel & ~3u);
        c->seg[S_LDTR] = (cpu_seg){ sel, desc_attr(hi), desc_base(lo, hi), desc_limit(lo, hi) };
        return;
    }
    case 3: {  /* LTR: the TSS becomes busy */
        PRIVILEGED(c);
        uint16_t sel = (uint16_t)rm_read(c, i, 2);
        uint32_t lo, hi;
        if ((sel & ~3u) == 0) RAISE_GP0(c);
        if ((sel & 4) || !seg_read_descriptor(c, sel, &lo, &hi)) RAISE_ERR(c, EXC_GP, sel & ~3u);
        int type = (hi >> 8) & 0x1F;
        if (type != 0x09 && type != 0x01) RAISE_ERR(c, EXC_GP, sel & ~3u);
        if (!(hi & 0x8000)) RAISE_ERR(c, EXC_NP, sel & ~3u);
        hi |= 0x200;
        int saved = c->cpl;
        c->cpl = 0;
        lin_write(c, c->gdtr.base + (sel & ~7u) + 4, 4, hi);
        c->cpl = saved;
        c->seg[S_TR] = (cpu_seg){ sel, desc_attr(hi), desc_base(lo, hi), desc_limit(lo, hi) };
        return;
    }
    default: { /* VERR, VERW */
        uint16_t sel = (uint16_t)rm_read(c, i, 2);
        uint32_t lo, hi;
        bool ok = false;
        if ((sel & ~3u) != 0 && seg_read_descriptor(c, sel, &lo, &hi) && (hi & 0x1000) && desc_visible(c, sel, hi)) {
            int type = (hi >> 8) & 0xF;
            ok = i->reg == 4 ? (!(type & 8) || (type & 2)) : (!(type & 8) && (type & 2));
        }
        set_zf(c, ok);
        return;
    }
    }
}

static bool lar_lsl_valid(uint32_t hi, bool lar) {
    if (hi & 0x1000) return true;   /* code or data */
    int type = (hi >> 8) & 0xF;
    switch (type) {
    case 1: case 2: case 3: case 9: case 11: return true;
    case 4: case 5: case 12: return lar;
    default: return false;
    }
}

static void lar_lsl(cpu *c, const cpu_insn *i, bool lar) {
    uint16_t sel = (uint16_t)rm_read(c, i, 2);
    uint32_t lo, hi;
    if ((sel & ~3u) == 0 || !seg_read_descriptor(c, sel, &lo, &hi) || !lar_lsl_valid(hi, lar) ||
        !desc_visible(c, sel, hi)) {
        set_zf(c, false);
        return;
    }
    uint32_t v = lar ? (hi & 0x00F0FF00u) : desc_limit(lo, hi);
    set_reg(c, i->reg, opsize(i), v);
    set_zf(c, true);
}

void op_lar(cpu *c, const cpu_insn *i) { lar_lsl(c, i, true); }
void op_lsl(cpu *c, const cpu_insn *i) { lar_lsl(c, i, false); }

void op_arpl(cpu *c, const cpu_insn *i) {
    uint32_t d = rm_read(c, i, 2), s = get_reg(c, i->reg, 2);
    if ((d & 3) < (s & 3)) {
        rm_write(c, i, 2, (d & ~3u) | (s & 3));
        set_zf(c, true);
    } else {
        set_zf(c, false);
    }
}
