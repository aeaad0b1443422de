/* vfs.c -- the virtual file system: the inode table, path lookup and names back from inodes
 * (mount tables and file-system types are in mount.c). File systems (ramfs.c, devfs.c, procfs.c;
 * later cgroupfs and overlayfs) plug in through struct fs_type and the ops tables of fs.h;
 * nothing here knows how any of them stores data.
 *
 * Lookup follows path_resolution(7): an absolute path starts at the process's root (chroot), a
 * relative one at its cwd; "." stays, ".." at the root stays at the root; a component longer than
 * NAME_MAX is ENAMETOOLONG, a missing one ENOENT, a non-directory in the middle ENOTDIR; more
 * than FS_MAXSYMLINKS symbolic links in one lookup is ELOOP. Crossing a mount point downwards
 * enters the mounted file system's root; ".." from a mounted root goes to the covered directory's
 * parent.
 * Simplified: mounts are found by inode (Linux keeps (vfsmount, dentry) pairs), so mounting the
 * same directory twice in one table stacks; propagation does not exist (every mount is private). */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/stat.h"


static struct inode inode_table[NINODE];

/* ---- bytes in and out ---- */

int iob_put(struct iobuf b, uint32_t at, const void *src, uint32_t n)
{
    if (b.k) {
        memcpy(b.k + at, src, n);
        return 0;
    }
    return copyout(b.u + at, src, n);
}

int iob_get(void *dst, struct iobuf b, uint32_t at, uint32_t n)
{
    if (b.k) {
        memcpy(dst, b.k + at, n);
        return 0;
    }
    return copyin(dst, b.u + at, n);
}

/* ---- inodes ---- */

struct inode *inode_alloc(struct super *sb, uint32_t mode, const struct inode_ops *iop,
                          const struct file_ops *fop)
{
    for (int i = 0; i < NINODE; i++) {
        struct inode *ip = &inode_table[i];
        if (ip->ref == 0) {
            memset(ip, 0, sizeof *ip);
            ip->ref = 1;
            ip->nlink = 1;
            ip->mode = mode;
            ip->sb = sb;
            ip->ino = sb ? sb->next_ino++ : 0;
            ip->iop = iop;
            ip->fop = fop;
            ip->mtime = (uint32_t)(ktime_ns() / 1000000000u);
            return ip;
        }
    }
    return NULL;
}

struct inode *idup(struct inode *ip)
{
    if (ip)
        ip->ref++;
    return ip;
}

void iput(struct inode *ip)
{
    if (!ip)
        return;
    if (ip->ref <= 0)
        panic("iput: inode %u has ref %d", ip->ino, ip->ref);
    if (ip->ref == 1 && ip->iop && ip->iop->evict)
        ip->iop->evict(ip);          /* may iput other inodes (a directory's entries) */
    ip->ref--;
}

int vfs_inodes_in_use(void)
{
    int n = 0;
    for (int i = 0; i < NINODE; i++)
        n += inode_table[i].ref > 0;
    return n;
}

int inode_is_dir(const struct inode *ip) { return S_ISDIR(ip->mode); }

/* execve(2): EACCES unless a regular file with an execute bit (root needs one bit too). */
int vfs_may_exec(const struct inode *ip)
{
    return S_ISREG(ip->mode) && (ip->mode & 0111) ? 0 : -EACCES;
}

int inode_read(struct inode *ip, void *kdst, uint32_t off, uint32_t n)
{
    if (S_ISDIR(ip->mode))
        return -EISDIR;
    if (!ip->fop || !ip->fop->read)
        return -EINVAL;
    return (int)ip->fop->read(ip, NULL, iob_kernel(kdst), off, n);
}

void vfs_stat(struct inode *ip, struct stat64 *st)
{
    memset(st, 0, sizeof *st);
    st->st_dev = ip->sb ? ip->sb->dev : 0;
    st->__st_ino = ip->ino;
    st->st_ino = ip->ino;
    st->st_mode = ip->mode;
    st->st_nlink = ip->nlink;
    st->st_rdev = ip->rdev;
    st->st_size = ip->size;
    st->st_blksize = 4096;
    st->st_blocks = (ip->size + 511) / 512;
    st->st_atime = st->st_mtime = st->st_ctime = ip->mtime;
}

