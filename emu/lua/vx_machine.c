/* The `vx` module's machine object ("vx.machine"): boot, run, serial, registers, memory, page
 * walks, events, snapshots and symbols, all through the machine API (emu/machine.h). Errors are
 * Lua errors naming the method ("vx.machine:read: ..."), never host crashes. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/le.h"
#include "arch/svm.h"
#include "arch/x86.h"
#include "emu/cli.h"
#include "emu/loader.h"
#include "emu/machine.h"
#include "emu/trace.h"
#include "emu/lua/vx_internal.h"
#include "emu/pictures/pictures.h"

#define MACHINE_MT  "vx.machine"
#define SNAPSHOT_MT "vx.snapshot"

/* Cycles run between checks of an until_* condition: small enough to stop soon after the
 * condition holds, large enough that the check costs nothing next to the run. */
#define RUN_SLICE 20000u
#define RUN_DEFAULT_LIMIT 200000000ull

typedef struct vx_machine {
    machine *m;
    bool borrowed;                 /* owned by a front end: never destroyed here */
    char *serial;                  /* COM1 output so far */
    size_t serial_len, serial_cap;
    size_t expect_pos;             /* :expect searches from here */
    char *strings[MACHINE_MAX_MODULES + 2];  /* copies of the config strings */
} vx_machine;

typedef struct vx_snapshot {
    uint8_t *buf;
    size_t len;
    size_t serial_len, expect_pos;
} vx_snapshot;

static void serial_capture(void *ctx, uint8_t byte)
{
    vx_machine *vm = ctx;
    if (vm->serial_len + 1 >= vm->serial_cap) {
        size_t cap = vm->serial_cap ? vm->serial_cap * 2 : 4096;
        char *p = realloc(vm->serial, cap);
        if (!p) return;  /* output beyond memory is dropped, the machine keeps running */
        vm->serial = p;
        vm->serial_cap = cap;
    }
    vm->serial[vm->serial_len++] = (char)byte;
    vm->serial[vm->serial_len] = '\0';
}

