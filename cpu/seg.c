/* Segmentation: descriptor tables, segment-register loads with the protected-mode checks, and
 * limit/type checks for segments that are not flat. */
#include "cpu/internal.h"

uint32_t desc_base(uint32_t lo, uint32_t hi) { return (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000u); }

uint32_t desc_limit(uint32_t lo, uint32_t hi) {
    uint32_t l = (lo & 0xFFFF) | (hi & 0x000F0000u);
    if (hi & 0x00800000u) l = (l << 12) | 0xFFF;
    return l;
}

uint16_t desc_attr(uint32_t hi) { return (uint16_t)(((hi >> 8) & 0xFF) | ((hi >> 12) & 0xF00)); }

void seg_update_flat(cpu *c, int s) {
    const cpu_seg *g = &c->seg[s];
    /* present, data, writable, expand-up, base 0, 4 GiB */
    c->seg_flat[s] = (g->attr & 0x80) && (g->attr & 0x1E) == 0x12 && g->base == 0 && g->limit == 0xFFFFFFFFu;
    c->seg_fast[s] = c->seg_flat[s] && c->watch_count == 0;   /* see tlb_hit */
}

void seg_load_flat(cpu *c, int s, uint16_t sel, bool code) {
    c->seg[s] = (cpu_seg){ sel, (uint16_t)(code ? 0xC9B : 0xC93), 0, 0xFFFFFFFFu };
    seg_update_flat(c, s);
    if (s == S_CS) fetch_invalidate(c);
}

bool seg_read_descriptor(cpu *c, uint16_t sel, uint32_t *lo, uint32_t *hi) {
    uint32_t base, limit;
    if (sel & 4) {
        if (!(c->seg[S_LDTR].attr & 0x80)) return false;
        base = c->seg[S_LDTR].base;
        limit = c->seg[S_LDTR].limit;
    } else {
        base = c->gdtr.base;
        limit = c->gdtr.limit;
    }
    uint32_t off = sel & ~7u;
    if (off + 7 > limit) return false;
    int saved = c->cpl;
    c->cpl = 0;   /* implicit supervisor access */
    *lo = lin_read(c, base + off, 4);
    *hi = lin_read(c, base + off + 4, 4);
    c->cpl = saved;
    return true;
}

static void set_accessed(cpu *c, uint16_t sel, uint32_t hi) {
    if (hi & 0x100) return;
    uint32_t base = (sel & 4) ? c->seg[S_LDTR].base : c->gdtr.base;
    int saved = c->cpl;
    c->cpl = 0;
    lin_write(c, base + (sel & ~7u) + 5, 1, ((hi >> 8) & 0xFF) | 1);
    c->cpl = saved;
}

void seg_set_from_descriptor(cpu *c, int s, uint16_t sel, uint32_t lo, uint32_t hi) {
    c->seg[s] = (cpu_seg){ sel, desc_attr(hi | 0x100), desc_base(lo, hi), desc_limit(lo, hi) };
    seg_update_flat(c, s);
    if (s == S_CS) fetch_invalidate(c);
}

/* MOV/POP to a data or stack segment register, LDS and friends (SDM vol. 2, MOV: protected mode). */
void seg_load(cpu *c, int s, uint16_t sel) {
    uint32_t lo, hi;
    uint32_t err = sel & ~3u;
    if (s == S_CS) RAISE(c, EXC_UD);
    if ((sel & ~3u) == 0) {
        if (s == S_SS) RAISE_GP0(c);
        c->seg[s] = (cpu_seg){ sel, 0, 0, 0 };   /* null: any use faults */
        seg_update_flat(c, s);
        return;
    }
    if (!seg_read_descriptor(c, sel, &lo, &hi)) RAISE_ERR(c, EXC_GP, err);
    int type = (hi >> 8) & 0x1F;   /* S bit and type */
    int dpl = (hi >> 13) & 3, rpl = sel & 3;
    if (s == S_SS) {
        if (rpl != c->cpl || dpl != c->cpl || (type & 0x1A) != 0x12) RAISE_ERR(c, EXC_GP, err);
        if (!(hi & 0x8000)) RAISE_ERR(c, EXC_SS, err);
    } else {
        if (!(type & 0x10)) RAISE_ERR(c, EXC_GP, err);                  /* system descriptor */
        if ((type & 0x0A) == 0x08) RAISE_ERR(c, EXC_GP, err);           /* execute-only code */
        bool conforming_code = (type & 0x0C) == 0x0C;
        if (!conforming_code && (dpl < c->cpl || dpl < rpl)) RAISE_ERR(c, EXC_GP, err);
        if (!(hi & 0x8000)) RAISE_ERR(c, EXC_NP, err);
    }
    set_accessed(c, sel, hi);
    seg_set_from_descriptor(c, s, sel, lo, hi);
}

/* A memory access through a segment that is not flat: null, limit, and type checks. */
void seg_check_access(cpu *c, int s, uint32_t off, int size, bool write) {
    const cpu_seg *g = &c->seg[s];
    int vec = s == S_SS ? EXC_SS : EXC_GP;
    if (!(g->attr & 0x80)) RAISE_ERR(c, vec, 0);   /* null or not present */
    int type = g->attr & 0x1F;
    if (type & 0x08) {                               /* code */
        if (write || !(type & 0x02)) RAISE_ERR(c, vec, 0);
    } else if (write && !(type & 0x02)) {
        RAISE_ERR(c, vec, 0);
    }
    uint32_t last = off + (uint32_t)size - 1;
    if (last < off) RAISE_ERR(c, vec, 0);            /* wraps around */
    if (!(type & 0x08) && (type & 0x04)) {           /* expand-down data */
        uint32_t upper = (g->attr & 0x400) ? 0xFFFFFFFFu : 0xFFFFu;
        if (off <= g->limit || last > upper) RAISE_ERR(c, vec, 0);
    } else if (last > g->limit) {
        RAISE_ERR(c, vec, 0);
    }
}
