/* Grading results and their formats: TAP 13, JUnit XML, Gradescope results.json and
 * PrairieLearn's external-grader JSON. The output depends only on the results (no times, no host
 * names), so two graders with the same lab, seed and answers write byte-identical files. */
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

#endif
