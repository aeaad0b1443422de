/* SysV IPC values for message queues (include/uapi/linux/ipc.h, msg.h). */
#ifndef KERNEL_UAPI_IPC_H
#define KERNEL_UAPI_IPC_H

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
