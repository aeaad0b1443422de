/* `vx86 lab`: walk a lab's steps with a learner, through a lab UI (lab_ui.h). The engine is in
 * lab_engine.c; the grader (`vx86 grade`) is grade.c. On a terminal the front end that
 * registered itself with lab_set_terminal_ui (the TUI, wired by emu/main.c) draws the lab;
 * otherwise, and with --text or --solve, it is plain text (lab_ui_text.c). */
#include <glob.h>
#include <lauxlib.h>
#include <libgen.h>
#include <limits.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/lua/lab_engine.h"
#include "emu/lua/vx_internal.h"

static lab_ui_terminal_factory terminal_ui;

void lab_set_terminal_ui(lab_ui_terminal_factory factory)
{
    terminal_ui = factory;
}

/* --gui: the lab in the SDL2 window, registered by the front end as the terminal one is. */
static lab_ui_terminal_factory window_ui;
static bool want_window, no_window;

void lab_set_window_ui(lab_ui_terminal_factory factory)
{
    window_ui = factory;
}

static const char LAB_USAGE[] =
    "usage: vx86 lab LAB.lua [--seed N] [--solve] [--text] [--no-pause] [--save FILE] [--pictures DIR]\n"
    "       vx86 lab --list\n"
    "Walk a Lua lab: its text, its questions (a wrong answer may be retried as the lab's policy\n"
    "says; the score counts the first try unless the lab says otherwise) and the machine it drives.\n"
    "  --seed N      seed every number of the lab (default 0); the run prints how to reproduce it\n"
    "  --solve       print the answers instead of asking (the output is a reference answers file)\n"
    "  --text        plain text even on a terminal (the default on a pipe)\n"
    "  --no-pause    do not wait for Enter between steps\n"
    "  --save FILE   write the session's answers (as counted) to FILE, a file `vx86 grade` takes\n"
    "  --pictures DIR  also write each m:picture(...) the lab draws as DIR/NNN-KIND.svg\n"
    "  --gui         the lab in the SDL2 window: its text, pictures and questions in one pane,\n"
    "                the lab's machine in the others (F5 run, F10 step, F9 step back)\n"
    "  --list        list the labs beside this vx86 (its checkout's or install's labs/*/lab.lua)\n"
    "                with their one-line summary and the minutes a student needs\n"
    "Exit status: 0 the lab ran to its end (or the learner stopped it) and every step's check\n"
    "held, 1 the lab itself failed, 2 bad usage (or --gui with no display),\n"
    "3 the lab ran to its end but a step's check FAILED (a result the lab promises did not hold:\n"
    "the lesson is broken).\n";

static int usage_fail(const char *msg)
{
    fprintf(stderr, "vx86 lab: %s\n", msg);
    return 2;
}

static int parse_lab_args(int argc, char **argv, lab_opts *o, bool *help)
{
    memset(o, 0, sizeof *o);
    o->cmd = "lab";
    o->pause = isatty(0);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        char msg[300];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            *help = true;
            return 0;
        }
        if (strcmp(a, "--seed") == 0 || strcmp(a, "--save") == 0) {
            if (!val) {
                snprintf(msg, sizeof msg, "option '%s' needs a value", a);
                return usage_fail(msg);
            }
            i++;
            if (a[3] == 'a') o->save = val;
            else if (!lab_parse_seed(val, &o->seed)) {
                snprintf(msg, sizeof msg, "--seed: '%.200s' is not a non-negative integer", val);
                return usage_fail(msg);
            } else
                o->seed_given = true;
        } else if (strcmp(a, "--pictures") == 0) {
            if (!val) return usage_fail("option '--pictures' needs a directory");
            i++;
            if (access(val, W_OK | X_OK) != 0) {
                snprintf(msg, sizeof msg, "--pictures: %.200s: not a writable directory", val);
                return usage_fail(msg);
            }
            vxlua_set_pictures_dir(val);
        } else if (strcmp(a, "--list") == 0) {
            return usage_fail("--list takes no lab file and no other option (vx86 lab --list)");
        } else if (strcmp(a, "--solve") == 0 || strcmp(a, "-c") == 0) o->solve = true;
        else if (strcmp(a, "--text") == 0) o->text = true;
        else if (strcmp(a, "--gui") == 0) want_window = true;
        else if (strcmp(a, "--no-pause") == 0) o->pause = false;
        else if (a[0] == '-' && a[1]) {
            snprintf(msg, sizeof msg, "unknown option '%.200s' (vx86 lab --help)", a);
            return usage_fail(msg);
        } else if (!o->file) o->file = a;
        else {
            snprintf(msg, sizeof msg, "unexpected argument '%.200s'", a);
            return usage_fail(msg);
        }
    }
    if (!o->file) return usage_fail("no lab file given (usage: vx86 lab LAB.lua [options]; vx86 lab --help)");
    if (want_window && (o->solve || o->text)) return usage_fail("--gui is a screen of its own: not with --text or --solve");
    if (o->save && o->solve) return usage_fail("--save records a learner's answers; it makes no sense with --solve");
    if (o->save) {   /* find out now, not after the whole session */
        FILE *f = fopen(o->save, "a");
        if (!f) {
            char msg[300];
            snprintf(msg, sizeof msg, "--save: %.200s: cannot write", o->save);
            return usage_fail(msg);
        }
        fclose(f);
    }
    return 0;
}

