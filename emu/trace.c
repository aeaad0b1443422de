/* The trace ring buffer and its JSON Lines / Chrome Trace Event export. */
#include "emu/trace.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"
#include "emu/trace_cgroups.h"
#include "emu/trace_tasks.h"

/* ---- the one table of kinds ---- */

/* Which event fields a kind shows in JSON (besides cycle, kind and the CPU context). */
enum { SHOW_VECTOR = 1, SHOW_ERROR = 2, SHOW_EIP = 4, SHOW_VALUE = 8 };

static const struct {
    const char *name;
    const char *category;
    uint16_t probe_kind;     /* the probe_abi.h kind, 0 for CPU events */
    uint8_t show;
    const char *value_name;  /* the JSON name of `value` when SHOW_VALUE */
    const char *vector_name; /* the JSON name of `vector` when SHOW_VECTOR, NULL = "vector" */
} KINDS[TRACE_KIND_COUNT] = {
    [TRACE_EXCEPTION] = { "exception", "cpu", 0, SHOW_VECTOR | SHOW_ERROR | SHOW_EIP, NULL },
    [TRACE_INTERRUPT] = { "interrupt", "cpu", 0, SHOW_VECTOR | SHOW_EIP, NULL },
    [TRACE_SOFTINT] = { "softint", "cpu", 0, SHOW_VECTOR | SHOW_EIP, NULL },
    [TRACE_CR3_WRITE] = { "cr3_write", "cpu", 0, SHOW_EIP | SHOW_VALUE, "value" },
    [TRACE_TLB_FLUSH] = { "tlb_flush", "cpu", 0, SHOW_EIP | SHOW_VALUE, "address" },
    [TRACE_TRIPLE_FAULT] = { "triple_fault", "cpu", 0, SHOW_VECTOR | SHOW_ERROR | SHOW_EIP, NULL },
    [TRACE_HALT] = { "halt", "cpu", 0, SHOW_EIP, NULL },
    [TRACE_PAGE_WALK] = { "page_walk", "cpu", 0, SHOW_EIP | SHOW_VALUE, "linear" },
    [TRACE_VMRUN] = { "vmrun", "vm", 0, SHOW_VECTOR | SHOW_EIP | SHOW_VALUE, "vmcb", "guest_asid" },
    [TRACE_VMEXIT] = { "vmexit", "vm", 0, SHOW_VECTOR | SHOW_EIP | SHOW_VALUE, "vmcb", "guest_asid" },
    [TRACE_VMRUN_INVALID] = { "vmrun_invalid", "vm", 0, SHOW_VECTOR | SHOW_EIP | SHOW_VALUE, "check", "guest_asid" },
    [TRACE_TASK_CREATE] = { "task_create", "task", VX86_PROBE_KIND_TASK_CREATE, 0, NULL },
    [TRACE_TASK_EXIT] = { "task_exit", "task", VX86_PROBE_KIND_TASK_EXIT, 0, NULL },
    [TRACE_SWITCH] = { "switch", "task", VX86_PROBE_KIND_SWITCH, 0, NULL },
    [TRACE_NS_CREATE] = { "ns_create", "ns", VX86_PROBE_KIND_NS_CREATE, 0, NULL },
    [TRACE_CGROUP_ATTACH] = { "cgroup_attach", "cgroup", VX86_PROBE_KIND_CGROUP_ATTACH, 0, NULL },
    [TRACE_CGROUP_THROTTLE] = { "cgroup_throttle", "cgroup", VX86_PROBE_KIND_CGROUP_THROTTLE, 0, NULL },
    [TRACE_CGROUP_OOM] = { "cgroup_oom", "cgroup", VX86_PROBE_KIND_CGROUP_OOM, 0, NULL },
    [TRACE_MOUNT] = { "mount", "ns", VX86_PROBE_KIND_MOUNT, 0, NULL },
    [TRACE_HOSTNAME] = { "hostname", "ns", VX86_PROBE_KIND_HOSTNAME, 0, NULL },
    [TRACE_VM_CREATE] = { "vm_create", "vm", VX86_PROBE_KIND_VM_CREATE, 0, NULL },
    [TRACE_VM_EXIT] = { "vm_exit", "vm", VX86_PROBE_KIND_VM_EXIT, 0, NULL },
    [TRACE_LAB_MARK] = { "lab_mark", "lab", VX86_PROBE_KIND_LAB_MARK, 0, NULL },
    [TRACE_CGROUP_STAT] = { "cgroup_stat", "cgroup", VX86_PROBE_KIND_CGROUP_STAT, 0, NULL },
    [TRACE_PROBE_ERROR] = { "probe_error", "probe", VX86_PROBE_KIND_ERROR, 0, NULL },
    [TRACE_PROBE] = { "probe", "probe", 0, 0, NULL },
};
/* Kind masks are 64-bit. */
_Static_assert(TRACE_KIND_COUNT <= 64, "too many trace kinds for a uint64_t mask");

