/* The lab engine: load a lab (a Lua file returning a table) into a Lua state under limits, walk
 * its steps in order and compare answers. `vx86 lab` (lab.c) and `vx86 grade` (grade.c) both
 * use it, so the grader recomputes exactly what the learner saw.
 *
 * A lab table (labs/README.md documents it for authors):
 *   { id, title, version, introduction, answers_format, policy = { attempts = N, counts = "first"|"best" },
 *     setup = function(ctx),
 *     steps = { { title, text, action = function(ctx), check = function(ctx) -> ok, msg,
 *                 questions = { { id, text, points, answer = function(ctx), format = "hex",
 *                                 explain, accept = function(given, expected, ctx) } } } } }
 * A step runs: text, then its questions (each asked, or graded), then action, then check. The
 * action comes after the questions so that what it shows (a walk, a trace) cannot give the
 * answers away before they are asked.
 * ctx: seed, rng (vx.rng seeded with the seed), params (what students' answer functions see),
 * mode ("lab" or "grade"), solve, print(...), hex(n), dir (the lab's folder), image(name).
 *
 * Lab code runs under limits like student code, so one bad lab cannot hang a sweep: an
 * instruction hook per piece of lab code, a memory cap on its Lua state, `load` of text only,
 * and `loadfile`/`dofile` only for text files inside the lab's own folder. */
#include <ctype.h>
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/lua/lab_engine.h"
#include "emu/lua/vx_internal.h"

#define HOOK_EVERY 1000

/* vx.near{ abs = A, rel = R, percent = true, eps = E }: the accept function of a question whose
 * answer is a number within max(A, R x |expected|) (+ E) of the expected one; "_" may separate
 * digits, and with percent a "%" may follow. The labs' one tolerance rule, so each lab says only
 * how close an answer must be. */
static const char NEAR_LUA[] =
    "return function(o)\n"
    "  local abs, rel, eps, percent = o.abs or 0, o.rel or 0, o.eps or 0, o.percent\n"
    "  return function(given, expected)\n"
    "    local s = given:gsub('_', '')\n"
    "    if percent then s = s:gsub('%%', '') end\n"
    "    local g, e = tonumber(s), tonumber(expected)\n"
    "    return g ~= nil and e ~= nil and math.abs(g - e) <= math.max(abs, rel * math.abs(e)) + eps\n"
    "  end\n"
    "end\n";

/* ---- limits ---- */

static void *lab_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    lab_limits *l = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        l->used -= old;
        return NULL;
    }
    if (nsize > old && l->used - old + nsize > l->cap) return NULL;   /* Lua collects and retries */
    void *p = realloc(ptr, nsize);
    if (p) l->used = l->used - old + nsize;
    return p;
}

static lab_limits *limits_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

static void lab_hook(lua_State *L, lua_Debug *ar)
{
    (void)ar;
    lab_limits *l = limits_of(L);
    l->executed += HOOK_EVERY;
    if (l->executed > l->max) {
        l->hit = true;
        char msg[120];
        snprintf(msg, sizeof msg, "the lab ran more than %llu Lua instructions in one piece of lab code",
                 (unsigned long long)l->max);
        luaL_error(L, "%s", msg);
    }
}

/* Before each piece of lab code: a fresh instruction budget. */
static void budget(lab_run *r)
{
    r->lim.executed = 0;
    r->lim.hit = false;
}

/* ---- the lab's libraries ---- */

static int no_random(lua_State *L)
{
    return luaL_error(L, "math.random is not reproducible: use ctx.rng (seeded by --seed)");
}

static lab_run *run_of(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, "vx.lab");
    lab_run *r = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return r;
}

/* load(chunk [, name [, mode [, env]]]): text chunks only (a binary chunk can crash Lua). */
static int lab_load(lua_State *L)
{
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    if (!s) return luaL_error(L, "load: only string chunks are allowed in a lab");
    const char *name = luaL_optstring(L, 2, "=(load)");
    if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 4)) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

/* A path for loadfile/dofile: relative paths are relative to the lab's folder, and the file must
 * be inside it (after resolving links). */
static const char *lab_path(lua_State *L, const char *name, char *out)
{
    lab_run *r = run_of(L);
    char joined[PATH_MAX * 2];
    if (name[0] == '/') snprintf(joined, sizeof joined, "%s", name);
    else snprintf(joined, sizeof joined, "%s/%s", r->labdir, name);
    if (!realpath(joined, out)) luaL_error(L, "%s: %s", name, strerror(errno));
    size_t n = strlen(r->labdir);
    if (strncmp(out, r->labdir, n) != 0 || out[n] != '/')
        luaL_error(L, "%s: labs may only load files inside their own folder", name);
    return out;
}

