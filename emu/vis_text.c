/* Shared pieces of the namespace, cgroup and VM-exit pictures. */
#include "emu/vis_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/trace.h"

void vis_printf(vis_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 1024;
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        char *bigger = realloc(b->s, cap);
        if (!bigger) {
            b->failed = true;
            return;
        }
        b->s = bigger;
        b->cap = cap;
    }
}

void vis_xml(vis_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '<') vis_printf(b, "&lt;");
        else if (c == '>') vis_printf(b, "&gt;");
        else if (c == '&') vis_printf(b, "&amp;");
        else if (c == '"') vis_printf(b, "&quot;");
        else if (c < 0x20 || c >= 0x7F) vis_printf(b, "?");
        else vis_printf(b, "%c", c);
    }
}

char *vis_finish(vis_buf *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    if (!b->s)
        vis_printf(b, "%s", "");
    return b->s;
}

void vis_bar(vis_buf *b, uint64_t used, uint64_t limit, int width)
{
    uint64_t full = limit ? (used >= limit ? (uint64_t)width : used * (uint64_t)width / limit) : 0;
    vis_printf(b, "[");
    for (int k = 0; k < width; k++)
        vis_printf(b, "%c", (uint64_t)k < full ? '#' : '.');
    vis_printf(b, "]");
}

static const char *const PALETTE[] = { "#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                       "#56B4E9", "#D55E00", "#F0E442", "#000000" };

const char *vis_colour(size_t i) { return PALETTE[i % (sizeof PALETTE / sizeof PALETTE[0])]; }

bool vis_timeline(const trace *t, uint64_t now, uint64_t mask, uint64_t **out, size_t *count, bool *partial)
{
    *out = NULL;
    *count = 0;
    *partial = false;
    if (!t)
        return true;
    uint64_t total = trace_total(t), oldest = total - trace_count(t);
    *partial = trace_dropped(t) > 0;
    if (now == 0 && total > oldest)
        now = trace_get(t, total - 1)->cycle;
    uint64_t *keep = NULL;
    size_t kept = 0, cap = 0;
    uint64_t limit = now;
    bool skipping = false;   /* inside an abandoned run's events (walking back) */
    bool counted = false;    /* limit is a counted event's cycle, not `now` */
    for (uint64_t seq = total; seq-- > oldest;) {
        const trace_event *ev = trace_get(t, seq);
        /* An abandoned run re-recorded from a snapshot has the same cycles as the current one: its
         * copy of the current timeline's earliest event after the restore has that event's cycle. */
        if (ev->cycle > limit || (skipping && ev->cycle == limit)) {
            skipping = counted;
            continue;
        }
        if (ev->cycle < limit)
            skipping = false;
        limit = ev->cycle;
        counted = true;
        if (!(mask & TRACE_KIND_BIT(ev->kind)))
            continue;
        if (kept == cap) {
            cap = cap ? cap * 2 : 256;
            uint64_t *bigger = realloc(keep, cap * sizeof *bigger);
            if (!bigger) {
                free(keep);
                return false;
            }
            keep = bigger;
        }
        keep[kept++] = seq;
    }
    for (size_t i = 0; i < kept / 2; i++) {   /* oldest first */
        uint64_t x = keep[i];
        keep[i] = keep[kept - 1 - i];
        keep[kept - 1 - i] = x;
    }
    *out = keep;
    *count = kept;
    return true;
}

void vis_field_str(char *dst, size_t size, const uint8_t *p, size_t len, size_t off)
{
    size_t n = 0;
    while (n < size && off + n < len && p[off + n])
        n++;
    if (n)
        memcpy(dst, p + off, n);
    dst[n] = '\0';
}

uint32_t vis_field32(const uint8_t *p, size_t len, size_t off) { return (uint32_t)vis_field64(p, len, off);  }

uint64_t vis_field64(const uint8_t *p, size_t len, size_t off)
{
    uint64_t v = 0;
    for (size_t k = 0; k < 8; k++)
        if (off + k < len)
            v |= (uint64_t)p[off + k] << (8 * k);
    return v;
}
