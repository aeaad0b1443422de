/* The task table rebuilt from task create/exit/switch records, and its Chrome export. */
#include "emu/trace_tasks.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "emu/grow.h"

#include "emu/trace.h"

void task_table_init(task_table *tt) { memset(tt, 0, sizeof *tt); }

void task_table_free(task_table *tt)
{
    for (size_t i = 0; i < tt->count; i++)
        free(tt->tasks[i].spans);
    free(tt->tasks);
    memset(tt, 0, sizeof *tt);
}

/* The task (vm, pid), created (with no create record seen yet) when absent; NULL if out of memory. */
static task_info *get_task(task_table *tt, uint32_t vm, uint32_t pid)
{
    size_t lo = 0, hi = tt->count;
    while (lo < hi) {   /* first index whose key is >= (vm, pid) */
        size_t mid = lo + (hi - lo) / 2;
        const task_info *m = &tt->tasks[mid];
        if (m->vm < vm || (m->vm == vm && m->pid < pid))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < tt->count && tt->tasks[lo].vm == vm && tt->tasks[lo].pid == pid)
        return &tt->tasks[lo];
    if (!GROW(tt->tasks, tt->count, tt->cap, 16)) {
        tt->failed = true;
        return NULL;
    }
    memmove(&tt->tasks[lo + 1], &tt->tasks[lo], (tt->count - lo) * sizeof *tt->tasks);
    tt->count++;
    task_info *t = &tt->tasks[lo];
    memset(t, 0, sizeof *t);
    t->vm = vm;
    t->pid = pid;
    t->state = VX86_PROBE_TASK_RUNNABLE;
    return t;
}

const task_info *task_table_find(const task_table *tt, uint32_t vm, uint32_t pid)
{
    for (size_t i = 0; i < tt->count; i++)
        if (tt->tasks[i].vm == vm && tt->tasks[i].pid == pid)
            return &tt->tasks[i];
    return NULL;
}

static void note_cycle(task_table *tt, uint64_t cycle)
{
    if (!tt->any)
        tt->first = cycle;
    tt->any = true;
    tt->last = cycle;
}

void task_table_create(task_table *tt, uint64_t cycle, uint32_t vm, const vx86_probe_task_create *c)
{
    note_cycle(tt, cycle);
    /* A task inside a VM says vm 0 (it does not know); the record's VM tag says which. */
    uint32_t task_vm = c->vm ? c->vm : vm;
    task_info *t = get_task(tt, task_vm, c->pid);
    if (!t)
        return;
    t->ppid = c->parent_pid;
    t->ns_pid = c->ns_pid;
    t->pid_ns = c->pid_ns;
    t->mnt_ns = c->mnt_ns;
    t->uts_ns = c->uts_ns;
    t->ipc_ns = c->ipc_ns;
    t->cgroup = c->cgroup;
    memcpy(t->name, c->name, VX86_PROBE_NAME_LEN);
    t->name[VX86_PROBE_NAME_LEN] = '\0';
    t->created_seen = true;
    t->created = cycle;
}

void task_table_exit(task_table *tt, uint64_t cycle, uint32_t vm, uint32_t pid, int32_t status)
{
    note_cycle(tt, cycle);
    task_info *t = get_task(tt, vm, pid);
    if (!t)
        return;
    t->exited = true;
    t->exited_at = cycle;
    t->status = status;
    if (!t->on_cpu)
        t->state = VX86_PROBE_TASK_ZOMBIE;
}

/* Close t's open span at cycle. */
static void stop_running(task_info *t, uint64_t cycle)
{
    if (!t->on_cpu)
        return;
    t->on_cpu = false;
    if (t->span_count == 0)
        return;
    task_span *s = &t->spans[t->span_count - 1];
    s->end = cycle;
    t->run_cycles += cycle - s->start;
}