static int lab_loadfile(lua_State *L)
{
    char path[PATH_MAX];
    lab_path(L, luaL_checkstring(L, 1), path);
    if (luaL_loadfilex(L, path, "t") != LUA_OK) {
        lua_pushnil(L);
        lua_insert(L, -2);
        return 2;
    }
    if (!lua_isnoneornil(L, 3)) {
        lua_pushvalue(L, 3);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

static int lab_dofile(lua_State *L)
{
    char path[PATH_MAX];
    lab_path(L, luaL_checkstring(L, 1), path);
    lua_settop(L, 0);
    if (luaL_loadfilex(L, path, "t") != LUA_OK) return lua_error(L);
    lua_call(L, 0, LUA_MULTRET);
    return lua_gettop(L);
}

/* print() while grading: stderr, so lab chatter never mixes into a result on stdout. */
static int print_stderr(lua_State *L)
{
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1) fputc('\t', stderr);
        fwrite(s, 1, len, stderr);
        lua_pop(L, 1);
    }
    fputc('\n', stderr);
    return 0;
}

bool lab_engine_open(lab_run *r)
{
    r->lim.cap = LAB_MEMORY;
    r->lim.max = LAB_INSTRUCTIONS_PER_CALL;
    r->shown_ref = LUA_NOREF;
    r->attempts = 3;
    lua_State *L = r->L = lua_newstate(lab_alloc, &r->lim);
    if (!L) return false;
    lua_pushlightuserdata(L, r);
    lua_setfield(L, LUA_REGISTRYINDEX, "vx.lab");
    static const luaL_Reg LIBS[] = { { LUA_GNAME, luaopen_base },       { LUA_STRLIBNAME, luaopen_string },
                                     { LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
                                     { LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_COLIBNAME, luaopen_coroutine },
                                     { NULL, NULL } };
    for (const luaL_Reg *l = LIBS; l->name; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    lua_pushcfunction(L, lab_load);
    lua_setglobal(L, "load");
    lua_pushcfunction(L, lab_loadfile);
    lua_setglobal(L, "loadfile");
    lua_pushcfunction(L, lab_dofile);
    lua_setglobal(L, "dofile");
    if (r->grading) {
        lua_pushcfunction(L, print_stderr);
        lua_setglobal(L, "print");
    }
    lua_getglobal(L, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    lua_getglobal(L, "math");
    lua_pushcfunction(L, no_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, no_random);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    if (luaL_loadbufferx(L, NEAR_LUA, sizeof NEAR_LUA - 1, "=vx.near", "t") != LUA_OK) {
        lua_pop(L, 2);                     /* out of memory: the caller closes the state */
        return false;
    }
    lua_call(L, 0, 1);
    lua_setfield(L, -2, "near");
    lua_pop(L, 1);
    lua_sethook(L, lab_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return true;
}

typedef struct protect_args {
    lab_run *r;
    bool (*body)(lab_run *, void *, char *, size_t);
    void *ud;
    char *err;
    size_t cap;
    bool ok;
} protect_args;

static int protect_tramp(lua_State *L)
{
    protect_args *a = lua_touserdata(L, 1);
    lua_pop(L, 1);
    a->ok = a->body(a->r, a->ud, a->err, a->cap);
    return 0;
}

bool lab_engine_protect(lab_run *r, bool (*body)(lab_run *, void *, char *, size_t), void *ud, char *err, size_t cap)
{
    protect_args a = { r, body, ud, err, cap, false };
    lua_pushcfunction(r->L, protect_tramp);
    lua_pushlightuserdata(r->L, &a);
    int rc = lua_pcall(r->L, 1, 0, 0);
    if (rc != LUA_OK) {
        const char *m = lua_tostring(r->L, -1);
        snprintf(err, cap, "%s%s", rc == LUA_ERRMEM ? "the lab ran out of memory: " : "",
                 m ? m : "error object is not a string");
        lua_pop(r->L, 1);
        return false;
    }
    return a.ok;
}

/* ---- output goes through the lab UI (lab_ui.h) ---- */

static void say_block(lab_run *r, const char *text)
{
    if (r->grading || !text || !r->ui) return;
    r->ui->ops->say(r->ui, text);
}

/* Tell the UI which machine the lab drives (ctx.m) after every piece of lab code. */
static void notify_machine(lab_run *r)
{
    if (r->grading || !r->ui) return;
    lua_State *L = r->L;
    lua_getfield(L, r->ctx, "m");
    void *vm = vxlua_to_vm(L, -1);
    if (vm != r->shown_vm) {
        luaL_unref(L, LUA_REGISTRYINDEX, r->shown_ref);
        r->shown_ref = vm ? luaL_ref(L, LUA_REGISTRYINDEX) : LUA_NOREF;
        r->shown_vm = vm;
        if (!vm) lua_pop(L, 1);
    } else
        lua_pop(L, 1);
    lab_ui_machine lm = { vm, vxlua_vm_machine, vxlua_vm_serial };
    r->ui->ops->machine(r->ui, vm ? &lm : NULL);
}

/* vx.show.walk/pagetable/events when the UI has a pictures pane: the picture goes there and the
 * text gets a one-line reference to it. Upvalues: the run, the original function, its name. */
static int routed_show(lua_State *L)
{
    lab_run *r = lua_touserdata(L, lua_upvalueindex(1));
    const char *kind = lua_tostring(L, lua_upvalueindex(3));
    char title[160];
    if (strcmp(kind, "walk") == 0 && lua_istable(L, 1)) {
        lua_getfield(L, 1, "linear");
        lua_getfield(L, 1, "write");
        snprintf(title, sizeof title, "page walk of 0x%08llx (%s)", (unsigned long long)lua_tointeger(L, -2),
                 lua_toboolean(L, -1) ? "write" : "read");
        lua_pop(L, 2);
    } else if (strcmp(kind, "events") == 0 && lua_istable(L, 1))
        snprintf(title, sizeof title, "events (%lld)", (long long)luaL_len(L, 1));
    else
        snprintf(title, sizeof title, "page table");
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(2));
    lua_insert(L, 1);
    lua_call(L, n, 1);
    const char *text = lua_tostring(L, -1);
    r->ui->ops->picture(r->ui, title, text ? text : "");
    lua_pushfstring(L, "[picture %d, %s: see the Pictures pane]\n", ++r->picture_count, title);
    return 1;
}

void lab_engine_route_pictures(lab_run *r)
{
    lua_State *L = r->L;
    static const char *const KINDS[] = { "walk", "pagetable", "events" };
    lua_getglobal(L, "vx");
    lua_getfield(L, -1, "show");
    for (int i = 0; i < 3; i++) {
        lua_pushlightuserdata(L, r);
        lua_getfield(L, -2, KINDS[i]);
        lua_pushstring(L, KINDS[i]);
        lua_pushcclosure(L, routed_show, 3);
        lua_setfield(L, -2, KINDS[i]);
    }
    lua_pop(L, 2);
}

static int ctx_print(lua_State *L)
{
    lab_run *r = lua_touserdata(L, lua_upvalueindex(1));
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    say_block(r, lua_tostring(L, -1));
    return 0;
}

static int ctx_hex(lua_State *L)
{
    lua_Integer v = luaL_checkinteger(L, 1);
    char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v);
    lua_pushstring(L, buf);
    return 1;
}

/* ctx.image(name): a guest image the lab boots, found relative to the lab file, so labs run from
 * any directory: the lab's folder itself (an installed lab keeps its images beside it), then the
 * build tree of a checkout (labs/<lab>/ -> build/guest/labs/<lab>/). ctx.os_image(name): a file of
 * the toy OS (kernel.elf, initrd.img) the same way: beside the lab, then the checkout's build/os/. */
static int find_image(lua_State *L, const char *what, const char *tree_fmt, const char *make_target)
{
    lab_run *r = lua_touserdata(L, lua_upvalueindex(1));
    const char *name = luaL_checkstring(L, 1);
    const char *lab = strrchr(r->labdir, '/');
    lab = lab ? lab + 1 : r->labdir;
    char a[PATH_MAX * 3], b[PATH_MAX * 3];
    snprintf(a, sizeof a, "%s/%s", r->labdir, name);
    snprintf(b, sizeof b, tree_fmt, r->labdir, lab, name);
    struct stat st;
    if (stat(a, &st) == 0) lua_pushstring(L, a);
    else if (stat(b, &st) == 0) {
        char real[PATH_MAX];
        lua_pushstring(L, realpath(b, real) ? real : b);
    } else
        return luaL_error(L, "%s: '%s' is neither in %s nor in the build tree (%s); run 'make %s'", what, name,
                          r->labdir, b, make_target);
    return 1;
}

static int ctx_image(lua_State *L)
{
    return find_image(L, "ctx.image", "%s/../../build/guest/labs/%s/%s", "labs");
}

static int ctx_os_image(lua_State *L)
{
    return find_image(L, "ctx.os_image", "%s/../../build/os/%.0s%s", "os");
}

/* Call the value at idx: a function is called with ctx (under a fresh instruction budget),
 * anything else is returned as is. */
static int eval_field(lab_run *r, int idx, int nres)
{
    idx = lua_absindex(r->L, idx);
    if (!lua_isfunction(r->L, idx)) {
        lua_pushvalue(r->L, idx);
        for (int i = 1; i < nres; i++) lua_pushnil(r->L);
        return LUA_OK;
    }
    lua_pushvalue(r->L, idx);
    lua_pushvalue(r->L, r->ctx);
    budget(r);
    return lua_pcall(r->L, 1, nres, 0);
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Format an expected answer the way the solver prints it and a student would write it. */
static void format_expected(lua_State *L, int idx, const char *format, char *buf, size_t cap)
{
    switch (lua_type(L, idx)) {
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx) || lua_tonumber(L, idx) == (lua_Number)(long long)lua_tonumber(L, idx)) {
            long long v = lua_isinteger(L, idx) ? (long long)lua_tointeger(L, idx) : (long long)lua_tonumber(L, idx);
            if (format && strcmp(format, "hex") == 0) snprintf(buf, cap, "0x%llx", (unsigned long long)v);
            else snprintf(buf, cap, "%lld", v);
        } else
            snprintf(buf, cap, "%.17g", lua_tonumber(L, idx));
        break;
    case LUA_TBOOLEAN: snprintf(buf, cap, "%s", lua_toboolean(L, idx) ? "yes" : "no"); break;
    case LUA_TSTRING: snprintf(buf, cap, "%s", lua_tostring(L, idx)); break;
    default: snprintf(buf, cap, "(none)"); break;
    }
}

void lab_trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    size_t i = 0;
    while (s[i] && isspace((unsigned char)s[i])) i++;
    memmove(s, s + i, n - i + 1);
}

