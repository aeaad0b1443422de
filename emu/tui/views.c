/* TUI view models (views.h): each pane's text and highlights, computed from the machine API only. */
#include "emu/tui/views.h"

#include <capstone/capstone.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "arch/svm.h"
#include "arch/x86.h"
#include "emu/loader.h"
#include "emu/trace.h"

/* ---- building views ---- */

void tui_view_clear(tui_view *v, const char *title_fmt, ...) {
    va_list ap;
    va_start(ap, title_fmt);
    vsnprintf(v->title, sizeof v->title, title_fmt, ap);
    va_end(ap);
    v->count = 0;
}

tui_line *tui_view_line(tui_view *v) {
    if (v->count >= TUI_VIEW_LINES) return NULL;
    tui_line *l = &v->lines[v->count++];
    l->text[0] = 0;
    l->len = 0;
    l->span_count = 0;
    return l;
}

void tui_line_put(tui_line *l, tui_hl hl, const char *fmt, ...) {
    if (!l) return;
    size_t room = sizeof l->text - l->len;
    if (room <= 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(l->text + l->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    size_t added = (size_t)n < room ? (size_t)n : room - 1;
    if (hl != TUI_HL_NORMAL && added > 0 && l->span_count < TUI_SPANS_PER_LINE)
        l->spans[l->span_count++] = (tui_span){ l->len, (uint16_t)added, (uint8_t)hl };
    l->len = (uint16_t)(l->len + added);
}

int tui_view_find(const tui_view *v, const char *needle, int from) {
    for (int i = from < 0 ? 0 : from; i < v->count; i++)
        if (strstr(v->lines[i].text, needle)) return i;
    return -1;
}

tui_hl tui_line_hl_at(const tui_line *l, size_t at) {
    for (int k = 0; k < l->span_count; k++)
        if (at >= l->spans[k].start && at < (size_t)l->spans[k].start + l->spans[k].len) return (tui_hl)l->spans[k].hl;
    return TUI_HL_NORMAL;
}

int tui_view_hl_of(const tui_view *v, int line, const char *needle) {
    if (line < 0 || line >= v->count) return -1;
    const char *p = strstr(v->lines[line].text, needle);
    if (!p) return -1;
    return (int)tui_line_hl_at(&v->lines[line], (size_t)(p - v->lines[line].text));
}

void tui_view_write(const tui_view *v, FILE *out) {
    fprintf(out, "== %s ==\n", v->title);
    for (int i = 0; i < v->count; i++) fprintf(out, "%s\n", v->lines[i].text);
}

/* ---- serial scrollback ---- */

void tui_serial_put(void *ctx, uint8_t byte) {
    tui_serial *s = ctx;
    s->total++;
    if (s->len == s->cap) {
        if (s->cap >= TUI_SERIAL_KEEP) {
            /* Keep the newer half: scrollback is bounded, and this runs rarely. */
            size_t keep = s->len / 2;
            memmove(s->buf, s->buf + s->len - keep, keep);
            s->len = keep;
        } else {
            size_t cap = s->cap ? s->cap * 2 : 4096;
            char *nb = realloc(s->buf, cap);
            if (!nb) return;
            s->buf = nb;
            s->cap = cap;
        }
    }
    s->buf[s->len++] = (char)byte;
}

void tui_serial_free(tui_serial *s) {
    free(s->buf);
    *s = (tui_serial){ 0 };
}

void tui_view_serial(tui_view *v, const tui_serial *s, int rows) {
    tui_view_clear(v, "Serial (COM1)");
    if (rows > TUI_VIEW_LINES) rows = TUI_VIEW_LINES;
    if (rows <= 0) return;
    /* Find where the last `rows` lines start, counting back over newlines. */
    size_t start = s->len;
    int lines = 0;
    bool trailing_newline = s->len > 0 && s->buf[s->len - 1] == '\n';
    int want = rows + (trailing_newline ? 1 : 0);
    while (start > 0) {
        if (s->buf[start - 1] == '\n' && ++lines >= want) break;
        start--;
    }
    tui_line *l = tui_view_line(v);
    for (size_t i = start; i < s->len; i++) {
        unsigned char c = (unsigned char)s->buf[i];
        if (c == '\n') {
            if (i + 1 < s->len) l = tui_view_line(v);
            continue;
        }
        if (c == '\r') continue;
        if (c == '\t') {
            tui_line_put(l, TUI_HL_NORMAL, "    ");
        } else if (c < 0x20 || c == 0x7F) {
            tui_line_put(l, TUI_HL_DIM, "^%c", c == 0x7F ? '?' : c + '@');
        } else {
            tui_line_put(l, TUI_HL_NORMAL, "%c", c);   /* UTF-8 from the guest passes through */
        }
    }
    if (s->len == 0 && l) tui_line_put(l, TUI_HL_DIM, "(no output yet)");
}

/* ---- registers ---- */

static const char *const GPR_NAMES[8] = { "EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI" };
static const char *const SEG_NAMES[8] = { "ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR" };

static void put_reg32(tui_line *l, const char *name, uint32_t value, bool changed) {
    tui_line_put(l, TUI_HL_LABEL, "%-3s ", name);
    tui_line_put(l, changed ? TUI_HL_CHANGED : TUI_HL_NORMAL, "%08" PRIx32, value);
}

void tui_view_regs(tui_view *v, const machine_regs *r, const machine_regs *p) {
    tui_view_clear(v, "Registers");
    /* Display order as in gdb: eax ebx ecx edx, esi edi ebp esp. */
    static const int order[8] = { R_EAX, R_EBX, R_ECX, R_EDX, R_ESI, R_EDI, R_EBP, R_ESP };
    for (int k = 0; k < 8; k += 2) {
        tui_line *l = tui_view_line(v);
        for (int j = 0; j < 2; j++) {
            int g = order[k + j];
            if (j) tui_line_put(l, TUI_HL_NORMAL, "  ");
            put_reg32(l, GPR_NAMES[g], r->gpr[g], p && p->gpr[g] != r->gpr[g]);
        }
    }
    tui_line *l = tui_view_line(v);
    put_reg32(l, "EIP", r->eip, p && p->eip != r->eip);
    tui_line_put(l, TUI_HL_NORMAL, "  ");
    put_reg32(l, "EFL", r->eflags, p && p->eflags != r->eflags);

    /* Flags by name: set ones in capitals, clear ones dim, changed ones highlighted. */
    static const struct { uint32_t bit; const char *name; } flags[] = {
        { F_CF, "CF" }, { F_PF, "PF" }, { F_AF, "AF" }, { F_ZF, "ZF" }, { F_SF, "SF" },
        { F_TF, "TF" }, { F_IF, "IF" }, { F_DF, "DF" }, { F_OF, "OF" },
    };
    l = tui_view_line(v);
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        bool set = r->eflags & flags[k].bit;
        bool changed = p && ((p->eflags ^ r->eflags) & flags[k].bit);
        char name[3] = { flags[k].name[0], flags[k].name[1], 0 };
        if (!set) name[0] = (char)tolower(name[0]), name[1] = (char)tolower(name[1]);
        tui_line_put(l, changed ? TUI_HL_CHANGED : set ? TUI_HL_NORMAL : TUI_HL_DIM, "%s", name);
        tui_line_put(l, TUI_HL_NORMAL, k + 1 < sizeof flags / sizeof flags[0] ? " " : "");
    }
    tui_line_put(l, TUI_HL_NORMAL, " IOPL %u", (unsigned)((r->eflags & F_IOPL) >> 12));

    static const int seg_order[6] = { S_CS, S_SS, S_DS, S_ES, S_FS, S_GS };
    for (int k = 0; k < 6; k += 3) {
        l = tui_view_line(v);
        for (int j = 0; j < 3; j++) {
            int s = seg_order[k + j];
            bool changed = p && (p->seg[s].sel != r->seg[s].sel || p->seg[s].base != r->seg[s].base);
            if (j) tui_line_put(l, TUI_HL_NORMAL, "  ");
            tui_line_put(l, TUI_HL_LABEL, "%-2s ", SEG_NAMES[s]);
            tui_line_put(l, changed ? TUI_HL_CHANGED : TUI_HL_NORMAL, "%04x", r->seg[s].sel);
        }
    }
    l = tui_view_line(v);
    put_reg32(l, "CR0", r->cr0, p && p->cr0 != r->cr0);
    tui_line_put(l, TUI_HL_NORMAL, "  ");
    put_reg32(l, "CR2", r->cr2, p && p->cr2 != r->cr2);
    l = tui_view_line(v);
    put_reg32(l, "CR3", r->cr3, p && p->cr3 != r->cr3);
    tui_line_put(l, TUI_HL_NORMAL, "  ");
    put_reg32(l, "CR4", r->cr4, p && p->cr4 != r->cr4);
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "CPL ");
    tui_line_put(l, p && p->cpl != r->cpl ? TUI_HL_CHANGED : TUI_HL_NORMAL, "%d", r->cpl);
    tui_line_put(l, TUI_HL_NORMAL, " %s%s", r->cr0 & CR0_PG ? "paging" : "no-paging",
                 r->guest_mode ? " " : "");
    if (r->guest_mode) tui_line_put(l, TUI_HL_CHANGED, "SVM-guest");
    if (r->halted) tui_line_put(l, TUI_HL_DIM, " halted");
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "cyc ");
    tui_line_put(l, TUI_HL_NORMAL, "%" PRIu64, r->cycles);
    tui_line_put(l, TUI_HL_LABEL, "  insn ");
    tui_line_put(l, TUI_HL_NORMAL, "%" PRIu64, r->instructions);
}

