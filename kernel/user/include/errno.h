/* errno: the C library stores a system call's -errno return here (values in kernel/uapi). */
#ifndef _ERRNO_H
#define _ERRNO_H
#include "../../uapi/errno.h"
extern int errno;
#endif