const char *trace_kind_name(int kind) { return kind >= 0 && kind < TRACE_KIND_COUNT ? KINDS[kind].name : NULL; }
const char *trace_kind_category(int kind)
{
    return kind >= 0 && kind < TRACE_KIND_COUNT ? KINDS[kind].category : NULL;
}

int trace_kind_lookup(const char *name)
{
    for (int k = 0; k < TRACE_KIND_COUNT; k++)
        if (strcmp(KINDS[k].name, name) == 0)
            return k;
    return -1;
}

trace_kind trace_kind_from_probe(uint16_t probe_kind)
{
    for (int k = TRACE_TASK_CREATE; k < TRACE_PROBE; k++)
        if (KINDS[k].probe_kind == probe_kind)
            return (trace_kind)k;
    return TRACE_PROBE;
}

/* ---- probe payload layouts, from the ABI structs (missing trailing fields read as zero) ---- */

enum { FIELD_U16, FIELD_U32, FIELD_I32, FIELD_U64, FIELD_STR, FIELD_HEX32, FIELD_HEX64 };
typedef struct payload_field {
    const char *name;
    uint8_t type;
    uint16_t offset, size;
} payload_field;

#define U32(s, f) { #f, FIELD_U32, offsetof(s, f), 4 }
#define I32(s, f) { #f, FIELD_I32, offsetof(s, f), 4 }
#define U16(s, f) { #f, FIELD_U16, offsetof(s, f), 2 }
#define U64(s, f) { #f, FIELD_U64, offsetof(s, f), 8 }
#define STR(s, f) { #f, FIELD_STR, offsetof(s, f), sizeof(((s *)0)->f) }
/* Addresses and bit fields: written as "0x..." strings. */
#define HEX32(s, f) { #f, FIELD_HEX32, offsetof(s, f), 4 }
#define HEX64(s, f) { #f, FIELD_HEX64, offsetof(s, f), 8 }
#define END { NULL, 0, 0, 0 }

static const payload_field TASK_CREATE_FIELDS[] = {
    U32(vx86_probe_task_create, pid), U32(vx86_probe_task_create, parent_pid),
    U32(vx86_probe_task_create, ns_pid), U32(vx86_probe_task_create, pid_ns),
    U32(vx86_probe_task_create, mnt_ns), U32(vx86_probe_task_create, uts_ns),
    U32(vx86_probe_task_create, ipc_ns), U32(vx86_probe_task_create, cgroup),
    U32(vx86_probe_task_create, vm), STR(vx86_probe_task_create, name), END,
};
static const payload_field TASK_EXIT_FIELDS[] = { U32(vx86_probe_task_exit, pid), I32(vx86_probe_task_exit, status),
                                                  END };
static const payload_field SWITCH_FIELDS[] = { U32(vx86_probe_switch, prev_pid), U32(vx86_probe_switch, next_pid),
                                               U32(vx86_probe_switch, prev_state), END };
