/* Specialised handlers (ops_fast.c) and the decoder's choice among them. */
#ifndef VX86_CPU_FAST_H
#define VX86_CPU_FAST_H
#include "cpu/internal.h"
/* Returns the fastest handler equivalent to `fn` for this decoded form (may adjust `i`). */
cpu_handler cpu_specialize(cpu_handler fn, cpu_insn *i, bool flat_cs);
#endif
