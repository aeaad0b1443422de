/* The machine: RAM, the CPU, the PC devices and virtual time, wired together. This is the only
 * file that knows both cpu/ and devices/; everything else drives vx86 through machine.h. */
#include "emu/machine.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cpu/cpu.h"
#include "devices/debugport.h"
#include "devices/i8042.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/probe.h"
#include "devices/uart.h"
#include "devices/vga.h"
#include "emu/costs.h"
#include "emu/loader.h"
#include "emu/snapshot.h"
#include "emu/trace.h"

#define MACHINE_TIMERS 16
/* Virtual time: one cycle per nanosecond of guest time at the default costs, a 1 GHz machine. */
#define MACHINE_CYCLES_PER_SECOND 1000000000ull

typedef struct machine_timer {
    void (*fn)(void *arg);
    void *arg;
    uint64_t at;
} machine_timer;

struct machine {
    cpu cpu;
    uint8_t *ram;
    uint32_t ram_size;
    dev_host host;
    pic pic;
    pit pit;
    uart uart;
    i8042 kbd;
    vga vga;
    debugport dbg;
    probe probe;
    machine_timer timers[MACHINE_TIMERS];
    void (*serial_out)(void *ctx, uint8_t byte);
    void *serial_ctx;
    bool exited;
    uint8_t *serial_pending;
    size_t serial_pending_len, serial_pending_pos, serial_pending_cap;
    /* scripted input waits until the guest has printed this (machine_input_gate) */
    char *gate_text;
    size_t gate_matched;
    char *gated_keys;
    bool explain;
    volatile bool stop_requested;
    machine_break_info last_break;
    loader_symbols symbols;
    bool symbols_tried, symbols_ok;
    costs costs;
    trace *trace;
    char *kernel_path;   /* the image, kept for snapshots and symbols; NULL if none */
    /* record and replay (emu/replay.c): hooks, and whether the run re-executes recorded history */
    machine_history_hooks hist;
    bool has_hist;
    bool replaying;
    bool release_due;    /* the input gate opened inside an instruction: release at the boundary */
    char *held_keys;     /* keys typed while replaying, typed when the run reaches the present */
};

/* ---- device host ---- */

static uint64_t host_now(void *ctx) { return ((machine *)ctx)->cpu.cycles; }

static void host_set_timer(void *ctx, void (*fn)(void *arg), void *arg, uint64_t at) {
    machine *m = ctx;
    machine_timer *slot = NULL;
    for (int k = 0; k < MACHINE_TIMERS; k++)
        if (m->timers[k].fn == fn && m->timers[k].arg == arg) slot = &m->timers[k];
    if (at == UINT64_MAX) {
        if (slot) slot->fn = NULL;
        return;
    }
    for (int k = 0; k < MACHINE_TIMERS && !slot; k++)
        if (!m->timers[k].fn) slot = &m->timers[k];
    if (!slot) abort();   /* more timers than devices: a programming error, not guest-reachable */
    *slot = (machine_timer){ fn, arg, at };
    if (at < m->cpu.run_limit) {
        m->cpu.run_limit = at;
        m->cpu.deadline = 0;
    }
}

static void host_irq(void *ctx, int line, bool level) { pic_set_irq(&((machine *)ctx)->pic, line, level); }

static void pic_intr_changed(void *ctx, bool level) {
    machine *m = ctx;
    if (level) cpu_interrupt_changed(&m->cpu);
}

/* ---- bus ---- */

static uint32_t bus_io_in(void *ctx, uint16_t port, int size) {
    machine *m = ctx;
    if (port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_PORT_COUNT) return uart_io_read(&m->uart, port, size);
    switch (port) {
    case PIC_MASTER_CMD: case PIC_MASTER_DATA: case PIC_SLAVE_CMD: case PIC_SLAVE_DATA:
        return pic_io_read(&m->pic, port, size);
    case PIT_BASE: case PIT_BASE + 1: case PIT_BASE + 2: case PIT_CMD: case PIT_PORT_B:
        return pit_io_read(&m->pit, port, size);
    case I8042_DATA_PORT: case I8042_STATUS_PORT: return i8042_io_read(&m->kbd, port, size);
    case DEBUGPORT_CONSOLE: return debugport_io_read(&m->dbg, port, size);
    default: break;
    }
    if ((port >= VGA_ATTR_INDEX && port <= VGA_GC_DATA) || (port >= VGA_CRTC_INDEX && port <= VGA_INPUT_STATUS)) return vga_io_read(&m->vga, port, size);
    if (port >= VX86_PROBE_PORT_RECORD && port < VX86_PROBE_PORT_RECORD + VX86_PROBE_PORT_COUNT) return probe_io_read(&m->probe, port, size);
    if (port >= DEBUGPORT_EXIT && port < DEBUGPORT_EXIT + DEBUGPORT_EXIT_SIZE) return debugport_io_read(&m->dbg, port, size);
    return 0xFFFFFFFFu;   /* nothing decodes this port: the ISA bus floats high */
}

