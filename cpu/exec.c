/* The run loop, exceptions and interrupt delivery, control registers. */
#include "cpu/internal.h"
#include "cpu/dispatch.h"

#include <stdlib.h>

void cpu_emit(cpu *c, cpu_event_kind kind, uint32_t vector, uint32_t error, bool has_error, uint32_t value) {
    if (!c->bus.event) return;
    cpu_event ev = { kind, vector, error, has_error, c->eip, value, 0, 0, 0, 0, NULL };
    c->bus.event(c->bus.ctx, &ev);
}

void cpu_raise(cpu *c, int vector, uint32_t error, bool has_error) {
    c->exc_vector = vector;
    c->exc_error = error;
    c->exc_has_error = has_error;
    longjmp(c->exc_jmp, 1);
}

void cpu_init(cpu *c, const cpu_bus *bus) {
    memset(c, 0, sizeof *c);
    c->tlb_used_count = UINT32_MAX;   /* zeroed entries are not invalid yet: the first flush scans all */
    cpu_decoder_init();
    c->bus = *bus;
    c->code_page_count = bus->ram_size / 4096 + 1;
    c->code_pages = calloc(c->code_page_count, sizeof *c->code_pages);
    for (int k = 0; k < COST_CLASS_COUNT; k++) c->cost[k] = 1;
    c->delivering = -1;
    svm_init(c);
    cpu_reset_flat32(c);
}

void cpu_free(cpu *c) {
    code_pages_free(c);
    svm_free(c);
}

void cpu_reset_flat32(cpu *c) {
    memset(c->regs, 0, sizeof c->regs);
    c->eip = 0;
    c->eflags_rest = 2;
    flags_set_arith(c, 0);
    c->cr0 = CR0_PE | CR0_ET;
    c->cr2 = c->cr3 = c->cr4 = 0;
    c->efer = 0;
    for (int s = 0; s < S_COUNT; s++) c->seg[s] = (cpu_seg){ 0, 0, 0, 0xFFFF };
    seg_load_flat(c, S_CS, 0x08, true);
    int data[] = { S_ES, S_SS, S_DS, S_FS, S_GS };
    for (int k = 0; k < 5; k++) seg_load_flat(c, data[k], 0x10, false);
    c->seg[S_LDTR] = (cpu_seg){ 0, 0x82, 0, 0xFFFF };
    c->seg[S_TR] = (cpu_seg){ 0, 0x8B, 0, 0xFFFF };
    c->gdtr = (cpu_dtr){ 0, 0xFFFF };
    c->idtr = (cpu_dtr){ 0, 0x3FF };
    c->cpl = 0;
    c->halted = c->shutdown = false;
    c->delivering = -1;
    c->guest_mode = false;
    c->gif = true;
    tlb_flush_all(c, false);
}

void cpu_request_stop(cpu *c) {
    c->stop_requested = true;
    c->deadline = 0;
}

void cpu_interrupt_changed(cpu *c) {
    c->intr_line = true;
    c->deadline = 0;
}

void cpu_eflags_written(cpu *c, uint32_t old) {
    if (!(old & F_IF) && (c->eflags_rest & F_IF)) c->deadline = 0;
}

/* ---- control registers ---- */

void cpu_write_cr(cpu *c, int n, uint32_t v) {
    switch (n) {
    case 0: {
        if ((v & CR0_PG) && !(v & CR0_PE)) RAISE_GP0(c);
        if ((v & CR0_NW) && !(v & CR0_CD)) RAISE_GP0(c);
        if (!(v & CR0_PE)) RAISE_GP0(c);   /* real mode is outside vx86's subset */
        uint32_t changed = c->cr0 ^ v;
        c->cr0 = v | CR0_ET;
        if (changed & (CR0_PG | CR0_WP | CR0_PE)) {
            tlb_flush_all(c, false);
            cpu_emit(c, CPU_EV_TLB_FLUSH, 0, 0, false, 0);
        }
        break;
    }
    case 2: c->cr2 = v; break;
    case 3:
        c->cr3 = v;
        tlb_flush_all(c, true);
        cpu_emit(c, CPU_EV_CR3_WRITE, 0, 0, false, v);
        break;
    case 4: {
        /* Supported: VME..PCE bits we model (PSE, PGE) plus harmless ones; PAE and others #GP. */
        uint32_t allowed = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE;
        if (v & ~allowed) RAISE_GP0(c);
        if (v & CR4_PAE) RAISE_GP0(c);   /* PAE is not implemented */
        uint32_t changed = c->cr4 ^ v;
        c->cr4 = v;
        if (changed & (CR4_PSE | CR4_PGE)) {
            tlb_flush_all(c, false);
            cpu_emit(c, CPU_EV_TLB_FLUSH, 0, 0, false, 0);
        }
        break;
    }
    default: RAISE(c, EXC_UD);
    }
}

