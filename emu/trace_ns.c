/* The namespace tree rebuilt from NS_CREATE / HOSTNAME / MOUNT / TASK_CREATE records, and its
 * text and SVG pictures. */
#include "emu/trace_ns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/grow.h"

#include "emu/trace.h"
#include "emu/trace_tasks.h"
#include "emu/vis_text.h"

void ns_table_init(ns_table *nt) { memset(nt, 0, sizeof *nt); }

void ns_table_free(ns_table *nt)
{
    for (size_t i = 0; i < nt->count; i++)
        free(nt->ns[i].members);
    free(nt->ns);
    memset(nt, 0, sizeof *nt);
}

ns_info *ns_table_get(ns_table *nt, uint32_t vm, uint32_t type, uint32_t id)
{
    if (id == 0)
        return NULL;
    for (size_t i = 0; i < nt->count; i++)
        if (nt->ns[i].vm == vm && nt->ns[i].type == type && nt->ns[i].id == id)
            return &nt->ns[i];
    if (!GROW(nt->ns, nt->count, nt->cap, 16)) {
        nt->failed = true;
        return NULL;
    }
    ns_info *n = &nt->ns[nt->count++];
    memset(n, 0, sizeof *n);
    n->vm = vm;
    n->type = type;
    n->id = id;
    return n;
}

void ns_table_record(ns_table *nt, uint64_t cycle, uint32_t vm, int kind, const uint8_t *p, size_t len)
{
    if (kind == TRACE_NS_CREATE) {
        uint32_t type = vis_field32(p, len, offsetof(vx86_probe_ns_create, ns_type));
        ns_info *n = ns_table_get(nt, vm, type, vis_field32(p, len, offsetof(vx86_probe_ns_create, ns_id)));
        if (!n)
            return;
        n->parent = vis_field32(p, len, offsetof(vx86_probe_ns_create, parent_ns));
        n->creator_pid = vis_field32(p, len, offsetof(vx86_probe_ns_create, creator_pid));
        n->created_seen = true;
        n->created = cycle;
    } else if (kind == TRACE_HOSTNAME) {
        ns_info *n = ns_table_get(nt, vm, VX86_PROBE_NS_UTS, vis_field32(p, len, offsetof(vx86_probe_hostname, uts_ns)));
        if (n)
            vis_field_str(n->hostname, sizeof n->hostname - 1, p, len, offsetof(vx86_probe_hostname, name));
    } else if (kind == TRACE_MOUNT) {
        ns_info *n = ns_table_get(nt, vm, VX86_PROBE_NS_MNT, vis_field32(p, len, offsetof(vx86_probe_mount, mnt_ns)));
        if (n)
            n->mounts++;
    }
}

void ns_table_add_member(ns_table *nt, uint32_t vm, uint32_t type, uint32_t id, uint32_t pid, uint32_t ns_pid,
                         const char *name)
{
    ns_info *n = ns_table_get(nt, vm, type, id);
    if (!n)
        return;
    if (!GROW(n->members, n->member_count, n->member_cap, 4)) {
        nt->failed = true;
        return;
    }
    size_t at = n->member_count;
    while (at > 0 && n->members[at - 1].pid > pid)
        at--;
    memmove(&n->members[at + 1], &n->members[at], (n->member_count - at) * sizeof *n->members);
    n->member_count++;
    ns_member *m = &n->members[at];
    memset(m, 0, sizeof *m);
    m->pid = pid;
    m->ns_pid = ns_pid;
    snprintf(m->name, sizeof m->name, "%s", name ? name : "");
}

/* The index of the namespace's parent in nt (same vm and type), or -1. */
static long parent_index(const ns_table *nt, size_t i)
{
    const ns_info *n = &nt->ns[i];
    if (!n->parent || n->parent == n->id)
        return -1;
    for (size_t k = 0; k < nt->count; k++)
        if (nt->ns[k].vm == n->vm && nt->ns[k].type == n->type && nt->ns[k].id == n->parent)
            return (long)k;
    return -1;
}

