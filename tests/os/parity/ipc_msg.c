/* SysV message queues: msgget, msgsnd, msgrcv by type, IPC_STAT fields, IPC_NOWAIT on an empty
 * queue, IPC_RMID and use after removal. (The queue is private and removed at the end.) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>
struct m { long mtype; char text[32]; };
int main(void)
{
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    printf("msgget ok %d\n", id >= 0);
    struct m a = { 2, "second type" }, b = { 1, "first type" }, r;
    printf("send %d %d\n", msgsnd(id, &a, sizeof a.text, 0), msgsnd(id, &b, sizeof b.text, 0));
    struct msqid_ds ds;
    int sr = msgctl(id, IPC_STAT, &ds);
    printf("stat %d qnum %lu lspid-is-me %d mode %o\n", sr, (unsigned long)ds.msg_qnum, ds.msg_lspid == getpid(), ds.msg_perm.mode & 0777);
    ssize_t n = msgrcv(id, &r, sizeof r.text, 1, 0);
    printf("recv type1 %d %ld %s\n", (int)n, r.mtype, r.text);
    n = msgrcv(id, &r, sizeof r.text, 0, 0);
    printf("recv any %d %ld %s\n", (int)n, r.mtype, r.text);
    n = msgrcv(id, &r, sizeof r.text, 0, IPC_NOWAIT);
    int e = errno;
    printf("empty %d %s\n", (int)n, strerror(e));
    printf("rmid %d\n", msgctl(id, IPC_RMID, 0));
    n = msgsnd(id, &a, sizeof a.text, 0);
    e = errno;
    printf("after rmid %d %s\n", (int)n, strerror(e));
    return 0;
}
