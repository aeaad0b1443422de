/* Grading results in four formats (field shapes in labs/README.md):
 *   tap          TAP version 13, one test point per question, a YAML block with the feedback
 *   junit        <testsuites><testsuite><testcase> with <failure> for lost points
 *   gradescope   results.json: score, output, visibility, extra_data, tests[] with name, score,
 *                max_score, output, visibility
 *   prairielearn gradable, score in [0,1], message, output, tests[] with name, description,
 *                points, max_points, message, output
 * A submission that cannot be graded gives TAP "Bail out!", a JUnit <error>, Gradescope score 0
 * with the reason, PrairieLearn gradable=false.
 * Every string goes through lab_text_clean first (valid UTF-8, bounded length); JSON is built
 * and serialised by Jansson; XML and TAP get their own escaping below. */
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/lua/lab_report.h"

/* Longest text of one field in a result file (answers can be megabytes). */
#define FIELD_MAX 2000

bool lab_report_format_known(const char *f)
{
    return strcmp(f, "tap") == 0 || strcmp(f, "junit") == 0 || strcmp(f, "gradescope") == 0 ||
           strcmp(f, "prairielearn") == 0;
}

/* ---- UTF-8 (RFC 3629 §3-4: the well-formed byte sequences table) ---- */

/* Length of the well-formed sequence at p (n bytes left), 0 if it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    if (c < 0x80) return 1;
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;            /* no overlong forms */
        else if (c == 0xED) hi = 0x9F;       /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        else if (c == 0xF4) hi = 0x8F;       /* nothing above U+10FFFF */
    } else
        return 0;
    if (n < len) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return len;
}

char *lab_text_clean(const char *s, size_t max)
{
    if (!s) return NULL;
    static const char REPLACEMENT[] = "\xEF\xBF\xBD";
    size_t n = strlen(s);
    /* Worst case every byte becomes three, plus the "cut" note. */
    size_t cap = (n < max ? n : max) * 3 + 64;
    char *out = malloc(cap);
    if (!out) return NULL;
    size_t o = 0, i = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (i < n) {
        size_t len = utf8_seq(p + i, n - i);
        const char *piece = (const char *)p + i;
        size_t plen = len;
        bool control = len == 1 && (p[i] < 0x20 || p[i] == 0x7F) && p[i] != '\n' && p[i] != '\t';
        /* U+FFFE and U+FFFF are not characters (XML 1.0 §2.2 refuses them). */
        bool nonchar = len == 3 && p[i] == 0xEF && p[i + 1] == 0xBF && p[i + 2] >= 0xBE;
        if (!len || control || nonchar) {
            piece = REPLACEMENT;
            plen = 3;
            if (!len) len = 1;
        }
        if (o + plen > max) break;
        memcpy(out + o, piece, plen);
        o += plen;
        i += len;
    }
    if (i < n) o += (size_t)snprintf(out + o, cap - o, " [... %zu bytes cut]", n - i);
    out[o] = '\0';
    return out;
}

/* ---- the report with every string cleaned ---- */

typedef struct clean_q {
    char *id, *text, *output;
    double points, max_points;
} clean_q;

typedef struct clean_report {
    char *lab, *version, *submission, *message, *failure, *summary;
    clean_q *qs;
    int count;
    double score, max;
} clean_report;