bool lab_parse_seed(const char *s, unsigned long long *out)
{
    char *end;
    if (!*s || *s == '-' || *s == '+' || isspace((unsigned char)*s)) return false;
    errno = 0;
    *out = strtoull(s, &end, 10);
    /* At most 2^63 - 1: the seed is a Lua integer (ctx.seed) and a JSON integer in results. */
    return *end == '\0' && errno == 0 && *out <= (unsigned long long)LLONG_MAX;
}

/* Integers as students write them: decimal or 0x hex, '_' allowed as a separator. */
static bool parse_answer_int(const char *text, long long *out)
{
    char buf[128];
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '_' || isspace((unsigned char)*p)) continue;
        if (n + 1 >= sizeof buf) return false;
        buf[n++] = *p;
    }
    buf[n] = '\0';
    if (!n) return false;
    char *end;
    bool hex = buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X');
    const char *digits = hex ? buf + 2 : buf;
    if (!*digits || !isxdigit((unsigned char)*digits)) return false;
    errno = 0;
    unsigned long long v = strtoull(digits, &end, hex ? 16 : 10);
    if (*end || errno) return false;
    *out = (long long)v;
    return true;
}

static bool parse_answer_bool(const char *t, bool *out)
{
    static const char *const YES[] = { "yes", "y", "true", "1" }, *const NO[] = { "no", "n", "false", "0" };
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(t, YES[i]) == 0) return *out = true, true;
        if (strcasecmp(t, NO[i]) == 0) return *out = false, true;
    }
    return false;
}