/* ---- disassembly ---- */

/* Bytes at lin as far as they are readable (an instruction may end at an unmapped page). */
static size_t read_code(machine *m, uint32_t lin, uint8_t *buf, size_t want) {
    size_t first = 0x1000 - (lin & 0xFFF);
    if (first > want) first = want;
    if (!machine_read_linear(m, lin, buf, first)) return 0;
    if (first < want && machine_read_linear(m, lin + (uint32_t)first, buf + first, want - first)) return want;
    return first;
}

typedef struct disasm_row {
    uint32_t addr;
    uint8_t len;         /* 0: unreadable or undecodable, shown as one byte */
    bool readable;
} disasm_row;

#define DISASM_MAX 512

/* Decode forward from start; stop after `after` rows past focus or DISASM_MAX. */
static int decode_run(machine *m, csh cs, cs_insn *insn, uint32_t start, uint32_t focus, int after,
                      disasm_row *rows, int *focus_row) {
    int n = 0;
    uint32_t a = start;
    *focus_row = -1;
    while (n < DISASM_MAX) {
        if (*focus_row < 0 && a > focus) return n;   /* stepped over focus: out of sync */
        if (a == focus && *focus_row < 0) *focus_row = n;
        if (*focus_row >= 0 && n - *focus_row >= after) break;
        uint8_t bytes[16];
        size_t got = read_code(m, a, bytes, sizeof bytes);
        const uint8_t *code = bytes;
        uint64_t pc = a;
        size_t size = got;
        disasm_row row = { a, 0, got > 0 };
        if (got > 0 && cs_disasm_iter(cs, &code, &size, &pc, insn)) row.len = (uint8_t)insn->size;
        rows[n++] = row;
        a += row.len ? row.len : 1;
    }
    return n;
}

