/* ctr.c -- a small container tool with Docker's commands, flags, messages and exit statuses
 * (Docker's CLI reference: 125 the tool failed, 126 the command cannot be run, 127 it was not
 * found, else the command's own status). run and exec are in run.c, images in image.c; here are
 * the state files and the commands that read them: ps, stop, kill, rm, logs, inspect, stats, diff
 * (commit.c: commit).
 *   ctr run [--rm] [-d] [--name N] [--hostname H] [-e K=V] [--memory SIZE] [--cpus N.NN]
 *           [--cpu-shares N] [--pids-limit N] [--security-opt seccomp=PROFILE] IMAGE [CMD ARGS...]
 *   ctr ps [-a] | exec NAME CMD... | stop [-t S] NAME | kill [-s SIG] NAME | rm [-f] NAME
 *   ctr logs NAME | images | inspect NAME | stats | diff NAME | commit NAME IMAGE */
#include <dirent.h>
#include <stdarg.h>
#include <time.h>
#include "ctr.h"

void die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    if (fd >= 0)
        close(fd);
    return ok ? 0 : -1;
}

int read_file(const char *path, char *buf, int n)
{
    int fd = open(path, O_RDONLY), len = 0, r;
    while (fd >= 0 && len < n - 1 && (r = (int)read(fd, buf + len, (size_t)(n - 1 - len))) > 0)
        len += r;
    if (fd >= 0)
        close(fd);
    buf[len] = 0;
    return fd < 0 ? -1 : len;
}

void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char sub[400];
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            if (unlink(sub) < 0)
                rm_tree(sub);
        }
    if (d)
        closedir(d);
    rmdir(path);
}

/* One trace record per step: Linux's trace_marker (tracefs), which the toy OS turns into a
 * LAB_MARK record of the vx86 probe. Opened once, close-on-exec, so it survives pivot_root. */
void mark(const char *step)
{
    static int fd = -2;
    if (fd == -2) {
        mkdir("/sys/kernel", 0755);
        mkdir("/sys/kernel/tracing", 0755);
        if ((fd = open("/sys/kernel/tracing/trace_marker", O_WRONLY | O_CLOEXEC)) < 0 &&
            mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0)
            fd = open("/sys/kernel/tracing/trace_marker", O_WRONLY | O_CLOEXEC);
    }
    if (fd >= 0)
        dprintf(fd, "ctr %s", step);
}

/* ---- state files ---- */

void state_save(const struct ctr *c)
{
    char path[128], tmp[140];
    snprintf(path, sizeof path, CTR_ROOT "/containers/%s/state", c->name);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    fprintf(f, "id=%s\nname=%s\nimage=%s\nhostname=%s\nstatus=%s\ncmd=%s\nlower=%s\npid=%ld\n"
            "exit=%ld\nrm=%ld\nmemory=%ld\ncpus=%ld\nshares=%ld\npids=%ld\n", c->id, c->name,
            c->image, c->hostname, c->status, c->cmd, c->lower, c->pid, c->exitcode, c->rm,
            c->memory, c->cpus_milli, c->shares, c->pids);
    for (int i = 0; c->env[i]; i++)
        fprintf(f, "env=%s\n", c->env[i]);
    fclose(f);
    rename(tmp, path);
}

int state_load(const char *name, struct ctr *c)
{
    static char buf[4096];
    char path[128];
    snprintf(path, sizeof path, CTR_ROOT "/containers/%s/state", name);
    if (strchr(name, '/') || read_file(path, buf, sizeof buf) < 0)
        return -1;
    memset(c, 0, sizeof *c);
    int ne = 0;
    for (char *l = buf, *nl; l && *l; l = nl) {
        if ((nl = strchr(l, '\n')) != NULL)
            *nl++ = 0;
        char *v = strchr(l, '=');
        if (!v)
            continue;
        *v++ = 0;
#define S(k) if (!strcmp(l, #k)) snprintf(c->k, sizeof c->k, "%s", v)
        S(id); S(name); S(image); S(hostname); S(status); S(cmd); S(lower);
        static const char *const keys[] = { "pid", "exit", "rm", "memory", "cpus", "shares", "pids" };
        long *nums[] = { &c->pid, &c->exitcode, &c->rm, &c->memory, &c->cpus_milli, &c->shares, &c->pids };
        for (int k = 0; k < 7; k++)
            if (!strcmp(l, keys[k]))
                *nums[k] = atol(v);
        if (!strcmp(l, "env") && ne < MAXARGS - 1) c->env[ne++] = strdup(v);
    }
    return 0;
}

