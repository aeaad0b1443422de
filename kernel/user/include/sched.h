#ifndef _SCHED_H
#define _SCHED_H
#include <sys/types.h>
#include "../../uapi/sched.h"
int sched_yield(void);
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
int unshare(int flags);
int setns(int fd, int nstype);
#endif