/* "name" or "name+0x1f" when a symbol plausibly covers addr: inside a sized symbol, or within 4 KiB
 * after a label without a size (so data values are not named after the nearest distant label). */
static void symbolize(const loader_symbols *syms, uint32_t addr, char *buf, size_t cap) {
    buf[0] = 0;
    uint32_t off = 0;
    const loader_symbol *s = syms ? loader_sym_find_addr(syms, addr, &off) : NULL;
    if (!s || (s->size ? off >= s->size : off >= 0x1000)) return;
    if (off) snprintf(buf, cap, "%s+%#" PRIx32, s->name, off);
    else snprintf(buf, cap, "%s", s->name);
}

void tui_view_disasm(tui_view *v, machine *m, uint32_t focus, uint32_t eip, const uint32_t *bps, int nbp, int rows) {
    const loader_symbols *syms = machine_symbols(m);
    char where[96];
    symbolize(syms, focus, where, sizeof where);
    tui_view_clear(v, "Disassembly%s%s", where[0] ? " - " : "", where);
    if (rows > TUI_VIEW_LINES) rows = TUI_VIEW_LINES;
    if (rows <= 0) return;
    csh cs;
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs) != CS_ERR_OK) {
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "capstone failed to open");
        return;
    }
    cs_insn *insn = cs_malloc(cs);
    static disasm_row run[DISASM_MAX];   /* too big for a small stack; the TUI is single-threaded */
    /* x86 cannot be decoded backwards, so start at the enclosing symbol (if it is near) and
     * decode forward to show some instructions before the focus. */
    int focus_row = -1, n = 0;
    uint32_t off = 0;
    const loader_symbol *sym = syms ? loader_sym_find_addr(syms, focus, &off) : NULL;
    if (sym && off <= 4096) n = decode_run(m, cs, insn, sym->addr, focus, rows, run, &focus_row);
    if (focus_row < 0) n = decode_run(m, cs, insn, focus, focus, rows, run, &focus_row);
    /* Put the focus about a third of the way down (labels take rows too: leave a margin). */
    int first = focus_row - rows / 3;
    if (first < 0) first = 0;
    for (int i = first; i < n && v->count < rows; i++) {
        const disasm_row *row = &run[i];
        uint32_t symoff;
        const loader_symbol *s = syms ? loader_sym_find_addr(syms, row->addr, &symoff) : NULL;
        if (s && symoff == 0 && v->count + 1 < rows) {
            tui_line *lab = tui_view_line(v);
            tui_line_put(lab, TUI_HL_SYMBOL, "%s:", s->name);
        }
        bool is_bp = false;
        for (int k = 0; k < nbp; k++) is_bp |= bps[k] == row->addr;
        bool cur = row->addr == eip;
        tui_line *l = tui_view_line(v);
        if (!l) break;
        tui_line_put(l, is_bp ? TUI_HL_BREAKPOINT : TUI_HL_NORMAL, "%s", is_bp ? "*" : " ");
        tui_line_put(l, cur ? TUI_HL_CURRENT : TUI_HL_NORMAL, "%s", cur ? "=>" : "  ");
        tui_line_put(l, TUI_HL_NORMAL, " ");
        tui_line_put(l, cur ? TUI_HL_CURRENT : TUI_HL_ADDRESS, "%08" PRIx32, row->addr);
        char label[80];
        symbolize(syms, row->addr, label, sizeof label);
        if (label[0]) {
            char tag[90];
            snprintf(tag, sizeof tag, "<%s>", label);
            tui_line_put(l, TUI_HL_SYMBOL, " %-16s", tag);
        } else {
            tui_line_put(l, TUI_HL_NORMAL, " ");
        }
        if (!row->readable) {
            tui_line_put(l, TUI_HL_FAULT, " ?? (not mapped)");
            continue;
        }
        uint8_t bytes[16];
        size_t got = read_code(m, row->addr, bytes, sizeof bytes);
        size_t len = row->len ? row->len : 1;
        char hex[32] = "";
        for (size_t k = 0; k < len && k < 4 && k < got; k++) snprintf(hex + 3 * k, sizeof hex - 3 * k, "%02x ", bytes[k]);
        if (len > 4) hex[11] = '+';   /* more bytes than the column shows */
        tui_line_put(l, TUI_HL_DIM, " %-13s", hex);
        if (!row->len) {
            tui_line_put(l, TUI_HL_FAULT, "(bad)");
            continue;
        }
        const uint8_t *code = bytes;
        size_t size = got;
        uint64_t pc = row->addr;
        if (!cs_disasm_iter(cs, &code, &size, &pc, insn)) continue;
        tui_line_put(l, cur ? TUI_HL_CURRENT : TUI_HL_NORMAL, "%-6s %s", insn->mnemonic, insn->op_str);
        /* Branch and call targets get their symbol, as gdb shows them. */
        char *end;
        if (strncmp(insn->op_str, "0x", 2) == 0) {
            unsigned long target = strtoul(insn->op_str, &end, 16);
            char tl[80];
            if (*end == 0 && target <= UINT32_MAX) {
                symbolize(syms, (uint32_t)target, tl, sizeof tl);
                if (tl[0]) tui_line_put(l, TUI_HL_SYMBOL, " <%s>", tl);
            }
        }
    }
    cs_free(insn, 1);
    cs_close(&cs);
}