/* ---- event delivery through the IDT ---- */

static bool contributory(int v) { return v == EXC_DE || (v >= EXC_TS && v <= EXC_GP); }

static void push_on(cpu *c, uint32_t *sp, uint32_t ss_base, uint32_t mask, int size, uint32_t v) {
    *sp = (*sp - (uint32_t)size) & mask;
    /* Pushes during delivery are supervisor accesses when the new CPL is 0 */
    uint32_t lin = ss_base + *sp;
    lin_write(c, lin, size, v);
}

void cpu_deliver(cpu *c, int vector, uint32_t error, bool has_error, int kind, uint32_t return_eip) {
    uint32_t ext = kind == DELIVER_SOFT ? 0 : 1;
    uint32_t idt_err = (uint32_t)vector * 8 + 2 + ext;
    if ((uint32_t)vector * 8 + 7 > c->idtr.limit) RAISE_ERR(c, EXC_GP, idt_err);
    uint32_t gate_lin = c->idtr.base + (uint32_t)vector * 8;
    int saved_cpl = c->cpl;
    c->cpl = 0;   /* descriptor-table reads are supervisor accesses */
    uint32_t lo = lin_read(c, gate_lin, 4), hi = lin_read(c, gate_lin + 4, 4);
    c->cpl = saved_cpl;
    int type = (hi >> 8) & 0x1F;
    int gate_dpl = (hi >> 13) & 3;
    bool gate32;
    if (type == 0x0E || type == 0x0F) gate32 = true;
    else if (type == 0x06 || type == 0x07) gate32 = false;
    else RAISE_ERR(c, EXC_GP, idt_err);   /* task gates: hardware task switching is not modelled */
    if (kind == DELIVER_SOFT && gate_dpl < c->cpl) RAISE_ERR(c, EXC_GP, idt_err);
    if (!(hi & 0x8000)) RAISE_ERR(c, EXC_NP, idt_err);
    bool trap_gate = type & 1;
    uint16_t sel = (uint16_t)(lo >> 16);
    uint32_t offset = gate32 ? ((lo & 0xFFFF) | (hi & 0xFFFF0000u)) : (lo & 0xFFFF);
    if ((sel & ~3u) == 0) RAISE_ERR(c, EXC_GP, ext);
    uint32_t dlo, dhi;
    if (!seg_read_descriptor(c, sel, &dlo, &dhi)) RAISE_ERR(c, EXC_GP, (sel & ~3u) + ext);
    int dtype = (dhi >> 8) & 0x1F;
    int ddpl = (dhi >> 13) & 3;
    if ((dtype & 0x18) != 0x18 || ddpl > c->cpl) RAISE_ERR(c, EXC_GP, (sel & ~3u) + ext);
    if (!(dhi & 0x8000)) RAISE_ERR(c, EXC_NP, (sel & ~3u) + ext);
    bool conforming = dtype & 4;
    int new_cpl = conforming ? c->cpl : ddpl;
    uint32_t eflags = cpu_get_eflags(c);
    int psize = gate32 ? 4 : 2;
    uint32_t limit = desc_limit(dlo, dhi);
    if (offset > limit) RAISE_ERR(c, EXC_GP, 0);

    if (new_cpl < c->cpl) {
        /* Inter-privilege: the new stack comes from the TSS. */
        cpu_seg *tr = &c->seg[S_TR];
        uint32_t esp_off = 4 + (uint32_t)new_cpl * 8;
        if (esp_off + 5 > tr->limit) RAISE_ERR(c, EXC_TS, (tr->sel & ~3u) + ext);
        c->cpl = 0;
        uint32_t new_esp = lin_read(c, tr->base + esp_off, 4);
        uint16_t new_ss = (uint16_t)lin_read(c, tr->base + esp_off + 4, 2);
        c->cpl = saved_cpl;
        uint32_t slo, shi;
        if ((new_ss & ~3u) == 0) RAISE_ERR(c, EXC_TS, ext);
        if (!seg_read_descriptor(c, new_ss, &slo, &shi)) RAISE_ERR(c, EXC_TS, (new_ss & ~3u) + ext);
        int stype = (shi >> 8) & 0x1F;
        if ((new_ss & 3) != new_cpl || (int)((shi >> 13) & 3) != new_cpl || (stype & 0x1A) != 0x12)
            RAISE_ERR(c, EXC_TS, (new_ss & ~3u) + ext);
        if (!(shi & 0x8000)) RAISE_ERR(c, EXC_SS, (new_ss & ~3u) + ext);
        uint32_t ss_base = desc_base(slo, shi);
        uint32_t mask = (shi & 0x00400000u) ? 0xFFFFFFFFu : 0xFFFFu;
        uint32_t sp = new_esp;
        c->cpl = new_cpl;   /* the pushes are made at the new privilege */
        uint16_t old_ss = c->seg[S_SS].sel;
        uint32_t old_esp = c->regs[R_ESP];
        push_on(c, &sp, ss_base, mask, psize, old_ss);
        push_on(c, &sp, ss_base, mask, psize, old_esp);
        push_on(c, &sp, ss_base, mask, psize, eflags);
        push_on(c, &sp, ss_base, mask, psize, c->seg[S_CS].sel);
        push_on(c, &sp, ss_base, mask, psize, return_eip);
        if (has_error) push_on(c, &sp, ss_base, mask, psize, error);
        seg_set_from_descriptor(c, S_SS, new_ss, slo, shi);
        c->regs[R_ESP] = (c->regs[R_ESP] & ~mask) | (sp & mask);
    } else {
        uint32_t mask = sp_mask(c);
        uint32_t sp = c->regs[R_ESP];
        uint32_t ss_base = c->seg[S_SS].base;
        push_on(c, &sp, ss_base, mask, psize, eflags);
        push_on(c, &sp, ss_base, mask, psize, c->seg[S_CS].sel);
        push_on(c, &sp, ss_base, mask, psize, return_eip);
        if (has_error) push_on(c, &sp, ss_base, mask, psize, error);
        c->regs[R_ESP] = (c->regs[R_ESP] & ~mask) | (sp & mask);
    }
    seg_set_from_descriptor(c, S_CS, (uint16_t)((sel & ~3u) | (uint32_t)new_cpl), dlo, dhi);
    c->cpl = new_cpl;
    c->eip = offset;
    c->eflags_rest &= ~(F_TF | F_NT | F_RF | F_VM);
    if (!trap_gate) c->eflags_rest &= ~F_IF;
    fetch_invalidate(c);
}

