/* labbug.h: the isolation lab's planted bug (labbug.c) -- off unless the command line says labbug=1. */
#ifndef KERNEL_LABBUG_H
#define KERNEL_LABBUG_H

#define LABBUG_NR    1000                  /* outside Linux's i386 numbers */
#define LABBUG_READ  0
#define LABBUG_WRITE 1

#ifndef __ASSEMBLER__
struct syscall_args;
extern int labbug_enabled;
long labbug_syscall(const struct syscall_args *a);   /* -ENOSYS when off */
/* hyperv/labvenom.c: the planted floppy-FIFO overflow (VENOM), on the same flag. */
#define LABVENOM_PORT 0x3F5                /* the floppy controller's data FIFO */
int labvenom_out(unsigned char v);         /* a guest's OUT to LABVENOM_PORT: 0 (no exit to the VMM) */
#endif

#endif
