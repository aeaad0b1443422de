/* `vx86 grade`: grade one submission headless and write one result file, whatever happens.
 *
 * The grading runs in a child process (its own process group, RLIMIT_CPU); the parent only
 * waits, with a generous wall-clock backstop, and writes the file. So a lab error, a Lua panic,
 * a crash of the emulator or of Lua, a lab that never ends, each still gives a result file that
 * says "not graded" and why (exit 2): a sweep never loses a submission. Nothing in a result
 * depends on the host's speed or load: student code is limited by Lua instructions, memory and
 * CPU seconds (sandbox.c); the wall clock only decides "not graded: retry".
 *
 * The child sends the parent records over a pipe:
 *   M <seed> <lablen> <versionlen>\n<lab><version>     as soon as the lab is loaded
 *   R <exit status> <len>\n<the result file>           at the end */
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "emu/lua/lab_engine.h"
#include "emu/lua/vx_internal.h"

#define ANSWERS_MAX (16u << 20)

static const char GRADE_USAGE[] =
    "usage: vx86 grade LAB.lua --answers FILE [--seed N] [--format tap|junit|gradescope|prairielearn]\n"
    "                  [--out PATH] [--submission ID] [--cpu-limit S] [--time-limit S]\n"
    "Grade one submission headless and write one result file (stdout without --out).\n"
    "  --answers FILE   'question_id = answer' lines with a 'seed = N' line, or a .lua file\n"
    "                   returning { question_id = value | function(params) } (run sandboxed)\n"
    "  --seed N         the seed the answers are for (a text file's 'seed =' line says it too;\n"
    "                   a .lua file may say it in a '-- seed = N' comment)\n"
    "  --format F       tap (default), junit, gradescope or prairielearn\n"
    "  --submission ID  the name in the results (default: the answers file's name)\n"
    "  --cpu-limit S    CPU seconds for the whole grading, lab included (default 300)\n"
    "  --time-limit S   wall-clock backstop (default 900): past it the result is\n"
    "                   \"not graded: retry\", never a score\n"
    "Exit status: 0 graded (whatever the score), 2 not graded (the reason on stderr and in the\n"
    "result file) or bad usage.\n";

static int usage_fail(const char *msg)
{
    fprintf(stderr, "vx86 grade: %s\n", msg);
    return 2;
}

static bool parse_limit(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno || !(v > 0) || v > 1e6) return false;
    *out = v;
    return true;
}

static int parse_grade_args(int argc, char **argv, lab_opts *o, bool *help)
{
    memset(o, 0, sizeof *o);
    o->cmd = "grade";
    o->format = "tap";
    o->time_limit = 900;
    o->cpu_limit = 300;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        char msg[300];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = true;
            return 0;
        }
        static const char *const VALUED[] = { "--seed", "--answers", "--format", "--out", "--submission",
                                              "--cpu-limit", "--time-limit", NULL };
        int k = -1;
        for (int j = 0; VALUED[j]; j++)
            if (strcmp(a, VALUED[j]) == 0) k = j;
        if (k >= 0) {
            if (!val) {
                snprintf(msg, sizeof msg, "option '%s' needs a value", a);
                return usage_fail(msg);
            }
            i++;
            double lim;
            switch (k) {
            case 0:
                if (!lab_parse_seed(val, &o->seed)) {
                    snprintf(msg, sizeof msg, "--seed: '%.200s' is not a non-negative integer", val);
                    return usage_fail(msg);
                }
                o->seed_given = true;
                break;
            case 1: o->answers = val; break;
            case 2: o->format = val; break;
            case 3: o->out = val; break;
            case 4: o->submission = val; break;
            case 5:
            case 6:
                if (!parse_limit(val, &lim)) {
                    snprintf(msg, sizeof msg, "%s: '%.200s' is not a number of seconds above 0", a, val);
                    return usage_fail(msg);
                }
                if (k == 5) o->cpu_limit = (unsigned)ceil(lim);
                else o->time_limit = lim;
                break;
            }
        } else if (a[0] == '-' && a[1]) {
            snprintf(msg, sizeof msg, "unknown option '%.200s' (vx86 grade --help)", a);
            return usage_fail(msg);
        } else if (!o->file) o->file = a;
        else {
            snprintf(msg, sizeof msg, "unexpected argument '%.200s'", a);
            return usage_fail(msg);
        }
    }
    if (!o->file) return usage_fail("no lab file given (usage: vx86 grade LAB.lua --answers FILE; vx86 grade --help)");
    if (!o->answers) return usage_fail("--answers FILE is required");
    if (!lab_report_format_known(o->format)) {
        char msg[300];
        snprintf(msg, sizeof msg, "--format: '%.100s' is not one of tap, junit, gradescope, prairielearn", o->format);
        return usage_fail(msg);
    }
    return 0;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* A regular, readable file of at most ANSWERS_MAX bytes. */
