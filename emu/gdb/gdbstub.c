/* The GDB remote stub (GDB manual, appendix E "GDB Remote Serial Protocol").
 *
 * The protocol core below knows nothing of sockets: gdbstub_input takes bytes, replies leave
 * through a callback. The TCP server at the end of the file feeds it. Everything about the guest
 * goes through emu/machine.h. */
#include "emu/gdb/gdbstub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arch/le.h"

/* Replies are built unframed in a buffer this big; memory reads are clamped to fit. */
#define REPLY_MAX GDBSTUB_PACKET_MAX
#define MAX_STUB_BREAKPOINTS 128
#define MAX_STUB_WATCHPOINTS 16
/* Longest watched range accepted (gdb asks for the size of the watched expression). */
#define MAX_WATCH_LEN (1u << 20)
/* Most cycles one single step waits in HLT for an interrupt (20 ms of guest time). */
#define HALT_STEP_LIMIT 20000000u

/* Signals in stop replies (gdb's own numbering, which matches Linux for these). */
enum { SIG_INT = 2, SIG_TRAP = 5, SIG_SEGV = 11, SIG_XCPU = 24 };

/* ---- the register file gdb sees: one table for target.xml, g/G and p/P ---- */

typedef struct gdb_reg {
    const char *name;
    int bytes;
    const char *type;
    const char *group;   /* NULL: gdb's default for the type */
} gdb_reg;

enum {
    REG_EIP = 8, REG_EFLAGS = 9, REG_CS = 10, REG_GS = 15,
    REG_ST0 = 16, REG_FCTRL = 24, REG_CR0 = 32, REG_COUNT = 36,
};

/* gdb's i386 core feature must hold the 16 integer and 16 x87 registers in this order
 * (gdb/features/i386/32bit-core.xml); vx86 has no FPU, so the x87 ones read as zero. The
 * control registers are our own feature, shown by `info registers system`. */
static const gdb_reg REGS[REG_COUNT] = {
    { "eax", 4, "int32", NULL },     { "ecx", 4, "int32", NULL },     { "edx", 4, "int32", NULL },
    { "ebx", 4, "int32", NULL },     { "esp", 4, "data_ptr", NULL },  { "ebp", 4, "data_ptr", NULL },
    { "esi", 4, "int32", NULL },     { "edi", 4, "int32", NULL },     { "eip", 4, "code_ptr", NULL },
    { "eflags", 4, "i386_eflags", NULL },
    { "cs", 4, "int32", NULL },      { "ss", 4, "int32", NULL },      { "ds", 4, "int32", NULL },
    { "es", 4, "int32", NULL },      { "fs", 4, "int32", NULL },      { "gs", 4, "int32", NULL },
    { "st0", 10, "i387_ext", NULL }, { "st1", 10, "i387_ext", NULL }, { "st2", 10, "i387_ext", NULL },
    { "st3", 10, "i387_ext", NULL }, { "st4", 10, "i387_ext", NULL }, { "st5", 10, "i387_ext", NULL },
    { "st6", 10, "i387_ext", NULL }, { "st7", 10, "i387_ext", NULL },
    { "fctrl", 4, "int", "float" },  { "fstat", 4, "int", "float" },  { "ftag", 4, "int", "float" },
    { "fiseg", 4, "int", "float" },  { "fioff", 4, "int", "float" },  { "foseg", 4, "int", "float" },
    { "fooff", 4, "int", "float" },  { "fop", 4, "int", "float" },
    { "cr0", 4, "int32", "system" }, { "cr2", 4, "int32", "system" }, { "cr3", 4, "int32", "system" },
    { "cr4", 4, "int32", "system" },
};

/* machine_regs.seg is es cs ss ds fs gs; gdb wants cs ss ds es fs gs. */
static const int SEG_INDEX[6] = { 1, 2, 3, 0, 4, 5 };

/* EFLAGS bits gdb shows by name ("[ IF ZF ]"). */
static const struct { const char *name; int bit; } EFLAGS_FIELDS[] = {
    { "CF", 0 },  { "", 1 },   { "PF", 2 },  { "AF", 4 },   { "ZF", 6 },   { "SF", 7 },
    { "TF", 8 },  { "IF", 9 }, { "DF", 10 }, { "OF", 11 },  { "NT", 14 },  { "RF", 16 },
    { "VM", 17 }, { "AC", 18 }, { "VIF", 19 }, { "VIP", 20 }, { "ID", 21 },
};

static int regs_total_bytes(void) {
    int n = 0;
    for (int k = 0; k < REG_COUNT; k++) n += REGS[k].bytes;
    return n;
}

/* Register n of r, little-endian, into out; returns its size. */
static int reg_read(const machine_regs *r, int n, uint8_t out[10]) {
    uint32_t v = 0;
    memset(out, 0, 10);
    if (n < 8) v = r->gpr[n];
    else if (n == REG_EIP) v = r->eip;
    else if (n == REG_EFLAGS) v = r->eflags;
    else if (n >= REG_CS && n <= REG_GS) v = r->seg[SEG_INDEX[n - REG_CS]].sel;
    else if (n == REG_CR0) v = r->cr0;
    else if (n == REG_CR0 + 1) v = r->cr2;
    else if (n == REG_CR0 + 2) v = r->cr3;
    else if (n == REG_CR0 + 3) v = r->cr4;
    for (int k = 0; k < 4; k++) out[k] = (uint8_t)(v >> (8 * k));
    return REGS[n].bytes;
}

/* Writes register n from little-endian bytes. The x87 registers do not exist: writes vanish.
 * Segment and control registers cannot be set through the machine API: writing the value they
 * already hold succeeds (so a whole-file G round-trips), anything else fails. */
static bool reg_write(machine *m, int n, const uint8_t *bytes) {
    uint32_t v = le32_load(bytes);
    if (n <= REG_EFLAGS) return machine_set_reg(m, REGS[n].name, v);
    if (n >= REG_ST0 && n < REG_CR0) return true;
    machine_regs r;
    machine_get_regs(m, &r);
    uint8_t cur[10];
    reg_read(&r, n, cur);
    return memcmp(cur, bytes, 4) == 0;
}

