/* utsipc.c: UTS and IPC namespaces and setns(2) (namespaces(7), setns(2)). A child that
 * unshares CLONE_NEWUTS starts with its parent's host name and changes only its own; one that
 * unshares CLONE_NEWIPC no longer sees its parent's message queue, by key or by id, and its own
 * queue with the same key is invisible to the parent. /proc/self/ns links change with unshare
 * and come back after setns(2) on a descriptor opened before; the errors of each call. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "nsutil.h"

#define KEY 0x4e530011

struct m { long type; char text[8]; };

static const char *nodename(void)
{
    static struct utsname u;
    return uname(&u) == 0 ? u.nodename : "?";
}

static void yes(const char *what, int v) { printf("%s: %s\n", what, v ? "yes" : "no"); fflush(stdout); }

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    char host[65], uts0[64], ipc0[64], now[64];
    snprintf(host, sizeof host, "%s", nodename());
    nslink("uts", uts0, sizeof uts0);
    nslink("ipc", ipc0, sizeof ipc0);
    yes("uts link reads uts:[N]", strncmp(uts0, "uts:[", 5) == 0);
    int uts_fd = open("/proc/self/ns/uts", O_RDONLY);
    int ipc_fd = open("/proc/self/ns/ipc", O_RDONLY);
    struct stat a, b;
    yes("stat of the link is the open namespace", stat("/proc/self/ns/uts", &a) == 0 &&
        fstat(uts_fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev);

    int q = msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
    if (q < 0)
        die("msgget");
    struct m msg = { 1, "host" };
    SHOW("parent: msgsnd", msgsnd(q, &msg, sizeof msg.text, 0));

    pid_t c = fork();
    if (c == 0) {
        SHOW("child: unshare(CLONE_NEWUTS|CLONE_NEWIPC)", unshare(CLONE_NEWUTS | CLONE_NEWIPC));
        yes("child: host name copied", strcmp(nodename(), host) == 0);
        SHOW("child: sethostname", sethostname("inside", 6));
        printf("child: nodename %s\n", nodename());
        yes("child: uts link changed", strcmp(nslink("uts", now, sizeof now), uts0) != 0);
        yes("child: ipc link changed", strcmp(nslink("ipc", now, sizeof now), ipc0) != 0);
        SHOW("child: msgget parent's key", msgget(KEY, 0));
        struct msqid_ds ds;
        SHOW("child: msgctl parent's id IPC_STAT", msgctl(q, IPC_STAT, &ds));
        SHOW("child: msgrcv parent's id", msgrcv(q, &msg, sizeof msg.text, 0, IPC_NOWAIT));
        int mine = msgget(KEY, IPC_CREAT | IPC_EXCL | 0600);
        yes("child: same key creates its own queue", mine >= 0);
        struct m cm = { 2, "child" };
        SHOW("child: msgsnd own", msgsnd(mine, &cm, sizeof cm.text, 0));
        /* Back to the first namespaces through the descriptors opened before fork. */
        SHOW("child: setns(uts fd, CLONE_NEWIPC)", setns(uts_fd, CLONE_NEWIPC));
        SHOW("child: setns(-1, 0)", setns(-1, 0));
        int plain = open("/proc/self/status", O_RDONLY);
        SHOW("child: setns(a /proc file, 0)", setns(plain, 0));
        SHOW("child: setns(uts fd, CLONE_NEWUTS)", setns(uts_fd, CLONE_NEWUTS));
        SHOW("child: setns(ipc fd, 0)", setns(ipc_fd, 0));
        yes("child: uts link back", strcmp(nslink("uts", now, sizeof now), uts0) == 0);
        yes("child: ipc link back", strcmp(nslink("ipc", now, sizeof now), ipc0) == 0);
        yes("child: host name back", strcmp(nodename(), host) == 0);
        struct m got = { 0, "" };
        SHOW("child: msgrcv parent's queue after setns", msgrcv(q, &got, sizeof got.text, 0, IPC_NOWAIT));
        printf("child: received \"%s\"\n", got.text);
        SHOW("child: sethostname 65 bytes", sethostname("0123456789012345678901234567890123456789012345678901234567890123x", 65));
        SHOW("child: unshare(CLONE_VFORK)", unshare(CLONE_VFORK));
        _exit(0);
    }
    reap(c, "parent: child");
    yes("parent: host name unchanged", strcmp(nodename(), host) == 0);
    yes("parent: key names the first queue still", msgget(KEY, 0) == q);
    SHOW("parent: msgrcv (the child took it)", msgrcv(q, &msg, sizeof msg.text, 0, IPC_NOWAIT));
    SHOW("parent: msgctl IPC_RMID", msgctl(q, IPC_RMID, NULL));
    return 0;
}