static char *read_answers(const char *path, size_t *len, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        snprintf(err, cap, "%s: cannot open: %s", path, strerror(errno));
        if (f) fclose(f);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, cap, "%s: not a regular file (%s)", path, S_ISDIR(st.st_mode) ? "a directory" : "a device or pipe");
        fclose(f);
        return NULL;
    }
    if (st.st_size > (off_t)ANSWERS_MAX) {
        snprintf(err, cap, "%s: larger than %u MiB", path, ANSWERS_MAX >> 20);
        fclose(f);
        return NULL;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t n = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    bool bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, cap, "%s: cannot read%s", path, buf ? "" : " (out of memory)");
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The `seed = N` line of a text file, or a `-- seed = N` comment of a Lua file. 1 found, 0 none,
 * -1 malformed (message in err). */
static int find_seed(const char *text, bool lua, unsigned long long *seed, char *err, size_t cap)
{
    int lineno = 0, found = 0;
    for (const char *line = text; line && *line;) {
        lineno++;
        const char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) : strlen(line);
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(n < 255 ? n : 255), line);
        line = nl ? nl + 1 : NULL;
        lab_trim(buf);
        char *p = buf;
        if (lua) {
            if (strncmp(p, "--", 2) != 0) continue;
            p += 2;
            lab_trim(p);
        }
        if (strncmp(p, "seed", 4) != 0) continue;
        char *q = p + 4;
        while (*q == ' ' || *q == '\t') q++;
        if (*q != '=') continue;
        q++;
        lab_trim(q);
        unsigned long long v;
        if (!lab_parse_seed(q, &v)) {
            snprintf(err, cap, "line %d: seed '%.60s' is not a non-negative integer", lineno, q);
            return -1;
        }
        if (found && v != *seed) {
            snprintf(err, cap, "line %d: a second, different seed (%llu, earlier %llu)", lineno, v, *seed);
            return -1;
        }
        *seed = v;
        found = 1;
    }
    return found;
}

static void set_problem(lab_question *q, const char *fmt, const char *a, int line)
{
    if (q->problem) return;
    char buf[300];
    snprintf(buf, sizeof buf, fmt, a, line);
    q->problem = strdup(buf);
}

/* The plain-text answers: `id = value` lines, '#' comments, blank lines, the seed line. A line
 * that names a question but is malformed (or answers it a second time) makes that question
 * "not graded"; a line that names no question of this lab makes the file not gradable. */
static bool parse_text_answers(lab_run *r, const char *path, char *text, char *err, size_t cap)
{
    int lineno = 0;
    for (char *line = text, *next; line && *line; line = next) {
        lineno++;
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        lab_trim(line);
        if (!*line || *line == '#') continue;
        char *eq = strchr(line, '=');
        /* The question a line is about: its first word. */
        size_t klen = strcspn(line, " \t=:");
        char key[128];
        snprintf(key, sizeof key, "%.*s", (int)(klen < 127 ? klen : 127), line);
        lab_question *q = klen < 127 ? lab_engine_find(r, key) : NULL;
        if (!eq) {
            if (q) {
                set_problem(q, "line %2$d: expected '%1$s = answer'", q->id, lineno);
                continue;
            }
            snprintf(err, cap, "%s:%d: expected 'question_id = answer', got \"%.60s\"", path, lineno, line);
            return false;
        }
        *eq = '\0';
        char *k = line, *val = eq + 1;
        lab_trim(k);
        lab_trim(val);
        if (!*k) {
            snprintf(err, cap, "%s:%d: missing question id before '='", path, lineno);
            return false;
        }
        if (strcmp(k, "seed") == 0) continue;   /* read before the lab loaded */
        q = lab_engine_find(r, k);
        if (!q) {
            if (klen < 127 && (q = lab_engine_find(r, key))) {   /* "a1_dir x = 5" */
                set_problem(q, "line %2$d: expected '%1$s = answer'", q->id, lineno);
                continue;
            }
            snprintf(err, cap, "%s:%d: unknown question id '%.100s' (this lab asks %s%s%s)", path, lineno, k,
                     r->nq ? r->qs[0].id : "nothing", r->nq > 1 ? " .. " : "", r->nq > 1 ? r->qs[r->nq - 1].id : "");
            return false;
        }
        if (q->given) {
            set_problem(q, "line %2$d: '%1$s' answered a second time", q->id, lineno);
            continue;
        }
        q->given = strdup(val);
    }
    return true;
}