/* The session's answers as a submission: the seed, then one line per question answered. */
static bool save_session(lab_run *r, char *err, size_t cap)
{
    FILE *f = fopen(r->o->save, "w");
    if (!f) {
        snprintf(err, cap, "--save: %s: cannot write", r->o->save);
        return false;
    }
    fprintf(f, "# vx86 lab %s: answers of an interactive session (%s try counts)\nseed = %llu\n",
            lab_engine_string(r, "id", "?"), r->best_try ? "the best" : "the first", r->o->seed);
    for (int i = 0; i < r->nq; i++) {
        if (!r->session[i]) continue;
        char *a = r->session[i];
        a[strcspn(a, "\r\n")] = '\0';   /* one line each */
        fprintf(f, "%s = %s\n", r->qs[i].id, a);
    }
    bool ok = fclose(f) == 0;
    if (!ok) snprintf(err, cap, "--save: %s: write failed", r->o->save);
    return ok;
}

static bool lab_body(lab_run *r, void *ud, char *err, size_t cap)
{
    bool *terminal = ud;
    lab_opts *o = r->o;
    if (!lab_engine_load(r, err, cap)) return false;
    if (want_window) {
        r->ui = window_ui ? window_ui(lab_engine_string(r, "title", "(untitled lab)")) : NULL;
        if (!r->ui) {
            no_window = true;
            snprintf(err, cap, "--gui: no window");
            return false;
        }
        *terminal = true;   /* a screen of its own: the score goes to stdout once it closes */
    } else if (*terminal) r->ui = terminal_ui(lab_engine_string(r, "title", "(untitled lab)"));
    if (r->ui && r->ui->routes_pictures) lab_engine_route_pictures(r);
    if (!r->ui) *terminal = false, r->ui = lab_ui_text_create(o->solve, o->pause);
    if (!r->ui) {
        snprintf(err, cap, "out of memory");
        return false;
    }
    char line[1200];
    r->ui->ops->say(r->ui, "");
    snprintf(line, sizeof line, "ARG seed %llu\nARG reproduce: vx86 lab %s --seed %llu%s", o->seed, o->file, o->seed,
             o->solve ? " --solve" : "");
    r->ui->ops->say(r->ui, line);
    if (o->solve) printf("seed = %llu\n", o->seed);   /* so the output grades as it is */
    snprintf(line, sizeof line, "\n== %s (version %s) ==", lab_engine_string(r, "title", "(untitled lab)"),
             lab_engine_string(r, "version", "0"));
    r->ui->ops->say(r->ui, line);
    const char *intro = lab_engine_string(r, "introduction", NULL);
    if (intro) r->ui->ops->say(r->ui, intro);
    if (!o->solve && r->attempts > 1) {
        snprintf(line, sizeof line, "(Up to %d tries per question; %s.)", r->attempts,
                 r->best_try ? "a right answer on any try counts" : "the score counts the first try");
        r->ui->ops->say(r->ui, line);
    }
    if (!lab_engine_steps(r, err, cap)) return false;
    if (o->save && !save_session(r, err, cap)) {
        r->save_failed = true;
        return false;
    }
    return true;
}

/* ---- vx86 lab --list ---- */

/* The labs folder beside this binary: <bin>/../labs (a checkout: build/vx86, labs/), then
 * <bin>/../share/vx86/labs (an install: PREFIX/bin/vx86). */
static bool find_labs_dir(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return false;
    exe[n] = '\0';
    char *bin = dirname(exe);
    const char *cands[] = { "%s/../labs", "%s/../share/vx86/labs" };
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        char p[PATH_MAX + 64];
        snprintf(p, sizeof p, cands[i], bin);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode) && realpath(p, out) && strlen(out) < cap) return true;
    }
    return false;
}

typedef struct { const char *summary; lua_Integer minutes; bool has_minutes; } lab_listing;

static bool list_body(lab_run *r, void *ud, char *err, size_t cap)
{
    lab_listing *l = ud;
    if (!lab_engine_load(r, err, cap)) return false;
    l->summary = lab_engine_string(r, "summary", NULL);
    lua_getfield(r->L, r->lab, "minutes");
    l->has_minutes = lua_isinteger(r->L, -1);
    if (l->has_minutes) l->minutes = lua_tointeger(r->L, -1);
    lua_pop(r->L, 1);
    /* the strings live in the lab's state, which list_labs prints from before closing it */
    return true;
}

