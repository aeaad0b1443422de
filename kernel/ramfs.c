/* ramfs.c -- a file system that lives in memory only: the root file system (unpacked from the
 * initramfs at boot) and every `mount -t ramfs` or `-t tmpfs`. Like Linux's ramfs there is no
 * backing store and no size limit but memory (out of memory is ENOSPC, as tmpfs reports).
 *
 * Directories are a linked list of entries (name -> inode); each entry holds one reference on
 * its inode, so an inode lives while it is linked or open. Files and symbolic links keep their
 * bytes in 4 KiB pages found through a two-level table (on i386, 1024 tables of 1024 pages: 4 GiB), holes
 * read as zeros. A directory remembers its parent for "..". */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/stat.h"

#define RAMFS_PAGE PAGE_SIZE     /* file data lives in whole pages of the kernel heap */
#define RAMFS_FAN  ((uint32_t)(RAMFS_PAGE / sizeof(char *)))   /* pointers per table page */

struct rent {                      /* one directory entry */
    struct rent *next;
    struct inode *ip;              /* referenced */
    char name[];
};

struct rnode {                     /* ramfs's private part of every inode */
    struct inode *parent;          /* directories: where ".." goes (not referenced) */
    struct rent *entries;          /* directories */
    char ***tab;                   /* files and symlinks: tab[page / FAN][page % FAN] */
    uint32_t pages_end;            /* no page at or past this index: what truncation scans */
};

static const struct inode_ops ramfs_dir_ops, ramfs_file_ops;
static const struct file_ops ramfs_fops, ramfs_dir_fops;

static struct rnode *RN(struct inode *ip) { return ip->priv; }

/* ---- file data ---- */

static char *page_of(struct rnode *rn, uint32_t pg, int alloc)
{
    if (!rn->tab) {
        if (!alloc || !(rn->tab = kzalloc(RAMFS_PAGE)))
            return NULL;
    }
    char **t = rn->tab[pg / RAMFS_FAN];
    if (!t) {
        if (!alloc || !(t = rn->tab[pg / RAMFS_FAN] = kzalloc(RAMFS_PAGE)))
            return NULL;
    }
    if (!t[pg % RAMFS_FAN] && alloc && (t[pg % RAMFS_FAN] = kzalloc(RAMFS_PAGE)) && pg >= rn->pages_end)
        rn->pages_end = pg + 1;
    return t[pg % RAMFS_FAN];
}

/* Free the pages from byte `from` on (rounded up to a page). Only the tables below pages_end can
 * hold any: a small file's truncation (every O_TRUNC open) looks at a few entries, not all 1024. */
static void free_pages_from(struct rnode *rn, uint32_t from)
{
    if (!rn->tab)
        return;
    uint32_t first = (from + RAMFS_PAGE - 1) / RAMFS_PAGE;
    for (uint32_t i = first / RAMFS_FAN; i < RAMFS_FAN && i * RAMFS_FAN < rn->pages_end; i++) {
        char **t = rn->tab[i];
        if (!t)
            continue;
        for (uint32_t j = 0; j < RAMFS_FAN && i * RAMFS_FAN + j < rn->pages_end; j++)
            if (t[j] && i * RAMFS_FAN + j >= first) {
                kfree(t[j]);
                t[j] = NULL;
            }
        if (i * RAMFS_FAN >= first) {
            kfree(t);
            rn->tab[i] = NULL;
        }
    }
    if (first < rn->pages_end)
        rn->pages_end = first;
    if (first == 0) {
        kfree(rn->tab);
        rn->tab = NULL;
    }
}

static long ramfs_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)f;
    if (off >= ip->size)
        return 0;
    if (n > ip->size - off)
        n = ip->size - off;
    static const char zeros[256];
    uint32_t done = 0;
    while (done < n) {
        uint32_t pos = off + done, in = pos % RAMFS_PAGE;
        uint32_t chunk = RAMFS_PAGE - in;
        if (chunk > n - done)
            chunk = n - done;
        char *pg = page_of(RN(ip), pos / RAMFS_PAGE, 0);
        int r;
        if (pg) {
            r = iob_put(b, done, pg + in, chunk);
        } else {                   /* a hole */
            if (chunk > sizeof zeros)
                chunk = sizeof zeros;
            r = iob_put(b, done, zeros, chunk);
        }
        if (r < 0)
            return done ? (long)done : r;
        done += chunk;
    }
    return (long)done;
}

static long ramfs_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    (void)f;
    if (n > 0xFFFFFFFFu - off)
        return -EFBIG;
    uint32_t done = 0;
    while (done < n) {
        uint32_t pos = off + done, in = pos % RAMFS_PAGE;
        uint32_t chunk = RAMFS_PAGE - in;
        if (chunk > n - done)
            chunk = n - done;
        char *pg = page_of(RN(ip), pos / RAMFS_PAGE, 1);
        int r = pg ? iob_get(pg + in, b, done, chunk) : -ENOSPC;
        if (r < 0) {
            if (!done)
                return r;
            break;
        }
        done += chunk;
        if (off + done > ip->size)
            ip->size = off + done;
    }
    ip->mtime = (uint32_t)(ktime_ns() / 1000000000u);
    return (long)done;
}

