/* CPU state for snapshots: an explicit little-endian blob (never a struct dump) holding everything
 * that decides how execution continues. Besides the architectural state this includes the parts of
 * the software TLB and decoded-code cache that change *timing*: a TLB miss charges page-walk cycles,
 * a fetch-page change re-walks, and a write to a decoded page takes the slow path. Restoring them
 * makes a restored run count exactly the cycles of the uninterrupted one. The decoded instructions
 * themselves are not saved: they are decoded again, from the same bytes, on first use. */
#include "cpu/internal.h"
#include "arch/le.h"

#include <stdlib.h>

#define CPU_SNAP_VERSION 1
#define NO_PAGE 0xFFFFFFFFu

/* The stream writer and reader are arch/le.h's (the one little-endian serialiser). */

/* Physical page a valid TLB entry points at (entries are only ever filled for RAM pages). */
static uint32_t tlb_ppn(const cpu *c, const cpu_tlb_entry *e) {
    uintptr_t host = e->addend + ((uintptr_t)e->tag << 12);
    return (uint32_t)((host - (uintptr_t)c->bus.ram) >> 12);
}

static void put_seg(le_writer *w, const cpu_seg *g) {
    le_put16(w, g->sel);
    le_put16(w, g->attr);
    le_put32(w, g->base);
    le_put32(w, g->limit);
}

static cpu_seg get_seg(le_reader *r) {
    cpu_seg g;
    g.sel = le_get16(r);
    g.attr = le_get16(r);
    g.base = le_get32(r);
    g.limit = le_get32(r);
    return g;
}

/* The SVM state (cpu/svm.c): controls latched at VMRUN and the host state it saved. */
static void save_svm(le_writer *w, const cpu_svm *v) {
    le_put32(w, v->hsave_pa);
    le_put32(w, v->vmcb);
    le_put16(w, v->cr_read);
    le_put16(w, v->cr_write);
    le_put32(w, v->exc);
    le_put32(w, v->vec3);
    le_put32(w, v->vec4);
    le_put32(w, v->iopm);
    le_put32(w, v->msrpm);
    le_put32(w, v->asid);
    le_put8(w, (uint8_t)(v->np | v->npse << 1 | v->v_irq << 2 | v->v_ign_tpr << 3 | v->v_masking << 4 | v->host_if << 5));
    le_put32(w, v->ncr3);
    le_put8(w, v->v_tpr);
    le_put8(w, v->v_prio);
    le_put8(w, v->v_vector);
    le_put64(w, v->entered_at);
    for (int k = 0; k < 4; k++) put_seg(w, &v->h_seg[k]);
    le_put32(w, v->h_gdtr.base);
    le_put16(w, v->h_gdtr.limit);
    le_put32(w, v->h_idtr.base);
    le_put16(w, v->h_idtr.limit);
    le_put64(w, v->h_efer);
    le_put64(w, v->h_tsc_offset);
    le_put32(w, v->h_cr0);
    le_put32(w, v->h_cr3);
    le_put32(w, v->h_cr4);
    le_put32(w, v->h_eflags);
    le_put32(w, v->h_esp);
    le_put32(w, v->h_eax);
    le_put32(w, v->h_eip);
    le_put64(w, v->pend_code);
    le_put64(w, v->pend_info1);
    le_put64(w, v->pend_info2);
}

static bool load_svm(le_reader *r, cpu_svm *v) {
    v->hsave_pa = le_get32(r);
    v->vmcb = le_get32(r);
    v->cr_read = le_get16(r);
    v->cr_write = le_get16(r);
    v->exc = le_get32(r);
    v->vec3 = le_get32(r);
    v->vec4 = le_get32(r);
    v->iopm = le_get32(r);
    v->msrpm = le_get32(r);
    v->asid = le_get32(r);
    uint8_t f = le_get8(r);
    v->np = f & 1;
    v->npse = f & 2;
    v->v_irq = f & 4;
    v->v_ign_tpr = f & 8;
    v->v_masking = f & 16;
    v->host_if = f & 32;
    v->ncr3 = le_get32(r);
    v->v_tpr = le_get8(r);
    v->v_prio = le_get8(r);
    v->v_vector = le_get8(r);
    v->entered_at = le_get64(r);
    for (int k = 0; k < 4; k++) v->h_seg[k] = get_seg(r);
    v->h_gdtr.base = le_get32(r);
    v->h_gdtr.limit = le_get16(r);
    v->h_idtr.base = le_get32(r);
    v->h_idtr.limit = le_get16(r);
    v->h_efer = le_get64(r);
    v->h_tsc_offset = le_get64(r);
    v->h_cr0 = le_get32(r);
    v->h_cr3 = le_get32(r);
    v->h_cr4 = le_get32(r);
    v->h_eflags = le_get32(r);
    v->h_esp = le_get32(r);
    v->h_eax = le_get32(r);
    v->h_eip = le_get32(r);
    v->pend_code = le_get64(r);
    v->pend_info1 = le_get64(r);
    v->pend_info2 = le_get64(r);
    return r->ok && f < 64;
}