/* Each container's state, in the order of their folders; fn returns nonzero to stop. */
static void each(void (*fn)(struct ctr *))
{
    DIR *d = opendir(CTR_ROOT "/containers");
    struct dirent *e;
    static struct ctr c;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && state_load(e->d_name, &c) == 0)
            fn(&c);
    if (d)
        closedir(d);
}

/* ---- ps, stats ---- */

static int show_all;
static void ps_row(struct ctr *c)
{
    char status[32];
    if (!show_all && strcmp(c->status, "running"))
        return;
    int up = !strcmp(c->status, "running");
    snprintf(status, sizeof status, up ? "Up" : "Exited (%ld)", c->exitcode);
    printf("%-12s  %-6s  %-20.20s  %-11s  %-5ld  %s\n", c->id, c->image, c->cmd, status,
           up ? c->pid : 0, c->name);
}

/* One value from a cgroup file: the number after `key ` (or the first word when key is NULL). */
static long cg_value(const char *name, const char *file, const char *key, char *word, int n)
{
    char path[128], buf[512];
    snprintf(path, sizeof path, CTR_CGROUP "/%s/%s", name, file);
    if (read_file(path, buf, sizeof buf) < 0)
        return -1;
    char *p = buf;
    if (key && (p = strstr(buf, key)) != NULL)
        p += strlen(key) + 1;
    if (!p)
        return -1;
    if (word)
        snprintf(word, (size_t)n, "%.*s", (int)strcspn(p, " \n"), p);
    return atol(p);
}

static void stats_row(struct ctr *c)
{
    char max[24];
    if (strcmp(c->status, "running"))
        return;
    long usec = cg_value(c->name, "cpu.stat", "usage_usec", NULL, 0);
    long mem = cg_value(c->name, "memory.current", NULL, NULL, 0);
    cg_value(c->name, "memory.max", NULL, max, sizeof max);
    long pids = cg_value(c->name, "pids.current", NULL, NULL, 0);
    printf("%-12s  %-10s  %10ld  %8ldKiB / %-10s  %ld\n", c->id, c->name, usec, mem / 1024,
           max, pids);
}

/* ---- inspect (Docker's field names, as JSON) ---- */

static void inspect(struct ctr *c)
{
    static const char *const ns[] = { "pid", "mnt", "uts", "ipc", "cgroup" };
    printf("[\n  {\n    \"Id\": \"%s\",\n    \"Name\": \"/%s\",\n    \"Image\": \"%s\",\n"
           "    \"State\": { \"Status\": \"%s\", \"Running\": %s, \"Pid\": %ld, \"ExitCode\": %ld },\n"
           "    \"Config\": { \"Hostname\": \"%s\", \"Cmd\": \"%s\", \"Env\": [", c->id, c->name,
           c->image, c->status, strcmp(c->status, "running") ? "false" : "true", c->pid,
           c->exitcode, c->hostname, c->cmd);
    for (int i = 0; c->env[i]; i++)
        printf("%s\"%s\"", i ? ", " : "", c->env[i]);
    printf("] },\n    \"HostConfig\": { \"Memory\": %ld, \"NanoCpus\": %lld, "
           "\"CpuShares\": %ld, \"PidsLimit\": %ld, \"CgroupParent\": \"/ctr\" },\n"
           "    \"CgroupPath\": \"/ctr/%s\",\n    \"Namespaces\": {", c->memory, c->cpus_milli * 1000000LL,
           c->shares, c->pids, c->name);
    for (int i = 0; i < 5; i++) {
        char path[64], link[64] = "";
        snprintf(path, sizeof path, "/proc/%ld/ns/%s", c->pid, ns[i]);
        ssize_t n = strcmp(c->status, "running") ? -1 : readlink(path, link, sizeof link - 1);
        link[n > 0 ? n : 0] = 0;
        printf("%s \"%s\": \"%s\"", i ? "," : "", ns[i], link);
    }
    printf(" },\n    \"GraphDriver\": { \"Name\": \"overlay\", \"Data\": {\n"
           "      \"LowerDir\": \"%s\",\n      \"UpperDir\": \"" CTR_ROOT "/containers/%s/upper\",\n"
           "      \"WorkDir\": \"" CTR_ROOT "/containers/%s/work\",\n"
           "      \"MergedDir\": \"" CTR_ROOT "/containers/%s/merged\" } },\n"
           "    \"Mounts\": [ \"overlay /\", \"proc /proc\", \"devtmpfs /dev\", \"cgroup2 /sys/fs/cgroup\" ]\n"
           "  }\n]\n", c->lower, c->name, c->name, c->name);
}

