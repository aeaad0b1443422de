/* syscall.h: the system-call interface inside the kernel. int 0x80 with the Linux i386
 * convention: EAX = number (Linux's, from kernel/uapi), EBX ECX EDX ESI EDI EBP = arguments,
 * the result (or -errno) back in EAX. Every system call has the one signature below. */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <stdint.h>

#include "kernel/uapi/syscalls.h"

struct trapframe;
struct syscall_args {
    uint32_t arg[6];
    struct trapframe *tf;                  /* for fork/execve/sigreturn, which change user state */
};
typedef long (*syscall_fn)(const struct syscall_args *a);   /* returns value or -errno */

/* Dispatch tf->eax; bad numbers return -ENOSYS. Called by trap.c with interrupts on. */
void syscall_dispatch(struct trapframe *tf);
/* The name of a number, for traces and strace-like output ("?" when unknown). */
const char *syscall_name(uint32_t nr);

/* Every handler, declared once from the uapi list (kernel/uapi/syscalls.h): sys_NAME for each
 * X(number, NAME). syscall.c defines a weak -ENOSYS stub for each, so the kernel links while an
 * owner's file is not there yet; the real definition (sys_proc.c, sys_file.c, ...) replaces the
 * stub at link time. A new call is one line in the uapi list plus its handler. */
#define SYSCALL_DECLARE_(nr, name) long sys_##name(const struct syscall_args *a);
SYSCALL_LIST(SYSCALL_DECLARE_)
#undef SYSCALL_DECLARE_

#endif