/* One line per labs/<dir>/lab.lua: its folder name, minutes and summary. Exit 0, or 1 when a
 * lab cannot be loaded or lacks its summary or minutes (each said on stderr; the rest listed). */
static int list_labs(void)
{
    char dir[PATH_MAX];
    if (!find_labs_dir(dir, sizeof dir)) {
        fprintf(stderr, "vx86 lab --list: no labs folder beside this vx86 (looked for ../labs and ../share/vx86/labs)\n");
        return 1;
    }
    char pattern[PATH_MAX + 32];
    snprintf(pattern, sizeof pattern, "%s/*/lab.lua", dir);
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0) {
        fprintf(stderr, "vx86 lab --list: no labs in %s\n", dir);
        return 1;
    }
    /* The folder as the user would type it: relative when below the current directory. */
    const char *shown = dir;
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) {
        size_t len = strlen(cwd);
        if (strncmp(dir, cwd, len) == 0 && dir[len] == '/') shown = dir + len + 1;
    }
    printf("Labs in %s (run one: vx86 lab %s/NAME/lab.lua; minutes: the time a student needs)\n\n", shown, shown);
    int bad = 0;
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char name[PATH_MAX];
        snprintf(name, sizeof name, "%s", g.gl_pathv[i]);
        *strrchr(name, '/') = '\0';
        const char *base = strrchr(name, '/') + 1;
        lab_opts o = { .cmd = "lab", .file = g.gl_pathv[i] };
        lab_run r = { .o = &o };
        lab_listing l = { 0 };
        char err[1200] = "out of memory";
        if (!lab_engine_open(&r) || !lab_engine_protect(&r, list_body, &l, err, sizeof err)) {
            fprintf(stderr, "vx86 lab --list: %s: %s\n", g.gl_pathv[i], err);
            bad++;
        } else if (!l.summary || !l.has_minutes) {
            fprintf(stderr, "vx86 lab --list: %s: the lab table lacks %s\n", g.gl_pathv[i],
                    !l.summary ? "its 'summary' (one line)" : "its 'minutes' (an integer)");
            bad++;
        } else {
            char one[200];
            snprintf(one, sizeof one, "%s", l.summary);
            one[strcspn(one, "\n")] = '\0';
            printf("  %-18s %3lld min  %s\n", base, (long long)l.minutes, one);
        }
        lab_engine_free(&r);
    }
    globfree(&g);
    return bad ? 1 : 0;
}

int lab_main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) return list_labs();
    lab_opts o;
    bool help = false;
    int rc = parse_lab_args(argc, argv, &o, &help);
    if (help) {
        fputs(LAB_USAGE, stdout);
        return 0;
    }
    if (rc) return rc;
    lab_run r = { .o = &o };
    if (!lab_engine_open(&r)) return usage_fail("out of memory");
    /* The lab screen on a terminal; plain text for --text, --solve (an answers file) and pipes. */
    bool terminal = terminal_ui && !o.text && !o.solve && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    char err[1200] = "out of memory";
    bool ok = lab_engine_protect(&r, lab_body, &terminal, err, sizeof err);
    if (!ok) {
        if (r.ui) r.ui->ops->destroy(r.ui);   /* the terminal back to normal before the message */
        r.ui = NULL;
        fflush(stdout);
        if (!no_window) fprintf(stderr, "vx86 lab: %s\n", err);   /* the window said why it could not open */
        rc = r.save_failed || no_window ? 2 : 1;
        lab_engine_free(&r);
        return rc;
    }
    char line[256];
    if (r.quit) snprintf(line, sizeof line, "\nlab stopped at step %d of %d: score %g/%g", r.step, r.step_count, r.score,
                         r.max_score);
    else if (o.solve) snprintf(line, sizeof line, "\nend of lab: %g points in all", r.max_score);
    else snprintf(line, sizeof line, "\nend of lab: score %g/%g", r.score, r.max_score);
    r.ui->ops->say(r.ui, line);
    if (terminal) {
        if (!r.quit) r.ui->ops->pause(r.ui, true);   /* let the learner read the score */
        r.ui->ops->destroy(r.ui);
        r.ui = NULL;
        printf("vx86 lab: %s\n", line + 1);   /* a record on the terminal once the screen is gone */
    }
    if (o.save) fprintf(stderr, "vx86 lab: answers saved to %s\n", o.save);
    int failed = r.checks_failed;
    lab_engine_free(&r);
    if (failed) {
        fflush(stdout);
        fprintf(stderr, "vx86 lab: %d check%s FAILED: a result the lab promises did not hold (exit 3)\n", failed,
                failed == 1 ? "" : "s");
        return 3;
    }
    return 0;
}