/* ---- diff: Docker's A (added), C (changed), D (deleted), from the upper layer ---- */

static int in_lower(const char *lower, const char *rel)
{
    char buf[512], path[700];
    struct stat st;
    snprintf(buf, sizeof buf, "%s", lower);
    for (char *save, *l = strtok_r(buf, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
        snprintf(path, sizeof path, "%s%s", l, rel);
        if (lstat(path, &st) == 0)
            return !(S_ISCHR(st.st_mode) && st.st_rdev == 0);   /* a whiteout: deleted there */
    }
    return 0;
}

/* Each entry of an upper layer, parents first: fn(the path inside, the path here, its stat). */
void upper_walk(const char *upper, const char *rel, void (*fn)(const char *, const char *, struct stat *))
{
    char path[400], sub[300];
    snprintf(path, sizeof path, "%s%s", upper, rel);
    DIR *d = opendir(path);
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)) != NULL) {
        snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name);
        snprintf(path, sizeof path, "%s%s", upper, sub);
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && lstat(path, &st) == 0) {
            fn(sub, path, &st);
            if (S_ISDIR(st.st_mode))
                upper_walk(upper, sub, fn);
        }
    }
    if (d)
        closedir(d);
}

static const char *diff_lower;
static void diff_line(const char *sub, const char *path, struct stat *st)
{
    (void)path;
    int whiteout = S_ISCHR(st->st_mode) && st->st_rdev == 0;
    if (strcmp(strrchr(sub, '/'), "/.wh..wh..opq"))
        printf("%c %s\n", whiteout ? 'D' : in_lower(diff_lower, sub) ? 'C' : 'A', sub);
}

/* ---- stop, kill, rm ---- */

static int wait_exit(struct ctr *c, int seconds)
{
    for (int i = 0; i < seconds * 10; i++) {
        struct timespec t = { 0, 100000000 };
        state_load(c->name, c);
        if (strcmp(c->status, "running"))
            return 0;
        nanosleep(&t, NULL);
    }
    return -1;
}

static int signal_of(const char *s)
{
    static const char *const names[32] = { [SIGHUP] = "HUP", [SIGINT] = "INT", [SIGKILL] = "KILL",
        [SIGUSR1] = "USR1", [SIGUSR2] = "USR2", [SIGTERM] = "TERM", [SIGSTOP] = "STOP", [SIGCONT] = "CONT" };
    s += strncmp(s, "SIG", 3) ? 0 : 3;
    for (int i = 1; i < 32; i++)
        if (names[i] && !strcmp(s, names[i]))
            return i;
    return atoi(s) > 0 && atoi(s) < 65 ? atoi(s) : -1;
}

/* Take a stopped container away: its cgroup and its folder (upper layer, state, log). */
void remove_container(const char *name)
{
    char path[128];
    snprintf(path, sizeof path, CTR_CGROUP "/%s", name);
    rmdir(path);
    snprintf(path, sizeof path, CTR_ROOT "/containers/%s", name);
    rm_tree(path);
}

