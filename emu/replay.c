/* Reverse execution: snapshots plus deterministic re-execution.
 *
 * The machine is deterministic: from one state, the same input at the same points gives the same
 * run, cycle for cycle, however the run is sliced. So the history of a run is kept as
 *   - checkpoints: whole-machine snapshots (emu/snapshot.c, in memory) every `interval` cycles,
 *     thinned out as they age so that they fit in `budget` bytes (the start is always kept);
 *   - the input log: every byte of guest input (COM1 receiver, keyboard) with the virtual time
 *     it entered the device. The machine only lets input in at instruction boundaries, and every
 *     boundary has its own cycle count (every instruction, interrupt and idle stretch costs at
 *     least one cycle), so the cycle count names the point exactly.
 * Going back to a point restores the nearest checkpoint before it and re-executes up to it, with
 * the logged input put back in at the logged points. While the machine is before the end of the
 * history ("the present") it is `replaying`: output is not printed or traced again, and host input
 * waits (machine.c); any run that reaches the present becomes live again there.
 *
 * Positions are cycle counts; "step back N instructions" is resolved to the first point at which
 * that many instructions had retired. */
#include "emu/replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/cpu.h"

/* Going back a long way leaves a checkpoint this many cycles (or instructions) before the target. */
#define REPLAY_NEAR 200000u

typedef struct checkpoint {
    uint64_t cycles, icount;
    size_t log_index;        /* input log entries from here on came after this snapshot */
    uint8_t *buf;
    size_t len;
} checkpoint;

typedef struct input_rec {
    uint64_t cycles;
    int kind;                /* MACHINE_INPUT_* */
    size_t len;
    uint8_t *bytes;
} input_rec;

typedef struct replay {
    machine *m;
    uint64_t interval;
    size_t budget;
    checkpoint *ck;
    size_t nck, ck_cap;
    input_rec *log;
    size_t nlog, log_cap;
    size_t bytes;            /* checkpoints plus logged input */
    size_t cursor;           /* replaying: the next log entry to put back */
    uint64_t end_cycles, end_icount;   /* the present: the furthest point reached */
    uint64_t next_ck;        /* live: the cycle from which the next checkpoint is due */
    char err[320];
    replay_stats st;
} replay;

static replay *get(const machine *m) { return machine_history_ctx(m); }

static uint64_t now_cycles(replay *r) { return machine_cycles(r->m); }

/* Live, the machine is at the present. */
static void sync_end(replay *r) {
    if (machine_replaying(r->m)) return;
    r->end_cycles = machine_cycles(r->m);
    r->end_icount = machine_instructions(r->m);
}

/* ---- checkpoints ---- */

static void drop_checkpoint(replay *r, size_t k) {
    r->bytes -= r->ck[k].len;
    free(r->ck[k].buf);
    memmove(&r->ck[k], &r->ck[k + 1], (r->nck - k - 1) * sizeof r->ck[0]);
    r->nck--;
    r->st.checkpoints_dropped++;
}

/* Over budget: drop the checkpoint whose loss widens the gap least relative to its age, so that
 * the spacing grows with distance from the present (recent steps back stay cheap). The start of
 * history and the newest checkpoint stay. */
static void thin_out(replay *r) {
    while (r->bytes > r->budget && r->nck > 2) {
        size_t best = 0;
        double best_score = 0;
        for (size_t k = 1; k + 1 < r->nck; k++) {
            double gap = (double)(r->ck[k + 1].cycles - r->ck[k - 1].cycles);
            double age = (double)(r->end_cycles - r->ck[k].cycles) + 1.0;
            double score = gap / age;
            if (!best || score < best_score) {
                best = k;
                best_score = score;
            }
        }
        drop_checkpoint(r, best);
    }
}

static bool take_checkpoint(replay *r) {
    if (r->nck == r->ck_cap) {
        size_t cap = r->ck_cap ? r->ck_cap * 2 : 64;
        checkpoint *p = realloc(r->ck, cap * sizeof *p);
        if (!p) {
            snprintf(r->err, sizeof r->err, "history: out of memory for checkpoints");
            return false;
        }
        r->ck = p;
        r->ck_cap = cap;
    }
    /* Live, input logged so far is in the state; replaying, what the cursor has put back. */
    bool live = !machine_replaying(r->m);
    checkpoint c = { .cycles = now_cycles(r), .icount = machine_instructions(r->m),
                     .log_index = live ? r->nlog : r->cursor };
    size_t at = r->nck;   /* in time order: replaying, a checkpoint goes between older ones */
    while (at > 0 && r->ck[at - 1].cycles >= c.cycles) at--;
    if (at < r->nck && r->ck[at].cycles == c.cycles) return true;   /* have it */
    char err[200];
    if (!machine_snapshot_to_buffer(r->m, &c.buf, &c.len, err, sizeof err)) {
        snprintf(r->err, sizeof r->err, "history: %s", err);
        return false;
    }
    memmove(&r->ck[at + 1], &r->ck[at], (r->nck - at) * sizeof r->ck[0]);
    r->ck[at] = c;
    r->nck++;
    r->bytes += c.len;
    r->st.checkpoints_taken++;
    if (live) r->next_ck = c.cycles + r->interval;
    else r->st.checkpoints_on_the_way++;
    thin_out(r);
    return true;
}

