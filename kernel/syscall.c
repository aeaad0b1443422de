/* syscall.c: the system-call table, indexed by Linux's i386 numbers (kernel/uapi/syscalls.h).
 * A number outside the table or without a handler returns -ENOSYS, as Linux does. A task with
 * seccomp filters runs them first (containers/seccomp.c), as Linux's syscall entry does. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uapi/errno.h"
#include "containers/seccomp.h"
#include "kernel/labbug.h"

/* Weak stubs: replaced by the real handler wherever one is linked in. */
#define SYSCALL_STUB_(nr, name) \
    __attribute__((weak)) long sys_##name(const struct syscall_args *a) { (void)a; return -ENOSYS; }
SYSCALL_LIST(SYSCALL_STUB_)
#undef SYSCALL_STUB_

static const syscall_fn syscall_table[SYSCALL_NR_MAX] = {
#define SYSCALL_ENTRY_(nr, name) [nr] = sys_##name,
    SYSCALL_LIST(SYSCALL_ENTRY_)
#undef SYSCALL_ENTRY_
};

static const char *const syscall_names[SYSCALL_NR_MAX] = {
#define SYSCALL_NAME_(nr, name) [nr] = #name,
    SYSCALL_LIST(SYSCALL_NAME_)
#undef SYSCALL_NAME_
};

const char *syscall_name(uint32_t nr)
{
    return nr < SYSCALL_NR_MAX && syscall_names[nr] ? syscall_names[nr] : "?";
}

void syscall_dispatch(struct trapframe *tf)
{
    uint32_t nr = tf->eax;
    struct syscall_args a = { { tf->ebx, tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp }, tf };
    long r = -ENOSYS;
    if (current->seccomp && seccomp_syscall_enter(tf))   /* filtered: containers/seccomp.c */
        return;
    if (nr < SYSCALL_NR_MAX && syscall_table[nr])
        r = syscall_table[nr](&a);
    else if (nr == LABBUG_NR)              /* the isolation lab's planted hole: -ENOSYS unless labbug=1 */
        r = labbug_syscall(&a);
    tf->eax = (uint32_t)r;
}
