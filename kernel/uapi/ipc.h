/* SysV IPC values for message queues (include/uapi/linux/ipc.h, msg.h) and the structures
 * msgctl(IPC_STAT | IPC_64) fills on i386 (include/uapi/asm-generic/ipcbuf.h, msgbuf.h: 32-bit
 * times split in low and high words; x86's __kernel_mode_t is 16 bits). */
#ifndef KERNEL_UAPI_IPC_H
#define KERNEL_UAPI_IPC_H

#include <stdint.h>

struct ipc64_perm {
    int32_t  key;
    uint32_t uid, gid, cuid, cgid;
    uint16_t mode;
    uint16_t __pad1;
    uint16_t seq;
    uint16_t __pad2;
    uint32_t __unused1, __unused2;
};

struct msqid64_ds {
    struct ipc64_perm msg_perm;
    uint32_t msg_stime, msg_stime_high;   /* last msgsnd */
    uint32_t msg_rtime, msg_rtime_high;   /* last msgrcv */
    uint32_t msg_ctime, msg_ctime_high;   /* last change */
    uint32_t msg_cbytes;                  /* bytes on the queue now */
    uint32_t msg_qnum;                    /* messages on the queue now */
    uint32_t msg_qbytes;                  /* the queue's byte limit */
    int32_t  msg_lspid, msg_lrpid;        /* last sender, last receiver */
    uint32_t __unused4, __unused5;
};
#if !defined(__x86_64__)
_Static_assert(sizeof(struct ipc64_perm) == 36, "ipc64_perm is 36 bytes on i386");
_Static_assert(sizeof(struct msqid64_ds) == 88, "msqid64_ds is 88 bytes on i386");
#endif

#define IPC_PRIVATE 0
#define IPC_CREAT  00001000
#define IPC_EXCL   00002000
#define IPC_NOWAIT 00004000
#define IPC_RMID 0
#define IPC_SET  1
#define IPC_STAT 2
#define IPC_INFO 3
#define IPC_64   0x0100     /* glibc ORs this into msgctl's cmd on i386 for the 64-bit layouts */
#define MSG_NOERROR 010000
#define MSG_EXCEPT  020000
#define MSGMAX 8192          /* Linux's default limit on one message's size */

#endif
