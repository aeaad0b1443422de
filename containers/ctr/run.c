/* run.c -- `ctr run` and `ctr exec`: the steps runc takes on Linux, in its order (runc's
 * libcontainer: create the cgroup and write its limits, clone the init into new namespaces, put it
 * in the cgroup, then, inside: unshare the cgroup namespace, make mounts private, mount the
 * overlay root, /proc, /dev and /sys/fs/cgroup, pivot_root, set the hostname, execve).
 * Each step writes a trace record first (mark), so the trace gives the cycles each one took.
 * The process that calls clone stays as the container's "shim": it waits for the init and records
 * its exit status in the state file (Docker's containerd-shim). With -d it runs on its own and the
 * command prints the container ID once the init has exec'd. */
#include <sched.h>
#include <sys/wait.h>
#include "ctr.h"

static char stack[16384] __attribute__((aligned(16)));
static struct ctr C;
static int sync_pipe[2], err_pipe[2];

/* --memory: Docker's units (b k m g, either case); -1 when malformed. */
static long parse_size(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    const char *units = "bkmg", *unit = *end ? strchr(units, *end | 0x20) : units;
    if (end == s || v < 0 || !unit || (*end && end[1]))
        return -1;
    return v << (10 * (unit - units));
}

/* --cpus N.NN in thousandths of a CPU (no floating point in the toy OS's C library). */
static long parse_cpus(const char *s)
{
    char *end;
    long whole = strtol(s, &end, 10), frac = 0, scale = 100;
    if (end == s && *end != '.')
        return -1;
    if (*end == '.')
        for (end++; *end >= '0' && *end <= '9'; end++, scale /= 10)
            frac += (*end - '0') * scale;
    return *end || s[0] == '-' ? -1 : whole * 1000 + frac;
}

static int cgroup_write(const char *file, const char *fmt, long v)
{
    char path[128], text[32];
    snprintf(path, sizeof path, CTR_CGROUP "/%s/%s", C.name, file);
    snprintf(text, sizeof text, fmt, v);
    return write_file(path, text);
}

/* The container's init, in its new namespaces (the child of clone). */
static int init_fn(void *arg)
{
    (void)arg;
    char root[128], path[160], opts[700], ok;
    close(sync_pipe[1]);
    read(sync_pipe[0], &ok, 1);    /* the shim has put us into the cgroup */
    unshare(CLONE_NEWCGROUP);      /* so our cgroup is "/" inside (cgroup_namespaces(7)) */
    mark("mounts");
    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    snprintf(root, sizeof root, CTR_ROOT "/containers/%s/merged", C.name);
    snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=" CTR_ROOT "/containers/%s/upper,workdir="
             CTR_ROOT "/containers/%s/work", C.lower, C.name, C.name);
    if (mount("overlay", root, "overlay", 0, opts) < 0)
        die(125, "ctr: mount overlay on %s: %s", root, strerror(errno));
    static const char *const fs[3][2] = { { "proc", "proc" }, { "devtmpfs", "dev" }, { "cgroup2", "sys/fs/cgroup" } };
    for (int k = 0; k < 3; k++) {  /* cgroupfs read-only, as Docker's */
        snprintf(path, sizeof path, "%s/%s", root, fs[k][1]);
        mount(fs[k][0], path, fs[k][0], k == 2 ? MS_RDONLY : 0, NULL);
    }
    mark("pivot_root");
    /* runc pivots with put_old "." and unmounts "."; here put_old is the image's /tmp, then
     * the old root and every mount under it is detached (umount2 MNT_DETACH). */
    if (chdir(root) < 0 || pivot_root(".", "tmp") < 0 || chdir("/") < 0 ||
        umount2("/tmp", MNT_DETACH) < 0)
        die(125, "ctr: pivot_root %s: %s", root, strerror(errno));
    mark("hostname");
    sethostname(C.hostname, strlen(C.hostname));
    mark("exec");
    profile_apply();               /* --security-opt seccomp: the last step, as runc's */
    execvpe(C.argv[0], C.argv, C.env);
    int e = errno;
    write(err_pipe[1], &e, sizeof e);   /* the shim prints Docker's message */
    _exit(e == ENOENT ? 127 : 126);
}

