/* kernel/fs.h -- the file layer: VFS objects, file systems behind ops tables, open files, pipes.
 *
 * Shape (after xv6's fs.c/file.c, with Linux's split into inode ops and file ops):
 *   struct inode     one object per file, directory, device or pipe; reference counted (ref)
 *                    and link counted (nlink); its file system's code sits behind `iop` and `fop`.
 *   struct super     one mounted instance of a file system (ramfs, proc, dev; later cgroup2, overlay).
 *   struct fs_type   a file system kind, registered by name; `mount -t NAME` finds it.
 *   struct mount     "this super's root is attached over that inode"; lives in a mount table.
 *   struct mnt_table a set of mounts. Today every process shares one; the mount namespace of the
 *                    container issue gives each namespace its own (vfs_mnt_of is the one place
 *                    that chooses the table, see mount.c).
 *   struct file      an open file description (offset, flags) shared by dup and fork.
 * Bytes move through `struct iobuf`: a kernel pointer or a user address, so the same read code
 * serves exec (kernel buffer), read(2) (copyout, EFAULT on a bad pointer) and the host unit test.
 * All errors are negative Linux errno values (kernel/uapi). */
#ifndef KERNEL_FS_H
#define KERNEL_FS_H

#include <stdint.h>

#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/limits.h"

#define FS_NAME_MAX UAPI_NAME_MAX  /* a longer component is ENAMETOOLONG */
#define FS_MAXSYMLINKS 40          /* links in one lookup before ELOOP: Linux's MAXSYMLINKS */
#define NINODE      1024     /* live inodes in all file systems together */
#define NFILE       256      /* open file descriptions, system wide */
#define NMOUNT      32       /* mounts per mount table */

struct proc;
struct inode;
struct file;
struct super;
struct stat64;

/* Where the bytes of a read or write live: user address `u` when `k` is NULL, else kernel `k`. */
struct iobuf {
    char *k;
    uint32_t u;
};
static inline struct iobuf iob_kernel(void *k) { struct iobuf b = { (char *)k, 0 }; return b; }
static inline struct iobuf iob_user(uint32_t u) { struct iobuf b = { 0, u }; return b; }
int iob_put(struct iobuf b, uint32_t at, const void *src, uint32_t n);   /* 0 or -EFAULT */
int iob_get(void *dst, struct iobuf b, uint32_t at, uint32_t n);         /* 0 or -EFAULT */

/* One directory entry as readdir reports it. */
struct fs_dirent {
    uint32_t ino;
    uint32_t type;                 /* DT_* (Linux values: DT_DIR 4, DT_REG 8, ...) */
    char name[FS_NAME_MAX + 1];
};

/* Directory and metadata operations. Any may be NULL: the VFS then answers with the errno Linux
 * gives (EACCES for a file created in /proc, EPERM for mkdir there, ...). Names are single
 * components, never "." or "..", never empty. Returned inodes carry a reference. */
struct inode_ops {
    struct inode *(*lookup)(struct inode *dir, const char *name, int *err);
    struct inode *(*create)(struct inode *dir, const char *name, uint32_t mode, int *err);
    /* Remove an entry: a file (dir=0) or an empty directory (dir=1); EISDIR/ENOTDIR/ENOTEMPTY. */
    int (*unlink)(struct inode *dir, const char *name, int isdir);
    /* Move odir/oname to ndir/nname (same super; the VFS checks), replacing a compatible target. */
    int (*rename)(struct inode *odir, const char *oname, struct inode *ndir, const char *nname);
    int (*readdir)(struct inode *dir, uint32_t *pos, struct fs_dirent *out); /* 1 entry, 0 end */
    int (*readlink)(struct inode *ip, char *buf, uint32_t n);              /* length */
    struct inode *(*parent)(struct inode *dir);  /* "..": the file system's root returns itself */
    int (*truncate)(struct inode *ip, uint32_t size);
    void (*evict)(struct inode *ip);            /* last reference gone: free private data */
    /* A "magic" link (/proc/PID/ns/TYPE): the inode it stands for, followed without a path. */
    struct inode *(*get_link)(struct inode *link, int *err);
};