size_t cpu_snapshot_save(cpu *c, uint8_t *buf, size_t cap) {
    le_writer w = { buf, cap, 0 };
    le_put8(&w, CPU_SNAP_VERSION);
    for (int k = 0; k < 8; k++) le_put32(&w, c->regs[k]);
    le_put32(&w, c->eip);
    le_put32(&w, cpu_get_eflags(c));
    for (int s = 0; s < S_COUNT; s++) put_seg(&w, &c->seg[s]);
    le_put32(&w, c->gdtr.base);
    le_put16(&w, c->gdtr.limit);
    le_put32(&w, c->idtr.base);
    le_put16(&w, c->idtr.limit);
    le_put32(&w, c->cr0);
    le_put32(&w, c->cr2);
    le_put32(&w, c->cr3);
    le_put32(&w, c->cr4);
    le_put64(&w, c->efer);
    le_put64(&w, c->tsc_offset);
    le_put64(&w, c->cycles);
    le_put64(&w, c->icount);
    le_put8(&w, (uint8_t)(c->halted | c->shutdown << 1 | c->stop_requested << 2 | c->intr_line << 3));
    le_put8(&w, c->inhibit_irq);
    le_put8(&w, (uint8_t)c->cpl);
    le_put32(&w, (uint32_t)c->delivering);
    le_put32(&w, (uint32_t)c->exc_depth);
    le_put8(&w, COST_CLASS_COUNT);
    for (int k = 0; k < COST_CLASS_COUNT; k++) le_put64(&w, c->cost[k]);
    for (int k = 0; k < 8; k++) le_put64(&w, c->dr[k]);
    for (int k = 0; k < 3; k++) le_put64(&w, c->msr_sysenter[k]);
    le_put64(&w, c->exc_cr2);
    le_put32(&w, c->deliver_info);
    le_put32(&w, c->deliver_error);
    le_put8(&w, (uint8_t)(c->guest_mode | c->gif << 1 | (c->svm != NULL) << 2));
    if (c->svm) save_svm(&w, c->svm);

    for (int u = 0; u < 2; u++)
        for (int k = 0; k < 2; k++)
            for (int n = 0; n < CPU_TLB_SIZE; n++) {
                const cpu_tlb_entry *e = &c->tlb[u][k][n];
                le_put32(&w, e->tag);
                if (e->tag == CPU_TLB_INVALID) continue;
                le_put8(&w, (uint8_t)(e->global != 0));
                le_put32(&w, tlb_ppn(c, e));
            }
    le_put32(&w, c->fetch_lin_page);
    le_put32(&w, c->fetch_lin_page != CPU_TLB_INVALID && c->fetch_page ? c->fetch_page->ppn : NO_PAGE);

    uint32_t pages = 0;
    for (uint32_t k = 0; c->code_pages && k < c->code_page_count; k++) pages += c->code_pages[k] != NULL;
    le_put32(&w, pages);
    for (uint32_t k = 0; c->code_pages && k < c->code_page_count; k++) {
        const cpu_code_page *cp = c->code_pages[k];
        if (!cp) continue;
        le_put32(&w, cp->ppn);
        le_put8(&w, cp->mode);
        le_put8(&w, cp->stale);
        for (size_t b = 0; b < sizeof cp->covered; b++) le_put8(&w, cp->covered[b]);
        /* Which offsets hold a decoded instruction: decoding again costs a page walk under paging. */
        for (uint32_t b = 0; b < CODE_PAGE_SIZE / 8; b++) {
            uint8_t starts = 0;
            for (uint32_t k = 0; k < 8; k++) starts |= (uint8_t)((cp->insns[b * 8 + k].fn != NULL) << k);
            le_put8(&w, starts);
        }
    }
    return w.pos;
}

/* Decode again the instructions a page had cached, from its physical bytes, as the fetch path
 * decoded them: the same bytes, code-segment mode and cost table give the same decoded form.
 * Paging and SVM are switched off meanwhile so the decoder reads physical memory at no cost; the
 * TLB entries this fills are overwritten from the snapshot afterwards. */