/* luaL_error with printf formats (lua_pushfstring has no %x). */
static int error_fmt(lua_State *L, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int error_fmt(lua_State *L, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return luaL_error(L, "%s", buf);
}

static vx_machine *check_vm(lua_State *L, int idx)
{
    vx_machine *vm = luaL_checkudata(L, idx, MACHINE_MT);
    if (!vm->m) luaL_error(L, "vx.machine: the machine is closed");
    return vm;
}

static void release(vx_machine *vm)
{
    if (vm->m && !vm->borrowed) machine_destroy(vm->m);
    vm->m = NULL;
    free(vm->serial);
    vm->serial = NULL;
    vm->serial_len = vm->serial_cap = 0;
    for (size_t i = 0; i < sizeof vm->strings / sizeof vm->strings[0]; i++) {
        free(vm->strings[i]);
        vm->strings[i] = NULL;
    }
}

static int m_gc(lua_State *L)
{
    release(luaL_checkudata(L, 1, MACHINE_MT));
    return 0;
}

static int m_close(lua_State *L)
{
    release(luaL_checkudata(L, 1, MACHINE_MT));
    return 0;
}

static int m_tostring(lua_State *L)
{
    vx_machine *vm = luaL_checkudata(L, 1, MACHINE_MT);
    if (!vm->m)
        lua_pushstring(L, "vx.machine (closed)");
    else
        lua_pushfstring(L, "vx.machine (%s, cycle %I)", machine_kernel_path(vm->m) ? machine_kernel_path(vm->m) : "?",
                        (lua_Integer)machine_cycles(vm->m));
    return 1;
}

/* "64M", "4096K", "1G" or a number of bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (end == s) return false;
    if (*end == 'K' || *end == 'k') v <<= 10, end++;
    else if (*end == 'M' || *end == 'm') v <<= 20, end++;
    else if (*end == 'G' || *end == 'g') v <<= 30, end++;
    if (*end) return false;
    *out = v;
    return true;
}

static char *dup_field(lua_State *L, vx_machine *vm, int slot, const char *s)
{
    vm->strings[slot] = strdup(s);
    if (!vm->strings[slot]) luaL_error(L, "vx.boot: out of memory");
    return vm->strings[slot];
}

/* vx.boot{ kernel = PATH, modules = { "PATH ARGS" | {path=, args=} ... }, memory = "64M",
 *          cmdline = "...", trace = EVENTS } */
static int vx_boot(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    vx_machine *vm = lua_newuserdatauv(L, sizeof *vm, 0);
    memset(vm, 0, sizeof *vm);
    luaL_setmetatable(L, MACHINE_MT);
    int self = lua_gettop(L);

    machine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    if (lua_getfield(L, 1, "kernel") != LUA_TSTRING) return luaL_error(L, "vx.boot: 'kernel' (an image path) is required");
    cfg.kernel = dup_field(L, vm, 0, lua_tostring(L, -1));
    lua_pop(L, 1);
    if (lua_getfield(L, 1, "cmdline") == LUA_TSTRING) cfg.cmdline = dup_field(L, vm, 1, lua_tostring(L, -1));
    else if (!lua_isnil(L, -1)) return luaL_error(L, "vx.boot: 'cmdline' must be a string");
    lua_pop(L, 1);
    cfg.memory_bytes = 64u << 20;
    int t = lua_getfield(L, 1, "memory");
    if (t != LUA_TNIL) {
        uint64_t bytes = 0;
        if (t == LUA_TNUMBER) bytes = (uint64_t)lua_tointeger(L, -1);
        else if (t != LUA_TSTRING || !parse_size(lua_tostring(L, -1), &bytes))
            return luaL_error(L, "vx.boot: 'memory' must be a size like \"64M\"");
        if (bytes < (2u << 20) || bytes > (3ull << 30))
            return luaL_error(L, "vx.boot: memory %I bytes is outside 2M..3G", (lua_Integer)bytes);
        cfg.memory_bytes = (uint32_t)bytes;
    }
    lua_pop(L, 1);
    t = lua_getfield(L, 1, "trace");
    if (t != LUA_TNIL) {   /* the same bounds as --trace-size: a huge ring overflows its sizes */
        if (!lua_isinteger(L, -1) && !(t == LUA_TNUMBER && lua_tonumber(L, -1) == (lua_Number)(lua_Integer)lua_tonumber(L, -1)))
            return luaL_error(L, "vx.boot: 'trace' must be a number of events");
        lua_Integer n = lua_tointeger(L, -1);
        if (n < 1 || (unsigned long long)n > CLI_TRACE_SIZE_MAX)
            return luaL_error(L, "vx.boot: trace %I events is outside 1..%I", n, (lua_Integer)CLI_TRACE_SIZE_MAX);
        cfg.trace_capacity = (size_t)n;
    }
    lua_pop(L, 1);
    t = lua_getfield(L, 1, "modules");
    if (t == LUA_TTABLE) {
        lua_Integer n = luaL_len(L, -1);
        if (n > MACHINE_MAX_MODULES) return luaL_error(L, "vx.boot: at most %d modules", MACHINE_MAX_MODULES);
        for (lua_Integer i = 1; i <= n; i++) {
            int mt = lua_geti(L, -1, i);
            const char *spec = NULL;
            if (mt == LUA_TSTRING) spec = lua_tostring(L, -1);
            else if (mt == LUA_TTABLE) {
                lua_getfield(L, -1, "path");
                lua_getfield(L, -2, "args");
                if (!lua_isstring(L, -2)) return luaL_error(L, "vx.boot: module %I has no 'path'", i);
                lua_pushfstring(L, "%s%s%s", lua_tostring(L, -2), lua_isstring(L, -1) ? " " : "",
                                lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
                spec = lua_tostring(L, -1);
            } else
                return luaL_error(L, "vx.boot: module %I must be a string or {path=, args=}", i);
            char *copy = dup_field(L, vm, 2 + (int)i - 1, spec);
            char *space = strchr(copy, ' ');
            if (space) *space = '\0';
            cfg.modules[i - 1].path = copy;
            cfg.modules[i - 1].args = space ? space + 1 : NULL;
            lua_settop(L, self + 1);   /* keep: table, self, modules (not this entry) */
        }
        cfg.module_count = (int)n;
    } else if (t != LUA_TNIL)
        return luaL_error(L, "vx.boot: 'modules' must be a list");
    lua_settop(L, self);

    cfg.serial_out = serial_capture;
    cfg.serial_ctx = vm;
    char err[512];
    vm->m = machine_create(&cfg, err, sizeof err);
    if (!vm->m) return luaL_error(L, "vx.boot: %s", err);
    return 1;
}

void *vxlua_to_vm(lua_State *L, int idx)
{
    return luaL_testudata(L, idx, MACHINE_MT);
}

machine *vxlua_vm_machine(void *vm)
{
    return ((vx_machine *)vm)->m;
}

const char *vxlua_vm_serial(void *vm, size_t *len)
{
    const vx_machine *v = vm;
    *len = v->serial_len;
    return v->serial ? v->serial : "";
}

void vxlua_push_borrowed_machine(lua_State *L, machine *m)
{
    vx_machine *vm = lua_newuserdatauv(L, sizeof *vm, 0);
    memset(vm, 0, sizeof *vm);
    vm->m = m;
    vm->borrowed = true;
    luaL_setmetatable(L, MACHINE_MT);
}

static const char *stop_name(machine_stop s)
{
    switch (s) {
    case MACHINE_STOP_LIMIT: return "limit";
    case MACHINE_STOP_EXIT: return "exit";
    case MACHINE_STOP_HALTED: return "halted";
    case MACHINE_STOP_SHUTDOWN: return "shutdown";
    case MACHINE_STOP_BREAK: return "break";
    }
    return "?";
}

static uint64_t opt_cycles(lua_State *L, int idx, const char *field, uint64_t dflt)
{
    if (lua_getfield(L, idx, field) == LUA_TNIL) {
        lua_pop(L, 1);
        return dflt;
    }
    int ok;
    lua_Number n = lua_tonumberx(L, -1, &ok);
    if (!ok || n < 0) luaL_error(L, "vx.machine: '%s' must be a non-negative number", field);
    lua_pop(L, 1);
    return (uint64_t)n;
}

/* Find text in the serial output at or after from; returns the offset after the match or -1. */
static long serial_find(const vx_machine *vm, size_t from, const char *text)
{
    if (!vm->serial || from > vm->serial_len) return -1;
    size_t tl = strlen(text);
    for (size_t i = from; i + tl <= vm->serial_len; i++)
        if (memcmp(vm->serial + i, text, tl) == 0) return (long)(i + tl);
    return -1;
}

/* m:run{ cycles=N, until_serial=TEXT, until_symbol=NAME, until=function(m) } -> reason, cycles run.
 * reason: "serial", "symbol", "until", or the machine's stop ("limit", "exit", "halted", ...). */
static int m_run(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    if (lua_isnoneornil(L, 2)) lua_newtable(L);
    else if (lua_isnumber(L, 2)) {  /* m:run(N) shorthand */
        lua_Integer n = lua_tointeger(L, 2);
        lua_newtable(L);
        lua_pushinteger(L, n);
        lua_setfield(L, -2, "cycles");
        lua_replace(L, 2);
    }
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_getfield(L, 2, "until_serial");
    const char *until_serial = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    lua_getfield(L, 2, "until_symbol");
    const char *until_symbol = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
    lua_getfield(L, 2, "until");
    bool has_pred = lua_isfunction(L, -1);
    int pred = lua_gettop(L);
    bool conditional = until_serial || until_symbol || has_pred;
    uint64_t limit = opt_cycles(L, 2, "cycles", conditional ? RUN_DEFAULT_LIMIT : 0);
    if (!conditional && limit == 0) return luaL_error(L, "vx.machine:run: give cycles= or an until_* condition");

    uint32_t bp = 0;
    bool bp_added = false;
    if (until_symbol) {
        const loader_symbols *syms = machine_symbols(vm->m);
        const loader_symbol *s = syms ? loader_sym_lookup_name(syms, until_symbol) : NULL;
        if (!s) return luaL_error(L, "vx.machine:run: no symbol '%s' in the kernel image", until_symbol);
        bp = s->addr;
        bp_added = machine_add_breakpoint(vm->m, bp);
    }
    size_t serial_from = vm->expect_pos;
    uint64_t start = machine_cycles(vm->m);
    const char *reason = NULL;
    while (!reason) {
        uint64_t done = machine_cycles(vm->m) - start;
        if (done >= limit) {
            reason = "limit";
            break;
        }
        uint64_t slice = limit - done;
        if (conditional && slice > RUN_SLICE) slice = RUN_SLICE;
        machine_stop s = machine_run(vm->m, slice);
        if (until_serial && serial_find(vm, serial_from, until_serial) >= 0) reason = "serial";
        else if (s == MACHINE_STOP_BREAK && until_symbol) {
            machine_regs r;
            machine_get_regs(vm->m, &r);
            reason = r.eip == bp ? "symbol" : "break";
        } else if (s != MACHINE_STOP_LIMIT) reason = stop_name(s);
        else if (has_pred) {
            lua_pushvalue(L, pred);
            lua_pushvalue(L, 1);
            lua_call(L, 1, 1);
            if (!vm->m) return luaL_error(L, "vx.machine:run: the until function closed the machine");
            if (lua_toboolean(L, -1)) reason = "until";
            lua_pop(L, 1);
        }
    }
    if (bp_added) machine_remove_breakpoint(vm->m, bp);
    if (until_serial) {
        long at = serial_find(vm, serial_from, until_serial);
        if (at >= 0) vm->expect_pos = (size_t)at;
    }
    lua_pushstring(L, reason);
    lua_pushinteger(L, (lua_Integer)(machine_cycles(vm->m) - start));
    return 2;
}

/* m:step() -> stop reason of one instruction */
static int m_step(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    lua_pushstring(L, stop_name(machine_step(vm->m)));
    return 1;
}

static int m_type(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    size_t len;
    const char *s = luaL_checklstring(L, 2, &len);
    machine_serial_input(vm->m, (const uint8_t *)s, len);
    return 0;
}

/* m:expect(TEXT, {cycles=N}) -> true, or a Lua error showing the end of the output. */
static int m_expect(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    const char *text = luaL_checkstring(L, 2);
    uint64_t limit = RUN_DEFAULT_LIMIT / 10;
    if (lua_istable(L, 3)) limit = opt_cycles(L, 3, "cycles", limit);
    uint64_t start = machine_cycles(vm->m);
    long at;
    while ((at = serial_find(vm, vm->expect_pos, text)) < 0) {
        uint64_t done = machine_cycles(vm->m) - start;
        if (done >= limit) break;
        uint64_t slice = limit - done < RUN_SLICE ? limit - done : RUN_SLICE;
        machine_stop s = machine_run(vm->m, slice);
        if (s != MACHINE_STOP_LIMIT && s != MACHINE_STOP_BREAK) {
            at = serial_find(vm, vm->expect_pos, text);
            break;
        }
    }
    if (at < 0) {
        size_t tail = vm->serial_len > 200 ? vm->serial_len - 200 : 0;
        return luaL_error(L, "vx.machine:expect: \"%s\" not seen within %I cycles; output ends: \"%s\"", text,
                          (lua_Integer)limit, vm->serial ? vm->serial + tail : "");
    }
    vm->expect_pos = (size_t)at;
    lua_pushboolean(L, 1);
    return 1;
}

static int m_serial(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    lua_pushlstring(L, vm->serial ? vm->serial : "", vm->serial_len);
    return 1;
}

static const char *const GPR_NAMES[8] = { "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi" };
static const char *const SEG_NAMES[8] = { "es", "cs", "ss", "ds", "fs", "gs", "ldtr", "tr" };

static void set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, bool v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, k);
}

