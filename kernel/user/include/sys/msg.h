/* SysV message queues: msgget/msgsnd/msgrcv/msgctl (the i386 direct system calls 399-402) and
 * struct msqid_ds with glibc's names over the kernel's struct msqid64_ds (msgctl passes IPC_64). */
#ifndef _SYS_MSG_H
#define _SYS_MSG_H
#include <sys/ipc.h>
typedef unsigned long msgqnum_t;
typedef unsigned long msglen_t;
struct msqid_ds {
    struct ipc_perm msg_perm;
    time_t msg_stime;
    unsigned long __msg_stime_high;
    time_t msg_rtime;
    unsigned long __msg_rtime_high;
    time_t msg_ctime;
    unsigned long __msg_ctime_high;
    unsigned long __msg_cbytes;
    msgqnum_t msg_qnum;
    msglen_t msg_qbytes;
    pid_t msg_lspid;
    pid_t msg_lrpid;
    unsigned long __glibc_reserved4, __glibc_reserved5;
};
_Static_assert(sizeof(struct msqid_ds) == sizeof(struct msqid64_ds), "msqid_ds is the kernel's msqid64_ds");
_Static_assert(offsetof(struct msqid_ds, msg_qnum) == offsetof(struct msqid64_ds, msg_qnum), "msg_qnum");
_Static_assert(offsetof(struct msqid_ds, msg_lrpid) == offsetof(struct msqid64_ds, msg_lrpid), "msg_lrpid");
struct msgbuf { long mtype; char mtext[1]; };
int msgget(key_t key, int flags);
int msgsnd(int id, const void *msg, size_t size, int flags);
ssize_t msgrcv(int id, void *msg, size_t size, long type, int flags);
int msgctl(int id, int cmd, struct msqid_ds *buf);
#endif