static const payload_field NS_CREATE_FIELDS[] = {
    U32(vx86_probe_ns_create, ns_id), U32(vx86_probe_ns_create, ns_type),
    U32(vx86_probe_ns_create, parent_ns), U32(vx86_probe_ns_create, creator_pid), END,
};
static const payload_field CGROUP_ATTACH_FIELDS[] = {
    U32(vx86_probe_cgroup_attach, pid), U32(vx86_probe_cgroup_attach, cgroup),
    STR(vx86_probe_cgroup_attach, path), END,
};
static const payload_field CGROUP_THROTTLE_FIELDS[] = {
    U32(vx86_probe_cgroup_throttle, cgroup), U32(vx86_probe_cgroup_throttle, pid),
    U64(vx86_probe_cgroup_throttle, quota_us), U64(vx86_probe_cgroup_throttle, period_us), END,
};
static const payload_field CGROUP_OOM_FIELDS[] = {
    U32(vx86_probe_cgroup_oom, cgroup), U32(vx86_probe_cgroup_oom, pid),
    U32(vx86_probe_cgroup_oom, usage_bytes), U32(vx86_probe_cgroup_oom, max_bytes), END,
};
static const payload_field CGROUP_STAT_FIELDS[] = {
    U32(vx86_probe_cgroup_stat, cgroup), U32(vx86_probe_cgroup_stat, pids_current),
    U32(vx86_probe_cgroup_stat, pids_max), U32(vx86_probe_cgroup_stat, memory_current),
    U32(vx86_probe_cgroup_stat, memory_max), U32(vx86_probe_cgroup_stat, cpu_weight),
    U64(vx86_probe_cgroup_stat, cpu_usage_us), U32(vx86_probe_cgroup_stat, cpu_quota_us),
    U32(vx86_probe_cgroup_stat, cpu_period_us), U32(vx86_probe_cgroup_stat, nr_periods),
    U32(vx86_probe_cgroup_stat, nr_throttled), U64(vx86_probe_cgroup_stat, throttled_us),
    U32(vx86_probe_cgroup_stat, oom_kills), U32(vx86_probe_cgroup_stat, pids_events_max),
    STR(vx86_probe_cgroup_stat, path), END,
};
static const payload_field MOUNT_FIELDS[] = {
    U32(vx86_probe_mount, mnt_ns), U32(vx86_probe_mount, pid), STR(vx86_probe_mount, fstype),
    STR(vx86_probe_mount, source), STR(vx86_probe_mount, target), END,
};
static const payload_field HOSTNAME_FIELDS[] = { U32(vx86_probe_hostname, uts_ns), U32(vx86_probe_hostname, pid),
                                                 STR(vx86_probe_hostname, name), END };
static const payload_field VM_CREATE_FIELDS[] = {
    U32(vx86_probe_vm_create, vm), U32(vx86_probe_vm_create, asid), U32(vx86_probe_vm_create, pid),
    U32(vx86_probe_vm_create, memory_kib), STR(vx86_probe_vm_create, name), END,
};
static const payload_field VM_EXIT_FIELDS[] = { U32(vx86_probe_vm_exit, vm), I32(vx86_probe_vm_exit, status), END };
static const payload_field LAB_MARK_FIELDS[] = { U32(vx86_probe_lab_mark, id), STR(vx86_probe_lab_mark, text),
                                                 END };
static const payload_field PROBE_ERROR_FIELDS[] = {
    HEX32(vx86_probe_error, address), U16(vx86_probe_error, kind), U16(vx86_probe_error, length),
    U32(vx86_probe_error, reason), END,
};

static const payload_field VMEXIT_FIELDS[] = {
    U64(trace_vmexit_data, exitcode), HEX64(trace_vmexit_data, info1), HEX64(trace_vmexit_data, info2),
    U64(trace_vmexit_data, guest_cycles), END,
};

static const payload_field *const PAYLOAD_FIELDS[TRACE_KIND_COUNT] = {
    [TRACE_TASK_CREATE] = TASK_CREATE_FIELDS, [TRACE_TASK_EXIT] = TASK_EXIT_FIELDS,
    [TRACE_SWITCH] = SWITCH_FIELDS, [TRACE_NS_CREATE] = NS_CREATE_FIELDS,
    [TRACE_CGROUP_ATTACH] = CGROUP_ATTACH_FIELDS, [TRACE_CGROUP_THROTTLE] = CGROUP_THROTTLE_FIELDS,
    [TRACE_CGROUP_OOM] = CGROUP_OOM_FIELDS, [TRACE_MOUNT] = MOUNT_FIELDS,
    [TRACE_HOSTNAME] = HOSTNAME_FIELDS, [TRACE_VM_CREATE] = VM_CREATE_FIELDS,
    [TRACE_VM_EXIT] = VM_EXIT_FIELDS, [TRACE_LAB_MARK] = LAB_MARK_FIELDS,
    [TRACE_CGROUP_STAT] = CGROUP_STAT_FIELDS,
    [TRACE_PROBE_ERROR] = PROBE_ERROR_FIELDS, [TRACE_VMEXIT] = VMEXIT_FIELDS,
};

/* Little-endian read of n bytes at off; bytes past len read as zero. */
static uint64_t payload_uint(const uint8_t *p, size_t len, size_t off, size_t n)
{
    uint64_t v = 0;
    for (size_t k = 0; k < n; k++)
        if (off + k < len)
            v |= (uint64_t)p[off + k] << (8 * k);
    return v;
}

/* ---- the ring buffer ---- */

struct trace {
    trace_event *events;     /* ring of `capacity` slots; slot = seq % capacity */
    size_t capacity, allocated;
    size_t count;
    uint64_t total, dropped;
    uint8_t *payload;        /* ring of payload bytes; position p lives at p % payload_max */
    size_t payload_max, payload_allocated;
    uint64_t payload_head;   /* next free position (positions only grow) */
    uint64_t payload_oldest; /* no event before this seq can still hold a live payload */
    uint64_t cycles_per_second;
    uint32_t task;           /* the running task, from the last switch record */
};

