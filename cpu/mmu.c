/* Memory management: the page walk (one function for the CPU, debuggers and labs), the software
 * TLB of host pointers, slow-path accesses, and write detection on decoded code pages. */
#include "cpu/internal.h"

#include <stdlib.h>

static bool in_ram(cpu *c, uint32_t pa, int size) {
    return (uint64_t)pa + (uint64_t)size <= c->bus.ram_size;
}

static void code_write_check(cpu *c, uint32_t pa, int size) {
    if (!c->code_pages) return;
    uint32_t ppn = pa >> 12;
    if (ppn >= c->code_page_count) return;
    cpu_code_page *cp = c->code_pages[ppn];
    if (!cp || cp->stale) return;
    for (uint32_t off = pa & 0xFFF, end = off + (uint32_t)size; off < end && off < 0x1000; off++) {
        if (cp->covered[off >> 3] & (1u << (off & 7))) {
            cp->stale = 1;
            fetch_invalidate(c);
            return;
        }
    }
}

void cpu_invalidate_phys(cpu *c, uint32_t paddr, uint32_t len) {
    if (!c->code_pages || len == 0) return;
    uint64_t end = (uint64_t)paddr + len;
    for (uint64_t pa = paddr & ~0xFFFull; pa < end; pa += 0x1000) {
        uint32_t ppn = (uint32_t)(pa >> 12);
        if (ppn < c->code_page_count && c->code_pages[ppn]) c->code_pages[ppn]->stale = 1;
    }
    fetch_invalidate(c);
}

uint32_t phys_read(cpu *c, uint32_t pa, int size) {
    if (LIKELY(in_ram(c, pa, size))) {
        const uint8_t *p = c->bus.ram + pa;
        if (size == 4) { uint32_t v; memcpy(&v, p, 4); return v; }
        if (size == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
        return *p;
    }
    if (c->bus.mmio_read) return c->bus.mmio_read(c->bus.ctx, pa, size) & size_mask(size);
    return size_mask(size);
}

void phys_write(cpu *c, uint32_t pa, int size, uint32_t v) {
    if (LIKELY(in_ram(c, pa, size))) {
        code_write_check(c, pa, size);
        uint8_t *p = c->bus.ram + pa;
        if (size == 4) { uint32_t w = v; memcpy(p, &w, 4); }
        else if (size == 2) { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); }
        else *p = (uint8_t)v;
        return;
    }
    if (c->bus.mmio_write) c->bus.mmio_write(c->bus.ctx, pa, size, v);
}

static void add_step(cpu_walk *w, int level, bool nested, uint32_t gpa, uint32_t addr, uint32_t value) {
    if (w->step_count < CPU_WALK_MAX_STEPS) w->steps[w->step_count++] = (cpu_walk_step){ level, nested, gpa, addr, value };
}

/* The nested dimension (APM vol. 2 §15.25; cpu/README.md): translate a guest-physical address through the 2-level
 * nested tables at N_CR3. Every level needs P=1 and U=1; RW=0 makes a page read-only. Walks of
 * the guest's own page tables count as writes (they may set A/D bits), as on both references.
 * `live`: the processor's own walk, which sets A/D bits and costs virtual time; a debugger's or a
 * lab's look (cpu_translate) changes nothing, not even the cycle count. */
