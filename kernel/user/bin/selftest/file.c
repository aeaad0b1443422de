/* file.c: the self-test's file, directory, descriptor and mount checks (see selftest.h). */
#include "selftest.h"

void t_open_close_rw(void)
{
    group = "open/close/read/write";
    int fd = OK(open("f", O_RDWR | O_CREAT | O_EXCL, 0644));
    CHECK(write(fd, "hello world", 11) == 11);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    char buf[32] = { 0 };
    CHECK(read(fd, buf, sizeof buf) == 11 && !memcmp(buf, "hello world", 11));
    CHECK(read(fd, buf, sizeof buf) == 0);
    CHECK(close(fd) == 0);
    ERR(close(fd), EBADF);
    ERR(open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
    ERR(open("missing", O_RDONLY), ENOENT);
    ERR(open("missing/x", O_RDONLY | O_CREAT, 0644), ENOENT);
    ERR(open("f/x", O_RDONLY), ENOTDIR);
    ERR(open(".", O_WRONLY), EISDIR);
    ERR(open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
    ERR(open(KADDR, O_RDONLY), EFAULT);
    ERR(open(NOADDR, O_RDONLY), EFAULT);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ERR(open(longname, O_RDONLY), ENAMETOOLONG);
    ERR(open("", O_RDONLY), ENOENT);
    /* O_TRUNC, O_APPEND */
    fd = OK(open("f", O_WRONLY | O_TRUNC));
    CHECK(write(fd, "abc", 3) == 3);
    close(fd);
    fd = OK(open("f", O_WRONLY | O_APPEND));
    lseek(fd, 0, SEEK_SET);
    CHECK(write(fd, "def", 3) == 3);
    close(fd);
    fd = open("f", O_RDONLY);
    CHECK(read(fd, buf, sizeof buf) == 6 && !memcmp(buf, "abcdef", 6));
    ERR(write(fd, "x", 1), EBADF);
    ERR(read(fd, KADDR, 4), EFAULT);
    close(fd);
    fd = open("f", O_WRONLY);
    ERR(read(fd, buf, 1), EBADF);
    ERR(write(fd, KADDR, 4), EFAULT);
    ERR(write(fd, NOADDR, 4), EFAULT);
    close(fd);
    ERR(read(-1, buf, 1), EBADF);
    ERR(write(1000, buf, 1), EBADF);
    fd = open(".", O_RDONLY);
    ERR(read(fd, buf, 1), EISDIR);
    close(fd);
    /* descriptors are reused lowest first, and the table has a limit */
    int a = open("f", O_RDONLY), b = open("f", O_RDONLY);
    close(a);
    CHECK(open("f", O_RDONLY) == a);
    close(a);
    close(b);
    int fds[4096], n = 0;
    errno = 0;
    while (n < 4096 && (fds[n] = open("f", O_RDONLY)) >= 0)
        n++;
    result(n < 4096 && errno == EMFILE, "open until EMFILE", n, errno);
    while (n > 0)
        close(fds[--n]);
    /* /dev/null and /dev/zero */
    fd = OK(open("/dev/null", O_RDWR));
    CHECK(write(fd, "gone", 4) == 4 && read(fd, buf, sizeof buf) == 0);
    close(fd);
    fd = OK(open("/dev/zero", O_RDONLY));
    memset(buf, 1, sizeof buf);
    CHECK(read(fd, buf, 8) == 8 && buf[0] == 0 && buf[7] == 0);
    close(fd);
}

void t_lseek(void)
{
    group = "lseek/_llseek";
    int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
    write(fd, "0123456789", 10);
    CHECK(lseek(fd, 2, SEEK_SET) == 2);
    CHECK(lseek(fd, 3, SEEK_CUR) == 5);
    CHECK(lseek(fd, -1, SEEK_END) == 9);
    char c;
    CHECK(read(fd, &c, 1) == 1 && c == '9');
    CHECK(lseek(fd, 100, SEEK_SET) == 100 && write(fd, "!", 1) == 1);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 101);
    lseek(fd, 50, SEEK_SET);
    CHECK(read(fd, &c, 1) == 1 && c == 0);   /* a hole reads as zeros */
    ERR(lseek(fd, -1, SEEK_SET), EINVAL);
    ERR(lseek(fd, 0, 7), EINVAL);
    ERR(lseek(99, 0, SEEK_SET), EBADF);
    long long pos = -1;
    CHECK(syscall(SYS__llseek, fd, 0, 7, &pos, SEEK_SET) == 0 && pos == 7);
    ERR(syscall(SYS__llseek, fd, 0, 7, KADDR, SEEK_SET), EFAULT);
    close(fd);
    int p[2];
    pipe(p);
    ERR(lseek(p[0], 0, SEEK_SET), ESPIPE);
    close(p[0]);
    close(p[1]);
}

void t_dup_pipe(void)
{
    group = "dup/dup2/pipe";
    int p[2];
    CHECK(pipe(p) == 0 && p[0] >= 0 && p[1] >= 0 && p[0] != p[1]);
    int d = dup(p[1]);
    CHECK(d >= 0);
    CHECK(write(d, "ab", 2) == 2);
    CHECK(dup2(p[1], 20) == 20);
    CHECK(dup2(20, 20) == 20);
    CHECK(write(20, "cd", 2) == 2);
    close(20);
    close(d);
    close(p[1]);
    char buf[8];
    CHECK(read(p[0], buf, sizeof buf) == 4 && !memcmp(buf, "abcd", 4));
    CHECK(read(p[0], buf, sizeof buf) == 0);   /* all writers closed: end of file */
    close(p[0]);
    ERR(dup(77), EBADF);
    ERR(dup2(77, 3), EBADF);
    ERR(dup2(0, -1), EBADF);
    ERR(pipe(KADDR), EFAULT);
    /* no readers: EPIPE (with SIGPIPE ignored) */
    pipe(p);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    ERR(write(p[1], "x", 1), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
    /* a large transfer through a pipe between processes */
    pipe(p);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        static char big[65536];
        for (size_t i = 0; i < sizeof big; i++)
            big[i] = (char)(i * 13);
        for (size_t done = 0; done < sizeof big;)
            done += (size_t)write(p[1], big + done, sizeof big - done);
        _exit(0);
    }
    close(p[1]);
    size_t total = 0;
    int good = 1;
    ssize_t n;
    static char in[4096];
    while ((n = read(p[0], in, sizeof in)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            good &= in[i] == (char)((total + (size_t)i) * 13);
        total += (size_t)n;
    }
    close(p[0]);
    waitpid(pid, 0, 0);
    CHECK(total == 65536 && good);
}

void t_stat(void)
{
    group = "stat64/lstat64/fstat64";
    write_file("s", "12345");
    struct stat st;
    CHECK(stat("s", &st) == 0 && st.st_size == 5 && S_ISREG(st.st_mode));
    CHECK(lstat("s", &st) == 0 && st.st_size == 5);
    CHECK(stat(".", &st) == 0 && S_ISDIR(st.st_mode));
    int fd = open("s", O_RDONLY);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 5 && st.st_nlink >= 1);
    close(fd);
    int p[2];
    pipe(p);
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode));
    close(p[0]);
    close(p[1]);
    CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
    ERR(stat("missing", &st), ENOENT);
    ERR(stat("s/x", &st), ENOTDIR);
    ERR(stat(KADDR, &st), EFAULT);
    ERR(stat("s", KADDR), EFAULT);
    ERR(fstat(99, &st), EBADF);
    ERR(lstat("missing", &st), ENOENT);
}

