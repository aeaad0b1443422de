/* The TUI session (session.h): machine control and commands, independent of the terminal. */
#include "emu/tui/session.h"

#include <capstone/capstone.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "emu/loader.h"
#include "emu/tui/view_tasks.h"
#include "emu/tui/view_visible.h"

static void session_start(tui_session *s, const tui_command_hook *hook);

bool tui_session_open(tui_session *s, const machine_config *cfg_in, const tui_command_hook *hook, char *err,
                      size_t errlen) {
    memset(s, 0, sizeof *s);
    machine_config cfg = *cfg_in;
    cfg.serial_out = tui_serial_put;
    cfg.serial_ctx = &s->serial;
    s->views = calloc(TUI_PANE_COUNT, sizeof *s->views);
    if (!s->views) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->m = machine_create(&cfg, err, errlen);
    if (!s->m) {
        free(s->views);
        s->views = NULL;
        return false;
    }
    /* Recorded from the entry point on, so that S and C can go back (emu/replay.c). */
    if (!machine_history_enable(s->m, 0, 0, err, errlen)) {
        machine_destroy(s->m);
        free(s->views);
        s->views = NULL;
        return false;
    }
    session_start(s, hook);
    return true;
}

bool tui_session_attach(tui_session *s, machine *m, const tui_command_hook *hook, char *err, size_t errlen) {
    memset(s, 0, sizeof *s);
    s->views = calloc(TUI_PANE_COUNT, sizeof *s->views);
    if (!s->views) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    s->m = m;
    s->borrowed = true;
    session_start(s, hook);
    return true;
}

/* The rest of opening, once s->m exists: views follow EIP and ESP, the hook opens. */
static void session_start(tui_session *s, const tui_command_hook *hook) {
    s->disasm_follow = true;
    s->walk_follow_eip = true;
    snprintf(s->mem_follow, sizeof s->mem_follow, "esp");
    s->hook = hook;
    if (hook && hook->open) s->hook_ctx = hook->open(s->m);
    machine_get_regs(s->m, &s->regs);
    tui_session_stopped(s);
    s->have_prev = false;
    snprintf(s->message, sizeof s->message, "stopped at entry; press ? for help");
}

void tui_session_close(tui_session *s) {
    if (s->hook && s->hook->close && s->hook_ctx) s->hook->close(s->hook_ctx);
    if (s->m && !s->borrowed) machine_destroy(s->m);
    tui_serial_free(&s->serial);
    free(s->views);
    memset(s, 0, sizeof *s);
}

static void follow_memory(tui_session *s) {
    uint64_t v;
    if (s->mem_follow[0] && machine_get_reg(s->m, s->mem_follow, &v)) s->mem_addr = (uint32_t)v & ~0xFu;
}

void tui_session_stopped(tui_session *s) {
    s->prev = s->regs;
    s->have_prev = true;
    machine_get_regs(s->m, &s->regs);
    follow_memory(s);
    /* Snapshot the memory around the pane's address so the next stop can highlight changes. */
    s->mem_prev_addr = s->mem_addr - TUI_MEM_SNAPSHOT / 4;
    s->mem_prev_len = 0;
    if (machine_read_linear(s->m, s->mem_prev_addr, s->mem_prev, TUI_MEM_SNAPSHOT)) s->mem_prev_len = TUI_MEM_SNAPSHOT;
}

void tui_session_describe(tui_session *s, uint32_t addr, char *buf, size_t cap) {
    char sym[96] = "";
    const loader_symbols *syms = machine_symbols(s->m);
    if (syms) loader_sym_lookup_addr(syms, addr, sym, sizeof sym);
    if (sym[0])
        snprintf(buf, cap, "%s (%#" PRIx32 ")", sym, addr);
    else
        snprintf(buf, cap, "%#" PRIx32, addr);
}

static int find_bp(const tui_session *s, uint32_t addr) {
    for (int k = 0; k < s->bp_count; k++)
        if (s->bps[k] == addr) return k;
    return -1;
}

/* One instruction, even when a breakpoint sits on it. */
static machine_stop step_raw(tui_session *s) {
    machine_regs r;
    machine_get_regs(s->m, &r);
    bool lift_user = find_bp(s, r.eip) >= 0;
    bool lift_temp = s->temp_bp_set && !s->temp_bp_is_user && s->temp_bp == r.eip;
    if (lift_user || lift_temp) machine_remove_breakpoint(s->m, r.eip);
    machine_stop why = machine_step(s->m);
    if (lift_user || lift_temp) machine_add_breakpoint(s->m, r.eip);
    return why;
}