static int m_regs(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    machine_regs r;
    machine_get_regs(vm->m, &r);
    lua_createtable(L, 0, 32);
    for (int i = 0; i < 8; i++) set_int(L, GPR_NAMES[i], r.gpr[i]);
    for (int i = 0; i < 8; i++) set_int(L, SEG_NAMES[i], r.seg[i].sel);
    set_int(L, "eip", r.eip);
    set_int(L, "eflags", r.eflags);
    set_int(L, "cr0", r.cr0);
    set_int(L, "cr2", r.cr2);
    set_int(L, "cr3", r.cr3);
    set_int(L, "cr4", r.cr4);
    set_int(L, "efer", (lua_Integer)r.efer);
    set_int(L, "gdtr_base", r.gdtr_base);
    set_int(L, "idtr_base", r.idtr_base);
    set_int(L, "cpl", r.cpl);
    set_bool(L, "guest_mode", r.guest_mode);
    set_bool(L, "halted", r.halted);
    set_int(L, "vmcb", r.vmcb);
    set_int(L, "cycles", (lua_Integer)r.cycles);
    set_int(L, "instructions", (lua_Integer)r.instructions);
    return 1;
}

static int m_reg(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    const char *name = luaL_checkstring(L, 2);
    uint64_t v;
    if (!machine_get_reg(vm->m, name, &v)) return luaL_error(L, "vx.machine:reg: unknown register '%s'", name);
    lua_pushinteger(L, (lua_Integer)v);
    return 1;
}

