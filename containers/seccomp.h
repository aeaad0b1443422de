/* seccomp.h: system-call filters (seccomp.c), the kernel's side. */
#ifndef CONTAINERS_SECCOMP_H
#define CONTAINERS_SECCOMP_H

#include <stdint.h>

struct proc;
struct trapframe;
/* At system-call entry of a task with filters: 1 when the filters decided the call (tf->eax holds
 * its result: -errno), 0 to run it. A KILL action does not return. */
int seccomp_syscall_enter(struct trapframe *tf);
void seccomp_fork(struct proc *child, struct proc *parent);   /* share the chain */
void seccomp_release(struct proc *p);                          /* drop it (reap) */
uint32_t seccomp_insns(const struct proc *p);                  /* instructions run per call */

#endif
