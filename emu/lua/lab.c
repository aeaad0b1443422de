/* `vx86 lab` and `vx86 grade`: load a lab (a Lua file returning a table), walk its steps in
 * order, and either talk to a learner in plain text or grade an answers file headless.
 *
 * A lab table (labs/README.md documents it for authors):
 *   { id, title, version, introduction, answers_format, setup = function(ctx),
 *     steps = { { title, text, action = function(ctx), check = function(ctx) -> ok, msg,
 *                 questions = { { id, text, points, answer = function(ctx), format = "hex",
 *                                 explain, accept = function(given, expected, ctx) } } } } }
 * ctx: seed, rng (vx.rng seeded with the seed), params (what students' answer functions see),
 * mode ("lab" or "grade"), solve, print(...), hex(n).
 * Both modes run the same steps in the same order, so every expected answer is computed the same
 * way from the same seed: the grader recomputes what the learner saw. */
#include <ctype.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "emu/lua/lab_report.h"
#include "emu/lua/lab_ui.h"
#include "emu/lua/vx_internal.h"
#include "emu/tui/tui.h"

typedef struct lab_opts {
    const char *cmd;
    const char *file;
    unsigned long long seed;
    bool seed_given;
    bool solve, pause, text;
    const char *answers, *format, *out, *submission;
} lab_opts;

typedef struct lab_run {
    lua_State *L;
    lab_opts *o;
    bool grading;
    int lab, ctx;                /* stack slots */
    /* The questions in order, with expected answers once their step has run. */
    lab_question *qs;
    int nq;
    double score, max_score;
    lab_ui *ui;                  /* NULL when grading */
    bool quit;                   /* the learner stopped the lab */
    int step, step_count;        /* where the walk-through is */
    void *shown_vm;              /* the "vx.machine" the UI shows ... */
    int shown_ref;               /* ... kept alive by this registry reference */
    int picture_count;
} lab_run;

/* ---- output goes through the lab UI (lab_ui.h): text, or the TUI's lab screen ---- */

static void say_block(lab_run *r, const char *text)
{
    if (r->grading || !text || !r->ui) return;
    r->ui->ops->say(r->ui, text);
}

/* Tell the UI which machine the lab drives (ctx.m) after every piece of lab code, so it shows the
 * state that code left. */
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

static void route_pictures(lab_run *r)
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

static int no_random(lua_State *L)
{
    return luaL_error(L, "math.random is not reproducible: use ctx.rng (seeded by --seed)");
}

/* Call the value at idx: a function is called with ctx, anything else is returned as is. */
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

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1])) s[--n] = '\0';
    size_t i = 0;
    while (s[i] && isspace((unsigned char)s[i])) i++;
    memmove(s, s + i, n - i + 1);
}

/* Integers as students write them: decimal or 0x hex, '_' allowed as a separator. */
static bool parse_answer_int(const char *text, long long *out)
{
    char buf[128];
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < sizeof buf; p++)
        if (*p != '_' && !isspace((unsigned char)*p)) buf[n++] = *p;
    buf[n] = '\0';
    if (!n) return false;
    char *end;
    int base = (buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) ? 16 : 10;
    const char *digits = base == 16 ? buf + 2 : buf;
    if (!*digits || *digits == '-' || *digits == '+') return false;
    unsigned long long v = strtoull(digits, &end, base);
    if (*end) return false;
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