/* ---- memory and stack ---- */

void tui_view_memory(tui_view *v, machine *m, uint32_t addr, int rows, int per_line, const char *follow,
                     const uint8_t *prev, uint32_t prev_addr, size_t prev_len) {
    if (per_line <= 0 || per_line > 32) per_line = 16;
    tui_view_clear(v, "Memory %08" PRIx32 "%s%s%s", addr, follow ? " (follows " : "", follow ? follow : "",
                   follow ? ")" : "");
    if (rows > TUI_VIEW_LINES) rows = TUI_VIEW_LINES;
    for (int r = 0; r < rows; r++) {
        uint32_t a = addr + (uint32_t)(r * per_line);
        uint8_t bytes[32];
        bool ok[32];
        for (int k = 0; k < per_line; k++) ok[k] = machine_read_linear(m, a + (uint32_t)k, &bytes[k], 1);
        tui_line *l = tui_view_line(v);
        tui_line_put(l, TUI_HL_ADDRESS, "%08" PRIx32, a);
        tui_line_put(l, TUI_HL_NORMAL, " ");
        for (int k = 0; k < per_line; k++) {
            uint32_t at = a + (uint32_t)k;
            bool changed = ok[k] && prev && at - prev_addr < prev_len && prev[at - prev_addr] != bytes[k];
            if (!ok[k])
                tui_line_put(l, TUI_HL_DIM, " ??");
            else
                tui_line_put(l, changed ? TUI_HL_CHANGED : bytes[k] ? TUI_HL_NORMAL : TUI_HL_DIM, " %02x", bytes[k]);
            if (k % 8 == 7 && k + 1 < per_line) tui_line_put(l, TUI_HL_NORMAL, " ");
        }
        tui_line_put(l, TUI_HL_NORMAL, "  ");
        for (int k = 0; k < per_line; k++) {
            char c = ok[k] && bytes[k] >= 0x20 && bytes[k] < 0x7F ? (char)bytes[k] : '.';
            tui_line_put(l, ok[k] && c != '.' ? TUI_HL_NORMAL : TUI_HL_DIM, "%c", c);
        }
    }
}

