/* The `vx` Lua module and the programs built on it: the lab runner (`vx86 lab`), the grader
 * (`vx86 grade`) and a one-line Lua hook for front ends. Everything here drives the machine
 * through emu/machine.h only. */
#ifndef VX86_VXLUA_H
#define VX86_VXLUA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lua.h>

struct machine;

/* Open the `vx` module into L and leave it on the stack (also sets the global `vx`). */
int luaopen_vx(lua_State *L);

/* Push a "vx.machine" userdata wrapping an existing machine that Lua does not own (the TUI's):
 * :close() and garbage collection leave it alone. Serial output is not captured for it. */
void vxlua_push_borrowed_machine(lua_State *L, struct machine *m);

/* The front ends' `:` command line. ctx comes from vxlua_command_create(m) (m may be NULL);
 * the global `m` is the machine. Runs one Lua line (as an expression if it is one, so `m:regs().eip`
 * prints its value), writes what it printed or returned (or the error) into out, and returns false
 * on an error. Lines run with an instruction limit, so a loop cannot hang the front end. */
void *vxlua_command_create(struct machine *m);
bool vxlua_command(void *ctx, const char *line, char *out, size_t cap);
void vxlua_command_destroy(void *ctx);

/* `vx86 lab FILE [--seed N] [--solve] [--text] [--no-pause] [--save F]` and
 * `vx86 grade FILE --answers F [--seed N] [--format tap|junit|gradescope|prairielearn] [--out P]
 *  [--submission ID] [--cpu-limit S] [--time-limit S]`. argv[0] is the command name ("lab" /
 * "grade"). Exit status: lab 0 done, 1 the lab itself failed, 2 bad usage; grade 0 graded,
 * 2 not graded (a result file says why) or bad usage. `--help` prints the usage, exit 0. */
int lab_main(int argc, char **argv);
/* Where m:picture writes its SVGs (`vx86 lab --pictures DIR`); NULL or "" writes none. */
void vxlua_set_pictures_dir(const char *dir);
int grade_main(int argc, char **argv);

/* `vx86 lua SCRIPT [ARGS]`: run an instructor's Lua script with every standard library and the
 * `vx` module, as lua(1) does (the `arg` table, `...`, exit status from os.exit; 1 on an error).
 * Not sandboxed. argv[0] is "lua". */
int vxlua_script_main(int argc, char **argv);

/* ---- the seeded PRNG labs use: PCG32 (O'Neill's permuted congruential generator, XSH RR) ---- */
typedef struct vxlua_rng {
    uint64_t state, inc;
} vxlua_rng;
void vxlua_rng_seed(vxlua_rng *r, uint64_t seed, uint64_t stream);
uint32_t vxlua_rng_next(vxlua_rng *r);
/* Uniform in [lo, hi] (inclusive), without modulo bias. */
uint32_t vxlua_rng_range(vxlua_rng *r, uint32_t lo, uint32_t hi);

#endif