/* ---- the session ---- */

typedef struct stub_breakpoint {
    uint32_t addr;
    int type;                /* 0 software (Z0), 1 hardware (Z1): both are machine breakpoints */
} stub_breakpoint;

typedef struct stub_watchpoint {
    uint32_t addr, len;
    int kind;                /* machine kinds: 1 write, 2 read, 3 access */
} stub_watchpoint;

typedef enum { RX_IDLE, RX_DATA, RX_CSUM_HIGH, RX_CSUM_LOW } rx_state;

struct gdbstub {
    machine *m;
    gdbstub_send_fn send;
    void *send_ctx;
    FILE *trace;
    gdbstub_state state;
    machine_stop end_reason;
    bool no_ack;                 /* QStartNoAckMode accepted */
    bool interrupt_pending;      /* Ctrl-C arrived while running */
    bool shutdown_reported;      /* a triple fault was shown as a stop; next resume ends */
    uint32_t resume_eip;         /* where the last resume started, to pass a breakpoint there */
    uint64_t resume_icount;
    uint64_t cycle_limit;        /* the run ends at this cycle (--max-cycles); UINT64_MAX: never */

    rx_state rx;
    char pkt[GDBSTUB_PACKET_MAX + 1];
    size_t pkt_len;
    bool pkt_overflow;
    uint8_t pkt_sum;
    uint8_t csum_high;

    char reply[REPLY_MAX + 1];
    char out[REPLY_MAX + 8];     /* the last framed packet, resent on '-' */
    size_t out_len;
    char stop_reply[64];         /* answer to '?' */

    stub_breakpoint bps[MAX_STUB_BREAKPOINTS];
    int bp_count;
    stub_watchpoint wps[MAX_STUB_WATCHPOINTS];
    int wp_count;

    char xml[4096];
    size_t xml_len;
    uint8_t mem[GDBSTUB_PACKET_MAX];   /* memory being read or written */
};

static const char HEX[] = "0123456789abcdef";

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses 1..16 hex digits at *p (advancing it). */
static bool parse_hex(const char **p, uint64_t *out) {
    uint64_t v = 0;
    int digits = 0;
    while (hex_value(**p) >= 0) {
        if (++digits > 16) return false;
        v = v << 4 | (uint64_t)hex_value(**p);
        (*p)++;
    }
    *out = v;
    return digits > 0;
}

/* "ADDR,LEN" with a 32-bit address. */
static bool parse_addr_len(const char **p, uint32_t *addr, uint64_t *len) {
    uint64_t a;
    if (!parse_hex(p, &a) || a > 0xFFFFFFFFu || **p != ',') return false;
    (*p)++;
    if (!parse_hex(p, len)) return false;
    *addr = (uint32_t)a;
    return true;
}