static int m_set_reg(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    const char *name = luaL_checkstring(L, 2);
    lua_Integer v = luaL_checkinteger(L, 3);
    if (!machine_set_reg(vm->m, name, (uint64_t)v))
        return luaL_error(L, "vx.machine:set_reg: unknown or read-only register '%s'", name);
    return 0;
}

static bool opt_flag(lua_State *L, int idx, const char *field)
{
    if (!lua_istable(L, idx)) return false;
    lua_getfield(L, idx, field);
    bool v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

static uint32_t check_addr(lua_State *L, int idx)
{
    lua_Integer a = luaL_checkinteger(L, idx);
    if (a < 0 || a > 0xFFFFFFFFll) luaL_error(L, "vx.machine: address %I is not a 32-bit address", a);
    return (uint32_t)a;
}

/* m:read(addr, len, {phys=true}) -> string of bytes */
static int m_read(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    uint32_t addr = check_addr(L, 2);
    lua_Integer len = luaL_checkinteger(L, 3);
    if (len < 0 || len > (16 << 20)) return luaL_error(L, "vx.machine:read: length %I out of range", len);
    bool phys = opt_flag(L, 4, "phys");
    luaL_Buffer b;
    char *p = luaL_buffinitsize(L, &b, (size_t)len);
    bool ok = phys ? machine_read_phys(vm->m, addr, p, (size_t)len) : machine_read_linear(vm->m, addr, p, (size_t)len);
    if (!ok)
        return error_fmt(L, "vx.machine:read: %s 0x%08x+%lld is not readable (%s)", phys ? "physical" : "linear",
                         (unsigned)addr, (long long)len, phys ? "outside RAM" : "unmapped or outside RAM");
    luaL_pushresultsize(&b, (size_t)len);
    return 1;
}

/* m:read32(addr, {phys=true}) -> little-endian u32 */
static int m_read32(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    uint32_t addr = check_addr(L, 2);
    bool phys = opt_flag(L, 3, "phys");
    uint8_t b[4];
    bool ok = phys ? machine_read_phys(vm->m, addr, b, 4) : machine_read_linear(vm->m, addr, b, 4);
    if (!ok) return error_fmt(L, "vx.machine:read32: 0x%08x is not readable", (unsigned)addr);
    lua_pushinteger(L, (lua_Integer)le32_load(b));
    return 1;
}

/* m:write(addr, bytes, {phys=true}) */
static int m_write(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    uint32_t addr = check_addr(L, 2);
    size_t len;
    const char *s = luaL_checklstring(L, 3, &len);
    bool phys = opt_flag(L, 4, "phys");
    bool ok = phys ? machine_write_phys(vm->m, addr, s, len) : machine_write_linear(vm->m, addr, s, len);
    if (!ok) return error_fmt(L, "vx.machine:write: 0x%08x+%d is not writable", (unsigned)addr, (int)len);
    return 0;
}

/* The walk as a Lua table: the view model vx.show.walk and vx.export.svg draw. */
void vxlua_push_walk(lua_State *L, uint32_t lin, bool write, const machine_walk *w)
{
    lua_createtable(L, 0, 16);
    set_int(L, "linear", lin);
    set_bool(L, "write", write);
    set_bool(L, "paging", w->paging);
    set_bool(L, "nested", w->nested);
    set_bool(L, "ok", w->ok);
    set_bool(L, "large", w->large);
    set_int(L, "gpa", w->gpa);
    set_int(L, "paddr", w->paddr);
    set_int(L, "pde_index", PDX(lin));
    set_int(L, "pte_index", PTX(lin));
    set_int(L, "offset", w->large ? (lin & 0x3FFFFF) : (lin & 0xFFF));
    set_int(L, "references", w->step_count);
    if (!w->ok) {
        if (w->npf) {
            lua_pushstring(L, "#NPF");
            lua_setfield(L, -2, "fault");
            set_int(L, "exitinfo1", (lua_Integer)w->npf_info1);
            set_int(L, "exitinfo2", w->npf_gpa);
        } else {
            lua_pushstring(L, "#PF");
            lua_setfield(L, -2, "fault");
            set_int(L, "error_code", w->error_code);
        }
    }
    lua_createtable(L, w->step_count, 0);
    for (int i = 0; i < w->step_count && i < MACHINE_WALK_MAX_STEPS; i++) {
        const machine_walk_step *s = &w->steps[i];
        lua_createtable(L, 0, 10);
        set_int(L, "level", s->level);
        set_bool(L, "nested", s->nested);
        set_int(L, "gpa", s->gpa);
        set_int(L, "entry_addr", s->entry_addr);
        set_int(L, "value", s->value);
        set_bool(L, "present", s->value & PTE_P);
        set_bool(L, "rw", s->value & PTE_W);
        set_bool(L, "us", s->value & PTE_U);
        set_bool(L, "ps", s->level == 2 && (s->value & PTE_PS));
        set_int(L, "index", (s->entry_addr & 0xFFF) >> 2);
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "steps");
}

/* m:translate(addr, {write=bool, vm=VMCB}) -> walk table */
static int m_translate(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    uint32_t lin = check_addr(L, 2);
    bool write = opt_flag(L, 3, "write");
    lua_Integer vmcb = 0;
    if (lua_istable(L, 3)) {
        lua_getfield(L, 3, "vm");
        vmcb = lua_isnil(L, -1) ? 0 : luaL_checkinteger(L, -1);
        lua_pop(L, 1);
    }
    machine_walk w;
    memset(&w, 0, sizeof w);
    if (vmcb) {
        if (vmcb < 0 || vmcb > 0xFFFFFFFFll || (vmcb & 0xFFF))
            return error_fmt(L, "vx.machine:translate: vm=0x%x is not a page-aligned VMCB address", (unsigned)vmcb);
        static const machine_walk none;
        if (!machine_translate_vm(vm->m, (uint32_t)vmcb, lin, write, &w) && memcmp(&w, &none, sizeof w) == 0)
            return error_fmt(L, "vx.machine:translate: VMCB 0x%x is outside RAM", (unsigned)vmcb);
    } else
        machine_translate(vm->m, lin, write, &w);
    vxlua_push_walk(L, lin, write, &w);
    return 1;
}

/* m:events{ kinds = {"exception", ...}, since = CYCLE, after = SEQ, limit = N } -> list */
static int m_events(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    trace *t = machine_trace(vm->m);
    uint64_t mask = TRACE_ALL_KINDS, since = 0, after = 0;
    lua_Integer limit = 100000;
    if (lua_istable(L, 2)) {
        if (lua_getfield(L, 2, "kinds") == LUA_TTABLE) {
            mask = 0;
            lua_Integer n = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= n; i++) {
                lua_geti(L, -1, i);
                const char *name = lua_tostring(L, -1);
                int k = name ? trace_kind_lookup(name) : -1;
                if (k < 0) return luaL_error(L, "vx.machine:events: unknown event kind '%s'", name ? name : "?");
                mask |= TRACE_KIND_BIT(k);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
        since = opt_cycles(L, 2, "since", 0);
        after = opt_cycles(L, 2, "after", 0);
        limit = (lua_Integer)opt_cycles(L, 2, "limit", (uint64_t)limit);
    }
    lua_newtable(L);
    if (!t) return 1;
    trace_iter it;
    trace_iter_init(&it, t, since, after, mask);
    const trace_event *ev;
    lua_Integer n = 0;
    while (n < limit && (ev = trace_iter_next(&it))) {
        lua_createtable(L, 0, 16);
        set_int(L, "seq", (lua_Integer)ev->seq);
        set_int(L, "cycle", (lua_Integer)ev->cycle);
        lua_pushstring(L, trace_kind_name(ev->kind) ? trace_kind_name(ev->kind) : "?");
        lua_setfield(L, -2, "kind");
        set_int(L, "vector", ev->vector);
        if (ev->has_error) set_int(L, "error", ev->error);
        set_int(L, "eip", ev->eip);
        set_int(L, "value", ev->value);
        set_int(L, "cpl", ev->cpl);
        set_bool(L, "guest_mode", ev->guest_mode);
        set_int(L, "cr3", ev->cr3);
        set_int(L, "asid", ev->asid);
        set_int(L, "vm", ev->vm);
        set_int(L, "task", ev->task);
        if (ev->kind == TRACE_VMEXIT && ev->length >= sizeof(trace_vmexit_data)) {
            trace_vmexit_data d;
            memcpy(&d, trace_payload(t, ev), sizeof d);
            set_int(L, "exitcode", (lua_Integer)d.exitcode);
            set_int(L, "exitinfo1", (lua_Integer)d.info1);
            set_int(L, "exitinfo2", (lua_Integer)d.info2);
            set_int(L, "guest_cycles", (lua_Integer)d.guest_cycles);
            lua_pushstring(L, svm_exit_name(d.exitcode));
            lua_setfield(L, -2, "exit_name");
        } else if (ev->length) {
            lua_pushlstring(L, (const char *)trace_payload(t, ev), ev->length);
            lua_setfield(L, -2, "payload");
            vxlua_set_task_fields(L, ev, trace_payload(t, ev));
            vxlua_set_visible_fields(L, ev, trace_payload(t, ev));
        }
        lua_rawseti(L, -2, ++n);
    }
    set_int(L, "now", (lua_Integer)machine_cycles(vm->m));   /* where a Gantt of the list ends */
    return 1;
}

/* m:event_seq() -> the sequence number the next event will get (for events{after=}) */
static int m_event_seq(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    trace *t = machine_trace(vm->m);
    lua_pushinteger(L, t ? (lua_Integer)trace_total(t) : 0);
    return 1;
}

static int m_snapshot(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    vx_snapshot *s = lua_newuserdatauv(L, sizeof *s, 0);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, SNAPSHOT_MT);
    char err[256];
    if (!machine_snapshot_to_buffer(vm->m, &s->buf, &s->len, err, sizeof err))
        return luaL_error(L, "vx.machine:snapshot: %s", err);
    s->serial_len = vm->serial_len;
    s->expect_pos = vm->expect_pos;
    return 1;
}

static int m_restore(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    vx_snapshot *s = luaL_checkudata(L, 2, SNAPSHOT_MT);
    if (!s->buf) return luaL_error(L, "vx.machine:restore: the snapshot was freed");
    char err[256];
    if (!machine_snapshot_from_buffer(vm->m, s->buf, s->len, "snapshot", err, sizeof err))
        return luaL_error(L, "vx.machine:restore: %s", err);
    /* Serial output is not machine state; rewinding the view with it keeps :expect honest. */
    if (s->serial_len <= vm->serial_len) {
        vm->serial_len = s->serial_len;
        if (vm->serial) vm->serial[vm->serial_len] = '\0';
    }
    vm->expect_pos = s->expect_pos <= vm->serial_len ? s->expect_pos : vm->serial_len;
    return 0;
}

static int snap_gc(lua_State *L)
{
    vx_snapshot *s = luaL_checkudata(L, 1, SNAPSHOT_MT);
    free(s->buf);
    s->buf = NULL;
    return 0;
}

static int snap_size(lua_State *L)
{
    vx_snapshot *s = luaL_checkudata(L, 1, SNAPSHOT_MT);
    lua_pushinteger(L, (lua_Integer)s->len);
    return 1;
}

static int m_symbol(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    const loader_symbols *syms = machine_symbols(vm->m);
    if (lua_isinteger(L, 2)) {  /* address -> "name+0x10" */
        char buf[256];
        if (syms && loader_sym_lookup_addr(syms, (uint32_t)lua_tointeger(L, 2), buf, sizeof buf)) lua_pushstring(L, buf);
        else lua_pushnil(L);
        return 1;
    }
    const char *name = luaL_checkstring(L, 2);
    const loader_symbol *s = syms ? loader_sym_lookup_name(syms, name) : NULL;
    if (!s) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushinteger(L, s->addr);
    lua_pushinteger(L, s->size);
    return 2;
}

static int m_symbols(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    const loader_symbols *syms = machine_symbols(vm->m);
    lua_newtable(L);
    for (size_t i = 0; syms && i < syms->count; i++) {
        lua_pushinteger(L, syms->syms[i].addr);
        lua_setfield(L, -2, syms->syms[i].name);
    }
    return 1;
}

static int m_cycles(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)machine_cycles(check_vm(L, 1)->m));
    return 1;
}

