/* The cgroup tree rebuilt from cgroup and task records, and its text and SVG pictures. */
#include "emu/trace_cgroups.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/grow.h"

#include "emu/trace.h"
#include "emu/vis_text.h"

void cg_table_init(cg_table *ct) { memset(ct, 0, sizeof *ct); }

void cg_table_free(cg_table *ct)
{
    for (size_t i = 0; i < ct->count; i++)
        free(ct->cg[i].members);
    free(ct->cg);
    free(ct->tasks);
    memset(ct, 0, sizeof *ct);
}

cg_info *cg_table_get(cg_table *ct, uint32_t vm, uint32_t id)
{
    for (size_t i = 0; i < ct->count; i++)
        if (ct->cg[i].vm == vm && ct->cg[i].id == id)
            return &ct->cg[i];
    if (!GROW(ct->cg, ct->count, ct->cap, 16)) {
        ct->failed = true;
        return NULL;
    }
    cg_info *c = &ct->cg[ct->count++];
    memset(c, 0, sizeof *c);
    c->vm = vm;
    c->id = id;
    return c;
}

static cg_task *find_task(cg_table *ct, uint32_t vm, uint32_t pid, bool add)
{
    for (size_t i = 0; i < ct->task_count; i++)
        if (ct->tasks[i].vm == vm && ct->tasks[i].pid == pid)
            return &ct->tasks[i];
    if (!add)
        return NULL;
    if (!GROW(ct->tasks, ct->task_count, ct->task_cap, 16)) {
        ct->failed = true;
        return NULL;
    }
    cg_task *t = &ct->tasks[ct->task_count++];
    memset(t, 0, sizeof *t);
    t->vm = vm;
    t->pid = pid;
    return t;
}

void cg_table_task(cg_table *ct, uint32_t vm, uint32_t pid, uint32_t cgroup, const char *name)
{
    cg_task *t = find_task(ct, vm, pid, cgroup != 0);
    if (!t)
        return;
    t->cgroup = cgroup;
    if (name)
        snprintf(t->name, sizeof t->name, "%s", name);
    if (cgroup)
        cg_table_get(ct, vm, cgroup);
}

void cg_table_record(cg_table *ct, uint64_t cycle, uint32_t vm, int kind, const uint8_t *p, size_t len)
{
    if (kind == TRACE_CGROUP_ATTACH) {
        uint32_t pid = vis_field32(p, len, offsetof(vx86_probe_cgroup_attach, pid));
        cg_info *c = cg_table_get(ct, vm, vis_field32(p, len, offsetof(vx86_probe_cgroup_attach, cgroup)));
        if (!c)
            return;
        char path[65];
        vis_field_str(path, 64, p, len, offsetof(vx86_probe_cgroup_attach, path));
        if (path[0])
            memcpy(c->path, path, sizeof path);
        uint32_t id = c->id;
        cg_task *t = find_task(ct, vm, pid, true);
        if (t)
            t->cgroup = id;
    } else if (kind == TRACE_CGROUP_THROTTLE) {
        cg_info *c = cg_table_get(ct, vm, vis_field32(p, len, offsetof(vx86_probe_cgroup_throttle, cgroup)));
        if (!c)
            return;
        c->throttles++;
        c->quota_us = vis_field64(p, len, offsetof(vx86_probe_cgroup_throttle, quota_us));
        c->period_us = vis_field64(p, len, offsetof(vx86_probe_cgroup_throttle, period_us));
    } else if (kind == TRACE_CGROUP_OOM) {
        cg_info *c = cg_table_get(ct, vm, vis_field32(p, len, offsetof(vx86_probe_cgroup_oom, cgroup)));
        if (!c)
            return;
        c->ooms++;
        c->oom_pid = vis_field32(p, len, offsetof(vx86_probe_cgroup_oom, pid));
        c->oom_usage = vis_field32(p, len, offsetof(vx86_probe_cgroup_oom, usage_bytes));
        c->oom_max = vis_field32(p, len, offsetof(vx86_probe_cgroup_oom, max_bytes));
    } else if (kind == TRACE_CGROUP_STAT) {
        cg_info *c = cg_table_get(ct, vm, vis_field32(p, len, offsetof(vx86_probe_cgroup_stat, cgroup)));
        if (!c)
            return;
        vx86_probe_cgroup_stat *s = &c->stat;
        memset(s, 0, sizeof *s);
        memcpy(s, p, len < sizeof *s ? len : sizeof *s);   /* little-endian host, like the probe */
        s->path[sizeof s->path - 1] = '\0';
        if (len < offsetof(vx86_probe_cgroup_stat, path))
            memset(s->path, 0, sizeof s->path);
        char path[65];
        vis_field_str(path, 64, p, len, offsetof(vx86_probe_cgroup_stat, path));
        if (path[0])
            memcpy(c->path, path, sizeof path);
        c->has_stat = true;
        c->stat_cycle = cycle;
    }
}