/* Latest checkpoint with cycles <= at (the first one if none). */
static size_t checkpoint_at_or_before(const replay *r, uint64_t at) {
    size_t lo = 0, hi = r->nck;   /* binary search: checkpoints are in time order */
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (r->ck[mid].cycles <= at) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* Put back the logged input due at this point; at the present, go live. */
static void arrive(replay *r) {
    uint64_t now = now_cycles(r);
    while (r->cursor < r->nlog && r->log[r->cursor].cycles <= now) {
        const input_rec *in = &r->log[r->cursor++];
        machine_inject_input(r->m, in->kind, in->bytes, in->len);
    }
    if (now >= r->end_cycles) machine_set_replaying(r->m, false);
}

static bool restore(replay *r, size_t k) {
    machine_set_replaying(r->m, true);
    char err[200];
    if (!machine_snapshot_from_buffer(r->m, r->ck[k].buf, r->ck[k].len, "checkpoint", err, sizeof err)) {
        snprintf(r->err, sizeof r->err, "history: %s", err);
        return false;
    }
    /* Debugger bookkeeping outside the snapshot: no breakpoint to pass, no watch hit pending. */
    cpu *c = machine_cpu(r->m);
    c->bp_skip = false;
    c->watch_hit = false;
    r->cursor = r->ck[k].log_index;
    r->st.restores++;
    arrive(r);
    return true;
}

/* ---- the machine's hooks ---- */

static void reset_history(replay *r);

static uint64_t hook_next_stop(void *ctx) {
    replay *r = ctx;
    if (!machine_replaying(r->m)) return r->next_ck;
    uint64_t at = r->end_cycles;
    if (r->cursor < r->nlog && r->log[r->cursor].cycles < at) at = r->log[r->cursor].cycles;
    return at;
}

static void hook_boundary(void *ctx) {
    replay *r = ctx;
    if (machine_replaying(r->m)) arrive(r);
    if (machine_replaying(r->m)) return;
    sync_end(r);
    if (now_cycles(r) >= r->next_ck && !take_checkpoint(r)) r->next_ck = now_cycles(r) + r->interval;
}

static void hook_input(void *ctx, int kind, const uint8_t *bytes, size_t len) {
    replay *r = ctx;
    sync_end(r);
    if (r->nlog == r->log_cap) {
        size_t cap = r->log_cap ? r->log_cap * 2 : 64;
        input_rec *p = realloc(r->log, cap * sizeof *p);
        if (!p) goto oom;
        r->log = p;
        r->log_cap = cap;
    }
    input_rec in = { .cycles = now_cycles(r), .kind = kind, .len = len, .bytes = malloc(len ? len : 1) };
    if (!in.bytes) goto oom;
    memcpy(in.bytes, bytes, len);
    r->log[r->nlog++] = in;
    r->bytes += len + sizeof in;
    return;
oom:
    /* The input went in but cannot be replayed: history before this point is useless. */
    reset_history(r);
    snprintf(r->err, sizeof r->err, "history: out of memory for the input log (history restarted)");
}

static void hook_modified(void *ctx) {
    replay *r = ctx;
    /* A debugger changed the machine: the recorded history no longer leads here. Begin again. */
    machine_set_replaying(r->m, false);
    reset_history(r);
}

static void free_history(replay *r) {
    for (size_t k = 0; k < r->nck; k++) free(r->ck[k].buf);
    for (size_t k = 0; k < r->nlog; k++) free(r->log[k].bytes);
    r->nck = r->nlog = 0;
    r->cursor = 0;
    r->bytes = 0;
}

static void reset_history(replay *r) {
    free_history(r);
    sync_end(r);
    take_checkpoint(r);
}

/* ---- the API ---- */

bool machine_history_enable(machine *m, uint64_t interval, size_t budget, char *err, size_t errlen) {
    machine_history_disable(m);
    replay *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "history: out of memory");
        return false;
    }
    r->m = m;
    r->interval = interval ? interval : MACHINE_HISTORY_INTERVAL;
    r->budget = budget ? budget : MACHINE_HISTORY_BUDGET;
    sync_end(r);
    if (!take_checkpoint(r)) {
        snprintf(err, errlen, "%s", r->err);
        free(r->ck);
        free(r);
        return false;
    }
    machine_history_hooks h = { r, hook_next_stop, hook_boundary, hook_input, hook_modified };
    machine_set_history_hooks(m, &h);
    return true;
}