/* Docker's message for a command that did not start, and its status (127 not found, 126 not
 * executable). */
static int exec_failed(int e, const char *cmd)
{
    fprintf(stderr, "ctr: Error response from daemon: failed to create task for container: "
            "exec: \"%s\": %s: unknown.\n", cmd,
            e == ENOENT ? "executable file not found in $PATH" : strerror(e));
    return e == ENOENT ? 127 : 126;
}

/* Everything after the image is ready: the shim's part. Returns the container's status. */
static int start(int report_fd)
{
    char path[128], procs[160];
    mark("cgroup");                /* the image is ready (unpacked once, the first time) */
    mkdir(CTR_CGROUP, 0755);
    write_file("/sys/fs/cgroup/cgroup.subtree_control", "+cpu +memory +pids");
    write_file(CTR_CGROUP "/cgroup.subtree_control", "+cpu +memory +pids");
    snprintf(path, sizeof path, CTR_CGROUP "/%s", C.name);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        die(125, "ctr: cgroup %s: %s", path, strerror(errno));
    if (C.memory)
        cgroup_write("memory.max", "%ld", C.memory);
    if (C.cpus_milli)
        cgroup_write("cpu.max", "%ld 100000", C.cpus_milli * 100);
    if (C.shares)                  /* runc's conversion of cpu shares to cgroup v2 weight */
        cgroup_write("cpu.weight", "%ld", 1 + ((C.shares - 2) * 9999) / 262142);
    if (C.pids)
        cgroup_write("pids.max", "%ld", C.pids);
    if (pipe(sync_pipe) < 0 || pipe(err_pipe) < 0)
        die(125, "ctr: pipe: %s", strerror(errno));
    fcntl(err_pipe[1], F_SETFD, FD_CLOEXEC);
    mark("clone");
    int pid = clone(init_fn, stack + sizeof stack,
                    CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD, NULL);
    if (pid < 0)
        die(125, "ctr: clone: %s", strerror(errno));
    mark("cgroup attach");
    snprintf(procs, sizeof procs, "%s/cgroup.procs", path);
    snprintf(path, sizeof path, "%d", pid);
    write_file(procs, path);
    close(sync_pipe[0]);
    close(sync_pipe[1]);           /* the init goes on */
    close(err_pipe[1]);
    int e = 0, status = 0;
    if (read(err_pipe[0], &e, sizeof e) != sizeof e)
        e = 0;                     /* closed by a successful execve */
    C.pid = pid;
    snprintf(C.status, sizeof C.status, "%s", e ? "exited" : "running");
    state_save(&C);
    if (report_fd >= 0)            /* the detached `ctr run` may print the ID and return */
        write(report_fd, &e, sizeof e);
    if (e)
        exec_failed(e, C.argv[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;                          /* a failed exec already _exit'ed with 127 or 126 */
    status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    state_load(C.name, &C);
    snprintf(C.status, sizeof C.status, "exited");
    C.exitcode = status;
    state_save(&C);
    if (C.rm)
        remove_container(C.name);
    return status;
}

static const char *need(int argc, char **argv, int *i)
{
    char *eq = strchr(argv[*i], '=');
    if (argv[*i][0] == '-' && argv[*i][1] == '-' && eq)
        return eq + 1;
    if (*i + 1 >= argc)
        die(125, "ctr: flag needs an argument: %s\nSee 'ctr run --help'.", argv[*i]);
    return argv[++*i];
}

static int is(const char *arg, const char *flag)
{
    size_t n = strlen(flag);
    return !strncmp(arg, flag, n) && (arg[n] == 0 || (arg[n] == '=' && flag[1] == '-'));
}

int cmd_run(int argc, char **argv)
{
    static struct image img;
    int i = 1, ne = 0;
    const char *v;
    mark("run");
    memset(&C, 0, sizeof C);
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--help")) {
            printf("Usage:  ctr run [OPTIONS] IMAGE [COMMAND] [ARG...]\n" CTR_RUN_USAGE);
            exit(0);
        } else if (!strcmp(argv[i], "--rm"))
            C.rm = 1;
        else if (!strcmp(argv[i], "-d") || !strcmp(argv[i], "--detach"))
            C.detach = 1;
        else if (is(argv[i], "--name"))
            snprintf(C.name, sizeof C.name, "%s", need(argc, argv, &i));
        else if (is(argv[i], "--hostname") || is(argv[i], "-h"))
            snprintf(C.hostname, sizeof C.hostname, "%s", need(argc, argv, &i));
        else if ((is(argv[i], "-e") || is(argv[i], "--env")) && ne < MAXARGS - 8)
            C.env[ne++] = (char *)need(argc, argv, &i);
        else if (is(argv[i], "--memory") || is(argv[i], "-m")) {
            if ((C.memory = parse_size(v = need(argc, argv, &i))) < 0)
                die(125, "ctr: invalid argument \"%s\" for \"-m, --memory\" flag: invalid size: '%s'\n"
                    "See 'ctr run --help'.", v, v);
        } else if (is(argv[i], "--cpus")) {
            if ((C.cpus_milli = parse_cpus(v = need(argc, argv, &i))) < 10 || C.cpus_milli > 1000)
                die(125, "ctr: Error response from daemon: Range of CPUs is from 0.01 to 1.00, "
                    "as there are only 1 CPUs available.");
        } else if (is(argv[i], "--cpu-shares") || is(argv[i], "-c")) {
            C.shares = strtol(v = need(argc, argv, &i), NULL, 10);
            if (C.shares < 2 || C.shares > 262144)
                die(125, "ctr: invalid argument \"%s\" for \"-c, --cpu-shares\" flag: out of range "
                    "(2..262144)\nSee 'ctr run --help'.", v);
        } else if (is(argv[i], "--pids-limit")) {
            if ((C.pids = strtol(v = need(argc, argv, &i), NULL, 10)) <= 0)
                die(125, "ctr: invalid argument \"%s\" for \"--pids-limit\" flag: must be positive\n"
                    "See 'ctr run --help'.", v);
        } else if (is(argv[i], "--security-opt")) {
            if (strncmp(v = need(argc, argv, &i), "seccomp=", 8))
                die(125, "ctr: Error response from daemon: invalid --security-opt: \"%s\"", v);
            profile_load(v + 8);
        } else
            die(125, "ctr: unknown flag: %s\nSee 'ctr run --help'.", argv[i]);
    }
    if (i >= argc)
        die(125, "ctr: \"ctr run\" requires at least 1 argument.\nSee 'ctr run --help'.");
    if (image_find(argv[i], &img) < 0)
        die(125, "ctr: image \"%s\" not found", argv[i]);
    snprintf(C.image, sizeof C.image, "%s", argv[i]);
    /* the ID: 12 hex digits from a counter, so the same session gives the same IDs */
    char path[160], buf[32] = "";
    read_file(CTR_ROOT "/next", buf, sizeof buf);
    unsigned long seq = strtoul(buf, NULL, 10) + 1, h = 2166136261u;
    snprintf(buf, sizeof buf, "%lu", seq);
    write_file(CTR_ROOT "/next", buf);
    for (const char *s = buf; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    snprintf(C.id, sizeof C.id, "%06lx%06lx", h & 0xFFFFFF, (h * 2654435761u) >> 8 & 0xFFFFFF);
    if (!C.name[0])
        snprintf(C.name, sizeof C.name, "ctr%lu", seq);
    struct ctr other;
    if (state_load(C.name, &other) == 0)
        die(125, "ctr: Error response from daemon: Conflict. The container name \"/%s\" is already "
            "in use by container \"%s\". You have to remove (or rename) that container to be able "
            "to reuse that name.", C.name, other.id);
    if (!C.hostname[0])
        snprintf(C.hostname, sizeof C.hostname, "%s", C.id);   /* Docker: the short ID */
    for (int k = 0, user = ne; img.env[k] && ne < MAXARGS - 2; k++) {
        int j = 0;                 /* -e K=V replaces the image's K */
        while (j < user && strncmp(C.env[j], img.env[k], strcspn(img.env[k], "=") + 1))
            j++;
        if (j == user)
            C.env[ne++] = img.env[k];
    }
    C.env[ne] = NULL;
    char **cmd = i + 1 < argc ? argv + i + 1 : img.cmd;
    int n = 0, len = 0;
    for (; cmd[n] && n < MAXARGS - 1; n++) {
        C.argv[n] = cmd[n];
        len += snprintf(C.cmd + len, sizeof C.cmd - (size_t)len, "%s%s", n ? " " : "", cmd[n]);
        if (len >= (int)sizeof C.cmd)
            len = sizeof C.cmd - 1;
    }
    C.argv[n] = NULL;
    len = 0;
    for (int k = img.nlayers - 1; k >= 0; k--) {   /* overlay's lowerdir: the top layer first */
        char dir[160];
        if (image_unpack(img.layer[k], dir, sizeof dir) < 0)
            die(125, "ctr: layer %s of image \"%s\" cannot be unpacked", img.layer[k], C.image);
        len += snprintf(C.lower + len, sizeof C.lower - (size_t)len, "%s%s", len ? ":" : "", dir);
    }
    const char *sub[] = { "", "/upper", "/work", "/merged" };
    for (int k = 0; k < 4; k++) {
        snprintf(path, sizeof path, CTR_ROOT "/containers/%s%s", C.name, sub[k]);
        if (mkdir(path, 0755) < 0)
            die(125, "ctr: %s: %s", path, strerror(errno));
    }
    snprintf(C.status, sizeof C.status, "created");
    state_save(&C);
    if (!C.detach)
        return start(-1);
    int rep[2], e = -1;
    pipe(rep);
    if (fork() == 0) {             /* the shim of a detached container */
        close(rep[0]);
        snprintf(path, sizeof path, CTR_ROOT "/containers/%s/log", C.name);
        int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644), nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        setsid();
        _exit(start(rep[1]));
    }
    close(rep[1]);
    if (read(rep[0], &e, sizeof e) != sizeof e)
        return 125;
    if (e)
        return exec_failed(e, C.argv[0]);
    printf("%s\n", C.id);
    return 0;
}