static bool decode_hex_bytes(const char *hex, size_t count, uint8_t *out) {
    for (size_t k = 0; k < count; k++) {
        int hi = hex_value(hex[2 * k]), lo = hi < 0 ? -1 : hex_value(hex[2 * k + 1]);
        if (lo < 0) return false;
        out[k] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static void trace_packet(gdbstub *s, const char *dir, const char *body, size_t len) {
    if (!s->trace) return;
    fprintf(s->trace, "gdb %s ", dir);
    size_t shown = len > 200 ? 200 : len;
    for (size_t k = 0; k < shown; k++) {
        unsigned char c = (unsigned char)body[k];
        fputc(c >= 0x20 && c < 0x7f ? c : '.', s->trace);
    }
    fprintf(s->trace, "%s\n", shown < len ? "..." : "");
    fflush(s->trace);
}

static void send_bytes(gdbstub *s, const void *bytes, size_t len) { s->send(s->send_ctx, bytes, len); }

static void send_packet(gdbstub *s, const char *body, size_t len) {
    if (len > REPLY_MAX) len = REPLY_MAX;   /* replies are built to fit; never overrun */
    uint8_t sum = 0;
    s->out[0] = '$';
    for (size_t k = 0; k < len; k++) {
        s->out[1 + k] = body[k];
        sum = (uint8_t)(sum + (uint8_t)body[k]);
    }
    s->out[1 + len] = '#';
    s->out[2 + len] = HEX[sum >> 4];
    s->out[3 + len] = HEX[sum & 15];
    s->out_len = len + 4;
    trace_packet(s, "->", body, len);
    send_bytes(s, s->out, s->out_len);
}

static void reply(gdbstub *s, const char *text) { send_packet(s, text, strlen(text)); }

static void build_target_xml(gdbstub *s) {
    char *p = s->xml;
    size_t left = sizeof s->xml;
#define XML(...)                                                   \
    do {                                                           \
        int n_ = snprintf(p, left, __VA_ARGS__);                   \
        if (n_ > 0 && (size_t)n_ < left) { p += n_; left -= (size_t)n_; } \
    } while (0)
    XML("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n"
        "<architecture>i386</architecture>\n<feature name=\"org.gnu.gdb.i386.core\">\n"
        "<flags id=\"i386_eflags\" size=\"4\">\n");
    for (size_t k = 0; k < sizeof EFLAGS_FIELDS / sizeof EFLAGS_FIELDS[0]; k++)
        XML("<field name=\"%s\" start=\"%d\" end=\"%d\"/>\n", EFLAGS_FIELDS[k].name, EFLAGS_FIELDS[k].bit,
            EFLAGS_FIELDS[k].bit);
    XML("</flags>\n");
    for (int k = 0; k < REG_COUNT; k++) {
        if (k == REG_CR0) XML("</feature>\n<feature name=\"org.vx86.system\">\n");
        XML("<reg name=\"%s\" bitsize=\"%d\" type=\"%s\" regnum=\"%d\"", REGS[k].name, REGS[k].bytes * 8,
            REGS[k].type, k);
        if (REGS[k].group) XML(" group=\"%s\"", REGS[k].group);
        XML("/>\n");
    }
    XML("</feature>\n</target>\n");
#undef XML
    s->xml_len = (size_t)(p - s->xml);
}

gdbstub *gdbstub_create(machine *m, gdbstub_send_fn send, void *send_ctx, FILE *trace) {
    gdbstub *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->m = m;
    s->send = send;
    s->send_ctx = send_ctx;
    s->trace = trace;
    s->state = GDBSTUB_STOPPED;
    s->cycle_limit = UINT64_MAX;
    snprintf(s->stop_reply, sizeof s->stop_reply, "T%02xthread:1;", SIG_TRAP);
    build_target_xml(s);
    /* Reverse execution needs the history from here on; it stays with the machine after the
     * session (a later session, or the TUI, can still go back). Without it bs/bc answer E01. */
    if (!machine_history_enabled(m)) {
        char err[256];
        if (!machine_history_enable(m, 0, 0, err, sizeof err) && trace) fprintf(trace, "gdb: %s\n", err);
    }
    return s;
}

void gdbstub_destroy(gdbstub *s) {
    if (!s) return;
    for (int k = 0; k < s->bp_count; k++) machine_remove_breakpoint(s->m, s->bps[k].addr);
    for (int k = 0; k < s->wp_count; k++)
        machine_remove_watchpoint(s->m, s->wps[k].addr, s->wps[k].len, s->wps[k].kind);
    free(s);
}

gdbstub_state gdbstub_get_state(const gdbstub *s) { return s->state; }
void gdbstub_set_cycle_limit(gdbstub *s, uint64_t at) { s->cycle_limit = at; }
machine_stop gdbstub_end_reason(const gdbstub *s) { return s->end_reason; }

/* ---- stops ---- */

static void report_stop(gdbstub *s, const char *text) {
    snprintf(s->stop_reply, sizeof s->stop_reply, "%s", text);
    s->state = GDBSTUB_STOPPED;
    reply(s, text);
}

static void report_end(gdbstub *s, machine_stop why, const char *text) {
    s->end_reason = why;
    s->state = GDBSTUB_ENDED;
    reply(s, text);
}

static const stub_breakpoint *find_breakpoint(const gdbstub *s, uint32_t addr) {
    for (int k = 0; k < s->bp_count; k++)
        if (s->bps[k].addr == addr) return &s->bps[k];
    return NULL;
}

/* The watchpoint of ours that an access of this kind (1 write, 2 read) at addr triggered. */
static const stub_watchpoint *find_watch_hit(const gdbstub *s, uint32_t addr, int access) {
    for (int k = 0; k < s->wp_count; k++) {
        const stub_watchpoint *w = &s->wps[k];
        if ((w->kind & access) && addr - w->addr < w->len) return w;
    }
    return NULL;
}

static void report_break(gdbstub *s) {
    machine_break_info bi;
    machine_last_break(s->m, &bi);
    char text[64];
    if (bi.kind == MACHINE_BREAK_BREAKPOINT) {
        /* swbreak/hwbreak tell gdb the PC already points at the breakpoint (no int3 to back over). */
        const stub_breakpoint *b = find_breakpoint(s, bi.addr);
        snprintf(text, sizeof text, "T%02x%sthread:1;", SIG_TRAP,
                 !b ? "" : b->type == 0 ? "swbreak:;" : "hwbreak:;");
    } else if (bi.kind == MACHINE_BREAK_WATCHPOINT) {
        const stub_watchpoint *w = find_watch_hit(s, bi.addr, bi.access);
        const char *what = !w ? NULL : w->kind == 1 ? "watch" : w->kind == 2 ? "rwatch" : "awatch";
        if (what)
            snprintf(text, sizeof text, "T%02x%s:%x;thread:1;", SIG_TRAP, what, (unsigned)bi.addr);
        else
            snprintf(text, sizeof text, "T%02xthread:1;", SIG_TRAP);
    } else {
        snprintf(text, sizeof text, "T%02xthread:1;", SIG_INT);
    }
    report_stop(s, text);
}

/* Turns a machine stop into the right reply. `stepping`: a LIMIT stop ends a single step. */
static void handle_stop(gdbstub *s, machine_stop why, bool stepping) {
    char text[32];
    switch (why) {
    case MACHINE_STOP_LIMIT:
        if (stepping) {
            snprintf(text, sizeof text, "T%02xthread:1;", SIG_TRAP);
            report_stop(s, text);
        }
        break;
    case MACHINE_STOP_BREAK:
        report_break(s);
        break;
    case MACHINE_STOP_EXIT:
        snprintf(text, sizeof text, "W%02x", (unsigned)machine_exit_status(s->m));
        report_end(s, why, text);
        break;
    case MACHINE_STOP_HALTED:
        report_end(s, why, "W00");
        break;
    case MACHINE_STOP_SHUTDOWN:
        /* First show the triple fault as a stop so the state can be inspected; it cannot go on. */
        if (!s->shutdown_reported) {
            s->shutdown_reported = true;
            snprintf(text, sizeof text, "T%02xthread:1;", SIG_SEGV);
            report_stop(s, text);
        } else {
            snprintf(text, sizeof text, "X%02x", SIG_SEGV);
            report_end(s, why, text);
        }
        break;
    }
}

static uint32_t current_eip(machine *m) {
    machine_regs r;
    machine_get_regs(m, &r);
    return r.eip;
}

/* True if this stop is stale: nothing ran since the resume, and it is the breakpoint at the resume
 * address (the machine passes it on the next run; gdb expects a resume to leave the PC) or a
 * watchpoint hit left over from before (a single step does not report one). */
static bool stopped_before_anything_ran(gdbstub *s, machine_stop why) {
    if (why != MACHINE_STOP_BREAK || machine_instructions(s->m) != s->resume_icount) return false;
    machine_break_info bi;
    machine_last_break(s->m, &bi);
    return (bi.kind == MACHINE_BREAK_BREAKPOINT && bi.addr == s->resume_eip) || bi.kind == MACHINE_BREAK_WATCHPOINT;
}

static void mark_resume(gdbstub *s) {
    s->resume_eip = current_eip(s->m);
    s->resume_icount = machine_instructions(s->m);
}

static bool cpu_halted(machine *m) {
    machine_regs r;
    machine_get_regs(m, &r);
    return r.halted;
}

/* --max-cycles holds while gdb drives: at the limit the run is over, and gdb hears that the
 * program ended with SIGXCPU ("CPU time limit exceeded"), as a process over its RLIMIT_CPU. */
static bool at_cycle_limit(gdbstub *s) {
    if (machine_cycles(s->m) < s->cycle_limit) return false;
    char text[8];
    snprintf(text, sizeof text, "X%02x", SIG_XCPU);
    report_end(s, MACHINE_STOP_LIMIT, text);
    return true;
}

/* At most `cycles`, and never past the cycle limit. */
static uint64_t budget(const gdbstub *s, uint64_t cycles) {
    uint64_t now = machine_cycles(s->m), left = s->cycle_limit > now ? s->cycle_limit - now : 0;
    return cycles < left ? cycles : left;
}

static void single_step(gdbstub *s) {
    if (at_cycle_limit(s)) return;
    mark_resume(s);
    machine_stop why = machine_step(s->m);
    if (stopped_before_anything_ran(s, why)) why = machine_step(s->m);
    /* After HLT the CPU waits for an interrupt, and one machine_step is one cycle of waiting:
     * keep stepping (boundedly) until an instruction runs, so a step always shows progress. */
    for (uint32_t k = 0; k < HALT_STEP_LIMIT && why == MACHINE_STOP_LIMIT &&
                         machine_instructions(s->m) == s->resume_icount && cpu_halted(s->m) &&
                         machine_cycles(s->m) < s->cycle_limit; k++)
        why = machine_step(s->m);
    if (why == MACHINE_STOP_LIMIT && machine_instructions(s->m) == s->resume_icount && at_cycle_limit(s)) return;
    handle_stop(s, why, true);
}

void gdbstub_run_slice(gdbstub *s, uint64_t cycles) {
    if (s->state != GDBSTUB_RUNNING) return;
    if (s->interrupt_pending) {
        s->interrupt_pending = false;
        char text[32];
        snprintf(text, sizeof text, "T%02xthread:1;", SIG_INT);
        report_stop(s, text);
        return;
    }
    if (at_cycle_limit(s)) return;
    machine_stop why = machine_run(s->m, budget(s, cycles));
    if (stopped_before_anything_ran(s, why)) why = machine_run(s->m, budget(s, cycles));
    /* Only the first slice after a resume may pass the breakpoint it started on. */
    s->resume_icount = UINT64_MAX;
    handle_stop(s, why, false);
    if (s->state == GDBSTUB_RUNNING) at_cycle_limit(s);
}

/* c/s/C/S with an optional resume address (and a signal we ignore: there are no signals). */
static void resume(gdbstub *s, bool step, const char *addr_text) {
    if (addr_text && *addr_text) {
        uint64_t a;
        if (!parse_hex(&addr_text, &a) || a > 0xFFFFFFFFu || *addr_text) {
            reply(s, "E01");
            return;
        }
        machine_set_reg(s->m, "eip", a);
    }
    if (step) {
        single_step(s);
    } else {
        mark_resume(s);
        s->interrupt_pending = false;
        s->state = GDBSTUB_RUNNING;
    }
}

/* bs / bc: backwards one instruction / to the previous breakpoint or watchpoint hit, by
 * restoring a snapshot and re-executing (emu/replay.c). At the start of the recorded history the
 * stop reply says so ("replaylog:begin", GDB manual E.3 "Stop Reply Packets"), and gdb prints
 * "No more reverse-execution history." */
static void reverse(gdbstub *s, bool step) {
    machine_reverse r = step ? machine_step_back(s->m, 1) : machine_reverse_continue(s->m);
    char text[48];
    switch (r) {
    case MACHINE_REVERSE_OK:
        snprintf(text, sizeof text, "T%02xthread:1;", SIG_TRAP);
        report_stop(s, text);
        break;
    case MACHINE_REVERSE_BREAK:
        report_break(s);
        break;
    case MACHINE_REVERSE_BEGIN:
        snprintf(text, sizeof text, "T%02xreplaylog:begin;thread:1;", SIG_TRAP);
        report_stop(s, text);
        break;
    case MACHINE_REVERSE_ERROR:
        if (s->trace) fprintf(s->trace, "gdb reverse: %s\n", machine_history_error(s->m));
        reply(s, "E01");
        break;
    }
}

/* ---- packet handlers ---- */

static void cmd_read_registers(gdbstub *s) {
    machine_regs r;
    machine_get_regs(s->m, &r);
    size_t n = 0;
    for (int k = 0; k < REG_COUNT; k++) {
        uint8_t b[10];
        int len = reg_read(&r, k, b);
        for (int j = 0; j < len; j++) {
            s->reply[n++] = HEX[b[j] >> 4];
            s->reply[n++] = HEX[b[j] & 15];
        }
    }
    send_packet(s, s->reply, n);
}

static void cmd_write_registers(gdbstub *s, const char *hex, size_t len) {
    /* Whole registers only; gdb may send fewer than all of them. */
    uint8_t bytes[256];
    size_t count = len / 2;
    if (len % 2 || count > (size_t)regs_total_bytes() || !decode_hex_bytes(hex, count, bytes)) {
        reply(s, "E01");
        return;
    }
    size_t at = 0;
    for (int k = 0; k < REG_COUNT && at + (size_t)REGS[k].bytes <= count; k++) {
        if (k <= REG_EFLAGS) reg_write(s->m, k, bytes + at);   /* others: see reg_write */
        at += (size_t)REGS[k].bytes;
    }
    reply(s, "OK");
}

static void cmd_read_register(gdbstub *s, const char *args) {
    uint64_t n;
    if (!parse_hex(&args, &n) || *args) {
        reply(s, "E01");
        return;
    }
    if (n >= REG_COUNT) {
        reply(s, "E00");
        return;
    }
    machine_regs r;
    machine_get_regs(s->m, &r);
    uint8_t b[10];
    int len = reg_read(&r, (int)n, b);
    for (int j = 0; j < len; j++) {
        s->reply[2 * j] = HEX[b[j] >> 4];
        s->reply[2 * j + 1] = HEX[b[j] & 15];
    }
    send_packet(s, s->reply, (size_t)len * 2);
}

static void cmd_write_register(gdbstub *s, const char *args) {
    uint64_t n;
    if (!parse_hex(&args, &n) || *args != '=') {
        reply(s, "E01");
        return;
    }
    args++;
    if (n >= REG_COUNT) {
        reply(s, "E00");
        return;
    }
    uint8_t b[10];
    size_t size = (size_t)REGS[n].bytes;
    if (strlen(args) != size * 2 || !decode_hex_bytes(args, size, b)) {
        reply(s, "E01");
        return;
    }
    reply(s, reg_write(s->m, (int)n, b) ? "OK" : "E01");
}

/* Reads as much of [addr, addr+len) as is mapped, from the start; returns the byte count. */
static size_t read_memory(gdbstub *s, uint32_t addr, uint8_t *buf, size_t len) {
    size_t done = 0;
    while (done < len) {
        uint32_t at = addr + (uint32_t)done;
        size_t chunk = 0x1000 - (at & 0xFFF);
        if (chunk > len - done) chunk = len - done;
        if (!machine_read_linear(s->m, at, buf + done, chunk)) break;
        done += chunk;
    }
    return done;
}

/* Byte count of a memory request, clamped so the reply fits and the range does not wrap. */
static size_t clamp_length(uint32_t addr, uint64_t len, size_t max) {
    uint64_t room = 0x100000000ull - addr;
    if (len > room) len = room;
    return len > max ? max : (size_t)len;
}

static void cmd_read_memory(gdbstub *s, const char *args) {
    uint32_t addr;
    uint64_t len;
    if (!parse_addr_len(&args, &addr, &len) || *args || len == 0) {
        reply(s, "E01");
        return;
    }
    uint8_t *buf = s->mem;
    size_t got = read_memory(s, addr, buf, clamp_length(addr, len, REPLY_MAX / 2));
    if (got == 0) {
        reply(s, "E14");   /* EFAULT: gdb says "Cannot access memory at address" */
        return;
    }
    for (size_t k = 0; k < got; k++) {
        s->reply[2 * k] = HEX[buf[k] >> 4];
        s->reply[2 * k + 1] = HEX[buf[k] & 15];
    }
    send_packet(s, s->reply, got * 2);
}

static void cmd_write_memory_hex(gdbstub *s, const char *args) {
    uint32_t addr;
    uint64_t len;
    if (!parse_addr_len(&args, &addr, &len) || *args != ':') {
        reply(s, "E01");
        return;
    }
    args++;
    uint8_t *buf = s->mem;
    if (len > sizeof s->mem || strlen(args) != len * 2 || !decode_hex_bytes(args, (size_t)len, buf) ||
        clamp_length(addr, len, sizeof s->mem) != len) {
        reply(s, "E01");
        return;
    }
    reply(s, len == 0 || machine_write_linear(s->m, addr, buf, (size_t)len) ? "OK" : "E14");
}

/* X: binary data after the colon, with '}' escapes (the byte after '}' is XORed with 0x20). */
static void cmd_write_memory_binary(gdbstub *s) {
    const char *args = s->pkt + 1;
    uint32_t addr;
    uint64_t len;
    if (!parse_addr_len(&args, &addr, &len) || *args != ':') {
        reply(s, "E01");
        return;
    }
    args++;
    const char *end = s->pkt + s->pkt_len;
    uint8_t *buf = s->mem;
    size_t n = 0;
    bool ok = true;
    while (args < end && ok) {
        uint8_t c = (uint8_t)*args++;
        if (c == '}') {
            if (args == end) ok = false;
            else c = (uint8_t)(*args++ ^ 0x20);
        }
        if (n < sizeof s->mem) buf[n++] = c;
        else ok = false;
    }
    if (!ok || n != len || clamp_length(addr, len, sizeof s->mem) != len) {
        reply(s, "E01");
        return;
    }
    reply(s, len == 0 || machine_write_linear(s->m, addr, buf, n) ? "OK" : "E14");
}

static bool add_breakpoint(gdbstub *s, uint32_t addr, int type) {
    for (int k = 0; k < s->bp_count; k++)
        if (s->bps[k].addr == addr && s->bps[k].type == type) return true;
    if (s->bp_count == MAX_STUB_BREAKPOINTS || !machine_add_breakpoint(s->m, addr)) return false;
    s->bps[s->bp_count++] = (stub_breakpoint){ addr, type };
    return true;
}

static void remove_breakpoint(gdbstub *s, uint32_t addr, int type) {
    for (int k = 0; k < s->bp_count; k++) {
        if (s->bps[k].addr == addr && s->bps[k].type == type) {
            s->bps[k] = s->bps[--s->bp_count];
            /* Z0 and Z1 at one address share one machine breakpoint. */
            if (!find_breakpoint(s, addr)) machine_remove_breakpoint(s->m, addr);
            return;
        }
    }
}

static bool add_watchpoint(gdbstub *s, uint32_t addr, uint32_t len, int kind) {
    for (int k = 0; k < s->wp_count; k++)
        if (s->wps[k].addr == addr && s->wps[k].len == len && s->wps[k].kind == kind) return true;
    if (s->wp_count == MAX_STUB_WATCHPOINTS || !machine_add_watchpoint(s->m, addr, len, kind)) return false;
    s->wps[s->wp_count++] = (stub_watchpoint){ addr, len, kind };
    return true;
}

static void remove_watchpoint(gdbstub *s, uint32_t addr, uint32_t len, int kind) {
    for (int k = 0; k < s->wp_count; k++) {
        if (s->wps[k].addr == addr && s->wps[k].len == len && s->wps[k].kind == kind) {
            s->wps[k] = s->wps[--s->wp_count];
            machine_remove_watchpoint(s->m, addr, len, kind);
            return;
        }
    }
}

/* Z/z TYPE,ADDR,KIND[;conditions]: 0 software and 1 hardware breakpoints, 2 write, 3 read and
 * 4 access watchpoints. Conditions and commands (after ';') are not supported and ignored. */
static void cmd_breakpoint(gdbstub *s, bool insert) {
    const char *p = s->pkt + 1;
    uint64_t type, kind;
    uint32_t addr;
    if (!parse_hex(&p, &type) || *p != ',') {
        reply(s, "E01");
        return;
    }
    p++;
    if (!parse_addr_len(&p, &addr, &kind) || (*p && *p != ';')) {
        reply(s, "E01");
        return;
    }
    if (type > 4) {
        reply(s, "");   /* unsupported type: empty, as the protocol asks */
        return;
    }
    bool ok = true;
    if (type <= 1) {
        if (insert) ok = add_breakpoint(s, addr, (int)type);
        else remove_breakpoint(s, addr, (int)type);
    } else {
        int machine_kind = type == 2 ? 1 : type == 3 ? 2 : 3;
        if (kind == 0 || kind > MAX_WATCH_LEN || clamp_length(addr, kind, MAX_WATCH_LEN) != kind) {
            reply(s, "E01");
            return;
        }
        if (insert) ok = add_watchpoint(s, addr, (uint32_t)kind, machine_kind);
        else remove_watchpoint(s, addr, (uint32_t)kind, machine_kind);
    }
    reply(s, ok ? "OK" : "E0e");   /* ENOSPC-ish: gdb reports it cannot insert */
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH */
static void cmd_xfer_features(gdbstub *s, const char *args) {
    const char *colon = strchr(args, ':');
    if (!colon) {
        reply(s, "E01");
        return;
    }
    if ((size_t)(colon - args) != strlen("target.xml") || strncmp(args, "target.xml", (size_t)(colon - args))) {
        reply(s, "E00");
        return;
    }
    const char *p = colon + 1;
    uint64_t offset, len;
    if (!parse_hex(&p, &offset) || *p++ != ',' || !parse_hex(&p, &len) || *p) {
        reply(s, "E01");
        return;
    }
    if (offset >= s->xml_len) {
        reply(s, "l");
        return;
    }
    size_t avail = s->xml_len - (size_t)offset;
    /* Half the buffer: escaping can double the data. */
    size_t n = len < avail ? (size_t)len : avail;
    if (n > REPLY_MAX / 2 - 1) n = REPLY_MAX / 2 - 1;
    size_t out = 0;
    s->reply[out++] = n < avail ? 'm' : 'l';
    for (size_t k = 0; k < n; k++) {
        char c = s->xml[offset + k];
        if (c == '$' || c == '#' || c == '}' || c == '*') {
            s->reply[out++] = '}';
            c = (char)(c ^ 0x20);
        }
        s->reply[out++] = c;
    }
    send_packet(s, s->reply, out);
}

static bool starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

static void cmd_query(gdbstub *s) {
    const char *q = s->pkt;
    if (starts_with(q, "qSupported")) {
        char text[160];
        snprintf(text, sizeof text,
                 "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;ReverseStep+;"
                 "ReverseContinue+",
                 GDBSTUB_PACKET_MAX);
        reply(s, text);
    } else if (starts_with(q, "qXfer:features:read:")) {
        cmd_xfer_features(s, q + strlen("qXfer:features:read:"));
    } else if (starts_with(q, "qAttached")) {
        reply(s, "1");   /* like attaching to a running machine: quitting gdb detaches */
    } else if (!strcmp(q, "qC")) {
        reply(s, "QC1");
    } else if (!strcmp(q, "qfThreadInfo")) {
        reply(s, "m1");
    } else if (!strcmp(q, "qsThreadInfo")) {
        reply(s, "l");
    } else if (starts_with(q, "qSymbol")) {
        reply(s, "OK");
    } else {
        reply(s, "");
    }
}

/* vCont;ACTION[:thread][;ACTION...]: one thread, so the first action decides. */
static void cmd_vcont(gdbstub *s) {
    const char *p = s->pkt + strlen("vCont");
    if (*p == '?') {
        reply(s, "vCont;c;C;s;S");
        return;
    }
    if (*p != ';') {
        reply(s, "E01");
        return;
    }
    char action = p[1];
    if (action == 'c' || action == 'C') resume(s, false, NULL);
    else if (action == 's' || action == 'S') resume(s, true, NULL);
    else reply(s, "E01");
}

/* C/S SIG[;ADDR]: there are no signals to deliver, so SIG is checked and dropped. */
static void resume_with_signal(gdbstub *s, bool step, const char *args) {
    uint64_t sig;
    if (!parse_hex(&args, &sig) || (*args && *args != ';')) {
        reply(s, "E01");
        return;
    }
    resume(s, step, *args ? args + 1 : NULL);
}

static void dispatch(gdbstub *s) {
    const char *args = s->pkt + 1;
    switch (s->pkt[0]) {
    case '?': reply(s, s->stop_reply); break;
    case 'g': cmd_read_registers(s); break;
    case 'G': cmd_write_registers(s, args, s->pkt_len - 1); break;
    case 'p': cmd_read_register(s, args); break;
    case 'P': cmd_write_register(s, args); break;
    case 'm': cmd_read_memory(s, args); break;
    case 'M': cmd_write_memory_hex(s, args); break;
    case 'X': cmd_write_memory_binary(s); break;
    case 'c': resume(s, false, args); break;
    case 's': resume(s, true, args); break;
    case 'C': resume_with_signal(s, false, args); break;
    case 'S': resume_with_signal(s, true, args); break;
    case 'Z': cmd_breakpoint(s, true); break;
    case 'z': cmd_breakpoint(s, false); break;
    case 'b':
        if (!strcmp(s->pkt, "bs")) reverse(s, true);
        else if (!strcmp(s->pkt, "bc")) reverse(s, false);
        else reply(s, "");
        break;
    case 'H': reply(s, "OK"); break;    /* one thread: any thread selection is it */
    case 'T': reply(s, "OK"); break;    /* and it is alive */
    case 'q': cmd_query(s); break;
    case 'D':
        reply(s, "OK");
        s->state = GDBSTUB_DETACHED;
        break;
    case 'k':
        s->state = GDBSTUB_KILLED;     /* 'k' has no reply */
        break;
    case 'Q':
        if (!strcmp(s->pkt, "QStartNoAckMode")) {
            reply(s, "OK");             /* acknowledged in ack mode, then acks stop */
            s->no_ack = true;
        } else {
            reply(s, "");
        }
        break;
    case 'v':
        if (starts_with(s->pkt, "vCont")) {
            cmd_vcont(s);
        } else if (starts_with(s->pkt, "vKill")) {
            reply(s, "OK");
            s->state = GDBSTUB_KILLED;
        } else {
            reply(s, "");
        }
        break;
    default: reply(s, ""); break;   /* empty: "not supported" */
    }
}

/* A whole packet arrived with a good checksum. */
static void packet_received(gdbstub *s) {
    if (!s->no_ack) send_bytes(s, "+", 1);
    trace_packet(s, "<-", s->pkt, s->pkt_len);
    if (s->pkt_overflow) {
        reply(s, "E01");
        return;
    }
    s->pkt[s->pkt_len] = 0;
    if (s->pkt_len == 0) {
        reply(s, "");
        return;
    }
    /* While the guest runs only Ctrl-C means anything; gdb sends nothing else then. */
    if (s->state == GDBSTUB_RUNNING) return;
    dispatch(s);
}

static void input_byte(gdbstub *s, uint8_t c) {
    switch (s->rx) {
    case RX_IDLE:
        if (c == '$') {
            s->rx = RX_DATA;
            s->pkt_len = 0;
            s->pkt_sum = 0;
            s->pkt_overflow = false;
        } else if (c == 0x03) {
            if (s->state == GDBSTUB_RUNNING) s->interrupt_pending = true;
        } else if (c == '-' && s->out_len && !s->no_ack) {
            send_bytes(s, s->out, s->out_len);
        }
        /* '+' and line noise between packets are ignored. */
        break;
    case RX_DATA:
        if (c == '#') {
            s->rx = RX_CSUM_HIGH;
        } else if (c == '$') {
            /* A '$' never appears inside a packet (it is escaped): the old one was cut short. */
            s->pkt_len = 0;
            s->pkt_sum = 0;
            s->pkt_overflow = false;
        } else {
            s->pkt_sum = (uint8_t)(s->pkt_sum + c);
            if (s->pkt_len < GDBSTUB_PACKET_MAX) s->pkt[s->pkt_len++] = (char)c;
            else s->pkt_overflow = true;
        }
        break;
    case RX_CSUM_HIGH:
    case RX_CSUM_LOW: {
        int v = hex_value(c);
        if (v < 0) {
            s->rx = RX_IDLE;
            if (!s->no_ack) send_bytes(s, "-", 1);
            if (c == '$') input_byte(s, c);   /* a new packet began: do not lose it */
            break;
        }
        if (s->rx == RX_CSUM_HIGH) {
            s->csum_high = (uint8_t)v;
            s->rx = RX_CSUM_LOW;
            break;
        }
        s->rx = RX_IDLE;
        if ((uint8_t)(s->csum_high << 4 | v) == s->pkt_sum) packet_received(s);
        else if (!s->no_ack) send_bytes(s, "-", 1);
        break;
    }
    }
}

void gdbstub_input(gdbstub *s, const void *bytes, size_t len) {
    const uint8_t *b = bytes;
    for (size_t k = 0; k < len; k++) {
        /* After the session ends nothing more is read. */
        if (s->state != GDBSTUB_STOPPED && s->state != GDBSTUB_RUNNING) return;
        input_byte(s, b[k]);
    }
}

/* ---- the TCP server ---- */

struct gdbstub_server {
    machine *m;
    FILE *log;
    FILE *trace;
    int listen_fd, client_fd;
    int port;
    bool send_failed;
    gdbstub *stub;
    machine_stop end_reason;
    uint64_t cycle_limit;
};

static void server_send(void *ctx, const void *bytes, size_t len) {
    gdbstub_server *srv = ctx;
    const char *p = bytes;
    while (len > 0 && !srv->send_failed) {
        ssize_t n = send(srv->client_fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            srv->send_failed = true;   /* gdb went away; the next poll ends the session */
            return;
        }
        p += n;
        len -= (size_t)n;
    }
}

static void server_log(gdbstub_server *srv, const char *text) {
    if (!srv->log) return;
    fprintf(srv->log, "vx86: %s\n", text);
    fflush(srv->log);
}

gdbstub_server *gdbstub_server_open(machine *m, int port, FILE *log) {
    if (port < 0 || port > 65535) {
        if (log) fprintf(log, "vx86: --gdb: port %d out of range (0-65535)\n", port);
        return NULL;
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        if (log) fprintf(log, "vx86: gdb stub: cannot create a socket: %s\n", strerror(errno));
        return NULL;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);   /* never reachable from other machines */
    socklen_t alen = sizeof addr;
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(fd, 1) < 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &alen) < 0) {
        if (log) fprintf(log, "vx86: gdb stub: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
        close(fd);
        return NULL;
    }
    gdbstub_server *srv = calloc(1, sizeof *srv);
    if (!srv) {
        close(fd);
        return NULL;
    }
    srv->m = m;
    srv->log = log;
    srv->trace = getenv("VX86_GDB_TRACE") ? log : NULL;
    srv->listen_fd = fd;
    srv->client_fd = -1;
    srv->cycle_limit = UINT64_MAX;
    srv->port = ntohs(addr.sin_port);
    if (log) {
        fprintf(log, "vx86: gdb stub listening on 127.0.0.1:%d\n", srv->port);
        fflush(log);
    }
    return srv;
}

int gdbstub_server_port(const gdbstub_server *srv) { return srv->port; }

void gdbstub_server_set_cycle_limit(gdbstub_server *srv, uint64_t at) {
    srv->cycle_limit = at;
    if (srv->stub) gdbstub_set_cycle_limit(srv->stub, at);
}
machine_stop gdbstub_server_end_reason(const gdbstub_server *srv) { return srv->end_reason; }

static void end_session(gdbstub_server *srv) {
    gdbstub_destroy(srv->stub);
    srv->stub = NULL;
    close(srv->client_fd);
    srv->client_fd = -1;
}

static gdbstub_state accept_client(gdbstub_server *srv, int timeout_ms) {
    struct pollfd p = { .fd = srv->listen_fd, .events = POLLIN };
    if (poll(&p, 1, timeout_ms) <= 0) return GDBSTUB_WAITING;
    int fd = accept(srv->listen_fd, NULL, NULL);
    if (fd < 0) return GDBSTUB_WAITING;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   /* packets are tiny and chatty */
    srv->client_fd = fd;
    srv->send_failed = false;
    srv->stub = gdbstub_create(srv->m, server_send, srv, srv->trace);
    if (!srv->stub) {
        close(fd);
        srv->client_fd = -1;
        return GDBSTUB_WAITING;
    }
    gdbstub_set_cycle_limit(srv->stub, srv->cycle_limit);
    server_log(srv, "gdb connected");
    return GDBSTUB_STOPPED;
}

gdbstub_state gdbstub_poll(gdbstub_server *srv, int timeout_ms) {
    if (srv->client_fd < 0) return accept_client(srv, timeout_ms);

    bool hung_up = srv->send_failed;
    bool running = gdbstub_get_state(srv->stub) == GDBSTUB_RUNNING;
    struct pollfd p = { .fd = srv->client_fd, .events = POLLIN };
    if (!hung_up && poll(&p, 1, running ? 0 : timeout_ms) > 0) {
        uint8_t buf[4096];
        ssize_t n = recv(srv->client_fd, buf, sizeof buf, 0);
        if (n > 0) gdbstub_input(srv->stub, buf, (size_t)n);
        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) hung_up = true;
    }
    if (!hung_up) gdbstub_run_slice(srv->stub, GDBSTUB_SLICE_CYCLES);

    gdbstub_state state = gdbstub_get_state(srv->stub);
    if ((hung_up || srv->send_failed) && (state == GDBSTUB_STOPPED || state == GDBSTUB_RUNNING)) {
        state = GDBSTUB_DETACHED;   /* like QEMU: losing the debugger lets the guest go on */
        server_log(srv, "gdb hung up; the guest runs on");
    } else if (state == GDBSTUB_DETACHED) {
        server_log(srv, "gdb detached; the guest runs on");
    } else if (state == GDBSTUB_KILLED) {
        server_log(srv, "gdb killed the guest");
    }
    if (state == GDBSTUB_DETACHED || state == GDBSTUB_KILLED || state == GDBSTUB_ENDED) {
        srv->end_reason = gdbstub_end_reason(srv->stub);
        end_session(srv);
    }
    return state;
}

void gdbstub_server_close(gdbstub_server *srv) {
    if (!srv) return;
    if (srv->client_fd >= 0) end_session(srv);
    close(srv->listen_fd);
    free(srv);
}

int gdbstub_serve(machine *m, int port, FILE *log) { return gdbstub_serve_limited(m, port, UINT64_MAX, NULL, log); }

/* With `interrupted`, poll() wakes up now and then to look at it (a signal that lands just before
 * poll() starts would otherwise wait for gdb's next packet). */
#define SERVE_POLL_MS 100

int gdbstub_serve_limited(machine *m, int port, uint64_t cycle_limit, volatile sig_atomic_t *interrupted, FILE *log) {
    gdbstub_server *srv = gdbstub_server_open(m, port, log);
    if (!srv) return GDBSTUB_SERVE_ERROR;
    gdbstub_server_set_cycle_limit(srv, cycle_limit);
    for (;;) {
        if (interrupted && *interrupted) {
            gdbstub_server_close(srv);
            return GDBSTUB_SERVE_INTERRUPTED;
        }
        gdbstub_state state = gdbstub_poll(srv, interrupted ? SERVE_POLL_MS : -1);
        if (state == GDBSTUB_KILLED) {
            gdbstub_server_close(srv);
            return GDBSTUB_SERVE_KILLED;
        }
        if (state == GDBSTUB_ENDED) {
            machine_stop why = gdbstub_server_end_reason(srv);
            gdbstub_server_close(srv);
            return (int)why;
        }
        if (state == GDBSTUB_DETACHED) {
            gdbstub_server_close(srv);
            /* gdb's breakpoints are gone; a BREAK here is only a stop request (a signal). The
             * cycle limit still holds. */
            for (;;) {
                if (interrupted && *interrupted) return GDBSTUB_SERVE_INTERRUPTED;
                uint64_t now = machine_cycles(m);
                if (now >= cycle_limit) return (int)MACHINE_STOP_LIMIT;
                uint64_t left = cycle_limit - now;
                machine_stop why = machine_run(m, left < UINT64_MAX / 2 ? left : UINT64_MAX / 2);
                if (why != MACHINE_STOP_LIMIT && why != MACHINE_STOP_BREAK) return (int)why;
            }
        }
    }
}