static bool nested_translate(cpu *c, uint32_t gpa, bool write, bool guest_walk, bool live, cpu_walk *w,
                             uint32_t *hpa) {
    const cpu_svm *s = c->svm;
    if (!c->guest_mode || !s->np) {
        *hpa = gpa;
        return true;
    }
    bool wr = write || guest_walk;
    uint64_t kind = guest_walk ? (1ull << 33) : (1ull << 32);
    uint32_t pde_addr = s->ncr3 + ((gpa >> 22) << 2);
    uint32_t pde = phys_read(c, pde_addr, 4);
    add_step(w, 2, true, gpa, pde_addr, pde);
    if (live) c->cycles += c->cost[COST_NESTED_WALK_REF];
    uint64_t fault = 0;
    uint32_t perm = 0, pa = 0, last_addr = pde_addr, last = pde;
    if (!(pde & PTE_P)) {
        fault = kind | 4u | (wr ? 2u : 0u);
    } else if ((pde & PTE_PS) && s->npse) {
        perm = pde;
        pa = (pde & 0xFFC00000u) | (gpa & 0x003FFFFFu);
    } else {
        uint32_t pte_addr = (pde & 0xFFFFF000u) + (((gpa >> 12) & 0x3FF) << 2);
        uint32_t pte = phys_read(c, pte_addr, 4);
        add_step(w, 1, true, gpa, pte_addr, pte);
        if (live) c->cycles += c->cost[COST_NESTED_WALK_REF];
        if (!(pte & PTE_P)) fault = kind | 4u | (wr ? 2u : 0u);
        perm = pde & pte;
        pa = (pte & 0xFFFFF000u) | (gpa & 0xFFF);
        if (live && !fault && !(pde & PTE_A)) phys_write(c, pde_addr, 4, pde | PTE_A);
        last_addr = pte_addr;
        last = pte;
    }
    if (!fault && (!(perm & PTE_U) || (wr && !(perm & PTE_W)))) fault = kind | 4u | 1u | (wr ? 2u : 0u);
    if (fault) {
        w->npf = true;
        w->npf_info1 = fault;
        w->npf_gpa = gpa;
        return false;
    }
    if (live) {
        uint32_t want = last | PTE_A | (wr ? PTE_D : 0);
        if (want != last) phys_write(c, last_addr, 4, want);
    }
    *hpa = pa;
    return true;
}

/* The walk. `live`: it behaves as the processor does (sets accessed/dirty bits, and nested
 * references cost cycles); otherwise it only reports and changes no state at all. The PDE accessed bit is set once the PDE is found present,
 * before the PTE is examined (as on QEMU and Intel parts). In an SVM guest with nested paging,
 * every guest-physical address it touches goes through nested_translate: the 2-D walk. */
static bool walk(cpu *c, uint32_t lin, int acc, bool user, bool live, cpu_walk *w, bool *global) {
    memset(w, 0, sizeof *w);
    *global = false;
    bool write = acc == ACC_WRITE;
    w->nested = c->guest_mode && c->svm->np;
    if (!(c->cr0 & CR0_PG)) {
        w->gpa = lin;
        if (!nested_translate(c, lin, write, false, live, w, &w->paddr)) return false;
        w->ok = true;
        return true;
    }
    w->paging = true;
    uint32_t err = (write ? 2u : 0u) | (user ? 4u : 0u);
    uint32_t pde_gpa = (c->cr3 & 0xFFFFF000u) + ((lin >> 22) << 2), pde_addr;
    if (!nested_translate(c, pde_gpa, false, true, live, w, &pde_addr)) return false;
    uint32_t pde = phys_read(c, pde_addr, 4);
    add_step(w, 2, false, pde_gpa, pde_addr, pde);
    if (!(pde & PTE_P)) {
        w->error_code = err;
        return false;
    }
    uint32_t perm, gpa, last_addr = pde_addr, last = pde;
    if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) {
        w->large = true;
        perm = pde;
        gpa = (pde & 0xFFC00000u) | (lin & 0x003FFFFFu);
        *global = (c->cr4 & CR4_PGE) && (pde & PTE_G);
    } else {
        if (live && !(pde & PTE_A)) phys_write(c, pde_addr, 4, pde | PTE_A);
        uint32_t pte_gpa = (pde & 0xFFFFF000u) + (((lin >> 12) & 0x3FF) << 2), pte_addr;
        if (!nested_translate(c, pte_gpa, false, true, live, w, &pte_addr)) return false;
        uint32_t pte = phys_read(c, pte_addr, 4);
        add_step(w, 1, false, pte_gpa, pte_addr, pte);
        if (!(pte & PTE_P)) {
            w->error_code = err;
            return false;
        }
        perm = pde & pte;
        gpa = (pte & 0xFFFFF000u) | (lin & 0xFFF);
        *global = (c->cr4 & CR4_PGE) && (pte & PTE_G);
        last_addr = pte_addr;
        last = pte;
    }
    bool fault = false;
    if (user && !(perm & PTE_U)) fault = true;
    if (write && !(perm & PTE_W) && (user || (c->cr0 & CR0_WP))) fault = true;
    if (fault) {
        w->error_code = err | 1u;
        return false;
    }
    if (live) {
        uint32_t want = last | PTE_A | (write ? PTE_D : 0);
        if (want != last) phys_write(c, last_addr, 4, want);
    }
    w->gpa = gpa;
    if (!nested_translate(c, gpa, write, false, live, w, &w->paddr)) return false;
    w->ok = true;
    return true;
}