typedef struct grade_ctx {
    lab_report *rep;
    char *answers;
    size_t alen;
    bool lua_answers;
    int fd;                 /* to the parent */
    char lab_id[200], version[100];
} grade_ctx;

static bool write_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        c += w;
        n -= (size_t)w;
    }
    return true;
}

static void feedback(lab_question *q, const char *verdict)
{
    char *shown = lab_text_clean(q->given, 200);
    char buf[600];
    snprintf(buf, sizeof buf, "%s (answered %s)", verdict, shown ? shown : "?");
    free(shown);
    free(q->output);
    q->output = strdup(buf);
}

/* Everything that runs Lua, protected: a Lua error anywhere is "not graded" with its message. */
static bool grade_body(lab_run *r, void *ud, char *err, size_t cap)
{
    grade_ctx *g = ud;
    lab_report *rep = g->rep;
    lab_opts *o = r->o;
    if (!lab_engine_load(r, err, cap)) return false;
    snprintf(g->lab_id, sizeof g->lab_id, "%s", lab_engine_string(r, "id", "?"));
    snprintf(g->version, sizeof g->version, "%s", lab_engine_string(r, "version", "0"));
    rep->lab = g->lab_id;
    rep->version = g->version;
    char meta[64];
    int n = snprintf(meta, sizeof meta, "M %llu %zu %zu\n", o->seed, strlen(g->lab_id), strlen(g->version));
    write_all(g->fd, meta, (size_t)n);
    write_all(g->fd, g->lab_id, strlen(g->lab_id));
    write_all(g->fd, g->version, strlen(g->version));
    if (!g->lua_answers && !parse_text_answers(r, o->answers, g->answers, err, cap)) return false;
    rep->questions = r->qs;
    rep->count = r->nq;
    if (!lab_engine_steps(r, err, cap)) {
        char tmp[1200];
        snprintf(tmp, sizeof tmp, "%s", err);
        snprintf(err, cap, "the lab failed: %s", tmp);
        return false;
    }
    if (g->lua_answers) {
        const char **ids = malloc(sizeof *ids * (size_t)(r->nq + 1));
        if (!ids) return snprintf(err, cap, "out of memory"), false;
        for (int i = 0; i < r->nq; i++) ids[i] = r->qs[i].id;
        vxsb_result sr;
        vxsb_limits lim = VXSB_DEFAULT_LIMITS;
        lua_getfield(r->L, r->ctx, "params");
        char chunkname[600];
        snprintf(chunkname, sizeof chunkname, "=%s", base_name(o->answers));
        vxsb_eval(r->L, -1, g->answers, g->alen, chunkname, ids, r->nq, &lim, &sr);
        lua_pop(r->L, 1);
        free(ids);
        if (sr.status == 2 || sr.status == 3) {
            if (sr.status == 3) snprintf(err, cap, "%s", sr.message);   /* "retry: ..." */
            else snprintf(err, cap, "%s: %s", o->answers, sr.message);
            vxsb_result_free(&sr);
            return false;
        }
        if (sr.status == 1) snprintf(rep->failure, sizeof rep->failure, "submission failed in the sandbox: %s", sr.message);
        for (int i = 0; i < sr.count; i++) {
            lab_question *q = lab_engine_find(r, sr.answers[i].id);
            if (!q) continue;
            if (sr.answers[i].error) q->output = strdup(sr.answers[i].error);
            else if (sr.answers[i].type != LUA_TNIL) q->given = strdup(sr.answers[i].text);
        }
        vxsb_result_free(&sr);
    }
    for (int i = 0; i < r->nq; i++) {
        lab_question *q = &r->qs[i];
        q->points = 0;
        if (rep->failure[0]) {
            free(q->output);
            q->output = strdup(rep->failure);
            continue;
        }
        if (q->problem) {
            char buf[400];
            snprintf(buf, sizeof buf, "not graded: %s", q->problem);
            free(q->output);
            q->output = strdup(buf);
            continue;
        }
        if (q->output) {   /* the answer's function failed */
            char buf[1024];
            snprintf(buf, sizeof buf, "your answer function failed: %.900s", q->output);
            free(q->output);
            q->output = strdup(buf);
            continue;
        }
        char *t = q->given ? strdup(q->given) : NULL;
        if (t) lab_trim(t);
        bool empty = !t || !*t;
        free(t);
        if (empty) {
            q->output = strdup("no answer");
            continue;
        }
        lua_rawgeti(r->L, LUA_REGISTRYINDEX, q->expected_ref);
        answer_verdict v = lab_engine_compare(r, q, -1, q->given);
        lua_pop(r->L, 1);
        q->points = v == ANSWER_RIGHT ? q->max_points : 0;
        feedback(q, v == ANSWER_RIGHT         ? "correct"
                    : v == ANSWER_NOT_NUMBER  ? "not a number (write decimal or 0x hex)"
                    : v == ANSWER_NOT_YES_NO  ? "not yes or no"
                    : v == ANSWER_CHECK_FAILED ? "the lab could not check this answer"
                                              : "incorrect");
    }
    return true;
}