static void bus_io_out(void *ctx, uint16_t port, int size, uint32_t v) {
    machine *m = ctx;
    if (port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_PORT_COUNT) { uart_io_write(&m->uart, port, size, v); return; }
    switch (port) {
    case PIC_MASTER_CMD: case PIC_MASTER_DATA: case PIC_SLAVE_CMD: case PIC_SLAVE_DATA:
        pic_io_write(&m->pic, port, size, v);
        return;
    case PIT_BASE: case PIT_BASE + 1: case PIT_BASE + 2: case PIT_CMD: case PIT_PORT_B:
        pit_io_write(&m->pit, port, size, v);
        return;
    case I8042_DATA_PORT: case I8042_STATUS_PORT: i8042_io_write(&m->kbd, port, size, v); return;
    case DEBUGPORT_CONSOLE: debugport_io_write(&m->dbg, port, size, v); return;
    default: break;
    }
    if ((port >= VGA_ATTR_INDEX && port <= VGA_GC_DATA) || (port >= VGA_CRTC_INDEX && port <= VGA_INPUT_STATUS)) { vga_io_write(&m->vga, port, size, v); return; }
    if (port >= VX86_PROBE_PORT_RECORD && port < VX86_PROBE_PORT_RECORD + VX86_PROBE_PORT_COUNT) { probe_io_write(&m->probe, port, size, v); return; }
    if (port >= DEBUGPORT_EXIT && port < DEBUGPORT_EXIT + DEBUGPORT_EXIT_SIZE) {
        debugport_io_write(&m->dbg, port, size, v);
        if (debugport_exit_requested(&m->dbg)) {
            m->exited = true;
            cpu_request_stop(&m->cpu);
        }
    }
}

static int bus_intr_ack(void *ctx) {
    machine *m = ctx;
    if (!pic_has_interrupt(&m->pic)) return -1;
    return pic_ack(&m->pic);
}

static void release_input(machine *m);

static void serial_tx(void *ctx, uint8_t byte) {
    machine *m = ctx;
    if (m->replaying) return;   /* output already shown once; the gate already saw it */
    if (m->gate_text && !m->release_due) {
        /* match the gate text as output streams by (restart on a mismatch, like a simple expect) */
        size_t len = strlen(m->gate_text);
        if ((char)byte == m->gate_text[m->gate_matched]) m->gate_matched++;
        else m->gate_matched = (char)byte == m->gate_text[0] ? 1 : 0;
        if (m->gate_matched == len) {
            /* Release at the next instruction boundary, so that every input enters the devices
             * at a boundary (where emu/replay.c can put it back when it re-executes). */
            m->release_due = true;
            cpu_request_stop(&m->cpu);
        }
    }
    if (m->serial_out) m->serial_out(m->serial_ctx, byte);
    else putchar(byte);
}

/* The 0xE9 console, in blocks (devices/debugport.c buffers): stderr is unbuffered, so this is one
 * write(2) per block. */
static void debug_console_out(void *ctx, const uint8_t *bytes, size_t len) {
    if (((machine *)ctx)->replaying) return;
    fwrite(bytes, 1, len, stderr);
}

static bool probe_read_phys(void *ctx, uint32_t pa, void *buf, size_t len) {
    return machine_read_phys(ctx, pa, buf, len);
}

/* The CPU context stamped on every trace event. Guest mode, ASID and VM id stay 0 until SVM. */
static trace_context trace_ctx(const machine *m) {
    /* vm: the guest's ASID stands for the VM until the hypervisor names its VMs by probe records */
    uint32_t asid = m->cpu.guest_mode ? cpu_guest_asid(&m->cpu) : 0;
    return (trace_context){ .cpl = (uint8_t)m->cpu.cpl, .guest_mode = m->cpu.guest_mode, .cr3 = m->cpu.cr3,
                            .asid = asid, .vm = asid };
}

static void probe_record(void *ctx, uint16_t kind, const uint8_t *payload, uint16_t len) {
    machine *m = ctx;
    if (m->replaying) return;   /* the trace already holds the recorded history */
    trace_context tc = trace_ctx(m);
    trace_push_probe(m->trace, m->cpu.cycles, &tc, kind, payload, len);
}

/* A record a hypervisor in the guest forwarded from one of its VMs: the OUT ran in the host's
 * context, so the VM tag is the one the hypervisor named (devices/probe_abi.h). */