/* An exception was raised (cpu_raise longjmp'd back to the run loop): deliver it precisely. */
static void handle_exception(cpu *c) {
    int v = c->exc_vector;
    uint32_t err = c->exc_error;
    bool has = c->exc_has_error;
    if (!c->guest_mode || v != VEC_SVM_EXIT) c->cycles += c->cost[COST_EXCEPTION];
    /* undo a half-done privilege change: CPL == CS.RPL; in an SVM guest CS.RPL need not be the
     * CPL but SS.DPL is (SVM.md keeps VMCB CPL = SS.DPL), and SS changes last -- so a shadow-
     * paging #PF met at a temporary CPL 0 (descriptor reads) or on the new stack of an
     * inter-privilege delivery or INT n exits with the guest's own CPL */
    if (!c->guest_mode) c->cpl = c->seg[S_CS].sel & 3;
    else c->cpl = (c->seg[S_SS].attr >> 5) & 3;
    if (c->esp_rollback) {
        /* the few handlers that move ESP before their last check ask for it back */
        c->regs[R_ESP] = c->insn_esp;
        c->esp_rollback = false;
    }
    if (v == VEC_SVM_EXIT) {
        svm_vmexit(c, c->svm->pend_code, c->svm->pend_info1, c->svm->pend_info2);
        return;
    }
    /* An intercepted exception exits before the double-fault rules: a #PF met while delivering
     * another event exits as #PF with that event in EXITINTINFO, which a shadow-paging hypervisor
     * re-injects once it has filled its tables (APM vol. 2 §15.7.2 and §15.12; QEMU checks the
     * intercept first as well). */
    bool intercepted = svm_exception_intercepted(c, v);
    if (c->delivering >= 0 && !intercepted) {
        int prev = c->delivering;
        if (prev == EXC_DF) {
            c->delivering = -1;
            cpu_emit(c, CPU_EV_TRIPLE_FAULT, (uint32_t)v, err, has, 0);
            if (c->guest_mode && (c->svm->vec3 & V3_SHUTDOWN)) {
                svm_vmexit(c, SVM_EXIT_SHUTDOWN, 0, 0);
                return;
            }
            c->shutdown = true;
            return;
        }
        if ((contributory(prev) && contributory(v)) || (prev == EXC_PF && (v == EXC_PF || contributory(v)))) {
            v = EXC_DF;
            err = 0;
            has = true;
        }
    }
    /* Faults restart the instruction: c->eip still holds its start (handlers only move eip_next). */
    uint32_t fault_addr = (uint32_t)c->exc_cr2;
    cpu_emit(c, CPU_EV_EXCEPTION, (uint32_t)v, err, has, v == EXC_PF ? fault_addr : 0);
    if (intercepted) {
        /* intercepted before delivery; a #PF intercept leaves CR2 alone */
        svm_vmexit(c, SVM_EXIT_EXC((uint32_t)v), has ? err : 0, v == EXC_PF ? fault_addr : 0);
        return;
    }
    if (v == EXC_PF) c->cr2 = fault_addr;
    if (c->delivering < 0) {
        c->deliver_info = EVT_VECTOR(v) | EVT_TYPE(EVT_EXC) | (has ? EVT_EV : 0u);
        c->deliver_error = err;
    }
    c->delivering = v;
    cpu_deliver(c, v, err, has, DELIVER_EXCEPTION, c->eip);
    c->delivering = -1;
    c->halted = false;
}