trace *trace_create(size_t capacity, uint64_t cycles_per_second)
{
    trace *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->capacity = capacity ? capacity : TRACE_DEFAULT_CAPACITY;
    /* Room for every event to carry a full record while few are kept; 64 bytes each on average
     * beyond that (most events carry none). */
    t->payload_max = t->capacity <= 65536 ? t->capacity * VX86_PROBE_MAX_RECORD : t->capacity * 64;
    t->cycles_per_second = cycles_per_second ? cycles_per_second : 1000000000ull;
    return t;
}

void trace_destroy(trace *t)
{
    if (!t)
        return;
    free(t->events);
    free(t->payload);
    free(t);
}

void trace_clear(trace *t)
{
    t->count = 0;
    t->dropped = 0;
    t->total = 0;
    t->payload_head = 0;
    t->payload_oldest = 0;
    t->task = 0;
}

size_t trace_count(const trace *t) { return t->count; }
uint64_t trace_total(const trace *t) { return t->total; }
uint64_t trace_dropped(const trace *t) { return t->dropped; }
size_t trace_capacity(const trace *t) { return t->capacity; }

static uint64_t oldest_seq(const trace *t) { return t->total - t->count; }

const trace_event *trace_get(const trace *t, uint64_t seq)
{
    if (seq < oldest_seq(t) || seq >= t->total)
        return NULL;
    return &t->events[seq % t->capacity];
}

const uint8_t *trace_payload(const trace *t, const trace_event *ev)
{
    return ev->length ? t->payload + ev->payload_pos % t->payload_max : NULL;
}

static void drop_through(trace *t, uint64_t seq)
{
    uint64_t n = seq + 1 - oldest_seq(t);
    t->count -= (size_t)n;
    t->dropped += n;
}

/* Reserve len payload bytes that never straddle the end of the ring, dropping the oldest events
 * whose payloads they overwrite. Returns the position, or UINT64_MAX if memory ran out. */
static uint64_t reserve_payload(trace *t, size_t len)
{
    uint64_t start = t->payload_head;
    if (start % t->payload_max + len > t->payload_max)
        start += t->payload_max - start % t->payload_max;
    uint64_t end = start + len;
    size_t need = (size_t)(start % t->payload_max) + len;
    if (need > t->payload_allocated) {
        size_t size = t->payload_allocated ? t->payload_allocated : 4096;
        while (size < need)
            size *= 2;
        if (size > t->payload_max)
            size = t->payload_max;
        uint8_t *bigger = realloc(t->payload, size);
        if (!bigger)
            return UINT64_MAX;
        t->payload = bigger;
        t->payload_allocated = size;
    }
    /* Advance the oldest-payload cursor, dropping events whose bytes fall out of the window. */
    if (t->payload_oldest < oldest_seq(t))
        t->payload_oldest = oldest_seq(t);
    while (t->payload_oldest < t->total) {
        const trace_event *e = &t->events[t->payload_oldest % t->capacity];
        if (e->length && e->payload_pos + t->payload_max >= end)
            break;   /* still inside the window, and so is everything after it */
        if (e->length)
            drop_through(t, t->payload_oldest);
        t->payload_oldest++;
    }
    t->payload_head = end;
    return start;
}

void trace_push(trace *t, const trace_event *ev, const trace_context *ctx, const void *payload, size_t len)
{
    if (len > VX86_PROBE_MAX_PAYLOAD)
        len = VX86_PROBE_MAX_PAYLOAD;
    if (t->total % t->capacity >= t->allocated && t->allocated < t->capacity) {
        size_t size = t->allocated ? t->allocated * 2 : 1024;
        if (size > t->capacity)
            size = t->capacity;
        trace_event *bigger = realloc(t->events, size * sizeof *bigger);
        if (!bigger) {
            t->dropped++;   /* out of host memory: lose this event rather than the run */
            return;
        }
        t->events = bigger;
        t->allocated = size;
    }
    uint64_t pos = t->payload_head;
    if (len) {
        pos = reserve_payload(t, len);
        if (pos == UINT64_MAX) {
            t->dropped++;
            return;
        }
        memcpy(t->payload + pos % t->payload_max, payload, len);
    }
    if (t->count == t->capacity)
        drop_through(t, oldest_seq(t));
    trace_event *slot = &t->events[t->total % t->capacity];
    *slot = *ev;
    slot->seq = t->total;
    slot->length = (uint16_t)len;
    slot->payload_pos = pos;
    slot->task = t->task;
    if (ctx) {
        slot->cpl = ctx->cpl;
        slot->guest_mode = ctx->guest_mode;
        slot->cr3 = ctx->cr3;
        slot->asid = ctx->asid;
        slot->vm = ctx->vm;
    }
    t->total++;
    t->count++;
    /* A VM's own switch records (forwarded by its hypervisor, tagged with the VM) change the task
     * inside the VM, not the host's: the CPU still runs the host's vCPU task. */
    if (slot->kind == TRACE_SWITCH && slot->vm == 0)
        t->task = (uint32_t)payload_uint(payload, len, offsetof(vx86_probe_switch, next_pid), 4);
}

