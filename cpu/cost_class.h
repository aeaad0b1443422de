/* The classes of virtual time: what the CPU charges cycles for, one entry each in the
 * cost table. The CPU (cpu/cpu.h: cpu->cost[], the opcode table's cost column) and the cost table
 * (emu/costs.c: names, defaults, ranges, the cost-file parser) share this one enum. */
#ifndef VX86_CPU_COST_CLASS_H
#define VX86_CPU_COST_CLASS_H

typedef enum cpu_cost_class {
    COST_BASIC, COST_MUL, COST_DIV, COST_BRANCH, COST_STRING_ITER, COST_IO, COST_SYSTEM,
    COST_EXCEPTION, COST_PAGE_WALK_REF, COST_TLB_FLUSH, COST_VMRUN, COST_VMEXIT, COST_NESTED_WALK_REF,
    COST_CLASS_COUNT
} cpu_cost_class;

#endif
