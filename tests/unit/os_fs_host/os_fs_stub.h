/* What the host stand-ins (stub.c) expose to test_os_fs.c. */
#ifndef OS_FS_STUB_H
#define OS_FS_STUB_H

#include <stdint.h>

#include "kernel/proc.h"

#define HOST_UBASE     0x10000000u     /* the fake user address space starts here */
#define HOST_UMEM_SIZE (1u << 20)
#define HOST_NPROC     4

struct proc;
extern uint8_t host_umem[HOST_UMEM_SIZE];
extern struct proc host_procs[HOST_NPROC];
extern struct proc *host_cur;
extern int host_last_signal, host_last_signal_pid;
extern char host_console_out[4096];
extern uint32_t host_console_len;
extern const char *host_console_in;
extern uint32_t host_kmalloc_live;

#endif