static void redecode(cpu *c, cpu_code_page *cp, const uint8_t *starts) {
    uint32_t cr0 = c->cr0;
    bool guest = c->guest_mode;
    cpu_seg cs = c->seg[S_CS];
    int cpl = c->cpl;
    uint64_t cycles = c->cycles;
    c->cr0 &= ~CR0_PG;
    c->guest_mode = false;
    c->cpl = 0;
    c->seg[S_CS].attr = (uint16_t)((cp->mode & 1) ? 0xC9B : 0x09B);
    c->seg[S_CS].base = 0;
    c->seg[S_CS].limit = (cp->mode & 2) ? 0xFFFFFFFFu : 0xFFFFFu;
    for (uint32_t off = 0; off < CODE_PAGE_SIZE; off++)
        if (starts[off / 8] >> (off % 8) & 1) {
            cpu_insn d;
            cpu_decode(c, (cp->ppn << 12) | off, &d);
            code_page_store(cp, off, &d);
        }
    c->cr0 = cr0;
    c->guest_mode = guest;
    c->seg[S_CS] = cs;
    c->cpl = cpl;
    c->cycles = cycles;
}

static void drop_code_pages(cpu *c) {
    for (uint32_t k = 0; c->code_pages && k < c->code_page_count; k++) {
        free(c->code_pages[k]);
        c->code_pages[k] = NULL;
    }
    c->code_pages_live = 0;
}

