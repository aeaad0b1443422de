/* The debug console and debug-exit ports QEMU and Bochs share, as guest code sees them.
 * One definition for the device model (devices/debugport.c) and for guest code
 * (kernel/lib/runtime.c). Freestanding: macros only.
 * - DEBUGPORT_CONSOLE (0xE9, Bochs): a byte written goes to the console; a read returns 0xE9;
 * - DEBUGPORT_EXIT (0xF4, QEMU isa-debug-exit, 4 ports): writing v ends the run with host exit
 *   status (v << 1) | 1. */
#ifndef VX86_DEBUGPORT_ABI_H
#define VX86_DEBUGPORT_ABI_H

#define DEBUGPORT_CONSOLE   0xE9
#define DEBUGPORT_EXIT      0xF4
#define DEBUGPORT_EXIT_SIZE 4

#endif