/* Looks like an attempt at a number (a digit or sign first) rather than a word like "fault". */
static bool looks_numeric(const char *s)
{
    return isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+';
}

answer_verdict lab_engine_compare(lab_run *r, lab_question *q, int expected_idx, const char *given_raw)
{
    lua_State *L = r->L;
    expected_idx = lua_absindex(L, expected_idx);
    char *given = strdup(given_raw);
    if (!given) return ANSWER_CHECK_FAILED;
    lab_trim(given);
    answer_verdict v = ANSWER_WRONG;
    if (q->accept_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, q->accept_ref);
        lua_pushstring(L, given);
        lua_pushvalue(L, expected_idx);
        lua_pushvalue(L, r->ctx);
        budget(r);
        if (lua_pcall(L, 3, 1, 0) != LUA_OK) v = ANSWER_CHECK_FAILED;
        else v = lua_toboolean(L, -1) ? ANSWER_RIGHT : ANSWER_WRONG;
        lua_pop(L, 1);
        free(given);
        return v;
    }
    switch (lua_type(L, expected_idx)) {
    case LUA_TNUMBER: {
        long long n;
        if (!parse_answer_int(given, &n)) v = looks_numeric(given) ? ANSWER_NOT_NUMBER : ANSWER_WRONG;
        else if (lua_isinteger(L, expected_idx) && n == (long long)lua_tointeger(L, expected_idx)) v = ANSWER_RIGHT;
        break;
    }
    case LUA_TBOOLEAN: {
        bool b;
        if (!parse_answer_bool(given, &b)) v = ANSWER_NOT_YES_NO;
        else if (b == (bool)lua_toboolean(L, expected_idx)) v = ANSWER_RIGHT;
        break;
    }
    case LUA_TSTRING: {
        long long n;
        /* A number where a word was expected ("fault") is just wrong. */
        if (strcasecmp(given, lua_tostring(L, expected_idx)) == 0) v = ANSWER_RIGHT;
        else if (looks_numeric(given) && !parse_answer_int(given, &n)) v = ANSWER_NOT_NUMBER;
        break;
    }
    default: break;
    }
    free(given);
    return v;
}