bool cpu_translate(cpu *c, uint32_t lin, int access, bool user, cpu_walk *out) {
    bool global;
    return walk(c, lin, access, user, false, out, &global);
}

bool cpu_translate_vmcb(cpu *c, uint32_t vmcb, uint32_t lin, int access, cpu_walk *out) {
    /* Borrow the guest's paging registers from its VMCB for one side-effect-free walk. */
    uint32_t cr0 = c->cr0, cr3 = c->cr3, cr4 = c->cr4;
    bool guest = c->guest_mode;
    cpu_svm saved = *c->svm;
    c->cr0 = phys_read(c, vmcb + VMCB_CR0, 4);
    c->cr3 = phys_read(c, vmcb + VMCB_CR3, 4);
    c->cr4 = phys_read(c, vmcb + VMCB_CR4, 4);
    c->svm->np = phys_read(c, vmcb + VMCB_NP_ENABLE, 4) & 1;
    c->svm->ncr3 = phys_read(c, vmcb + VMCB_N_CR3, 4) & ~0xFFFu;
    if (!guest) c->svm->npse = (cr4 & CR4_PSE) != 0;
    c->guest_mode = true;
    bool global;
    bool ok = walk(c, lin, access, false, false, out, &global);
    c->cr0 = cr0;
    c->cr3 = cr3;
    c->cr4 = cr4;
    c->guest_mode = guest;
    *c->svm = saved;
    return ok;
}

static void watch_check(cpu *c, uint32_t lin, int size, int kind) {
    for (int k = 0; k < c->watch_count; k++) {
        const cpu_watch *w = &c->watch[k];
        if (!(w->kind & kind)) continue;
        if ((uint64_t)lin + (uint64_t)size > w->lin && lin < (uint64_t)w->lin + w->len) {
            c->watch_hit = true;
            c->watch_hit_addr = lin;
            c->watch_hit_kind = kind;
            c->deadline = 0;
        }
    }
}

static void emit_walk(cpu *c, uint32_t lin, int acc, bool user, const cpu_walk *w) {
    if (!c->bus.event) return;
    cpu_event ev = { CPU_EV_PAGE_WALK, (uint32_t)acc | (user ? 4u : 0u), w->error_code, !w->ok, c->eip, lin,
                     0, w->npf_info1, w->npf_gpa, 0, w };
    c->bus.event(c->bus.ctx, &ev);
}

uint32_t mmu_translate(cpu *c, uint32_t lin, int acc, bool user) {
    cpu_walk w;
    bool global;
    bool ok = walk(c, lin, acc, user, true, &w, &global);
    if (UNLIKELY(c->trace_walks) && w.paging) emit_walk(c, lin, acc, user, &w);
    if (LIKELY(ok)) {
        if (w.paging) {
            int guest_refs = 0;
            for (int k = 0; k < w.step_count; k++) guest_refs += !w.steps[k].nested;
            c->cycles += c->cost[COST_PAGE_WALK_REF] * (uint64_t)guest_refs;
        }
        /* Fill the TLB for RAM pages; writes never get a fast entry on decoded-code pages. */
        uint32_t ppn = w.paddr >> 12;
        if ((uint64_t)(ppn + 1) * 4096 <= c->bus.ram_size) {
            bool code = c->code_pages && ppn < c->code_page_count && c->code_pages[ppn];
            int kind = acc == ACC_WRITE ? 1 : 0;
            if (!(kind == 1 && code)) {
                uint32_t slot = (lin >> 12) & (CPU_TLB_SIZE - 1);
                cpu_tlb_entry *e = &c->tlb[user][kind][slot];
                if (e->tag == CPU_TLB_INVALID && c->tlb_used_count < 4 * CPU_TLB_SIZE)
                    c->tlb_used[c->tlb_used_count++] = (uint16_t)(((unsigned)user * 2 + (unsigned)kind) * CPU_TLB_SIZE + slot);
                else if (e->tag == CPU_TLB_INVALID)
                    c->tlb_used_count = UINT32_MAX;   /* lost track: the next flush scans everything */
                e->tag = lin >> 12;
                e->global = global;
                e->addend = (uintptr_t)(c->bus.ram + ((uintptr_t)ppn << 12)) - (uintptr_t)(lin & 0xFFFFF000u);
            }
        }
        return w.paddr;
    }
    if (w.npf) svm_intercept(c, SVM_EXIT_NPF, w.npf_info1, w.npf_gpa);
    c->exc_cr2 = lin;
    cpu_raise(c, EXC_PF, w.error_code, true);
}