static int ramfs_truncate(struct inode *ip, uint32_t size)
{
    if (size < ip->size) {
        free_pages_from(RN(ip), size);
        char *pg = size % RAMFS_PAGE ? page_of(RN(ip), size / RAMFS_PAGE, 0) : NULL;
        if (pg)
            memset(pg + size % RAMFS_PAGE, 0, RAMFS_PAGE - size % RAMFS_PAGE);
    }
    ip->size = size;
    ip->mtime = (uint32_t)(ktime_ns() / 1000000000u);
    return 0;
}

static int ramfs_readlink(struct inode *ip, char *buf, uint32_t n)
{
    long r = ramfs_read(ip, NULL, iob_kernel(buf), 0, n);
    return (int)r;
}

/* ---- directories ---- */

static struct rent *find(struct inode *dir, const char *name, struct rent ***link)
{
    struct rent **pp = &RN(dir)->entries;
    for (; *pp; pp = &(*pp)->next)
        if (strcmp((*pp)->name, name) == 0) {
            if (link)
                *link = pp;
            return *pp;
        }
    return NULL;
}

static struct inode *ramfs_lookup(struct inode *dir, const char *name, int *err)
{
    struct rent *e = find(dir, name, NULL);
    if (!e) {
        *err = -ENOENT;
        return NULL;
    }
    return idup(e->ip);
}

static struct inode *ramfs_new(struct super *sb, uint32_t mode, struct inode *parent)
{
    int isdir = S_ISDIR(mode);
    struct inode *ip = inode_alloc(sb, mode, isdir ? &ramfs_dir_ops : &ramfs_file_ops,
                                   isdir ? &ramfs_dir_fops : &ramfs_fops);
    if (!ip)
        return NULL;
    if (!(ip->priv = kzalloc(sizeof(struct rnode)))) {
        ip->iop = NULL;
        iput(ip);
        return NULL;
    }
    if (isdir) {
        ip->nlink = 2;
        RN(ip)->parent = parent;
    }
    return ip;
}

static int add_entry(struct inode *dir, const char *name, struct inode *ip)
{
    uint32_t len = (uint32_t)strlen(name);
    struct rent *e = kmalloc(sizeof *e + len + 1);
    if (!e)
        return -ENOSPC;
    memcpy(e->name, name, len + 1);
    e->ip = ip;
    e->next = NULL;
    struct rent **pp = &RN(dir)->entries;
    while (*pp)                    /* keep creation order: ls and getdents read it in order */
        pp = &(*pp)->next;
    *pp = e;
    dir->mtime = (uint32_t)(ktime_ns() / 1000000000u);
    return 0;
}

static struct inode *ramfs_create(struct inode *dir, const char *name, uint32_t mode, int *err)
{
    if (dir->nlink == 0) {         /* removed while it was someone's cwd: ENOENT, as Linux */
        *err = -ENOENT;
        return NULL;
    }
    if (find(dir, name, NULL)) {
        *err = -EEXIST;
        return NULL;
    }
    struct inode *ip = ramfs_new(dir->sb, mode, dir);
    if (!ip) {
        *err = -ENOSPC;
        return NULL;
    }
    int r = add_entry(dir, name, ip);    /* the entry keeps the first reference */
    if (r < 0) {
        iput(ip);
        *err = r;
        return NULL;
    }
    if (S_ISDIR(mode))
        dir->nlink++;
    return idup(ip);
}

/* Take e out of dir and drop the entry's reference. */
static void remove_entry(struct inode *dir, struct rent **link)
{
    struct rent *e = *link;
    struct inode *ip = e->ip;
    *link = e->next;
    kfree(e);
    if (S_ISDIR(ip->mode)) {
        dir->nlink--;
        ip->nlink = 0;
        RN(ip)->parent = NULL;
    } else {
        ip->nlink--;
    }
    dir->mtime = (uint32_t)(ktime_ns() / 1000000000u);
    iput(ip);
}

static int ramfs_unlink(struct inode *dir, const char *name, int isdir)
{
    struct rent **link;
    struct rent *e = find(dir, name, &link);
    if (!e)
        return -ENOENT;
    if (isdir && !S_ISDIR(e->ip->mode))
        return -ENOTDIR;
    if (!isdir && S_ISDIR(e->ip->mode))
        return -EISDIR;
    if (isdir && RN(e->ip)->entries)
        return -ENOTEMPTY;
    remove_entry(dir, link);
    return 0;
}