/* The index of c's parent: the cgroup (same vm) whose path is the longest proper prefix of c's
 * ending at a '/', "/" being the parent of every top-level one; -1 if none. */
static long parent_index(const cg_table *ct, size_t i)
{
    const cg_info *c = &ct->cg[i];
    size_t n = strlen(c->path);
    long best = -1;
    size_t best_len = 0;
    for (size_t k = 0; k < ct->count; k++) {
        const cg_info *o = &ct->cg[k];
        size_t m = strlen(o->path);
        if (k == i || o->vm != c->vm || m == 0 || m >= n || strncmp(o->path, c->path, m) != 0)
            continue;
        if (!(o->path[m - 1] == '/' || c->path[m] == '/'))
            continue;
        if (best < 0 || m > best_len) {
            best = (long)k;
            best_len = m;
        }
    }
    return best;
}

static int by_key(const void *a, const void *b)
{
    const cg_info *x = a, *y = b;
    if (x->vm != y->vm) return x->vm < y->vm ? -1 : 1;
    int c = strcmp(x->path[0] ? x->path : "\x7f", y->path[0] ? y->path : "\x7f");   /* unnamed last */
    if (c) return c;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void add_member(cg_table *ct, cg_info *c, const cg_task *t)
{
    if (!GROW(c->members, c->member_count, c->member_cap, 4)) {
        ct->failed = true;
        return;
    }
    size_t at = c->member_count;
    while (at > 0 && c->members[at - 1].pid > t->pid)
        at--;
    memmove(&c->members[at + 1], &c->members[at], (c->member_count - at) * sizeof *c->members);
    c->member_count++;
    ns_member *m = &c->members[at];
    memset(m, 0, sizeof *m);
    m->pid = m->ns_pid = t->pid;
    memcpy(m->name, t->name, sizeof m->name);
}

void cg_table_finish(cg_table *ct)
{
    if (ct->count == 0)
        return;
    /* Paths sort parents before children ("/a" < "/a/b"), so depth is the parent's + 1. */
    qsort(ct->cg, ct->count, sizeof *ct->cg, by_key);
    for (size_t i = 0; i < ct->count; i++) {
        long p = parent_index(ct, i);
        ct->cg[i].depth = p >= 0 && (size_t)p < i ? ct->cg[p].depth + 1 : 0;
    }
    for (size_t i = 0; i < ct->task_count; i++) {
        const cg_task *t = &ct->tasks[i];
        if (!t->cgroup)
            continue;
        for (size_t k = 0; k < ct->count; k++)
            if (ct->cg[k].vm == t->vm && ct->cg[k].id == t->cgroup)
                add_member(ct, &ct->cg[k], t);
    }
}

bool cg_table_from_trace(cg_table *ct, const trace *t, uint64_t now)
{
    uint64_t *seqs;
    size_t n;
    const uint64_t mask = TRACE_KIND_BIT(TRACE_CGROUP_ATTACH) | TRACE_KIND_BIT(TRACE_CGROUP_THROTTLE) |
                          TRACE_KIND_BIT(TRACE_CGROUP_OOM) | TRACE_KIND_BIT(TRACE_CGROUP_STAT) |
                          TRACE_KIND_BIT(TRACE_TASK_CREATE) | TRACE_KIND_BIT(TRACE_TASK_EXIT);
    if (!vis_timeline(t, now, mask, &seqs, &n, &ct->partial)) {
        ct->failed = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const trace_event *ev = trace_get(t, seqs[i]);
        const uint8_t *p = trace_payload(t, ev);
        if (ev->kind == TRACE_TASK_CREATE) {
            char name[VX86_PROBE_NAME_LEN + 1];
            vis_field_str(name, VX86_PROBE_NAME_LEN, p, ev->length, offsetof(vx86_probe_task_create, name));
            uint32_t task_vm = vis_field32(p, ev->length, offsetof(vx86_probe_task_create, vm));
            cg_table_task(ct, task_vm ? task_vm : ev->vm, vis_field32(p, ev->length, offsetof(vx86_probe_task_create, pid)),
                          vis_field32(p, ev->length, offsetof(vx86_probe_task_create, cgroup)), name);
        } else if (ev->kind == TRACE_TASK_EXIT) {
            cg_table_task(ct, ev->vm, vis_field32(p, ev->length, offsetof(vx86_probe_task_exit, pid)), 0, NULL);
        } else {
            cg_table_record(ct, ev->cycle, ev->vm, ev->kind, p, ev->length);
        }
    }
    free(seqs);
    cg_table_finish(ct);
    return !ct->failed;
}

/* ---- pictures ---- */

static bool is_last(const cg_table *ct, size_t i)
{
    const cg_info *c = &ct->cg[i];
    for (size_t k = i + 1; k < ct->count; k++) {
        const cg_info *o = &ct->cg[k];
        if (o->vm != c->vm || o->depth < c->depth)
            return true;
        if (o->depth == c->depth)
            return false;
    }
    return true;
}

static void tree_prefix(const cg_table *ct, size_t i, char *buf, size_t size)
{
    const cg_info *c = &ct->cg[i];
    size_t len = 0;
    buf[0] = '\0';
    for (int d = 1; d <= c->depth && len + 4 < size; d++) {
        size_t a = i;
        while (a > 0 && ct->cg[a].depth != d)
            a--;
        const char *piece = d == c->depth ? (is_last(ct, i) ? "`- " : "|- ") : (is_last(ct, a) ? "   " : "|  ");
        memcpy(buf + len, piece, 3);
        len += 3;
        buf[len] = '\0';
    }
}

static bool limited(uint32_t v) { return v != VX86_PROBE_CGROUP_MAX && v != 0; }

/* "max" or the number. */
static void limit_str(char *buf, size_t size, uint32_t v)
{
    if (limited(v))
        snprintf(buf, size, "%u", v);
    else
        snprintf(buf, size, "max");
}

/* Tenths of a percent of used/limit. */
static unsigned permille(uint64_t used, uint64_t limit) { return limit ? (unsigned)(used * 1000 / limit) : 0; }

enum { BAR = 20 };

char *cg_text(const cg_table *ct)
{
    vis_buf b = { 0 };
    if (ct->count == 0)
        vis_printf(&b, "no cgroups (the guest sends CGROUP_ATTACH and CGROUP_STAT records through the trace probe)\n");
    for (size_t i = 0; i < ct->count; i++) {
        const cg_info *c = &ct->cg[i];
        if (c->vm && (i == 0 || ct->cg[i - 1].vm != c->vm))
            vis_printf(&b, "%scgroups of vm %u\n", i ? "\n" : "", c->vm);
        char prefix[64], indent[64];
        tree_prefix(ct, i, prefix, sizeof prefix);
        /* The detail lines continue the tree: "|" where more siblings follow. */
        snprintf(indent, sizeof indent, "%s", prefix);
        size_t pl = strlen(indent);
        if (pl >= 3)
            memcpy(indent + pl - 3, is_last(ct, i) ? "   " : "|  ", 3);
        vis_printf(&b, "%s%s (cgroup %u)", prefix, c->path[0] ? c->path : "?", c->id);
        if (c->member_count) {
            vis_printf(&b, " tasks ");
            for (size_t k = 0; k < c->member_count; k++)
                vis_printf(&b, "%s%u %s", k ? ", " : "", c->members[k].pid, c->members[k].name);
        }
        vis_printf(&b, "\n");
        const vx86_probe_cgroup_stat *s = &c->stat;
        if (c->has_stat) {
            char lim[16];
            unsigned pm;
            limit_str(lim, sizeof lim, s->memory_max);
            vis_printf(&b, "%s  memory ", indent);
            if (limited(s->memory_max)) {
                pm = permille(s->memory_current, s->memory_max);
                vis_bar(&b, s->memory_current, s->memory_max, BAR);
                vis_printf(&b, " %3u.%u%% ", pm / 10, pm % 10);
            } else {
                vis_printf(&b, "%-*s", BAR + 10, "(no limit)");
            }
            vis_printf(&b, " %u / %s bytes", s->memory_current, lim);
            if (s->oom_kills || c->ooms)
                vis_printf(&b, ", oom_kill %u", s->oom_kills > c->ooms ? s->oom_kills : c->ooms);
            vis_printf(&b, "\n");
            limit_str(lim, sizeof lim, s->pids_max);
            vis_printf(&b, "%s  pids   ", indent);
            if (limited(s->pids_max)) {
                pm = permille(s->pids_current, s->pids_max);
                vis_bar(&b, s->pids_current, s->pids_max, BAR);
                vis_printf(&b, " %3u.%u%% ", pm / 10, pm % 10);
            } else {
                vis_printf(&b, "%-*s", BAR + 10, "(no limit)");
            }
            vis_printf(&b, " %u / %s", s->pids_current, lim);
            if (s->pids_events_max)
                vis_printf(&b, ", max %u", s->pids_events_max);
            vis_printf(&b, "\n");
            vis_printf(&b, "%s  cpu    ", indent);
            if (limited(s->cpu_quota_us) && s->cpu_period_us) {
                pm = permille(s->cpu_quota_us, s->cpu_period_us);
                vis_printf(&b, "max %u %u (%u.%u%%)", s->cpu_quota_us, s->cpu_period_us, pm / 10, pm % 10);
            } else {
                vis_printf(&b, "max max");
            }
            vis_printf(&b, ", weight %u, usage %llu us, throttled %u of %u periods (%llu us)", s->cpu_weight,
                       (unsigned long long)s->cpu_usage_us, s->nr_throttled, s->nr_periods,
                       (unsigned long long)s->throttled_us);
            vis_printf(&b, "\n");
        }
        if (c->throttles)
            vis_printf(&b, "%s  throttle records %u (cpu.max %llu %llu)\n", indent, c->throttles,
                       (unsigned long long)c->quota_us, (unsigned long long)c->period_us);
        if (c->ooms)
            vis_printf(&b, "%s  oom records %u (last killed %u at %u / %u bytes)\n", indent, c->ooms, c->oom_pid,
                       c->oom_usage, c->oom_max);
    }
    if (ct->partial)
        vis_printf(&b, "(the trace dropped older events: cgroups and tasks from before them may be missing)\n");
    return vis_finish(&b);
}

/* A labelled usage bar in SVG: a grey track and a coloured fill. */
static void svg_bar(vis_buf *b, int x, int y, int w, const char *what, uint64_t used, uint32_t limit,
                    const char *unit)
{
    bool lim = limited(limit);
    vis_printf(b, "<text x=\"%d\" y=\"%d\">%s</text>\n", x, y + 10, what);
    x += 56;
    vis_printf(b, "<rect class=\"track\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"10\" fill=\"#e6e6e6\"/>\n", x, y + 1, w);
    if (lim) {
        uint64_t fill = used >= limit ? (uint64_t)w : used * (uint64_t)w / limit;
        unsigned pm = permille(used, limit);
        vis_printf(b, "<rect class=\"usage\" x=\"%d\" y=\"%d\" width=\"%llu\" height=\"10\" fill=\"%s\">"
                      "<title>%s %llu / %u %s (%u.%u%%)</title></rect>\n",
                   x, y + 1, (unsigned long long)fill, pm >= 900 ? "#D55E00" : "#009E73", what,
                   (unsigned long long)used, limit, unit, pm / 10, pm % 10);
        vis_printf(b, "<text x=\"%d\" y=\"%d\">%llu / %u %s</text>\n", x + w + 6, y + 10, (unsigned long long)used, limit,
                   unit);
    } else {
        vis_printf(b, "<text x=\"%d\" y=\"%d\">%llu %s, no limit</text>\n", x + w + 6, y + 10, (unsigned long long)used,
                   unit);
    }
}

char *cg_svg(const cg_table *ct, int width_px)
{
    width_px = vis_svg_width(width_px);
    const int top = 30, head_h = 20, bar_h = 14, indent = 24;
    int height = top + 10;
    for (size_t i = 0; i < ct->count; i++)
        height += head_h + (ct->cg[i].has_stat ? 3 * bar_h : 0) + 8;
    vis_buf b = { 0 };
    vis_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "font-family=\"monospace\" font-size=\"11\">\n",
               width_px, height);
    vis_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width_px, height);
    vis_printf(&b, "<text x=\"10\" y=\"18\" font-size=\"12\">cgroups: %zu</text>\n", ct->count);
    int y = top;
    for (size_t i = 0; i < ct->count; i++) {
        const cg_info *c = &ct->cg[i];
        int x = 10 + c->depth * indent;
        int h = head_h + (c->has_stat ? 3 * bar_h : 0);
        vis_printf(&b, "<g class=\"cgroup\" data-id=\"%u\" data-vm=\"%u\" data-depth=\"%d\">\n", c->id, c->vm, c->depth);
        vis_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" fill-opacity=\"0.12\" "
                       "stroke=\"%s\"/>\n",
                   x, y, width_px - x - 10, h, vis_colour((size_t)c->depth), vis_colour((size_t)c->depth));
        vis_printf(&b, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">", x + 6, y + 14);
        vis_xml(&b, c->path[0] ? c->path : "?");
        vis_printf(&b, "</text>\n<text x=\"%d\" y=\"%d\">cgroup %u, %zu task%s", x + 200, y + 14, c->id, c->member_count,
                   c->member_count == 1 ? "" : "s");
        for (size_t k = 0; k < c->member_count; k++) {
            vis_printf(&b, "%s%u ", k ? ", " : ": ", c->members[k].pid);
            vis_xml(&b, c->members[k].name);
        }
        if (c->throttles)
            vis_printf(&b, "; throttled %u", c->throttles);
        if (c->ooms)
            vis_printf(&b, "; oom %u", c->ooms);
        vis_printf(&b, "</text>\n");
        if (c->has_stat) {
            const vx86_probe_cgroup_stat *s = &c->stat;
            int bw = 160;
            svg_bar(&b, x + 6, y + head_h, bw, "memory", s->memory_current, s->memory_max, "bytes");
            svg_bar(&b, x + 6, y + head_h + bar_h, bw, "pids", s->pids_current, s->pids_max, "tasks");
            uint32_t q = s->cpu_quota_us, per = s->cpu_period_us;
            svg_bar(&b, x + 6, y + head_h + 2 * bar_h, bw, "cpu", s->nr_throttled, s->nr_periods ? s->nr_periods : VX86_PROBE_CGROUP_MAX,
                    "periods throttled");
            vis_printf(&b, "<text x=\"%d\" y=\"%d\">cpu.max ", x + 6 + 56 + bw + 220, y + head_h + 2 * bar_h + 10);
            if (limited(q) && per)
                vis_printf(&b, "%u %u", q, per);
            else
                vis_printf(&b, "max");
            vis_printf(&b, "</text>\n");
        }
        vis_printf(&b, "</g>\n");
        y += h + 8;
    }
    vis_printf(&b, "</svg>\n");
    return vis_finish(&b);
}

