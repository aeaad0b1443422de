/* SysV IPC permissions with glibc's field names over the kernel's struct ipc64_perm. */
#ifndef _SYS_IPC_H
#define _SYS_IPC_H
#include <stddef.h>
#include <sys/types.h>
#include "../../../uapi/ipc.h"
struct ipc_perm {
    key_t __key;
    uid_t uid;
    gid_t gid;
    uid_t cuid;
    gid_t cgid;
    unsigned short mode;
    unsigned short __pad1;
    unsigned short __seq;
    unsigned short __pad2;
    unsigned long __glibc_reserved1, __glibc_reserved2;
};
_Static_assert(sizeof(struct ipc_perm) == sizeof(struct ipc64_perm), "ipc_perm is the kernel's ipc64_perm");
_Static_assert(offsetof(struct ipc_perm, mode) == offsetof(struct ipc64_perm, mode), "ipc_perm.mode");
#endif
