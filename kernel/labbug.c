/* labbug.c: A DELIBERATE SECURITY HOLE, for the isolation lab (labs/isolation) only.
 *
 *   *** OFF unless the kernel command line says labbug=1. Without it the number below is just an
 *   *** unknown system call (-ENOSYS, as every number outside the table), and the kernel has no hole.
 *
 * With labbug=1, system call LABBUG_NR (far outside Linux's i386 numbers, which end below 500)
 * trusts a user-chosen kernel address -- the classic driver bug of a missing access_ok():
 *   labbug(LABBUG_READ,  addr, 0)     returns the 32-bit word at kernel address addr
 *   labbug(LABBUG_WRITE, addr, value) stores value there
 * Any process may call it, and namespaces do not help: a container's processes make their system
 * calls into the same kernel as the host's, so a container that calls it can rewrite the host's
 * memory (the lab changes the host's hostname, init_uts in containers/ns.c). A VM's processes call
 * their own guest kernel: the same exploit inside a VM rewrites only the guest. seccomp
 * (containers/seccomp.c) runs before the table, so a profile that does not allow LABBUG_NR blocks it.
 * An address that is not mapped faults in the kernel and panics, as such bugs do. */
#include "kernel/kernel.h"
#include "kernel/labbug.h"
#include "kernel/syscall.h"
#include "kernel/uapi/errno.h"

int labbug_enabled;                        /* main.c: labbug=1 */

long labbug_syscall(const struct syscall_args *a)
{
    if (!labbug_enabled)
        return -ENOSYS;
    volatile uint32_t *p = (volatile uint32_t *)a->arg[1];   /* THE BUG: no check that p is a user address */
    switch (a->arg[0]) {
    case LABBUG_READ:
        return (long)*p;
    case LABBUG_WRITE:
        *p = a->arg[2];
        return 0;
    default:
        return -EINVAL;
    }
}
