/* Grading results in four formats (field shapes in labs/README.md):
 *   tap          TAP version 13, one test point per question, a YAML block with the feedback
 *   junit        <testsuites><testsuite><testcase> with <failure> for lost points
 *   gradescope   results.json: score, output, visibility, extra_data, tests[] with name, score,
 *                max_score, output, visibility
 *   prairielearn gradable, score in [0,1], message, output, tests[] with name, description,
 *                points, max_points, message, output
 * A submission that cannot be graded gives TAP "Bail out!", a JUnit <error>, Gradescope score 0
 * with the reason, PrairieLearn gradable=false. */
#include <stdio.h>
#include <string.h>

#include "emu/lua/lab_report.h"

bool lab_report_format_known(const char *f)
{
    return strcmp(f, "tap") == 0 || strcmp(f, "junit") == 0 || strcmp(f, "gradescope") == 0 ||
           strcmp(f, "prairielearn") == 0;
}

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

static void xml_str(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\n': fputs("&#10;", f); break;
        default:
            if (*p < 0x20 && *p != '\t') fputc('?', f);
            else fputc(*p, f);
        }
    }
}

/* Numbers are written with %.10g: deterministic, and integers stay integers. */
static void totals(const lab_report *r, double *score, double *max)
{
    *score = *max = 0;
    for (int i = 0; i < r->count; i++) {
        *score += r->questions[i].points;
        *max += r->questions[i].max_points;
    }
}

static void summary(const lab_report *r, char *buf, size_t cap)
{
    double s, m;
    totals(r, &s, &m);
    if (!r->gradable)
        snprintf(buf, cap, "lab %s version %s seed %llu submission %s: not graded: %s", r->lab, r->version, r->seed,
                 r->submission, r->message);
    else
        snprintf(buf, cap, "lab %s version %s seed %llu submission %s: %.10g/%.10g points%s%s", r->lab, r->version,
                 r->seed, r->submission, s, m, r->failure[0] ? "; " : "", r->failure);
}

static void write_tap(FILE *f, const lab_report *r)
{
    char sum[2400];
    summary(r, sum, sizeof sum);
    fprintf(f, "TAP version 13\n# %s\n", sum);
    if (!r->gradable) {
        fprintf(f, "1..0\nBail out! %s\n", r->message);
        return;
    }
    fprintf(f, "1..%d\n", r->count);
    for (int i = 0; i < r->count; i++) {
        const lab_question *q = &r->questions[i];
        bool full = q->points >= q->max_points;
        fprintf(f, "%s %d - %s (%.10g/%.10g)\n", full ? "ok" : "not ok", i + 1, q->id, q->points, q->max_points);
        if (!full) {
            fprintf(f, "  ---\n  message: ");
            json_str(f, q->output);
            fprintf(f, "\n  ...\n");
        }
    }
}

static void write_junit(FILE *f, const lab_report *r)
{
    int failures = 0;
    for (int i = 0; i < r->count; i++)
        if (r->questions[i].points < r->questions[i].max_points) failures++;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f, "<testsuites name=\"");
    xml_str(f, r->lab);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", r->gradable ? r->count : 0,
            r->gradable ? failures : 0, r->gradable ? 0 : 1);
    fprintf(f, "  <testsuite name=\"");
    xml_str(f, r->lab);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", r->gradable ? r->count : 0,
            r->gradable ? failures : 0, r->gradable ? 0 : 1);
    fprintf(f, "    <properties>\n      <property name=\"version\" value=\"");
    xml_str(f, r->version);
    fprintf(f, "\"/>\n      <property name=\"seed\" value=\"%llu\"/>\n      <property name=\"submission\" value=\"", r->seed);
    xml_str(f, r->submission);
    fprintf(f, "\"/>\n    </properties>\n");
    if (!r->gradable) {
        fprintf(f, "    <testcase classname=\"");
        xml_str(f, r->lab);
        fprintf(f, "\" name=\"grading\">\n      <error message=\"");
        xml_str(f, r->message);
        fprintf(f, "\"/>\n    </testcase>\n");
    } else {
        for (int i = 0; i < r->count; i++) {
            const lab_question *q = &r->questions[i];
            fprintf(f, "    <testcase classname=\"");
            xml_str(f, r->lab);
            fprintf(f, "\" name=\"");
            xml_str(f, q->id);
            fprintf(f, "\">\n");
            if (q->points < q->max_points) {
                fprintf(f, "      <failure message=\"");
                xml_str(f, q->output);
                fprintf(f, "\">%.10g/%.10g points</failure>\n", q->points, q->max_points);
            }
            fprintf(f, "      <system-out>");
            xml_str(f, q->output);
            fprintf(f, "</system-out>\n    </testcase>\n");
        }
    }
    fprintf(f, "  </testsuite>\n</testsuites>\n");
}