/* Compare a given answer (text) with the expected value at idx (or the question's accept function). */
static bool answer_matches(lab_run *r, lab_question *q, int expected_idx, const char *given_raw)
{
    lua_State *L = r->L;
    char given[512];
    snprintf(given, sizeof given, "%s", given_raw);
    trim(given);
    if (q->accept_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, q->accept_ref);
        lua_pushstring(L, given);
        lua_pushvalue(L, expected_idx);
        lua_pushvalue(L, r->ctx);
        if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
            lua_pop(L, 1);
            return false;
        }
        bool ok = lua_toboolean(L, -1);
        lua_pop(L, 1);
        return ok;
    }
    switch (lua_type(L, expected_idx)) {
    case LUA_TNUMBER: {
        long long v;
        return parse_answer_int(given, &v) && lua_isinteger(L, expected_idx) && v == (long long)lua_tointeger(L, expected_idx);
    }
    case LUA_TBOOLEAN: {
        bool b;
        return parse_answer_bool(given, &b) && b == (bool)lua_toboolean(L, expected_idx);
    }
    case LUA_TSTRING: return strcasecmp(given, lua_tostring(L, expected_idx)) == 0;
    default: return false;
    }
}

/* ---- loading ---- */

static int fail(const char *cmd, const char *msg)
{
    fprintf(stderr, "vx86 %s: %s\n", cmd, msg);
    return 2;
}

static void open_lab_libs(lua_State *L)
{
    static const luaL_Reg LIBS[] = { { LUA_GNAME, luaopen_base },       { LUA_STRLIBNAME, luaopen_string },
                                     { LUA_TABLIBNAME, luaopen_table }, { LUA_MATHLIBNAME, luaopen_math },
                                     { LUA_UTF8LIBNAME, luaopen_utf8 }, { LUA_COLIBNAME, luaopen_coroutine },
                                     { NULL, NULL } };
    for (const luaL_Reg *l = LIBS; l->name; l++) {
        luaL_requiref(L, l->name, l->func, 1);
        lua_pop(L, 1);
    }
    lua_getglobal(L, "math");
    lua_pushcfunction(L, no_random);
    lua_setfield(L, -2, "random");
    lua_pushcfunction(L, no_random);
    lua_setfield(L, -2, "randomseed");
    lua_pop(L, 1);
    luaL_requiref(L, "vx", luaopen_vx, 1);
    lua_pop(L, 1);
}