static void set_end_message(tui_session *s, machine_stop why) {
    if (why == MACHINE_STOP_EXIT) {
        s->ended = true;
        snprintf(s->message, sizeof s->message, "guest exited, status %d", machine_exit_status(s->m));
    } else if (why == MACHINE_STOP_SHUTDOWN) {
        s->ended = true;
        snprintf(s->message, sizeof s->message, "triple fault: the machine shut down");
    } else if (why == MACHINE_STOP_HALTED) {
        snprintf(s->message, sizeof s->message, "guest halted (HLT with interrupts off)");
    }
}

void tui_session_step(tui_session *s) {
    machine_stop why = step_raw(s);
    tui_session_stopped(s);
    char where[128];
    tui_session_describe(s, s->regs.eip, where, sizeof where);
    snprintf(s->message, sizeof s->message, "stepped to %s", where);
    set_end_message(s, why);
}

/* How far before the present the machine is, for messages: "" at the present. */
static void past_note(tui_session *s, char *buf, size_t cap) {
    machine_history_info h;
    machine_history_get(s->m, &h);
    buf[0] = 0;
    if (h.in_past)
        snprintf(buf, cap, " (%" PRIu64 " instructions before the present)", h.end_instructions - machine_instructions(s->m));
}

void tui_session_step_back(tui_session *s) {
    machine_reverse r = machine_step_back(s->m, 1);
    if (r == MACHINE_REVERSE_ERROR) {
        snprintf(s->message, sizeof s->message, "cannot step back: %s", machine_history_error(s->m));
        return;
    }
    s->ended = false;
    tui_session_stopped(s);
    char where[100], past[60];
    tui_session_describe(s, s->regs.eip, where, sizeof where);
    past_note(s, past, sizeof past);
    if (r == MACHINE_REVERSE_BEGIN)
        snprintf(s->message, sizeof s->message, "at the start of the history: %s", where);
    else
        snprintf(s->message, sizeof s->message, "stepped back to %s%s", where, past);
}

void tui_session_reverse_continue(tui_session *s) {
    machine_reverse r = machine_reverse_continue(s->m);
    if (r == MACHINE_REVERSE_ERROR) {
        snprintf(s->message, sizeof s->message, "cannot go back: %s", machine_history_error(s->m));
        return;
    }
    s->ended = false;
    tui_session_stopped(s);
    char where[100], past[60];
    tui_session_describe(s, s->regs.eip, where, sizeof where);
    past_note(s, past, sizeof past);
    if (r == MACHINE_REVERSE_BEGIN) {
        snprintf(s->message, sizeof s->message, "no earlier breakpoint or watchpoint hit: at the start of the history, %s",
                 where);
        return;
    }
    machine_break_info bi;
    machine_last_break(s->m, &bi);
    if (bi.kind == MACHINE_BREAK_WATCHPOINT)
        snprintf(s->message, sizeof s->message, "back at the watchpoint hit (%s %#" PRIx32 ") at %s%s",
                 bi.access == MACHINE_WATCH_WRITE ? "write" : "read", bi.addr, where, past);
    else
        snprintf(s->message, sizeof s->message, "back at breakpoint %s%s", where, past);
}

static void clear_temp_bp(tui_session *s) {
    if (s->temp_bp_set && !s->temp_bp_is_user) machine_remove_breakpoint(s->m, s->temp_bp);
    s->temp_bp_set = false;
}

static bool set_temp_bp(tui_session *s, uint32_t addr) {
    clear_temp_bp(s);
    s->temp_bp = addr;
    s->temp_bp_is_user = find_bp(s, addr) >= 0;
    if (!s->temp_bp_is_user && !machine_add_breakpoint(s->m, addr)) return false;
    s->temp_bp_set = true;
    return true;
}

