/* The cost table of virtual time as data: how many cycles each instruction class and
 * each CPU event costs. One table of names in costs.c is read by the parser, `vx86 costs`, the
 * default file emu/costs.txt (a test keeps them equal) and the docs.
 *
 * File format: `# comment` lines, blank lines and `name = integer` lines; later lines override
 * earlier ones and names not given keep their defaults. */
#ifndef VX86_COSTS_H
#define VX86_COSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cpu/cost_class.h"   /* the entries: COST_BASIC ... COST_CLASS_COUNT, the CPU's own */

typedef struct costs {
    uint64_t cycles[COST_CLASS_COUNT];
} costs;

typedef struct costs_info {
    const char *name;        /* as written in cost files */
    uint64_t default_cycles;
    uint64_t min, max;       /* accepted range */
    const char *what;        /* one line for the docs */
} costs_info;

/* The table, indexed by cpu_cost_class. */
const costs_info *costs_table(void);
/* The id of a name, or -1. */
int costs_lookup(const char *name);

void costs_defaults(costs *c);
/* Set one entry by name, range-checked (for Lua). False with a one-line reason in err. */
bool costs_set(costs *c, const char *name, uint64_t cycles, char *err, size_t errlen);
/* Parse cost-file text over *c. `file` names the source in errors: "FILE:LINE: problem". */
bool costs_parse(costs *c, const char *text, const char *file, char *err, size_t errlen);
/* Read and parse a file ("FILE: cannot open: ..." if it cannot be read). */
bool costs_load(costs *c, const char *path, char *err, size_t errlen);
/* Write *c in the file format, each entry with its documentation: `vx86 costs` prints the
 * defaults this way and emu/costs.txt is exactly that output. */
void costs_write(FILE *out, const costs *c);

#endif