int main(int argc, char **argv)
{
    static struct ctr c;
    const char *cmd = argc > 1 ? argv[1] : "";
    const char *name = argc > 2 ? argv[argc - 1] : NULL;
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "exec"))
        return cmd_exec(argc - 1, argv + 1);
    if (!strcmp(cmd, "images"))
        return images_list();
    if (!strcmp(cmd, "ps")) {
        show_all = argc > 2 && !strcmp(argv[2], "-a");
        printf("%-12s  %-6s  %-20s  %-11s  %-5s  %s\n", "CONTAINER ID", "IMAGE", "COMMAND",
               "STATUS", "PID", "NAMES");
        each(ps_row);
        return 0;
    }
    if (!strcmp(cmd, "stats")) {
        printf("%-12s  %-10s  %10s  %-24s  %s\n", "CONTAINER ID", "NAME", "CPU USEC",
               "MEM USAGE / LIMIT", "PIDS");
        each(stats_row);
        return 0;
    }
    if (!strcmp(cmd, "") || !strcmp(cmd, "help") || !strcmp(cmd, "--help")) {
        printf("Usage:  ctr COMMAND\n\nThe toy OS's container tool, shaped like docker (namespaces, cgroup v2, overlayfs)\n\n"
               "Commands:\n" CTR_RUN_USAGE
               "  ps [-a]           list containers       exec C CMD   run a command in a container\n"
               "  stop C / kill C   end a container       rm C         remove a stopped one\n"
               "  logs C            its output            inspect C    namespaces, cgroup, layers, mounts (JSON)\n"
               "  stats             usage from the cgroup files       images   the images\n"
               "  diff C            files changed         commit C IMAGE   those changes as a new image\n"
               "Exit status: the command's; 125 ctr's own error, 126 cannot run, 127 not found.\n");
        return 0;
    }
    static const char *const known[] = { "exec", "stop", "kill", "rm", "logs", "inspect", "diff", "commit" };
    int k = 0;
    while (k < 8 && strcmp(cmd, known[k]))
        k++;
    if (k == 8)
        die(1, "ctr: '%s' is not a ctr command.\nSee 'ctr --help'", cmd);
    if (!name)
        die(1, "ctr: \"%s\" requires at least 1 argument.\nSee 'ctr --help'", cmd);
    if (!strcmp(cmd, "commit") && argc != 4)
        die(1, "ctr: \"commit\" requires 2 arguments.\nUsage:  ctr commit CONTAINER IMAGE");
    if (!strcmp(cmd, "commit"))
        name = argv[2];                    /* commit CONTAINER IMAGE */
    if (state_load(name, &c) < 0)
        die(1, "ctr: Error response from daemon: No such container: %s", name);
    if (!strcmp(cmd, "inspect")) {
        inspect(&c);
    } else if (!strcmp(cmd, "logs")) {
        char path[128], buf[512];
        snprintf(path, sizeof path, CTR_ROOT "/containers/%s/log", c.name);
        int fd = open(path, O_RDONLY);
        ssize_t n;
        while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
            write(1, buf, (size_t)n);
    } else if (!strcmp(cmd, "diff")) {
        char upper[128];
        snprintf(upper, sizeof upper, CTR_ROOT "/containers/%s/upper", c.name);
        diff_lower = c.lower;
        upper_walk(upper, "", diff_line);
    } else if (!strcmp(cmd, "commit") && argc == 4) {
        return cmd_commit(&c, argv[3]);
    } else if (!strcmp(cmd, "stop") || !strcmp(cmd, "kill")) {
        int sig = SIGKILL, t = 10;
        if (argc > 4 && !strcmp(argv[2], "-s") && (sig = signal_of(argv[3])) < 0)
            die(1, "ctr: Error response from daemon: Invalid signal: %s", argv[3]);
        if (argc > 4 && !strcmp(argv[2], "-t"))
            t = atoi(argv[3]);
        if (strcmp(c.status, "running"))
            die(1, "ctr: Error response from daemon: Container %s is not running", c.id);
        if (!strcmp(cmd, "stop")) {        /* SIGTERM, then SIGKILL after the grace period */
            kill(c.pid, SIGTERM);
            if (wait_exit(&c, t) < 0)
                kill(c.pid, SIGKILL);
            wait_exit(&c, 10);
        } else {
            kill(c.pid, sig);
        }
        printf("%s\n", name);
    } else if (!strcmp(cmd, "rm")) {
        if (!strcmp(c.status, "running")) {
            if (strcmp(argv[2], "-f"))
                die(1, "ctr: Error response from daemon: You cannot remove a running container %s. "
                    "Stop the container before attempting removal or force remove", c.id);
            kill(c.pid, SIGKILL);
            wait_exit(&c, 10);
        }
        remove_container(c.name);
        printf("%s\n", name);
    } else {
        die(1, "ctr: '%s' is not a ctr command.\nSee 'ctr --help'", cmd);
    }
    return 0;
}
