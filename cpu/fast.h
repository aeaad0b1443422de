/* Specialised handlers (ops_fast.c) and the decoder's choice among them. */
#ifndef VX86_CPU_FAST_H
#define VX86_CPU_FAST_H
#include "cpu/internal.h"
/* Returns the fastest handler equivalent to `fn` for this decoded form (may adjust `i`). */
cpu_handler cpu_specialize(cpu_handler fn, cpu_insn *i, bool flat_cs);
/* Generic handlers instantiated with the operand size (and operation) known: the semantics stay
 * in the one generic function (ops_alu.c), the compiler drops the size switches. */
void op_grp3_32(cpu *c, const cpu_insn *i);
void op_imul3_32(cpu *c, const cpu_insn *i);
void op_shl32(cpu *c, const cpu_insn *i);
void op_shr32(cpu *c, const cpu_insn *i);
void op_sar32(cpu *c, const cpu_insn *i);
void op_shl32_ri(cpu *c, const cpu_insn *i);
void op_shr32_ri(cpu *c, const cpu_insn *i);
void op_sar32_ri(cpu *c, const cpu_insn *i);
#endif
