/* uaccess.c: copying between the kernel and the current process's memory. Each page is looked
 * up in the process's own page table (vm_user_pa), so a bad pointer is an error return, never
 * a fault inside the kernel; the copy itself goes through the kernel's direct map. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"

static int range_ok(uint32_t u, uint32_t n)
{
    return u + n >= u && u + n <= KERNBASE;
}

static int copy(void *k, uint32_t u, uint32_t n, int to_user)
{
    if (!range_ok(u, n))
        return -EFAULT;
    struct proc *p = current;
    if (!p->pgdir)
        return -EFAULT;
    while (n) {
        uint32_t pa = vm_user_pa(p, u, to_user);
        if (!pa)
            return -EFAULT;
        uint32_t chunk = PAGE_SIZE - (u & (PAGE_SIZE - 1));
        if (chunk > n)
            chunk = n;
        if (to_user)
            memcpy(P2V(pa), k, chunk);
        else
            memcpy(k, P2V(pa), chunk);
        k = (char *)k + chunk;
        u += chunk;
        n -= chunk;
    }
    return 0;
}

int copyin(void *kdst, uint32_t usrc, uint32_t n) { return copy(kdst, usrc, n, 0); }
int copyout(uint32_t udst, const void *ksrc, uint32_t n) { return copy((void *)ksrc, udst, n, 1); }

int copyinstr(char *kdst, uint32_t usrc, uint32_t max)
{
    struct proc *p = current;
    uint32_t i = 0;
    while (i < max) {
        uint32_t u = usrc + i;
        if (u < usrc || u >= KERNBASE || !p->pgdir)
            return -EFAULT;
        uint32_t pa = vm_user_pa(p, u, 0);
        if (!pa)
            return -EFAULT;
        const char *s = P2V(pa);
        /* Up to the end of this page in one go. */
        for (uint32_t room = PAGE_SIZE - (u & (PAGE_SIZE - 1)); room && i < max; room--, i++) {
            kdst[i] = *s++;
            if (!kdst[i])
                return (int)i;
        }
    }
    return -ENAMETOOLONG;
}

int copyin_strv(uint32_t uvec, char *kbuf, uint32_t cap, char **kptrs, int maxptrs)
{
    uint32_t used = 0;
    for (int n = 0;; n++) {
        uint32_t uptr;
        if (copyin(&uptr, uvec + 4 * (uint32_t)n, 4) < 0)
            return -EFAULT;
        if (!uptr) {
            kptrs[n] = NULL;
            return n;
        }
        if (n + 1 >= maxptrs || used >= cap)
            return -E2BIG;
        int len = copyinstr(kbuf + used, uptr, cap - used);
        if (len == -ENAMETOOLONG)
            return -E2BIG;
        if (len < 0)
            return len;
        kptrs[n] = kbuf + used;
        used += (uint32_t)len + 1;
    }
}