/* ---- loading ---- */

lab_question *lab_engine_find(lab_run *r, const char *id)
{
    for (int i = 0; i < r->nq; i++)
        if (strcmp(r->qs[i].id, id) == 0) return &r->qs[i];
    return NULL;
}

const char *lab_engine_string(lab_run *r, const char *field, const char *dflt)
{
    lua_getfield(r->L, r->lab, field);
    const char *s = lua_type(r->L, -1) == LUA_TSTRING ? lua_tostring(r->L, -1) : dflt;
    lua_pop(r->L, 1);   /* the lab table keeps the string alive */
    return s;
}

static bool read_policy(lab_run *r, char *err, size_t cap)
{
    lua_State *L = r->L;
    int t = lua_getfield(L, r->lab, "policy");
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        return true;
    }
    if (t != LUA_TTABLE) {
        snprintf(err, cap, "%s: 'policy' must be a table { attempts = N, counts = \"first\" | \"best\" }", r->o->file);
        return false;
    }
    if (lua_getfield(L, -1, "attempts") != LUA_TNIL) {
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 || lua_tointeger(L, -1) > 100) {
            snprintf(err, cap, "%s: policy.attempts must be an integer in 1..100", r->o->file);
            return false;
        }
        r->attempts = (int)lua_tointeger(L, -1);
    }
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "counts") != LUA_TNIL) {
        const char *c = lua_tostring(L, -1);
        if (!c || (strcmp(c, "first") != 0 && strcmp(c, "best") != 0)) {
            snprintf(err, cap, "%s: policy.counts must be \"first\" or \"best\"", r->o->file);
            return false;
        }
        r->best_try = strcmp(c, "best") == 0;
    }
    lua_pop(L, 2);
    return true;
}

/* Load a text file as a chunk with the given name (luaL_loadfilex names it by its path). */
static int lab_loadfile_named(lua_State *L, const char *path, const char *name)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        lua_pushfstring(L, "%s: %s", path, strerror(errno));
        return LUA_ERRFILE;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    size_t n;
    do {
        char *p = luaL_prepbuffer(&b);
        n = fread(p, 1, LUAL_BUFFERSIZE, f);
        luaL_addsize(&b, n);
    } while (n == LUAL_BUFFERSIZE);
    bool bad = ferror(f);
    fclose(f);
    luaL_pushresult(&b);
    if (bad) {
        lua_pop(L, 1);
        lua_pushfstring(L, "%s: read error", path);
        return LUA_ERRFILE;
    }
    size_t len;
    const char *text = lua_tolstring(L, -1, &len);
    /* Skip a first line starting with '#' (a #! line), as luaL_loadfile does. */
    size_t skip = 0;
    if (len && text[0] == '#') {
        while (skip < len && text[skip] != '\n') skip++;
    }
    int rc = luaL_loadbufferx(L, text + skip, len - skip, name + 0, "t");
    lua_remove(L, -2);
    return rc;
}