/* One pass over the blob: with apply == false it only validates, so a bad blob changes nothing. */
static bool load_pass(cpu *c, const uint8_t *buf, size_t len, bool apply, uint64_t *cost_out) {
    le_reader r = { buf, len, 0, true };
    if (le_get8(&r) != CPU_SNAP_VERSION) return false;
    cpu s;   /* scalar state collected here, copied into *c at the end */
    for (int k = 0; k < 8; k++) s.regs[k] = le_get32(&r);
    s.eip = le_get32(&r);
    uint32_t eflags = le_get32(&r);
    for (int g = 0; g < S_COUNT; g++) s.seg[g] = get_seg(&r);
    s.gdtr.base = le_get32(&r);
    s.gdtr.limit = le_get16(&r);
    s.idtr.base = le_get32(&r);
    s.idtr.limit = le_get16(&r);
    s.cr0 = le_get32(&r);
    s.cr2 = le_get32(&r);
    s.cr3 = le_get32(&r);
    s.cr4 = le_get32(&r);
    s.efer = le_get64(&r);
    s.tsc_offset = le_get64(&r);
    s.cycles = le_get64(&r);
    s.icount = le_get64(&r);
    uint8_t f = le_get8(&r);
    s.inhibit_irq = le_get8(&r);
    s.cpl = le_get8(&r);
    s.delivering = (int)le_get32(&r);
    s.exc_depth = (int)le_get32(&r);
    if (le_get8(&r) != COST_CLASS_COUNT || s.cpl > 3 || s.inhibit_irq > 1 || f > 15) return false;
    for (int k = 0; k < COST_CLASS_COUNT; k++) s.cost[k] = le_get64(&r);
    if (cost_out) memcpy(cost_out, s.cost, sizeof s.cost);
    for (int k = 0; k < 8; k++) s.dr[k] = le_get64(&r);
    for (int k = 0; k < 3; k++) s.msr_sysenter[k] = le_get64(&r);
    s.exc_cr2 = le_get64(&r);
    s.deliver_info = le_get32(&r);
    s.deliver_error = le_get32(&r);
    uint8_t vf = le_get8(&r);
    /* The SVM block exists exactly when this build has SVM state to put it in. */
    if (vf > 7 || ((vf & 4) != 0) != (c->svm != NULL)) return false;
    cpu_svm svm;
    if ((vf & 4) && !load_svm(&r, &svm)) return false;
    if (!r.ok) return false;
    if (apply) {
        memcpy(c->regs, s.regs, sizeof c->regs);
        c->eip = s.eip;
        memcpy(c->seg, s.seg, sizeof c->seg);
        c->gdtr = s.gdtr;
        c->idtr = s.idtr;
        c->cr0 = s.cr0;
        c->cr2 = s.cr2;
        c->cr3 = s.cr3;
        c->cr4 = s.cr4;
        c->efer = s.efer;
        c->tsc_offset = s.tsc_offset;
        c->cycles = s.cycles;
        c->icount = s.icount;
        c->halted = f & 1;
        c->shutdown = f & 2;
        c->stop_requested = f & 4;
        c->intr_line = f & 8;
        c->inhibit_irq = s.inhibit_irq;
        c->cpl = s.cpl;
        c->delivering = s.delivering;
        c->exc_depth = s.exc_depth;
        memcpy(c->cost, s.cost, sizeof c->cost);
        memcpy(c->dr, s.dr, sizeof c->dr);
        memcpy(c->msr_sysenter, s.msr_sysenter, sizeof c->msr_sysenter);
        c->exc_cr2 = s.exc_cr2;
        c->deliver_info = s.deliver_info;
        c->deliver_error = s.deliver_error;
        c->guest_mode = vf & 1;
        c->gif = vf & 2;
        if (c->svm) *c->svm = svm;
        cpu_set_eflags(c, eflags);   /* materialises the lazy flags: same values on every read */
        for (int g = 0; g < S_COUNT; g++) seg_update_flat(c, g);
        c->insn_esp = c->regs[R_ESP];
        c->eip_next = c->eip;
    }

    uint32_t ram_pages = c->bus.ram_size >> 12;
    cpu_tlb_entry tlb[2][2][CPU_TLB_SIZE];   /* applied after the code pages are rebuilt */
    for (int u = 0; u < 2; u++)
        for (int k = 0; k < 2; k++)
            for (int n = 0; n < CPU_TLB_SIZE; n++) {
                cpu_tlb_entry e = { le_get32(&r), 0, 0 };
                if (e.tag != CPU_TLB_INVALID) {
                    e.global = le_get8(&r);
                    uint32_t ppn = le_get32(&r);
                    /* An entry sits in the slot its linear page hashes to, and maps RAM. */
                    if ((e.tag & (CPU_TLB_SIZE - 1)) != (uint32_t)n || ppn >= ram_pages || e.global > 1) return false;
                    e.addend = (uintptr_t)(c->bus.ram + ((uintptr_t)ppn << 12)) - ((uintptr_t)e.tag << 12);
                }
                tlb[u][k][n] = e;
            }
    uint32_t fetch_lin = le_get32(&r), fetch_ppn = le_get32(&r);
    uint32_t pages = le_get32(&r);
    if (!r.ok || pages > c->code_page_count) return false;
    if (apply) drop_code_pages(c);
    for (uint32_t p = 0; p < pages; p++) {
        uint32_t ppn = le_get32(&r);
        uint8_t mode = le_get8(&r), stale = le_get8(&r);
        if (!r.ok || ppn >= c->code_page_count || stale > 1 || mode > 3 || r.len - r.pos < 2 * CODE_PAGE_SIZE / 8)
            return false;
        const uint8_t *covered = r.buf + r.pos, *starts = covered + CODE_PAGE_SIZE / 8;
        r.pos += 2 * CODE_PAGE_SIZE / 8;
        if (!apply || !c->code_pages) continue;
        if (c->code_pages[ppn]) return false;   /* listed twice: cannot happen in a valid blob */
        cpu_code_page *cp = calloc(1, sizeof *cp);
        if (!cp) return false;
        cp->ppn = ppn;
        cp->mode = mode;
        cp->stale = stale;
        memcpy(cp->covered, covered, sizeof cp->covered);
        c->code_pages[ppn] = cp;
        c->code_pages_live++;
        if (!stale) redecode(c, cp, starts);   /* a stale page is cleared before its next use */
    }
    if (apply) {
        memcpy(c->tlb, tlb, sizeof tlb);
        c->tlb_used_count = UINT32_MAX;   /* the next flush scans every entry */
    }
    if (r.pos != r.len) return false;
    if (fetch_lin != CPU_TLB_INVALID && fetch_ppn != NO_PAGE && fetch_ppn >= c->code_page_count) return false;
    if (apply) {
        c->fetch_lin_page = fetch_lin;
        c->fetch_phys_page = fetch_ppn;
        c->fetch_page = NULL;
        if (fetch_lin != CPU_TLB_INVALID && fetch_ppn != NO_PAGE) {
            c->fetch_page = c->code_pages ? c->code_pages[fetch_ppn] : NULL;
            /* The cached fetch page must exist; without it, fall back to a fresh fetch. */
            if (!c->fetch_page) c->fetch_lin_page = CPU_TLB_INVALID;
        }
        c->deadline = 0;
        c->run_limit = UINT64_MAX;
        c->exc_vector = 0;
    }
    return true;
}

bool cpu_snapshot_load(cpu *c, const uint8_t *buf, size_t len) {
    if (!load_pass(c, buf, len, false, NULL)) return false;
    return load_pass(c, buf, len, true, NULL);
}

bool cpu_snapshot_check(cpu *c, const uint8_t *buf, size_t len, uint64_t cost[COST_CLASS_COUNT]) {
    return load_pass(c, buf, len, false, cost);
}