static void probe_record_vm(void *ctx, uint32_t vm, uint16_t kind, const uint8_t *payload, uint16_t len) {
    machine *m = ctx;
    if (m->replaying) return;
    trace_context tc = trace_ctx(m);
    tc.vm = vm;
    trace_push_probe(m->trace, m->cpu.cycles, &tc, kind, payload, len);
}

static void cpu_event_to_trace(void *ctx, const cpu_event *ev) {
    static const trace_kind KIND_OF[] = {
        [CPU_EV_EXCEPTION] = TRACE_EXCEPTION, [CPU_EV_INTERRUPT] = TRACE_INTERRUPT,
        [CPU_EV_SOFTINT] = TRACE_SOFTINT,     [CPU_EV_CR3_WRITE] = TRACE_CR3_WRITE,
        [CPU_EV_TLB_FLUSH] = TRACE_TLB_FLUSH, [CPU_EV_TRIPLE_FAULT] = TRACE_TRIPLE_FAULT,
        [CPU_EV_HALT] = TRACE_HALT,           [CPU_EV_VMRUN] = TRACE_VMRUN,
        [CPU_EV_VMEXIT] = TRACE_VMEXIT,       [CPU_EV_VMRUN_INVALID] = TRACE_VMRUN_INVALID,
        [CPU_EV_PAGE_WALK] = TRACE_PAGE_WALK,
    };
    machine *m = ctx;
    if (m->replaying) return;   /* the trace already holds the recorded history */
    if (ev->kind == CPU_EV_VMRUN_INVALID && m->explain) {
        debugport_flush(&m->dbg);   /* the guest's console output so far comes first on stderr */
        fprintf(stderr, "vx86: VMRUN at eip 0x%08x (VMCB 0x%08x) failed a consistency check: %s\n", ev->eip,
                m->cpu.regs[R_EAX], cpu_svm_check_name((int)ev->value));
    }
    if ((size_t)ev->kind >= sizeof KIND_OF / sizeof KIND_OF[0]) return;
    trace_event te = { .cycle = m->cpu.cycles, .kind = (uint16_t)KIND_OF[ev->kind], .vector = ev->vector,
                       .error = ev->error, .has_error = ev->has_error, .eip = ev->eip, .value = ev->value };
    trace_context tc = trace_ctx(m);
    if (ev->kind == CPU_EV_VMEXIT) {
        trace_vmexit_data d = { ev->exitcode, ev->info1, ev->info2, ev->aux };
        trace_push(m->trace, &te, &tc, &d, sizeof d);
    } else if (ev->kind == CPU_EV_PAGE_WALK && ev->walk) {
        /* payload: the walk's steps, 12 bytes each: level|nested<<4, pad, entry address, value */
        uint8_t buf[CPU_WALK_MAX_STEPS * 12];
        size_t n = 0;
        for (int k = 0; k < ev->walk->step_count; k++) {
            const cpu_walk_step *st = &ev->walk->steps[k];
            buf[n] = (uint8_t)(st->level | (st->nested ? 0x10 : 0));
            buf[n + 1] = buf[n + 2] = buf[n + 3] = 0;
            memcpy(buf + n + 4, &st->entry_addr, 4);
            memcpy(buf + n + 8, &st->value, 4);
            n += 12;
        }
        trace_push(m->trace, &te, &tc, buf, n);
    } else {
        trace_push(m->trace, &te, &tc, NULL, 0);
    }
}

static void apply_costs(machine *m) {
    for (int k = 0; k < COST_CLASS_COUNT; k++) m->cpu.cost[k] = m->costs.cycles[k];
    /* Decoded instructions carry the cost of their class: decode them again. */
    cpu_invalidate_phys(&m->cpu, 0, m->ram_size);
}

machine *machine_create_blank(const machine_config *cfg, char *err, size_t errlen) {
    machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->ram_size = cfg->memory_bytes ? cfg->memory_bytes : 64u << 20;
    m->ram = calloc(1, m->ram_size);
    if (!m->ram) {
        snprintf(err, errlen, "cannot allocate %u MiB of guest RAM", m->ram_size >> 20);
        free(m);
        return NULL;
    }
    m->serial_out = cfg->serial_out;
    m->explain = cfg->explain;
    m->serial_ctx = cfg->serial_ctx;
    m->host = (dev_host){ m, host_now, host_set_timer, host_irq, MACHINE_CYCLES_PER_SECOND };
    m->trace = trace_create(cfg->trace_capacity, MACHINE_CYCLES_PER_SECOND);
    if (!m->trace) {
        snprintf(err, errlen, "out of memory");
        free(m->ram);
        free(m);
        return NULL;
    }
    cpu_bus bus = { .ctx = m, .ram = m->ram, .ram_size = m->ram_size, .io_in = bus_io_in, .io_out = bus_io_out,
                    .intr_ack = bus_intr_ack, .event = cpu_event_to_trace };
    cpu_init(&m->cpu, &bus);
    m->cpu.trace_walks = cfg->trace_walks;
    if (cfg->costs) m->costs = *cfg->costs;
    else costs_defaults(&m->costs);
    apply_costs(m);
    m->cpu.run_limit = UINT64_MAX;
    pic_init(&m->pic, &m->host, pic_intr_changed, m);
    pit_init(&m->pit, &m->host);
    uart_init(&m->uart, &m->host, UART_COM1_BASE, UART_COM1_IRQ, serial_tx, m);
    i8042_init(&m->kbd, &m->host);
    vga_init(&m->vga, &m->host, m->ram + VGA_TEXT_ADDR);
    debugport_init(&m->dbg, &m->host, debug_console_out, m);
    /* stdio's rule for the console's stream: line by line on a terminal, in blocks otherwise. */
    debugport_set_line_buffered(&m->dbg, isatty(STDERR_FILENO));
    probe_callbacks pcb = { m, probe_read_phys, probe_record, probe_record_vm };
    probe_init(&m->probe, &m->host, &pcb);
    return m;
}

