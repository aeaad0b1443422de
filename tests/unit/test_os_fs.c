/* Unit tests of the toy OS's file layer (kernel/vfs.c file.c ramfs.c initramfs.c devfs.c
 * procfs.c pipe.c sys_file.c), compiled natively against host stand-ins for the rest of the
 * kernel (os_fs_host/). System calls run through their real entry points with their arguments
 * in a fake user address space, so EFAULT paths run too.
 * Oracles: the host's Linux (the same operation script run in a temporary directory must give
 * the same results, errno for errno: os_fs_host/linux_ref.c), cpio(1) (an archive it writes
 * must unpack to the same tree), and the man pages' documented errno values. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernel/fs.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/ioctl.h"
#include "kernel/uapi/mount.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/stat.h"
#include "tests/unit/os_fs_host/linux_ref.h"
#include "tests/unit/os_fs_host/os_fs_stub.h"

/* ---- the fake process and its user memory ---- */

static uint32_t ubump;

static uint32_t U(const char *s)            /* a string in user memory */
{
    uint32_t len = (uint32_t)strlen(s) + 1, at = HOST_UBASE + ubump;
    memcpy(host_umem + ubump, s, len);
    ubump = (ubump + len + 7) & ~7u;
    ck_assert_uint_lt(ubump, HOST_UMEM_SIZE / 2);
    return at;
}
static uint32_t UBUF(uint32_t n)             /* n zeroed bytes of user memory */
{
    uint32_t at = HOST_UBASE + ubump;
    memset(host_umem + ubump, 0, n);
    ubump = (ubump + n + 7) & ~7u;
    return at;
}
static void *K(uint32_t u) { return host_umem + (u - HOST_UBASE); }

#define BADPTR 0x00000100u                   /* never user memory */

static long SYS(long (*fn)(const struct syscall_args *), uint32_t a0, uint32_t a1, uint32_t a2,
                uint32_t a3, uint32_t a4)
{
    struct syscall_args a = { { a0, a1, a2, a3, a4, 0 }, NULL };
    return fn(&a);
}
#define S0(fn) SYS(sys_##fn, 0, 0, 0, 0, 0)
#define S1(fn, a) SYS(sys_##fn, (uint32_t)(a), 0, 0, 0, 0)
#define S2(fn, a, b) SYS(sys_##fn, (uint32_t)(a), (uint32_t)(b), 0, 0, 0)
#define S3(fn, a, b, c) SYS(sys_##fn, (uint32_t)(a), (uint32_t)(b), (uint32_t)(c), 0, 0)
#define S4(fn, a, b, c, d) SYS(sys_##fn, (uint32_t)(a), (uint32_t)(b), (uint32_t)(c), (uint32_t)(d), 0)

static void setup(void)
{
    memset(host_procs, 0, sizeof(struct proc) * HOST_NPROC);
    ubump = 0;
    fs_init();
    struct proc *p = &host_procs[0];
    p->pid = 1;
    p->state = P_RUNNING;
    strcpy(p->name, "init");
    memcpy(p->cmdline, "/sbin/init\0-s", 14);
    p->cmdline_len = 14;
    p->umask = 022;
    host_cur = p;
    int err = 0;
    p->cwd = namei("/", &err);
    ck_assert_ptr_nonnull(p->cwd);
}

static long open_(const char *path, uint32_t flags) { return S3(open, U(path), flags, 0644); }

static long write_str(int fd, const char *s)
{
    return S3(write, fd, U(s), strlen(s));
}