/* `ctr exec NAME CMD...`: join the init's namespaces through /proc/PID/ns/NAME (setns(2)) and its
 * cgroup, then fork, so the command is in the PID namespace too (setns of a PID namespace applies
 * to children), and run the command there. */
int cmd_exec(int argc, char **argv)
{
    static struct ctr c;
    int i = 1;
    while (i < argc && argv[i][0] == '-')
        i++;                       /* -i, -t: the toy OS's console is always both */
    if (argc - i < 2)
        die(125, "ctr: \"ctr exec\" requires at least 2 arguments.\nSee 'ctr exec --help'.");
    if (state_load(argv[i], &c) < 0)
        die(1, "ctr: Error response from daemon: No such container: %s", argv[i]);
    if (strcmp(c.status, "running"))
        die(1, "ctr: Error response from daemon: container %s is not running", c.id);
    static const char *const ns[] = { "ipc", "uts", "cgroup", "pid", "mnt" };
    char path[128];
    snprintf(path, sizeof path, CTR_CGROUP "/%s/cgroup.procs", c.name);
    char self[16];
    snprintf(self, sizeof self, "%d", getpid());
    write_file(path, self);
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "/proc/%ld/ns/%s", c.pid, ns[k]);
        int fd = open(path, O_RDONLY);
        if (fd < 0 || setns(fd, 0) < 0)
            die(126, "ctr: setns %s: %s", path, strerror(errno));
        close(fd);
    }
    chdir("/");
    int pid = fork(), status = 0;
    if (pid == 0) {
        execvpe(argv[i + 1], argv + i + 1, c.env);
        _exit(exec_failed(errno, argv[i + 1]));
    }
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