void t_dirs(void)
{
    group = "mkdir/rmdir/unlink/rename/getdents64";
    CHECK(mkdir("d", 0755) == 0);
    ERR(mkdir("d", 0755), EEXIST);
    ERR(mkdir("nope/d", 0755), ENOENT);
    write_file("d/a", "a");
    write_file("d/b", "b");
    CHECK(mkdir("d/sub", 0755) == 0);
    ERR(mkdir("d/a/x", 0755), ENOTDIR);
    ERR(mkdir(KADDR, 0755), EFAULT);
    /* getdents64 sees exactly . .. a b sub */
    int fd = open("d", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0);
    char buf[1024];
    int seen = 0, count = 0;
    long n;
    while ((n = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0)
        for (long off = 0; off < n;) {
            struct linux_dirent64 *e = (struct linux_dirent64 *)(buf + off);
            const char *names[] = { ".", "..", "a", "b", "sub" };
            for (int i = 0; i < 5; i++)
                if (!strcmp(e->d_name, names[i]))
                    seen |= 1 << i;
            if (!strcmp(e->d_name, "sub"))
                CHECK(e->d_type == DT_DIR);
            if (!strcmp(e->d_name, "a"))
                CHECK(e->d_type == DT_REG);
            count++;
            off += e->d_reclen;
        }
    CHECK(n == 0 && seen == 31 && count == 5);
    lseek(fd, 0, SEEK_SET);
    ERR(syscall(SYS_getdents64, fd, buf, 8), EINVAL);
    ERR(syscall(SYS_getdents64, fd, KADDR, sizeof buf), EFAULT);
    close(fd);
    ERR(syscall(SYS_getdents64, 99, buf, sizeof buf), EBADF);
    fd = open("d/a", O_RDONLY);
    ERR(syscall(SYS_getdents64, fd, buf, sizeof buf), ENOTDIR);
    close(fd);
    /* opendir/readdir on top */
    DIR *dir = opendir("d");
    int entries = 0;
    while (readdir(dir))
        entries++;
    closedir(dir);
    CHECK(entries == 5);
    /* rmdir */
    ERR(rmdir("d"), ENOTEMPTY);
    ERR(rmdir("d/a"), ENOTDIR);
    ERR(rmdir("d/missing"), ENOENT);
    ERR(rmdir("d/sub/."), EINVAL);
    ERR(rmdir(KADDR), EFAULT);
    /* unlink */
    ERR(unlink("d/sub"), EISDIR);
    ERR(unlink("d/missing"), ENOENT);
    ERR(unlink(KADDR), EFAULT);
    CHECK(unlink("d/b") == 0);
    ERR(unlink("d/b"), ENOENT);
    /* rename */
    CHECK(rename("d/a", "d/c") == 0);
    ERR(open("d/a", O_RDONLY), ENOENT);
    write_file("d/e", "e");
    CHECK(rename("d/c", "d/e") == 0);   /* replaces the target */
    fd = open("d/e", O_RDONLY);
    CHECK(read(fd, buf, 4) == 1 && buf[0] == 'a');
    close(fd);
    ERR(rename("d/missing", "d/x"), ENOENT);
    ERR(rename("d/e", "d/sub"), EISDIR);
    ERR(rename("d", "d/sub/inner"), EINVAL);
    write_file("d/sub/full", "x");
    CHECK(mkdir("d/empty", 0755) == 0);
    ERR(rename("d/empty", "d/sub"), ENOTEMPTY);
    ERR(rename(KADDR, "d/x"), EFAULT);
    CHECK(rename("d/empty", "d/moved") == 0);
    CHECK(rmdir("d/moved") == 0);
    CHECK(unlink("d/sub/full") == 0 && rmdir("d/sub") == 0 && unlink("d/e") == 0);
    CHECK(rmdir("d") == 0);
    ERR(rmdir("d"), ENOENT);
}

void t_cwd(void)
{
    group = "chdir/getcwd/readlink";
    char start[PATH_MAX], buf[PATH_MAX];
    CHECK(getcwd(start, sizeof start) == start && start[0] == '/');
    mkdir("c", 0755);
    CHECK(chdir("c") == 0);
    CHECK(getcwd(buf, sizeof buf) && strlen(buf) == strlen(start) + 2 && !strcmp(buf + strlen(start), "/c"));
    CHECK(chdir("..") == 0 && getcwd(buf, sizeof buf) && !strcmp(buf, start));
    write_file("c/f", "x");
    ERR(chdir("c/f"), ENOTDIR);
    ERR(chdir("missing"), ENOENT);
    ERR(chdir(KADDR), EFAULT);
    ERR(syscall(SYS_getcwd, buf, 1), ERANGE);
    ERR(syscall(SYS_getcwd, KADDR, sizeof buf), EFAULT);
    /* readlink: /proc/self names our pid; a regular file is not a link */
    char want[16];
    snprintf(want, sizeof want, "%d", getpid());
    long n = readlink("/proc/self", buf, sizeof buf);
    CHECK(n == (long)strlen(want) && !memcmp(buf, want, (size_t)n));
    ERR(readlink("c/f", buf, sizeof buf), EINVAL);
    ERR(readlink("missing", buf, sizeof buf), ENOENT);
    ERR(readlink("/proc/self", KADDR, sizeof buf), EFAULT);
    unlink("c/f");
    rmdir("c");
}

static void t_chroot_child(void)
{
    /* a child chroots into a directory that holds one file; "/" is now that directory */
    if (chroot("r") != 0)
        _exit(1);
    if (chdir("/") != 0)
        _exit(2);
    if (access("/marker", F_OK) != 0)
        _exit(3);
    char buf[64];
    if (!getcwd(buf, sizeof buf) || strcmp(buf, "/"))
        _exit(4);
    if (chdir("..") != 0 || access("/marker", F_OK) != 0)   /* ".." of the root is the root */
        _exit(5);
    _exit(0);
}

void t_chroot(void)
{
    group = "chroot/access";
    mkdir("r", 0755);
    write_file("r/marker", "m");
    int st = in_child(t_chroot_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    ERR(chroot("missing"), ENOENT);
    ERR(chroot("r/marker"), ENOTDIR);
    ERR(chroot(KADDR), EFAULT);
    CHECK(access("r/marker", F_OK) == 0 && access("r/marker", R_OK) == 0);
    ERR(access("r/missing", F_OK), ENOENT);
    ERR(access("r/marker", 0x40), EINVAL);
    unlink("r/marker");
    rmdir("r");
}

void t_mount(void)
{
    group = "mount/umount2";
    mkdir("m", 0755);
    ERR(mount("none", "missing", "ramfs", 0, 0), ENOENT);
    ERR(mount("none", "m", "no-such-fs", 0, 0), ENODEV);
    ERR(mount("none", KADDR, "ramfs", 0, 0), EFAULT);
    CHECK(mount("none", "m", "ramfs", 0, 0) == 0);
    write_file("m/inside", "x");
    CHECK(access("m/inside", F_OK) == 0);
    CHECK(umount2("m", 0) == 0);
    ERR(access("m/inside", F_OK), ENOENT);   /* the mount's files went with it */
    ERR(umount2("m", 0), EINVAL);            /* not a mount point */
    ERR(umount2("missing", 0), ENOENT);
    ERR(umount2("m", 0x100), EINVAL);
    ERR(umount2(KADDR, 0), EFAULT);
    rmdir("m");
}

void t_ioctl(void)
{
    group = "ioctl";
    struct termios t;
    int fd = open("t", O_RDWR | O_CREAT, 0644);
    ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    struct winsize ws;
    ERR(ioctl(fd, TIOCGWINSZ, &ws), ENOTTY);
    close(fd);
    unlink("t");
    ERR(ioctl(99, TCGETS, &t), EBADF);
    int p[2];
    pipe(p);
    ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    close(p[0]);
    close(p[1]);
}

void t_fcntl(void)
{
    group = "fcntl";
    int fd = open("fc", O_RDWR | O_CREAT | O_APPEND, 0644);
    CHECK((fcntl(fd, F_GETFL) & O_APPEND) != 0);
    CHECK(fcntl(fd, F_GETFD) == 0);
    CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == FD_CLOEXEC);
    int d = fcntl(fd, F_DUPFD, 30);
    CHECK(d >= 30);
    close(d);
    close(fd);
    unlink("fc");
    ERR(fcntl(99, F_GETFL), EBADF);
}