static char *read_all(const char *path)       /* the file's bytes (static buffer), or NULL */
{
    static char out[16384];
    long fd = open_(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    uint32_t buf = UBUF(sizeof out), len = 0;
    long r;
    while ((r = S3(read, fd, buf + len, sizeof out - 1 - len)) > 0)
        len += (uint32_t)r;
    ck_assert_int_ge(r, 0);
    memcpy(out, K(buf), len);
    out[len] = 0;
    S1(close, fd);
    return out;
}

/* ---- the Linux oracle ---- */

static int toy_op(const struct fs_op *op)
{
    switch (op->kind) {
    case OP_OPEN: {
        long fd = open_(op->a, (uint32_t)op->arg);
        if (fd < 0)
            return (int)fd;
        ck_assert_int_eq(S1(close, fd), 0);
        return 0;
    }
    case OP_MKDIR:    return (int)S2(mkdir, U(op->a), 0755);
    case OP_RMDIR:    return (int)S1(rmdir, U(op->a));
    case OP_UNLINK:   return (int)S1(unlink, U(op->a));
    case OP_RENAME:   return (int)S2(rename, U(op->a), U(op->b));
    case OP_CHDIR:    return (int)S1(chdir, U(op->a));
    case OP_ACCESS:   return (int)S2(access, U(op->a), op->arg);
    case OP_TRUNCATE: return (int)S2(truncate, U(op->a), op->arg);
    case OP_WRITE: {
        long fd = open_(op->a, O_WRONLY | O_CREAT | O_APPEND);
        if (fd < 0)
            return (int)fd;
        long r = write_str((int)fd, op->b);
        S1(close, fd);
        return (int)r;
    }
    case OP_STAT: {
        uint32_t st = UBUF(sizeof(struct stat64));
        long r = S2(stat64, U(op->a), st);
        if (r < 0)
            return (int)r;
        struct stat64 *s = K(st);
        return (int)((s->st_mode & S_IFMT) >> 12) * 100000 + (S_ISREG(s->st_mode) ? (int)s->st_size : 0);
    }
    case OP_READLINK: return (int)S3(readlink, U(op->a), UBUF(64), 64);
    }
    return -EINVAL;
}

static char longname[300];

static const struct fs_op script[] = {
    { OP_MKDIR, "d", 0, 0 },          { OP_MKDIR, "d", 0, 0 },        { OP_MKDIR, "d/e/f", 0, 0 },
    { OP_WRITE, "d/f", "hello", 0 },  { OP_WRITE, "d/f", " world", 0 },
    { OP_MKDIR, "d/f/g", 0, 0 },      { OP_OPEN, "d/f/", 0, O_RDONLY },
    { OP_OPEN, "d", 0, O_WRONLY },    { OP_OPEN, "d", 0, O_RDONLY | O_DIRECTORY },
    { OP_OPEN, "d/f", 0, O_RDONLY | O_DIRECTORY },
    { OP_OPEN, "d/f", 0, O_CREAT | O_EXCL | O_WRONLY },
    { OP_OPEN, "nope", 0, O_RDONLY }, { OP_OPEN, "nope/x", 0, O_CREAT | O_WRONLY },
    { OP_OPEN, "d/new/", 0, O_CREAT | O_WRONLY },
    { OP_OPEN, "", 0, O_RDONLY },     { OP_OPEN, longname, 0, O_RDONLY },
    { OP_RMDIR, "d", 0, 0 },          { OP_RMDIR, "d/f", 0, 0 },      { OP_RMDIR, "d/.", 0, 0 },
    { OP_RMDIR, "d/..", 0, 0 },       { OP_RMDIR, "nope", 0, 0 },     { OP_UNLINK, "d", 0, 0 },
    { OP_UNLINK, "d/zz", 0, 0 },      { OP_UNLINK, "d/f/x", 0, 0 },
    { OP_STAT, "d/f", 0, 0 },         { OP_STAT, "d/./../d/f", 0, 0 }, { OP_STAT, "d", 0, 0 },
    { OP_STAT, "d/f/..", 0, 0 },      { OP_STAT, "d//f", 0, 0 },
    { OP_TRUNCATE, "d/f", 0, 2 },     { OP_STAT, "d/f", 0, 0 },       { OP_TRUNCATE, "d", 0, 0 },
    { OP_TRUNCATE, "d/f", 0, -1 },    { OP_TRUNCATE, "d/f", 0, 9000 }, { OP_STAT, "d/f", 0, 0 },
    { OP_TRUNCATE, "d/f", 0, 2 },
    { OP_ACCESS, "d/f", 0, X_OK },    { OP_ACCESS, "d", 0, X_OK },    { OP_ACCESS, "d/f", 0, 8 },
    { OP_ACCESS, "d/f", 0, R_OK | W_OK }, { OP_ACCESS, "zz", 0, F_OK },
    { OP_RENAME, "d/f", "d/g", 0 },      { OP_RENAME, "d/f", "x", 0 },      { OP_MKDIR, "e", 0, 0 },
    { OP_RENAME, "d", "d/sub", 0 },      { OP_RENAME, "d/g", "e", 0 },      { OP_RENAME, "e", "d/g", 0 },
    { OP_MKDIR, "e/x", 0, 0 },        { OP_RENAME, "d", "e", 0 },        { OP_RMDIR, "e/x", 0, 0 },
    { OP_RENAME, "d", "e", 0 },          { OP_STAT, "d", 0, 0 },         { OP_STAT, "e/g", 0, 0 },
    { OP_RENAME, "e/g", "e/g", 0 },      { OP_WRITE, "h", "new", 0 },       { OP_RENAME, "h", "e/g", 0 },
    { OP_STAT, "e/g", 0, 0 },         { OP_STAT, "h", 0, 0 },
    { OP_READLINK, "e/g", 0, 0 },     { OP_CHDIR, "e/g", 0, 0 },      { OP_CHDIR, "e", 0, 0 },
    { OP_STAT, "g", 0, 0 },           { OP_CHDIR, "..", 0, 0 },       { OP_UNLINK, "e/g", 0, 0 },
    { OP_RMDIR, "e", 0, 0 },          { OP_RMDIR, ".", 0, 0 },        { OP_STAT, "e", 0, 0 },
};

START_TEST(test_linux_parity)
{
    memset(longname, 'a', 256);
    ck_assert_int_eq(S2(mkdir, U("/t"), 0755), 0);
    ck_assert_int_eq(S1(chdir, U("/t")), 0);
    ck_assert_int_eq(lx_begin(), 0);
    int bad = 0;
    for (unsigned i = 0; i < sizeof script / sizeof script[0]; i++) {
        int want = lx_op(&script[i]);
        int got = toy_op(&script[i]);
        if (want != got) {
            fprintf(stderr, "step %u (kind %d, %s%s%s, %d): Linux %d, toy %d\n", i,
                    script[i].kind, script[i].a == longname ? "<256 a's>" : script[i].a,
                    script[i].b ? " -> " : "", script[i].b ? script[i].b : "", script[i].arg,
                    want, got);
            bad++;
        }
    }
    lx_end();
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Symbolic links (made on the toy by fs_create_file, as the initramfs does; the toy has no
 * symlink(2) yet), then a script over them, compared with Linux. */
static const struct fs_op link_script[] = {
    { OP_STAT, "l1", 0, 0 },          { OP_STAT, "l1/", 0, 0 },        { OP_STAT, "l1/f", 0, 0 },
    { OP_STAT, "l2", 0, 0 },          { OP_STAT, "l2/", 0, 0 },        { OP_READLINK, "l1", 0, 0 },
    { OP_READLINK, "l2/", 0, 0 },     { OP_READLINK, "d", 0, 0 },      { OP_STAT, "c38", 0, 0 },
    { OP_STAT, "c39", 0, 0 },         { OP_STAT, "c40", 0, 0 },        { OP_STAT, "loop", 0, 0 },
    { OP_STAT, "loop/x", 0, 0 },      { OP_STAT, "dang", 0, 0 },       { OP_READLINK, "dang", 0, 0 },
    { OP_STAT, "up/d/f", 0, 0 },      { OP_OPEN, "l2", 0, O_CREAT | O_EXCL | O_WRONLY },
    { OP_OPEN, "l2", 0, O_RDONLY | O_NOFOLLOW }, { OP_OPEN, "l1", 0, O_RDONLY | O_DIRECTORY },
    { OP_OPEN, "l1", 0, O_CREAT | O_WRONLY }, { OP_OPEN, "loop", 0, O_CREAT | O_WRONLY },
    { OP_WRITE, "dang", "x", 0 },     { OP_STAT, "nope", 0, 0 },       { OP_STAT, "dang", 0, 0 },
    { OP_RMDIR, "l1", 0, 0 },         { OP_MKDIR, "l1", 0, 0 },        { OP_UNLINK, "l2/", 0, 0 },
    { OP_ACCESS, "l1", 0, X_OK },     { OP_TRUNCATE, "l2", 0, 1 },     { OP_STAT, "d/f", 0, 0 },
    { OP_CHDIR, "l1", 0, 0 },         { OP_STAT, "f", 0, 0 },          { OP_CHDIR, "..", 0, 0 },
    { OP_STAT, "l1", 0, 0 },          { OP_RENAME, "l2", "l3", 0 },    { OP_READLINK, "l3", 0, 0 },
    { OP_STAT, "l3", 0, 0 },          { OP_RENAME, "l1", "d/x", 0 },   { OP_UNLINK, "d/x", 0, 0 },
    { OP_STAT, "d", 0, 0 },           { OP_UNLINK, "loop", 0, 0 },     { OP_STAT, "loop", 0, 0 },
};

START_TEST(test_linux_symlinks)
{
    ck_assert_int_eq(S2(mkdir, U("/t"), 0755), 0);
    ck_assert_int_eq(S1(chdir, U("/t")), 0);
    ck_assert_int_eq(lx_begin(), 0);
    static const struct fs_op setup[] = {
        { OP_MKDIR, "d", 0, 0 }, { OP_WRITE, "d/f", "hi", 0 },
    };
    for (unsigned i = 0; i < 2; i++)
        ck_assert_int_eq(toy_op(&setup[i]), lx_op(&setup[i]));
    static const char *const links[][2] = {
        { "l1", "d" }, { "l2", "d/f" }, { "loop", "loop" }, { "dang", "nope" }, { "up", "." },
    };
    char name[8], target[8], abs[16];
    for (unsigned i = 0; i < 5 + 41; i++) {
        const char *n = links[i < 5 ? i : 0][0], *t = links[i < 5 ? i : 0][1];
        if (i >= 5) {                                  /* c0 -> d/f, cK -> c(K-1) */
            snprintf(name, sizeof name, "c%u", i - 5);
            snprintf(target, sizeof target, "c%u", i - 6);
            n = name;
            t = i == 5 ? "d/f" : target;
        }
        snprintf(abs, sizeof abs, "/t/%s", n);
        ck_assert_int_eq(fs_create_file(abs, t, (uint32_t)strlen(t), S_IFLNK | 0777), 0);
        ck_assert_int_eq(lx_symlink(t, n), 0);
    }
    int bad = 0;
    for (unsigned i = 0; i < sizeof link_script / sizeof link_script[0]; i++) {
        int want = lx_op(&link_script[i]), got = toy_op(&link_script[i]);
        if (want != got) {
            fprintf(stderr, "link step %u (kind %d, %s%s%s, %d): Linux %d, toy %d\n", i,
                    link_script[i].kind, link_script[i].a, link_script[i].b ? " " : "",
                    link_script[i].b ? link_script[i].b : "", link_script[i].arg, want, got);
            bad++;
        }
    }
    lx_end();
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* Random operation sequences over a small vocabulary of names, on both systems, every result
 * compared: a differential fuzzer. No path climbs above the starting directory ("x/.." only),
 * so the Linux side stays inside its temporary directory. */
static const char *const vocab[] = {
    "a", "b", "c", "a/b", "a/c", "b/a", "a/b/c", "a/../b", "./a", "a/", "b/", ".", "a/./b/..",
    "c/a", "a/b/", "b/c/a", "s", "s/b", "t/", "t/c",
};
#define NVOCAB (sizeof vocab / sizeof vocab[0])

static uint32_t fz_seed;
static uint32_t fz_rnd(void) { fz_seed = fz_seed * 1103515245u + 12345u; return fz_seed >> 8; }

static struct fs_op random_op(void)
{
    static const int open_flags[] = {
        O_RDONLY, O_WRONLY, O_RDWR, O_CREAT | O_WRONLY, O_CREAT | O_EXCL | O_RDWR,
        O_RDONLY | O_DIRECTORY, O_WRONLY | O_TRUNC, O_ACCMODE, O_CREAT | O_APPEND | O_WRONLY,
    };   /* not O_CREAT|O_DIRECTORY: Linux answers it differently before 6.4 (see test_rw_...) */
    static const char *const texts[] = { "x", "hello", "" };
    struct fs_op op = { (enum fs_op_kind)(fz_rnd() % (OP_STAT + 1)), vocab[fz_rnd() % NVOCAB],
                        vocab[fz_rnd() % NVOCAB], 0 };
    switch (op.kind) {
    case OP_OPEN:     op.arg = open_flags[fz_rnd() % (sizeof open_flags / sizeof open_flags[0])]; break;
    case OP_ACCESS:   op.arg = (int)(fz_rnd() % 9); break;
    case OP_TRUNCATE: op.arg = (int)(fz_rnd() % 3) * 3000 - 1; break;
    case OP_WRITE:    op.b = texts[fz_rnd() % 3]; break;
    default: break;
    }
    return op;
}

/* The toy's tree under dir, as lx_tree writes Linux's. Each directory is read whole and closed
 * before going down: the random walks make trees deeper than NOFILE. */
static void toy_tree(const char *dir, const char *rel, char *out, int cap, int *len)
{
    long fd = open_(dir, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    uint32_t buf = UBUF(4096);
    char *names = calloc(1, 4096);
    size_t used = 0;
    long n;
    while ((n = S3(getdents64, fd, buf, 4096)) > 0)
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)((char *)K(buf) + off);
            const char *name = (char *)d + LINUX_DIRENT64_NAME_OFFSET;
            off += d->d_reclen;
            if (strcmp(name, ".") && strcmp(name, "..") && used + strlen(name) + 2 < 4096) {
                strcpy(names + used, name);
                used += strlen(name) + 1;
            }
        }
    S1(close, fd);
    for (const char *name = names; *name; name += strlen(name) + 1) {
        char a[1024], r[1024];
        snprintf(a, sizeof a, "%s/%s", dir, name);
        snprintf(r, sizeof r, "%s/%s", rel, name);
        uint32_t mark = ubump, st = UBUF(sizeof(struct stat64));
        ck_assert_int_eq(S2(lstat64, U(a), st), 0);
        struct stat64 *s = K(st);
        if (*len > cap - 1100)
            break;                               /* full: the comparison will show it */
        *len += snprintf(out + *len, (size_t)(cap - *len), "%s %o %lu %ld\n", r, s->st_mode,
                         (unsigned long)s->st_nlink, S_ISREG(s->st_mode) ? (long)s->st_size : 0L);
        ubump = mark;
        if (S_ISDIR(s->st_mode))
            toy_tree(a, r, out, cap, len);
    }
    free(names);
}

static void assert_same_tree(void)
{
    static char want[65536], got[65536];
    int len = 0;
    lx_tree(want, sizeof want);
    got[0] = 0;
    toy_tree("/t", "", got, sizeof got, &len);
    lines_sort(got);
    ck_assert_str_eq(got, want);
}

START_TEST(test_linux_random_ops)
{
    host_cur->umask = (uint32_t)lx_umask();      /* so the permission bits can be compared too */
    ck_assert_int_eq(S2(mkdir, U("/t"), 0755), 0);
    ck_assert_int_eq(S1(chdir, U("/t")), 0);
    ck_assert_int_eq(lx_begin(), 0);
    /* two symbolic links the walk can go through, replace or leave dangling: s -> a, t -> a/b */
    ck_assert_int_eq(fs_create_file("/t/s", "a", 1, S_IFLNK | 0777), 0);
    ck_assert_int_eq(fs_create_file("/t/t", "a/b", 3, S_IFLNK | 0777), 0);
    ck_assert_int_eq(lx_symlink("a", "s"), 0);
    ck_assert_int_eq(lx_symlink("a/b", "t"), 0);
    fz_seed = 0x5EED0000u + (uint32_t)_i;
    int bad = 0;
    for (int i = 0; i < 3000 && bad < 5; i++) {
        struct fs_op op = random_op();
        uint32_t mark = ubump;
        int want = lx_op(&op), got = toy_op(&op);
        ubump = mark;                            /* user memory is reused each step */
        if (want != got) {
            fprintf(stderr, "seed %d step %d: kind %d (%s, %s, %d): Linux %d, toy %d\n", _i, i,
                    op.kind, op.a, op.b ? op.b : "", op.arg, want, got);
            bad++;
        }
        if (i % 500 == 499) {
            uint32_t mark2 = ubump;
            assert_same_tree();                  /* and the trees they leave are the same */
            ubump = mark2;
        }
    }
    assert_same_tree();
    lx_end();
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* The same for descriptors: random open/read/write/lseek/ftruncate/dup2/close/unlink on a few
 * files, the bytes read compared too. Left out because Linux's answer depends on the file system
 * (the host's /tmp may be ext4): lseek on directories, SEEK_DATA/SEEK_HOLE (whence 0, 1, 2 and
 * the invalid 5 are drawn). Pipes are non-blocking and never hold more than a few hundred bytes
 * here, below both capacities (Linux's 64 KiB, ours 4 KiB). */
static int toy_slots[FD_SLOTS];

static int toy_fd_op(const struct fd_op *op, char *data)
{
    int fd = toy_slots[op->slot] < 0 ? 999 : toy_slots[op->slot];
    switch (op->kind) {
    case FD_OPEN: {
        if (toy_slots[op->slot] >= 0)
            S1(close, toy_slots[op->slot]);
        long r = open_(op->path, (uint32_t)op->arg);
        toy_slots[op->slot] = r < 0 ? -1 : (int)r;
        return r < 0 ? (int)r : 0;
    }
    case FD_CLOSE: {
        long r = S1(close, fd);
        toy_slots[op->slot] = -1;
        return (int)r;
    }
    case FD_READ: {
        uint32_t b = UBUF(64);
        long r = S3(read, fd, b, op->arg);
        if (r > 0)
            memcpy(data, K(b), (size_t)r);
        return (int)r;
    }
    case FD_WRITE:     return (int)write_str(fd, op->path);
    case FD_LSEEK:     return (int)S3(lseek, fd, op->arg, op->arg2);
    case FD_FTRUNCATE: return (int)S2(ftruncate, fd, op->arg);
    case FD_DUP2: {
        int to = toy_slots[op->slot2] >= 0 ? toy_slots[op->slot2] : 20 + op->slot2;
        long r = S2(dup2, fd, to);
        if (r >= 0)
            toy_slots[op->slot2] = (int)r;
        return r < 0 ? (int)r : 0;
    }
    case FD_FSTAT: {
        uint32_t st = UBUF(sizeof(struct stat64));
        long r = S2(fstat64, fd, st);
        if (r < 0)
            return (int)r;
        struct stat64 *s = K(st);
        return (int)((s->st_mode & S_IFMT) >> 12) * 100000 + (S_ISREG(s->st_mode) ? (int)s->st_size : 0);
    }
    case FD_UNLINK:    return (int)S1(unlink, U(op->path));
    case FD_PIPE: {
        if (op->slot == op->slot2)
            return -EINVAL;
        for (int i = 0; i < 2; i++) {
            int sl = i ? op->slot2 : op->slot;
            if (toy_slots[sl] >= 0)
                S1(close, toy_slots[sl]);
            toy_slots[sl] = -1;
        }
        uint32_t fds = UBUF(8);
        long r = S2(pipe2, fds, O_NONBLOCK);
        if (r < 0)
            return (int)r;
        toy_slots[op->slot] = ((int *)K(fds))[0];
        toy_slots[op->slot2] = ((int *)K(fds))[1];
        return 0;
    }
    default:           return -EINVAL;
    }
}

static int toy_slot_is_dir(int slot)
{
    struct file *f = toy_slots[slot] >= 0 ? fd_get(host_cur, toy_slots[slot]) : NULL;
    return f && S_ISDIR(f->ip->mode);
}

START_TEST(test_linux_random_fd_ops)
{
    static const char *const paths[] = { "f", "g", "d", "d/f", "d/", "f/" };
    static const int flags[] = {
        O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT, O_WRONLY | O_APPEND | O_CREAT,
        O_RDWR | O_TRUNC, O_RDONLY | O_DIRECTORY, O_RDWR | O_APPEND, O_RDWR | O_CREAT | O_EXCL,
    };
    static const char *const texts[] = { "abc", "0123456789", "Z", "" };
    ck_assert_int_eq(S2(mkdir, U("/t"), 0755), 0);
    ck_assert_int_eq(S1(chdir, U("/t")), 0);
    ck_assert_int_eq(S2(mkdir, U("d"), 0755), 0);
    ck_assert_int_eq(lx_begin(), 0);
    ck_assert_int_eq(lx_op(&(struct fs_op){ OP_MKDIR, "d", 0, 0 }), 0);
    for (int i = 0; i < FD_SLOTS; i++)
        toy_slots[i] = -1;
    fz_seed = 0xFD000000u + (uint32_t)_i;
    int bad = 0;
    for (int i = 0; i < 3000 && bad < 5; i++) {
        struct fd_op op = { (enum fd_op_kind)(fz_rnd() % FD_KINDS), (int)(fz_rnd() % FD_SLOTS),
                            (int)(fz_rnd() % FD_SLOTS), paths[fz_rnd() % 6], 0, 0 };
        switch (op.kind) {
        case FD_OPEN:      op.arg = flags[fz_rnd() % 8]; break;
        case FD_READ:      op.arg = (int)(fz_rnd() % 24); break;
        case FD_WRITE:     op.path = texts[fz_rnd() % 4]; break;
        case FD_LSEEK:     op.arg = (int)(fz_rnd() % 30) - 8; op.arg2 = (int)(fz_rnd() % 4); op.arg2 += op.arg2 == 3 ? 2 : 0; break;
        case FD_FTRUNCATE: op.arg = (int)(fz_rnd() % 25) - 1; break;
        default: break;
        }
        if (op.kind == FD_LSEEK && toy_slot_is_dir(op.slot))
            continue;
        char want_data[64], got_data[64];
        uint32_t mark = ubump;
        int want = lx_fd_op(&op, want_data), got = toy_fd_op(&op, got_data);
        ubump = mark;
        if (want != got || (op.kind == FD_READ && want > 0 && memcmp(want_data, got_data, (size_t)want))) {
            fprintf(stderr, "fd seed %d step %d: kind %d slot %d/%d (%s, %d, %d): Linux %d, toy %d\n",
                    _i, i, op.kind, op.slot, op.slot2, op.path, op.arg, op.arg2, want, got);
            bad++;
        }
    }
    lx_fd_reset();
    lx_end();
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---- descriptors, reads and writes ---- */

START_TEST(test_rw_offsets_and_fds)
{
    long fd = open_("/f", O_RDWR | O_CREAT);
    ck_assert_int_eq(fd, 3 - 3);                 /* no fds open yet in this process: 0 */
    ck_assert_int_eq(write_str((int)fd, "abcdef"), 6);
    ck_assert_int_eq(S3(lseek, fd, 2, SEEK_SET), 2);
    uint32_t b = UBUF(16);
    ck_assert_int_eq(S3(read, fd, b, 3), 3);
    ck_assert_int_eq(memcmp(K(b), "cde", 3), 0);
    ck_assert_int_eq(S3(lseek, fd, -1, SEEK_END), 5);
    ck_assert_int_eq(S3(lseek, fd, -10, SEEK_CUR), -EINVAL);
    ck_assert_int_eq(S3(lseek, fd, 0, 7), -EINVAL);
    ck_assert_int_eq(S3(lseek, fd, 2, SEEK_DATA), 2);              /* no holes tracked: all data */
    ck_assert_int_eq(S3(lseek, fd, 2, SEEK_HOLE), 6);              /* the end of the file */
    ck_assert_int_eq(S3(lseek, fd, 6, SEEK_DATA), -ENXIO);
    ck_assert_int_eq(S3(lseek, fd, -1, SEEK_HOLE), -ENXIO);
    /* past 2 GiB: lseek moves but cannot say where (EOVERFLOW); _llseek can */
    ck_assert_int_eq(S3(lseek, fd, 0x7FFFFFFF, SEEK_SET), 0x7FFFFFFF);
    ck_assert_int_eq(S3(lseek, fd, 1, SEEK_CUR), -EOVERFLOW);
    uint32_t res = UBUF(8);
    ck_assert_int_eq(SYS(sys__llseek, fd, 0, 0, res, SEEK_CUR), 0);
    ck_assert(*(int64_t *)K(res) == 0x80000000LL);
    ck_assert_int_eq(SYS(sys__llseek, fd, 1, 0, res, SEEK_SET), -EINVAL);  /* 4 GiB: too far */
    ck_assert_int_eq(SYS(sys__llseek, fd, 0, 0, BADPTR, SEEK_SET), -EFAULT);
    /* a hole past the end reads as zeros */
    ck_assert_int_eq(S3(lseek, fd, 10000, SEEK_SET), 10000);
    ck_assert_int_eq(write_str((int)fd, "Z"), 1);
    char *all = read_all("/f");
    ck_assert_int_eq(memcmp(all, "abcdef\0\0", 8), 0);
    ck_assert_int_eq(all[10000], 'Z');
    /* dup shares the offset; dup2 replaces */
    long d = S1(dup, fd);
    ck_assert_int_eq(d, 1);
    ck_assert_int_eq(S3(lseek, d, 1, SEEK_SET), 1);
    ck_assert_int_eq(S3(lseek, fd, 0, SEEK_CUR), 1);
    ck_assert_int_eq(S2(dup2, fd, 9), 9);
    ck_assert_int_eq(S2(dup2, fd, 9), 9);
    ck_assert_int_eq(S2(dup2, fd, NOFILE), -EBADF);
    ck_assert_int_eq(S3(dup3, fd, fd, 0), -EINVAL);
    ck_assert_int_eq(S3(fcntl64, 9, F_GETFD, 0), 0);
    ck_assert_int_eq(S3(fcntl64, 9, F_SETFD, FD_CLOEXEC), 0);
    ck_assert_int_eq(S3(fcntl64, 9, F_GETFD, 0), FD_CLOEXEC);
    ck_assert_int_eq(S3(fcntl64, fd, F_GETFL, 0) & O_ACCMODE, O_RDWR);
    ck_assert_int_eq(S3(fcntl64, fd, F_DUPFD, 5), 5);
    fs_proc_exec(host_cur);                      /* close-on-exec closes 9 only */
    ck_assert_int_eq(S1(close, 9), -EBADF);
    ck_assert_int_eq(S1(close, 5), 0);
    /* EBADF and EFAULT */
    ck_assert_int_eq(S1(close, -1), -EBADF);
    ck_assert_int_eq(S1(close, 99), -EBADF);
    ck_assert_int_eq(S3(read, 77, b, 1), -EBADF);
    ck_assert_int_eq(S3(read, fd, BADPTR, 4), -EFAULT);
    ck_assert_int_eq(S3(read, fd, 0xBFFFFFF0u, 0x100), -EFAULT);   /* reaches the kernel */
    ck_assert_int_eq(S3(write, fd, 0xFFFFFFF0u, 0x20), -EFAULT);     /* wraps */
    ck_assert_int_eq(S3(open, BADPTR, O_RDONLY, 0), -EFAULT);
    ck_assert_int_eq(open_("/new", O_CREAT | O_DIRECTORY), -EINVAL);   /* open(2), Linux >= 6.4 */
    long ro = open_("/f", O_RDONLY);
    ck_assert_int_eq(write_str((int)ro, "x"), -EBADF);
    long wo = open_("/f", O_WRONLY);
    ck_assert_int_eq(S3(read, wo, b, 1), -EBADF);
    ck_assert_int_eq(S2(ftruncate, ro, 0), -EINVAL);
    ck_assert_int_eq(S2(ftruncate, wo, 3), 0);
    ck_assert_str_eq(read_all("/f"), "abc");
    /* O_APPEND writes at the end whatever the offset */
    long ap = open_("/f", O_WRONLY | O_APPEND);
    ck_assert_int_eq(write_str((int)ap, "de"), 2);
    ck_assert_str_eq(read_all("/f"), "abcde");
    /* O_TRUNC empties */
    long tr = open_("/f", O_WRONLY | O_TRUNC);
    ck_assert_int_ge(tr, 0);
    ck_assert_str_eq(read_all("/f"), "");
}
END_TEST

START_TEST(test_vectors_and_at_calls)
{
    /* writev/readv: the pieces in order; bad vectors */
    long fd = open_("/v", O_RDWR | O_CREAT);
    uint32_t iov = UBUF(32), a = U("hello "), b = U("world");
    uint32_t *v = K(iov);
    v[0] = a; v[1] = 6; v[2] = 0; v[3] = 0; v[4] = b; v[5] = 5;
    ck_assert_int_eq(S3(writev, fd, iov, 3), 11);
    ck_assert_str_eq(read_all("/v"), "hello world");
    ck_assert_int_eq(S3(lseek, fd, 0, SEEK_SET), 0);
    uint32_t r1 = UBUF(8), r2 = UBUF(8);
    v[0] = r1; v[1] = 4; v[2] = r2; v[3] = 8;
    ck_assert_int_eq(S3(readv, fd, iov, 2), 11);
    ck_assert_int_eq(memcmp(K(r1), "hell", 4), 0);
    ck_assert_int_eq(memcmp(K(r2), "o world", 7), 0);
    ck_assert_int_eq(S3(writev, fd, iov, 1025), -EINVAL);         /* UIO_MAXIOV */
    ck_assert_int_eq(S3(writev, fd, iov, -1), -EINVAL);
    ck_assert_int_eq(S3(writev, fd, BADPTR, 1), -EFAULT);
    ck_assert_int_eq(S3(readv, 55, iov, 1), -EBADF);
    v[0] = a; v[1] = 6; v[2] = 0xC0000000u; v[3] = 4;            /* the second piece is bad: */
    ck_assert_int_eq(S3(writev, fd, iov, 2), -EFAULT);           /* nothing is written */
    ck_assert_str_eq(read_all("/v"), "hello world");
    v[3] = 0x80000000u;
    ck_assert_int_eq(S3(writev, fd, iov, 2), -EINVAL);
    /* *at() calls: relative to a directory descriptor; EBADF and ENOTDIR for bad ones */
    ck_assert_int_eq(S2(mkdir, U("/at"), 0755), 0);
    long dfd = open_("/at", O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(dfd, 0);
    long x = S4(openat, dfd, U("x"), O_CREAT | O_WRONLY, 0600);
    ck_assert_int_ge(x, 0);
    ck_assert_int_eq(write_str((int)x, "at"), 2);
    ck_assert_str_eq(read_all("/at/x"), "at");
    ck_assert_int_eq(S3(mkdirat, dfd, U("sub"), 0755), 0);
    uint32_t st = UBUF(sizeof(struct stat64));
    ck_assert_int_eq(S4(fstatat64, dfd, U("sub"), st, 0), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_mode, S_IFDIR | 0755);   /* umask 022 */
    ck_assert_int_eq(S4(fstatat64, dfd, U(""), st, AT_EMPTY_PATH), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_mode & S_IFMT, S_IFDIR);
    ck_assert_int_eq(S4(fstatat64, dfd, U("x"), st, 0x8000), -EINVAL);
    ck_assert_int_eq(S4(fstatat64, 77, U("x"), st, 0), -EBADF);
    ck_assert_int_eq(S4(fstatat64, x, U("x"), st, 0), -ENOTDIR);
    ck_assert_int_eq(S4(fstatat64, x, U("/at/x"), st, 0), 0);          /* absolute: dirfd unused */
    ck_assert_int_eq(S4(openat, 77, U("x"), O_RDONLY, 0), -EBADF);
    ck_assert_int_eq(S3(unlinkat, dfd, U("sub"), 0), -EISDIR);
    ck_assert_int_eq(S3(unlinkat, dfd, U("sub"), AT_REMOVEDIR), 0);
    ck_assert_int_eq(S3(unlinkat, dfd, U("x"), AT_REMOVEDIR), -ENOTDIR);
    ck_assert_int_eq(S3(unlinkat, dfd, U("x"), 0x1), -EINVAL);
    ck_assert_int_eq(S3(unlinkat, dfd, U("x"), 0), 0);
    ck_assert_int_eq(S1(rmdir, U("/at")), 0);
}
END_TEST

START_TEST(test_emfile)
{
    int n = 0;
    long fd;
    while ((fd = open_("/dev/null", O_RDONLY)) >= 0)
        n++;
    ck_assert_int_eq(n, NOFILE);
    ck_assert_int_eq(fd, -EMFILE);
    ck_assert_int_eq(S1(dup, 0), -EMFILE);
    ck_assert_int_eq(S1(pipe, UBUF(8)), -EMFILE);
    ck_assert_int_eq(S1(close, 4), 0);
    ck_assert_int_eq(open_("/dev/null", O_RDONLY), 4);
}
END_TEST

/* ---- pipes ---- */

START_TEST(test_pipe_ring_and_errors)
{
    uint32_t fds = UBUF(8);
    ck_assert_int_eq(S1(pipe, fds), 0);
    int rd = ((int *)K(fds))[0], wr = ((int *)K(fds))[1];
    ck_assert_int_eq(rd, 0);
    ck_assert_int_eq(wr, 1);
    ck_assert_int_eq(S3(read, rd, UBUF(8), 0), 0);          /* blocking, empty, but 0 bytes: no wait */
    ck_assert_int_eq(S3(fcntl, rd, F_SETFL, O_NONBLOCK), 0);
    ck_assert_int_eq(S3(fcntl, wr, F_SETFL, O_NONBLOCK), 0);
    uint32_t src = UBUF(8192), dst = UBUF(8192);
    for (int i = 0; i < 8192; i++)
        ((uint8_t *)K(src))[i] = (uint8_t)(i * 7 + 1);
    /* empty and non-blocking: EAGAIN; the ring wraps around its end */
    ck_assert_int_eq(S3(read, rd, dst, 10), -EAGAIN);
    ck_assert_int_eq(S3(write, wr, src, 3000), 3000);
    ck_assert_int_eq(S3(read, rd, dst, 2000), 2000);
    ck_assert_int_eq(S3(write, wr, src + 3000, 3000), 3000);           /* wraps */
    ck_assert_int_eq(S3(write, wr, src, 2000), -EAGAIN);               /* atomic: no room for all */
    ck_assert_int_eq(S3(read, rd, dst + 2000, 8000), 4000);
    ck_assert_int_eq(memcmp(K(src), K(dst), 6000), 0);
    /* a big write takes what fits */
    ck_assert_int_eq(S3(write, wr, src, 8192), 4096);
    ck_assert_int_eq(S3(write, wr, src, 1), -EAGAIN);
    /* not seekable; fstat says FIFO; no tty */
    ck_assert_int_eq(S3(lseek, rd, 0, SEEK_SET), -ESPIPE);
    uint32_t st = UBUF(sizeof(struct stat64));
    ck_assert_int_eq(S2(fstat64, rd, st), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_mode & S_IFMT, S_IFIFO);
    ck_assert_int_eq(S3(ioctl, rd, TCGETS, UBUF(64)), -ENOTTY);
    ck_assert_int_eq(S3(write, rd, src, 1), -EBADF);
    ck_assert_int_eq(S3(read, wr, dst, 1), -EBADF);
    /* writers gone: the data, then EOF */
    ck_assert_int_eq(S1(close, wr), 0);
    ck_assert_int_eq(S3(read, rd, dst, 8192), 4096);
    ck_assert_int_eq(S3(read, rd, dst, 8192), 0);
    ck_assert_int_eq(S1(close, rd), 0);
    /* readers gone: EPIPE and SIGPIPE */
    ck_assert_int_eq(S1(pipe, fds), 0);
    rd = ((int *)K(fds))[0];
    wr = ((int *)K(fds))[1];
    ck_assert_int_eq(S1(close, rd), 0);
    host_last_signal = 0;
    ck_assert_int_eq(S3(write, wr, src, 1), -EPIPE);
    ck_assert_int_eq(host_last_signal, SIGPIPE);
    ck_assert_int_eq(S1(close, wr), 0);
    ck_assert_int_eq(S2(pipe2, fds, 0x1234), -EINVAL);
    ck_assert_int_eq(S1(pipe, BADPTR), -EFAULT);
    ck_assert_int_eq(S1(close, 0), -EBADF);       /* the failed pipe left no descriptors */
}
END_TEST

/* ---- directories ---- */

START_TEST(test_getdents_getcwd_chroot)
{
    ck_assert_int_eq(S2(mkdir, U("/t"), 0755), 0);
    ck_assert_int_eq(S2(mkdir, U("/t/sub"), 0755), 0);
    S1(close, open_("/t/a", O_CREAT | O_WRONLY));
    S1(close, open_("/t/b", O_CREAT | O_WRONLY));
    long fd = open_("/t", O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    uint32_t buf = UBUF(1024);
    char names[256] = "";
    long n;
    while ((n = S3(getdents64, fd, buf, 40)) > 0) {    /* small buffer: one entry per call */
        for (long off = 0; off < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)((char *)K(buf) + off);
            strcat(names, (char *)d + LINUX_DIRENT64_NAME_OFFSET);
            strcat(names, d->d_type == DT_DIR ? "/ " : " ");
            ck_assert_int_eq(d->d_reclen % 8, 0);
            off += d->d_reclen;
        }
    }
    ck_assert_int_eq(n, 0);
    ck_assert_str_eq(names, "./ ../ sub/ a b ");
    ck_assert_int_eq(S3(lseek, fd, 0, SEEK_SET), 0);
    ck_assert_int_eq(S3(getdents64, fd, buf, 10), -EINVAL);          /* too small for one */
    ck_assert_int_eq(S3(getdents64, fd, BADPTR, 100), -EFAULT);
    long f = open_("/t/a", O_RDONLY);
    ck_assert_int_eq(S3(getdents64, f, buf, 100), -ENOTDIR);
    ck_assert_int_eq(S3(read, fd, buf, 10), -EISDIR);

    uint32_t cwd = UBUF(64);
    ck_assert_int_eq(S1(chdir, U("/t/sub")), 0);
    ck_assert_int_eq(S2(getcwd, cwd, 64), 7);
    ck_assert_str_eq(K(cwd), "/t/sub");
    ck_assert_int_eq(S2(getcwd, cwd, 3), -ERANGE);
    ck_assert_int_eq(S2(getcwd, BADPTR, 64), -EFAULT);
    ck_assert_int_eq(S1(chdir, U("../a")), -ENOTDIR);
    ck_assert_int_eq(S1(fchdir, fd), 0);
    ck_assert_int_eq(S2(getcwd, cwd, 64), 3);
    ck_assert_str_eq(K(cwd), "/t");
    /* chroot: "/" is /t now and ".." stops there */
    ck_assert_int_eq(S1(chroot, U("/t")), 0);
    ck_assert_int_eq(S2(getcwd, cwd, 64), 2);
    ck_assert_str_eq(K(cwd), "/");
    uint32_t st = UBUF(sizeof(struct stat64));
    ck_assert_int_eq(S2(stat64, U("/../../sub"), st), 0);
    ck_assert_int_eq(S2(stat64, U("/proc"), st), -ENOENT);
    ck_assert_int_eq(S1(chroot, U("/a")), -ENOTDIR);
    /* a cwd removed under us: getcwd and creating in it are ENOENT (getcwd(2), open(2)) */
    ck_assert_int_eq(S2(mkdir, U("/z"), 0755), 0);
    ck_assert_int_eq(S1(chdir, U("/z")), 0);
    ck_assert_int_eq(S1(rmdir, U("/z")), 0);
    ck_assert_int_eq(S2(getcwd, cwd, 64), -ENOENT);
    ck_assert_int_eq(open_("f", O_CREAT | O_WRONLY), -ENOENT);
    ck_assert_int_eq(S2(mkdir, U("d"), 0755), -ENOENT);
    ck_assert_int_eq(S2(stat64, U("."), st), 0);
}
END_TEST

START_TEST(test_mounts)
{
    ck_assert_int_eq(S2(mkdir, U("/mnt"), 0755), 0);
    ck_assert_int_eq(S3(mount, U("none"), U("/mnt"), U("nosuchfs")), -ENODEV);
    ck_assert_int_eq(S3(mount, U("none"), U("/nope"), U("tmpfs")), -ENOENT);
    ck_assert_int_eq(SYS(sys_mount, U("t"), U("/mnt"), U("tmpfs"), MS_BIND, 0), -EINVAL);  /* no bind mounts */
    ck_assert_int_eq(SYS(sys_mount, U("t"), U("/mnt"), U("tmpfs"), MS_RDONLY, 0), 0);
    ck_assert_int_eq(open_("/mnt/x", O_CREAT | O_WRONLY), -EROFS);     /* mount(2): read-only */
    ck_assert_int_eq(S2(mkdir, U("/mnt/d"), 0755), -EROFS);
    ck_assert_int_eq(S2(umount2, U("/mnt"), 0), 0);
    ck_assert_int_eq(S3(mount, U("tmpfs"), U("/mnt"), U("tmpfs")), 0);
    long fd = open_("/mnt/x", O_CREAT | O_WRONLY);
    ck_assert_int_eq(write_str((int)fd, "in tmpfs"), 8);
    S1(close, fd);
    ck_assert_int_eq(S2(rename, U("/mnt/x"), U("/x")), -EXDEV);
    ck_assert_int_eq(S1(rmdir, U("/mnt")), -EBUSY);
    ck_assert_int_eq(S2(rename, U("/mnt"), U("/mnt2")), -EBUSY);
    ck_assert_str_eq(read_all("/proc/mounts"),
                     "rootfs / ramfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n"
                     "proc /proc proc rw 0 0\ntmpfs /mnt tmpfs rw 0 0\n");
    ck_assert_int_eq(S1(chdir, U("/mnt")), 0);
    uint32_t cwd = UBUF(64);
    ck_assert_int_eq(S2(getcwd, cwd, 64), 5);
    ck_assert_str_eq(K(cwd), "/mnt");
    ck_assert_int_eq(S2(umount2, U("/mnt"), 0), -EBUSY);                /* our cwd is in it */
    ck_assert_int_eq(S1(chdir, U("..")), 0);
    ck_assert_int_eq(S2(getcwd, cwd, 64), 2);
    fd = open_("/mnt/x", O_RDONLY);
    ck_assert_int_eq(S2(umount2, U("/mnt"), 0), -EBUSY);                /* an open file */
    S1(close, fd);
    ck_assert_int_eq(S2(umount2, U("/mnt"), 0x100), -EINVAL);
    ck_assert_int_eq(S2(umount2, U("/mnt"), 0), 0);
    ck_assert_int_eq(S2(umount2, U("/mnt"), 0), -EINVAL);               /* not a mount point */
    ck_assert_int_eq(S2(umount2, U("/"), 0), -EBUSY);
    ck_assert_ptr_null(read_all("/mnt/x"));
}
END_TEST

START_TEST(test_mount_table_clone)
{
    uint32_t kmem = host_kmalloc_live;
    int inodes = vfs_inodes_in_use();
    struct mnt_table *t = vfs_mnt_of(host_cur), *n = mnt_table_clone(t);
    ck_assert_ptr_nonnull(n);
    ck_assert_uint_ne(n->id, t->id);
    int err = 0;
    struct inode *tmp = namei("/tmp", &err);
    ck_assert_int_eq(vfs_mount(n, "scratch", tmp, "tmpfs", 0, NULL), 0);
    static char a[1024], b[1024];
    ck_assert_int_gt(vfs_mounts_text(t, a, sizeof a), 0);
    ck_assert_int_gt(vfs_mounts_text(n, b, sizeof b), 0);
    ck_assert_ptr_null(strstr(a, "scratch"));                 /* the new namespace only */
    ck_assert_ptr_nonnull(strstr(b, "scratch /tmp tmpfs rw 0 0\n"));
    ck_assert_int_eq(strncmp(a, b, strlen(a)), 0);            /* the rest is shared */
    /* /proc unmounted in the copy stays mounted in the original */
    struct inode *proc_root = namei("/proc", &err);           /* the mounted root, in both */
    ck_assert_int_eq(vfs_umount(n, proc_root), 0);
    ck_assert_int_eq(vfs_umount(n, proc_root), -EINVAL);     /* no longer a mount there */
    iput(proc_root);
    ck_assert_ptr_nonnull(read_all("/proc/1/status"));
    iput(tmp);
    mnt_table_put(n);
    ck_assert_uint_eq(host_kmalloc_live, kmem);
    ck_assert_int_eq(vfs_inodes_in_use(), inodes);
}
END_TEST

/* ---- /proc and /dev ---- */

START_TEST(test_procfs_devfs)
{
    host_procs[1].pid = 7;
    host_procs[1].state = P_SLEEPING;
    host_procs[1].parent = &host_procs[0];
    strcpy(host_procs[1].name, "sh");
    static uint32_t fake_pgdir[1];
    host_procs[1].pgdir = fake_pgdir;       /* the stand-in vm_user_pages says 3 pages */
    ck_assert_str_eq(read_all("/proc/7/status"),
                     "Name:\tsh\nUmask:\t0000\nState:\tS (sleeping)\nTgid:\t7\nNgid:\t0\nPid:\t7\n"
                     "PPid:\t1\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nNSpid:\t7\n"
                     "VmRSS:\t      12 kB\nThreads:\t1\n");
    ck_assert_int_eq(memcmp(read_all("/proc/1/cmdline"), "/sbin/init\0-s", 14), 0);
    ck_assert_str_eq(read_all("/proc/uptime"), "12.34 0.00\n");
    ck_assert_ptr_null(read_all("/proc/8/status"));
    uint32_t b = UBUF(64);
    ck_assert_int_eq(S3(readlink, U("/proc/self"), b, 64), 1);
    ck_assert_int_eq(((char *)K(b))[0], '1');
    ck_assert_int_eq(S3(readlink, U("/proc/self"), b, 0), -EINVAL);
    ck_assert_str_eq(strstr(read_all("/proc/self/status"), "Pid:"), strstr(read_all("/proc/1/status"), "Pid:"));
    ck_assert_int_eq(S2(mkdir, U("/proc/x"), 0755), -EPERM);
    ck_assert_int_eq(open_("/proc/new", O_CREAT | O_WRONLY), -EACCES);
    long fd = open_("/proc", O_RDONLY);
    char names[256] = "";
    long n = S3(getdents64, fd, b = UBUF(2048), 2048);
    for (long off = 0; off < n;) {
        struct linux_dirent64 *d = (struct linux_dirent64 *)((char *)K(b) + off);
        strcat(names, (char *)d + LINUX_DIRENT64_NAME_OFFSET);
        strcat(names, " ");
        off += d->d_reclen;
    }
    ck_assert_str_eq(names, ". .. meminfo mounts self uptime vm vms 1 7 ");
    /* devices */
    long nul = open_("/dev/null", O_RDWR);
    ck_assert_int_eq(write_str((int)nul, "gone"), 4);
    ck_assert_int_eq(S3(read, nul, b, 10), 0);
    ck_assert_int_eq(S3(ioctl, nul, TCGETS, b), -ENOTTY);
    long z = open_("/dev/zero", O_RDONLY);
    memset(K(b), 0x55, 16);
    ck_assert_int_eq(S3(read, z, b, 16), 16);
    ck_assert_int_eq(((char *)K(b))[15], 0);
    ck_assert_int_eq(fs_open_console(host_cur), 0);
    ck_assert_int_eq(write_str(1, "hello console\n"), 14);
    ck_assert_str_eq(host_console_out, "hello console\n");
    host_console_in = "line one\nline two\n";
    ck_assert_int_eq(S3(read, 0, b, 64), 9);
    ck_assert_int_eq(memcmp(K(b), "line one\n", 9), 0);
    ck_assert_int_eq(S3(ioctl, 0, TCGETS, b), 0);
    ck_assert_int_eq(S3(ioctl, 0, TCGETS, BADPTR), -EFAULT);
    ck_assert_int_eq(S3(ioctl, 0, 0x9999, b), -ENOTTY);
    *(int32_t *)K(b) = 7;
    ck_assert_int_eq(S3(ioctl, 0, TIOCSPGRP, b), 0);
    ck_assert_int_eq(S3(ioctl, 0, TIOCGPGRP, b + 8), 0);
    ck_assert_int_eq(*(int32_t *)K(b + 8), 7);
    ck_assert_int_eq(S3(lseek, 0, 0, SEEK_SET), -ESPIPE);
    uint32_t st = UBUF(sizeof(struct stat64));
    ck_assert_int_eq(S2(stat64, U("/dev/null"), st), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_rdev, (1 << 8) | 3);
    ck_assert_int_eq(S1(unlink, U("/dev/null")), -EPERM);
}
END_TEST

/* ---- initramfs: what cpio(1) writes, we read ---- */

static void *slurp(const char *path, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    static char data[1 << 16];
    *len = (uint32_t)fread(data, 1, sizeof data, f);
    fclose(f);
    return data;
}

START_TEST(test_initramfs_from_cpio)
{
    char dir[] = "/tmp/vx86-cpio-XXXXXX", cmd[512];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p root/bin root/etc/empty && printf 'hello\\n' > root/etc/motd && "
             "head -c 5000 /dev/zero | tr '\\0' 'x' > root/bin/prog && chmod 755 root/bin/prog && "
             "ln -s ../etc/motd root/bin/link && cd root && find . | LC_ALL=C sort | "
             "cpio -o -H newc --quiet > ../a.cpio", dir);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/a.cpio", dir);
    uint32_t len;
    void *data = slurp(cmd, &len);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);

    ck_assert_int_eq(initramfs_unpack(data, len), 0);
    ck_assert_str_eq(read_all("/etc/motd"), "hello\n");
    char *prog = read_all("/bin/prog");
    ck_assert_uint_eq(strlen(prog), 5000);
    ck_assert_int_eq(prog[4999], 'x');
    ck_assert_str_eq(read_all("/bin/link"), "hello\n");                /* through the symlink */
    uint32_t st = UBUF(sizeof(struct stat64)), b = UBUF(64);
    ck_assert_int_eq(S2(stat64, U("/bin/prog"), st), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_mode, S_IFREG | 0755);
    ck_assert_int_eq(S2(lstat64, U("/bin/link"), st), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_mode & S_IFMT, S_IFLNK);
    ck_assert_int_eq(S3(readlink, U("/bin/link"), b, 64), 11);
    ck_assert_int_eq(memcmp(K(b), "../etc/motd", 11), 0);
    ck_assert_int_eq(S2(stat64, U("/etc/empty"), st), 0);
    ck_assert_uint_eq(((struct stat64 *)K(st))->st_mode & S_IFMT, S_IFDIR);
    int err = 0;
    struct inode *ip = namei("/bin/prog", &err);
    char head[8];
    ck_assert_int_eq(inode_read(ip, head, 4998, 8), 2);
    ck_assert_int_eq(vfs_may_exec(ip), 0);                             /* 0755 */
    struct inode *motd = namei("/etc/motd", &err), *etc = namei("/etc", &err);
    ck_assert_int_eq(vfs_may_exec(motd), -EACCES);                     /* 0644 */
    ck_assert_int_eq(vfs_may_exec(etc), -EACCES);                      /* a directory */
    iput(motd);
    iput(etc);
    iput(ip);
    /* a module replaces a file, making its directories */
    ck_assert_int_eq(fs_create_file("/opt/x/prog", "ELF", 3, 0755), 0);
    ck_assert_str_eq(read_all("/opt/x/prog"), "ELF");
    ck_assert_int_eq(fs_create_file("/bin/prog", "new", 3, 0755), 0);
    ck_assert_str_eq(read_all("/bin/prog"), "new");
    /* an entry that cannot be made (a file in /proc) is skipped, the rest still unpacked */
    char arc[512];
    uint32_t alen = 0;
    static const char *const names[] = { "proc/x", "late" };
    for (int i = 0; i < 2; i++) {
        alen += (uint32_t)sprintf(arc + alen, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
                                  i + 1, 0100644, 0, 0, 1, 0, 2, 0, 0, 0, 0,
                                  (unsigned)strlen(names[i]) + 1, 0);
        alen += (uint32_t)sprintf(arc + alen, "%s", names[i]) + 1;
        while (alen % 4)
            arc[alen++] = 0;
        memcpy(arc + alen, "ok", 2);
        alen += 4;
    }
    ck_assert_int_eq(initramfs_unpack(arc, alen), -EACCES);
    ck_assert_str_eq(read_all("/late"), "ok");
    /* damaged archives: one clear error, nothing half-read past the damage */
    ck_assert_int_eq(initramfs_unpack(data, 100), -EINVAL);             /* truncated header */
    ck_assert_int_eq(initramfs_unpack("\x1f\x8b\x08\x00", 4), -EINVAL); /* gzip */
    char bad[128];
    memcpy(bad, data, 110);
    bad[20] = 'Q';                                                       /* not hex */
    ck_assert_int_eq(initramfs_unpack(bad, 110), -EINVAL);
}
END_TEST

/* ---- memory comes back ---- */

START_TEST(test_no_leaks)
{
    uint32_t base = host_kmalloc_live;
    int inodes = vfs_inodes_in_use();
    ck_assert_int_eq(S2(mkdir, U("/d"), 0755), 0);
    long fd = open_("/d/big", O_CREAT | O_RDWR);
    uint32_t src = UBUF(100000);
    ck_assert_int_eq(S3(write, fd, src, 100000), 100000);
    ck_assert_int_eq(S2(ftruncate, fd, 5000), 0);
    ck_assert_int_eq(S3(write, fd, src, 100000), 100000);
    ck_assert_int_eq(S1(close, fd), 0);
    uint32_t fds = UBUF(8);
    ck_assert_int_eq(S1(pipe, fds), 0);
    S1(close, ((int *)K(fds))[0]);
    S1(close, ((int *)K(fds))[1]);
    ck_assert_int_eq(S3(mount, U("t"), U("/d"), U("tmpfs")), 0);
    S1(close, open_("/d/in-tmpfs", O_CREAT | O_WRONLY));
    ck_assert_int_eq(S2(umount2, U("/d"), 0), 0);
    ck_assert_ptr_nonnull(read_all("/proc/1/status"));
    for (int i = 0; i < 3; i++) {             /* the shell loop that once looked leaky */
        S1(close, open_("/tmp/f", O_CREAT | O_WRONLY));
        ck_assert_int_eq(S2(mkdir, U("/tmp/dd"), 0755), 0);
        ck_assert_int_eq(S2(rename, U("/tmp/f"), U("/tmp/dd/g")), 0);
        ck_assert_int_eq(S2(rename, U("/tmp/dd"), U("/tmp/ee")), 0);
        ck_assert_int_eq(S1(unlink, U("/tmp/ee/g")), 0);
        ck_assert_int_eq(S1(rmdir, U("/tmp/ee")), 0);
        long pd = open_("/proc", O_RDONLY);
        ck_assert_int_gt(S3(getdents64, pd, UBUF(2048), 2048), 0);
        S1(close, pd);
    }
    /* symbolic links: followed, dangling (O_CREAT makes the target), looping */
    ck_assert_int_eq(fs_create_file("/d/l", "t", 1, S_IFLNK | 0777), 0);
    ck_assert_int_eq(fs_create_file("/d/m", "l", 1, S_IFLNK | 0777), 0);
    ck_assert_int_eq(fs_create_file("/d/o", "o", 1, S_IFLNK | 0777), 0);
    S1(close, open_("/d/m", O_CREAT | O_WRONLY));
    ck_assert_int_eq(S2(stat64, U("/d/m"), UBUF(sizeof(struct stat64))), 0);
    ck_assert_int_eq(S2(stat64, U("/d/o/x"), UBUF(sizeof(struct stat64))), -ELOOP);
    ck_assert_int_eq(open_("/d/o", O_CREAT | O_WRONLY), -ELOOP);
    for (const char *const *n = (const char *const[]){ "/d/l", "/d/m", "/d/o", "/d/t", NULL }; *n; n++)
        ck_assert_int_eq(S1(unlink, U(*n)), 0);
    ck_assert_int_eq(S1(unlink, U("/d/big")), 0);
    ck_assert_int_eq(S1(rmdir, U("/d")), 0);
    uint32_t cwd = UBUF(64);
    ck_assert_int_eq(S1(chdir, U("/proc/1")), 0);
    ck_assert_int_eq(S2(getcwd, cwd, 64), 8);
    ck_assert_int_eq(S1(chdir, U("/")), 0);
    ck_assert_int_eq(S2(stat64, U("/proc/self/../1/./status"), UBUF(sizeof(struct stat64))), 0);
    ck_assert_uint_eq(host_kmalloc_live, base);
    ck_assert_int_eq(vfs_inodes_in_use(), inodes);
}
END_TEST

static Suite *os_fs_suite(void)
{
    Suite *s = suite_create("os_fs");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_linux_parity);
    tcase_add_test(tc, test_linux_symlinks);
    const char *seeds = getenv("OSFS_FUZZ_SEEDS");     /* more seeds for a longer hunt */
    tcase_add_loop_test(tc, test_linux_random_ops, 0, seeds ? atoi(seeds) : 8);
    tcase_add_loop_test(tc, test_linux_random_fd_ops, 0, seeds ? atoi(seeds) : 8);
    tcase_add_test(tc, test_rw_offsets_and_fds);
    tcase_add_test(tc, test_vectors_and_at_calls);
    tcase_add_test(tc, test_emfile);
    tcase_add_test(tc, test_pipe_ring_and_errors);
    tcase_add_test(tc, test_getdents_getcwd_chroot);
    tcase_add_test(tc, test_mounts);
    tcase_add_test(tc, test_mount_table_clone);
    tcase_add_test(tc, test_procfs_devfs);
    tcase_add_test(tc, test_initramfs_from_cpio);
    tcase_add_test(tc, test_no_leaks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(os_fs_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