/* ---- fetch ---- */

static void fetch_setup(cpu *c, uint32_t lin) {
    if (c->eip > c->seg[S_CS].limit) RAISE_ERR(c, EXC_GP, 0);
    uint32_t pa = mmu_translate(c, lin, ACC_EXEC, is_user(c));
    /* decoded forms depend on the code segment's size and flatness (see cpu_specialize) */
    const cpu_seg *cs = &c->seg[S_CS];
    uint8_t mode = (uint8_t)(((cs->attr & 0x400) ? 1 : 0) | ((cs->base == 0 && cs->limit == 0xFFFFFFFFu) ? 2 : 0));
    c->fetch_page = code_page_get(c, pa >> 12, mode);
    c->fetch_lin_page = lin >> 12;
}

/* Cache a decoded instruction: its handler beside it, its threaded entry in its place (dispatch.h). */
void code_page_store(cpu_code_page *cp, uint32_t off, const cpu_insn *decoded) {
    cp->insns[off] = *decoded;
    cp->insns[off].fn = cpu_threaded(decoded->fn);
    cp->handler[off] = decoded->fn;
}

/* The instruction at CS:EIP: cached in its code page (fn is its threaded entry), or, where it cannot
 * be cached (outside RAM, across the page's end, a page made stale while decoding), decoded into
 * *tmp (fn is its handler). */