static char *fmt_dup(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *fmt_dup(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!s) return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static bool clean_build(const lab_report *r, clean_report *c)
{
    memset(c, 0, sizeof *c);
    c->lab = lab_text_clean(r->lab ? r->lab : "?", 200);
    c->version = lab_text_clean(r->version ? r->version : "?", 100);
    c->submission = lab_text_clean(r->submission ? r->submission : "?", 300);
    c->message = lab_text_clean(r->message, FIELD_MAX);
    c->failure = lab_text_clean(r->failure, FIELD_MAX);
    c->qs = calloc((size_t)r->count + 1, sizeof *c->qs);
    if (!c->lab || !c->version || !c->submission || !c->message || !c->failure || !c->qs) return false;
    c->count = r->count;
    for (int i = 0; i < r->count; i++) {
        const lab_question *q = &r->questions[i];
        c->qs[i].id = lab_text_clean(q->id ? q->id : "?", 200);
        c->qs[i].text = lab_text_clean(q->text ? q->text : "", FIELD_MAX);
        c->qs[i].output = lab_text_clean(q->output ? q->output : "", FIELD_MAX);
        if (!c->qs[i].id || !c->qs[i].text || !c->qs[i].output) return false;
        c->qs[i].points = r->gradable ? q->points : 0;
        c->qs[i].max_points = q->max_points;
        c->score += c->qs[i].points;
        c->max += q->max_points;
    }
    if (!r->gradable)
        c->summary = fmt_dup("lab %s version %s seed %llu submission %s: not graded: %s", c->lab, c->version, r->seed,
                             c->submission, c->message);
    else
        c->summary = fmt_dup("lab %s version %s seed %llu submission %s: %.10g/%.10g points%s%s", c->lab, c->version,
                             r->seed, c->submission, c->score, c->max, c->failure[0] ? "; " : "", c->failure);
    return c->summary != NULL;
}

static void clean_free(clean_report *c)
{
    free(c->lab);
    free(c->version);
    free(c->submission);
    free(c->message);
    free(c->failure);
    free(c->summary);
    for (int i = 0; c->qs && i < c->count; i++) {
        free(c->qs[i].id);
        free(c->qs[i].text);
        free(c->qs[i].output);
    }
    free(c->qs);
}

/* ---- TAP 13 ---- */

/* One TAP line: a newline (or '#', which would start a directive in a test name) never reaches
 * the stream raw, so a name cannot end a line and inject "ok" lines. */
static void tap_text(FILE *f, const char *s, bool in_name)
{
    for (; *s; s++) {
        if (*s == '\n') fputs("\\n", f);
        else if (*s == '\t') fputc(' ', f);
        else if (in_name && *s == '#') fputs("\\#", f);
        else fputc(*s, f);
    }
}

static void yaml_string(FILE *f, const char *s)
{
    /* A JSON string is a YAML flow scalar; Jansson escapes it (and it is one line). */
    json_t *j = json_string(s);
    char *d = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
    fputs(d ? d : "\"\"", f);
    free(d);
    json_decref(j);
}

static void write_tap(FILE *f, const lab_report *r, const clean_report *c)
{
    fputs("TAP version 13\n# ", f);
    tap_text(f, c->summary, false);
    fputc('\n', f);
    if (!r->gradable) {
        fputs("1..0\nBail out! ", f);
        tap_text(f, c->message, false);
        fputc('\n', f);
        return;
    }
    fprintf(f, "1..%d\n", c->count);
    for (int i = 0; i < c->count; i++) {
        const clean_q *q = &c->qs[i];
        bool full = q->points >= q->max_points;
        fprintf(f, "%s %d - ", full ? "ok" : "not ok", i + 1);
        tap_text(f, q->id, true);
        fprintf(f, " (%.10g/%.10g)\n", q->points, q->max_points);
        if (!full) {
            fputs("  ---\n  message: ", f);
            yaml_string(f, q->output);
            fputs("\n  ...\n", f);
        }
    }
}

/* ---- JUnit XML ---- */

/* Text already clean (valid UTF-8, no control characters but \n and \t): escape markup, and
 * newlines and tabs as character references so attribute values keep them. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '\n': fputs("&#10;", f); break;
        case '\t': fputs("&#9;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void write_junit(FILE *f, const lab_report *r, const clean_report *c)
{
    int failures = 0;
    for (int i = 0; i < c->count; i++)
        if (c->qs[i].points < c->qs[i].max_points) failures++;
    int tests = r->gradable ? c->count : 1, errors = r->gradable ? 0 : 1;
    if (!r->gradable) failures = 0;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"", f);
    xml_text(f, c->lab);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n  <testsuite name=\"", tests, failures, errors);
    xml_text(f, c->lab);
    fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n", tests, failures, errors);
    fputs("    <properties>\n      <property name=\"version\" value=\"", f);
    xml_text(f, c->version);
    fprintf(f, "\"/>\n      <property name=\"seed\" value=\"%llu\"/>\n      <property name=\"submission\" value=\"", r->seed);
    xml_text(f, c->submission);
    fputs("\"/>\n    </properties>\n", f);
    if (!r->gradable) {
        fputs("    <testcase classname=\"", f);
        xml_text(f, c->lab);
        fputs("\" name=\"grading\">\n      <error message=\"not graded: ", f);
        xml_text(f, c->message);
        fputs("\"/>\n    </testcase>\n", f);
    } else {
        for (int i = 0; i < c->count; i++) {
            const clean_q *q = &c->qs[i];
            fputs("    <testcase classname=\"", f);
            xml_text(f, c->lab);
            fputs("\" name=\"", f);
            xml_text(f, q->id);
            fputs("\">\n", f);
            if (q->points < q->max_points) {
                fputs("      <failure message=\"", f);
                xml_text(f, q->output);
                fprintf(f, "\">%.10g/%.10g points</failure>\n", q->points, q->max_points);
            }
            fputs("      <system-out>", f);
            xml_text(f, q->output);
            fputs("</system-out>\n    </testcase>\n", f);
        }
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
}

/* ---- JSON (Jansson) ---- */

/* Integral values as JSON integers, so scores read "22", not "22.0". */
static json_t *json_num(double v)
{
    if (v == (double)(long long)v && v > -1e15 && v < 1e15) return json_integer((json_int_t)v);
    return json_real(v);
}

static json_t *json_str(const char *s)
{
    json_t *j = json_string(s);   /* NULL only for invalid UTF-8 (cleaned away) or no memory */
    return j ? j : json_string("");
}

static json_t *gradescope_json(const lab_report *r, const clean_report *c)
{
    json_t *tests = json_array();
    for (int i = 0; r->gradable && i < c->count; i++) {
        const clean_q *q = &c->qs[i];
        json_array_append_new(tests, json_pack("{s:o, s:o, s:o, s:o, s:s}", "name", json_str(q->id), "score",
                                               json_num(q->points), "max_score", json_num(q->max_points), "output",
                                               json_str(q->output), "visibility", "visible"));
    }
    json_t *extra = json_pack("{s:o, s:o, s:I, s:o, s:b, s:o}", "lab", json_str(c->lab), "version",
                              json_str(c->version), "seed", (json_int_t)r->seed, "submission", json_str(c->submission),
                              "gradable", r->gradable, "max_score", json_num(c->max));
    return json_pack("{s:o, s:o, s:s, s:s, s:o, s:o}", "score", json_num(r->gradable ? c->score : 0), "output",
                     json_str(c->summary), "visibility", "visible", "stdout_visibility", "hidden", "extra_data", extra,
                     "tests", tests);
}

static json_t *prairielearn_json(const lab_report *r, const clean_report *c)
{
    json_t *tests = json_array();
    for (int i = 0; r->gradable && i < c->count; i++) {
        const clean_q *q = &c->qs[i];
        json_array_append_new(tests, json_pack("{s:o, s:o, s:o, s:o, s:o, s:s}", "name", json_str(q->id),
                                               "description", json_str(q->text), "points", json_num(q->points),
                                               "max_points", json_num(q->max_points), "message", json_str(q->output),
                                               "output", ""));
    }
    double score = r->gradable && c->max > 0 ? c->score / c->max : 0.0;
    return json_pack("{s:b, s:o, s:o, s:o, s:o}", "gradable", r->gradable, "score", json_num(score), "message",
                     json_str(r->gradable ? c->failure : c->message), "output", json_str(c->summary), "tests", tests);
}

static bool write_json(FILE *f, json_t *j)
{
    if (!j) return false;
    /* Reals with 10 significant digits: the same text on every host, no 0.30000000000000004. */
    int rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(j);
    fputc('\n', f);
    return rc == 0;
}

char *lab_report_render(const lab_report *r, const char *format, size_t *len)
{
    clean_report c;
    char *buf = NULL;
    size_t n = 0;
    bool ok = clean_build(r, &c);
    FILE *f = ok ? open_memstream(&buf, &n) : NULL;
    if (f) {
        if (strcmp(format, "junit") == 0) write_junit(f, r, &c);
        else if (strcmp(format, "gradescope") == 0) ok = write_json(f, gradescope_json(r, &c));
        else if (strcmp(format, "prairielearn") == 0) ok = write_json(f, prairielearn_json(r, &c));
        else write_tap(f, r, &c);
        ok = fclose(f) == 0 && ok;
    } else
        ok = false;
    clean_free(&c);
    if (!ok) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

bool lab_report_write(const lab_report *r, const char *format, const char *path, char *err, size_t cap)
{
    size_t len = 0;
    char *buf = lab_report_render(r, format, &len);
    if (!buf) {
        snprintf(err, cap, "out of memory writing the %s result", format);
        return false;
    }
    FILE *f = path ? fopen(path, "wb") : stdout;
    if (!f) {
        snprintf(err, cap, "%s: cannot write", path);
        free(buf);
        return false;
    }
    bool ok = fwrite(buf, 1, len, f) == len;
    if (path) ok = fclose(f) == 0 && ok;
    else ok = fflush(f) == 0 && ok;
    free(buf);
    if (!ok) snprintf(err, cap, "%s: write failed", path ? path : "stdout");
    return ok;
}