/* Length of the instruction at eip if it is a CALL, else 0. */
static int call_length(tui_session *s, uint32_t eip) {
    uint8_t bytes[16];
    if (!machine_read_linear(s->m, eip, bytes, sizeof bytes) && !machine_read_linear(s->m, eip, bytes, 8)) return 0;
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK) return 0;
    cs_insn *insn;
    int len = 0;
    if (cs_disasm(cs, bytes, sizeof bytes, eip, 1, &insn) == 1) {
        if (strncmp(insn->mnemonic, "call", 4) == 0) len = insn->size;
        cs_free(insn, 1);
    }
    cs_close(&cs);
    return len;
}

void tui_session_start(tui_session *s, tui_run_kind kind, uint64_t cycles) {
    if (s->ended) {
        snprintf(s->message, sizeof s->message, "the guest has ended; nothing to run");
        return;
    }
    machine_regs r;
    machine_get_regs(s->m, &r);
    s->run_kind = kind;
    s->run_left = cycles;
    s->idle = false;
    if (kind == TUI_RUN_STEP_OVER) {
        int len = call_length(s, r.eip);
        if (len == 0) {
            tui_session_step(s);
            return;
        }
        if (!set_temp_bp(s, r.eip + (uint32_t)len)) {
            snprintf(s->message, sizeof s->message, "too many breakpoints to step over");
            return;
        }
        s->finish_esp = r.gpr[R_ESP];   /* back from the call: ESP is where it was */
    } else if (kind == TUI_RUN_FINISH) {
        /* The return address: at [esp] on a function's first instruction, else at [ebp+4]
         * (frame pointers, as -O0 code and the runtime keep them). */
        uint32_t off = 1, ret = 0;
        const loader_symbols *syms = machine_symbols(s->m);
        if (syms) loader_sym_find_addr(syms, r.eip, &off);
        uint32_t slot = off == 0 ? r.gpr[R_ESP] : r.gpr[R_EBP] + 4;
        if (!machine_read_linear(s->m, slot, &ret, 4) || !set_temp_bp(s, ret)) {
            snprintf(s->message, sizeof s->message, "finish: cannot find the return address");
            return;
        }
        /* Back in the caller, ESP is just above the return address. */
        s->finish_esp = slot + 4;
    }
    /* Leave a breakpoint under EIP first, or the run would stop where it starts. */
    bool on_bp = find_bp(s, r.eip) >= 0 || (s->temp_bp_set && s->temp_bp == r.eip);
    if (on_bp) {
        machine_stop why = step_raw(s);
        if (why != MACHINE_STOP_LIMIT && why != MACHINE_STOP_BREAK) {
            clear_temp_bp(s);
            tui_session_stopped(s);
            set_end_message(s, why);
            return;
        }
    }
    s->running = true;
    snprintf(s->message, sizeof s->message, "running... (any key stops)");
}

void tui_session_interrupt(tui_session *s) {
    if (!s->running) return;
    s->running = false;
    s->idle = false;
    clear_temp_bp(s);
    tui_session_stopped(s);
    char where[128];
    tui_session_describe(s, s->regs.eip, where, sizeof where);
    snprintf(s->message, sizeof s->message, "stopped at %s", where);
}