void tui_view_stack(tui_view *v, machine *m, const machine_regs *r, int rows) {
    const loader_symbols *syms = machine_symbols(m);
    uint32_t esp = r->gpr[R_ESP], ebp = r->gpr[R_EBP];
    tui_view_clear(v, "Stack");
    if (rows > TUI_VIEW_LINES) rows = TUI_VIEW_LINES;
    for (int k = 0; k < rows; k++) {
        uint32_t a = esp + (uint32_t)(4 * k);
        tui_line *l = tui_view_line(v);
        const char *mark = a == esp ? "esp" : a == ebp ? "ebp" : "";
        tui_line_put(l, TUI_HL_LABEL, "%-3s", mark);
        tui_line_put(l, TUI_HL_ADDRESS, " %08" PRIx32, a);
        tui_line_put(l, TUI_HL_DIM, " +%02x", 4 * k);
        uint32_t val;
        if (!machine_read_linear(m, a, &val, 4)) {
            tui_line_put(l, TUI_HL_DIM, "  ????????");
            continue;
        }
        tui_line_put(l, TUI_HL_NORMAL, "  %08" PRIx32, val);
        char sym[80];
        symbolize(syms, val, sym, sizeof sym);
        if (sym[0]) tui_line_put(l, TUI_HL_SYMBOL, " <%s>", sym);
    }
}

/* ---- VGA ---- */

void tui_view_vga(tui_view *v, machine *m) {
    static char text[MACHINE_VGA_TEXT_MAX];
    int row, col;
    machine_vga_text(m, text, sizeof text, &row, &col);
    if (row >= 0)
        tui_view_clear(v, "VGA text (cursor %d,%d)", row, col);
    else
        tui_view_clear(v, "VGA text");
    char *p = text;
    for (int r = 0; r < MACHINE_VGA_ROWS && *p; r++) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        tui_line *l = tui_view_line(v);
        if (!l) break;
        /* Mark the cursor cell: the bytes of character `col` (UTF-8 aware). */
        size_t cstart = len, cend = len;
        if (r == row) {
            size_t b = 0;
            for (int c = 0; b < len && c < col; c++) {
                b++;
                while (b < len && (p[b] & 0xC0) == 0x80) b++;
            }
            cstart = b;
            cend = b < len ? b + 1 : b;
            while (cend < len && (p[cend] & 0xC0) == 0x80) cend++;
        }
        tui_line_put(l, TUI_HL_NORMAL, "%.*s", (int)cstart, p);
        if (r == row) tui_line_put(l, TUI_HL_CURRENT, "%.*s", cend > cstart ? (int)(cend - cstart) : 1,
                                   cend > cstart ? p + cstart : " ");
        if (cend < len) tui_line_put(l, TUI_HL_NORMAL, "%.*s", (int)(len - cend), p + cend);
        p = nl ? nl + 1 : p + len;
    }
    /* Trailing empty rows say nothing (the pane shows them as blank anyway). */
    while (v->count > 0 && v->count - 1 > row && v->lines[v->count - 1].len == 0) v->count--;
}

/* ---- page walk ---- */

static void put_entry_flags(tui_line *l, uint32_t e, int level) {
    static const struct { uint32_t bit; const char *name; } bits[] = {
        { PTE_P, "P" }, { PTE_W, "W" }, { PTE_U, "U" }, { PTE_PWT, "PWT" }, { PTE_PCD, "PCD" },
        { PTE_A, "A" }, { PTE_D, "D" }, { PTE_PS, "PS" }, { PTE_G, "G" },
    };
    if (!(e & PTE_P)) {
        tui_line_put(l, TUI_HL_FAULT, " not present");
        return;
    }
    for (size_t k = 0; k < sizeof bits / sizeof bits[0]; k++) {
        if (!(e & bits[k].bit)) continue;
        if (bits[k].bit == PTE_PS && level == 1) continue;   /* PAT in a PTE: not shown */
        tui_line_put(l, TUI_HL_DIM, " %s", bits[k].name);
    }
}

static void put_pf_error(tui_line *l, uint32_t err) {
    tui_line_put(l, TUI_HL_FAULT, "#PF error %#x: %s, %s, %s", err, err & PF_P ? "protection" : "not present",
                 err & PF_W ? "write" : "read", err & PF_U ? "user" : "supervisor");
}

