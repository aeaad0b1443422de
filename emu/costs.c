/* The cost table: names, defaults, ranges and documentation in one place, and the file parser. */
#include "emu/errmsg.h"
#include "emu/costs.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


/* Instruction classes must cost at least one cycle (zero would let a loop run forever without time
 * passing) and at most 255 (the decoder keeps an instruction's cost in one byte). Events may be free. */
#define INSN 1, 255
#define EVENT 0, 1000000

static const costs_info TABLE[COST_CLASS_COUNT] = {
    [COST_BASIC] = { "basic", 1, INSN, "every instruction not in another class (MOV, ADD, PUSH, LEA ...)" },
    [COST_MUL] = { "mul", 1, INSN, "MUL, IMUL" },
    [COST_DIV] = { "div", 1, INSN, "DIV, IDIV" },
    [COST_BRANCH] = { "branch", 1, INSN, "jumps, calls, returns, LOOP" },
    [COST_STRING_ITER] = { "string_iter", 1, INSN, "a string instruction, and each further REP iteration" },
    [COST_IO] = { "io", 1, INSN, "IN/OUT instructions, and again per port access" },
    [COST_SYSTEM] = { "system", 1, INSN, "system instructions (MOV CRn, LGDT, INT, IRET, CPUID, RDTSC ...)" },
    [COST_EXCEPTION] = { "exception", 1, EVENT, "delivering an exception, added to the instruction's cost" },
    [COST_PAGE_WALK_REF] = { "page_walk_ref", 1, EVENT, "each memory reference of a page walk (TLB miss)" },
    [COST_TLB_FLUSH] = { "tlb_flush", 1, EVENT, "a TLB flush: CR3 write or INVLPG" },
    /* AMD hardware measures a VMRUN + #VMEXIT round trip near 1,400 cycles. */
    [COST_VMRUN] = { "vmrun", 700, EVENT, "VMRUN: the world switch into a guest" },
    [COST_VMEXIT] = { "vmexit", 700, EVENT, "#VMEXIT: the world switch back to the host" },
    [COST_NESTED_WALK_REF] = { "nested_walk_ref", 1, EVENT,
                                "each memory reference of a nested page walk" },
};


const costs_info *costs_table(void) { return TABLE; }

int costs_lookup(const char *name)
{
    for (int k = 0; k < COST_CLASS_COUNT; k++)
        if (strcmp(TABLE[k].name, name) == 0)
            return k;
    return -1;
}

void costs_defaults(costs *c)
{
    for (int k = 0; k < COST_CLASS_COUNT; k++)
        c->cycles[k] = TABLE[k].default_cycles;
}

static bool check_range(int id, uint64_t cycles, char *err, size_t errlen)
{
    const costs_info *e = &TABLE[id];
    if (cycles < e->min || cycles > e->max)
        return emu_say(err, errlen, "cost '%s' = %llu out of range %llu..%llu%s", e->name, (unsigned long long)cycles,
                   (unsigned long long)e->min, (unsigned long long)e->max,
                   e->min > 0 ? " (instruction classes cost at least 1 cycle)" : "");
    return true;
}

bool costs_set(costs *c, const char *name, uint64_t cycles, char *err, size_t errlen)
{
    int id = costs_lookup(name);
    if (id < 0)
        return emu_say(err, errlen, "unknown cost '%s'", name);
    if (!check_range(id, cycles, err, errlen))
        return false;
    c->cycles[id] = cycles;
    return true;
}

/* One line (without its newline): blank, comment, or "name = integer [# comment]". */
static bool parse_line(costs *c, const char *line, size_t len, char *err, size_t errlen)
{
    char buf[256];
    if (len >= sizeof buf)
        return emu_say(err, errlen, "line too long");
    memcpy(buf, line, len);
    buf[len] = 0;
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = 0;
    char *p = buf;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == 0)
        return true;
    char *name = p;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    char *name_end = p;
    while (isspace((unsigned char)*p))
        p++;
    if (name_end == name || *p != '=')
        return emu_say(err, errlen, "expected 'name = cycles'");
    *name_end = 0;
    p++;
    while (isspace((unsigned char)*p))
        p++;
    char *value = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    char *value_end = p;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != 0)
        return emu_say(err, errlen, "unexpected text after the value of '%s'", name);
    *value_end = 0;
    int id = costs_lookup(name);
    if (id < 0)
        return emu_say(err, errlen, "unknown cost '%s'", name);
    if (*value == 0)
        return emu_say(err, errlen, "cost '%s' has no value", name);
    uint64_t v = 0;
    for (const char *q = value; *q; q++) {
        if (!isdigit((unsigned char)*q))
            return emu_say(err, errlen, "cost '%s': '%s' is not a whole number of cycles", name, value);
        if (v > 1000000000ull)
            return emu_say(err, errlen, "cost '%s': '%s' is too large", name, value);
        v = v * 10 + (uint64_t)(*q - '0');
    }
    if (!check_range(id, v, err, errlen))
        return false;
    c->cycles[id] = v;
    return true;
}

bool costs_parse(costs *c, const char *text, const char *file, char *err, size_t errlen)
{
    costs work = *c;   /* all or nothing: a bad line leaves *c as it was */
    int line_no = 1;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r')
            len--;
        char why[200];
        if (!parse_line(&work, p, len, why, sizeof why))
            return emu_say(err, errlen, "%s:%d: %s", file, line_no, why);
        if (!nl)
            break;
        p = nl + 1;
        line_no++;
    }
    *c = work;
    return true;
}

bool costs_load(costs *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return emu_say(err, errlen, "%s: cannot open: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    bool ok = true;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            if (cap > (1u << 20)) {   /* a cost table is a few hundred bytes */
                ok = emu_say(err, errlen, "%s: too large for a cost table", path);
                break;
            }
            char *bigger = realloc(text, cap);
            if (!bigger) {
                ok = emu_say(err, errlen, "%s: out of memory", path);
                break;
            }
            text = bigger;
        }
        size_t n = fread(text + len, 1, 4096, f);
        len += n;
        if (n < 4096) {
            if (ferror(f))
                ok = emu_say(err, errlen, "%s: read error", path);
            break;
        }
    }
    fclose(f);
    if (ok) {
        text[len] = 0;
        if (memchr(text, 0, len))
            ok = emu_say(err, errlen, "%s: not a text file", path);
        else
            ok = costs_parse(c, text, path, err, errlen);
    }
    free(text);
    return ok;
}

void costs_write(FILE *out, const costs *c)
{
    fputs("# vx86 cost table: cycles of virtual time per instruction class and per CPU event.\n"
          "# Format: `name = cycles`, one per line; `#` starts a comment; names not given keep\n"
          "# these defaults. Use with `vx86 run --costs FILE`; `vx86 costs` prints this table.\n"
          "# Instruction classes: 1..255 cycles. Events: 0..1000000 cycles, added to the\n"
          "# instruction that caused them. The machine runs at 1e9 cycles per second, so at the\n"
          "# defaults one simple instruction takes one nanosecond of guest time.\n",
          out);
    for (int k = 0; k < COST_CLASS_COUNT; k++) {
        if (k == COST_EXCEPTION)
            fputs("\n# CPU events\n", out);
        else if (k == COST_VMRUN)
            fputs("\n# Secure Virtual Machine (AMD SVM)\n", out);
        else if (k == 0)
            fputs("\n# Instruction classes\n", out);
        fprintf(out, "# %s\n%s = %llu\n", TABLE[k].what, TABLE[k].name, (unsigned long long)c->cycles[k]);
    }
}
