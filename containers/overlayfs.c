/* overlayfs.c -- a union of directory trees: `mount -t overlay overlay -o
 * lowerdir=A:B,upperdir=U,workdir=W DIR` (the kernel's Documentation/filesystems/overlayfs.rst).
 *
 * Every overlay inode stands for one path and points at the real inodes behind it: the upper one
 * (in U, writable) and the lower ones (A above B, read-only). A lookup asks the upper directory
 * first, then each lower directory in order; the first non-directory hides everything below it,
 * directories of the same name merge. Conventions of overlayfs.rst:
 *   whiteout   a character device 0/0 in a higher layer: the name is deleted below it.
 *   opaque     a directory whose lower layers are not merged. Linux marks it with the xattr
 *              "trusted.overlay.opaque=y"; the toy OS has no xattrs, so the marker is an entry
 *              named OVL_OPAQUE (".wh..wh..opq", the name the OCI layer format uses for the same
 *              thing) inside the directory, never shown by readdir.
 *   copy-up    the first open for writing (or truncate, create or delete inside) of a lower file
 *              or directory copies it, whole, into the upper layer, after its parent directories.
 *              Each copy-up ("overlay copy-up NAME BYTES bytes") and whiteout is a trace
 *              record (tracefs.c's LAB_MARK): the trace counts them.
 * The lower trees are only read: many overlays over the same lower directories share their
 * pages, which is how N containers from one image store its layers once.
 * Simplified: workdir is checked but unused (Linux stages copy-ups there for atomicity);
 * rename of a lower file or a directory is EXDEV (overlayfs.rst: without redirect_dir, rename of
 * a lower directory is EXDEV; files Linux copies up first); no hard links across layers. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/uapi/dirent.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/stat.h"

#define OVL_MAXLOWER 4
#define OVL_OPAQUE ".wh..wh..opq"

struct onode {                     /* the overlay's private part of each of its inodes */
    struct onode *next;            /* the super's list of live overlay inodes (the cache) */
    struct inode *ip;              /* the overlay inode itself */
    struct inode *parent;          /* overlay parent (referenced), NULL at the root */
    struct inode *upper;           /* referenced, or NULL until copied up */
    struct inode *lower[OVL_MAXLOWER];   /* referenced; only directories have more than one */
    int nlower;
    char name[FS_NAME_MAX + 1];    /* in parent; "" once deleted */
};

struct ovl_super { struct onode *live; };   /* the live overlay inodes, one per path */

static const struct inode_ops ovl_dir_ops, ovl_file_ops;
static const struct file_ops ovl_fops, ovl_dir_fops;

static struct onode *ON(struct inode *ip) { return ip->priv; }
static struct inode *real(struct onode *o) { return o->upper ? o->upper : o->lower[0]; }

static int is_whiteout(struct inode *ip) { return S_ISCHR(ip->mode) && ip->rdev == 0; }

static struct inode *child(struct inode *dir, const char *name)
{
    int err = 0;
    return dir && dir->iop && dir->iop->lookup ? dir->iop->lookup(dir, name, &err) : NULL;
}

static int has_entry(struct inode *dir, const char *name)
{
    struct inode *ip = child(dir, name);
    if (ip)
        iput(ip);
    return ip != NULL;
}

/* Copy the real inode's attributes into the overlay inode (stat reads the overlay's). */
static void sync_attr(struct onode *o)
{
    struct inode *r = real(o);
    o->ip->mode = r->mode;
    o->ip->size = r->size;
    o->ip->nlink = r->nlink;
    o->ip->rdev = r->rdev;
    o->ip->mtime = r->mtime;
}

