/* msgtest: System V message queues beyond the basics, as Linux does them: keys (EEXIST, ENOENT),
 * a receiver blocked until another process sends, negative msgtyp and MSG_EXCEPT, E2BIG and
 * MSG_NOERROR, a message larger than a page, a full queue (IPC_SET msg_qbytes, EAGAIN), and a
 * sleeper woken by IPC_RMID with EIDRM. Built natively too: Linux is the oracle. */
#define _GNU_SOURCE                        /* MSG_EXCEPT, as glibc wants it */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct m { long mtype; char text[9000]; };
static struct m s, r;

static void nap(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, 0);
}

static void put(int id, long type, const char *text) { s.mtype = type; strcpy(s.text, text); msgsnd(id, &s, strlen(text) + 1, 0); }

int main(void)
{
    key_t key = 0x70c0 + (getpid() & 0xff);
    int id = msgget(key, IPC_CREAT | IPC_EXCL | 0644);
    int again = msgget(key, IPC_CREAT | IPC_EXCL | 0644);
    int e = errno;
    printf("key: create %s, exclusive again: %d %s, lookup same id: %s\n", id >= 0 ? "ok" : "FAIL", again, strerror(e),
           msgget(key, 0) == id ? "yes" : "no");
    errno = 0;
    msgget(key + 1000, 0);
    printf("missing key without IPC_CREAT: %s\n", strerror(errno));

    fflush(stdout);                        /* before fork: a child must not repeat our buffer */
    pid_t pid = fork();
    if (pid == 0) {
        nap(100);
        put(id, 5, "from the child");
        _exit(0);
    }
    ssize_t n = msgrcv(id, &r, sizeof r.text, 5, 0);
    printf("blocked receive woke with %zd bytes: %s\n", n, r.text);
    waitpid(pid, 0, 0);

    put(id, 3, "three");
    put(id, 1, "one");
    put(id, 2, "two");
    msgrcv(id, &r, sizeof r.text, -2, 0);
    printf("msgtyp -2 takes the lowest type <= 2: %ld %s\n", r.mtype, r.text);
    msgrcv(id, &r, sizeof r.text, 3, MSG_EXCEPT);
    printf("MSG_EXCEPT 3 takes the first other: %ld %s\n", r.mtype, r.text);
    errno = 0;
    n = msgrcv(id, &r, 2, 0, 0);
    e = errno;
    printf("too small a buffer: %zd %s\n", n, strerror(e));
    n = msgrcv(id, &r, 2, 0, MSG_NOERROR);
    printf("MSG_NOERROR truncates: %zd %.2s\n", n, r.text);

    memset(s.text, 'x', 8192);
    s.mtype = 9;
    msgsnd(id, &s, 8192, 0);
    memset(r.text, 0, 8192);
    n = msgrcv(id, &r, sizeof r.text, 9, 0);
    int same = n == 8192 && r.text[0] == 'x' && r.text[8191] == 'x';
    printf("an 8192-byte message (two pages): %s\n", same ? "intact" : "DAMAGED");

    struct msqid_ds ds;
    msgctl(id, IPC_STAT, &ds);
    ds.msg_qbytes = 100;
    msgctl(id, IPC_SET, &ds);
    s.mtype = 1;
    int first = msgsnd(id, &s, 80, IPC_NOWAIT);
    errno = 0;
    int second = msgsnd(id, &s, 80, IPC_NOWAIT);
    e = errno;
    printf("queue limit 100 bytes: first %d, second %d %s\n", first, second, strerror(e));
    msgrcv(id, &r, sizeof r.text, 0, 0);

    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        errno = 0;
        n = msgrcv(id, &r, sizeof r.text, 77, 0);
        printf("a sleeper when the queue goes: %zd %s\n", n, strerror(errno));
        fflush(stdout);
        _exit(0);
    }
    nap(100);
    int removed = msgctl(id, IPC_RMID, 0);
    waitpid(pid, 0, 0);                    /* the sleeper's line first, on any machine */
    printf("remove: %d\n", removed);
    return 0;
}