void machine_history_disable(machine *m) {
    replay *r = get(m);
    if (!r) return;
    machine_set_history_hooks(m, NULL);
    free_history(r);
    free(r->ck);
    free(r->log);
    free(r);
}

bool machine_history_enabled(const machine *m) { return get(m) != NULL; }

const char *machine_history_error(const machine *m) {
    replay *r = get(m);
    return !r ? "no history (reverse execution is off)" : r->err[0] ? r->err : "no error";
}

void machine_history_get(const machine *m, machine_history_info *info) {
    memset(info, 0, sizeof *info);
    replay *r = get(m);
    if (!r) return;
    sync_end(r);
    info->enabled = true;
    info->begin_cycles = r->ck[0].cycles;
    info->begin_instructions = r->ck[0].icount;
    info->end_cycles = r->end_cycles;
    info->end_instructions = r->end_icount;
    info->in_past = machine_replaying(m);
    info->checkpoints = (int)r->nck;
    info->bytes = r->bytes;
    info->interval = r->interval;
}

void replay_get_stats(const machine *m, replay_stats *out) {
    replay *r = get(m);
    if (r) *out = r->st;
    else memset(out, 0, sizeof *out);
}

static bool ended(machine_stop why) {
    return why == MACHINE_STOP_EXIT || why == MACHINE_STOP_HALTED || why == MACHINE_STOP_SHUTDOWN;
}

/* Forward (re-executing) to exactly `at` cycles; stops at breakpoints on the way are passed. */
static bool run_to_cycles(replay *r, uint64_t at) {
    uint64_t c0 = now_cycles(r), i0 = machine_instructions(r->m);
    while (now_cycles(r) < at) {
        machine_stop why = machine_run(r->m, at - now_cycles(r));
        if (ended(why) && now_cycles(r) < at) {
            snprintf(r->err, sizeof r->err, "history: re-execution ended early at cycle %llu (wanted %llu)",
                     (unsigned long long)now_cycles(r), (unsigned long long)at);
            return false;
        }
    }
    r->st.replayed_cycles += now_cycles(r) - c0;
    r->st.replayed_instructions += machine_instructions(r->m) - i0;
    return now_cycles(r) == at;
}

machine_reverse replay_goto_cycles(machine *m, uint64_t at) {
    replay *r = get(m);
    if (!r) return MACHINE_REVERSE_ERROR;
    sync_end(r);
    if (at > r->end_cycles) at = r->end_cycles;
    if (at <= r->ck[0].cycles) return restore(r, 0) ? MACHINE_REVERSE_BEGIN : MACHINE_REVERSE_ERROR;
    if (at == now_cycles(r)) return MACHINE_REVERSE_OK;
    size_t k = checkpoint_at_or_before(r, at);
    /* Forward from here is cheaper when here is past that checkpoint. */
    if (!(now_cycles(r) < at && now_cycles(r) >= r->ck[k].cycles) && !restore(r, k)) return MACHINE_REVERSE_ERROR;
    /* A long way to re-execute: leave a checkpoint shortly before the target on the way, so that
     * going back a little further (the next step back) is cheap. */
    if (at - now_cycles(r) > 2 * REPLAY_NEAR && run_to_cycles(r, at - REPLAY_NEAR)) take_checkpoint(r);
    if (!run_to_cycles(r, at)) {
        if (!r->err[0]) snprintf(r->err, sizeof r->err, "history: cycle %llu is not a point of this run",
                                 (unsigned long long)at);
        return MACHINE_REVERSE_ERROR;
    }
    return MACHINE_REVERSE_OK;
}

