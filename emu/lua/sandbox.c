/* The sandbox for student Lua (answers files). Four limits, each ending in a graded failure, and
 * none depending on how fast or busy the host is:
 *  - what it can reach: whitelisted globals and libraries (no os, io, package, debug, require,
 *    dofile, string.dump, math.random), read-only library tables, `load` of text chunks only;
 *  - instructions: a count hook (deterministic: the same script stops at the same place);
 *  - memory: the state's allocator refuses to hold more than the cap; only a refusal that is
 *    still a refusal after Lua's emergency full collection (the error reaches us as LUA_ERRMEM)
 *    counts, so garbage that the collector can free never fails a submission;
 *  - CPU time: the script runs in a forked child with RLIMIT_CPU, so a long C call (a
 *    pathological pattern match on a long string) that no hook can interrupt is stopped by
 *    SIGXCPU. CPU time, not wall-clock time: a loaded machine does not change it.
 * A wall-clock backstop (generous, far above the CPU limit) only catches a child that makes no
 * progress at all; hitting it is "not graded: retry" (status 3), never a grade.
 * The child sends the answers back over a pipe as length-prefixed records. */
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu/lua/lab_report.h"
#include "emu/lua/vx_internal.h"

typedef struct sb_state {
    size_t used, cap;
    uint64_t executed, max_instructions;
    bool memory_hit, instructions_hit;
} sb_state;

#define HOOK_EVERY 1000

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    sb_state *st = ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        st->used -= old;
        return NULL;
    }
    /* Refuse without judging: Lua collects everything it can and asks again, and only if that
     * fails too does the error (LUA_ERRMEM) reach the script; see memory_failed below. */
    if (nsize > old && st->used - old + nsize > st->cap) return NULL;
    void *p = realloc(ptr, nsize);
    if (p) st->used = st->used - old + nsize;
    return p;
}

static sb_state *state_of(lua_State *S)
{
    void *ud;
    lua_getallocf(S, &ud);
    return ud;
}

/* A call's status: LUA_ERRMEM is an allocation that failed after a full collection. */
static int note_status(sb_state *st, int rc)
{
    if (rc == LUA_ERRMEM) st->memory_hit = true;
    return rc;
}

static void count_hook(lua_State *S, lua_Debug *ar)
{
    (void)ar;
    sb_state *st = state_of(S);
    st->executed += HOOK_EVERY;
    if (st->executed > st->max_instructions) {
        st->instructions_hit = true;
        /* From now on fail at every instruction, so a pcall around a loop cannot outlast it. */
        lua_sethook(S, count_hook, LUA_MASKCOUNT, 1);
        luaL_error(S, "instruction limit exceeded");
    }
}

/* load(chunk [, name [, mode [, env]]]) restricted to text chunks given as strings. */
static int safe_load(lua_State *S)
{
    size_t len;
    const char *s = lua_tolstring(S, 1, &len);
    if (!s) {
        lua_pushnil(S);
        lua_pushliteral(S, "load: only string chunks are allowed in the sandbox");
        return 2;
    }
    const char *name = luaL_optstring(S, 2, "=(load)");
    if (luaL_loadbufferx(S, s, len, name, "t") != LUA_OK) {
        lua_pushnil(S);
        lua_insert(S, -2);
        return 2;
    }
    if (!lua_isnone(S, 4)) {
        lua_pushvalue(S, 4);
        if (!lua_setupvalue(S, -2, 1)) lua_pop(S, 1);
    }
    return 1;
}

static int readonly_newindex(lua_State *S)
{
    return luaL_error(S, "%s is read-only in the sandbox", lua_tostring(S, lua_upvalueindex(1)));
}

/* Replace the library table at -1 by a read-only proxy whose metatable is hidden. */
static void make_readonly(lua_State *S, const char *name)
{
    lua_newtable(S);                 /* proxy */
    lua_newtable(S);                 /* its metatable */
    lua_pushvalue(S, -3);
    lua_setfield(S, -2, "__index");
    lua_pushstring(S, name);
    lua_pushcclosure(S, readonly_newindex, 1);
    lua_setfield(S, -2, "__newindex");
    lua_pushliteral(S, "locked");
    lua_setfield(S, -2, "__metatable");
    lua_setmetatable(S, -2);
    lua_remove(S, -2);
}

static void keep_only(lua_State *S, const char *const *names)
{
    /* Collect the keys first: a table must not change while `next` walks it. */
    lua_newtable(S);
    int drop = lua_gettop(S), n = 0;
    lua_pushnil(S);
    while (lua_next(S, -3)) {
        lua_pop(S, 1);
        bool keep = false;
        if (lua_type(S, -1) == LUA_TSTRING)
            for (const char *const *k = names; *k; k++)
                if (strcmp(lua_tostring(S, -1), *k) == 0) keep = true;
        if (!keep) {
            lua_pushvalue(S, -1);
            lua_rawseti(S, drop, ++n);
        }
    }
    for (int i = 1; i <= n; i++) {
        lua_rawgeti(S, drop, i);
        lua_pushnil(S);
        lua_rawset(S, drop - 1);
    }
    lua_pop(S, 1);
}