static void stop_with(tui_session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stop_with(tui_session *s, const char *fmt, ...) {
    s->running = false;
    s->idle = false;
    clear_temp_bp(s);
    tui_session_stopped(s);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
}

bool tui_session_slice(tui_session *s, uint64_t cycles) {
    if (!s->running) return false;
    if (s->run_kind == TUI_RUN_CYCLES && cycles > s->run_left) cycles = s->run_left;
    uint64_t before = machine_cycles(s->m);
    machine_stop why = machine_run(s->m, cycles);
    uint64_t ran = machine_cycles(s->m) - before;
    s->idle = false;
    char where[128];
    switch (why) {
    case MACHINE_STOP_LIMIT:
        if (s->run_kind == TUI_RUN_CYCLES) {
            s->run_left -= ran < s->run_left ? ran : s->run_left;
            if (s->run_left == 0) {
                stop_with(s, "ran the requested cycles");
                return false;
            }
        }
        return true;
    case MACHINE_STOP_BREAK: {
        machine_break_info b;
        machine_last_break(s->m, &b);
        machine_regs r;
        machine_get_regs(s->m, &r);
        if (b.kind == MACHINE_BREAK_BREAKPOINT && s->temp_bp_set && b.addr == s->temp_bp &&
            (s->run_kind == TUI_RUN_FINISH || s->run_kind == TUI_RUN_STEP_OVER)) {
            /* A recursive call reaching the same return address deeper down: keep going. */
            if (r.gpr[R_ESP] < s->finish_esp && find_bp(s, b.addr) < 0) return true;
            tui_session_describe(s, b.addr, where, sizeof where);
            stop_with(s, "%s to %s", s->run_kind == TUI_RUN_FINISH ? "finished" : "stepped over", where);
            return false;
        }
        if (b.kind == MACHINE_BREAK_BREAKPOINT) {
            tui_session_describe(s, b.addr, where, sizeof where);
            stop_with(s, "breakpoint at %s", where);
        } else if (b.kind == MACHINE_BREAK_WATCHPOINT) {
            char at[128];
            tui_session_describe(s, r.eip, at, sizeof at);
            stop_with(s, "watchpoint: %s of %#" PRIx32 ", now at %s", b.access == 1 ? "write" : "read", b.addr, at);
        } else {
            tui_session_describe(s, r.eip, where, sizeof where);
            stop_with(s, "stopped at %s", where);
        }
        return false;
    }
    case MACHINE_STOP_HALTED: {
        machine_regs r;
        machine_get_regs(s->m, &r);
        if (r.eflags & F_IF) {
            /* Asleep until input arrives (typing into the console wakes it). */
            s->idle = true;
            return true;
        }
        stop_with(s, "stopped");
        set_end_message(s, why);
        return false;
    }
    default:
        stop_with(s, "stopped");
        set_end_message(s, why);
        return false;
    }
}

bool tui_session_toggle_breakpoint(tui_session *s, uint32_t addr, bool *now_set) {
    int k = find_bp(s, addr);
    if (k >= 0) {
        /* A temporary breakpoint at the same place keeps its own entry in the CPU. */
        if (!(s->temp_bp_set && s->temp_bp == addr)) machine_remove_breakpoint(s->m, addr);
        else s->temp_bp_is_user = false;
        s->bps[k] = s->bps[--s->bp_count];
        *now_set = false;
        return true;
    }
    if (s->bp_count >= MACHINE_MAX_BREAKPOINTS) return false;
    if (!(s->temp_bp_set && s->temp_bp == addr) && !machine_add_breakpoint(s->m, addr)) return false;
    if (s->temp_bp_set && s->temp_bp == addr) s->temp_bp_is_user = true;
    s->bps[s->bp_count++] = addr;
    *now_set = true;
    return true;
}

bool tui_session_add_watch(tui_session *s, uint32_t addr, uint32_t len, int kind) {
    if (s->watch_count >= TUI_MAX_WATCHES || !machine_add_watchpoint(s->m, addr, len, kind)) return false;
    s->watches[s->watch_count].addr = addr;
    s->watches[s->watch_count].len = len;
    s->watches[s->watch_count].kind = kind;
    s->watch_count++;
    return true;
}

/* ---- ':' commands ---- */

static void outf(char *out, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void outf(char *out, size_t cap, const char *fmt, ...) {
    size_t used = strlen(out);
    if (used + 1 >= cap) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out + used, cap - used, fmt, ap);
    va_end(ap);
}

static const char COMMAND_HELP[] =
    "break ADDR|SYM   toggle a breakpoint      delete ADDR|SYM  remove one\n"
    "watch ADDR [LEN] [r|w|rw]  watchpoint     x ADDR           memory pane at ADDR\n"
    "walk ADDR        page-walk pane           regs             registers as text\n"
    "step [N]         N instructions           info break       list breakpoints\n"
    "anything else goes to the Lua command line (the vx module) when it is built in";

void tui_session_command(tui_session *s, const char *line, char *out, size_t cap) {
    out[0] = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", line);
    char *save = NULL;
    char *cmd = strtok_r(buf, " \t", &save);
    if (!cmd) return;
    char *arg = strtok_r(NULL, " \t", &save);
    char *arg2 = strtok_r(NULL, " \t", &save);
    char *arg3 = strtok_r(NULL, " \t", &save);
    char err[160];
    uint32_t addr;
    if (!strcmp(cmd, "help") || !strcmp(cmd, "?")) {
        outf(out, cap, "%s", COMMAND_HELP);
    } else if (!strcmp(cmd, "break") || !strcmp(cmd, "b") || !strcmp(cmd, "delete")) {
        if (!arg) {
            outf(out, cap, "usage: %s ADDR|SYMBOL", cmd);
        } else if (!tui_parse_address(s->m, arg, &addr, err, sizeof err)) {
            outf(out, cap, "%s", err);
        } else {
            bool set = find_bp(s, addr) >= 0;
            char where[128];
            tui_session_describe(s, addr, where, sizeof where);
            if (!strcmp(cmd, "delete") && !set) {
                outf(out, cap, "no breakpoint at %s", where);
            } else if (strcmp(cmd, "delete") && set) {
                outf(out, cap, "breakpoint already at %s", where);
            } else if (!tui_session_toggle_breakpoint(s, addr, &set)) {
                outf(out, cap, "too many breakpoints");
            } else {
                outf(out, cap, "breakpoint %s %s", set ? "set at" : "removed from", where);
            }
        }
    } else if (!strcmp(cmd, "info") && arg && !strcmp(arg, "break")) {
        if (!s->bp_count) outf(out, cap, "no breakpoints");
        for (int k = 0; k < s->bp_count; k++) {
            char where[128];
            tui_session_describe(s, s->bps[k], where, sizeof where);
            outf(out, cap, "%s%d: %s", k ? "\n" : "", k + 1, where);
        }
        for (int k = 0; k < s->watch_count; k++)
            outf(out, cap, "\nwatch %#" PRIx32 " len %" PRIu32 " %s", s->watches[k].addr, s->watches[k].len,
                 s->watches[k].kind == 1 ? "w" : s->watches[k].kind == 2 ? "r" : "rw");
    } else if (!strcmp(cmd, "watch")) {
        uint32_t len = 4;
        int kind = MACHINE_WATCH_WRITE;
        if (!arg) {
            outf(out, cap, "usage: watch ADDR [LEN] [r|w|rw]");
            return;
        }
        if (!tui_parse_address(s->m, arg, &addr, err, sizeof err)) {
            outf(out, cap, "%s", err);
            return;
        }
        const char *mode = arg3;
        if (arg2 && isdigit((unsigned char)arg2[0])) len = (uint32_t)strtoul(arg2, NULL, 0);
        else if (arg2) mode = arg2;
        if (mode) kind = !strcmp(mode, "r") ? MACHINE_WATCH_READ : !strcmp(mode, "rw") ? MACHINE_WATCH_ACCESS : MACHINE_WATCH_WRITE;
        if (len == 0 || len > 4096) outf(out, cap, "watch length must be 1..4096");
        else if (!tui_session_add_watch(s, addr, len, kind)) outf(out, cap, "too many watchpoints");
        else outf(out, cap, "watching %#" PRIx32 " (%" PRIu32 " bytes, %s)", addr, len,
                  kind == MACHINE_WATCH_WRITE ? "writes" : kind == MACHINE_WATCH_READ ? "reads" : "accesses");
    } else if (!strcmp(cmd, "x") || !strcmp(cmd, "walk")) {
        if (!arg) {
            outf(out, cap, "usage: %s ADDR|SYMBOL|REGISTER", cmd);
        } else if (!tui_parse_address(s->m, arg, &addr, err, sizeof err)) {
            outf(out, cap, "%s", err);
        } else if (!strcmp(cmd, "x")) {
            s->mem_addr = addr;
            s->mem_follow[0] = 0;
            uint8_t b[16];
            if (!machine_read_linear(s->m, addr, b, sizeof b)) {
                outf(out, cap, "%#" PRIx32 ": not mapped", addr);
            } else {
                outf(out, cap, "%08" PRIx32 ":", addr);
                for (int k = 0; k < 16; k++) outf(out, cap, " %02x", b[k]);
            }
        } else {
            s->walk_addr = addr;
            s->walk_follow_eip = false;
            tui_view v;
            tui_view_walk(&v, s->m, addr, 0);
            for (int k = 0; k < v.count; k++) outf(out, cap, "%s%s", k ? "\n" : "", v.lines[k].text);
        }
    } else if (!strcmp(cmd, "regs")) {
        machine_regs r;
        machine_get_regs(s->m, &r);
        outf(out, cap, "eax=%08" PRIx32 " ebx=%08" PRIx32 " ecx=%08" PRIx32 " edx=%08" PRIx32 " esi=%08" PRIx32
             " edi=%08" PRIx32 " ebp=%08" PRIx32 " esp=%08" PRIx32 " eip=%08" PRIx32 " eflags=%08" PRIx32,
             r.gpr[R_EAX], r.gpr[R_EBX], r.gpr[R_ECX], r.gpr[R_EDX], r.gpr[R_ESI], r.gpr[R_EDI], r.gpr[R_EBP],
             r.gpr[R_ESP], r.eip, r.eflags);
    } else if (!strcmp(cmd, "step") || !strcmp(cmd, "si")) {
        long n = arg ? strtol(arg, NULL, 0) : 1;
        for (long k = 0; k < n && !s->ended; k++) tui_session_step(s);
        outf(out, cap, "%s", s->message);
    } else if (s->hook && s->hook->run) {
        /* The hook reports errors in out too, so its answer is shown either way. Lua may have
         * run the machine or changed registers: this is a new stop. */
        if (!s->hook->run(s->hook_ctx, line, out, cap) && !out[0]) outf(out, cap, "command failed");
        tui_session_stopped(s);
    } else {
        outf(out, cap, "unknown command '%s' (try :help)", cmd);
    }
}

/* ---- rendering ---- */

tui_view *tui_session_render(tui_session *s, tui_pane pane, int rows, int cols) {
    tui_view *v = &s->views[pane];
    machine_regs live;
    const machine_regs *r = &s->regs;
    if (s->running) {   /* live values while running; the last stop stays the reference */
        machine_get_regs(s->m, &live);
        r = &live;
    }
    switch (pane) {
    case TUI_PANE_DISASM:
        tui_view_disasm(v, s->m, s->disasm_follow ? r->eip : s->disasm_focus, r->eip, s->bps, s->bp_count, rows);
        break;
    case TUI_PANE_REGS:
        tui_view_regs(v, r, s->have_prev ? &s->prev : NULL);
        break;
    case TUI_PANE_STACK:
        tui_view_stack(v, s->m, r, rows);
        break;
    case TUI_PANE_MEMORY: {
        if (s->running) follow_memory(s);
        /* 16 bytes a line when the pane is wide enough, else 8. */
        int per_line = cols >= 9 + 16 * 3 + 1 + 2 + 16 ? 16 : 8;
        tui_view_memory(v, s->m, s->mem_addr, rows, per_line, s->mem_follow[0] ? s->mem_follow : NULL,
                        s->mem_prev_len ? s->mem_prev : NULL, s->mem_prev_addr, s->mem_prev_len);
        break;
    }
    case TUI_PANE_SERIAL:
        tui_view_serial(v, &s->serial, rows);
        break;
    case TUI_PANE_VGA:
        tui_view_vga(v, s->m);
        break;
    case TUI_PANE_WALK:
        tui_view_walk(v, s->m, s->walk_follow_eip ? r->eip : s->walk_addr, 0);
        break;
    case TUI_PANE_VMCB:
        tui_view_vmcb(v, s->m, r->vmcb);
        break;
    case TUI_PANE_EVENTS:
        tui_view_events(v, s->m, rows);
        break;
    case TUI_PANE_TASKS:
        tui_view_tasks(v, s->m, rows, cols);
        break;
    case TUI_PANE_NS:
        tui_view_ns(v, s->m, rows);
        break;
    case TUI_PANE_CGROUPS:
        tui_view_cgroups(v, s->m, rows);
        break;
    case TUI_PANE_EXITS:
        tui_view_exits(v, s->m, rows);
        break;
    default:
        tui_view_clear(v, "?");
        break;
    }
    return v;
}

void tui_session_dump(tui_session *s, FILE *out) {
    static const struct { tui_pane pane; int rows; } order[] = {
        { TUI_PANE_REGS, 20 }, { TUI_PANE_DISASM, 16 }, { TUI_PANE_STACK, 8 }, { TUI_PANE_MEMORY, 8 },
        { TUI_PANE_SERIAL, 20 }, { TUI_PANE_VGA, 25 }, { TUI_PANE_WALK, 12 }, { TUI_PANE_VMCB, 30 },
        { TUI_PANE_EVENTS, 10 }, { TUI_PANE_TASKS, 16 },
    };
    fprintf(out, "-- %s\n", s->message);
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
        tui_view_write(tui_session_render(s, order[k].pane, order[k].rows, 120), out);
        fputc('\n', out);
    }
}
