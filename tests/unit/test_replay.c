/* Reverse execution (emu/replay.c): stepping back then forward is bit-identical to never having
 * stepped back, and debugger watchpoints (set and removed at random on the recorded machine only)
 * change nothing.
 *
 * Each guest image of the project (the guest suites at -O0/-O2/-Os, the examples, the tasks
 * kernel, the demo) runs twice in lockstep: once with history on, once straight (no history),
 * in the same random slices and with the same random serial input and keys at the same stops. At
 * random stops the history machine steps back a random number of instructions (or goes back to
 * an earlier stop), and then runs forward to the stop again. The oracles, all compared as whole
 * snapshots (registers, RAM, devices, timers, cycle and instruction counts):
 *   - after going back to an earlier stop: the snapshot the run took there;
 *   - after stepping back k instructions: exactly k fewer instructions retired (or the start);
 *   - after going forward again: the snapshot taken before stepping back;
 *   - at every stop: the straight machine (so recording itself changes nothing);
 *   - at the end: the guest's serial output equals the straight run's (nothing printed twice,
 *     input replayed identically).
 * Then reverse-continue against the hits a forward run reports, and the edges (start of history,
 * a debugger changing memory, input typed while in the past, thinning under a small budget). */
#include <check.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/loader.h"
#include "emu/machine.h"
#include "emu/replay.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Per image: stops in the run, and cases (step back + forward) at them. Under ASan fewer. */
#define CASES_PER_IMAGE (SANITIZED ? 6 : 30)
#define RUN_CYCLES_MAX (SANITIZED ? 3000000ull : 30000000ull)
#define RAM (4u << 20)

typedef struct outbuf {
    char *p;
    size_t len, cap;
} outbuf;