void tlb_flush_all(cpu *c, bool keep_global) {
    cpu_tlb_entry *flat = &c->tlb[0][0][0];
    if (c->tlb_used_count == UINT32_MAX) {
        for (uint32_t n = 0; n < 4 * CPU_TLB_SIZE; n++)
            if (!(keep_global && flat[n].global)) flat[n].tag = CPU_TLB_INVALID;
        c->tlb_used_count = 0;
        for (uint32_t n = 0; n < 4 * CPU_TLB_SIZE; n++)
            if (flat[n].tag != CPU_TLB_INVALID) c->tlb_used[c->tlb_used_count++] = (uint16_t)n;
    } else {
        uint32_t kept = 0;
        for (uint32_t k = 0; k < c->tlb_used_count; k++) {
            cpu_tlb_entry *e = &flat[c->tlb_used[k]];
            if (keep_global && e->global && e->tag != CPU_TLB_INVALID) c->tlb_used[kept++] = c->tlb_used[k];
            else e->tag = CPU_TLB_INVALID;
        }
        c->tlb_used_count = kept;
    }
    fetch_invalidate(c);
}

void cpu_flush_tlb(cpu *c) { tlb_flush_all(c, false); }

void tlb_flush_page(cpu *c, uint32_t lin) {
    for (int u = 0; u < 2; u++)
        for (int k = 0; k < 2; k++) {
            cpu_tlb_entry *e = &c->tlb[u][k][(lin >> 12) & (CPU_TLB_SIZE - 1)];
            if (e->tag == lin >> 12) e->tag = CPU_TLB_INVALID;
        }
    /* A 4 MiB page may sit in many slots: drop every entry of its 4 MiB region. */
    for (int u = 0; u < 2; u++)
        for (int k = 0; k < 2; k++)
            for (int n = 0; n < CPU_TLB_SIZE; n++)
                if (c->tlb[u][k][n].tag != CPU_TLB_INVALID && (c->tlb[u][k][n].tag >> 10) == (lin >> 22))
                    c->tlb[u][k][n].tag = CPU_TLB_INVALID;
    fetch_invalidate(c);
}

void tlb_flush_writes(cpu *c) {
    /* entries stay on the used list; a later flush invalidates them again, harmlessly */
    for (int u = 0; u < 2; u++)
        for (int n = 0; n < CPU_TLB_SIZE; n++) c->tlb[u][1][n].tag = CPU_TLB_INVALID;
}

uint32_t mem_read_slow(cpu *c, uint32_t lin, int size, bool user) {
    if (UNLIKELY(c->watch_count)) {
        watch_check(c, lin, size, CPU_WATCH_READ);
        /* Watchpoints sent every access here (lin_read): a TLB hit is served as lin_read would
         * have, so that a debugger's watchpoint never changes TLB state or cycle counts. */
        const cpu_tlb_entry *e = &c->tlb[user][0][(lin >> 12) & (CPU_TLB_SIZE - 1)];
        if (e->tag == (lin >> 12) && (lin & 0xFFF) <= (uint32_t)(0x1000 - size)) {
            const uint8_t *p = (const uint8_t *)(e->addend + lin);
            if (size == 4) { uint32_t v; memcpy(&v, p, 4); return v; }
            if (size == 2) { uint16_t v; memcpy(&v, p, 2); return v; }
            return *p;
        }
    }
    if (((lin & 0xFFF) + (uint32_t)size) > 0x1000) {
        /* Crosses a page: translate both before reading anything. */
        uint32_t first = 0x1000 - (lin & 0xFFF);
        uint32_t pa0 = mmu_translate(c, lin, ACC_READ, user);
        uint32_t pa1 = mmu_translate(c, lin + first, ACC_READ, user);
        uint32_t v = 0;
        for (int k = size - 1; k >= 0; k--) {
            uint32_t pa = (uint32_t)k < first ? pa0 + (uint32_t)k : pa1 + ((uint32_t)k - first);
            v = (v << 8) | phys_read(c, pa, 1);
        }
        return v;
    }
    uint32_t pa = mmu_translate(c, lin, ACC_READ, user);
    return phys_read(c, pa, size);
}