static void write_gradescope(FILE *f, const lab_report *r)
{
    double s, m;
    totals(r, &s, &m);
    char sum[2400];
    summary(r, sum, sizeof sum);
    fprintf(f, "{\n  \"score\": %.10g,\n  \"output\": ", r->gradable ? s : 0.0);
    json_str(f, sum);
    fprintf(f, ",\n  \"visibility\": \"visible\",\n  \"stdout_visibility\": \"hidden\",\n  \"extra_data\": {\"lab\": ");
    json_str(f, r->lab);
    fprintf(f, ", \"version\": ");
    json_str(f, r->version);
    fprintf(f, ", \"seed\": %llu, \"submission\": ", r->seed);
    json_str(f, r->submission);
    fprintf(f, ", \"gradable\": %s, \"max_score\": %.10g},\n  \"tests\": [", r->gradable ? "true" : "false", m);
    for (int i = 0; r->gradable && i < r->count; i++) {
        const lab_question *q = &r->questions[i];
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        json_str(f, q->id);
        fprintf(f, ", \"score\": %.10g, \"max_score\": %.10g, \"output\": ", q->points, q->max_points);
        json_str(f, q->output);
        fprintf(f, ", \"visibility\": \"visible\"}");
    }
    fprintf(f, "%s]\n}\n", r->gradable && r->count ? "\n  " : "");
}

static void write_prairielearn(FILE *f, const lab_report *r)
{
    double s, m;
    totals(r, &s, &m);
    char sum[2400];
    summary(r, sum, sizeof sum);
    fprintf(f, "{\n  \"gradable\": %s,\n  \"score\": %.10g,\n  \"message\": ", r->gradable ? "true" : "false",
            r->gradable && m > 0 ? s / m : 0.0);
    json_str(f, r->gradable ? r->failure : r->message);
    fprintf(f, ",\n  \"output\": ");
    json_str(f, sum);
    fprintf(f, ",\n  \"tests\": [");
    for (int i = 0; r->gradable && i < r->count; i++) {
        const lab_question *q = &r->questions[i];
        fprintf(f, "%s\n    {\"name\": ", i ? "," : "");
        json_str(f, q->id);
        fprintf(f, ", \"description\": ");
        json_str(f, q->text);
        fprintf(f, ", \"points\": %.10g, \"max_points\": %.10g, \"message\": ", q->points, q->max_points);
        json_str(f, q->output);
        fprintf(f, ", \"output\": \"\"}");
    }
    fprintf(f, "%s]\n}\n", r->gradable && r->count ? "\n  " : "");
}

bool lab_report_write(const lab_report *r, const char *format, const char *path, char *err, size_t cap)
{
    FILE *f = path ? fopen(path, "w") : stdout;
    if (!f) {
        snprintf(err, cap, "%s: cannot write", path);
        return false;
    }
    if (strcmp(format, "junit") == 0) write_junit(f, r);
    else if (strcmp(format, "gradescope") == 0) write_gradescope(f, r);
    else if (strcmp(format, "prairielearn") == 0) write_prairielearn(f, r);
    else write_tap(f, r);
    bool ok = !ferror(f);
    if (path) ok = fclose(f) == 0 && ok;
    else fflush(f);
    if (!ok) snprintf(err, cap, "%s: write failed", path ? path : "stdout");
    return ok;
}