machine *machine_create(const machine_config *cfg, char *err, size_t errlen) {
    machine *m = machine_create_blank(cfg, err, errlen);
    if (!m) return NULL;
    if (cfg->kernel && !(m->kernel_path = strdup(cfg->kernel))) {
        snprintf(err, errlen, "out of memory");
        machine_destroy(m);
        return NULL;
    }

    loader_boot boot;
    if (!loader_load_multiboot(m->ram, m->ram_size, cfg, &boot, err, errlen)) {
        machine_destroy(m);
        return NULL;
    }
    m->cpu.regs[R_EAX] = LOADER_BOOT_MAGIC;
    m->cpu.regs[R_EBX] = boot.mbi_addr;
    m->cpu.eip = boot.entry;
    return m;
}

void machine_destroy(machine *m) {
    if (!m) return;
    machine_history_disable(m);
    debugport_flush(&m->dbg);
    cpu_free(&m->cpu);
    if (m->symbols_ok) loader_symbols_free(&m->symbols);
    free(m->serial_pending);
    free(m->gate_text);
    free(m->gated_keys);
    free(m->held_keys);
    trace_destroy(m->trace);
    free(m->kernel_path);
    free(m->ram);
    free(m);
}

static void feed_serial(machine *m);

static uint64_t next_timer(const machine *m) {
    uint64_t t = UINT64_MAX;
    for (int k = 0; k < MACHINE_TIMERS; k++)
        if (m->timers[k].fn && m->timers[k].at < t) t = m->timers[k].at;
    return t;
}

static void fire_due_timers(machine *m) {
    for (int k = 0; k < MACHINE_TIMERS; k++) {
        machine_timer *t = &m->timers[k];
        if (t->fn && t->at <= m->cpu.cycles) {
            void (*fn)(void *) = t->fn;
            void *arg = t->arg;
            t->fn = NULL;
            fn(arg);   /* may re-arm itself */
        }
    }
}

static machine_stop run_loop(machine *m, uint64_t cycles);

/* Every return hands the buffered 0xE9 console bytes on, so whatever the caller prints next comes
 * after them. */
machine_stop machine_run(machine *m, uint64_t cycles) {
    machine_stop why = run_loop(m, cycles);
    if (m->has_hist) m->hist.boundary(m->hist.ctx);   /* the stop is a point of the history too */
    debugport_flush(&m->dbg);
    return why;
}