static int m_exit_status(lua_State *L)
{
    lua_pushinteger(L, machine_exit_status(check_vm(L, 1)->m));
    return 1;
}

static int m_break(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    uint32_t a = check_addr(L, 2);
    lua_pushboolean(L, lua_toboolean(L, 3) ? machine_remove_breakpoint(vm->m, a) : machine_add_breakpoint(vm->m, a));
    return 1;
}

/* m:picture(KIND[, { width = PX, walk = ADDR }]) -> text[, svg path]: one diagram of
 * emu/pictures (memmap, pagetable, walk, gantt, namespaces, cgroups, exits, console) as text;
 * with `vx86 lab/grade --pictures DIR` also written as DIR/NNN-KIND.svg (names chosen here, never
 * by the lab: the sandbox opens no file of its choosing). */
static char pictures_dir[1024];
static unsigned pictures_written;

void vxlua_set_pictures_dir(const char *dir)
{
    snprintf(pictures_dir, sizeof pictures_dir, "%s", dir ? dir : "");
    pictures_written = 0;
}

static int m_picture(lua_State *L)
{
    vx_machine *vm = check_vm(L, 1);
    const char *name = luaL_checkstring(L, 2);
    int kind = pic_kind_lookup(name);
    if (kind < 0) return luaL_error(L, "m:picture: unknown picture '%s'", name);
    pic_source src = { .m = vm->m };
    lua_Integer width = 640;
    if (lua_istable(L, 3)) {
        if (lua_getfield(L, 3, "width") != LUA_TNIL) width = luaL_checkinteger(L, -1);
        lua_pop(L, 1);
        if (lua_getfield(L, 3, "walk") != LUA_TNIL) {
            src.walk_addr = (uint32_t)luaL_checkinteger(L, -1);
            src.walk_set = true;
        }
        lua_pop(L, 1);
    }
    if (width < 160 || width > 4000) return luaL_error(L, "m:picture: width %I is outside 160..4000", width);
    pic_scene s;
    char *text = NULL;
    if (!pic_build(kind, &src, &s, (int)width, 0, &text)) {
        free(text);
        pic_scene_free(&s);
        return luaL_error(L, "m:picture: out of memory");
    }
    lua_pushstring(L, text ? text : "");
    free(text);
    int results = 1;
    if (pictures_dir[0]) {
        char path[1200], err[1300];
        snprintf(path, sizeof path, "%s/%03u-%s.svg", pictures_dir, ++pictures_written, name);
        if (!pic_scene_write_svg(&s, path, err, sizeof err)) {
            pic_scene_free(&s);
            return luaL_error(L, "m:picture: %s", err);
        }
        lua_pushstring(L, path);
        results = 2;
    }
    pic_scene_free(&s);
    return results;
}