static int by_key(const void *a, const void *b)
{
    const ns_info *x = a, *y = b;
    if (x->vm != y->vm) return x->vm < y->vm ? -1 : 1;
    if (x->type != y->type) return x->type < y->type ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* Append node i and its subtree (children by id) to order; visited guards against cycles. */
static void visit(const ns_table *nt, const long *parent, size_t i, int depth, bool *visited, size_t *order,
                  size_t *n, int *depths)
{
    visited[i] = true;
    depths[*n] = depth;
    order[(*n)++] = i;
    for (size_t k = 0; k < nt->count; k++)
        if (!visited[k] && parent[k] == (long)i)
            visit(nt, parent, k, depth + 1, visited, order, n, depths);
}

void ns_table_finish(ns_table *nt)
{
    if (nt->count == 0)
        return;
    qsort(nt->ns, nt->count, sizeof *nt->ns, by_key);
    long *parent = malloc(nt->count * sizeof *parent);
    bool *visited = calloc(nt->count, sizeof *visited);
    size_t *order = malloc(nt->count * sizeof *order);
    int *depths = malloc(nt->count * sizeof *depths);
    ns_info *sorted = malloc(nt->count * sizeof *sorted);
    if (!parent || !visited || !order || !depths || !sorted) {
        nt->failed = true;
    } else {
        for (size_t i = 0; i < nt->count; i++)
            parent[i] = parent_index(nt, i);
        /* A parent chain that loops has no root: break it at the first node met. */
        for (size_t i = 0; i < nt->count; i++) {
            long p = parent[i];
            for (size_t steps = 0; p >= 0 && steps <= nt->count; steps++)
                p = parent[p];
            if (p >= 0)
                parent[i] = -1;
        }
        size_t n = 0;
        for (size_t i = 0; i < nt->count; i++)
            if (parent[i] < 0 && !visited[i])
                visit(nt, parent, i, 0, visited, order, &n, depths);
        for (size_t i = 0; i < n; i++) {
            sorted[i] = nt->ns[order[i]];
            sorted[i].depth = depths[i];
        }
        memcpy(nt->ns, sorted, n * sizeof *sorted);
    }
    free(parent);
    free(visited);
    free(order);
    free(depths);
    free(sorted);
}

bool ns_table_from_trace(ns_table *nt, const trace *t, uint64_t now)
{
    uint64_t *seqs;
    size_t n;
    const uint64_t mask = TRACE_KIND_BIT(TRACE_NS_CREATE) | TRACE_KIND_BIT(TRACE_HOSTNAME) | TRACE_KIND_BIT(TRACE_MOUNT);
    if (!vis_timeline(t, now, mask, &seqs, &n, &nt->partial)) {
        nt->failed = true;
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const trace_event *ev = trace_get(t, seqs[i]);
        ns_table_record(nt, ev->cycle, ev->vm, ev->kind, trace_payload(t, ev), ev->length);
    }
    free(seqs);
    task_table tt;
    task_table_init(&tt);
    if (t && !task_table_from_trace(&tt, t, now))
        nt->failed = true;
    for (size_t i = 0; i < tt.count; i++) {
        const task_info *ti = &tt.tasks[i];
        if (ti->exited || !ti->created_seen)
            continue;
        ns_table_add_member(nt, ti->vm, VX86_PROBE_NS_PID, ti->pid_ns, ti->pid, ti->ns_pid, ti->name);
        ns_table_add_member(nt, ti->vm, VX86_PROBE_NS_MNT, ti->mnt_ns, ti->pid, ti->ns_pid, ti->name);
        ns_table_add_member(nt, ti->vm, VX86_PROBE_NS_UTS, ti->uts_ns, ti->pid, ti->ns_pid, ti->name);
        ns_table_add_member(nt, ti->vm, VX86_PROBE_NS_IPC, ti->ipc_ns, ti->pid, ti->ns_pid, ti->name);
    }
    task_table_free(&tt);
    ns_table_finish(nt);
    return !nt->failed;
}

/* The names lsns(8) and /proc/PID/ns use, by enum vx86_probe_ns_type. */
static const char *const TYPE_NAMES[] = {
    [VX86_PROBE_NS_PID] = "pid", [VX86_PROBE_NS_MNT] = "mnt", [VX86_PROBE_NS_UTS] = "uts",
    [VX86_PROBE_NS_IPC] = "ipc", [VX86_PROBE_NS_USER] = "user", [VX86_PROBE_NS_NET] = "net",
    [VX86_PROBE_NS_CGROUP] = "cgroup",
};
#define TYPE_COUNT (sizeof TYPE_NAMES / sizeof TYPE_NAMES[0])

const char *ns_type_name(uint32_t type) { return type < TYPE_COUNT && TYPE_NAMES[type] ? TYPE_NAMES[type] : "?"; }

uint32_t ns_type_lookup(const char *name)
{
    for (uint32_t k = 1; k < TYPE_COUNT; k++)
        if (TYPE_NAMES[k] && strcmp(TYPE_NAMES[k], name) == 0)
            return k;
    return 0;
}

/* ---- pictures ---- */

/* Is node i the last child of its parent (no later sibling before the subtree ends)? */
static bool is_last(const ns_table *nt, size_t i)
{
    const ns_info *n = &nt->ns[i];
    for (size_t k = i + 1; k < nt->count; k++) {
        const ns_info *o = &nt->ns[k];
        if (o->vm != n->vm || o->type != n->type || o->depth < n->depth)
            return true;
        if (o->depth == n->depth)
            return false;
    }
    return true;
}

/* The tree prefix of node i: "|  " or "   " per ancestor level, then "|- " or "`- ". */
static void tree_prefix(const ns_table *nt, size_t i, char *buf, size_t size)
{
    const ns_info *n = &nt->ns[i];
    size_t len = 0;
    buf[0] = '\0';
    for (int d = 1; d <= n->depth && len + 4 < size; d++) {
        /* The ancestor (or the node itself) at depth d: the nearest earlier node at that depth. */
        size_t a = i;
        while (a > 0 && nt->ns[a].depth != d)
            a--;
        const char *piece = d == n->depth ? (is_last(nt, i) ? "`- " : "|- ") : (is_last(nt, a) ? "   " : "|  ");
        memcpy(buf + len, piece, 3);
        len += 3;
        buf[len] = '\0';
    }
}

/* The details of a namespace: hostname or mounts, then its tasks, or its creator. */
static void details(vis_buf *b, const ns_info *n)
{
    const char *sep = "";
    if (n->type == VX86_PROBE_NS_UTS && n->hostname[0]) {
        vis_printf(b, "hostname %s", n->hostname);
        sep = "; ";
    }
    if (n->type == VX86_PROBE_NS_MNT && n->mounts) {
        vis_printf(b, "%u mount%s", n->mounts, n->mounts == 1 ? "" : "s");
        sep = "; ";
    }
    if (n->member_count) {
        vis_printf(b, "%stasks ", sep);
        for (size_t k = 0; k < n->member_count; k++) {
            const ns_member *m = &n->members[k];
            vis_printf(b, "%s%u %s", k ? ", " : "", m->pid, m->name);
            if (n->type == VX86_PROBE_NS_PID && m->ns_pid != m->pid)
                vis_printf(b, " (%u)", m->ns_pid);
        }
    } else if (n->created_seen) {
        vis_printf(b, "%screated by %u", sep, n->creator_pid);
    }
}

char *ns_text(const ns_table *nt)
{
    vis_buf b = { 0 };
    if (nt->count == 0)
        vis_printf(&b, "no namespaces (the guest sends NS_CREATE and TASK_CREATE records through the trace probe)\n");
    for (size_t i = 0; i < nt->count; i++) {
        const ns_info *n = &nt->ns[i];
        if (i == 0 || nt->ns[i - 1].vm != n->vm) {
            if (n->vm)
                vis_printf(&b, "%snamespaces of vm %u\n", i ? "\n" : "", n->vm);
            vis_printf(&b, "%-24s %-4s %6s %5s %-16s %s\n", "NS", "TYPE", "NPROCS", "PID", "COMMAND", "DETAILS");
        }
        char prefix[64], ns[96];
        tree_prefix(nt, i, prefix, sizeof prefix);
        snprintf(ns, sizeof ns, "%s%s:[%u]", prefix, ns_type_name(n->type), n->id);
        char pid[16] = "-";
        const char *cmd = "-";
        if (n->member_count) {
            snprintf(pid, sizeof pid, "%u", n->members[0].pid);
            cmd = n->members[0].name;
        }
        vis_printf(&b, "%-24s %-4s %6zu %5s %-16s ", ns, ns_type_name(n->type), n->member_count, pid, cmd);
        details(&b, n);
        /* no trailing blanks */
        while (b.len && b.s[b.len - 1] == ' ')
            b.s[--b.len] = '\0';
        vis_printf(&b, "\n");
    }
    if (nt->partial)
        vis_printf(&b, "(the trace dropped older events: namespaces and tasks from before them may be missing)\n");
    return vis_finish(&b);
}

char *ns_svg(const ns_table *nt, int width_px)
{
    width_px = vis_svg_width(width_px);
    const int top = 30, row_h = 28, box_h = 22, indent = 24, head_h = 24;
    /* Rows: a heading per (vm, type) group, a box per namespace. */
    int rows_y = top;
    for (size_t i = 0; i < nt->count; i++) {
        if (i == 0 || nt->ns[i - 1].vm != nt->ns[i].vm || nt->ns[i - 1].type != nt->ns[i].type)
            rows_y += head_h;
        rows_y += row_h;
    }
    int height = rows_y + 10;
    vis_buf b = { 0 };
    vis_printf(&b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
               "font-family=\"monospace\" font-size=\"12\">\n",
               width_px, height);
    vis_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width_px, height);
    vis_printf(&b, "<text x=\"10\" y=\"18\">namespaces: %zu</text>\n", nt->count);
    int y = top;
    int *box_y = malloc((nt->count ? nt->count : 1) * sizeof *box_y);
    if (!box_y) {
        free(b.s);
        return NULL;
    }
    for (size_t i = 0; i < nt->count; i++) {
        const ns_info *n = &nt->ns[i];
        if (i == 0 || nt->ns[i - 1].vm != n->vm || nt->ns[i - 1].type != n->type) {
            vis_printf(&b, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s namespaces", y + 16, ns_type_name(n->type));
            if (n->vm)
                vis_printf(&b, " (vm %u)", n->vm);
            vis_printf(&b, "</text>\n");
            y += head_h;
        }
        int x = 10 + n->depth * indent;
        box_y[i] = y;
        vis_printf(&b, "<g class=\"ns\" data-type=\"%s\" data-id=\"%u\" data-vm=\"%u\" data-depth=\"%d\">\n",
                   ns_type_name(n->type), n->id, n->vm, n->depth);
        if (n->depth > 0) {   /* the elbow from the parent's box */
            size_t p = i;
            while (p > 0 && nt->ns[p].depth != n->depth - 1)
                p--;
            int px = x - indent + 8;
            vis_printf(&b, "<path d=\"M%d %d V%d H%d\" fill=\"none\" stroke=\"#555555\"/>\n", px, box_y[p] + box_h, y + box_h / 2,
                       x);
        }
        vis_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\" fill=\"%s\" fill-opacity=\"0.25\" "
                       "stroke=\"%s\"><title>",
                   x, y, width_px - x - 10, box_h, vis_colour(n->type - 1), vis_colour(n->type - 1));
        vis_buf d = { 0 };
        details(&d, n);
        char *det = vis_finish(&d);
        vis_printf(&b, "%s:[%u] %zu task%s%s", ns_type_name(n->type), n->id, n->member_count,
                   n->member_count == 1 ? "" : "s", det && det[0] ? ": " : "");
        if (det)
            vis_xml(&b, det);
        vis_printf(&b, "</title></rect>\n<text x=\"%d\" y=\"%d\">%s:[%u] ", x + 6, y + 15, ns_type_name(n->type), n->id);
        if (det)
            vis_xml(&b, det);
        free(det);
        vis_printf(&b, "</text>\n</g>\n");
        y += row_h;
    }
    free(box_y);
    vis_printf(&b, "</svg>\n");
    return vis_finish(&b);
}
