/* isolation.c (issue 11, acceptance 5): a process started by clone(2) with CLONE_NEWPID,
 * CLONE_NEWNS, CLONE_NEWIPC and CLONE_NEWUTS, in its own root (pivot_root into a tmpfs, the old
 * root detached) with its own /proc, tries to reach the host: its processes through /proc and
 * kill(2), its files by path, its message queue by key and by id. Every try gets the error
 * Linux gives; /proc shows the container's own tasks only, numbered from 1, NSpid one level. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include "nsutil.h"

#define DIR_ "/tmp/isolation-parity"
#define KEY 0x4e530022

struct host { pid_t pid; int qid; };

static void see(const char *path) { struct stat st; printf("%s: %s\n", path, stat(path, &st) == 0 ? "exists" : errname(errno)); fflush(stdout); }

static void list_proc(void)
{
    DIR *d = opendir("/proc");
    int pids[64], n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL && n < 64)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
            pids[n++] = atoi(e->d_name);
    if (d)
        closedir(d);
    for (int i = 1; i < n; i++)      /* insertion sort: readdir's order is the file system's */
        for (int j = i; j > 0 && pids[j - 1] > pids[j]; j--) {
            int t = pids[j]; pids[j] = pids[j - 1]; pids[j - 1] = t;
        }
    printf("/proc lists:");
    for (int i = 0; i < n; i++)
        printf(" %d", pids[i]);
    printf("\n");
    fflush(stdout);
}

static void status_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[128];
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "Pid:", 4) || !strncmp(line, "PPid:", 5) || !strncmp(line, "NSpid:", 6))
            printf("%s %s", path, line);
    if (f)
        fclose(f);
    fflush(stdout);
}

static int container(void *arg)
{
    struct host *h = arg;
    char path[64];
    printf("getpid %d getppid %d\n", getpid(), getppid());
    SHOW("mount / MS_REC|MS_PRIVATE", mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL));
    SHOW("mount tmpfs", mount("tmpfs", DIR_, "tmpfs", 0, NULL));
    if (mkdir(DIR_ "/old", 0755) < 0 || mkdir(DIR_ "/proc", 0755) < 0 || chdir(DIR_) < 0)
        die("mkdir");
    SHOW("pivot_root", syscall(SYS_pivot_root, ".", "old"));
    SHOW("chdir /", chdir("/"));
    SHOW("umount2 /old MNT_DETACH", umount2("/old", MNT_DETACH));
    SHOW("mount proc", mount("proc", "/proc", "proc", 0, NULL));
    pid_t kid = fork();              /* a second task in the container: pid 2 */
    if (kid == 0) {
        sleep(100);
        _exit(0);
    }
    list_proc();
    char self[16] = "";
    ssize_t n = readlink("/proc/self", self, sizeof self - 1);
    self[n < 0 ? 0 : n] = 0;
    printf("/proc/self -> %s\n", self);
    status_lines("/proc/self/status");
    status_lines("/proc/2/status");
    snprintf(path, sizeof path, "/proc/%d", h->pid);
    printf("host pid's /proc entry: %s\n", access(path, F_OK) == 0 ? "exists" : errname(errno));
    SHOW("kill(host pid, 0)", kill(h->pid, 0));
    SHOW("kill(host pid, SIGKILL)", kill(h->pid, SIGKILL));
    SHOW("kill(-1, 0) reaches the container's pid 2 only", kill(-1, 0));
    SHOW("kill(2, SIGKILL)", kill(2, SIGKILL));
    reap(kid, "container: pid 2");
    SHOW("kill(-1, 0) with no other task", kill(-1, 0));
    see("/old/bin");
    see("/bin/sh");
    see("/tmp");
    see(DIR_);
    SHOW("msgget host key", msgget(KEY, 0));
    struct msqid_ds ds;
    SHOW("msgctl host id IPC_STAT", msgctl(h->qid, IPC_STAT, &ds));
    SHOW("msgctl host id IPC_RMID", msgctl(h->qid, IPC_RMID, NULL));
    return 0;
}

static char stack[64 * 1024] __attribute__((aligned(16)));

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct host h = { getpid(), msgget(KEY, IPC_CREAT | IPC_EXCL | 0600) };
    if (h.qid < 0)
        die("msgget");
    mkdir(DIR_, 0755);
    pid_t c = clone(container, stack + sizeof stack,
                    CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD, &h);
    if (c < 0)
        die("clone");
    reap(c, "host: container");
    struct msqid_ds ds;
    SHOW("host: msgctl IPC_STAT (queue untouched)", msgctl(h.qid, IPC_STAT, &ds));
    SHOW("host: msgctl IPC_RMID", msgctl(h.qid, IPC_RMID, NULL));
    SHOW("host: rmdir", rmdir(DIR_));
    SHOW("host: clone(CLONE_NEWNS|CLONE_FS)",
         clone(container, stack + sizeof stack, CLONE_NEWNS | CLONE_FS | SIGCHLD, &h));
    return 0;
}
