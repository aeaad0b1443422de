/* Declarations of every instruction handler named in opcodes.def. */
#ifndef VX86_CPU_HANDLERS_H
#define VX86_CPU_HANDLERS_H
#include "cpu/internal.h"
#define OP(opc, reg, mod, mn, fl, cost, h) void h(cpu *c, const cpu_insn *i);
#include "cpu/opcodes.def"
#undef OP
#endif
