/* The trace: a bounded ring buffer of cycle-stamped events from the CPU and from the
 * guest's trace probe, and its export as JSON Lines and Chrome Trace Event format.
 *
 * Events are pushed in cycle order. When the buffer is full the oldest events are dropped (and
 * counted). Each event has a sequence number (0 for the first ever pushed) that stays valid while
 * the event is in the buffer, so a viewer can ask for "everything after the last one I saw". */
#ifndef VX86_TRACE_H
#define VX86_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "devices/probe_abi.h"

#define TRACE_DEFAULT_CAPACITY 1000000u

/* Event kinds: one table in trace.c gives each its name (as written in JSON) and category.
 * Probe kinds follow probe_abi.h; a probe record of a kind vx86 does not know is TRACE_PROBE. */
typedef enum trace_kind {
    /* from the CPU */
    TRACE_EXCEPTION,      /* vector, error/has_error, eip; value = CR2 for #PF */
    TRACE_INTERRUPT,      /* external interrupt delivered: vector */
    TRACE_SOFTINT,        /* INT n: vector */
    TRACE_CR3_WRITE,      /* value = new CR3 */
    TRACE_TLB_FLUSH,      /* value = 0 full flush, else the INVLPG linear address */
    TRACE_TRIPLE_FAULT,
    TRACE_HALT,
    TRACE_PAGE_WALK,      /* reserved: value = linear address, payload = walk steps */
    TRACE_VMRUN,          /* vector = guest ASID, value = VMCB physical address */
    TRACE_VMEXIT,         /* vector = ASID, value = VMCB; payload = trace_vmexit_data */
    TRACE_VMRUN_INVALID,  /* VMRUN failed a consistency check: vector = ASID, value = check number */
    /* from the guest, through the trace probe */
    TRACE_TASK_CREATE,
    TRACE_TASK_EXIT,
    TRACE_SWITCH,
    TRACE_NS_CREATE,
    TRACE_CGROUP_ATTACH,
    TRACE_CGROUP_THROTTLE,
    TRACE_CGROUP_OOM,
    TRACE_MOUNT,
    TRACE_HOSTNAME,
    TRACE_VM_CREATE,
    TRACE_VM_EXIT,
    TRACE_LAB_MARK,
    TRACE_CGROUP_STAT,
    TRACE_PROBE_ERROR,    /* a record the probe could not take (vx86_probe_error payload) */
    TRACE_PROBE,          /* a probe record of a kind vx86 does not know: probe_kind says which */
    TRACE_KIND_COUNT
} trace_kind;

#define TRACE_KIND_BIT(k) (1ull << (k))
#define TRACE_ALL_KINDS (~0ull)

/* The payload of a TRACE_VMEXIT event. */
typedef struct trace_vmexit_data {
    uint64_t exitcode, info1, info2;
    uint64_t guest_cycles;   /* cycles spent in the guest since the VMRUN */
} trace_vmexit_data;

typedef struct trace_event {
    uint64_t cycle;
    uint64_t seq;
    uint16_t kind;          /* trace_kind */
    uint16_t probe_kind;    /* the record's kind for probe events, 0 otherwise */
    uint16_t length;        /* payload bytes (probe records, page walks) */
    uint8_t cpl;
    uint8_t guest_mode;     /* 1 inside an SVM guest (always 0 until the SVM issue) */
    bool has_error;
    uint32_t cr3;
    uint32_t asid;          /* 0 = the host */
    uint32_t vm;            /* VM id, 0 = the host */
    uint32_t task;          /* the task running, as last told by a switch record (0 = unknown) */
    uint32_t vector, error, eip, value;
    uint64_t payload_pos;   /* where the payload lives in the payload ring (trace_payload) */
} trace_event;

/* The CPU context stamped on every event. */
typedef struct trace_context {
    uint8_t cpl;
    uint8_t guest_mode;
    uint32_t cr3, asid, vm;
} trace_context;

typedef struct trace trace;

/* capacity: the most events kept (0 means TRACE_DEFAULT_CAPACITY). Memory grows as events arrive.
 * cycles_per_second converts cycles to time for the Chrome export. NULL if out of memory. */
trace *trace_create(size_t capacity, uint64_t cycles_per_second);
void trace_destroy(trace *t);
void trace_clear(trace *t);

/* Name and category ("cpu", "task", "ns", "cgroup", "vm", "lab", "probe") of a kind; NULL if out
 * of range. trace_kind_lookup(name) gives the kind or -1. */
const char *trace_kind_name(int kind);
const char *trace_kind_category(int kind);
int trace_kind_lookup(const char *name);
/* The trace kind of a probe record kind. */
trace_kind trace_kind_from_probe(uint16_t probe_kind);

/* Append an event: ev->seq, ->task and ->payload_pos are filled in; the context fields are taken
 * from ctx. payload may be NULL when len is 0; at most VX86_PROBE_MAX_PAYLOAD bytes are kept. */
void trace_push(trace *t, const trace_event *ev, const trace_context *ctx, const void *payload, size_t len);
/* A probe record as the probe device delivers it. */
void trace_push_probe(trace *t, uint64_t cycle, const trace_context *ctx, uint16_t probe_kind,
                      const uint8_t *payload, uint16_t len);

size_t trace_count(const trace *t);       /* events in the buffer */
uint64_t trace_total(const trace *t);     /* events ever pushed (= next sequence number) */
uint64_t trace_dropped(const trace *t);   /* events dropped because the buffer was full */
size_t trace_capacity(const trace *t);
/* The event with sequence number seq, or NULL if it was dropped or not pushed yet. */
const trace_event *trace_get(const trace *t, uint64_t seq);
/* The payload of an event in the buffer (ev->length bytes). */
const uint8_t *trace_payload(const trace *t, const trace_event *ev);

/* Iterate over the events with cycle >= since_cycle and seq >= since_seq whose kind is in
 * kind_mask (TRACE_KIND_BIT(k) | ...), oldest first. Pushing while iterating is allowed. */
typedef struct trace_iter {
    const trace *t;
    uint64_t next_seq;
    uint64_t since_cycle;
    uint64_t kind_mask;
} trace_iter;
void trace_iter_init(trace_iter *it, const trace *t, uint64_t since_cycle, uint64_t since_seq, uint64_t kind_mask);
const trace_event *trace_iter_next(trace_iter *it);

/* Export (formats in emu/README.md). Both return false on a write error. */
bool trace_write_jsonl(const trace *t, FILE *out);
bool trace_write_chrome(const trace *t, FILE *out);
/* One event as a JSON object without a newline (the JSONL line), into buf; returns the length
 * it needed (like snprintf). */
size_t trace_event_json(const trace *t, const trace_event *ev, char *buf, size_t size);

/* Words for the trace (trace_text.c). "#PF" for an exception vector, "vector 15" for a reserved
 * one (written into buf). */
const char *trace_vector_name(uint32_t vector, char *buf, size_t size);
/* What led to a triple fault, oldest first: "#DE at 0x1000a3 -> #DF -> triple fault" (with
 * "(cr2=0x...)" after a #PF). tf is the triple_fault event, or NULL for the newest one in the
 * buffer. Returns the length it needed (like snprintf), 0 when there is no triple fault. */
size_t trace_triple_fault_chain(const trace *t, const trace_event *tf, char *buf, size_t size);

#endif
