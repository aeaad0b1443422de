/* ps: one line per process from /proc/PID/status and /proc/PID/cmdline: PID, PPID, state, command.
 * (The namespace, cgroup and VM columns arrive with containers and VMs.) */
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
    printf("%5s %5s %s %s\n", "PID", "PPID", "S", "CMD");
    for (int i = 0; i < n; i++) {
        char path[64], status[2048], cmd[512], name[64], ppid[16], state[32];
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
        printf("%5d %5s %c %s\n", pids[i], field(status, "PPid", ppid, sizeof ppid),
               field(status, "State", state, sizeof state)[0], cmd);
    }
    return 0;
}