static int ramfs_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname)
{
    struct rent **olink, **nlink;
    struct rent *oe = find(odir, oname, &olink);
    if (!oe)
        return -ENOENT;
    struct inode *ip = oe->ip;
    if (S_ISDIR(ip->mode))         /* a directory may not move below itself: EINVAL */
        for (struct inode *d = ndir; d; d = RN(d)->parent)
            if (d == ip)
                return -EINVAL;
    struct rent *ne = find(ndir, nname, &nlink);
    if (ne) {
        if (ne->ip == ip)
            return 0;              /* rename(2): same file, nothing to do */
        if (S_ISDIR(ip->mode) && !S_ISDIR(ne->ip->mode))
            return -ENOTDIR;
        if (!S_ISDIR(ip->mode) && S_ISDIR(ne->ip->mode))
            return -EISDIR;
        if (S_ISDIR(ne->ip->mode) && RN(ne->ip)->entries)
            return -ENOTEMPTY;
    }
    int r = add_entry(ndir, nname, idup(ip));
    if (r < 0) {
        iput(ip);
        return r;
    }
    if (ne) {
        find(ndir, nname, &nlink);     /* the old target: first match, the new one is last */
        remove_entry(ndir, nlink);
    }
    find(odir, oname, &olink);
    *olink = oe->next;             /* unlink the old name without touching link counts */
    kfree(oe);
    iput(ip);
    if (S_ISDIR(ip->mode) && odir != ndir) {
        odir->nlink--;
        ndir->nlink++;
        RN(ip)->parent = ndir;
    }
    return 0;
}

static int dtype(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return DT_DIR;
    case S_IFREG: return DT_REG;
    case S_IFLNK: return DT_LNK;
    case S_IFCHR: return DT_CHR;
    case S_IFIFO: return DT_FIFO;
    default: return DT_UNKNOWN;
    }
}

static int ramfs_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    if (*pos < 2) {
        struct inode *ip = *pos == 0 ? dir : (RN(dir)->parent ? RN(dir)->parent : dir);
        out->ino = ip->ino;
        out->type = DT_DIR;
        strlcpy(out->name, *pos == 0 ? "." : "..", sizeof out->name);
        (*pos)++;
        return 1;
    }
    uint32_t i = 2;
    for (struct rent *e = RN(dir)->entries; e; e = e->next, i++)
        if (i == *pos) {
            out->ino = e->ip->ino;
            out->type = (uint32_t)dtype(e->ip->mode);
            strlcpy(out->name, e->name, sizeof out->name);
            (*pos)++;
            return 1;
        }
    return 0;
}

static struct inode *ramfs_parent(struct inode *dir)
{
    return idup(RN(dir)->parent ? RN(dir)->parent : dir);
}

static void ramfs_evict(struct inode *ip)
{
    struct rnode *rn = RN(ip);
    if (!rn)
        return;
    while (rn->entries)            /* only when a whole ramfs is unmounted */
        remove_entry(ip, &rn->entries);
    free_pages_from(rn, 0);
    kfree(rn);
    ip->priv = NULL;
}

static const struct inode_ops ramfs_dir_ops = {
    .lookup = ramfs_lookup, .create = ramfs_create, .unlink = ramfs_unlink,
    .rename = ramfs_rename, .readdir = ramfs_readdir, .parent = ramfs_parent,
    .evict = ramfs_evict,
};
static const struct inode_ops ramfs_file_ops = {
    .readlink = ramfs_readlink, .truncate = ramfs_truncate, .evict = ramfs_evict,
};
static const struct file_ops ramfs_fops = { .read = ramfs_read, .write = ramfs_write };
static const struct file_ops ramfs_dir_fops = { 0 };

/* For the hypervisor's VM_MAP_FILE (hyperv/mem.c): page pg of regular file ip, a whole frame
 * of the kernel heap (page_of), which the caller may frame_ref to share it copy-on-write as
 * mmap(MAP_PRIVATE) would; NULL for a hole or past the end. *err = -EINVAL when ip is not a
 * ramfs/tmpfs regular file. */
void *ramfs_page(struct inode *ip, uint32_t pg, int *err)
{
    if (ip->iop != &ramfs_file_ops || !S_ISREG(ip->mode)) {
        *err = -EINVAL;
        return NULL;
    }
    *err = 0;
    if ((uint64_t)pg * RAMFS_PAGE >= ip->size)
        return NULL;
    return page_of(RN(ip), pg, 0);
}

/* ---- the file-system type ---- */

static struct super *ramfs_mount(const struct fs_type *t, const char *source, const char *data,
                                 int *err)
{
    (void)source;
    (void)data;
    struct super *sb = super_alloc(t);
    if (!sb || !(sb->root = ramfs_new(sb, S_IFDIR | 0755, NULL))) {
        kfree(sb);
        *err = -ENOMEM;
        return NULL;
    }
    return sb;
}

static void ramfs_kill(struct super *sb)
{
    iput(sb->root);
}

const struct fs_type ramfs_type = { .name = "ramfs", .mount = ramfs_mount, .kill = ramfs_kill };
const struct fs_type tmpfs_type = { .name = "tmpfs", .mount = ramfs_mount, .kill = ramfs_kill };