void task_table_switch(task_table *tt, uint64_t cycle, uint32_t vm, uint32_t prev, uint32_t next,
                       uint32_t prev_state)
{
    note_cycle(tt, cycle);
    /* Whoever was on this VM's CPU stops, prev or not (a missed record must not leave two
     * tasks running at once). */
    for (size_t i = 0; i < tt->count; i++) {
        task_info *t = &tt->tasks[i];
        if (t->vm == vm && t->on_cpu)
            stop_running(t, cycle);
    }
    /* prev is looked up, not added: a kernel's boot context (pid 0 before the first switch)
     * is no task until a record names it as created or switched to. */
    task_info *p = (task_info *)task_table_find(tt, vm, prev);
    if (p)
        p->state = p->exited ? VX86_PROBE_TASK_ZOMBIE : prev_state ? prev_state : VX86_PROBE_TASK_RUNNABLE;
    task_info *n = get_task(tt, vm, next);   /* may move p: p is not used after this */
    if (!n)
        return;
    if (!GROW(n->spans, n->span_count, n->span_cap, 8)) {
        tt->failed = true;
        return;
    }
    n->spans[n->span_count++] = (task_span){ cycle, cycle };
    n->on_cpu = true;
    n->slices++;
    n->state = VX86_PROBE_TASK_RUNNING;
}

/* Little-endian field of a payload; bytes past len read as zero. */
static uint32_t field32(const uint8_t *p, size_t len, size_t off)
{
    uint32_t v = 0;
    for (size_t k = 0; k < 4; k++)
        if (off + k < len)
            v |= (uint32_t)p[off + k] << (8 * k);
    return v;
}

void task_table_record(task_table *tt, uint64_t cycle, uint32_t vm, int trace_kind, const uint8_t *payload,
                       size_t len)
{
    if (trace_kind == TRACE_TASK_CREATE) {
        vx86_probe_task_create c;
        memset(&c, 0, sizeof c);
        uint32_t *ids[] = { &c.pid, &c.parent_pid, &c.ns_pid, &c.pid_ns, &c.mnt_ns,
                            &c.uts_ns, &c.ipc_ns, &c.cgroup, &c.vm };
        for (size_t k = 0; k < sizeof ids / sizeof ids[0]; k++)
            *ids[k] = field32(payload, len, 4 * k);
        size_t off = offsetof(vx86_probe_task_create, name);
        for (size_t k = 0; k < VX86_PROBE_NAME_LEN && off + k < len; k++)
            c.name[k] = (char)payload[off + k];
        task_table_create(tt, cycle, vm, &c);
    } else if (trace_kind == TRACE_TASK_EXIT) {
        task_table_exit(tt, cycle, vm, field32(payload, len, offsetof(vx86_probe_task_exit, pid)),
                        (int32_t)field32(payload, len, offsetof(vx86_probe_task_exit, status)));
    } else if (trace_kind == TRACE_SWITCH) {
        task_table_switch(tt, cycle, vm, field32(payload, len, offsetof(vx86_probe_switch, prev_pid)),
                          field32(payload, len, offsetof(vx86_probe_switch, next_pid)),
                          field32(payload, len, offsetof(vx86_probe_switch, prev_state)));
    }
}

void task_table_close(task_table *tt, uint64_t now)
{
    if (tt->any && now > tt->last)
        tt->last = now;
    for (size_t i = 0; i < tt->count; i++) {
        task_info *t = &tt->tasks[i];
        if (t->on_cpu && t->span_count) {
            task_span *s = &t->spans[t->span_count - 1];
            s->end = now > s->start ? now : s->start;
            t->run_cycles += s->end - s->start;
        }
    }
}