void trace_push_probe(trace *t, uint64_t cycle, const trace_context *ctx, uint16_t probe_kind,
                      const uint8_t *payload, uint16_t len)
{
    trace_event ev = { 0 };
    ev.cycle = cycle;
    ev.kind = (uint16_t)trace_kind_from_probe(probe_kind);
    ev.probe_kind = probe_kind;
    trace_push(t, &ev, ctx, payload, len);
}

/* ---- iteration ---- */

void trace_iter_init(trace_iter *it, const trace *t, uint64_t since_cycle, uint64_t since_seq, uint64_t kind_mask)
{
    it->t = t;
    it->since_cycle = since_cycle;
    it->kind_mask = kind_mask;
    /* Events are in cycle order: binary-search the first one at or after since_cycle. */
    uint64_t lo = oldest_seq(t) > since_seq ? oldest_seq(t) : since_seq, hi = t->total;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (t->events[mid % t->capacity].cycle < since_cycle)
            lo = mid + 1;
        else
            hi = mid;
    }
    it->next_seq = lo;
}

const trace_event *trace_iter_next(trace_iter *it)
{
    const trace *t = it->t;
    if (it->next_seq < oldest_seq(t))
        it->next_seq = oldest_seq(t);   /* events were dropped under us */
    while (it->next_seq < t->total) {
        const trace_event *e = &t->events[it->next_seq++ % t->capacity];
        if (e->cycle >= it->since_cycle && (it->kind_mask & TRACE_KIND_BIT(e->kind)))
            return e;
    }
    return NULL;
}

/* ---- JSON ---- */

/* A bounded string builder that, like snprintf, keeps counting past the end. */
typedef struct jbuf {
    char *buf;
    size_t size, len;
} jbuf;