static inline const cpu_insn *fetch(cpu *c, cpu_insn *tmp) {
    uint32_t lin = c->seg[S_CS].base + c->eip;
    if (UNLIKELY((lin >> 12) != c->fetch_lin_page)) fetch_setup(c, lin);
    cpu_code_page *cp = c->fetch_page;
    if (UNLIKELY(!cp)) {
        cpu_decode(c, lin, tmp);
        return tmp;
    }
    uint32_t off = lin & 0xFFF;
    cpu_insn *i = &cp->insns[off];
    if (LIKELY(i->fn != NULL)) return i;
    cpu_decode(c, lin, tmp);
    if (off + tmp->len <= CODE_PAGE_SIZE && c->fetch_page == cp && !cp->stale) {
        code_page_store(cp, off, tmp);
        for (uint32_t k = off; k < off + tmp->len; k++) cp->covered[k >> 3] |= (uint8_t)(1u << (k & 7));
        return i;
    }
    return tmp;
}

/* With breakpoints or watchpoints set, every instruction boundary comes here (deadline 0). */
static bool debug_checks(cpu *c, cpu_stop *why) {
    c->deadline = 0;
    if (c->watch_hit) {
        c->watch_hit = false;
        *why = CPU_STOP_WATCH;
        return true;
    }
    if (c->bp_skip && c->bp_skip_eip == c->eip) {
        c->bp_skip = false;
        return false;
    }
    c->bp_skip = false;
    for (int k = 0; k < c->bp_count; k++) {
        if (c->bp_addr[k] == c->eip) {
            c->bp_skip = true;
            c->bp_skip_eip = c->eip;
            *why = CPU_STOP_BREAK;
            return true;
        }
    }
    return false;
}

bool cpu_add_breakpoint(cpu *c, uint32_t eip) {
    for (int k = 0; k < c->bp_count; k++)
        if (c->bp_addr[k] == eip) return true;
    if (c->bp_count >= CPU_MAX_BREAKPOINTS) return false;
    c->bp_addr[c->bp_count++] = eip;
    c->deadline = 0;
    return true;
}

bool cpu_remove_breakpoint(cpu *c, uint32_t eip) {
    for (int k = 0; k < c->bp_count; k++) {
        if (c->bp_addr[k] == eip) {
            c->bp_addr[k] = c->bp_addr[--c->bp_count];
            return true;
        }
    }
    return false;
}

bool cpu_add_watchpoint(cpu *c, uint32_t lin, uint32_t len, int kind) {
    if (c->watch_count >= CPU_MAX_WATCHPOINTS || len == 0 || kind < 1 || kind > 3) return false;
    /* No TLB flush: with watchpoints set every data access takes the checking slow path
     * (cpu/internal.h), so the machine's state and cycle counts stay those of a run without. */
    c->watch[c->watch_count++] = (cpu_watch){ lin, len, kind };
    for (int s = 0; s < S_COUNT; s++) seg_update_flat(c, s);   /* seg_fast: no inline TLB path now */
    c->deadline = 0;
    return true;
}

bool cpu_remove_watchpoint(cpu *c, uint32_t lin, uint32_t len, int kind) {
    for (int k = 0; k < c->watch_count; k++) {
        if (c->watch[k].lin == lin && c->watch[k].len == len && c->watch[k].kind == kind) {
            c->watch[k] = c->watch[--c->watch_count];
            for (int s = 0; s < S_COUNT; s++) seg_update_flat(c, s);
            return true;
        }
    }
    return false;
}