static machine_stop run_loop(machine *m, uint64_t cycles) {
    cpu *c = &m->cpu;
    uint64_t end = c->cycles + cycles < c->cycles ? UINT64_MAX : c->cycles + cycles;
    for (;;) {
        if (m->exited) return MACHINE_STOP_EXIT;
        if (c->shutdown) return MACHINE_STOP_SHUTDOWN;
        fire_due_timers(m);
        if (m->has_hist) m->hist.boundary(m->hist.ctx);
        if (m->release_due && !m->replaying) release_input(m);
        if (m->serial_pending_len) feed_serial(m);
        if (c->cycles >= end) return MACHINE_STOP_LIMIT;
        uint64_t next = next_timer(m);
        if (m->has_hist) {
            uint64_t h = m->hist.next_stop(m->hist.ctx);
            if (h < next) next = h;
        }
        uint64_t until = next < end ? next : end;
        cpu_stop why = cpu_run(c, until);
        /* Timers due by now fire before the run returns, whatever stopped it, so that at every
         * stop they have fired and input given at a stop always comes after them (emu/replay.c
         * puts recorded input back in that order). */
        fire_due_timers(m);
        if (m->exited) return MACHINE_STOP_EXIT;
        if (why == CPU_STOP_SHUTDOWN) return MACHINE_STOP_SHUTDOWN;
        if (why == CPU_STOP_BREAK || why == CPU_STOP_WATCH) {
            m->last_break = why == CPU_STOP_BREAK
                                ? (machine_break_info){ MACHINE_BREAK_BREAKPOINT, c->eip, 0 }
                                : (machine_break_info){ MACHINE_BREAK_WATCHPOINT, c->watch_hit_addr, c->watch_hit_kind };
            return MACHINE_STOP_BREAK;
        }
        if (m->stop_requested) {
            m->stop_requested = false;
            m->last_break = (machine_break_info){ MACHINE_BREAK_REQUEST, c->eip, 0 };
            return MACHINE_STOP_BREAK;
        }
        if (why == CPU_STOP_HALT) {
            /* Idle: jump virtual time to the next device event, or stop if nothing can wake us. */
            uint64_t t = next_timer(m);
            /* While re-executing, recorded input is an event too (emu/replay.c) */
            uint64_t h = m->has_hist && m->replaying ? m->hist.next_stop(m->hist.ctx) : UINT64_MAX;
            bool can_wake = (cpu_get_eflags(c) & F_IF) &&
                            (t != UINT64_MAX || uart_pending_input(&m->uart) || m->serial_pending_len || h != UINT64_MAX);
            if (!can_wake) return MACHINE_STOP_HALTED;
            if (h < t) t = h;
            uint64_t to = t < end ? t : end;
            if (to > c->cycles) c->cycles = to;
        }
    }
}

int machine_exit_status(const machine *m) { return (int)debugport_exit_status(&m->dbg); }
uint64_t machine_cycles(const machine *m) { return m->cpu.cycles; }
uint64_t machine_instructions(const machine *m) { return m->cpu.icount; }
struct cpu *machine_cpu(machine *m) { return &m->cpu; }
uint64_t machine_cycles_per_second(const machine *m) { (void)m; return MACHINE_CYCLES_PER_SECOND; }
struct trace *machine_trace(machine *m) { return m->trace; }
const struct costs *machine_costs(const machine *m) { return &m->costs; }

void machine_set_costs(machine *m, const struct costs *c) {
    m->costs = *c;
    apply_costs(m);
    if (m->has_hist) m->hist.modified(m->hist.ctx);
}

/* ---- record and replay hooks (emu/replay.c) ---- */

void machine_set_history_hooks(machine *m, const machine_history_hooks *h) {
    m->has_hist = h != NULL;
    if (h) m->hist = *h;
    else memset(&m->hist, 0, sizeof m->hist);
    if (!h) machine_set_replaying(m, false);
}

void *machine_history_ctx(const machine *m) { return m->has_hist ? m->hist.ctx : NULL; }

bool machine_replaying(const machine *m) { return m->replaying; }

void machine_set_replaying(machine *m, bool on) {
    if (m->replaying == on) return;
    m->replaying = on;
    if (on) return;
    /* Back at the present: host input held meanwhile goes in now (and is recorded as new). */
    if (m->serial_pending_len) feed_serial(m);
    if (m->held_keys) {
        char *keys = m->held_keys;
        m->held_keys = NULL;
        machine_type_keys(m, keys);
        free(keys);
    }
}

void machine_inject_input(machine *m, int kind, const uint8_t *bytes, size_t len) {
    if (kind == MACHINE_INPUT_SERIAL) {
        uart_push_input(&m->uart, bytes, len);
    } else if (kind == MACHINE_INPUT_KEYS) {
        char *text = malloc(len + 1);
        if (!text) return;
        memcpy(text, bytes, len);
        text[len] = 0;
        i8042_type(&m->kbd, text);
        free(text);
    }
}

void machine_set_last_break(machine *m, const machine_break_info *info) { m->last_break = *info; }

bool machine_load_costs(machine *m, const char *path, char *err, size_t errlen) {
    costs c = m->costs;
    if (!costs_load(&c, path, err, errlen)) return false;
    machine_set_costs(m, &c);
    return true;
}

bool machine_read_phys(machine *m, uint32_t paddr, void *buf, size_t len) {
    if ((uint64_t)paddr + len > m->ram_size) return false;
    memcpy(buf, m->ram + paddr, len);
    return true;
}

bool machine_write_phys(machine *m, uint32_t paddr, const void *buf, size_t len) {
    if ((uint64_t)paddr + len > m->ram_size) return false;
    if (!memcmp(m->ram + paddr, buf, len)) return true;   /* nothing changes */
    memcpy(m->ram + paddr, buf, len);
    cpu_invalidate_phys(&m->cpu, paddr, (uint32_t)len);
    if (m->has_hist) m->hist.modified(m->hist.ctx);
    return true;
}

/* Host input waits here until the UART's own queue has room (it holds a few KiB), and until the
 * input gate (if any) has opened. */