/* The child: grade, render, send. Returns nothing; the parent reads the records. */
static void grade_child(lab_opts *o, int fd)
{
    lab_report rep;
    memset(&rep, 0, sizeof rep);
    rep.submission = o->submission ? o->submission : base_name(o->answers);
    rep.gradable = true;
    rep.lab = base_name(o->file);
    rep.version = "?";
    grade_ctx g = { .rep = &rep, .fd = fd };
    lab_run r = { .o = o, .grading = true };
    char err[1200] = "";
    bool ok = lab_engine_open(&r);
    if (!ok) snprintf(err, sizeof err, "out of memory");
    if (ok) {
        g.answers = read_answers(o->answers, &g.alen, err, sizeof err);
        g.lua_answers = ends_with(o->answers, ".lua");
        ok = g.answers != NULL;
    }
    if (ok && !g.lua_answers && memchr(g.answers, '\0', g.alen)) {
        snprintf(err, sizeof err, "%s: binary data in a text answers file", o->answers);
        ok = false;
    }
    if (ok) {
        unsigned long long seed = 0;
        char why[300];
        int found = find_seed(g.answers, g.lua_answers, &seed, why, sizeof why);
        if (found < 0) snprintf(err, sizeof err, "%s: %s", o->answers, why), ok = false;
        else if (found && o->seed_given && seed != o->seed) {
            snprintf(err, sizeof err, "%s: the answers are for seed %llu, but --seed %llu was given", o->answers, seed,
                     o->seed);
            ok = false;
        } else if (found)
            o->seed = seed;
        else if (!o->seed_given) {
            snprintf(err, sizeof err,
                     "%s: no '%sseed = N' line says which seed the answers are for; add it (the seed the lab "
                     "was run with) or pass --seed N",
                     o->answers, g.lua_answers ? "-- " : "");
            ok = false;
        }
    }
    rep.seed = o->seed;
    if (ok) ok = lab_engine_protect(&r, grade_body, &g, err, sizeof err);
    int rc = 0;
    if (!ok) {
        rep.gradable = false;
        snprintf(rep.message, sizeof rep.message, "%s", err);
        fprintf(stderr, "vx86 grade: not graded: %s\n", err);
        rc = 2;
    } else if (o->out) {
        double s = 0, m = 0;
        for (int i = 0; i < r.nq; i++) s += r.qs[i].points, m += r.qs[i].max_points;
        fprintf(stderr, "vx86 grade: %s: %g/%g (%s)\n", rep.submission, s, m, o->out);
    }
    size_t len = 0;
    char *out = lab_report_render(&rep, o->format, &len);
    if (out) {
        char head[64];
        int n = snprintf(head, sizeof head, "R %d %zu\n", rc, len);
        write_all(fd, head, (size_t)n);
        write_all(fd, out, len);
    }
    free(out);
    free(g.answers);
    lab_engine_free(&r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGKILL: return "SIGKILL";
    case SIGXCPU: return "SIGXCPU";
    default: return "a signal";
    }
}

/* The parent's own result when the child gave none. */
static int write_fallback(lab_opts *o, const char *lab, const char *version, unsigned long long seed, const char *why)
{
    lab_report rep;
    memset(&rep, 0, sizeof rep);
    rep.lab = lab;
    rep.version = version;
    rep.seed = seed;
    rep.submission = o->submission ? o->submission : base_name(o->answers);
    snprintf(rep.message, sizeof rep.message, "%s", why);
    fprintf(stderr, "vx86 grade: not graded: %s\n", why);
    char err[600];
    if (!lab_report_write(&rep, o->format, o->out, err, sizeof err)) fprintf(stderr, "vx86 grade: %s\n", err);
    return 2;
}