static struct inode *ovl_new(struct super *sb, struct inode *parent, const char *name,
                             struct inode *upper, struct inode **lower, int nlower)
{
    struct inode *r = upper ? upper : lower[0];
    struct onode *o = kzalloc(sizeof *o);
    struct inode *ip = o ? inode_alloc(sb, r->mode, S_ISDIR(r->mode) ? &ovl_dir_ops : &ovl_file_ops,
                                       S_ISDIR(r->mode) ? &ovl_dir_fops : &ovl_fops) : NULL;
    if (!ip) {
        kfree(o);
        if (upper)
            iput(upper);
        for (int i = 0; i < nlower; i++)
            iput(lower[i]);
        return NULL;
    }
    ip->ino = r->ino;              /* as overlayfs without xino: the real inode's number */
    o->ip = ip;
    o->parent = parent ? idup(parent) : NULL;
    o->upper = upper;
    for (int i = 0; i < nlower; i++)
        o->lower[i] = lower[i];
    o->nlower = nlower;
    strlcpy(o->name, name, sizeof o->name);
    ip->priv = o;
    sync_attr(o);
    struct ovl_super *os = sb->priv;
    o->next = os->live;
    os->live = o;
    return ip;
}

/* ---- lookup: upper first, then the lower layers in order ---- */

static struct inode *ovl_lookup(struct inode *dir, const char *name, int *err)
{
    struct onode *d = ON(dir);
    if (!strcmp(name, OVL_OPAQUE)) {
        *err = -ENOENT;
        return NULL;
    }
    for (struct onode *o = ((struct ovl_super *)dir->sb->priv)->live; o; o = o->next)
        if (o->parent == dir && !strcmp(o->name, name))
            return idup(o->ip);    /* one overlay inode per path: mounts on it are found */
    struct inode *upper = child(d->upper, name), *lower[OVL_MAXLOWER];
    int nlower = 0, stop = 0;
    if (upper && is_whiteout(upper)) {
        iput(upper);
        *err = -ENOENT;
        return NULL;
    }
    if (upper && (!S_ISDIR(upper->mode) || has_entry(upper, OVL_OPAQUE)))
        stop = 1;
    for (int i = 0; i < d->nlower && !stop; i++) {
        struct inode *l = child(d->lower[i], name);
        if (!l)
            continue;
        int first = !upper && nlower == 0;
        if (is_whiteout(l) || (!first && !S_ISDIR(l->mode))) {
            iput(l);
            break;                 /* deleted here, or a file under a directory: hidden */
        }
        lower[nlower++] = l;
        if (!S_ISDIR(l->mode) || has_entry(l, OVL_OPAQUE))
            break;
    }
    if (!upper && !nlower) {
        *err = -ENOENT;
        return NULL;
    }
    struct inode *ip = ovl_new(dir->sb, dir, name, upper, lower, nlower);
    if (!ip)
        *err = -ENOMEM;
    return ip;
}

/* ---- copy-up ---- */

static int copy_up(struct inode *ip)
{
    struct onode *o = ON(ip);
    if (o->upper)
        return 0;
    if (!o->parent)
        return -EROFS;             /* the root always has an upper directory */
    int r = copy_up(o->parent);
    if (r < 0)
        return r;
    struct inode *pu = ON(o->parent)->upper, *l = o->lower[0];
    int err = 0;
    struct inode *u = pu->iop->create(pu, o->name, l->mode, &err);
    if (!u)
        return err;
    if (S_ISDIR(l->mode)) {
        o->upper = u;
        return 0;
    }
    char *buf = kmalloc(PAGE_SIZE);
    for (uint32_t off = 0; buf && off < l->size; off += PAGE_SIZE) {   /* the whole file */
        uint32_t n = l->size - off < PAGE_SIZE ? l->size - off : PAGE_SIZE;
        if (inode_read(l, buf, off, n) != (int)n || u->fop->write(u, NULL, iob_kernel(buf), off, n) != (long)n) {
            kfree(buf);
            buf = NULL;
        }
    }
    if (!buf) {
        iput(u);
        pu->iop->unlink(pu, o->name, 0);
        return -ENOSPC;
    }
    kfree(buf);
    trace_marker_printf("overlay copy-up %s %u bytes", o->name, l->size);
    o->upper = u;
    sync_attr(o);
    return 0;
}

