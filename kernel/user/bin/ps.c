/* ps: one line per process from /proc/PID/status, /proc/PID/cgroup and /proc/PID/cmdline: PID,
 * PPID, state, NS-PID (the pid inside the process's own PID namespace: the last NSpid field, as
 * procps's -o pidns shows the namespace), CGROUP (the cgroup v2 path, procps's -o cgroup), VM
 * (the virtual machine whose vCPU the process runs, from the hypervisor's registry /proc/vms; as on
 * Linux, the tasks inside a VM are the guest kernel's and only its own ps sees them), command. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "catfile.h"

static const char *field(const char *text, const char *name, char *out, size_t size)
{
    const char *p = text;
    size_t n = strlen(name);
    while (p && *p) {
        if (!strncmp(p, name, n) && p[n] == ':') {
            p += n + 1;
            while (*p == ' ' || *p == '\t')
                p++;
            size_t i = 0;
            while (*p && *p != '\n' && i + 1 < size)
                out[i++] = *p++;
            out[i] = 0;
            return out;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    strcpy(out, "?");
    return out;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* /proc/vms has a line "vm ID pid PID ..." per VM: the VM a process runs, or 0. */
static int vm_of(const char *vms, int pid)
{
    for (const char *p = vms; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p) {
        int id, owner;
        if (sscanf(p, "vm %d pid %d", &id, &owner) == 2 && owner == pid)
            return id;
    }
    return 0;
}

int main(void)
{
    DIR *d = opendir("/proc");
    if (!d) {
        fprintf(stderr, "ps: /proc: %s\n", strerror(errno));
        return 1;
    }
    int pids[1024], n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 1024)
        if (isdigit((unsigned char)e->d_name[0]))
            pids[n++] = atoi(e->d_name);
    closedir(d);
    qsort(pids, (size_t)n, sizeof(int), cmp_int);
    static char vms[4096];
    if (read_file("/proc/vms", vms, sizeof vms) < 0)
        vms[0] = 0;                /* a kernel without the hypervisor */
    printf("%5s %5s %s %6s %-12s %-4s %s\n", "PID", "PPID", "S", "NS-PID", "CGROUP", "VM", "CMD");
    for (int i = 0; i < n; i++) {
        char path[64], status[2048], cmd[512], name[64], ppid[16], state[32], nspid[64], cg[128];
        snprintf(path, sizeof path, "/proc/%d/status", pids[i]);
        if (read_file(path, status, sizeof status) < 0)
            continue;   /* exited meanwhile */
        snprintf(path, sizeof path, "/proc/%d/cmdline", pids[i]);
        int len = read_file(path, cmd, sizeof cmd);
        for (int k = 0; k < len - 1; k++)
            if (!cmd[k])
                cmd[k] = ' ';
        if (len <= 0)
            snprintf(cmd, sizeof cmd, "[%s]", field(status, "Name", name, sizeof name));
        snprintf(path, sizeof path, "/proc/%d/cgroup", pids[i]);
        if (read_file(path, cg, sizeof cg) < 3 || strncmp(cg, "0::", 3))
            strcpy(cg, "0::-");
        cg[strcspn(cg, "\n")] = 0;
        const char *ns = strrchr(field(status, "NSpid", nspid, sizeof nspid), '\t');
        char vm[16] = "-";
        int id = vm_of(vms, pids[i]);
        if (id)
            snprintf(vm, sizeof vm, "vm%d", id);
        printf("%5d %5s %c %6s %-12s %-4s %s\n", pids[i], field(status, "PPid", ppid, sizeof ppid),
               field(status, "State", state, sizeof state)[0], ns ? ns + 1 : nspid, cg + 3, vm, cmd);
    }
    return 0;
}