/* Follow mounts down: the inode a walk sees at ip. Consumes ip's reference, returns one. */
static struct inode *cross_down(struct mnt_table *t, struct inode *ip)
{
    struct mount *m;
    while ((m = mnt_covering(t, ip)) != NULL) {
        struct inode *r = idup(m->root);
        iput(ip);
        ip = r;
    }
    return ip;
}

/* "..": consumes cur's reference. *seen (if given) gets the inode the parent lists for this
 * child (the covered mount point rather than a mounted root), without a reference. */
static struct inode *dotdot(struct proc *p, struct mnt_table *t, struct inode *cur,
                            struct inode **seen)
{
    struct inode *root = p && p->root ? p->root : t->m[0].root;
    struct mount *m;
    if (cur == root) {
        if (seen)
            *seen = cur;
        return cur;
    }
    while ((m = mnt_rooted_at(t, cur)) != NULL && m->mountpoint) {
        struct inode *mp = idup(m->mountpoint);
        iput(cur);
        cur = mp;
        if (cur == root)
            break;
    }
    if (seen)
        *seen = cur;
    if (cur == root || !cur->iop || !cur->iop->parent)
        return cur;
    struct inode *par = cur->iop->parent(cur);
    iput(cur);
    return par;
}

/* A symbolic link met on the way: its target followed by the rest of the path (rest starts at the
 * '/' after the link's name, or is empty) in a new buffer that replaces *buf. 0 or -errno. */
static int splice_link(struct inode *link, const char *rest, char **buf)
{
    char *nb = kmalloc(UAPI_PATH_MAX);
    if (!nb)
        return -ENOMEM;
    int n = link->iop && link->iop->readlink ? link->iop->readlink(link, nb, UAPI_PATH_MAX - 1)
                                             : -EINVAL;
    uint32_t rlen = (uint32_t)strlen(rest);
    int r = n < 0 ? n : n == 0 ? -ENOENT                      /* an empty link names nothing */
          : (uint32_t)n + rlen + 1 > UAPI_PATH_MAX ? -ENAMETOOLONG : 0;
    if (r < 0) {
        kfree(nb);
        return r;
    }
    memcpy(nb + n, rest, rlen + 1);
    kfree(*buf);
    *buf = nb;
    return 0;
}

/* Walk path from start (consumed). With last != NULL, stop before the final component: return
 * its directory and copy the component into last ("" when the path has none, as "/").
 * A symbolic link on the way is spliced in -- its target followed by the rest of the path becomes
 * the path, walked on from the link's directory (or the root, for an absolute target) -- so there
 * is no recursion and the kernel stack stays small, while Linux's limit holds: more than
 * FS_MAXSYMLINKS links in one lookup is ELOOP. */
static struct inode *walk(struct proc *p, struct inode *start, const char *path, char *last,
                          int follow, int *err)
{
    struct mnt_table *t = vfs_mnt_of(p);
    struct inode *root = p && p->root ? p->root : t->m[0].root;
    struct inode *cur;
    char name[UAPI_NAME_MAX + 1];
    char *buf = NULL;              /* the spliced path, once a link was followed */
    int links = 0;

    if (path[0] == 0) {
        iput(start);
        *err = -ENOENT;
        return NULL;
    }
    if (path[0] == '/') {
        iput(start);
        cur = idup(root);
    } else {
        cur = start;
    }
    if (last)
        last[0] = 0;
    for (;;) {
        while (*path == '/')
            path++;
        if (*path == 0)
            break;                 /* "/", "a/" (its trailing slash checked below) */
        const char *end = path;
        while (*end && *end != '/')
            end++;
        uint32_t len = (uint32_t)(end - path);
        if (len > UAPI_NAME_MAX) {
            *err = -ENAMETOOLONG;
            goto fail;
        }
        memcpy(name, path, len);
        name[len] = 0;
        const char *rest = end;
        while (*rest == '/')
            rest++;
        int is_last = (*rest == 0);
        int trailing_slash = (*end == '/');
        if (!S_ISDIR(cur->mode)) {
            *err = -ENOTDIR;
            goto fail;
        }
        if (is_last && last) {
            memcpy(last, name, len + 1);
            break;
        }
        path = end;
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            cur = dotdot(p, t, cur, NULL);
            continue;
        }
        if (!cur->iop || !cur->iop->lookup) {
            *err = -ENOENT;
            goto fail;
        }
        struct inode *next = cur->iop->lookup(cur, name, err);
        if (!next)
            goto fail;
        next = cross_down(t, next);
        if (S_ISLNK(next->mode) && next->iop && next->iop->get_link && (!is_last || follow)) {
            struct inode *to = next->iop->get_link(next, err);
            iput(next);
            if (!to)
                goto fail;
            next = to;
        }
        if (S_ISLNK(next->mode) && (!is_last || follow || trailing_slash)) {
            int r = ++links > FS_MAXSYMLINKS ? -ELOOP : splice_link(next, end, &buf);
            iput(next);
            if (r < 0) {
                *err = r;
                goto fail;
            }
            path = buf;
            if (path[0] == '/') {
                iput(cur);
                cur = idup(root);
            }
            continue;
        }
        iput(cur);
        cur = next;
        if (is_last && trailing_slash && !S_ISDIR(cur->mode)) {
            *err = -ENOTDIR;
            goto fail;
        }
    }
    kfree(buf);
    return cur;