/* ---- directory operations ---- */

/* Take the whiteout (if any) named name out of upper directory u. */
static void drop_whiteout(struct inode *u, const char *name)
{
    struct inode *w = child(u, name);
    if (w && is_whiteout(w))
        u->iop->unlink(u, name, 0);
    if (w)
        iput(w);
}

static struct inode *ovl_create(struct inode *dir, const char *name, uint32_t mode, int *err)
{
    if (!strcmp(name, OVL_OPAQUE) || (*err = copy_up(dir)) < 0) {
        *err = *err ? *err : -EPERM;
        return NULL;
    }
    struct inode *ip = ovl_lookup(dir, name, err);
    if (ip) {
        iput(ip);
        *err = -EEXIST;
        return NULL;
    }
    struct inode *u = ON(dir)->upper;
    int was_whiteout = has_entry(u, name);
    drop_whiteout(u, name);
    struct inode *n = u->iop->create(u, name, mode, err);
    if (!n)
        return NULL;
    if (S_ISDIR(mode) && was_whiteout) {   /* a directory over a deleted one: nothing below shows */
        struct inode *m = n->iop->create(n, OVL_OPAQUE, S_IFREG, err);
        if (m)
            iput(m);
    }
    *err = 0;
    return ovl_new(dir->sb, dir, name, n, NULL, 0);
}

/* Is the merged directory empty (whiteouts and the opaque marker do not count)? */
static int ovl_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out);
static int merged_empty(struct inode *dir)
{
    uint32_t pos = 2;
    struct fs_dirent de;
    return ovl_readdir(dir, &pos, &de) <= 0;
}

static int ovl_unlink(struct inode *dir, const char *name, int isdir)
{
    int err = 0;
    struct inode *ip = ovl_lookup(dir, name, &err);
    if (!ip)
        return err;
    struct onode *o = ON(ip);
    int r = 0;
    if (isdir && !S_ISDIR(ip->mode))
        r = -ENOTDIR;
    else if (!isdir && S_ISDIR(ip->mode))
        r = -EISDIR;
    else if (isdir && !merged_empty(ip))
        r = -ENOTEMPTY;
    else if ((r = copy_up(dir)) == 0) {
        struct inode *u = ON(dir)->upper;
        if (o->upper) {
            if (isdir) {           /* only whiteouts and the marker are left in it */
                struct fs_dirent de;
                uint32_t pos = 2;
                while (o->upper->iop->readdir(o->upper, &pos, &de) > 0)
                    if (!o->upper->iop->unlink(o->upper, de.name, 0))
                        pos = 2;
            }
            r = u->iop->unlink(u, name, isdir);
        }
        if (r == 0 && o->nlower) { /* something below shows through: cover it */
            struct inode *w = u->iop->create(u, name, S_IFCHR, &r);
            if (w) {
                iput(w);           /* a new ramfs node: rdev 0 */
                trace_marker_printf("overlay whiteout %s", name);
            }
        }
        if (r == 0) {
            o->name[0] = 0;        /* no longer found by name */
            ip->nlink = 0;
        }
    }
    iput(ip);
    return r;
}

static int ovl_rename(struct inode *odir, const char *oname, struct inode *ndir, const char *nname)
{
    int err = 0;
    struct inode *ip = ovl_lookup(odir, oname, &err), *t;
    if (!ip)
        return err;
    int r = ON(ip)->nlower ? -EXDEV : copy_up(ndir);
    if (r == 0 && (t = ovl_lookup(ndir, nname, &err)) != NULL) {
        r = ON(t)->nlower ? -EXDEV : 0;     /* replacing a lower file needs a whiteout: EXDEV */
        if (r == 0)
            ON(t)->name[0] = 0;
        iput(t);
    }
    if (r == 0) {
        drop_whiteout(ON(ndir)->upper, nname);
        r = ON(odir)->upper->iop->rename(ON(odir)->upper, oname, ON(ndir)->upper, nname);
    }
    if (r == 0) {
        struct onode *o = ON(ip);
        iput(o->parent);
        o->parent = idup(ndir);
        strlcpy(o->name, nname, sizeof o->name);
    }
    iput(ip);
    return r;
}