/* Returns true if the loop must stop (stop reason in *why). */
static bool boundary_checks(cpu *c, cpu_stop *why) {
    if (c->shutdown) { *why = CPU_STOP_SHUTDOWN; return true; }
    if (c->stop_requested) {
        c->stop_requested = false;
        *why = CPU_STOP_LIMIT;
        return true;
    }
    if (UNLIKELY(c->watch_hit)) {   /* before the limit: a single step that hit a watchpoint says so */
        c->watch_hit = false;
        *why = CPU_STOP_WATCH;
        return true;
    }
    if (c->cycles >= c->run_limit) { *why = CPU_STOP_LIMIT; return true; }
    c->deadline = c->run_limit;
    if (UNLIKELY(c->bp_count || c->watch_count) && debug_checks(c, why)) return true;
    if (c->guest_mode && svm_boundary(c)) {
        c->deadline = 0;
    } else if (c->inhibit_irq) {
        c->inhibit_irq = 0;
        c->deadline = 0;   /* look again after the next instruction */
    } else if (c->intr_line && (c->eflags_rest & F_IF) && c->gif) {
        int v = c->bus.intr_ack ? c->bus.intr_ack(c->bus.ctx) : -1;
        if (v < 0) {
            c->intr_line = false;
        } else {
            c->halted = false;
            cpu_emit(c, CPU_EV_INTERRUPT, (uint32_t)v, 0, false, 0);
            c->delivering = v;
            c->deliver_info = (uint32_t)v;
            c->deliver_error = 0;
            cpu_deliver(c, v, 0, false, DELIVER_EXTERNAL, c->eip);
            c->delivering = -1;
            c->deadline = 0;   /* another may be pending */
        }
    }
    if (c->halted) { *why = CPU_STOP_HALT; return true; }
    return false;
}

/* The entry of every handler without one of its own (ops_fast.c has those of the hot ones). */
DISPATCH_ATTR void dispatch_call(cpu *c, const cpu_insn *i) {
    const cpu_code_page *cp = c->dispatch_page;
    dispatch_enter_jump(c, i);
    cp->handler[i - cp->insns](c, i);
    dispatch_next(c, i);
}

DISPATCH_ATTR void dispatch_slow(cpu *c, const cpu_insn *i) {
    dispatch_enter_jump(c, i);
    c->slow_handler(c, i);
    dispatch_next(c, i);
}

/* The run loop: the instruction boundary. Everything rare is checked here (interrupts, the cycle
 * limit, breakpoints; boundary_checks) and a new code page is entered (fetch: translate, maybe
 * decode); then the instruction's threaded entry runs it and, chaining from entry to entry, the
 * instructions after it on the same page, until one of them finds that a boundary check is due
 * (the cycle count reached `deadline`: the limit, or 0 when something needs a look: an interrupt
 * line, STI, a watchpoint hit, a breakpoint being set, the page's translation dropped by a CS load,
 * a TLB flush, a world switch or a write into decoded bytes), that EIP left the page, or that the
 * next instruction is not decoded yet (cpu/dispatch.h).
 * The loop lives in its own function: a function that calls setjmp keeps its locals in memory. */
static HOT_LOOP cpu_stop run_loop(cpu *c) {
    cpu_stop why = CPU_STOP_LIMIT;
    cpu_insn tmp;
    for (;;) {
        if (UNLIKELY(c->cycles >= c->deadline) && boundary_checks(c, &why)) return why;
#ifndef DISPATCH_MUSTTAIL
        /* without a guaranteed tail call a chain may grow the host stack: bound it */
        if (c->deadline > c->cycles + DISPATCH_CHAIN_MAX) c->deadline = c->cycles + DISPATCH_CHAIN_MAX;
#endif
        const cpu_insn *i = fetch(c, &tmp);
        c->eip_next = c->eip + i->len;
        if (UNLIKELY(i == &tmp)) {   /* not cached: just this one */
            tmp.fn(c, &tmp);
            retire(c, &tmp, c->eip_next);
            continue;
        }
        c->dispatch_page = c->fetch_page;
        c->dispatch_eip_base = (c->fetch_lin_page << 12) - c->seg[S_CS].base;
        i->fn(c, i);
    }
}

cpu_stop cpu_run(cpu *c, uint64_t cycle_limit) {
    c->run_limit = cycle_limit;
    c->deadline = 0;
    if (setjmp(c->exc_jmp)) {
        handle_exception(c);
        c->deadline = 0;
    }
    return run_loop(c);
}

cpu_stop cpu_step(cpu *c) {
    return cpu_run(c, c->cycles + 1);
}
