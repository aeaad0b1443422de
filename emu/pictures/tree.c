/* The namespace tree and the cgroup tree, from the models the trace rebuilds (emu/trace_ns.h,
 * emu/trace_cgroups.h): the same data vx.show.namespaces and vx.show.cgroups draw as text. */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "emu/pictures/pictures.h"

static void add(pic_tree *t, int depth, uint64_t value, uint64_t max, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add(pic_tree *t, int depth, uint64_t value, uint64_t max, const char *fmt, ...)
{
    if (t->count == PIC_TREE_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->node[t->count].label, sizeof t->node[0].label, fmt, ap);
    va_end(ap);
    t->node[t->count].depth = depth;
    t->node[t->count].value = value;
    t->node[t->count].max = max;
    t->count++;
}

static void init(pic_tree *t, const char *title, const char *empty)
{
    memset(t, 0, sizeof *t);
    snprintf(t->title, sizeof t->title, "%s", title);
    snprintf(t->empty, sizeof t->empty, "%s", empty);
}

void pic_tree_namespaces(pic_tree *t, const ns_table *nt)
{
    init(t, "namespaces", "no namespaces reported yet|(the toy OS reports them|through the trace probe)");
    for (size_t i = 0; i < nt->count; i++) {
        const ns_info *n = &nt->ns[i];
        if (i == 0 || nt->ns[i - 1].vm != n->vm)
            add(t, 0, 0, 0, n->vm ? "VM %u" : "host", n->vm);
        char extra[96] = "";
        if (n->type == VX86_PROBE_NS_UTS && n->hostname[0])
            snprintf(extra, sizeof extra, ", hostname %s", n->hostname);
        else if (n->type == VX86_PROBE_NS_MNT && n->mounts)
            snprintf(extra, sizeof extra, ", %u mount%s", n->mounts, n->mounts == 1 ? "" : "s");
        add(t, 1 + n->depth, 0, 0, "%s:[%u] %zu task%s%s", ns_type_name(n->type), n->id, n->member_count,
            n->member_count == 1 ? "" : "s", extra);
        if (n->type == VX86_PROBE_NS_PID)
            for (size_t k = 0; k < n->member_count; k++)
                add(t, 2 + n->depth, 0, 0, "%u %s (pid %u inside)", n->members[k].pid,
                    n->members[k].name[0] ? n->members[k].name : "?", n->members[k].ns_pid);
    }
}

void pic_tree_cgroups(pic_tree *t, const cg_table *ct)
{
    init(t, "cgroups", "no cgroups reported yet|(the toy OS reports them|through the trace probe)");
    for (size_t i = 0; i < ct->count; i++) {
        const cg_info *c = &ct->cg[i];
        const vx86_probe_cgroup_stat *st = &c->stat;
        uint64_t value = 0, max = 0;
        char usage[96] = "";
        if (c->has_stat && st->memory_max != VX86_PROBE_CGROUP_MAX) {
            value = st->memory_current, max = st->memory_max;
            snprintf(usage, sizeof usage, ", memory %u of %u bytes", st->memory_current, st->memory_max);
        } else if (c->has_stat && st->pids_max != VX86_PROBE_CGROUP_MAX) {
            value = st->pids_current, max = st->pids_max;
            snprintf(usage, sizeof usage, ", pids %u of %u", st->pids_current, st->pids_max);
        }
        char vm[16] = "";
        if (c->vm)
            snprintf(vm, sizeof vm, "VM %u ", c->vm);
        add(t, c->depth, value > max ? max : value, max, "%s%s (cgroup %u)%s", vm, c->path[0] ? c->path : "?",
            c->id, usage);
        for (size_t k = 0; k < c->member_count; k++)
            add(t, c->depth + 1, 0, 0, "%u %s", c->members[k].pid, c->members[k].name[0] ? c->members[k].name : "?");
    }
}

char *pic_tree_text(const pic_tree *t)
{
    pic_buf b = { 0 };
    pic_printf(&b, "%s\n", t->title);
    if (!t->count) {
        pic_printf(&b, "  ");
        for (const char *p = t->empty; *p; p++)
            pic_printf(&b, "%c", *p == '|' ? ' ' : *p);
        pic_printf(&b, "\n");
    }
    for (int i = 0; i < t->count; i++) {
        pic_printf(&b, "%*s%s", 2 + 2 * t->node[i].depth, "", t->node[i].label);
        if (t->node[i].max) {
            unsigned long long pct10 = (unsigned long long)(t->node[i].value * 1000 / t->node[i].max);
            pic_printf(&b, "  [%llu.%llu%%]", pct10 / 10, pct10 % 10);
        }
        pic_printf(&b, "\n");
    }
    return pic_finish(&b);
}

void pic_tree_scene(const pic_tree *t, pic_scene *s, int width, int height)
{
    int row = PIC_LINE_PX + 2;
    if (!height)
        height = (t->count + 2) * row;
    pic_scene_init(s, width, height, t->title);
    pic_text(s, 4, 0, PIC_LEFT, PIC_INK, "%s", t->title);
    if (!t->count) {
        /* '|' breaks the message into lines */
        const char *p = t->empty;
        for (int y = row; *p; y += PIC_LINE_PX) {
            const char *bar = strchr(p, '|');
            int n = bar ? (int)(bar - p) : (int)strlen(p);
            pic_text(s, 4, y, PIC_LEFT, PIC_DIM, "%.*s", n, p);
            p += n + (bar != NULL);
        }
        return;
    }
    int bar_w = 80;
    for (int i = 0; i < t->count && (i + 2) * row <= height; i++) {
        int y = (i + 1) * row, x = 8 + 16 * t->node[i].depth;
        if (t->node[i].depth > 0) {   /* the branch from the parent's column */
            pic_line(s, x - 12, y - 4, x - 12, y + PIC_LINE_PX / 2, PIC_GRID);
            pic_line(s, x - 12, y + PIC_LINE_PX / 2, x - 2, y + PIC_LINE_PX / 2, PIC_GRID);
        }
        pic_text(s, x, y, PIC_LEFT, t->node[i].depth ? PIC_INK : 0x0072B2, "%s", t->node[i].label);
        if (t->node[i].max) {
            int bx = width - bar_w - 4, w = (int)(t->node[i].value * (uint64_t)bar_w / t->node[i].max);
            pic_rect(s, bx, y + 3, bar_w, PIC_LINE_PX - 6, PIC_PANEL, PIC_GRID, NULL);
            if (w)
                pic_rect(s, bx, y + 3, w, PIC_LINE_PX - 6, 0x009E73, PIC_NONE, "usage of the limit");
        }
    }
}