/* Positions: 0 ".", 1 "..", then layer k (0 upper, 1.. lowers) entry i as (k+1) << 24 | i. A name
 * is shown from the highest layer that has it; whiteouts hide it and are not shown. */
static int ovl_readdir(struct inode *dir, uint32_t *pos, struct fs_dirent *out)
{
    struct onode *d = ON(dir);
    if (*pos < 2) {
        out->ino = *pos == 0 ? dir->ino : (d->parent ? d->parent->ino : dir->ino);
        out->type = DT_DIR;
        strlcpy(out->name, *pos == 0 ? "." : "..", sizeof out->name);
        (*pos)++;
        return 1;
    }
    struct inode *layer[OVL_MAXLOWER + 1];
    int n = 0;
    if (d->upper)
        layer[n++] = d->upper;
    for (int i = 0; i < d->nlower; i++)
        layer[n++] = d->lower[i];
    for (;;) {
        uint32_t k = *pos < (1u << 24) ? 0 : (*pos >> 24) - 1, in = *pos & 0xFFFFFFu;
        if (k >= (uint32_t)n)
            return 0;
        if (in < 2)
            in = 2;
        int got = layer[k]->iop->readdir(layer[k], &in, out);
        *pos = got > 0 ? ((k + 1) << 24) | in : (k + 2) << 24;
        if (got <= 0 || !strcmp(out->name, ".") || !strcmp(out->name, "..") ||
            !strcmp(out->name, OVL_OPAQUE))
            continue;
        int hidden = 0;
        for (uint32_t j = 0; j < k && !hidden; j++)
            hidden = has_entry(layer[j], out->name);
        if (hidden)
            continue;
        struct inode *c = child(layer[k], out->name);
        hidden = c && is_whiteout(c);
        if (c)
            iput(c);
        if (!hidden)
            return 1;
    }
}

static struct inode *ovl_parent(struct inode *dir)
{
    return idup(ON(dir)->parent ? ON(dir)->parent : dir);
}

static int ovl_readlink(struct inode *ip, char *buf, uint32_t n)
{
    struct inode *r = real(ON(ip));
    return r->iop && r->iop->readlink ? r->iop->readlink(r, buf, n) : -EINVAL;
}

static int ovl_truncate(struct inode *ip, uint32_t size)
{
    int r = copy_up(ip);
    if (r == 0 && (r = ON(ip)->upper->iop->truncate(ON(ip)->upper, size)) == 0)
        sync_attr(ON(ip));
    return r;
}

static void ovl_evict(struct inode *ip)
{
    struct onode *o = ON(ip);
    if (!o)
        return;
    for (struct onode **pp = &((struct ovl_super *)ip->sb->priv)->live; *pp; pp = &(*pp)->next)
        if (*pp == o) {
            *pp = o->next;
            break;
        }
    if (o->upper)
        iput(o->upper);
    for (int i = 0; i < o->nlower; i++)
        iput(o->lower[i]);
    if (o->parent)
        iput(o->parent);
    kfree(o);
    ip->priv = NULL;
}

/* ---- file operations: the real file's, after a copy-up for writing (overlayfs.rst) ---- */

static int ovl_open(struct inode *ip, struct file *f)
{
    int r = FILE_WRITABLE(f->flags) ? copy_up(ip) : 0;
    struct inode *rl = real(ON(ip));
    return r == 0 && rl->fop && rl->fop->open ? rl->fop->open(rl, f) : r;
}

static long ovl_read(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    struct inode *rl = real(ON(ip));
    return rl->fop && rl->fop->read ? rl->fop->read(rl, f, b, off, n) : -EINVAL;
}