static const luaL_Reg MACHINE_METHODS[] = {
    { "run", m_run },         { "step", m_step },           { "type", m_type },
    { "expect", m_expect },   { "serial", m_serial },       { "regs", m_regs },
    { "reg", m_reg },         { "set_reg", m_set_reg },     { "read", m_read },
    { "read32", m_read32 },   { "write", m_write },         { "translate", m_translate },
    { "events", m_events },   { "event_seq", m_event_seq }, { "snapshot", m_snapshot },
    { "restore", m_restore }, { "symbol", m_symbol },       { "symbols", m_symbols },
    { "cycles", m_cycles },   { "exit_status", m_exit_status }, { "breakpoint", m_break },
    { "close", m_close },     { "picture", m_picture }, { NULL, NULL },
};

static int rng_new(lua_State *L);

int luaopen_vx(lua_State *L)
{
    if (luaL_newmetatable(L, MACHINE_MT)) {
        luaL_newlib(L, MACHINE_METHODS);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, m_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushcfunction(L, m_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_pop(L, 1);
    if (luaL_newmetatable(L, SNAPSHOT_MT)) {
        lua_pushcfunction(L, snap_gc);
        lua_setfield(L, -2, "__gc");
        lua_newtable(L);
        lua_pushcfunction(L, snap_size);
        lua_setfield(L, -2, "size");
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushcfunction(L, vx_boot);
    lua_setfield(L, -2, "boot");
    lua_pushcfunction(L, rng_new);
    lua_setfield(L, -2, "rng");
    vxlua_open_show(L);   /* vx.show, vx.export */
    vxlua_open_tasks(L);  /* m:tasks(), vx.gantt, vx.show.gantt */
    vxlua_open_visible(L);   /* m:namespaces/cgroups/vms, vx.show.namespaces/cgroups/exits */
    vxlua_open_costs(L);     /* m:costs(), m:set_costs{} (vx_costs.c) */
    lua_pushvalue(L, -1);
    lua_setglobal(L, "vx");
    return 1;
}

/* ---- vx.rng(seed): the seeded PRNG as a Lua object ---- */

#define RNG_MT "vx.rng"

static int rng_next(lua_State *L)
{
    vxlua_rng *r = luaL_checkudata(L, 1, RNG_MT);
    lua_pushinteger(L, vxlua_rng_next(r));
    return 1;
}

/* r:range(lo, hi) inclusive */
static int rng_range(lua_State *L)
{
    vxlua_rng *r = luaL_checkudata(L, 1, RNG_MT);
    lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
    if (lo > hi || lo < 0 || hi > 0xFFFFFFFFll) return luaL_error(L, "vx.rng:range: bad range %I..%I", lo, hi);
    lua_pushinteger(L, vxlua_rng_range(r, (uint32_t)lo, (uint32_t)hi));
    return 1;
}

/* r:choice(list) -> one element */
static int rng_choice(lua_State *L)
{
    vxlua_rng *r = luaL_checkudata(L, 1, RNG_MT);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    if (n < 1) return luaL_error(L, "vx.rng:choice: empty list");
    lua_geti(L, 2, 1 + vxlua_rng_range(r, 0, (uint32_t)(n - 1)));
    return 1;
}

/* r:shuffle(list) in place (Fisher-Yates) */
static int rng_shuffle(lua_State *L)
{
    vxlua_rng *r = luaL_checkudata(L, 1, RNG_MT);
    luaL_checktype(L, 2, LUA_TTABLE);
    for (lua_Integer i = luaL_len(L, 2); i > 1; i--) {
        lua_Integer j = 1 + vxlua_rng_range(r, 0, (uint32_t)(i - 1));
        lua_geti(L, 2, i);
        lua_geti(L, 2, j);
        lua_seti(L, 2, i);
        lua_seti(L, 2, j);
    }
    lua_settop(L, 2);
    return 1;
}

static int rng_new(lua_State *L)
{
    lua_Integer seed = luaL_checkinteger(L, 1);
    lua_Integer stream = luaL_optinteger(L, 2, 0);
    vxlua_rng *r = lua_newuserdatauv(L, sizeof *r, 0);
    vxlua_rng_seed(r, (uint64_t)seed, (uint64_t)stream);
    if (luaL_newmetatable(L, RNG_MT)) {
        static const luaL_Reg methods[] = { { "next", rng_next }, { "range", rng_range }, { "choice", rng_choice },
                                            { "shuffle", rng_shuffle }, { NULL, NULL } };
        luaL_newlib(L, methods);
        lua_setfield(L, -2, "__index");
    }
    lua_setmetatable(L, -2);
    return 1;
}