/* Load the lab file, build ctx, collect the questions (ids, points, text) without running steps. */
static bool load_lab(lab_run *r, char *err, size_t cap)
{
    lua_State *L = r->L;
    if (luaL_loadfilex(L, r->o->file, "t") != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
        snprintf(err, cap, "%s", lua_tostring(L, -1));
        return false;
    }
    if (!lua_istable(L, -1)) {
        snprintf(err, cap, "%s: the lab must return a table", r->o->file);
        return false;
    }
    r->lab = lua_gettop(L);
    if (lua_getfield(L, r->lab, "steps") != LUA_TTABLE) {
        snprintf(err, cap, "%s: the lab has no 'steps' list", r->o->file);
        return false;
    }
    int steps = lua_gettop(L);
    lua_Integer ns = luaL_len(L, steps);
    for (lua_Integer s = 1; s <= ns; s++) {
        lua_geti(L, steps, s);
        if (!lua_istable(L, -1)) {
            snprintf(err, cap, "%s: step %lld is not a table", r->o->file, (long long)s);
            return false;
        }
        if (lua_getfield(L, -1, "questions") == LUA_TTABLE) {
            lua_Integer nq = luaL_len(L, -1);
            for (lua_Integer i = 1; i <= nq; i++) {
                lua_geti(L, -1, i);
                lab_question *qs = realloc(r->qs, sizeof *qs * (size_t)(r->nq + 1));
                if (!qs) {
                    snprintf(err, cap, "out of memory");
                    return false;
                }
                r->qs = qs;
                lab_question *q = &r->qs[r->nq];
                memset(q, 0, sizeof *q);
                q->step = (int)s;
                q->accept_ref = LUA_NOREF;
                lua_getfield(L, -1, "id");
                if (!lua_isstring(L, -1)) {
                    snprintf(err, cap, "%s: step %lld question %lld has no id", r->o->file, (long long)s, (long long)i);
                    return false;
                }
                q->id = strdup(lua_tostring(L, -1));
                lua_pop(L, 1);
                for (int k = 0; k < r->nq; k++)
                    if (strcmp(r->qs[k].id, q->id) == 0) {
                        snprintf(err, cap, "%s: question id '%s' appears twice", r->o->file, q->id);
                        return false;
                    }
                r->nq++;
                lua_getfield(L, -1, "points");
                q->max_points = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 1;
                lua_pop(L, 1);
                lua_getfield(L, -1, "format");
                q->format = dup_or_null(lua_tostring(L, -1));
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
    lua_pushvalue(L, r->lab);
    lua_setfield(L, r->ctx, "lab");
    /* The lab's folder, so labs can name files beside them. */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", r->o->file);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else snprintf(dir, sizeof dir, ".");
    lua_pushstring(L, dir);
    lua_setfield(L, r->ctx, "dir");
    return true;
}

static const char *lab_string(lab_run *r, const char *field, const char *dflt)
{
    lua_getfield(r->L, r->lab, field);
    const char *s = lua_isstring(r->L, -1) ? lua_tostring(r->L, -1) : dflt;
    lua_pop(r->L, 1);  /* the lab table keeps the string alive */
    return s;
}

/* Run every step in order: texts, actions, expected answers, checks. In lab mode also ask. */
static bool run_steps(lab_run *r, char *err, size_t cap)
{
    lua_State *L = r->L;
    lua_getfield(L, r->lab, "setup");
    if (lua_isfunction(L, -1)) {
        if (eval_field(r, -1, 0) != LUA_OK) {
            snprintf(err, cap, "setup: %s", lua_tostring(L, -1));
            return false;
        }
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
        static const char *const PHASES[] = { "text", "action" };
        for (int ph = 0; ph < 2; ph++) {
            lua_getfield(L, step, PHASES[ph]);
            if (!lua_isnil(L, -1)) {
                if (eval_field(r, -1, 1) != LUA_OK) {
                    snprintf(err, cap, "step %lld %s: %s", (long long)s, PHASES[ph], lua_tostring(L, -1));
                    return false;
                }
                notify_machine(r);
                if (lua_isstring(L, -1)) say_block(r, lua_tostring(L, -1));
                lua_pop(L, 1);
            }
            lua_pop(L, 1);
        }
        if (lua_getfield(L, step, "questions") == LUA_TTABLE) {
            int qt = lua_gettop(L);
            lua_Integer nq = luaL_len(L, qt);
            for (lua_Integer i = 1; i <= nq && !r->quit; i++, qi++) {
                lab_question *q = &r->qs[qi];
                lua_geti(L, qt, i);
                int qtab = lua_gettop(L);
                lua_getfield(L, qtab, "text");
                if (eval_field(r, -1, 1) != LUA_OK) {
                    snprintf(err, cap, "question %s text: %s", q->id, lua_tostring(L, -1));
                    return false;
                }
                q->text = dup_or_null(lua_tostring(L, -1));
                lua_pop(L, 2);
                lua_getfield(L, qtab, "answer");
                if (eval_field(r, -1, 1) != LUA_OK) {
                    snprintf(err, cap, "question %s answer: %s", q->id, lua_tostring(L, -1));
                    return false;
                }
                int expected = lua_gettop(L);
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
                        lua_getfield(L, qtab, "explain");
                        if (lua_isfunction(L, -1)) {
                            lua_pushvalue(L, r->ctx);
                            lua_pushvalue(L, expected);
                            if (lua_pcall(L, 2, 1, 0) == LUA_OK && lua_isstring(L, -1)) say_block(r, lua_tostring(L, -1));
                        } else if (lua_isstring(L, -1))
                            say_block(r, lua_tostring(L, -1));
                        lua_pop(L, 1);
                    } else {
                        char ans[512];
                        bool answered = r->ui->ops->ask(r->ui, q->id, q->text, q->max_points, ans, sizeof ans);
                        if (r->ui->ops->quit_requested(r->ui)) {
                            r->quit = true;
                            lua_pop(L, 2);
                            break;
                        }
                        bool ok = answered && answer_matches(r, q, expected, ans);
                        q->points = ok ? q->max_points : 0;
                        r->score += q->points;
                        r->ui->ops->feedback(r->ui, answered, ok, q->expected, r->score, r->max_score + q->max_points);
                    }
                }
                r->max_score += q->max_points;
                lua_pop(L, 2);
            }
        }
        lua_pop(L, 1);
        if (r->quit) {
            lua_pop(L, 1);
            break;
        }
        lua_getfield(L, step, "check");
        if (lua_isfunction(L, -1)) {
            if (eval_field(r, -1, 2) != LUA_OK) {
                snprintf(err, cap, "step %lld check: %s", (long long)s, lua_tostring(L, -1));
                return false;
            }
            char line[1024];
            snprintf(line, sizeof line, "check: %s%s%s", lua_toboolean(L, -2) ? "ok" : "FAILED",
                     lua_isstring(L, -1) ? " - " : "", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
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

static void free_run(lab_run *r)
{
    for (int i = 0; i < r->nq; i++) {
        free(r->qs[i].id);
        free(r->qs[i].text);
        free(r->qs[i].format);
        free(r->qs[i].expected);
        free(r->qs[i].given);
        free(r->qs[i].output);
    }
    free(r->qs);
    if (r->ui) r->ui->ops->destroy(r->ui);
    r->ui = NULL;
    if (r->L) lua_close(r->L);
}

static bool parse_seed(const char *s, unsigned long long *out)
{
    char *end;
    if (!*s || *s == '-') return false;
    *out = strtoull(s, &end, 10);
    return *end == '\0';
}

static int parse_args(int argc, char **argv, lab_opts *o, bool grade)
{
    memset(o, 0, sizeof *o);
    o->cmd = grade ? "grade" : "lab";
    o->pause = isatty(0);
    o->format = "tap";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        char msg[256];
#define NEED_VALUE()                                                        \
    do {                                                                    \
        if (!val) {                                                         \
            snprintf(msg, sizeof msg, "option '%s' needs a value", a);      \
            return fail(o->cmd, msg);                                       \
        }                                                                   \
        i++;                                                                \
    } while (0)
        if (strcmp(a, "--seed") == 0) {
            NEED_VALUE();
            if (!parse_seed(val, &o->seed)) {
                snprintf(msg, sizeof msg, "--seed: '%s' is not a non-negative integer", val);
                return fail(o->cmd, msg);
            }
            o->seed_given = true;
        } else if (!grade && (strcmp(a, "--solve") == 0 || strcmp(a, "-c") == 0)) o->solve = true;
        else if (!grade && strcmp(a, "--text") == 0) o->text = true;
        else if (!grade && strcmp(a, "--no-pause") == 0) o->pause = false;
        else if (grade && strcmp(a, "--answers") == 0) {
            NEED_VALUE();
            o->answers = val;
        }
        else if (grade && strcmp(a, "--format") == 0) {
            NEED_VALUE();
            o->format = val;
        }
        else if (grade && strcmp(a, "--out") == 0) {
            NEED_VALUE();
            o->out = val;
        }
        else if (grade && strcmp(a, "--submission") == 0) {
            NEED_VALUE();
            o->submission = val;
        }
        else if (a[0] == '-') {
            snprintf(msg, sizeof msg, "unknown option '%s'", a);
            return fail(o->cmd, msg);
        } else if (!o->file) o->file = a;
        else {
            snprintf(msg, sizeof msg, "unexpected argument '%s'", a);
            return fail(o->cmd, msg);
        }
#undef NEED_VALUE
    }
    if (!o->file)
        return fail(o->cmd, grade ? "usage: vx86 grade LAB.lua --answers FILE [--seed N] [--format tap|junit|gradescope|prairielearn] [--out PATH] [--submission ID]"
                                  : "usage: vx86 lab LAB.lua [--seed N] [--solve] [--text] [--no-pause]");
    if (grade && !o->answers) return fail(o->cmd, "--answers FILE is required");
    if (grade && !lab_report_format_known(o->format)) {
        char msg[256];
        snprintf(msg, sizeof msg, "--format: '%s' is not one of tap, junit, gradescope, prairielearn", o->format);
        return fail(o->cmd, msg);
    }
    return 0;
}

int lab_main(int argc, char **argv)
{
    lab_opts o;
    int rc = parse_args(argc, argv, &o, false);
    if (rc) return rc;
    lab_run r = { .o = &o, .shown_ref = LUA_NOREF };
    r.L = luaL_newstate();
    if (!r.L) return fail("lab", "out of memory");
    open_lab_libs(r.L);
    char err[1024];
    bool ok = load_lab(&r, err, sizeof err);
    /* The lab screen on a terminal; plain text for --text, --solve (an answers file) and pipes. */
    bool tui = ok && !o.text && !o.solve && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    if (tui) {
        static const tui_command_hook LUA_HOOK = { vxlua_command_create, vxlua_command, vxlua_command_destroy };
        r.ui = tui_lab_ui_create(&LUA_HOOK, lab_string(&r, "title", "(untitled lab)"));
        if (r.ui && r.ui->routes_pictures) route_pictures(&r);
    }
    if (!r.ui) r.ui = lab_ui_text_create(o.solve, o.pause);
    if (!r.ui) ok = false, snprintf(err, sizeof err, "out of memory");
    if (ok) {
        say_block(&r, "");
        char line[1200];
        snprintf(line, sizeof line, "ARG seed %llu\nARG reproduce: vx86 lab %s --seed %llu%s", o.seed, o.file, o.seed,
                 o.solve ? " --solve" : "");
        say_block(&r, line);
        if (o.solve) printf("seed = %llu\n", o.seed);   /* so the output grades as it is */
        snprintf(line, sizeof line, "\n== %s (version %s) ==", lab_string(&r, "title", "(untitled lab)"),
                 lab_string(&r, "version", "0"));
        say_block(&r, line);
        say_block(&r, lab_string(&r, "introduction", NULL));
        ok = run_steps(&r, err, sizeof err);
    }
    if (!ok) {
        if (r.ui) r.ui->ops->destroy(r.ui);   /* the terminal back to normal before the message */
        r.ui = NULL;
        fflush(stdout);
        fprintf(stderr, "vx86 lab: %s\n", err);
        free_run(&r);
        return 1;
    }
    char line[256];
    if (r.quit) snprintf(line, sizeof line, "\nlab stopped at step %d of %d: score %g/%g", r.step, r.step_count, r.score,
                         r.max_score);
    else if (o.solve) snprintf(line, sizeof line, "\nend of lab: %g points in all", r.max_score);
    else snprintf(line, sizeof line, "\nend of lab: score %g/%g", r.score, r.max_score);
    say_block(&r, line);
    if (tui) {
        if (!r.quit) r.ui->ops->pause(r.ui, true);   /* let the learner read the score */
        r.ui->ops->destroy(r.ui);
        r.ui = NULL;
        printf("vx86 lab: %s\n", line + 1);   /* a record on the terminal once the screen is gone */
    }
    free_run(&r);
    return 0;
}

/* ---- grading ---- */

static char *read_file(const char *path, size_t *len, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, cap, "%s: cannot open", path);
        return NULL;
    }
    size_t n = 0, c = 4096;
    char *buf = malloc(c);
    size_t got;
    while (buf && (got = fread(buf + n, 1, c - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == c) {
            char *p = realloc(buf, c * 2);
            if (!p) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = p;
            c *= 2;
        }
        if (n > (16u << 20)) {
            snprintf(err, cap, "%s: larger than 16 MiB", path);
            free(buf);
            fclose(f);
            return NULL;
        }
    }
    fclose(f);
    if (!buf) {
        snprintf(err, cap, "out of memory");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

static lab_question *find_q(lab_run *r, const char *id)
{
    for (int i = 0; i < r->nq; i++)
        if (strcmp(r->qs[i].id, id) == 0) return &r->qs[i];
    return NULL;
}

/* The plain-text answers format: `id = value` lines, '#' comments, blank lines; an optional
 * `seed = N` line says which seed the answers are for. Returns false with "FILE:LINE: problem". */
static bool parse_text_answers(lab_run *r, const char *path, char *text, bool *has_seed,
                               unsigned long long *seed, char *err, size_t cap)
{
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *hash = line;
        trim(hash);
        if (!*line || *line == '#') continue;
        char *eq = strchr(line, '=');
        if (!eq) {
            snprintf(err, cap, "%s:%d: expected 'question_id = answer', got \"%.60s\"", path, lineno, line);
            return false;
        }
        *eq = '\0';
        char *key = line, *val = eq + 1;
        trim(key);
        trim(val);
        if (!*key) {
            snprintf(err, cap, "%s:%d: missing question id before '='", path, lineno);
            return false;
        }
        if (strcmp(key, "seed") == 0) {
            if (!parse_seed(val, seed)) {
                snprintf(err, cap, "%s:%d: seed '%s' is not a non-negative integer", path, lineno, val);
                return false;
            }
            *has_seed = true;
            continue;
        }
        lab_question *q = find_q(r, key);
        if (!q) {
            snprintf(err, cap, "%s:%d: unknown question id '%s' (this lab asks %s%s%s)", path, lineno, key,
                     r->nq ? r->qs[0].id : "nothing", r->nq > 1 ? " .. " : "", r->nq > 1 ? r->qs[r->nq - 1].id : "");
            return false;
        }
        if (q->given) {
            snprintf(err, cap, "%s:%d: question '%s' answered twice", path, lineno, key);
            return false;
        }
        q->given = strdup(val);
    }
    return true;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int grade_not_gradable(lab_opts *o, lab_report *rep, const char *reason)
{
    rep->gradable = false;
    snprintf(rep->message, sizeof rep->message, "%s", reason);
    fprintf(stderr, "vx86 grade: cannot grade %s: %s\n", o->answers ? o->answers : "?", reason);
    char err[512];
    if (!lab_report_write(rep, o->format, o->out, err, sizeof err)) fprintf(stderr, "vx86 grade: %s\n", err);
    return 2;
}

int grade_main(int argc, char **argv)
{
    lab_opts o;
    int rc = parse_args(argc, argv, &o, true);
    if (rc) return rc;
    lab_run r = { .o = &o, .grading = true };
    lab_report rep;
    memset(&rep, 0, sizeof rep);
    rep.submission = o.submission ? o.submission : base_name(o.answers);
    rep.gradable = true;
    char err[1024];
    r.L = luaL_newstate();
    if (!r.L) return fail("grade", "out of memory");
    open_lab_libs(r.L);

    size_t alen = 0;
    char *answers = read_file(o.answers, &alen, err, sizeof err);
    bool lua_answers = ends_with(o.answers, ".lua");
    bool ok = answers != NULL;
    if (ok && memchr(answers, '\0', alen) && !lua_answers) {
        snprintf(err, sizeof err, "%s: binary data in a text answers file", o.answers);
        ok = false;
    }
    /* The seed must be known before the lab loads (ctx.rng). A text file may name it. */
    if (ok && !lua_answers) {
        bool has_seed = false;
        unsigned long long seed = 0;
        char *copy = strdup(answers);
        /* A first pass with no questions known only finds the seed line. */
        for (char *line = copy, *next; line && *line; line = next) {
            next = strchr(line, '\n');
            if (next) *next++ = '\0';
            trim(line);
            if (strncmp(line, "seed", 4) == 0 && strchr(line, '=')) {
                char *v = strchr(line, '=') + 1;
                trim(v);
                has_seed = parse_seed(v, &seed);
            }
        }
        free(copy);
        if (has_seed && o.seed_given && seed != o.seed) {
            snprintf(err, sizeof err, "%s: the answers are for seed %llu, but --seed %llu was given", o.answers, seed,
                     o.seed);
            ok = false;
        } else if (has_seed)
            o.seed = seed;
    }
    rep.seed = o.seed;
    if (ok) ok = load_lab(&r, err, sizeof err);
    rep.lab = ok ? lab_string(&r, "id", base_name(o.file)) : base_name(o.file);
    rep.version = ok ? lab_string(&r, "version", "0") : "?";
    if (ok && !lua_answers) {
        bool has_seed = false;
        unsigned long long seed = 0;
        ok = parse_text_answers(&r, o.answers, answers, &has_seed, &seed, err, sizeof err);
    }
    if (ok && !run_steps(&r, err, sizeof err)) {
        char tmp[sizeof err];
        memcpy(tmp, err, sizeof tmp);
        snprintf(err, sizeof err, "the lab failed: %.990s", tmp);
        ok = false;
    }
    rep.questions = r.qs;
    rep.count = r.nq;
    if (!ok) {
        free(answers);
        rc = grade_not_gradable(&o, &rep, err);
        free_run(&r);
        return rc;
    }
    if (lua_answers) {
        const char **ids = malloc(sizeof *ids * (size_t)(r.nq + 1));
        for (int i = 0; i < r.nq; i++) ids[i] = r.qs[i].id;
        vxsb_result sr;
        vxsb_limits lim = VXSB_DEFAULT_LIMITS;
        lua_getfield(r.L, r.ctx, "params");
        char chunkname[600];
        snprintf(chunkname, sizeof chunkname, "=%s", base_name(o.answers));
        vxsb_eval(r.L, -1, answers, alen, chunkname, ids, r.nq, &lim, &sr);
        lua_pop(r.L, 1);
        free(ids);
        if (sr.status == 2) {
            snprintf(err, sizeof err, "%s: %s", o.answers, sr.message);
            vxsb_result_free(&sr);
            free(answers);
            rc = grade_not_gradable(&o, &rep, err);
            free_run(&r);
            return rc;
        }
        if (sr.status == 1) snprintf(rep.failure, sizeof rep.failure, "submission failed in the sandbox: %s", sr.message);
        for (int i = 0; i < sr.count; i++) {
            lab_question *q = find_q(&r, sr.answers[i].id);
            if (!q) continue;
            if (sr.answers[i].error) q->output = strdup(sr.answers[i].error);
            else if (sr.answers[i].type != LUA_TNIL) q->given = strdup(sr.answers[i].text);
        }
        vxsb_result_free(&sr);
    }
    free(answers);
    for (int i = 0; i < r.nq; i++) {
        lab_question *q = &r.qs[i];
        char buf[1024];
        if (rep.failure[0]) {
            q->points = 0;
            free(q->output);
            q->output = strdup(rep.failure);
            continue;
        }
        if (q->output) {  /* the answer's function failed */
            snprintf(buf, sizeof buf, "your answer function failed: %s", q->output);
            free(q->output);
            q->output = strdup(buf);
            continue;
        }
        if (!q->given) {
            q->output = strdup("no answer");
            continue;
        }
        lua_rawgeti(r.L, LUA_REGISTRYINDEX, q->expected_ref);
        bool right = answer_matches(&r, q, lua_gettop(r.L), q->given);
        lua_pop(r.L, 1);
        q->points = right ? q->max_points : 0;
        snprintf(buf, sizeof buf, right ? "correct (answered %s)" : "incorrect (answered %s)", q->given);
        q->output = strdup(buf);
    }
    rc = lab_report_write(&rep, o.format, o.out, err, sizeof err) ? 0 : 2;
    if (rc) fprintf(stderr, "vx86 grade: %s\n", err);
    else if (o.out) {
        double s = 0, m = 0;
        for (int i = 0; i < r.nq; i++) s += r.qs[i].points, m += r.qs[i].max_points;
        fprintf(stderr, "vx86 grade: %s: %g/%g (%s)\n", rep.submission, s, m, o.out);
    }
    free_run(&r);
    return rc;
}
