#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H
#include "../../../uapi/syscalls.h"
enum {
#define OS_SYS_(n, name) SYS_##name = n,
    SYSCALL_LIST(OS_SYS_)
#undef OS_SYS_
};
#endif