void tui_view_walk(tui_view *v, machine *m, uint32_t lin, uint32_t vmcb) {
    tui_view_clear(v, "Page walk 0x%08" PRIx32 "%s", lin, vmcb ? " (guest)" : "");
    machine_walk w;
    memset(&w, 0, sizeof w);
    bool ok = vmcb ? machine_translate_vm(m, vmcb, lin, false, &w) : machine_translate(m, lin, false, &w);
    tui_line *l = tui_view_line(v);
    machine_regs r;
    machine_get_regs(m, &r);
    if (vmcb) {
        uint64_t cr3 = 0, ncr3 = 0;
        machine_read_phys(m, vmcb + VMCB_CR3, &cr3, 8);
        machine_read_phys(m, vmcb + VMCB_N_CR3, &ncr3, 8);
        tui_line_put(l, TUI_HL_LABEL, "VMCB ");
        tui_line_put(l, TUI_HL_NORMAL, "0x%08" PRIx32 "  guest CR3 0x%08" PRIx32, vmcb, (uint32_t)cr3);
        if (w.nested) tui_line_put(l, TUI_HL_NORMAL, "  N_CR3 0x%08" PRIx32, (uint32_t)ncr3);
    } else {
        tui_line_put(l, TUI_HL_LABEL, "CR3 ");
        tui_line_put(l, TUI_HL_NORMAL, "0x%08" PRIx32, r.cr3);
        if (r.guest_mode) tui_line_put(l, TUI_HL_NORMAL, " (guest)");
    }
    if (!w.paging && !w.nested) {
        l = tui_view_line(v);
        tui_line_put(l, TUI_HL_DIM, "paging off: linear = physical");
    } else {
        l = tui_view_line(v);
        tui_line_put(l, TUI_HL_DIM, "dir %u  table %u  offset 0x%03x%s", PDX(lin), PTX(lin), lin & 0xFFF,
                     w.nested ? "  (2-D walk)" : "");
    }
    for (int k = 0; k < w.step_count && k < MACHINE_WALK_MAX_STEPS; k++) {
        const machine_walk_step *s = &w.steps[k];
        l = tui_view_line(v);
        uint32_t index = (s->entry_addr & 0xFFF) / 4;
        const char *kind = s->level == 2 ? "PDE" : "PTE";
        if (s->nested) {
            tui_line_put(l, TUI_HL_DIM, "  n");
            tui_line_put(l, TUI_HL_LABEL, "%s[%u]", kind, index);
            tui_line_put(l, TUI_HL_DIM, " gpa 0x%08" PRIx32, s->gpa);
        } else {
            tui_line_put(l, TUI_HL_LABEL, "%s[%u]", kind, index);
        }
        tui_line_put(l, TUI_HL_NORMAL, " @0x%08" PRIx32 " = ", s->entry_addr);
        tui_line_put(l, TUI_HL_ADDRESS, "0x%08" PRIx32, s->value);
        put_entry_flags(l, s->value, s->level);
    }
    l = tui_view_line(v);
    if (ok && w.ok) {
        tui_line_put(l, TUI_HL_GOOD, "=> phys 0x%08" PRIx32, w.paddr);
        if (w.nested) tui_line_put(l, TUI_HL_NORMAL, " (gpa 0x%08" PRIx32 ")", w.gpa);
        if (w.paging) tui_line_put(l, TUI_HL_DIM, " %s page", w.large ? "4 MiB" : "4 KiB");
    } else if (w.npf) {
        tui_line_put(l, TUI_HL_FAULT, "#NPF gpa 0x%08" PRIx32 " info1 %#" PRIx64, w.npf_gpa, w.npf_info1);
    } else if (w.step_count > 0 || w.paging) {
        put_pf_error(l, w.error_code);
    } else {
        tui_line_put(l, TUI_HL_FAULT, "no translation (outside RAM or no VMCB)");
    }
}

/* ---- VMCB ---- */

static uint64_t vmcb_read(machine *m, uint32_t vmcb, uint32_t off, int size) {
    uint64_t v = 0;
    machine_read_phys(m, vmcb + off, &v, (size_t)size);
    return v;
}

/* A list of set bits by name, wrapped onto new lines when it gets long. */
static void put_bit_names(tui_view *v, const char *label, uint32_t bits, int nbits, const char *const *names,
                          const char *prefix) {
    tui_line *l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "%-9s", label);
    if (!bits) {
        tui_line_put(l, TUI_HL_DIM, " -");
        return;
    }
    for (int b = 0; b < nbits; b++) {
        if (!(bits & (1u << b))) continue;
        if (l && l->len > 36) {
            l = tui_view_line(v);
            tui_line_put(l, TUI_HL_NORMAL, "%-9s", "");
        }
        if (names && names[b])
            tui_line_put(l, TUI_HL_NORMAL, " %s%s", prefix, names[b]);
        else
            tui_line_put(l, TUI_HL_NORMAL, " %s%d", prefix, b);
    }
}

