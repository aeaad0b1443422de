#ifndef _SYS_MSG_H
#define _SYS_MSG_H
#include <sys/types.h>
#include "../../../uapi/ipc.h"
struct msqid_ds;  /* IPC_STAT layouts are not modelled yet: pass NULL with IPC_RMID */
int msgget(key_t key, int flags);
int msgsnd(int id, const void *msg, size_t size, int flags);
ssize_t msgrcv(int id, void *msg, size_t size, long type, int flags);
int msgctl(int id, int cmd, struct msqid_ds *buf);
#endif