fail:
    kfree(buf);
    iput(cur);
    return NULL;
}

static struct inode *walk_start(struct proc *p)
{
    struct mnt_table *t = vfs_mnt_of(p);
    return idup(p && p->cwd ? p->cwd : t->m[0].root);
}

struct inode *vfs_lookup(struct proc *p, const char *path, int follow, int *err)
{
    return walk(p, walk_start(p), path, NULL, follow, err);
}

struct inode *vfs_lookup_parent(struct proc *p, const char *path, char *last, int *err)
{
    return walk(p, walk_start(p), path, last, 1, err);
}

struct inode *vfs_lookup_at(struct proc *p, struct inode *dir, const char *path, char *last,
                            int follow, int *err)
{
    struct inode *start = dir ? idup(dir) : walk_start(p);
    return walk(p, start, path, last, follow, err);
}

struct inode *namei(const char *path, int *err)
{
    return vfs_lookup(curproc(), path, 1, err);
}

/* ---- names back from inodes: getcwd, and /proc/mounts (mount.c) ---- */

/* Find the name dir lists for child; 0 or -ENOENT. */
static int name_in_dir(struct inode *dir, struct inode *child, char *out)
{
    if (!dir->iop || !dir->iop->readdir)
        return -ENOENT;
    struct fs_dirent *de = kmalloc(sizeof *de);
    if (!de)
        return -ENOMEM;
    uint32_t pos = 0;
    int r = -ENOENT;
    while (dir->iop->readdir(dir, &pos, de) > 0)
        if (de->ino == child->ino && child->sb == dir->sb && strcmp(de->name, ".") &&
            strcmp(de->name, "..")) {
            strlcpy(out, de->name, UAPI_NAME_MAX + 1);
            r = 0;
            break;
        }
    kfree(de);
    return r;
}

/* The path of ip as seen from p's root (or t's root mount), into buf (n bytes): length including NUL, or -errno
 * (-ERANGE when it does not fit, -ENOENT when ip is unlinked or not below the root). */
int vfs_path_of(struct proc *p, struct mnt_table *t, struct inode *ip, char *buf, uint32_t n)
{
    struct inode *root = p && p->root ? p->root : t->m[0].root;
    char *tmp = kmalloc(UAPI_PATH_MAX);
    char *name = kmalloc(UAPI_NAME_MAX + 1);
    int r = 0;
    if (!tmp || !name) {
        r = -ENOMEM;
        goto out;
    }
    uint32_t pos = UAPI_PATH_MAX - 1;      /* build right to left */
    tmp[pos] = 0;
    struct inode *cur = idup(ip);
    while (cur != root) {
        struct inode *seen;
        struct inode *par = dotdot(p, t, idup(cur), &seen);
        if (par == seen) {                 /* a file system root that is not ours: unreachable */
            iput(par);
            r = -ENOENT;
            break;
        }
        r = name_in_dir(par, seen, name);
        iput(cur);
        cur = par;
        if (r < 0)
            break;
        uint32_t len = (uint32_t)strlen(name);
        if (len + 1 > pos) {
            r = -ENAMETOOLONG;
            break;
        }
        pos -= len;
        memcpy(tmp + pos, name, len);
        tmp[--pos] = '/';
    }
    iput(cur);
    if (r == 0) {
        if (pos == UAPI_PATH_MAX - 1)
            tmp[--pos] = '/';
        uint32_t len = UAPI_PATH_MAX - pos;    /* with the NUL */
        if (len > n)
            r = -ERANGE;
        else {
            memcpy(buf, tmp + pos, len);
            r = (int)len;
        }
    }
out:
    kfree(tmp);
    kfree(name);
    return r;
}