void vxsb_open_safe_libs(lua_State *S)
{
    static const char *const BASE[] = { "assert", "error", "ipairs", "next", "pairs", "pcall", "rawequal",
                                        "rawlen", "rawget", "rawset", "select", "tonumber", "tostring", "type",
                                        "xpcall", "setmetatable", "getmetatable", "_G", "_VERSION", NULL };
    static const char *const STRING[] = { "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower",
                                          "match", "rep", "reverse", "sub", "upper", "pack", "packsize",
                                          "unpack", NULL };
    static const char *const MATH[] = { "abs", "ceil", "floor", "fmod", "huge", "max", "maxinteger", "min",
                                        "mininteger", "modf", "pi", "sqrt", "tointeger", "type", "ult",
                                        "exp", "log", "sin", "cos", "tan", "asin", "acos", "atan", NULL };
    luaL_requiref(S, LUA_GNAME, luaopen_base, 1);
    keep_only(S, BASE);
    lua_pushcfunction(S, safe_load);
    lua_setfield(S, -2, "load");
    lua_pop(S, 1);

    static const struct { const char *name; lua_CFunction open; const char *const *keep; } LIBS[] = {
        { LUA_STRLIBNAME, luaopen_string, STRING }, { LUA_MATHLIBNAME, luaopen_math, MATH },
        { LUA_TABLIBNAME, luaopen_table, NULL },    { LUA_UTF8LIBNAME, luaopen_utf8, NULL },
        { LUA_COLIBNAME, luaopen_coroutine, NULL },
    };
    for (size_t i = 0; i < sizeof LIBS / sizeof LIBS[0]; i++) {
        luaL_requiref(S, LIBS[i].name, LIBS[i].open, 0);
        if (LIBS[i].keep) keep_only(S, LIBS[i].keep);
        make_readonly(S, LIBS[i].name);
        lua_setglobal(S, LIBS[i].name);
    }
    /* Strings index the real string table through their metatable; hide that metatable so the
     * table cannot be reached (and changed) through getmetatable(""). */
    lua_pushliteral(S, "");
    if (lua_getmetatable(S, -1)) {
        lua_pushliteral(S, "locked");
        lua_setfield(S, -2, "__metatable");
        lua_pop(S, 1);
    }
    lua_pop(S, 1);
    /* Drop the loaded-module registry entry for everything but what we gave. */
    lua_pushnil(S);
    lua_setfield(S, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
}

/* Deep-copy plain data (nil, booleans, numbers, strings, tables of those) from L to S. */
static void copy_value(lua_State *L, int idx, lua_State *S, int depth)
{
    idx = lua_absindex(L, idx);
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN: lua_pushboolean(S, lua_toboolean(L, idx)); break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) lua_pushinteger(S, lua_tointeger(L, idx));
        else lua_pushnumber(S, lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        lua_pushlstring(S, s, len);
        break;
    }
    case LUA_TTABLE:
        lua_newtable(S);
        if (depth > 8) break;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            int kt = lua_type(L, -2);
            if (kt == LUA_TSTRING || kt == LUA_TNUMBER) {
                copy_value(L, -2, S, depth + 1);
                copy_value(L, -1, S, depth + 1);
                lua_rawset(S, -3);
            }
            lua_pop(L, 1);
        }
        break;
    default: lua_pushnil(S); break;
    }
}

/* ---- the child's side: evaluate, then write records to fd ---- */

typedef struct out_buf {
    char *p;
    size_t len, cap;
} out_buf;

static void out_put(out_buf *o, const void *data, size_t len)
{
    if (o->len + len > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        while (cap < o->len + len) cap *= 2;
        char *p = realloc(o->p, cap);
        if (!p) _exit(3);
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, data, len);
    o->len += len;
}

static void out_record(out_buf *o, char tag, const char *a, size_t alen, int type, const char *b, size_t blen,
                       const char *c, size_t clen)
{
    char head[96];
    int n = snprintf(head, sizeof head, "%c %zu %d %zu %zu\n", tag, alen, type, blen, clen);
    out_put(o, head, (size_t)n);
    out_put(o, a, alen);
    out_put(o, b, blen);
    out_put(o, c, clen);
}