machine_reverse replay_goto_instructions(machine *m, uint64_t target) {
    replay *r = get(m);
    if (!r) return MACHINE_REVERSE_ERROR;
    sync_end(r);
    if (target > r->end_icount) target = r->end_icount;
    if (target <= r->ck[0].icount) return restore(r, 0) ? MACHINE_REVERSE_BEGIN : MACHINE_REVERSE_ERROR;
    /* The latest checkpoint before the instruction that makes the count `target` retired. */
    size_t k = 0;
    for (size_t j = r->nck; j-- > 0;)
        if (r->ck[j].icount < target) { k = j; break; }
    uint64_t here = machine_instructions(m);
    if (!(here < target && now_cycles(r) >= r->ck[k].cycles) && !restore(r, k)) return MACHINE_REVERSE_ERROR;
    uint64_t c0 = now_cycles(r), i0 = machine_instructions(m);
    /* Each instruction costs at least one cycle, so a run of (target - count) cycles cannot pass
     * the target; it stops exactly there when it gets there. A long way: a checkpoint on the way,
     * REPLAY_NEAR instructions before the target, as in replay_goto_cycles. */
    bool near_taken = target - machine_instructions(m) <= 2 * REPLAY_NEAR;
    while (machine_instructions(m) < target) {
        if (!near_taken && target - machine_instructions(m) <= REPLAY_NEAR) {
            take_checkpoint(r);
            near_taken = true;
        }
        uint64_t left = target - machine_instructions(m);
        if (!near_taken) left -= REPLAY_NEAR;
        machine_stop why = machine_run(m, left);
        if (ended(why) && machine_instructions(m) < target) {
            snprintf(r->err, sizeof r->err, "history: re-execution ended early at instruction %llu",
                     (unsigned long long)machine_instructions(m));
            return MACHINE_REVERSE_ERROR;
        }
    }
    r->st.replayed_cycles += now_cycles(r) - c0;
    r->st.replayed_instructions += machine_instructions(m) - i0;
    return MACHINE_REVERSE_OK;
}

machine_reverse machine_step_back(machine *m, uint64_t n) {
    replay *r = get(m);
    if (!r) return MACHINE_REVERSE_ERROR;
    uint64_t here = machine_instructions(m);
    if (n > here - r->ck[0].icount) return replay_goto_instructions(m, 0);
    machine_reverse res = replay_goto_instructions(m, here - n);
    if (res == MACHINE_REVERSE_OK && machine_instructions(m) == r->ck[0].icount &&
        machine_cycles(m) == r->ck[0].cycles)
        res = MACHINE_REVERSE_BEGIN;
    return res;
}

/* One stretch [from checkpoint k, to `until`) re-executed with the debugger's breakpoints and
 * watchpoints; the last hit before `before` is kept in *hit_at / *hit. */
static bool scan(replay *r, size_t k, uint64_t until, uint64_t before, uint64_t *hit_at, machine_break_info *hit,
                 bool *found) {
    if (!restore(r, k)) return false;
    while (now_cycles(r) < until) {
        machine_stop why = machine_run(r->m, until - now_cycles(r));
        if (why == MACHINE_STOP_BREAK && now_cycles(r) < before) {
            machine_break_info bi;
            machine_last_break(r->m, &bi);
            if (bi.kind == MACHINE_BREAK_BREAKPOINT || bi.kind == MACHINE_BREAK_WATCHPOINT) {
                *hit_at = now_cycles(r);
                *hit = bi;
                *found = true;
            }
        } else if (ended(why)) {
            break;
        }
    }
    return true;
}

machine_reverse machine_reverse_continue(machine *m) {
    replay *r = get(m);
    if (!r) return MACHINE_REVERSE_ERROR;
    sync_end(r);
    const cpu *c = machine_cpu(m);
    uint64_t here = now_cycles(r);
    if (c->bp_count || c->watch_count) {
        uint64_t seg_end = here;
        size_t k = checkpoint_at_or_before(r, here);
        if (r->ck[k].cycles == here && k > 0) k--;
        for (;;) {
            if (r->ck[k].cycles >= here && k == 0) break;   /* already at the start */
            uint64_t hit_at = 0;
            machine_break_info hit;
            bool found = false;
            if (!scan(r, k, seg_end, here, &hit_at, &hit, &found)) return MACHINE_REVERSE_ERROR;
            if (found) {
                if (replay_goto_cycles(m, hit_at) != MACHINE_REVERSE_OK) return MACHINE_REVERSE_ERROR;
                machine_set_last_break(m, &hit);
                if (hit.kind == MACHINE_BREAK_BREAKPOINT) {
                    /* As after a forward stop there: the next run executes the instruction. */
                    cpu *cw = machine_cpu(m);
                    cw->bp_skip = true;
                    cw->bp_skip_eip = cw->eip;
                }
                return MACHINE_REVERSE_BREAK;
            }
            if (k == 0) break;
            seg_end = r->ck[k].cycles;
            k--;
        }
    }
    return restore(r, 0) ? MACHINE_REVERSE_BEGIN : MACHINE_REVERSE_ERROR;
}