static void out_byte(void *ctx, uint8_t b) {
    outbuf *o = ctx;
    if (o->len == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 4096;
        o->p = realloc(o->p, o->cap);
        ck_assert_ptr_nonnull(o->p);
    }
    o->p[o->len++] = (char)b;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static uint64_t rnd_below(uint64_t n) { return n ? rnd() % n : 0; }

static machine *make(const char *image, outbuf *out) {
    machine_config cfg = { .kernel = image, .memory_bytes = RAM, .serial_out = out_byte, .serial_ctx = out,
                           .trace_capacity = 1024 };
    char err[256];
    machine *m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

typedef struct snap {
    uint8_t *buf;
    size_t len;
} snap;

static snap take(machine *m) {
    snap s;
    char err[256];
    ck_assert_msg(machine_snapshot_to_buffer(m, &s.buf, &s.len, err, sizeof err), "%s", err);
    return s;
}

static void assert_same(machine *m, snap want, const char *image, const char *what) {
    snap got = take(m);
    ck_assert_msg(got.len == want.len && !memcmp(got.buf, want.buf, got.len),
                  "%s: %s: state differs (snapshot %zu vs %zu bytes) at cycle %llu", image, what, got.len,
                  want.len, (unsigned long long)machine_cycles(m));
    free(got.buf);
}

static bool ended(machine_stop why) {
    return why == MACHINE_STOP_EXIT || why == MACHINE_STOP_HALTED || why == MACHINE_STOP_SHUTDOWN;
}

/* Forward to exactly `cycles` (re-executing the history up to the present). */
static void forward_to(machine *m, uint64_t cycles) {
    while (machine_cycles(m) < cycles) {
        machine_stop why = machine_run(m, cycles - machine_cycles(m));
        ck_assert_msg(!ended(why) || machine_cycles(m) >= cycles, "run ended at %llu before %llu",
                      (unsigned long long)machine_cycles(m), (unsigned long long)cycles);
    }
    ck_assert_uint_eq(machine_cycles(m), cycles);
}

static int total_cases;
static uint64_t on_the_way, dropped;   /* both paths of the checkpoint list were exercised */

typedef struct stop_rec {
    uint64_t cycles, icount;
    snap s;
} stop_rec;

/* One image: the lockstep run with step-back cases at random stops. */
static int run_image(const char *image) {
    outbuf out_h = { 0 }, out_s = { 0 };
    machine *h = make(image, &out_h), *s = make(image, &out_s);
    /* checkpoints often (the guests are short), and sometimes a tight budget to force thinning */
    uint64_t interval = 20000 + rnd_below(1200000);
    size_t budget = rnd_below(3) == 0 ? (size_t)300 << 10 : 0;
    char err[256];
    ck_assert_msg(machine_history_enable(h, interval, budget, err, sizeof err), "%s", err);

    enum { KEEP = 6 };
    stop_rec kept[KEEP];
    int nkept = 0;
    int cases = 0;
    uint32_t watches[4][3];
    int nwatch = 0;
    machine_stop why = MACHINE_STOP_LIMIT;
    for (int stop = 0; cases < CASES_PER_IMAGE && !ended(why) && machine_cycles(h) < RUN_CYCLES_MAX; stop++) {
        static const uint64_t SCALE[] = { 300, 5000, 40000, 400000 };
        uint64_t slice = 1 + rnd_below(SCALE[rnd_below(4)]);
        /* The history machine sometimes has watchpoints (the straight one never): their stops are
         * passed, and the machines must still agree at every stop (a watchpoint changes nothing). */
        uint64_t target = machine_cycles(h) + slice;
        do why = machine_run(h, target - machine_cycles(h));
        while (why == MACHINE_STOP_BREAK && machine_cycles(h) < target);
        if (why == MACHINE_STOP_BREAK) why = MACHINE_STOP_LIMIT;
        machine_stop why_s = machine_run(s, slice);
        ck_assert_int_eq(why, why_s);
        if (rnd_below(6) == 0) {
            machine_regs r;
            machine_get_regs(h, &r);
            if (nwatch == 4 || (nwatch && rnd_below(2))) {
                nwatch--;
                ck_assert(machine_remove_watchpoint(h, watches[nwatch][0], watches[nwatch][1], (int)watches[nwatch][2]));
            } else {
                /* near the stack (written all the time) or anywhere in the image's first megabyte */
                uint32_t a = rnd_below(2) ? r.gpr[R_ESP] - 4 * (uint32_t)rnd_below(64) : 0x100000u + (uint32_t)rnd_below(1u << 20);
                uint32_t kind = 1 + (uint32_t)rnd_below(3), len = 1 + (uint32_t)rnd_below(8);
                ck_assert(machine_add_watchpoint(h, a, len, (int)kind));
                watches[nwatch][0] = a;
                watches[nwatch][1] = len;
                watches[nwatch][2] = kind;
                nwatch++;
            }
        }
        ck_assert_uint_eq(machine_cycles(h), machine_cycles(s));
        /* some input at this stop, the same for both */
        if (rnd_below(5) == 0) {
            char text[8];
            int n = 1 + (int)rnd_below(6);
            for (int k = 0; k < n; k++) text[k] = (char)('a' + rnd_below(26));
            text[n] = rnd_below(3) == 0 ? '\n' : 0;
            text[n + 1] = 0;
            ck_assert(machine_serial_input(h, (const uint8_t *)text, strlen(text)));
            ck_assert(machine_serial_input(s, (const uint8_t *)text, strlen(text)));
        }
        if (rnd_below(9) == 0) {
            machine_type_keys(h, "ok\n");
            machine_type_keys(s, "ok\n");
        }
        snap here = take(h);
        {
            snap straight = take(s);
            ck_assert_msg(here.len == straight.len && !memcmp(here.buf, straight.buf, here.len),
                          "%s: recording changed the run at cycle %llu", image, (unsigned long long)machine_cycles(h));
            free(straight.buf);
        }
        uint64_t pc = machine_cycles(h), pi = machine_instructions(h);
        if (ended(why) || rnd_below(4) != 0) {
            machine_history_info info;
            machine_history_get(h, &info);
            ck_assert(!info.in_past);
            ck_assert_uint_eq(info.end_cycles, pc);
            /* Case: step back k instructions, then forward to here. */
            uint64_t span = pi - info.begin_instructions;
            uint64_t k = 1 + rnd_below(rnd_below(3) == 0 ? span + 10 : (span < 3000 ? span + 1 : 3000));
            machine_reverse r = machine_step_back(h, k);
            if (k <= span && r == MACHINE_REVERSE_OK) {
                ck_assert_uint_eq(machine_instructions(h), pi - k);
            } else {
                ck_assert_msg(r == MACHINE_REVERSE_BEGIN, "%s: step back %llu of %llu gave %d (%s)", image,
                              (unsigned long long)k, (unsigned long long)span, (int)r, machine_history_error(h));
                ck_assert_uint_eq(machine_cycles(h), info.begin_cycles);
            }
            machine_history_get(h, &info);
            ck_assert(info.in_past || machine_cycles(h) == pc);
            /* Case: back to an earlier stop: exactly the state the run had there. */
            if (nkept && rnd_below(2) == 0) {
                stop_rec *e = &kept[rnd_below((uint64_t)nkept)];
                if (e->cycles >= info.begin_cycles) {
                    machine_reverse g = replay_goto_cycles(h, e->cycles);
                    ck_assert_msg(g == MACHINE_REVERSE_OK || (g == MACHINE_REVERSE_BEGIN && e->cycles == info.begin_cycles),
                                  "%s: goto %llu: %s", image, (unsigned long long)e->cycles, machine_history_error(h));
                    assert_same(h, e->s, image, "back at an earlier stop");
                    ck_assert_uint_eq(machine_instructions(h), e->icount);
                }
            }
            forward_to(h, pc);
            assert_same(h, here, image, "stepped back and forward again");
            machine_history_get(h, &info);
            ck_assert(!info.in_past);
            cases++;
        }
        if (nkept == KEEP) {
            free(kept[0].s.buf);
            memmove(kept, kept + 1, sizeof kept[0] * (KEEP - 1));
            nkept--;
        }
        kept[nkept++] = (stop_rec){ pc, pi, here };
    }
    for (int k = 0; k < nkept; k++) free(kept[k].s.buf);
    ck_assert_msg(out_h.len == out_s.len && (!out_h.len || !memcmp(out_h.p, out_s.p, out_h.len)),
                  "%s: serial output differs from the straight run's (%zu vs %zu bytes)", image, out_h.len, out_s.len);
    replay_stats st;
    replay_get_stats(h, &st);
    ck_assert_uint_gt(st.checkpoints_taken, 0);
    on_the_way += st.checkpoints_on_the_way;
    dropped += st.checkpoints_dropped;
    machine_destroy(h);
    machine_destroy(s);
    free(out_h.p);
    free(out_s.p);
    return cases;
}

static glob_t images;

static void find_images(void) {
    const char *patterns[] = { "build/guest/suite/*.elf", "build/examples/*.elf", "build/guest/tasks/tasks.elf",
                               "build/guest/demo.elf" };
    int flags = 0;
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        glob(patterns[k], flags, NULL, &images);
        flags = GLOB_APPEND;
    }
}

START_TEST(step_back_then_forward_is_identical) {
    find_images();
    ck_assert_msg(images.gl_pathc >= 30, "test_replay: the guest images are missing (found %zu; run `make all`)",
                  images.gl_pathc);
    size_t step = SANITIZED ? 3 : 1;   /* under ASan every third image */
    for (size_t k = 0; k < images.gl_pathc; k += step) {
        /* short guests end before they give enough stops: run them again, sliced differently */
        int cases = 0;
        for (int round = 0; round < 6 && cases < CASES_PER_IMAGE; round++) cases += run_image(images.gl_pathv[k]);
        total_cases += cases;
    }
    fprintf(stderr, "test_replay: %d step-back cases on %zu images\n", total_cases,
            (images.gl_pathc + step - 1) / step);
    ck_assert_int_ge(total_cases, SANITIZED ? 60 : 1000);
    fprintf(stderr, "test_replay: %llu checkpoints left on the way back, %llu thinned out\n",
            (unsigned long long)on_the_way, (unsigned long long)dropped);

    globfree(&images);
}
END_TEST

static uint32_t symbol(machine *m, const char *name) {
    const loader_symbols *syms = machine_symbols(m);
    ck_assert_ptr_nonnull(syms);
    const loader_symbol *s = loader_sym_lookup_name(syms, name);
    ck_assert_msg(s != NULL, "no symbol %s", name);
    return s->addr;
}

/* Forward, the hits of the breakpoint/watchpoint set on m; then backwards, the same in reverse. */
static void reverse_continue_matches_forward(machine *m, const char *what) {
    enum { MAXHITS = 64 };
    uint64_t at[MAXHITS];
    uint32_t eip[MAXHITS];
    int n = 0;
    machine_stop why;
    while ((why = machine_run(m, 2000000)) == MACHINE_STOP_BREAK || why == MACHINE_STOP_LIMIT) {
        if (why != MACHINE_STOP_BREAK) continue;
        if (n == MAXHITS) break;
        machine_regs r;
        machine_get_regs(m, &r);
        at[n] = machine_cycles(m);
        eip[n++] = r.eip;
    }
    ck_assert_msg(n >= 3, "%s: only %d hits", what, n);
    uint64_t end = machine_cycles(m);
    for (int k = n - 1; k >= 0; k--) {
        machine_reverse r = machine_reverse_continue(m);
        ck_assert_msg(r == MACHINE_REVERSE_BREAK, "%s: reverse continue %d gave %d (%s)", what, k, (int)r,
                      machine_history_error(m));
        machine_regs regs;
        machine_get_regs(m, &regs);
        ck_assert_uint_eq(machine_cycles(m), at[k]);
        ck_assert_uint_eq(regs.eip, eip[k]);
    }
    ck_assert_int_eq(machine_reverse_continue(m), MACHINE_REVERSE_BEGIN);
    machine_history_info info;
    machine_history_get(m, &info);
    ck_assert_uint_eq(machine_cycles(m), info.begin_cycles);
    /* forward again, through the same hits, to the present */
    for (int k = 0; k < n; k++) {
        why = machine_run(m, end - machine_cycles(m));
        ck_assert_int_eq(why, MACHINE_STOP_BREAK);
        ck_assert_uint_eq(machine_cycles(m), at[k]);
    }
}

START_TEST(reverse_continue_breakpoints) {
    outbuf out = { 0 };
    machine *m = make("build/guest/suite/format-O2.elf", &out);
    char err[256];
    ck_assert(machine_history_enable(m, 50000, 0, err, sizeof err));
    ck_assert(machine_add_breakpoint(m, symbol(m, "format_integer")));
    reverse_continue_matches_forward(m, "breakpoint on format_integer");
    machine_destroy(m);
    free(out.p);
}
END_TEST

START_TEST(reverse_continue_watchpoints) {
    outbuf out = { 0 };
    machine *m = make("build/guest/suite/format-O2.elf", &out);
    char err[256];
    /* a stack word the guest writes again and again: just below the entry stack pointer */
    machine_regs r;
    ck_assert(machine_add_breakpoint(m, symbol(m, "main")));
    ck_assert_int_eq(machine_run(m, 10000000), MACHINE_STOP_BREAK);
    machine_get_regs(m, &r);
    machine_remove_breakpoint(m, symbol(m, "main"));
    ck_assert(machine_history_enable(m, 30000, 0, err, sizeof err));
    ck_assert(machine_add_watchpoint(m, r.gpr[R_ESP] - 64, 4, MACHINE_WATCH_WRITE));
    reverse_continue_matches_forward(m, "write watchpoint on the stack");
    machine_destroy(m);
    free(out.p);
}
END_TEST

/* A tight budget keeps only the start and the newest checkpoint; a long way back then leaves a
 * checkpoint near the target, and the next step back starts from it. */
START_TEST(thinning_and_checkpoints_on_the_way) {
    outbuf out = { 0 };
    machine *m = make("build/guest/suite/sort-O2.elf", &out);
    char err[256];
    ck_assert(machine_history_enable(m, 3000000, 1, err, sizeof err));
    ck_assert_int_eq(machine_run(m, 20000000), MACHINE_STOP_LIMIT);
    machine_history_info info;
    machine_history_get(m, &info);
    ck_assert_int_eq(info.checkpoints, 2);
    replay_stats st;
    replay_get_stats(m, &st);
    ck_assert_uint_ge(st.checkpoints_dropped, 4);
    uint64_t end = machine_cycles(m), icount = machine_instructions(m);
    snap here = take(m);
    ck_assert_int_eq(machine_step_back(m, 1), MACHINE_REVERSE_OK);
    ck_assert_uint_eq(machine_instructions(m), icount - 1);
    replay_get_stats(m, &st);
    ck_assert_uint_eq(st.checkpoints_on_the_way, 1);
    uint64_t replayed = st.replayed_instructions;
    ck_assert_int_eq(machine_step_back(m, 1), MACHINE_REVERSE_OK);
    replay_get_stats(m, &st);
    ck_assert_uint_le(st.replayed_instructions - replayed, 200000);   /* from the one on the way */
    forward_to(m, end);
    assert_same(m, here, "sort-O2", "forward after two steps back");
    free(here.buf);
    machine_destroy(m);
    free(out.p);
}
END_TEST

START_TEST(edges) {
    outbuf out = { 0 };
    machine *m = make("build/examples/login.elf", &out);
    char err[256];
    ck_assert_int_eq(machine_step_back(m, 1), MACHINE_REVERSE_ERROR);   /* history off */
    ck_assert(machine_history_enable(m, 100000, 0, err, sizeof err));
    ck_assert_int_eq(machine_step_back(m, 1), MACHINE_REVERSE_BEGIN);   /* nothing ran yet */
    ck_assert_int_eq(machine_run(m, 3000000), MACHINE_STOP_LIMIT);      /* waiting at login: */
    size_t printed = out.len;
    ck_assert_int_eq(machine_step_back(m, 100000), MACHINE_REVERSE_OK);
    ck_assert_uint_eq(out.len, printed);                                 /* nothing printed twice */
    /* typed while in the past: held, and given to the guest when the run reaches the present */
    ck_assert(machine_serial_input(m, (const uint8_t *)"ada\n", 4));
    machine_history_info info;
    machine_history_get(m, &info);
    ck_assert(info.in_past);
    ck_assert_int_eq(machine_run(m, 20000000), MACHINE_STOP_EXIT);
    out_byte(&out, 0);
    ck_assert_msg(strstr(out.p, "login: ada\nwelcome, ada.") != NULL, "output: %s", out.p);
    ck_assert_ptr_null(strstr(strstr(out.p, "login:") + 1, "login:"));
    /* and going back over the input and forward again replays it */
    uint64_t end = machine_cycles(m);
    snap fin = take(m);
    ck_assert_int_eq(machine_step_back(m, 1000000000000ull), MACHINE_REVERSE_BEGIN);
    forward_to(m, end);
    assert_same(m, fin, "login", "replayed input");
    free(fin.buf);
    /* a debugger changing memory starts a new history there */
    ck_assert_int_eq(machine_step_back(m, 50), MACHINE_REVERSE_OK);
    uint8_t b = 0x5a;
    ck_assert(machine_write_phys(m, 0x1000, &b, 1));
    machine_history_get(m, &info);
    ck_assert(!info.in_past);
    ck_assert_uint_eq(info.begin_cycles, machine_cycles(m));
    ck_assert_int_eq(machine_step_back(m, 1), MACHINE_REVERSE_BEGIN);
    machine_destroy(m);
    free(out.p);
}
END_TEST

static Suite *replay_suite(void) {
    Suite *s = suite_create("replay");
    TCase *t = tcase_create("replay");
    tcase_set_timeout(t, 600);
    tcase_add_test(t, step_back_then_forward_is_identical);
    tcase_add_test(t, reverse_continue_breakpoints);
    tcase_add_test(t, reverse_continue_watchpoints);
    tcase_add_test(t, thinning_and_checkpoints_on_the_way);
    tcase_add_test(t, edges);
    suite_add_tcase(s, t);
    return s;
}

int main(void) {
    const char *seed = getenv("REPLAY_SEED");
    if (seed) rng_state = strtoull(seed, NULL, 0) | 1;
    SRunner *r = srunner_create(replay_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