bool task_table_from_trace(task_table *tt, const trace *t, uint64_t now)
{
    uint64_t total = trace_total(t), oldest = total - trace_count(t);
    tt->partial = trace_dropped(t) > 0;
    if (now == 0 && total > oldest)
        now = trace_get(t, total - 1)->cycle;
    /* Walk back from the newest event: the current timeline's events, newest first. */
    uint64_t *keep = NULL;
    size_t kept = 0, cap = 0;
    uint64_t limit = now;
    const uint64_t task_kinds =
        TRACE_KIND_BIT(TRACE_TASK_CREATE) | TRACE_KIND_BIT(TRACE_TASK_EXIT) | TRACE_KIND_BIT(TRACE_SWITCH);
    for (uint64_t seq = total; seq-- > oldest;) {
        const trace_event *ev = trace_get(t, seq);
        if (ev->cycle > limit)
            continue;
        limit = ev->cycle;
        if (!(task_kinds & TRACE_KIND_BIT(ev->kind)))
            continue;
        if (kept == cap) {
            cap = cap ? cap * 2 : 256;
            uint64_t *bigger = realloc(keep, cap * sizeof *bigger);
            if (!bigger) {
                free(keep);
                tt->failed = true;
                return false;
            }
            keep = bigger;
        }
        keep[kept++] = seq;
    }
    while (kept--) {
        const trace_event *ev = trace_get(t, keep[kept]);
        task_table_record(tt, ev->cycle, ev->vm, ev->kind, trace_payload(t, ev), ev->length);
    }
    free(keep);
    task_table_close(tt, now);
    return !tt->failed;
}

const char *task_state_name(uint32_t state)
{
    switch (state) {
    case VX86_PROBE_TASK_UNUSED: return "unused";
    case VX86_PROBE_TASK_EMBRYO: return "embryo";
    case VX86_PROBE_TASK_SLEEPING: return "sleeping";
    case VX86_PROBE_TASK_RUNNABLE: return "runnable";
    case VX86_PROBE_TASK_RUNNING: return "running";
    case VX86_PROBE_TASK_ZOMBIE: return "zombie";
    case VX86_PROBE_TASK_STOPPED: return "stopped";
    }
    return "?";
}

/* ---- Chrome Trace Event export ---- */

/* Microseconds with nanosecond precision, exactly (as trace.c's timestamps). */
static int chrome_us(FILE *out, uint64_t cps, uint64_t cycles)
{
    uint64_t ns = cycles / cps * 1000000000ull + cycles % cps * 1000000000ull / cps;
    return fprintf(out, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

/* A JSON string from a task name: printable ASCII as is, the rest escaped. */
static void json_name(FILE *out, const task_info *ti)
{
    fprintf(out, "\"%u ", ti->pid);
    for (const char *s = ti->name; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20 || c >= 0x7F)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void next_event(FILE *out, bool *first)
{
    fputs(*first ? "\n" : ",\n", out);
    *first = false;
}

bool trace_tasks_write_chrome(const trace *t, uint64_t cps, FILE *out, bool *first)
{
    task_table tt;
    task_table_init(&tt);
    bool ok = task_table_from_trace(&tt, t, 0);
    if (!cps)
        cps = 1000000000ull;
    for (size_t i = 0; i < tt.count && ok; i++) {
        const task_info *ti = &tt.tasks[i];
        next_event(out, first);
        fprintf(out, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"name\":", ti->vm, ti->pid);
        json_name(out, ti);
        fputs("}}", out);
        next_event(out, first);
        fprintf(out, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"args\":{\"sort_index\":%u}}",
                ti->vm, ti->pid, ti->pid);
        for (size_t k = 0; k < ti->span_count; k++) {
            const task_span *s = &ti->spans[k];
            next_event(out, first);
            fputs("{\"name\":", out);
            json_name(out, ti);
            fprintf(out, ",\"cat\":\"task\",\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"ts\":", ti->vm, ti->pid);
            chrome_us(out, cps, s->start);
            fputs(",\"dur\":", out);
            chrome_us(out, cps, s->end - s->start);
            fprintf(out,
                    ",\"args\":{\"pid\":%u,\"ppid\":%u,\"ns_pid\":%u,\"cgroup\":%u,\"vm\":%u,\"start_cycle\":%llu,"
                    "\"cycles\":%llu,\"slice\":%zu}}",
                    ti->pid, ti->ppid, ti->ns_pid, ti->cgroup, ti->vm, (unsigned long long)s->start,
                    (unsigned long long)(s->end - s->start), k + 1);
        }
    }
    task_table_free(&tt);
    return ok && !ferror(out);
}