static void feed_serial(machine *m) {
    if (m->gate_text || m->replaying) return;
    while (m->serial_pending_pos < m->serial_pending_len) {
        size_t took = uart_push_input(&m->uart, m->serial_pending + m->serial_pending_pos,
                                      m->serial_pending_len - m->serial_pending_pos);
        if (took == 0) break;
        if (m->has_hist) m->hist.input(m->hist.ctx, MACHINE_INPUT_SERIAL, m->serial_pending + m->serial_pending_pos, took);
        m->serial_pending_pos += took;
    }
    if (m->serial_pending_pos == m->serial_pending_len) m->serial_pending_pos = m->serial_pending_len = 0;
}

bool machine_serial_input(machine *m, const uint8_t *bytes, size_t len) {
    size_t need = m->serial_pending_len + len;
    if (need < len) return false;
    if (need > m->serial_pending_cap) {
        size_t cap = need <= SIZE_MAX / 2 ? need * 2 : need;
        uint8_t *p = realloc(m->serial_pending, cap);
        if (!p) return false;   /* out of memory: nothing queued, the caller says so */
        m->serial_pending = p;
        m->serial_pending_cap = cap;
    }
    memcpy(m->serial_pending + m->serial_pending_len, bytes, len);
    m->serial_pending_len += len;
    feed_serial(m);
    return true;
}

static size_t append_text(char **buf, const char *text) {
    size_t old = *buf ? strlen(*buf) : 0, add = strlen(text);
    char *p = realloc(*buf, old + add + 1);
    if (!p) return 0;
    memcpy(p + old, text, add + 1);
    *buf = p;
    return add;
}

/* Keys reach the keyboard controller here, and only here (so emu/replay.c sees every one). */
static size_t type_now(machine *m, const char *text) {
    size_t n = i8042_type(&m->kbd, text);
    if (m->has_hist && *text) m->hist.input(m->hist.ctx, MACHINE_INPUT_KEYS, (const uint8_t *)text, strlen(text));
    return n;
}

size_t machine_type_keys(machine *m, const char *text) {
    if (m->replaying) return append_text(&m->held_keys, text);   /* typed when the run reaches the present */
    if (m->gate_text) {
        size_t old = m->gated_keys ? strlen(m->gated_keys) : 0, add = strlen(text);
        char *p = realloc(m->gated_keys, old + add + 1);
        if (!p) return 0;
        memcpy(p + old, text, add + 1);
        m->gated_keys = p;
        return add;
    }
    return type_now(m, text);
}

void machine_input_gate(machine *m, const char *text) {
    free(m->gate_text);
    m->gate_text = text && *text ? strdup(text) : NULL;
    m->gate_matched = 0;
    m->release_due = false;
    if (!m->gate_text && !m->replaying) release_input(m);
}

static void release_input(machine *m) {
    free(m->gate_text);
    m->gate_text = NULL;
    feed_serial(m);
    m->release_due = false;
    if (m->gated_keys) {
        type_now(m, m->gated_keys);
        free(m->gated_keys);
        m->gated_keys = NULL;
    }
}

/* ---- registers by name ---- */