/* ---- Chrome Trace Event export ---- */

bool trace_cgroups_write_chrome(const trace *t, uint64_t cps, FILE *out, bool *first)
{
    uint64_t *seqs;
    size_t n;
    bool partial;
    if (!vis_timeline(t, 0, TRACE_KIND_BIT(TRACE_CGROUP_STAT), &seqs, &n, &partial))
        return false;
    if (!cps)
        cps = 1000000000ull;
    for (size_t i = 0; i < n; i++) {
        const trace_event *ev = trace_get(t, seqs[i]);
        const uint8_t *p = trace_payload(t, ev);
        char path[65];
        vis_field_str(path, 64, p, ev->length, offsetof(vx86_probe_cgroup_stat, path));
        fputs(*first ? "\n" : ",\n", out);
        *first = false;
        fputs("{\"name\":\"cgroup ", out);
        for (const char *s = path[0] ? path : "?"; *s; s++) {   /* JSON string from guest bytes */
            unsigned char c = (unsigned char)*s;
            if (c == '"' || c == '\\')
                fprintf(out, "\\%c", c);
            else if (c < 0x20 || c >= 0x7F)
                fprintf(out, "\\u%04x", c);
            else
                fputc(c, out);
        }
        /* microseconds with nanosecond precision, exactly, as the rest of the export */
        uint64_t ns = ev->cycle / cps * 1000000000ull + ev->cycle % cps * 1000000000ull / cps;
        fprintf(out,
                "\",\"cat\":\"cgroup\",\"ph\":\"C\",\"pid\":%u,\"ts\":%llu.%03llu,\"args\":{\"memory_bytes\":%u,"
                "\"pids\":%u,\"nr_throttled\":%u}}",
                ev->vm, (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000),
                vis_field32(p, ev->length, offsetof(vx86_probe_cgroup_stat, memory_current)),
                vis_field32(p, ev->length, offsetof(vx86_probe_cgroup_stat, pids_current)),
                vis_field32(p, ev->length, offsetof(vx86_probe_cgroup_stat, nr_throttled)));
    }
    free(seqs);
    return !ferror(out);
}