/* Load the lab file, build ctx, collect the questions (ids, points, format) without running steps. */
bool lab_engine_load(lab_run *r, char *err, size_t cap)
{
    lua_State *L = r->L;
    char real[PATH_MAX];
    if (!realpath(r->o->file, real)) {
        snprintf(err, cap, "%s: %s", r->o->file, strerror(errno));
        return false;
    }
    snprintf(r->labdir, sizeof r->labdir, "%s", real);
    char *slash = strrchr(r->labdir, '/');
    if (slash && slash != r->labdir) *slash = '\0';
    budget(r);
    /* Named "<folder>/<file>" in messages: the same text wherever the grader runs from. */
    const char *base = strrchr(real, '/');
    char chunkname[300];
    snprintf(chunkname, sizeof chunkname, "@%.120s/%.120s", strrchr(r->labdir, '/') ? strrchr(r->labdir, '/') + 1 : "",
             base ? base + 1 : real);
    lua_pushstring(L, chunkname);
    int name_slot = lua_gettop(L);
    if (lab_loadfile_named(L, real, chunkname) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
        snprintf(err, cap, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error loading the lab");
        return false;
    }
    if (!lua_istable(L, -1)) {
        snprintf(err, cap, "%s: the lab must return a table", r->o->file);
        return false;
    }
    lua_remove(L, name_slot);
    r->lab = lua_gettop(L);
    if (!read_policy(r, err, cap)) return false;
    if (lua_getfield(L, r->lab, "steps") != LUA_TTABLE) {
        snprintf(err, cap, "%s: the lab has no 'steps' list", r->o->file);
        return false;
    }
    int steps = lua_gettop(L);
    lua_Integer ns = luaL_len(L, steps);
    for (lua_Integer s = 1; s <= ns; s++) {
        if (lua_geti(L, steps, s) != LUA_TTABLE) {
            snprintf(err, cap, "%s: step %lld is not a table", r->o->file, (long long)s);
            return false;
        }
        int qt = lua_getfield(L, -1, "questions");
        if (qt != LUA_TTABLE && qt != LUA_TNIL) {
            snprintf(err, cap, "%s: step %lld: 'questions' must be a list of tables", r->o->file, (long long)s);
            return false;
        }
        if (qt == LUA_TTABLE) {
            lua_Integer nq = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= nq; i++) {
                if (lua_geti(L, -1, i) != LUA_TTABLE) {
                    snprintf(err, cap, "%s: step %lld question %lld is not a table", r->o->file, (long long)s,
                             (long long)i);
                    return false;
                }
                lab_question *qs = realloc(r->qs, sizeof *qs * (size_t)(r->nq + 1));
                char **ss = realloc(r->session, sizeof *ss * (size_t)(r->nq + 1));
                if (ss) r->session = ss;
                if (qs) r->qs = qs;
                if (!qs || !ss) {
                    snprintf(err, cap, "out of memory");
                    return false;
                }
                lab_question *q = &r->qs[r->nq];
                memset(q, 0, sizeof *q);
                r->session[r->nq] = NULL;
                q->step = (int)s;
                q->accept_ref = q->expected_ref = LUA_NOREF;
                if (lua_getfield(L, -1, "id") != LUA_TSTRING) {
                    snprintf(err, cap, "%s: step %lld question %lld has no id (a string)", r->o->file, (long long)s,
                             (long long)i);
                    return false;
                }
                q->id = strdup(lua_tostring(L, -1));
                lua_pop(L, 1);
                for (int k = 0; k < r->nq; k++)
                    if (strcmp(r->qs[k].id, q->id) == 0) {
                        snprintf(err, cap, "%s: question id '%s' appears twice", r->o->file, q->id);
                        free(q->id);
                        return false;
                    }
                r->nq++;
                lua_getfield(L, -1, "points");
                q->max_points = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 1;
                lua_pop(L, 1);
                if (!(q->max_points >= 0 && q->max_points <= 1e6)) {
                    snprintf(err, cap, "%s: question '%s': points must be a number in 0..1e6", r->o->file, q->id);
                    return false;
                }
                lua_getfield(L, -1, "format");
                q->format = lua_type(L, -1) == LUA_TSTRING ? strdup(lua_tostring(L, -1)) : NULL;
                lua_pop(L, 1);
                lua_getfield(L, -1, "accept");
                if (lua_isfunction(L, -1)) q->accept_ref = luaL_ref(L, LUA_REGISTRYINDEX);
                else lua_pop(L, 1);
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 2);
    }
    lua_pop(L, 1);

    /* ctx */
    lua_newtable(L);
    r->ctx = lua_gettop(L);
    lua_pushinteger(L, (lua_Integer)r->o->seed);
    lua_setfield(L, r->ctx, "seed");
    lua_getglobal(L, "vx");
    lua_getfield(L, -1, "rng");
    lua_pushinteger(L, (lua_Integer)r->o->seed);
    lua_call(L, 1, 1);
    lua_setfield(L, r->ctx, "rng");
    lua_pop(L, 1);
    lua_newtable(L);
    lua_setfield(L, r->ctx, "params");
    lua_pushstring(L, r->grading ? "grade" : "lab");
    lua_setfield(L, r->ctx, "mode");
    lua_pushboolean(L, r->o->solve);
    lua_setfield(L, r->ctx, "solve");
    lua_pushlightuserdata(L, r);
    lua_pushcclosure(L, ctx_print, 1);
    lua_setfield(L, r->ctx, "print");
    lua_pushcfunction(L, ctx_hex);
    lua_setfield(L, r->ctx, "hex");
    lua_pushlightuserdata(L, r);
    lua_pushcclosure(L, ctx_image, 1);
    lua_setfield(L, r->ctx, "image");
    lua_pushlightuserdata(L, r);
    lua_pushcclosure(L, ctx_os_image, 1);
    lua_setfield(L, r->ctx, "os_image");
    lua_pushvalue(L, r->lab);
    lua_setfield(L, r->ctx, "lab");
    lua_pushstring(L, r->labdir);
    lua_setfield(L, r->ctx, "dir");
    return true;
}

/* ---- walking the steps ---- */

static void explain(lab_run *r, int qtab, int expected)
{
    lua_State *L = r->L;
    lua_getfield(L, qtab, "explain");
    if (lua_isfunction(L, -1)) {
        lua_pushvalue(L, r->ctx);
        lua_pushvalue(L, expected);
        budget(r);
        if (lua_pcall(L, 2, 1, 0) == LUA_OK && lua_isstring(L, -1)) say_block(r, lua_tostring(L, -1));
    } else if (lua_isstring(L, -1))
        say_block(r, lua_tostring(L, -1));
    lua_pop(L, 1);
}

static const char *verdict_reason(answer_verdict v)
{
    switch (v) {
    case ANSWER_NOT_NUMBER: return "that is not a number (write decimal or 0x hex)";
    case ANSWER_NOT_YES_NO: return "answer yes or no";
    case ANSWER_CHECK_FAILED: return "the lab could not check that answer";
    default: return "not quite";
    }
}

/* Ask one question in `vx86 lab`: up to policy.attempts tries; an answer that is not a number
 * (or not yes/no) is said so and does not use a try. Points follow policy.counts. */
static void ask(lab_run *r, lab_question *q, int qi, int expected)
{
    int tries = 0;
    bool first_right = false, any_right = false, answered = false;
    int unusable = 0;
    while (tries < r->attempts) {
        char ans[512];
        if (!r->ui->ops->ask(r->ui, q->id, q->text, q->max_points, ans, sizeof ans)) break;
        if (r->ui->ops->quit_requested(r->ui)) {
            r->quit = true;
            return;
        }
        answered = true;
        answer_verdict v = lab_engine_compare(r, q, expected, ans);
        if ((v == ANSWER_NOT_NUMBER || v == ANSWER_NOT_YES_NO) && ++unusable <= 5) {
            char line[256];
            snprintf(line, sizeof line, "  %s: try again", verdict_reason(v));
            say_block(r, line);
            continue;
        }
        tries++;
        if (!r->session[qi] || (v == ANSWER_RIGHT && r->best_try)) {
            free(r->session[qi]);
            r->session[qi] = strdup(ans);
        }
        if (v == ANSWER_RIGHT) {
            first_right = tries == 1;
            any_right = true;
            break;
        }
        if (tries < r->attempts) {
            char line[256];
            snprintf(line, sizeof line, "  %s: try again (%d %s left; %s)", verdict_reason(v), r->attempts - tries,
                     r->attempts - tries == 1 ? "try" : "tries",
                     r->best_try ? "a right answer on any try counts" : "only the first try counts");
            say_block(r, line);
        }
    }
    bool counted = r->best_try ? any_right : first_right;
    q->points = counted ? q->max_points : 0;
    r->score += q->points;
    r->ui->ops->feedback(r->ui, answered, any_right, q->expected, r->score, r->max_score + q->max_points);
    if (any_right && !counted) say_block(r, "  (right now, but only the first try counts)");
}

bool lab_engine_steps(lab_run *r, char *err, size_t cap)
{
    lua_State *L = r->L;
    lua_getfield(L, r->lab, "setup");
    if (lua_isfunction(L, -1) && eval_field(r, -1, 0) != LUA_OK) {
        snprintf(err, cap, "setup: %s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
        return false;
    }
    lua_pop(L, 1);
    notify_machine(r);
    lua_getfield(L, r->lab, "steps");
    int steps = lua_gettop(L);
    lua_Integer ns = luaL_len(L, steps);
    r->step_count = (int)ns;
    int qi = 0;
    for (lua_Integer s = 1; s <= ns && !r->quit; s++) {
        lua_geti(L, steps, s);
        int step = lua_gettop(L);
        r->step = (int)s;
        lua_getfield(L, step, "title");
        if (!r->grading) r->ui->ops->step(r->ui, (int)s, (int)ns, lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
        lua_pop(L, 1);
        /* text, the questions, then action (what it shows must not answer them), then check */
        for (int phase = 0; phase < 2 && !r->quit; phase++) {
            const char *name = phase == 0 ? "text" : "action";
            lua_getfield(L, step, name);
            if (!lua_isnil(L, -1)) {
                if (eval_field(r, -1, 1) != LUA_OK) {
                    snprintf(err, cap, "step %lld %s: %s", (long long)s, name,
                             lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
                    return false;
                }
                notify_machine(r);
                if (lua_isstring(L, -1)) say_block(r, lua_tostring(L, -1));
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
            if (phase == 1) break;
            if (lua_getfield(L, step, "questions") == LUA_TTABLE) {
                int qt = lua_gettop(L);
                lua_Integer nq = luaL_len(L, qt);
                for (lua_Integer i = 1; i <= nq && !r->quit; i++, qi++) {
                    lab_question *q = &r->qs[qi];
                    lua_geti(L, qt, i);
                    int qtab = lua_gettop(L);
                    lua_getfield(L, qtab, "text");
                    if (eval_field(r, -1, 1) != LUA_OK) {
                        snprintf(err, cap, "question %s text: %s", q->id, lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
                        return false;
                    }
                    q->text = dup_or_null(lua_tostring(L, -1));
                    lua_pop(L, 2);
                    lua_getfield(L, qtab, "answer");
                    if (eval_field(r, -1, 1) != LUA_OK) {
                        snprintf(err, cap, "question %s answer: %s", q->id,
                                 lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
                        return false;
                    }
                    int expected = lua_gettop(L);
                    int et = lua_type(L, expected);
                    if (et != LUA_TNUMBER && et != LUA_TSTRING && et != LUA_TBOOLEAN) {
                        snprintf(err, cap, "question %s answer: a %s, not a number, string or boolean", q->id,
                                 luaL_typename(L, expected));
                        return false;
                    }
                    char ebuf[256];
                    format_expected(L, expected, q->format, ebuf, sizeof ebuf);
                    q->expected = strdup(ebuf);
                    lua_pushvalue(L, expected);
                    q->expected_ref = luaL_ref(L, LUA_REGISTRYINDEX);
                    notify_machine(r);
                    if (!r->grading) {
                        if (r->o->solve) {
                            char line[1024];
                            snprintf(line, sizeof line, "\nQ %s (%g point%s): %s", q->id, q->max_points,
                                     q->max_points == 1 ? "" : "s", q->text ? q->text : "");
                            say_block(r, line);
                            printf("%s = %s\n", q->id, q->expected);
                            explain(r, qtab, expected);
                        } else
                            ask(r, q, qi, expected);
                    }
                    r->max_score += q->max_points;
                    lua_pop(L, 2);
                }
            }
            lua_pop(L, 1);
        }
        if (r->quit) {
            lua_pop(L, 1);
            break;
        }
        lua_getfield(L, step, "check");
        if (lua_isfunction(L, -1)) {
            if (eval_field(r, -1, 2) != LUA_OK) {
                snprintf(err, cap, "step %lld check: %s", (long long)s, lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
                return false;
            }
            char line[1024];
            snprintf(line, sizeof line, "check: %s%s%s", lua_toboolean(L, -2) ? "ok" : "FAILED",
                     lua_isstring(L, -1) ? " - " : "", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
            if (!lua_toboolean(L, -2)) r->checks_failed++;
            say_block(r, line);
            lua_pop(L, 2);
            notify_machine(r);
        }
        lua_pop(L, 1);
        if (!r->grading && r->ui->pauses && !r->o->solve && s < ns) r->ui->ops->pause(r->ui, false);
        if (!r->grading && r->ui->ops->quit_requested(r->ui)) r->quit = true;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return true;
}

void lab_engine_free(lab_run *r)
{
    for (int i = 0; i < r->nq; i++) {
        free(r->qs[i].id);
        free(r->qs[i].text);
        free(r->qs[i].format);
        free(r->qs[i].expected);
        free(r->qs[i].given);
        free(r->qs[i].output);
        free(r->qs[i].problem);
        if (r->session) free(r->session[i]);
    }
    free(r->qs);
    free(r->session);
    r->qs = NULL;
    r->session = NULL;
    if (r->ui) r->ui->ops->destroy(r->ui);
    r->ui = NULL;
    if (r->L) lua_close(r->L);
    r->L = NULL;
}