static const char *const gpr_names[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const seg_names[6] = { "es", "cs", "ss", "ds", "fs", "gs" };

bool machine_get_reg(machine *m, const char *name, uint64_t *value) {
    cpu *c = &m->cpu;
    for (int k = 0; k < 8; k++)
        if (!strcasecmp(name, gpr_names[k])) { *value = c->regs[k]; return true; }
    for (int k = 0; k < 6; k++)
        if (!strcasecmp(name, seg_names[k])) { *value = c->seg[k].sel; return true; }
    if (!strcasecmp(name, "eip")) *value = c->eip;
    else if (!strcasecmp(name, "eflags")) *value = cpu_get_eflags(c);
    else if (!strcasecmp(name, "cr0")) *value = c->cr0;
    else if (!strcasecmp(name, "cr2")) *value = c->cr2;
    else if (!strcasecmp(name, "cr3")) *value = c->cr3;
    else if (!strcasecmp(name, "cr4")) *value = c->cr4;
    else if (!strcasecmp(name, "efer")) *value = c->efer;
    else if (!strcasecmp(name, "cpl")) *value = (uint64_t)c->cpl;
    else if (!strcasecmp(name, "cycles")) *value = c->cycles;
    else if (!strcasecmp(name, "icount")) *value = c->icount;
    else return false;
    return true;
}

static bool set_reg(machine *m, const char *name, uint64_t value);

/* A debugger changing a register changes the future: emu/replay.c hears of it (not of writes that
 * leave the value as it was, as gdb's whole-file G does). */
bool machine_set_reg(machine *m, const char *name, uint64_t value) {
    uint64_t old;
    bool known = machine_get_reg(m, name, &old);
    if (!set_reg(m, name, value)) return false;
    uint64_t now;
    if (m->has_hist && (!known || !machine_get_reg(m, name, &now) || now != old)) m->hist.modified(m->hist.ctx);
    return true;
}

static bool set_reg(machine *m, const char *name, uint64_t value) {
    cpu *c = &m->cpu;
    for (int k = 0; k < 8; k++)
        if (!strcasecmp(name, gpr_names[k])) { c->regs[k] = (uint32_t)value; return true; }
    if (!strcasecmp(name, "eip")) {
        c->eip = (uint32_t)value;
        return true;
    }
    if (!strcasecmp(name, "eflags")) {
        cpu_set_eflags(c, (uint32_t)value);
        return true;
    }
    /* Control registers from a debugger: the same effects as MOV CRn (TLB flushes), without faults. */
    if (!strcasecmp(name, "cr0")) c->cr0 = ((uint32_t)value | CR0_ET | CR0_PE);
    else if (!strcasecmp(name, "cr2")) c->cr2 = (uint32_t)value;
    else if (!strcasecmp(name, "cr3")) c->cr3 = (uint32_t)value;
    else if (!strcasecmp(name, "cr4")) c->cr4 = (uint32_t)value & (CR4_PSE | CR4_PGE | CR4_TSD);
    else return false;
    cpu_flush_tlb(c);
    return true;
}

/* ---- snapshot support (emu/snapshot.c) ---- */

_Static_assert(MACHINE_TIMERS <= SNAPSHOT_MAX_TIMERS, "snapshot timer list too short");

const char *machine_kernel_path(const machine *m) { return m->kernel_path; }

void machine_parts_get(machine *m, machine_parts *out) {
    *out = (machine_parts){ .cpu = &m->cpu, .ram = m->ram, .ram_size = m->ram_size, .pic = &m->pic,
                            .pit = &m->pit, .uart = &m->uart, .kbd = &m->kbd, .vga = &m->vga, .dbg = &m->dbg,
                            .probe = &m->probe, .exited = &m->exited, .kernel_path = &m->kernel_path,
                            .costs = &m->costs };
    for (int k = 0; k < MACHINE_TIMERS; k++) {
        if (!m->timers[k].fn) continue;
        out->timer_arg[out->timer_count] = m->timers[k].arg;
        out->timer_at[out->timer_count++] = m->timers[k].at;
    }
}

void machine_timers_clear(machine *m) {
    for (int k = 0; k < MACHINE_TIMERS; k++) m->timers[k].fn = NULL;
}

/* ---- inspection and debugging ---- */

void machine_get_regs(machine *m, machine_regs *r) {
    const cpu *c = &m->cpu;
    memset(r, 0, sizeof *r);
    memcpy(r->gpr, c->regs, sizeof r->gpr);
    r->eip = c->eip;
    r->eflags = cpu_get_eflags(&m->cpu);
    for (int k = 0; k < 8; k++) r->seg[k] = (machine_seg){ c->seg[k].sel, c->seg[k].attr, c->seg[k].base, c->seg[k].limit };
    r->gdtr_base = c->gdtr.base;
    r->gdtr_limit = c->gdtr.limit;
    r->idtr_base = c->idtr.base;
    r->idtr_limit = c->idtr.limit;
    r->cr0 = c->cr0;
    r->cr2 = c->cr2;
    r->cr3 = c->cr3;
    r->cr4 = c->cr4;
    r->efer = c->efer;
    r->cpl = c->cpl;
    r->guest_mode = c->guest_mode;
    r->halted = c->halted;
    r->vmcb = cpu_vmcb(c);
    r->cycles = c->cycles;
    r->instructions = c->icount;
}

machine_stop machine_step(machine *m) { return machine_run(m, 1); }

void machine_request_stop(machine *m) {
    m->stop_requested = true;
    cpu_request_stop(&m->cpu);
}

_Static_assert(MACHINE_MAX_BREAKPOINTS == CPU_MAX_BREAKPOINTS && MACHINE_MAX_WATCHPOINTS == CPU_MAX_WATCHPOINTS,
               "breakpoint limits differ");
_Static_assert((int)MACHINE_WATCH_WRITE == (int)CPU_WATCH_WRITE && (int)MACHINE_WATCH_READ == (int)CPU_WATCH_READ &&
                   (int)MACHINE_WATCH_ACCESS == (int)CPU_WATCH_ACCESS, "watch kinds differ");
_Static_assert((int)MACHINE_SEG_LDTR == (int)S_LDTR && (int)MACHINE_SEG_TR == (int)S_TR &&
                   (int)MACHINE_SEG_COUNT == (int)S_COUNT, "segment numbering differs");

bool machine_add_breakpoint(machine *m, uint32_t eip) { return cpu_add_breakpoint(&m->cpu, eip); }
bool machine_remove_breakpoint(machine *m, uint32_t eip) { return cpu_remove_breakpoint(&m->cpu, eip); }
bool machine_add_watchpoint(machine *m, uint32_t lin, uint32_t len, int kind) {
    return cpu_add_watchpoint(&m->cpu, lin, len, kind);
}
bool machine_remove_watchpoint(machine *m, uint32_t lin, uint32_t len, int kind) {
    return cpu_remove_watchpoint(&m->cpu, lin, len, kind);
}
void machine_last_break(const machine *m, machine_break_info *info) { *info = m->last_break; }

/* The machine API's walk record is its own type (front ends do not include cpu/): a copy. */
_Static_assert(MACHINE_WALK_MAX_STEPS == CPU_WALK_MAX_STEPS, "walk records differ in size");
static bool walk_out(bool ok, const cpu_walk *w, machine_walk *out) {
    memset(out, 0, sizeof *out);   /* padding too: callers may compare walks with memcmp */
    out->paging = w->paging;
    out->nested = w->nested;
    out->step_count = w->step_count;
    for (int k = 0; k < w->step_count && k < MACHINE_WALK_MAX_STEPS; k++) {
        machine_walk_step *o = &out->steps[k];
        o->level = w->steps[k].level;
        o->nested = w->steps[k].nested;
        o->gpa = w->steps[k].gpa;
        o->entry_addr = w->steps[k].entry_addr;
        o->value = w->steps[k].value;
    }
    out->ok = w->ok;
    out->large = w->large;
    out->gpa = w->gpa;
    out->paddr = w->paddr;
    out->error_code = w->error_code;
    out->npf = w->npf;
    out->npf_info1 = w->npf_info1;
    out->npf_gpa = w->npf_gpa;
    return ok;
}

bool machine_translate(machine *m, uint32_t lin, bool write, machine_walk *out) {
    cpu_walk w;
    memset(&w, 0, sizeof w);
    bool ok = cpu_translate(&m->cpu, lin, write ? CPU_ACCESS_WRITE : CPU_ACCESS_READ, false, &w);
    return walk_out(ok, &w, out);
}

bool machine_translate_vm(machine *m, uint32_t vmcb, uint32_t lin, bool write, machine_walk *out) {
    if ((uint64_t)vmcb + 4096 > m->ram_size) return false;
    cpu_walk w;
    memset(&w, 0, sizeof w);
    bool ok = cpu_translate_vmcb(&m->cpu, vmcb, lin, write ? CPU_ACCESS_WRITE : CPU_ACCESS_READ, &w);
    return walk_out(ok, &w, out);
}

const char *machine_svm_check_name(int check) { return cpu_svm_check_name(check); }

static bool linear_access(machine *m, uint32_t lin, void *buf, size_t len, bool write) {
    uint8_t *p = buf;
    while (len > 0) {
        machine_walk w;
        if (!machine_translate(m, lin, false, &w) || (uint64_t)w.paddr >= m->ram_size) return false;
        size_t chunk = 0x1000 - (lin & 0xFFF);
        if (chunk > len) chunk = len;
        if ((uint64_t)w.paddr + chunk > m->ram_size) return false;
        if (write) {
            if (!machine_write_phys(m, w.paddr, p, chunk)) return false;
        } else {
            memcpy(p, m->ram + w.paddr, chunk);
        }
        p += chunk;
        lin += (uint32_t)chunk;
        len -= chunk;
    }
    return true;
}

bool machine_read_linear(machine *m, uint32_t lin, void *buf, size_t len) { return linear_access(m, lin, buf, len, false); }
bool machine_write_linear(machine *m, uint32_t lin, const void *buf, size_t len) {
    return linear_access(m, lin, (void *)buf, len, true);
}

const loader_symbols *machine_symbols(machine *m) {
    if (!m->symbols_tried) {
        m->symbols_tried = true;
        char err[256];
        const char *path = machine_kernel_path(m);
        m->symbols_ok = path && loader_symbols_load(path, &m->symbols, err, sizeof err);
    }
    return m->symbols_ok ? &m->symbols : NULL;
}

_Static_assert(MACHINE_VGA_TEXT_MAX >= VGA_LINE_MAX * VGA_ROWS && MACHINE_VGA_ROWS == VGA_ROWS &&
                   MACHINE_VGA_COLS == VGA_COLS, "VGA text geometry differs");
size_t machine_vga_text(machine *m, char *buf, size_t cap, int *cur_row, int *cur_col) {
    int row = -1, col = -1;
    if (!vga_cursor(&m->vga, &row, &col)) row = col = -1;
    if (cur_row) *cur_row = row;
    if (cur_col) *cur_col = col;
    return vga_render_text(&m->vga, true, buf, cap);
}