static void jb_putc(jbuf *b, char c)
{
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

static void jb_puts(jbuf *b, const char *s)
{
    while (*s)
        jb_putc(b, *s++);
}

static void jb_printf(jbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void jb_printf(jbuf *b, const char *fmt, ...)
{
    char tmp[256];   /* every format here is shorter: fields and names are bounded */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    jb_puts(b, tmp);
}

static void jb_finish(jbuf *b)
{
    if (b->size)
        b->buf[b->len < b->size ? b->len : b->size - 1] = 0;
}

/* A JSON string from guest bytes: stops at NUL; quotes, backslashes, control characters and
 * bytes >= 0x80 are escaped (read as Latin-1), so the output is always valid JSON and UTF-8. */
static void jb_string(jbuf *b, const uint8_t *s, size_t n)
{
    jb_putc(b, '"');
    for (size_t k = 0; k < n && s[k]; k++) {
        uint8_t c = s[k];
        if (c == '"' || c == '\\') {
            jb_putc(b, '\\');
            jb_putc(b, (char)c);
        } else if (c == '\n') {
            jb_puts(b, "\\n");
        } else if (c == '\t') {
            jb_puts(b, "\\t");
        } else if (c < 0x20 || c >= 0x7F) {
            jb_printf(b, "\\u%04x", c);
        } else {
            jb_putc(b, (char)c);
        }
    }
    jb_putc(b, '"');
}

static void jb_uint(jbuf *b, const char *name, uint64_t v) { jb_printf(b, ",\"%s\":%llu", name, (unsigned long long)v); }
/* Addresses (EIP, CR2, CR3, VMCB, page-table entries) as hex strings: JSON numbers would be
 * decimal, which nobody reads an address in. */
static void jb_hex(jbuf *b, const char *name, uint64_t v) { jb_printf(b, ",\"%s\":\"0x%llx\"", name, (unsigned long long)v); }



/* The kind-specific fields of an event, each preceded by a comma. */
static void event_fields(jbuf *b, const trace *t, const trace_event *ev)
{
    uint8_t show = ev->kind < TRACE_KIND_COUNT ? KINDS[ev->kind].show : 0;
    if (show & SHOW_VECTOR)
        jb_uint(b, KINDS[ev->kind].vector_name ? KINDS[ev->kind].vector_name : "vector", ev->vector);
    if (ev->kind == TRACE_EXCEPTION || ev->kind == TRACE_TRIPLE_FAULT) {
        char tmp[24];
        jb_puts(b, ",\"name\":");
        jb_string(b, (const uint8_t *)trace_vector_name(ev->vector, tmp, sizeof tmp), sizeof tmp);
    }
    if (show & SHOW_ERROR) {
        jb_printf(b, ",\"has_error\":%s", ev->has_error ? "true" : "false");
        if (ev->has_error)
            jb_uint(b, "error", ev->error);
    }
    if (show & SHOW_EIP)
        jb_hex(b, "eip", ev->eip);
    if (show & SHOW_VALUE) {
        if (ev->kind == TRACE_VMRUN_INVALID)
            jb_uint(b, KINDS[ev->kind].value_name, ev->value);   /* a check number */
        else
            jb_hex(b, KINDS[ev->kind].value_name, ev->value);
    }
    if (ev->kind == TRACE_EXCEPTION && ev->vector == EXC_PF)
        jb_hex(b, "cr2", ev->value);
    if (ev->kind == TRACE_TRIPLE_FAULT) {
        char chain[160];
        trace_triple_fault_chain(t, ev, chain, sizeof chain);
        jb_puts(b, ",\"chain\":");
        jb_string(b, (const uint8_t *)chain, sizeof chain);
    }
    if (ev->kind == TRACE_TLB_FLUSH)
        jb_printf(b, ",\"full\":%s", ev->value == 0 ? "true" : "false");
    if (ev->kind == TRACE_VMRUN_INVALID) {
        jb_puts(b, ",\"check_name\":");
        jb_string(b, (const uint8_t *)cpu_svm_check_name((int)ev->value), 256);
    }
    if (ev->kind == TRACE_VMEXIT) {
        jb_puts(b, ",\"exit_name\":");
        uint64_t code = payload_uint(trace_payload(t, ev), ev->length, offsetof(trace_vmexit_data, exitcode), 8);
        jb_string(b, (const uint8_t *)cpu_svm_exit_name(code), 256);
    }
    if (ev->probe_kind || ev->kind >= TRACE_TASK_CREATE)
        jb_uint(b, "probe_kind", ev->probe_kind);

    const uint8_t *p = trace_payload(t, ev);
    const payload_field *fields = ev->kind < TRACE_KIND_COUNT ? PAYLOAD_FIELDS[ev->kind] : NULL;
    if (ev->kind == TRACE_PAGE_WALK) {
        /* steps as the machine packs them: 12 bytes each, level | nested << 4, pad, entry, value */
        jb_printf(b, ",\"access\":\"%s\",\"user\":%s", (ev->vector & 3) == 1 ? "write" : (ev->vector & 3) == 2 ? "fetch" : "read",
                  (ev->vector & 4) ? "true" : "false");
        if (ev->has_error)
            jb_uint(b, "error", ev->error);
        jb_puts(b, ",\"steps\":[");
        for (size_t k = 0; k + 12 <= ev->length; k += 12) {
            if (k)
                jb_putc(b, ',');
            jb_printf(b, "{\"level\":%u,\"nested\":%s,\"entry\":\"0x%llx\",\"value\":\"0x%llx\"}", p[k] & 0xF,
                      (p[k] & 0x10) ? "true" : "false", (unsigned long long)payload_uint(p, ev->length, k + 4, 4),
                      (unsigned long long)payload_uint(p, ev->length, k + 8, 4));
        }
        jb_putc(b, ']');
    } else if (fields) {
        jb_puts(b, ",\"data\":{");
        for (const payload_field *f = fields; f->name; f++) {
            if (f != fields)
                jb_putc(b, ',');
            jb_printf(b, "\"%s\":", f->name);
            if (f->type == FIELD_STR) {
                size_t avail = ev->length > f->offset ? ev->length - f->offset : 0;
                jb_string(b, avail ? p + f->offset : (const uint8_t *)"", avail < f->size ? avail : f->size);
            } else if (f->type == FIELD_HEX32 || f->type == FIELD_HEX64) {
                jb_printf(b, "\"0x%llx\"", (unsigned long long)payload_uint(p, ev->length, f->offset, f->size));
            } else if (f->type == FIELD_I32) {
                jb_printf(b, "%d", (int32_t)(uint32_t)payload_uint(p, ev->length, f->offset, 4));
            } else {
                jb_printf(b, "%llu", (unsigned long long)payload_uint(p, ev->length, f->offset, f->size));
            }
        }
        jb_putc(b, '}');
    } else if (ev->length) {
        jb_puts(b, ",\"payload\":\"");
        for (size_t k = 0; k < ev->length; k++)
            jb_printf(b, "%02x", p[k]);
        jb_putc(b, '"');
    }
}

static void context_fields(jbuf *b, const trace_event *ev)
{
    jb_uint(b, "cpl", ev->cpl);
    jb_hex(b, "cr3", ev->cr3);
    jb_uint(b, "guest_mode", ev->guest_mode);
    jb_uint(b, "asid", ev->asid);
    jb_uint(b, "vm", ev->vm);
    jb_uint(b, "task", ev->task);
}

size_t trace_event_json(const trace *t, const trace_event *ev, char *buf, size_t size)
{
    jbuf b = { buf, size, 0 };
    jb_printf(&b, "{\"seq\":%llu,\"cycle\":%llu,\"kind\":", (unsigned long long)ev->seq,
              (unsigned long long)ev->cycle);
    const char *name = trace_kind_name(ev->kind);
    jb_string(&b, (const uint8_t *)(name ? name : "unknown"), 64);
    context_fields(&b, ev);
    event_fields(&b, t, ev);
    jb_putc(&b, '}');
    jb_finish(&b);
    return b.len;
}

/* Format one event through a stack buffer, or a heap one when it does not fit. */
static bool write_event(FILE *out, const trace *t, const trace_event *ev, const char *suffix)
{
    char small[2048];
    size_t n = trace_event_json(t, ev, small, sizeof small);
    if (n < sizeof small)
        return fprintf(out, "%s%s", small, suffix) >= 0;
    char *big = malloc(n + 1);
    if (!big)
        return false;
    trace_event_json(t, ev, big, n + 1);
    bool ok = fprintf(out, "%s%s", big, suffix) >= 0;
    free(big);
    return ok;
}

bool trace_write_jsonl(const trace *t, FILE *out)
{
    fprintf(out,
            "{\"kind\":\"trace_info\",\"format\":\"vx86-trace\",\"version\":1,\"cycles_per_second\":%llu,"
            "\"events\":%llu,\"dropped\":%llu,\"capacity\":%llu}\n",
            (unsigned long long)t->cycles_per_second, (unsigned long long)t->count,
            (unsigned long long)t->dropped, (unsigned long long)t->capacity);
    for (uint64_t seq = oldest_seq(t); seq < t->total; seq++)
        if (!write_event(out, t, trace_get(t, seq), "\n"))
            return false;
    return !ferror(out);
}

/* ---- Chrome Trace Event format ---- */

/* Microseconds since cycle 0 with nanosecond precision, exactly (no floating point). */
static void chrome_ts(jbuf *b, const trace *t, uint64_t cycle)
{
    uint64_t cps = t->cycles_per_second;
    uint64_t ns = cycle / cps * 1000000000ull + cycle % cps * 1000000000ull / cps;
    jb_printf(b, "%llu.%03llu", (unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
}

static bool chrome_flush(FILE *out, jbuf *b, bool *first)
{
    jb_finish(b);
    bool ok = fprintf(out, "%s\n%s", *first ? "" : ",", b->buf) >= 0;
    *first = false;
    b->len = 0;
    return ok;
}

bool trace_write_chrome(const trace *t, FILE *out)
{
    size_t size = 8192;   /* enough for any one event: 252 payload bytes escaped six-fold at most */
    char *buf = malloc(size);
    if (!buf)
        return false;
    jbuf b = { buf, size, 0 };
    bool first = true, ok = true;
    fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", out);
    jb_puts(&b, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":0,\"tid\":0,\"args\":{\"name\":\"vx86 host\"}}");
    ok &= chrome_flush(out, &b, &first);

    /* VMRUN..#VMEXIT become "guest" slices (X events) on the VM's process (pid = ASID). The VM
     * gets a process name when first run, unless a vm_create record names it (Perfetto keeps the
     * last name given). */
    enum { NAMED_ASIDS = 256 };
    static const uint64_t NO_START = UINT64_MAX;
    uint8_t named[NAMED_ASIDS / 8] = { 0 };
    uint64_t vmrun_cycle = NO_START;
    uint32_t vmrun_asid = 0;
    for (uint64_t seq = oldest_seq(t); seq < t->total && ok; seq++) {
        const trace_event *ev = trace_get(t, seq);
        const uint8_t *p = trace_payload(t, ev);
        if (ev->kind == TRACE_VMRUN) {
            uint32_t asid = ev->vector;
            if (asid >= NAMED_ASIDS || !(named[asid / 8] & (1u << (asid % 8)))) {
                if (asid < NAMED_ASIDS)
                    named[asid / 8] |= (uint8_t)(1u << (asid % 8));
                jb_printf(&b, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,", (unsigned)asid);
                jb_printf(&b, "\"tid\":0,\"args\":{\"name\":\"VM (ASID %u)\"}}", (unsigned)asid);
                ok &= chrome_flush(out, &b, &first);
            }
            vmrun_cycle = ev->cycle;
            vmrun_asid = asid;
        } else if (ev->kind == TRACE_VMEXIT) {
            uint64_t in_guest = payload_uint(p, ev->length, offsetof(trace_vmexit_data, guest_cycles), 8);
            uint64_t start = vmrun_cycle != NO_START && vmrun_asid == ev->vector ? vmrun_cycle
                             : ev->cycle >= in_guest ? ev->cycle - in_guest : 0;
            uint64_t code = payload_uint(p, ev->length, offsetof(trace_vmexit_data, exitcode), 8);
            jb_puts(&b, "{\"name\":\"guest\",\"cat\":\"vm\",\"ph\":\"X\",");
            jb_printf(&b, "\"pid\":%u,\"tid\":0,\"ts\":", (unsigned)ev->vector);
            chrome_ts(&b, t, start);
            jb_puts(&b, ",\"dur\":");
            chrome_ts(&b, t, ev->cycle - start);
            jb_puts(&b, ",\"args\":{\"exit_name\":");
            jb_string(&b, (const uint8_t *)cpu_svm_exit_name(code), 256);
            jb_uint(&b, "exitcode", code);
            jb_uint(&b, "cycles", ev->cycle - start);
            jb_puts(&b, "}}");
            ok &= chrome_flush(out, &b, &first);
            vmrun_cycle = NO_START;
        }
        if (ev->kind == TRACE_VM_CREATE) {
            /* Name the process (VM) so Perfetto's tracks read as the guest does. */
            uint32_t id = (uint32_t)payload_uint(p, ev->length, 0, 4);
            jb_printf(&b, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%u,\"tid\":0,\"args\":{\"name\":", id);
            size_t name_off = offsetof(vx86_probe_vm_create, name);
            size_t avail = ev->length > name_off ? ev->length - name_off : 0;
            if (avail > VX86_PROBE_NAME_LEN)
                avail = VX86_PROBE_NAME_LEN;
            jb_string(&b, avail ? p + name_off : (const uint8_t *)"", avail);
            jb_puts(&b, "}}");
            ok &= chrome_flush(out, &b, &first);
            if (id < NAMED_ASIDS)
                named[id / 8] |= (uint8_t)(1u << (id % 8));   /* pid = VM id, named by the guest */
        }
        const char *scope = ev->kind == TRACE_LAB_MARK || ev->kind == TRACE_TRIPLE_FAULT ? "g" : "t";
        jb_printf(&b, "{\"name\":\"%s\",\"cat\":\"%s\",\"ph\":\"i\",\"s\":\"%s\",\"ts\":", KINDS[ev->kind].name,
                  KINDS[ev->kind].category, scope);
        chrome_ts(&b, t, ev->cycle);
        jb_printf(&b, ",\"pid\":%u,\"tid\":%u,\"args\":{\"seq\":%llu,\"cycle\":%llu", ev->vm, ev->task,
                  (unsigned long long)ev->seq, (unsigned long long)ev->cycle);
        context_fields(&b, ev);
        event_fields(&b, t, ev);
        jb_puts(&b, "}}");
        ok &= chrome_flush(out, &b, &first);
    }
    /* Each task a thread, its running spans duration events (emu/trace_tasks.c). */
    ok = ok && trace_tasks_write_chrome(t, t->cycles_per_second, out, &first);
    /* Each cgroup's usage from its cgroup_stat records: counter tracks (emu/trace_cgroups.c). */
    ok = ok && trace_cgroups_write_chrome(t, t->cycles_per_second, out, &first);
    fprintf(out,
            "\n],\"otherData\":{\"format\":\"vx86-trace\",\"version\":1,\"cycles_per_second\":%llu,"
            "\"events\":%llu,\"dropped\":%llu,\"capacity\":%llu}}\n",
            (unsigned long long)t->cycles_per_second, (unsigned long long)t->count,
            (unsigned long long)t->dropped, (unsigned long long)t->capacity);
    free(buf);
    return ok && !ferror(out);
}