void mem_write_slow(cpu *c, uint32_t lin, int size, uint32_t v, bool user) {
    if (UNLIKELY(c->watch_count)) {
        watch_check(c, lin, size, CPU_WATCH_WRITE);
        const cpu_tlb_entry *e = &c->tlb[user][1][(lin >> 12) & (CPU_TLB_SIZE - 1)];   /* as in mem_read_slow */
        if (e->tag == (lin >> 12) && (lin & 0xFFF) <= (uint32_t)(0x1000 - size)) {
            uint8_t *p = (uint8_t *)(e->addend + lin);
            if (size == 4) { uint32_t w = v; memcpy(p, &w, 4); }
            else if (size == 2) { uint16_t w = (uint16_t)v; memcpy(p, &w, 2); }
            else *p = (uint8_t)v;
            return;
        }
    }
    if (((lin & 0xFFF) + (uint32_t)size) > 0x1000) {
        uint32_t first = 0x1000 - (lin & 0xFFF);
        uint32_t pa0 = mmu_translate(c, lin, ACC_WRITE, user);
        uint32_t pa1 = mmu_translate(c, lin + first, ACC_WRITE, user);
        for (int k = 0; k < size; k++) {
            uint32_t pa = (uint32_t)k < first ? pa0 + (uint32_t)k : pa1 + ((uint32_t)k - first);
            phys_write(c, pa, 1, (v >> (8 * k)) & 0xFF);
        }
        return;
    }
    uint32_t pa = mmu_translate(c, lin, ACC_WRITE, user);
    phys_write(c, pa, size, v);
}

void probe_write(cpu *c, int seg, uint32_t off, int size) {
    uint32_t lin = seg_lin(c, seg, off, size, true);
    bool u = is_user(c);
    const cpu_tlb_entry *e = &c->tlb[u][1][(lin >> 12) & (CPU_TLB_SIZE - 1)];
    if (e->tag == (lin >> 12) && (lin & 0xFFF) <= (uint32_t)(0x1000 - size)) return;
    mmu_translate(c, lin, ACC_WRITE, u);
    if (((lin & 0xFFF) + (uint32_t)size) > 0x1000) mmu_translate(c, (lin | 0xFFF) + 1, ACC_WRITE, u);
}

/* ---- decoded-code pages ---- */

#define MAX_CODE_PAGES 512

cpu_code_page *code_page_get(cpu *c, uint32_t ppn, uint8_t mode) {
    if (!c->code_pages || ppn >= c->code_page_count) return NULL;
    cpu_code_page *cp = c->code_pages[ppn];
    if (!cp) {
        if (c->code_pages_live >= MAX_CODE_PAGES) {
            /* Too many decoded pages: start over rather than grow without bound. */
            for (uint32_t k = 0; k < c->code_page_count; k++) {
                free(c->code_pages[k]);
                c->code_pages[k] = NULL;
            }
            c->code_pages_live = 0;
        }
        cp = calloc(1, sizeof *cp);
        if (!cp) return NULL;
        cp->ppn = ppn;
        cp->mode = mode;
        c->code_pages[ppn] = cp;
        c->code_pages_live++;
        tlb_flush_writes(c);   /* later writes to this page must take the checking slow path */
    } else if (cp->stale || cp->mode != mode) {
        memset(cp->covered, 0, sizeof cp->covered);
        memset(cp->insns, 0, sizeof cp->insns);
        memset(cp->handler, 0, sizeof cp->handler);
        cp->stale = 0;
        cp->mode = mode;
    }
    return cp;
}

void code_pages_free(cpu *c) {
    if (!c->code_pages) return;
    for (uint32_t k = 0; k < c->code_page_count; k++) free(c->code_pages[k]);
    free(c->code_pages);
    c->code_pages = NULL;
    c->code_pages_live = 0;
}