void tui_view_vmcb(tui_view *v, machine *m, uint32_t vmcb) {
    if (!vmcb) {
        tui_view_clear(v, "VMCB");
        tui_line_put(tui_view_line(v), TUI_HL_DIM, "no VMCB in use (no VMRUN yet)");
        return;
    }
    tui_view_clear(v, "VMCB %08" PRIx32, vmcb);
    uint8_t probe;
    if (!machine_read_phys(m, vmcb, &probe, 1)) {
        tui_line_put(tui_view_line(v), TUI_HL_FAULT, "VMCB %08" PRIx32 " is outside RAM", vmcb);
        return;
    }
    uint32_t cr_rd = (uint32_t)vmcb_read(m, vmcb, VMCB_CR_READ, 2), cr_wr = (uint32_t)vmcb_read(m, vmcb, VMCB_CR_WRITE, 2);
    uint32_t exc = (uint32_t)vmcb_read(m, vmcb, VMCB_EXC, 4);
    uint32_t v3 = (uint32_t)vmcb_read(m, vmcb, VMCB_VEC3, 4), v4 = (uint32_t)vmcb_read(m, vmcb, VMCB_VEC4, 4);
    /* Bits by name: exception vectors, and the exit each intercept bit causes (arch/). */
    const char *exc_names[32], *v3_names[32], *v4_names[16];
    for (unsigned k = 0; k < 32; k++) {
        exc_names[k] = x86_exception_name(k);
        v3_names[k] = svm_exit_known(SVM_EXIT_VEC3(k)) ? svm_exit_name(SVM_EXIT_VEC3(k)) : NULL;
        if (k < 16) v4_names[k] = svm_exit_known(SVM_EXIT_VEC4(k)) ? svm_exit_name(SVM_EXIT_VEC4(k)) : NULL;
    }
    static const char *const CR_NAMES[16] = { "cr0", "cr1", "cr2", "cr3", "cr4", "cr5", "cr6", "cr7", "cr8" };
    put_bit_names(v, "CR read", cr_rd, 16, CR_NAMES, "");
    put_bit_names(v, "CR write", cr_wr, 16, CR_NAMES, "");
    put_bit_names(v, "except", exc, 32, exc_names, "");
    put_bit_names(v, "insn", v3, 32, v3_names, "");
    put_bit_names(v, "svm insn", v4, 16, v4_names, "");

    uint64_t code = vmcb_read(m, vmcb, VMCB_EXITCODE, 8);
    tui_line *l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "EXITCODE ");
    tui_line_put(l, TUI_HL_CHANGED, "%#" PRIx64 " %s", code, svm_exit_name(code));
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "INFO1 ");
    tui_line_put(l, TUI_HL_NORMAL, "%#" PRIx64, vmcb_read(m, vmcb, VMCB_EXITINFO1, 8));
    tui_line_put(l, TUI_HL_LABEL, "  INFO2 ");
    tui_line_put(l, TUI_HL_NORMAL, "%#" PRIx64, vmcb_read(m, vmcb, VMCB_EXITINFO2, 8));
    uint64_t intinfo = vmcb_read(m, vmcb, VMCB_EXITINTINFO, 8), inj = vmcb_read(m, vmcb, VMCB_EVENTINJ, 8);
    if ((intinfo | inj) & EVT_V) {
        l = tui_view_line(v);
        tui_line_put(l, TUI_HL_LABEL, "EXITINTINFO ");
        tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)intinfo);
        tui_line_put(l, TUI_HL_LABEL, " EVENTINJ ");
        tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)inj);
    }
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "ASID ");
    tui_line_put(l, TUI_HL_NORMAL, "%" PRIu32, (uint32_t)vmcb_read(m, vmcb, VMCB_ASID, 4));
    tui_line_put(l, TUI_HL_LABEL, "  TLB_CTL ");
    tui_line_put(l, TUI_HL_NORMAL, "%u", (unsigned)vmcb_read(m, vmcb, VMCB_TLB_CONTROL, 1));
    tui_line_put(l, TUI_HL_LABEL, "  V_INTR ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_V_INTR, 4));
    bool np = vmcb_read(m, vmcb, VMCB_NP_ENABLE, 8) & 1;
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "NP ");
    tui_line_put(l, np ? TUI_HL_GOOD : TUI_HL_DIM, "%s", np ? "on" : "off");
    tui_line_put(l, TUI_HL_LABEL, "  N_CR3 ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_N_CR3, 8));
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "IOPM ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_IOPM, 8) & ~0xFFFu);
    tui_line_put(l, TUI_HL_LABEL, "  MSRPM ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_MSRPM, 8) & ~0xFFFu);
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "guest RIP ");
    tui_line_put(l, TUI_HL_ADDRESS, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_RIP, 8));
    tui_line_put(l, TUI_HL_LABEL, "  RSP ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_RSP, 8));
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "guest RAX ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_RAX, 8));
    tui_line_put(l, TUI_HL_LABEL, "  RFL ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_RFLAGS, 8));
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "guest CR0 ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_CR0, 8));
    tui_line_put(l, TUI_HL_LABEL, "  CR3 ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_CR3, 8));
    l = tui_view_line(v);
    tui_line_put(l, TUI_HL_LABEL, "guest CR4 ");
    tui_line_put(l, TUI_HL_NORMAL, "%08" PRIx32, (uint32_t)vmcb_read(m, vmcb, VMCB_CR4, 8));
    tui_line_put(l, TUI_HL_LABEL, "  CPL ");
    tui_line_put(l, TUI_HL_NORMAL, "%u", (unsigned)vmcb_read(m, vmcb, VMCB_CPL, 1));
    tui_line_put(l, TUI_HL_LABEL, "  CS ");
    tui_line_put(l, TUI_HL_NORMAL, "%04x", (unsigned)vmcb_read(m, vmcb, VMCB_CS + VMCB_SEG_SEL, 2));
}

/* ---- events ---- */

static void put_event(tui_line *l, const trace *t, const trace_event *e) {
    tui_line_put(l, TUI_HL_DIM, "%10" PRIu64 " ", e->cycle);
    const char *name = trace_kind_name(e->kind);
    tui_line_put(l, TUI_HL_LABEL, "%-10s", name ? name : "?");
    switch (e->kind) {
    case TRACE_EXCEPTION: {
        const char *exc = x86_exception_name(e->vector);
        tui_line_put(l, TUI_HL_FAULT, " %s", exc ? exc : "?");
        if (e->has_error) tui_line_put(l, TUI_HL_NORMAL, " err=%#" PRIx32, e->error);
        tui_line_put(l, TUI_HL_NORMAL, " eip=%08" PRIx32, e->eip);
        if (e->vector == EXC_PF) tui_line_put(l, TUI_HL_NORMAL, " cr2=%08" PRIx32, e->value);
        break;
    }
    case TRACE_INTERRUPT:
    case TRACE_SOFTINT:
        tui_line_put(l, TUI_HL_NORMAL, " vec %" PRIu32 " eip=%08" PRIx32, e->vector, e->eip);
        break;
    case TRACE_CR3_WRITE:
    case TRACE_TLB_FLUSH:
    case TRACE_VMRUN:
        tui_line_put(l, TUI_HL_NORMAL, " %08" PRIx32, e->value);
        break;
    case TRACE_VMEXIT: {
        trace_vmexit_data d;
        const uint8_t *p = trace_payload(t, e);
        if (p && e->length >= sizeof d) {
            memcpy(&d, p, sizeof d);
            tui_line_put(l, TUI_HL_NORMAL, " %s info1=%#" PRIx64, svm_exit_name(d.exitcode), d.info1);
        }
        break;
    }
    default:
        if (e->value) tui_line_put(l, TUI_HL_NORMAL, " %#" PRIx32, e->value);
        break;
    }
}

void tui_view_events(tui_view *v, machine *m, int rows) {
    trace *t = machine_trace(m);
    tui_view_clear(v, "Events");
    if (!t) {
        tui_line_put(tui_view_line(v), TUI_HL_DIM, "(no trace)");
        return;
    }
    if (rows > TUI_VIEW_LINES) rows = TUI_VIEW_LINES;
    uint64_t total = trace_total(t);
    size_t count = trace_count(t);
    tui_view_clear(v, "Events (%" PRIu64 ")", total);
    if (count == 0) {
        tui_line_put(tui_view_line(v), TUI_HL_DIM, "(no events yet)");
        return;
    }
    uint64_t n = count < (size_t)rows ? count : (uint64_t)rows;
    for (uint64_t seq = total - n; seq < total; seq++) {
        const trace_event *e = trace_get(t, seq);
        if (e) put_event(tui_view_line(v), t, e);
    }
}

/* ---- addresses ---- */

bool tui_parse_address(machine *m, const char *text, uint32_t *out, char *err, size_t errlen) {
    while (isspace((unsigned char)*text)) text++;
    char name[128];
    snprintf(name, sizeof name, "%s", text);
    size_t len = strlen(name);
    while (len > 0 && isspace((unsigned char)name[len - 1])) name[--len] = 0;
    if (len == 0) {
        snprintf(err, errlen, "empty address");
        return false;
    }
    const char *s = name[0] == '*' || name[0] == '$' ? name + 1 : name;   /* gdb habits: *0x..., $eax */
    uint64_t offset = 0;
    char base[128];
    snprintf(base, sizeof base, "%s", s);
    char *plus = strchr(base, '+');
    if (plus) {
        char *end;
        *plus = 0;
        offset = strtoull(plus + 1, &end, 0);
        if (*end) {
            snprintf(err, errlen, "bad offset in '%s'", name);
            return false;
        }
    }
    const loader_symbols *syms = machine_symbols(m);
    const loader_symbol *sym = syms ? loader_sym_lookup_name(syms, base) : NULL;
    if (sym) {
        *out = sym->addr + (uint32_t)offset;
        return true;
    }
    uint64_t reg;
    if (machine_get_reg(m, base, &reg)) {
        *out = (uint32_t)(reg + offset);
        return true;
    }
    char *end;
    bool hex_prefix = base[0] == '0' && (base[1] == 'x' || base[1] == 'X');
    unsigned long long n = strtoull(base, &end, 16);
    if (*end == 0 && end != base + (hex_prefix ? 2 : 0) && n <= UINT32_MAX) {
        *out = (uint32_t)(n + offset);
        return true;
    }
    snprintf(err, errlen, "'%s' is not an address, symbol or register", name);
    return false;
}
