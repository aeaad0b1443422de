/* Data movement: MOV forms, LEA, MOVZX/MOVSX, XCHG, the stack, string instructions, segment
 * register loads. Every handler reads (and faults) before it commits register state. */
#include <string.h>

#include "cpu/handlers.h"

void op_nop(cpu *c, const cpu_insn *i) { (void)c; (void)i; }

void op_wait(cpu *c, const cpu_insn *i) {
    (void)i;
    if ((c->cr0 & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) RAISE(c, EXC_NM);
}

void op_mov_rm_r(cpu *c, const cpu_insn *i) { rm_write(c, i, i->sz, get_reg(c, i->reg, i->sz)); }
void op_mov_r_rm(cpu *c, const cpu_insn *i) { set_reg(c, i->reg, i->sz, rm_read(c, i, i->sz)); }
void op_mov_rm_imm(cpu *c, const cpu_insn *i) { rm_write(c, i, i->sz, i->imm); }
void op_mov_r_imm(cpu *c, const cpu_insn *i) { set_reg(c, i->op & 7, i->sz, i->imm); }
void op_mov_a_moffs(cpu *c, const cpu_insn *i) { set_reg(c, R_EAX, i->sz, read_mem(c, i->seg, i->disp, i->sz)); }
void op_mov_moffs_a(cpu *c, const cpu_insn *i) { write_mem(c, i->seg, i->disp, i->sz, get_reg(c, R_EAX, i->sz)); }

void op_lea(cpu *c, const cpu_insn *i) { set_reg(c, i->reg, opsize(i), ea_of(c, i)); }

void op_movx(cpu *c, const cpu_insn *i) {
    int src_size = (i->op & 1) ? 2 : 1;
    uint32_t v = rm_read(c, i, src_size);
    if (i->op >= 0xBE) v = src_size == 1 ? (uint32_t)(int32_t)(int8_t)v : (uint32_t)(int32_t)(int16_t)v;
    set_reg(c, i->reg, opsize(i), v);
}

void op_xchg_rm_r(cpu *c, const cpu_insn *i) {
    uint32_t r = get_reg(c, i->reg, i->sz);
    if (i->mod == 3) {
        uint32_t d = get_reg(c, i->rm, i->sz);
        set_reg(c, i->rm, i->sz, r);
        set_reg(c, i->reg, i->sz, d);
        return;
    }
    uint32_t ea = ea_of(c, i);
    uint32_t d = read_mem(c, i->seg, ea, i->sz);
    write_mem(c, i->seg, ea, i->sz, r);
    set_reg(c, i->reg, i->sz, d);
}

void op_xchg_ax_r(cpu *c, const cpu_insn *i) {
    int r = i->op & 7, size = opsize(i);
    uint32_t a = get_reg(c, R_EAX, size);
    set_reg(c, R_EAX, size, get_reg(c, r, size));
    set_reg(c, r, size, a);
}

void op_xlat(cpu *c, const cpu_insn *i) {
    uint32_t a = c->regs[R_EBX] + (c->regs[R_EAX] & 0xFF);
    if (i->a16) a &= 0xFFFF;
    set_r8(c, 0, (uint8_t)read_mem(c, i->seg, a, 1));
}

/* ---- stack ---- */

void op_push_r(cpu *c, const cpu_insn *i) { push(c, opsize(i), c->regs[i->op & 7]); }

void op_pop_r(cpu *c, const cpu_insn *i) {
    uint32_t v = pop(c, opsize(i));
    set_reg(c, i->op & 7, opsize(i), v);
}

void op_push_imm(cpu *c, const cpu_insn *i) {
    uint32_t v = i->op == 0x6A ? (uint32_t)(int32_t)(int8_t)i->imm : i->imm;
    push(c, opsize(i), v);
}

void op_push_rm(cpu *c, const cpu_insn *i) { push(c, opsize(i), rm_read(c, i, opsize(i))); }

void op_pop_rm(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    c->insn_esp = c->regs[R_ESP];
    c->esp_rollback = true;
    uint32_t v = pop(c, size);
    /* the address is computed with the incremented ESP (SDM POP) */
    rm_write(c, i, size, v);
    c->esp_rollback = false;
}

static int sreg_of_opcode(const cpu_insn *i, bool two_byte) {
    if (two_byte) return (i->op & 0x08) ? S_GS : S_FS;
    return (i->op >> 3) & 3;
}

static bool two_byte_sreg(const cpu_insn *i) { return i->op == 0xA0 || i->op == 0xA1 || i->op == 0xA8 || i->op == 0xA9; }

void op_push_sreg(cpu *c, const cpu_insn *i) {
    int s = sreg_of_opcode(i, two_byte_sreg(i));
    push(c, opsize(i), c->seg[s].sel);
}

void op_pop_sreg(cpu *c, const cpu_insn *i) {
    int s = sreg_of_opcode(i, two_byte_sreg(i));
    uint32_t v = read_mem(c, S_SS, c->regs[R_ESP] & sp_mask(c), opsize(i));
    seg_load(c, s, (uint16_t)v);
    set_sp(c, c->regs[R_ESP] + (uint32_t)opsize(i));
    if (s == S_SS) {
        c->inhibit_irq = 1;
        c->deadline = 0;
    }
}

void op_pusha(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t m = sp_mask(c), sp = c->regs[R_ESP];
    for (int r = 0; r < 8; r++) {
        sp = (sp - (uint32_t)size) & m;
        write_mem(c, S_SS, sp, size, c->regs[r]);   /* ESP is stored as it was before the first push */
    }
    set_sp(c, sp);
}

void op_popa(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t m = sp_mask(c), sp = c->regs[R_ESP];
    uint32_t v[8];
    for (int r = 7; r >= 0; r--) {
        v[r] = read_mem(c, S_SS, sp & m, size);
        sp += (uint32_t)size;
    }
    for (int r = 0; r < 8; r++)
        if (r != R_ESP) set_reg(c, r, size, v[r]);
    set_sp(c, sp);
}

void op_enter(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t level = i->imm2 & 0x1F, m = sp_mask(c);
    uint32_t sp = c->regs[R_ESP], bp = c->regs[R_EBP];
    sp = (sp - (uint32_t)size) & m;
    write_mem(c, S_SS, sp, size, bp);
    uint32_t frame = sp;
    if (level > 0) {
        for (uint32_t k = 1; k < level; k++) {
            bp -= (uint32_t)size;
            uint32_t v = read_mem(c, S_SS, bp & m, size);
            sp = (sp - (uint32_t)size) & m;
            write_mem(c, S_SS, sp, size, v);
        }
        sp = (sp - (uint32_t)size) & m;
        write_mem(c, S_SS, sp, size, frame);
    }
    sp = (sp - i->imm) & m;
    set_reg(c, R_EBP, size, frame);
    set_sp(c, sp);
}

void op_leave(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t m = sp_mask(c);
    uint32_t v = read_mem(c, S_SS, c->regs[R_EBP] & m, size);
    set_sp(c, (c->regs[R_EBP] & m) + (uint32_t)size);
    set_reg(c, R_EBP, size, v);
}

/* ---- segment registers ---- */

void op_mov_rm_sreg(cpu *c, const cpu_insn *i) {
    if (i->reg > S_GS) RAISE(c, EXC_UD);
    uint32_t sel = c->seg[i->reg].sel;
    if (i->mod == 3) set_reg(c, i->rm, opsize(i), sel);
    else write_mem(c, i->seg, ea_of(c, i), 2, sel);
}

void op_mov_sreg_rm(cpu *c, const cpu_insn *i) {
    if (i->reg == S_CS || i->reg > S_GS) RAISE(c, EXC_UD);
    seg_load(c, i->reg, (uint16_t)rm_read(c, i, 2));
    if (i->reg == S_SS) {
        c->inhibit_irq = 1;
        c->deadline = 0;
    }
}

void op_lfp(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    int s = i->op == 0xC4 ? S_ES : i->op == 0xC5 ? S_DS : i->op == 0xB2 ? S_SS : i->op == 0xB4 ? S_FS : S_GS;
    uint32_t ea = ea_of(c, i);
    uint32_t off = read_mem(c, i->seg, ea, size);
    uint16_t sel = (uint16_t)read_mem(c, i->seg, i->a16 ? (ea + (uint32_t)size) & 0xFFFF : ea + (uint32_t)size, 2);
    seg_load(c, s, sel);
    set_reg(c, i->reg, size, off);
}

void op_bound(cpu *c, const cpu_insn *i) {
    int size = opsize(i);
    uint32_t ea = ea_of(c, i);
    int32_t lo = (int32_t)read_mem(c, i->seg, ea, size);
    int32_t hi = (int32_t)read_mem(c, i->seg, i->a16 ? (ea + (uint32_t)size) & 0xFFFF : ea + (uint32_t)size, size);
    int32_t idx = (int32_t)c->regs[i->reg];
    if (size == 2) {
        lo = (int16_t)lo;
        hi = (int16_t)hi;
        idx = (int16_t)idx;
    }
    if (idx < lo || idx > hi) RAISE(c, EXC_BR);
}

/* ---- string instructions ---- */

#define STRING_BUDGET 4096

static inline uint32_t addr_mask(const cpu_insn *i) { return i->a16 ? 0xFFFFu : 0xFFFFFFFFu; }

static inline void advance(cpu *c, const cpu_insn *i, int reg, int size) {
    uint32_t m = addr_mask(i);
    uint32_t d = (c->eflags_rest & F_DF) ? (uint32_t)-size : (uint32_t)size;
    c->regs[reg] = (c->regs[reg] & ~m) | ((c->regs[reg] + d) & m);
}

/* Runs one string iteration per call of `body`; with REP, loops within a budget and re-executes
 * the instruction (EIP unchanged) when the budget ends, so interrupts and events stay timely. */
typedef bool (*string_body)(cpu *c, const cpu_insn *i);   /* returns false to stop (REPE/REPNE) */

static void string_loop(cpu *c, const cpu_insn *i, string_body body) {
    if (!i->rep) {
        body(c, i);
        return;
    }
    uint32_t m = addr_mask(i);
    for (int n = 0; n < STRING_BUDGET; n++) {
        if ((c->regs[R_ECX] & m) == 0) return;
        bool go_on = body(c, i);
        c->regs[R_ECX] = (c->regs[R_ECX] & ~m) | ((c->regs[R_ECX] - 1) & m);
        c->cycles += c->cost[COST_STRING_ITER];
        if (!go_on) return;
        if (c->cycles >= c->deadline) break;
    }
    if ((c->regs[R_ECX] & m) != 0) {
        c->eip_next = c->eip;   /* not done: run it again */
        c->icount--;            /* it retires once, when it finishes: the run loop adds these back */
        c->cycles -= i->cost;
    }
}

static bool movs_body(cpu *c, const cpu_insn *i) {
    uint32_t m = addr_mask(i);
    uint32_t v = read_mem(c, i->seg, c->regs[R_ESI] & m, i->sz);
    write_mem(c, S_ES, c->regs[R_EDI] & m, i->sz, v);
    advance(c, i, R_ESI, i->sz);
    advance(c, i, R_EDI, i->sz);
    return true;
}

static bool stos_body(cpu *c, const cpu_insn *i) {
    write_mem(c, S_ES, c->regs[R_EDI] & addr_mask(i), i->sz, get_reg(c, R_EAX, i->sz));
    advance(c, i, R_EDI, i->sz);
    return true;
}

static bool lods_body(cpu *c, const cpu_insn *i) {
    set_reg(c, R_EAX, i->sz, read_mem(c, i->seg, c->regs[R_ESI] & addr_mask(i), i->sz));
    advance(c, i, R_ESI, i->sz);
    return true;
}

static bool repeat_cond(cpu *c, const cpu_insn *i) {
    bool zf = (flags_arith(c) & F_ZF) != 0;
    return i->rep == 0xF3 ? zf : !zf;
}

static bool cmps_body(cpu *c, const cpu_insn *i) {
    uint32_t m = addr_mask(i);
    uint32_t a = read_mem(c, i->seg, c->regs[R_ESI] & m, i->sz);
    uint32_t b = read_mem(c, S_ES, c->regs[R_EDI] & m, i->sz);
    lf_set(c, LF_SUB, i->sz, a - b, a, b);
    advance(c, i, R_ESI, i->sz);
    advance(c, i, R_EDI, i->sz);
    return repeat_cond(c, i);
}

static bool scas_body(cpu *c, const cpu_insn *i) {
    uint32_t a = get_reg(c, R_EAX, i->sz);
    uint32_t b = read_mem(c, S_ES, c->regs[R_EDI] & addr_mask(i), i->sz);
    lf_set(c, LF_SUB, i->sz, a - b, a, b);
    advance(c, i, R_EDI, i->sz);
    return repeat_cond(c, i);
}

void op_movs(cpu *c, const cpu_insn *i) { string_loop(c, i, movs_body); }
/* REP STOS forward through flat 32-bit addressing, the way kernels clear pages: where the rest of
 * the page is in the TLB for writing (RAM only, never a decoded-code page, no watchpoint: tlb_hit),
 * store the whole run at once. It is string_loop with its iterations counted in bulk: the same
 * stores, ECX, EDI and cycles, stopping after the same iteration (the budget, or the first one that
 * reaches the deadline); anything else (a TLB miss, a fault, a page-crossing element) takes one
 * iteration the ordinary way. */
static void stos_fast(cpu *c, const cpu_insn *i) {
    const uint32_t v = get_reg(c, R_EAX, i->sz);
    const uint64_t cost = c->cost[COST_STRING_ITER];   /* the cost table's, as string_loop adds it */
    for (uint32_t n = 0; n < STRING_BUDGET;) {
        uint32_t ecx = c->regs[R_ECX], edi = c->regs[R_EDI];
        if (ecx == 0) return;
        uint32_t room = (0x1000u - (edi & 0xFFFu)) / (uint32_t)i->sz;
        uint8_t *p = room ? tlb_hit(c, S_ES, edi, i->sz, ACC_WRITE) : NULL;
        uint32_t k = 1;
        if (p) {
            k = ecx < room ? ecx : room;
            if (k > STRING_BUDGET - n) k = STRING_BUDGET - n;
            if (cost) {   /* the iteration after which cycles >= deadline ends the run, as in string_loop */
                uint64_t d = c->deadline > c->cycles ? c->deadline - c->cycles : 0;
                uint64_t left = d ? d / cost + (d % cost != 0) : 1;
                if (left < k) k = (uint32_t)left;
            }
            uint32_t byte = v & 0xFFu, same = i->sz == 1 || v == byte * (i->sz == 2 ? 0x0101u : 0x01010101u);
            if (same)     /* every byte alike (a page cleared with zeros): one memset */
                memset(p, (int)byte, (size_t)k * (uint32_t)i->sz);
            else
                for (uint32_t e = 0; e < k; e++)
                    memcpy(p + e * (uint32_t)i->sz, &v, (size_t)i->sz);   /* little-endian host */
            c->regs[R_EDI] = edi + k * (uint32_t)i->sz;
        } else {
            stos_body(c, i);
        }
        c->regs[R_ECX] = ecx - k;
        c->cycles += cost * k;
        n += k;
        if (c->cycles >= c->deadline) break;
    }
    if (c->regs[R_ECX] != 0) {
        c->eip_next = c->eip;   /* not done: run it again (as string_loop) */
        c->icount--;
        c->cycles -= i->cost;
    }
}

void op_stos(cpu *c, const cpu_insn *i) {
    if (i->rep && !i->a16 && !(c->eflags_rest & F_DF))
        stos_fast(c, i);
    else
        string_loop(c, i, stos_body);
}
void op_lods(cpu *c, const cpu_insn *i) { string_loop(c, i, lods_body); }
void op_cmps(cpu *c, const cpu_insn *i) { string_loop(c, i, cmps_body); }
void op_scas(cpu *c, const cpu_insn *i) { string_loop(c, i, scas_body); }

static bool ins_body(cpu *c, const cpu_insn *i) {
    uint16_t port = (uint16_t)c->regs[R_EDX];
    probe_write(c, S_ES, c->regs[R_EDI] & addr_mask(i), i->sz);
    uint32_t v = io_read(c, port, i->sz);
    write_mem(c, S_ES, c->regs[R_EDI] & addr_mask(i), i->sz, v);
    advance(c, i, R_EDI, i->sz);
    return true;
}

static bool outs_body(cpu *c, const cpu_insn *i) {
    uint32_t v = read_mem(c, i->seg, c->regs[R_ESI] & addr_mask(i), i->sz);
    io_write(c, (uint16_t)c->regs[R_EDX], i->sz, v);
    advance(c, i, R_ESI, i->sz);
    return true;
}

void op_ins(cpu *c, const cpu_insn *i) {
    io_check(c, (uint16_t)c->regs[R_EDX], i->sz);
    svm_io_check(c, (uint16_t)c->regs[R_EDX], i->sz, true, true, i->rep != 0, i->a16);
    string_loop(c, i, ins_body);
}

void op_outs(cpu *c, const cpu_insn *i) {
    io_check(c, (uint16_t)c->regs[R_EDX], i->sz);
    svm_io_check(c, (uint16_t)c->regs[R_EDX], i->sz, false, true, i->rep != 0, i->a16);
    string_loop(c, i, outs_body);
}