/* Byte operations. `f` is NULL when the kernel reads an inode directly (exec). */
struct file_ops {
    int  (*open)(struct inode *ip, struct file *f);
    void (*release)(struct file *f);
    long (*read)(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n);
    long (*write)(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n);
    long (*ioctl)(struct file *f, uint32_t cmd, uint32_t arg);
};

struct inode {
    int ref;                       /* in-memory references: 0 means the slot is free */
    uint32_t ino;                  /* unique within its super */
    uint32_t mode;                 /* S_IFMT type bits | permission bits, Linux values */
    uint32_t nlink;
    uint32_t size;
    uint32_t rdev;                 /* device number (major << 8 | minor) for devfs nodes */
    uint32_t mtime;                /* seconds since boot */
    struct super *sb;
    const struct inode_ops *iop;
    const struct file_ops *fop;
    void *priv;                    /* the file system's own data */
};

struct fs_type {
    const char *name;              /* "ramfs", "tmpfs", "proc", "devtmpfs"; later "cgroup2", "overlay" */
    /* A new super with its root inode, or NULL and *err. `data` is mount(2)'s option string. */
    struct super *(*mount)(const struct fs_type *t, const char *source, const char *data, int *err);
    void (*kill)(struct super *sb); /* umount: the super is unreferenced */
};

struct super {
    const struct fs_type *type;
    uint32_t dev;                  /* st_dev */
    struct inode *root;
    uint32_t next_ino;
    int mounts;                    /* mounts using this super */
    void *priv;
};

struct mount {
    struct super *sb;              /* NULL: free slot */
    struct inode *root;            /* sb->root, referenced */
    struct inode *mountpoint;      /* covered inode (NULL for the table's root), referenced */
    struct mount *parent;          /* mount that holds mountpoint */
    char source[32];               /* as given to mount(2), shown in /proc/mounts */
    uint32_t flags;                /* MS_* given at mount */
};

struct mnt_table {
    int ref;                       /* namespaces/processes sharing the table */
    uint32_t id;                   /* namespace inode number, later /proc/PID/ns/mnt */
    struct mount m[NMOUNT];        /* m[0] is the root mount */
};

struct file {
    int ref;                       /* 0: free slot */
    uint32_t flags;                /* O_ACCMODE | O_APPEND | O_NONBLOCK as given to open */
    uint32_t off;
    struct inode *ip;
    void *priv;                    /* pipe ends: the pipe */
};

/* ---- contract with the rest of the kernel (os contract) ---- */
void fs_init(void);                                         /* root ramfs; /dev, /proc mounted */
int  initramfs_unpack(const void *cpio, uint32_t len);      /* 0 or -errno */
int  fs_create_file(const char *path, const void *data, uint32_t len, uint32_t mode);  /* modules */
struct inode *namei(const char *path, int *err);            /* relative to curproc's cwd and root */
int  inode_read(struct inode *ip, void *kdst, uint32_t off, uint32_t n);   /* bytes, or -errno */
struct inode *idup(struct inode *ip);
void iput(struct inode *ip);
struct file *file_dup(struct file *f);
void file_close(struct file *f);
int  fs_open_console(struct proc *p);                       /* fds 0,1,2 of init on /dev/console */
void fs_proc_exit(struct proc *p);                          /* close all fds, drop cwd and root */
int  fs_proc_fork(struct proc *child, struct proc *parent); /* share fds, cwd, root: 0 */
void fs_proc_exec(struct proc *p);                          /* close the FD_CLOEXEC descriptors */

/* ---- VFS (vfs.c, mount.c) ---- */
struct inode *inode_alloc(struct super *sb, uint32_t mode, const struct inode_ops *iop,
                          const struct file_ops *fop);      /* ref 1, nlink 1; NULL when full */
