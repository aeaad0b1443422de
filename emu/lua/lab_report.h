/* Grading results and their formats: TAP 13, JUnit XML, Gradescope results.json and
 * PrairieLearn's external-grader JSON. The output depends only on the results (no times, no host
 * names), so two graders with the same lab, seed and answers write byte-identical files.
 * Whatever the student wrote, every file is valid for its consumer: text is made valid UTF-8
 * (bad bytes become U+FFFD, long text is cut at a character boundary), JSON is written by
 * Jansson, XML escapes everything XML 1.0 cannot hold, TAP lines never contain a newline. */
#ifndef VX86_LAB_REPORT_H
#define VX86_LAB_REPORT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct lab_question {
    char *id;
    char *text;           /* the question as asked (seeded) */
    char *format;         /* "hex" or NULL */
    char *expected;       /* formatted */
    char *given;          /* the student's answer, NULL if none */
    char *output;         /* feedback line */
    char *problem;        /* this question could not be graded (a malformed line): why */
    double points, max_points;
    int step;
    int expected_ref, accept_ref;   /* Lua registry references */
} lab_question;

typedef struct lab_report {
    const char *lab, *version, *submission;
    unsigned long long seed;
    bool gradable;
    char message[1200];   /* why it could not be graded */
    char failure[700];    /* the whole submission failed (sandbox limit): every test says so */
    lab_question *questions;
    int count;
} lab_report;

bool lab_report_format_known(const char *format);
/* Write to path (NULL: stdout). False with a message on a write error. */
bool lab_report_write(const lab_report *r, const char *format, const char *path, char *err, size_t cap);
/* The same into a malloc'ed buffer (*len bytes); NULL when out of memory. */
char *lab_report_render(const lab_report *r, const char *format, size_t *len);

/* A malloc'ed copy of s that is valid UTF-8: invalid or truncated sequences, overlong forms,
 * surrogates and code points above U+10FFFF become U+FFFD; control characters other than '\n'
 * and '\t' become U+FFFD too; when the text is longer than max bytes it is cut at a character
 * boundary and " [... N bytes cut]" is appended. NULL in, NULL out. */
char *lab_text_clean(const char *s, size_t max);

#endif
