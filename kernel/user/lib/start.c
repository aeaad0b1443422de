/* __libc_start: called by crt0 with what execve put on the stack. */
#include <stdlib.h>
#include <unistd.h>
#include "libc.h"

int errno;
char **environ;
int main(int argc, char **argv, char **envp);

_Noreturn void __libc_start(int argc, char **argv, char **envp)
{
    environ = envp;
    __stdio_init();
    exit(main(argc, argv, envp));
}

#define ATEXIT_MAX 32
static void (*atexit_fns[ATEXIT_MAX])(void);
static int atexit_count;

int atexit(void (*fn)(void))
{
    if (atexit_count == ATEXIT_MAX)
        return -1;
    atexit_fns[atexit_count++] = fn;
    return 0;
}

_Noreturn void exit(int status)
{
    while (atexit_count > 0)
        atexit_fns[--atexit_count]();
    __stdio_flush_all();
    _exit(status);
}

_Noreturn void _Exit(int status) { _exit(status); }

_Noreturn void _exit(int status)
{
    for (;;)
        __syscall(__NR_exit_group, status, 0, 0, 0, 0, 0);
}
