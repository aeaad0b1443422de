/* The plain-text lab UI (lab_ui.h): the `--text` walk-through, and whatever is not a terminal.
 * Its output is what tests/labs/run.sh scripts against, so it stays byte for byte the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/lua/lab_ui.h"

typedef struct text_ui {
    lab_ui base;
    bool solve;
    bool input_eof;
} text_ui;

/* In --solve mode every narrative line is a comment, so the output is a reference answers file. */
static void text_say(lab_ui *ui, const char *text)
{
    text_ui *t = (text_ui *)ui;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        printf("%s%.*s\n", t->solve ? (n ? "# " : "#") : "", (int)n, p);
        p += n + (nl ? 1 : 0);
    }
}

static void text_step(lab_ui *ui, int index, int count, const char *title)
{
    (void)count;
    char head[512];
    snprintf(head, sizeof head, "\n-- Step %d: %s --", index, title);
    text_say(ui, head);
}

static void text_picture(lab_ui *ui, const char *title, const char *text)
{
    (void)title;
    text_say(ui, text);
}

static void text_machine(lab_ui *ui, const lab_ui_machine *m)
{
    (void)ui, (void)m;
}

static bool read_line(text_ui *t, char *buf, size_t cap)
{
    if (t->input_eof) return false;
    fflush(stdout);
    if (!fgets(buf, (int)cap, stdin)) {
        t->input_eof = true;
        return false;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return true;
}

static bool text_ask(lab_ui *ui, const char *id, const char *text, double points, char *answer, size_t cap)
{
    text_ui *t = (text_ui *)ui;
    char line[1024];
    snprintf(line, sizeof line, "\nQ %s (%g point%s): %s", id, points, points == 1 ? "" : "s", text ? text : "");
    text_say(ui, line);
    printf("> ");
    if (!read_line(t, answer, cap)) return false;
    printf("%s\n", answer);
    return true;
}

static void text_feedback(lab_ui *ui, bool answered, bool correct, const char *expected, double score, double max)
{
    (void)ui, (void)score, (void)max;
    if (!answered) printf("(no answer)\n  the answer is %s\n", expected);
    else if (correct) printf("  correct\n");
    else printf("  not quite: the answer is %s\n", expected);
}

static void text_pause(lab_ui *ui, bool last)
{
    if (last) return;
    char dummy[64];
    printf("[Enter to continue] ");
    read_line((text_ui *)ui, dummy, sizeof dummy);
}

static bool text_quit_requested(lab_ui *ui)
{
    (void)ui;
    return false;
}

static void text_destroy(lab_ui *ui)
{
    free(ui);
}

static const lab_ui_ops TEXT_OPS = { text_say,  text_step,  text_picture,        text_machine, text_ask,
                                     text_feedback, text_pause, text_quit_requested, text_destroy };

lab_ui *lab_ui_text_create(bool solve, bool pause)
{
    text_ui *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->base.ops = &TEXT_OPS;
    t->base.pauses = pause;
    t->solve = solve;
    return &t->base;
}