int grade_main(int argc, char **argv)
{
    lab_opts o;
    bool help = false;
    int rc = parse_grade_args(argc, argv, &o, &help);
    if (help) {
        fputs(GRADE_USAGE, stdout);
        return 0;
    }
    if (rc) return rc;
    /* The lab's name for a result the child could not write: its folder. */
    char labname[256];
    snprintf(labname, sizeof labname, "%s", o.file);
    char *slash = strrchr(labname, '/');
    if (slash) *slash = '\0';
    const char *lab = slash ? base_name(labname) : o.file;

    int fds[2];
    if (pipe(fds) != 0) return write_fallback(&o, lab, "?", o.seed, "cannot create a pipe");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return write_fallback(&o, lab, "?", o.seed, "cannot start the grading process (fork failed)");
    if (pid == 0) {
        close(fds[0]);
        setpgid(0, 0);
        struct rlimit cpu = { o.cpu_limit, o.cpu_limit + 1 };
        setrlimit(RLIMIT_CPU, &cpu);
        grade_child(&o, fds[1]);
        close(fds[1]);
        fflush(NULL);
        _exit(0);
    }
    close(fds[1]);
    char *buf = NULL;
    size_t len = 0, capb = 0;
    double deadline = now_s() + o.time_limit;
    bool timed_out = false;
    for (;;) {
        double left = deadline - now_s();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
        int pr = poll(&pfd, 1, left > 1e6 ? 1000000000 : (int)(left * 1000) + 1);
        if (pr < 0 && errno == EINTR) continue;
        if (pr == 0) continue;   /* re-check the deadline */
        if (len + 65536 + 1 > capb) {
            capb = capb ? capb * 2 : 65536 * 2;
            char *nb = realloc(buf, capb);
            if (!nb) break;
            buf = nb;
        }
        ssize_t n = read(fds[0], buf + len, capb - len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(fds[0]);
    if (timed_out) kill(-pid, SIGKILL);
    int wst = 0;
    while (waitpid(pid, &wst, 0) < 0 && errno == EINTR) {}
    if (buf) buf[len] = '\0';

    /* Parse the records. */
    char mlab[200] = "", mver[100] = "?";
    unsigned long long seed = o.seed;
    const char *result = NULL;
    size_t rlen = 0;
    int child_rc = 2;
    size_t pos = 0;
    while (buf && pos < len) {
        /* A header line "M seed lablen verlen" or "R status len", then that many bytes. */
        const char *nl = memchr(buf + pos, '\n', len - pos);
        if (!nl) break;
        char head[128];
        size_t hl = (size_t)(nl - (buf + pos));
        if (hl >= sizeof head) break;
        memcpy(head, buf + pos, hl);
        head[hl] = '\0';
        pos += hl + 1;
        char tag;
        unsigned long long a;
        size_t b, c;
        if (sscanf(head, "M %llu %zu %zu", &a, &b, &c) == 3) {
            if (pos + b + c > len) break;
            snprintf(mlab, sizeof mlab, "%.*s", (int)(b < 199 ? b : 199), buf + pos);
            snprintf(mver, sizeof mver, "%.*s", (int)(c < 99 ? c : 99), buf + pos + b);
            seed = a;
            pos += b + c;
        } else if (sscanf(head, "%c %llu %zu", &tag, &a, &b) == 3 && tag == 'R') {
            if (pos + b > len) break;
            result = buf + pos;
            rlen = b;
            child_rc = (int)a;
            pos += b;
        } else
            break;
    }
    if (result) {
        FILE *f = o.out ? fopen(o.out, "wb") : stdout;
        bool ok = f && fwrite(result, 1, rlen, f) == rlen;
        if (f && o.out) ok = fclose(f) == 0 && ok;
        else if (f) ok = fflush(f) == 0 && ok;
        free(buf);
        if (!ok) {
            fprintf(stderr, "vx86 grade: %s: cannot write the result\n", o.out ? o.out : "stdout");
            return 2;
        }
        return child_rc;
    }
    char why[400];
    if (timed_out)
        snprintf(why, sizeof why, "retry: grading took more than %g s of wall clock (the grading host is overloaded?)",
                 o.time_limit);
    else if (WIFSIGNALED(wst) && WTERMSIG(wst) == SIGXCPU)
        snprintf(why, sizeof why, "the lab used more than %u s of CPU time", o.cpu_limit);
    else if (WIFSIGNALED(wst))
        snprintf(why, sizeof why, "the grader crashed (%s, signal %d) while running the lab; please report it",
                 signal_name(WTERMSIG(wst)), WTERMSIG(wst));
    else
        snprintf(why, sizeof why, "the grader stopped without a result (exit status %d); please report it",
                 WIFEXITED(wst) ? WEXITSTATUS(wst) : -1);
    free(buf);
    return write_fallback(&o, mlab[0] ? mlab : lab, mver, seed, why);
}
