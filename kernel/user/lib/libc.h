/* Internal to the C library: the raw system call and the -errno convention. */
#ifndef OS_LIBC_H
#define OS_LIBC_H
#include <errno.h>
#include "../../uapi/syscalls.h"

long __syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* A return in [-4095, -1] is -errno: store it and answer -1, as every libc wrapper does. */
static inline long __sysret(long r)
{
    if ((unsigned long)r > (unsigned long)-ERRNO_MAX - 1) {
        errno = (int)-r;
        return -1;
    }
    return r;
}
#define SYS0(n) __sysret(__syscall(__NR_##n, 0, 0, 0, 0, 0, 0))
#define SYS1(n, a) __sysret(__syscall(__NR_##n, (long)(a), 0, 0, 0, 0, 0))
#define SYS2(n, a, b) __sysret(__syscall(__NR_##n, (long)(a), (long)(b), 0, 0, 0, 0))
#define SYS3(n, a, b, c) __sysret(__syscall(__NR_##n, (long)(a), (long)(b), (long)(c), 0, 0, 0))
#define SYS4(n, a, b, c, d) __sysret(__syscall(__NR_##n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0))
#define SYS5(n, a, b, c, d, e) __sysret(__syscall(__NR_##n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0))

void __stdio_init(void);
void __stdio_flush_all(void);
#endif
