/* The namespace tree and the cgroup tree, from the task table the trace rebuilds (emu/trace_tasks.h). */
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

/* Distinct values of a field over the tasks of one VM, ascending (small n: a simple scan). */
static bool seen_before(const task_table *tt, size_t upto, uint32_t vm, size_t field_off, uint32_t v)
{
    for (size_t i = 0; i < upto; i++) {
        const task_info *o = &tt->tasks[i];
        uint32_t ov;
        memcpy(&ov, (const char *)o + field_off, sizeof ov);
        if (o->vm == vm && ov == v)
            return true;
    }
    return false;
}

void pic_tree_namespaces(pic_tree *t, const task_table *tt)
{
    init(t, "namespaces", "no tasks reported yet|(a guest reports its tasks|through the trace probe)");
    for (size_t i = 0; i < tt->count; i++) {
        const task_info *ti = &tt->tasks[i];
        if (i > 0 && tt->tasks[i - 1].vm == ti->vm)
            continue;
        add(t, 0, 0, 0, ti->vm ? "VM %u" : "host (VM %u)", ti->vm);
        /* each PID namespace of this VM, in order of first appearance */
        for (size_t k = i; k < tt->count && tt->tasks[k].vm == ti->vm; k++) {
            const task_info *nk = &tt->tasks[k];
            if (seen_before(tt, k, ti->vm, offsetof(task_info, pid_ns), nk->pid_ns))
                continue;
            add(t, 1, 0, 0, "pid ns %u (uts %u, mnt %u, ipc %u)", nk->pid_ns, nk->uts_ns, nk->mnt_ns, nk->ipc_ns);
            for (size_t j = k; j < tt->count && tt->tasks[j].vm == ti->vm; j++) {
                const task_info *tj = &tt->tasks[j];
                if (tj->pid_ns == nk->pid_ns)
                    add(t, 2, 0, 0, "%u %s (pid %u inside)%s", tj->pid, tj->name[0] ? tj->name : "?", tj->ns_pid,
                        tj->exited ? " exited" : "");
            }
        }
    }
}

void pic_tree_cgroups(pic_tree *t, const task_table *tt)
{
    init(t, "cgroups", "no tasks reported yet|(a guest reports its tasks|through the trace probe)");
    uint64_t total = 0;
    for (size_t i = 0; i < tt->count; i++)
        total += tt->tasks[i].run_cycles;
    for (size_t i = 0; i < tt->count; i++) {
        const task_info *ti = &tt->tasks[i];
        if (seen_before(tt, i, ti->vm, offsetof(task_info, cgroup), ti->cgroup))
            continue;
        uint64_t used = 0;
        for (size_t k = i; k < tt->count; k++)
            if (tt->tasks[k].vm == ti->vm && tt->tasks[k].cgroup == ti->cgroup)
                used += tt->tasks[k].run_cycles;
        if (ti->vm)
            add(t, 0, used, total, "VM %u cgroup %u", ti->vm, ti->cgroup);
        else
            add(t, 0, used, total, "cgroup %u", ti->cgroup);
        for (size_t k = i; k < tt->count; k++) {
            const task_info *tk = &tt->tasks[k];
            if (tk->vm == ti->vm && tk->cgroup == ti->cgroup)
                add(t, 1, tk->run_cycles, total, "%u %s", tk->pid, tk->name[0] ? tk->name : "?");
        }
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
            pic_printf(&b, "  %llu cycles %llu.%llu%%", (unsigned long long)t->node[i].value, pct10 / 10, pct10 % 10);
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
                pic_rect(s, bx, y + 3, w, PIC_LINE_PX - 6, 0x009E73, PIC_NONE, "running cycles");
        }
    }
}
