/* Reverse execution: snapshots plus deterministic re-execution (emu/replay.c).
 *
 * Front ends use machine.h's machine_history_* / machine_step_back / machine_reverse_continue.
 * This header adds what tests and measurements need on top: going to an exact position of the
 * recorded history, and counters of the work a step back did. */
#ifndef VX86_REPLAY_H
#define VX86_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "emu/machine.h"

/* Go to the state the run had at virtual time `cycles` (a point it stopped at or passed through:
 * every instruction boundary and every idle stop is one), between the start of history and the
 * present. MACHINE_REVERSE_BEGIN if cycles is before the start (the machine goes there). */
machine_reverse replay_goto_cycles(machine *m, uint64_t cycles);
/* Go to the first point where `instructions` instructions had retired. */
machine_reverse replay_goto_instructions(machine *m, uint64_t instructions);

/* What the last going-back did: snapshots restored, cycles and instructions re-executed. */
typedef struct replay_stats {
    uint64_t restores;
    uint64_t replayed_cycles;
    uint64_t replayed_instructions;
    uint64_t checkpoints_taken;   /* since the history began */
    uint64_t checkpoints_dropped; /* thinned out to stay under the budget */
    uint64_t checkpoints_on_the_way; /* left shortly before a far target while going back */
} replay_stats;
void replay_get_stats(const machine *m, replay_stats *out);

#endif