static long ovl_write(struct inode *ip, struct file *f, struct iobuf b, uint32_t off, uint32_t n)
{
    int r = copy_up(ip);
    if (r < 0)
        return r;
    struct inode *u = ON(ip)->upper;
    long w = u->fop && u->fop->write ? u->fop->write(u, f, b, off, n) : -EINVAL;
    sync_attr(ON(ip));
    return w;
}

static const struct inode_ops ovl_dir_ops = {
    .lookup = ovl_lookup, .create = ovl_create, .unlink = ovl_unlink, .rename = ovl_rename,
    .readdir = ovl_readdir, .parent = ovl_parent, .evict = ovl_evict,
};
static const struct inode_ops ovl_file_ops = {
    .readlink = ovl_readlink, .truncate = ovl_truncate, .evict = ovl_evict,
};
static const struct file_ops ovl_fops = { .open = ovl_open, .read = ovl_read, .write = ovl_write };
static const struct file_ops ovl_dir_fops = { 0 };

/* ---- mount: parse "lowerdir=A:B,upperdir=U,workdir=W" ---- */

static char *cut(char **s, char sep)      /* the text up to sep (or the end); *s moves past it */
{
    char *t = *s;
    while (**s && **s != sep)
        (*s)++;
    if (**s)
        *(*s)++ = 0;
    return t;
}

static struct inode *opt_dir(const char *path, int *err)
{
    struct inode *ip = namei(path, err);
    if (ip && !S_ISDIR(ip->mode)) {
        iput(ip);
        ip = NULL;
        *err = -ENOTDIR;
    }
    return ip;
}

static struct super *ovl_mount(const struct fs_type *t, const char *source, const char *data,
                               int *err)
{
    (void)source;
    struct inode *dirs[OVL_MAXLOWER + 2] = { 0 };   /* upper, work, lower... */
    int n = 2, upper = 0, work = 0;
    char *opts = kmalloc(PAGE_SIZE), *p = opts;
    *err = opts ? 0 : -ENOMEM;
    if (opts)
        strlcpy(opts, data ? data : "", PAGE_SIZE);
    while (p && *p && !*err) {
        char *o = cut(&p, ',');
        if (!strncmp(o, "lowerdir=", 9))
            for (char *l = o + 9; *l && !*err;)
                if (n == OVL_MAXLOWER + 2)
                    *err = -EINVAL;
                else
                    dirs[n++] = opt_dir(cut(&l, ':'), err);
        else if (!strncmp(o, "upperdir=", 9) && !upper++)
            dirs[0] = opt_dir(o + 9, err);
        else if (!strncmp(o, "workdir=", 8) && !work++)
            dirs[1] = opt_dir(o + 8, err);
        else
            *err = -EINVAL;        /* overlayfs: "unrecognized mount option" */
    }
    kfree(opts);
    if (!*err && (n == 2 || !dirs[0] != !dirs[1]))
        *err = -EINVAL;            /* lowerdir is required; upperdir needs workdir */
    struct super *sb = *err ? NULL : super_alloc(t);
    int taken = sb && (sb->priv = kzalloc(sizeof(struct ovl_super))) != NULL;
    if (taken)                     /* ovl_new takes upper's and the lowers' references */
        sb->root = ovl_new(sb, NULL, "", dirs[0], dirs + 2, n - 2);
    iput(dirs[1]);
    if (taken && sb->root)
        return sb;
    for (int i = 0; i < n && !taken; i++)
        if (i != 1)
            iput(dirs[i]);
    if (sb)
        kfree(sb->priv);
    kfree(sb);
    *err = *err ? *err : -ENOMEM;
    return NULL;
}

static void ovl_kill(struct super *sb)
{
    iput(sb->root);
    kfree(sb->priv);
}

const struct fs_type overlay_type = { .name = "overlay", .mount = ovl_mount, .kill = ovl_kill };
