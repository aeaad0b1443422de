/* The lab engine shared by `vx86 lab` (lab.c) and `vx86 grade` (grade.c): one lab in one Lua
 * state under limits, its steps walked in order, answers compared. Not a public header. */
#ifndef VX86_LAB_ENGINE_H
#define VX86_LAB_ENGINE_H

#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/lua/lab_report.h"
#include "emu/lua/lab_ui.h"

/* Limits for lab code (the instructor's, but one bad lab must not hang a sweep). */
#define LAB_INSTRUCTIONS_PER_CALL 200000000ull    /* Lua VM instructions per piece of lab code */
#define LAB_MEMORY (1024ull << 20)                 /* bytes the lab's Lua state may hold */

typedef struct lab_opts {
    const char *cmd;
    const char *file;
    unsigned long long seed;
    bool seed_given;
    bool solve, pause, text;
    const char *save;                              /* lab: write the session's answers here */
    const char *answers, *format, *out, *submission;
    double time_limit;                             /* grade: wall-clock backstop, seconds */
    unsigned cpu_limit;                            /* grade: CPU seconds for the whole grading */
} lab_opts;

typedef struct lab_limits {
    size_t used, cap;
    uint64_t executed, max;
    bool hit;
} lab_limits;

typedef struct lab_run {
    lua_State *L;
    lab_limits lim;
    lab_opts *o;
    bool grading;
    int lab, ctx;                /* stack slots (valid inside the protected body) */
    char labdir[4096];           /* the lab file's folder, absolute */
    lab_question *qs;            /* the questions in order, with expected answers once asked */
    int nq;
    char **session;              /* lab: what the learner answered (first try, or the right one) */
    double score, max_score;
    int attempts;                /* lab policy: tries per question in `vx86 lab` */
    bool best_try;               /* lab policy: "best" counts any right try, else the first */
    lab_ui *ui;                  /* NULL when grading */
    bool quit;
    bool save_failed;
    int step, step_count;
    void *shown_vm;
    int shown_ref;
    int picture_count;
    int checks_failed;           /* steps whose check returned false (vx86 lab exits 3) */
} lab_run;

/* How an answer compares with the expected value. */
typedef enum { ANSWER_RIGHT, ANSWER_WRONG, ANSWER_NOT_NUMBER, ANSWER_NOT_YES_NO, ANSWER_CHECK_FAILED } answer_verdict;

/* A Lua state for the lab with its limits, libraries and the vx module. NULL: out of memory. */
bool lab_engine_open(lab_run *r);
/* Run body(r, ud) protected: a Lua error anywhere in it (a panic otherwise) becomes false with
 * the message in err. */
bool lab_engine_protect(lab_run *r, bool (*body)(lab_run *r, void *ud, char *err, size_t cap), void *ud, char *err,
                        size_t cap);
/* Inside the protected body: load the lab file and build ctx; walk every step. */
bool lab_engine_load(lab_run *r, char *err, size_t cap);
bool lab_engine_steps(lab_run *r, char *err, size_t cap);
/* After load: vx.show.walk/pagetable/events draw into the UI's pictures pane. */
void lab_engine_route_pictures(lab_run *r);
answer_verdict lab_engine_compare(lab_run *r, lab_question *q, int expected_idx, const char *given);
const char *lab_engine_string(lab_run *r, const char *field, const char *dflt);
lab_question *lab_engine_find(lab_run *r, const char *id);
void lab_engine_free(lab_run *r);

bool lab_parse_seed(const char *s, unsigned long long *out);
void lab_trim(char *s);

#endif