static const char *limit_message(sb_state *st, const char *fallback, char *buf, size_t cap)
{
    if (st->instructions_hit)
        snprintf(buf, cap, "instruction limit exceeded (%llu Lua VM instructions)",
                 (unsigned long long)st->max_instructions);
    else if (st->memory_hit)
        snprintf(buf, cap, "memory limit exceeded (%zu bytes)", st->cap);
    else
        return fallback;
    return buf;
}

static void child_eval(lua_State *L, int params_index, const char *chunk, size_t len, const char *name,
                       const char *const *ids, int id_count, const vxsb_limits *lim, out_buf *o)
{
    sb_state st = { .cap = lim->memory, .max_instructions = lim->instructions };
    char msg[600];
    lua_State *S = lua_newstate(capped_alloc, &st);
    if (!S) {
        out_record(o, 'S', "memory limit exceeded creating the Lua state", 44, 1, "", 0, "", 0);
        return;
    }
    vxsb_open_safe_libs(S);
    lua_sethook(S, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
    int rc = luaL_loadbufferx(S, chunk, len, name, "t");
    if (rc != LUA_OK) {
        const char *e = lua_tostring(S, -1) ? lua_tostring(S, -1) : "?";
        /* A binary chunk is a sandbox violation (graded); a syntax error is a malformed file. */
        int status = (strstr(e, "binary chunk") || rc == LUA_ERRMEM) ? 1 : 2;
        if (strstr(e, "binary chunk")) e = "binary (precompiled) chunks are not allowed; submit Lua source text";
        e = limit_message(&st, e, msg, sizeof msg);
        out_record(o, 'S', e, strlen(e), status, "", 0, "", 0);
        return;
    }
    if (note_status(&st, lua_pcall(S, 0, 1, 0)) != LUA_OK || st.instructions_hit || st.memory_hit) {
        const char *e = lua_tostring(S, -1) ? lua_tostring(S, -1) : "error object is not a string";
        e = limit_message(&st, e, msg, sizeof msg);
        out_record(o, 'S', e, strlen(e), 1, "", 0, "", 0);
        return;
    }
    if (!lua_istable(S, -1)) {
        const char *e = "the answers chunk must return a table { question_id = answer, ... }";
        out_record(o, 'S', e, strlen(e), 2, "", 0, "", 0);
        return;
    }
    int answers = lua_gettop(S);
    /* Unknown keys mean the file answers some other lab (or has a typo): not gradable. */
    lua_pushnil(S);
    while (lua_next(S, answers)) {
        lua_pop(S, 1);
        const char *k = lua_type(S, -1) == LUA_TSTRING ? lua_tostring(S, -1) : NULL;
        bool known = false;
        for (int i = 0; k && i < id_count; i++)
            if (strcmp(k, ids[i]) == 0) known = true;
        if (!known) {
            snprintf(msg, sizeof msg, "unknown question id '%s' in the answers table", k ? k : "(not a string)");
            out_record(o, 'S', msg, strlen(msg), 2, "", 0, "", 0);
            return;
        }
    }
    copy_value(L, params_index, S, 0);
    int params = lua_gettop(S);
    out_record(o, 'S', "", 0, 0, "", 0, "", 0);
    for (int i = 0; i < id_count; i++) {
        lua_getfield(S, answers, ids[i]);
        const char *err = NULL;
        if (lua_isfunction(S, -1)) {
            lua_pushvalue(S, params);
            if (note_status(&st, lua_pcall(S, 1, 1, 0)) != LUA_OK || st.instructions_hit || st.memory_hit)
                err = limit_message(&st, lua_tostring(S, -1) ? lua_tostring(S, -1) : "error", msg, sizeof msg);
        }
        int t = lua_type(S, -1);
        char num[64];
        const char *text = "";
        size_t tlen = 0;
        if (err) t = LUA_TNIL;
        else if (t == LUA_TNUMBER) {
            lua_Number x = lua_tonumber(S, -1);
            if (lua_isinteger(S, -1)) snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(S, -1));
            else if (x == (lua_Number)(long long)x) snprintf(num, sizeof num, "%lld", (long long)x);
            else snprintf(num, sizeof num, "%.17g", x);
            text = num;
            tlen = strlen(num);
        } else if (t == LUA_TSTRING) text = lua_tolstring(S, -1, &tlen);
        else if (t == LUA_TBOOLEAN) {
            text = lua_toboolean(S, -1) ? "true" : "false";
            tlen = strlen(text);
        } else if (t != LUA_TNIL) {
            err = "the answer is not a number, string or boolean";
            t = LUA_TNIL;
        }
        out_record(o, 'A', ids[i], strlen(ids[i]), t, text, tlen, err ? err : "", err ? strlen(err) : 0);
        lua_settop(S, params);
        if (st.instructions_hit || st.memory_hit) break;  /* the budget is for the whole file */
    }
    if (st.instructions_hit || st.memory_hit) {   /* a later status record wins */
        const char *e = limit_message(&st, "", msg, sizeof msg);
        out_record(o, 'S', e, strlen(e), 1, "", 0, "", 0);
    }
    /* No lua_close: the child exits now and the OS takes everything back. */
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool parse_records(const char *p, size_t len, const char *const *ids, int id_count, vxsb_result *out)
{
    size_t pos = 0;
    bool have_status = false;
    out->answers = calloc((size_t)id_count + 1, sizeof *out->answers);
    if (!out->answers) return false;
    while (pos < len) {
        char tag;
        size_t alen, blen, clen;
        int type, used = 0;
        if (sscanf(p + pos, "%c %zu %d %zu %zu\n%n", &tag, &alen, &type, &blen, &clen, &used) != 5 || used <= 0)
            return false;
        pos += (size_t)used;
        if (pos + alen + blen + clen > len) return false;
        const char *a = p + pos, *b = a + alen, *c = b + blen;
        pos += alen + blen + clen;
        if (tag == 'S') {
            out->status = type;
            /* Bounded and valid UTF-8, never cut inside a character. */
            char *raw = strndup(a, alen);
            char *clean = raw ? lab_text_clean(raw, sizeof out->message - 40) : NULL;
            snprintf(out->message, sizeof out->message, "%s", clean ? clean : "?");
            free(clean);
            free(raw);
            have_status = true;
        } else if (tag == 'A' && out->count < id_count) {
            vxsb_answer *ans = &out->answers[out->count++];
            ans->id = strndup(a, alen);
            ans->type = type;
            ans->text = strndup(b, blen);
            ans->error = clen ? strndup(c, clen) : NULL;
        }
    }
    (void)ids;
    return have_status;
}

void vxsb_eval(lua_State *L, int params_index, const char *chunk, size_t len, const char *chunkname,
               const char *const *ids, int id_count, const vxsb_limits *lim, vxsb_result *out)
{
    memset(out, 0, sizeof *out);
    params_index = lua_absindex(L, params_index);
    int fds[2];
    if (pipe(fds) != 0) {
        out->status = 2;
        snprintf(out->message, sizeof out->message, "cannot create a pipe for the sandbox: %s", strerror(errno));
        return;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        out->status = 2;
        snprintf(out->message, sizeof out->message, "cannot start the sandbox process: %s", strerror(errno));
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        /* CPU seconds: SIGXCPU at the soft limit, SIGKILL one second later. */
        struct rlimit cpu = { lim->cpu_s, lim->cpu_s + 1 };
        setrlimit(RLIMIT_CPU, &cpu);
        out_buf o = { 0 };
        child_eval(L, params_index, chunk, len, chunkname, ids, id_count, lim, &o);
        size_t off = 0;
        while (off < o.len) {
            ssize_t n = write(fds[1], o.p + off, o.len - off);
            if (n <= 0) _exit(3);
            off += (size_t)n;
        }
        _exit(0);
    }
    close(fds[1]);
    out_buf in = { 0 };
    int64_t deadline = now_ms() + lim->wall_ms;
    bool timed_out = false;
    for (;;) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
        int r = poll(&pfd, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) {
            timed_out = true;
            break;
        }
        char buf[8192];
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out_put(&in, buf, (size_t)n);
    }
    close(fds[0]);
    out_put(&in, "", 1);  /* NUL-terminate for sscanf */
    in.len--;
    if (timed_out) kill(pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {}
    if (timed_out) {
        out->status = 3;
        snprintf(out->message, sizeof out->message,
                 "retry: the sandbox made no progress for %u s of wall clock (the grading host is overloaded?)",
                 lim->wall_ms / 1000);
    } else if (WIFSIGNALED(wst) && (WTERMSIG(wst) == SIGXCPU || WTERMSIG(wst) == SIGKILL)) {
        out->status = 1;
        snprintf(out->message, sizeof out->message,
                 "CPU time limit exceeded (%u s; a long-running library call such as a pattern match?)", lim->cpu_s);
    } else if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0 || !parse_records(in.p, in.len, ids, id_count, out)) {
        out->status = 1;
        snprintf(out->message, sizeof out->message, "the sandbox process failed (%s %d)",
                 WIFSIGNALED(wst) ? "signal" : "exit status", WIFSIGNALED(wst) ? WTERMSIG(wst) : WEXITSTATUS(wst));
    }
    free(in.p);
}

void vxsb_result_free(vxsb_result *r)
{
    for (int i = 0; i < r->count; i++) {
        free(r->answers[i].id);
        free(r->answers[i].text);
        free(r->answers[i].error);
    }
    free(r->answers);
    r->answers = NULL;
    r->count = 0;
}