int  inode_is_dir(const struct inode *ip);
int  vfs_may_exec(const struct inode *ip);                  /* 0, or -EACCES (execve(2)) */
int  vfs_inodes_in_use(void);                               /* live inodes (leak checks) */
void fs_register(const struct fs_type *t);
const struct fs_type *fs_find_type(const char *name);
struct super *super_alloc(const struct fs_type *t);
struct mnt_table *vfs_mnt_of(struct proc *p);                /* mount.c: the table p sees */
struct mnt_table *mnt_table_clone(struct mnt_table *t);     /* for a new mount namespace */
void mnt_table_put(struct mnt_table *t);
struct mount *mnt_covering(struct mnt_table *t, struct inode *ip);   /* topmost mount on ip */
struct mount *mnt_rooted_at(struct mnt_table *t, struct inode *ip);  /* topmost mount of root ip */
/* Resolve a path: the inode, or with `parent` the directory holding the last component and its
 * name in `last` (FS_NAME_MAX+1 bytes). `follow` follows a final symlink. */
struct inode *vfs_lookup(struct proc *p, const char *path, int follow, int *err);
struct inode *vfs_lookup_parent(struct proc *p, const char *path, char *last, int *err);
/* The same from directory dir (NULL: the cwd), for the *at() calls; last as above or NULL. */
struct inode *vfs_lookup_at(struct proc *p, struct inode *dir, const char *path, char *last,
                            int follow, int *err);
int  vfs_mount(struct mnt_table *t, const char *source, struct inode *target,
               const char *fstype, uint32_t flags, const char *data);
int  vfs_umount(struct mnt_table *t, struct inode *target);
int  vfs_getcwd(struct proc *p, char *buf, uint32_t n);     /* length including NUL, or -errno */
int  vfs_path_of(struct proc *p, struct mnt_table *t, struct inode *ip, char *buf, uint32_t n);
int  vfs_mounts_text(struct mnt_table *t, char *buf, uint32_t n);  /* /proc/mounts lines */
void vfs_stat(struct inode *ip, struct stat64 *st);
int  vfs_is_mounted_on(struct mnt_table *t, struct inode *ip);  /* a mount point or mounted root */
/* mount(2)'s MS_RDONLY: -EROFS when ip is on a read-only mount of p's table, else 0. */
int  vfs_readonly(struct proc *p, struct inode *ip);
int  vfs_remount(struct mnt_table *t, struct inode *target, uint32_t flags);   /* MS_REMOUNT */
int  file_uses_super(struct super *sb);                     /* file.c: an open file in sb */

/* ---- open files (file.c) ---- */
/* Access modes: Linux also accepts O_ACCMODE itself (3), which allows neither reads nor writes. */
#define FILE_READABLE(fl) (((fl) & O_ACCMODE) == O_RDONLY || ((fl) & O_ACCMODE) == O_RDWR)
#define FILE_WRITABLE(fl) (((fl) & O_ACCMODE) == O_WRONLY || ((fl) & O_ACCMODE) == O_RDWR)
struct file *file_alloc(void);                              /* ref 1; NULL when the table is full */
struct file *file_open_inode(struct inode *ip, uint32_t flags, int *err); /* takes ip's ref */
long file_read(struct file *f, struct iobuf b, uint32_t n);
long file_write(struct file *f, struct iobuf b, uint32_t n);
int  fd_alloc(struct proc *p, struct file *f, int from);    /* lowest free fd >= from, or -EMFILE */
struct file *fd_get(struct proc *p, int fd);                /* NULL when not open */

/* ---- system-call helpers (sys_path.c), shared with sys_file.c ---- */
int  upath_copy(uint32_t upath, char **out);                /* kmalloc'd path: length or -errno */
int  upath_at_dir(int dirfd, const char *path, struct inode **dir);  /* *at(): NULL = cwd */
struct inode *upath_lookup(int dirfd, uint32_t upath, int follow, int empty_ok, int *err);
long upath_stat_out(struct inode *ip, uint32_t ubuf);       /* copy out stat64, drops ip */
long upath_truncate(struct inode *ip, int32_t len);

/* ---- file systems ---- */
extern const struct fs_type ramfs_type, tmpfs_type, procfs_type, devfs_type;
void *ramfs_page(struct inode *ip, uint32_t pg, int *err);  /* a file's page frame (VM_MAP_FILE) */
extern const struct fs_type overlay_type, tracefs_type;    /* containers/overlayfs.c, tracefs.c */
void trace_marker_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* tracefs.c */
int  pipe_alloc(struct file **rd, struct file **wr);        /* 0, -ENFILE, -ENOMEM */

#endif