int vfs_getcwd(struct proc *p, char *buf, uint32_t n)
{
    struct inode *cwd = p && p->cwd ? p->cwd : vfs_mnt_of(p)->m[0].root;
    return vfs_path_of(p, vfs_mnt_of(p), cwd, buf, n);
}

/* ---- boot ---- */

static void must(int r, const char *what)
{
    if (r < 0)
        panic("fs_init: %s: error %d", what, -r);
}

void fs_init(void)
{
    int err = 0;
    fs_register(&ramfs_type);
    fs_register(&tmpfs_type);
    fs_register(&devfs_type);
    fs_register(&procfs_type);
    fs_register(&overlay_type);
    fs_register(&tracefs_type);
    struct mnt_table *t = vfs_mnt_of(NULL);
    must(vfs_mount(t, "rootfs", NULL, "ramfs", 0, NULL), "mount rootfs");
    static const char *const dirs[] = { "/dev", "/proc", "/tmp", "/sys" };
    for (unsigned i = 0; i < ARRAY_SIZE(dirs); i++)
        must(fs_create_file(dirs[i], NULL, 0, S_IFDIR | 0755), dirs[i]);
    struct inode *dev = vfs_lookup(NULL, "/dev", 1, &err);
    struct inode *proc = vfs_lookup(NULL, "/proc", 1, &err);
    if (!dev || !proc)
        panic("fs_init: /dev or /proc missing");
    must(vfs_mount(t, "devtmpfs", dev, "devtmpfs", 0, NULL), "mount /dev");
    must(vfs_mount(t, "proc", proc, "proc", 0, NULL), "mount /proc");
    iput(dev);
    iput(proc);
}

/* Create path (and missing directories before it) holding data: boot modules and initramfs. */
int fs_create_file(const char *path, const void *data, uint32_t len, uint32_t mode)
{
    char last[UAPI_NAME_MAX + 1];
    int err = 0;
    struct inode *dir = vfs_lookup_parent(NULL, path, last, &err);
    if (!dir && err == -ENOENT) {          /* make the parents, one level at a time */
        char *parent = kmalloc(UAPI_PATH_MAX);
        if (!parent)
            return -ENOMEM;
        strlcpy(parent, path, UAPI_PATH_MAX);
        char *slash = parent + strlen(parent);
        while (slash > parent && *--slash != '/')
            ;
        *slash = 0;
        err = parent[0] ? fs_create_file(parent, NULL, 0, S_IFDIR | 0755) : -ENOENT;
        kfree(parent);
        if (err < 0)
            return err;
        dir = vfs_lookup_parent(NULL, path, last, &err);
    }
    if (!dir)
        return err;
    if (!last[0]) {
        iput(dir);
        return S_ISDIR(mode) ? 0 : -EISDIR;
    }
    struct inode *ip = dir->iop && dir->iop->lookup ? dir->iop->lookup(dir, last, &err) : NULL;
    if (ip && S_ISDIR(mode) && S_ISDIR(ip->mode)) {
        iput(ip);
        iput(dir);
        return 0;
    }
    if (ip) {                              /* a module replaces a file of the initramfs */
        int isdir = S_ISDIR(ip->mode);
        iput(ip);
        err = isdir ? -EISDIR : dir->iop->unlink(dir, last, 0);
        if (err < 0) {
            iput(dir);
            return err;
        }
    }
    if (!(mode & S_IFMT))
        mode |= S_IFREG;
    err = -EACCES;                         /* a file system that makes no files (proc) */
    ip = dir->iop && dir->iop->create ? dir->iop->create(dir, last, mode, &err) : NULL;
    iput(dir);
    if (!ip)
        return err;
    long w = 0;
    if (len && (S_ISREG(mode) || S_ISLNK(mode)))   /* a symlink's data is its target */
        w = ip->fop->write(ip, NULL, iob_kernel((void *)data), 0, len);
    iput(ip);
    return w < 0 ? (int)w : 0;
}
