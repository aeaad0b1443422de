/* uaccess.h: the only way kernel code touches user memory. Each call checks that the range
 * lies below KERNBASE, walks the current process's page table, faults in demand-zero stack and
 * heap pages, breaks copy-on-write for writes, and copies through the kernel's direct map.
 * A kernel address, an unmapped page or a length that wraps is -EFAULT, never a kernel fault. */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <stdint.h>

int copyin(void *kdst, uint32_t usrc, uint32_t n);          /* 0 or -EFAULT */
int copyout(uint32_t udst, const void *ksrc, uint32_t n);   /* 0 or -EFAULT (honours COW) */
int copyinstr(char *kdst, uint32_t usrc, uint32_t max);     /* length, -EFAULT, -ENAMETOOLONG */
/* A NULL-terminated user array of string pointers (argv, envp) into a kernel page:
 * returns the count, -EFAULT, or -E2BIG when they do not fit in cap bytes. */
int copyin_strv(uint32_t uvec, char *kbuf, uint32_t cap, char **kptrs, int maxptrs);

#endif
