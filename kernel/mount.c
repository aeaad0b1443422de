/* mount.c -- file-system types, supers, and mount tables (mount(2), umount2(2), /proc/mounts).
 *
 * A mount table is a set of (super, mount point) pairs: m[0] is the root mount, the others cover
 * a directory each. Path lookup (vfs.c) asks the table of the process doing the lookup which mount
 * covers an inode (mnt_covering) and which mount a root belongs to (mnt_rooted_at), so giving a
 * process another table gives it another view of the tree: that is all a mount namespace is
 * (mount_namespaces(7)). Today one table serves everybody (vfs_mnt_of); mnt_table_clone makes the
 * copy CLONE_NEWNS and unshare(2) will hand out. Simplified: propagation does not exist (every
 * mount is private); mounts are found by inode, not by Linux's (vfsmount, dentry) pairs. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/ns.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/mount.h"
#include "kernel/uapi/stat.h"

#define NFSTYPE 8

static const struct fs_type *fs_types[NFSTYPE];
static uint32_t next_dev = 1;
static uint32_t next_table_id = 0xF0000001u;

/* ---- file-system types and supers ---- */

void fs_register(const struct fs_type *t)
{
    for (int i = 0; i < NFSTYPE; i++)
        if (!fs_types[i]) {
            fs_types[i] = t;
            return;
        }
    panic("fs_register: no room for %s", t->name);
}

const struct fs_type *fs_find_type(const char *name)
{
    for (int i = 0; i < NFSTYPE; i++)
        if (fs_types[i] && strcmp(fs_types[i]->name, name) == 0)
            return fs_types[i];
    return NULL;
}

struct super *super_alloc(const struct fs_type *t)
{
    struct super *sb = kzalloc(sizeof *sb);
    if (!sb)
        return NULL;
    sb->type = t;
    sb->dev = next_dev++;
    sb->next_ino = 1;
    return sb;
}

/* ---- mount tables ---- */

/* The one mount table of today: every process uses it (the mount namespace changes vfs_mnt_of). */
static struct mnt_table init_mnt = { .ref = 1, .id = 0xF0000000u };

struct mnt_table *vfs_mnt_of(struct proc *p)
{
    return p && p->ns && p->ns->mnt->table ? p->ns->mnt->table : &init_mnt;   /* containers/ns.c */
}

/* A copy of t for a new mount namespace: the same mounts, each holding its own references. */
struct mnt_table *mnt_table_clone(struct mnt_table *t)
{
    struct mnt_table *n = kzalloc(sizeof *n);
    if (!n)
        return NULL;
    n->ref = 1;
    n->id = next_table_id++;
    for (int i = 0; i < NMOUNT; i++) {
        struct mount *src = &t->m[i], *dst = &n->m[i];
        if (!src->sb)
            continue;
        *dst = *src;
        dst->parent = src->parent ? &n->m[src->parent - t->m] : NULL;
        idup(dst->root);
        idup(dst->mountpoint);
        dst->sb->mounts++;
    }
    return n;
}

/* Free one mount slot: its root and mountpoint inodes, and its super with its last mount. */
static void mount_release(struct mount *m)
{
    struct super *sb = m->sb;
    iput(m->root);
    iput(m->mountpoint);
    memset(m, 0, sizeof *m);
    if (--sb->mounts == 0) {
        if (sb->type->kill)
            sb->type->kill(sb);
        kfree(sb);
    }
}

/* Drop a reference; the last one unmounts everything in the table (deepest first). */
void mnt_table_put(struct mnt_table *t)
{
    if (--t->ref > 0)
        return;
    for (int i = NMOUNT - 1; i >= 0; i--) {
        struct mount *m = &t->m[i];
        if (!m->sb)
            continue;
        mount_release(m);
    }
    kfree(t);
}

/* The topmost mount whose mount point is ip, or NULL. */
struct mount *mnt_covering(struct mnt_table *t, struct inode *ip)
{
    for (int i = NMOUNT - 1; i > 0; i--)
        if (t->m[i].sb && t->m[i].mountpoint == ip)
            return &t->m[i];
    return NULL;
}

/* The topmost mount whose root is ip (not the table's root mount), or NULL. */
struct mount *mnt_rooted_at(struct mnt_table *t, struct inode *ip)
{
    for (int i = NMOUNT - 1; i > 0; i--)
        if (t->m[i].sb && t->m[i].root == ip)
            return &t->m[i];
    return NULL;
}

int vfs_is_mounted_on(struct mnt_table *t, struct inode *ip)
{
    return mnt_covering(t, ip) != NULL || (t->m[0].root == ip) || mnt_rooted_at(t, ip) != NULL;
}

/* The mount an inode was reached through: the topmost one of its super. Simplified: mounts are
 * found by inode, and there are no bind mounts, so a super's mounts in one table share a flag. */
int vfs_readonly(struct proc *p, struct inode *ip)
{
    struct mnt_table *t = vfs_mnt_of(p);
    for (int i = NMOUNT - 1; i >= 0; i--)
        if (t->m[i].sb == ip->sb)
            return (t->m[i].flags & MS_RDONLY) ? -EROFS : 0;
    return 0;
}

/* mount(2) with MS_REMOUNT (and MS_BIND: the mount only): MS_RDONLY set or cleared on the mount
 * whose root target is; EINVAL on anything else, as do_reconfigure_mnt. Simplified: a remount
 * without MS_BIND also changes only this mount's flag, not the super's. */
int vfs_remount(struct mnt_table *t, struct inode *target, uint32_t flags)
{
    struct mount *m = target == t->m[0].root ? &t->m[0] : mnt_rooted_at(t, target);
    if (!m)
        return -EINVAL;
    m->flags = (m->flags & ~(uint32_t)MS_RDONLY) | (flags & MS_RDONLY);
    return 0;
}

int vfs_mount(struct mnt_table *t, const char *source, struct inode *target, const char *fstype,
              uint32_t flags, const char *data)
{
    if (target ? !S_ISDIR(target->mode) : t->m[0].sb != NULL)
        return target ? -ENOTDIR : -EINVAL;   /* no target: only the table's first (root) mount */
    const struct fs_type *type = fs_find_type(fstype);
    if (!type)
        return -ENODEV;
    struct mount *slot = NULL;
    for (int i = 1; i < NMOUNT && !slot; i++)
        if (!t->m[i].sb)
            slot = &t->m[i];
    if (!slot && t->m[0].sb)
        return -ENOMEM;
    int err = 0;
    struct super *sb = type->mount(type, source, data, &err);
    if (!sb)
        return err ? err : -ENOMEM;
    if (!t->m[0].sb) {               /* the first mount is the table's root */
        slot = &t->m[0];
        target = NULL;
    }
    sb->mounts++;
    slot->sb = sb;
    slot->root = idup(sb->root);
    slot->mountpoint = idup(target);
    slot->parent = NULL;
    slot->flags = flags;
    strlcpy(slot->source, source ? source : "none", sizeof slot->source);
    if (target)
        for (int i = NMOUNT - 1; i >= 0; i--)
            if (&t->m[i] != slot && t->m[i].sb && t->m[i].sb == target->sb) {
                slot->parent = &t->m[i];
                break;
            }
    return 0;
}

/* Is anything in sb in use by an open file or a process's cwd or root? */
static int super_busy(struct super *sb)
{
    if (file_uses_super(sb))
        return 1;
    int cursor = 0;
    struct proc *q;
    while ((q = proc_iter(&cursor)) != NULL)
        if ((q->cwd && q->cwd->sb == sb) || (q->root && q->root->sb == sb))
            return 1;
    return 0;
}

int vfs_umount(struct mnt_table *t, struct inode *target)
{
    struct mount *m = mnt_rooted_at(t, target);
    if (!m || !m->mountpoint)
        return target == t->m[0].root ? -EBUSY : -EINVAL;
    for (int i = 0; i < NMOUNT; i++)
        if (t->m[i].sb && t->m[i].parent == m)
            return -EBUSY;
    if (m->sb->mounts == 1 && super_busy(m->sb))
        return -EBUSY;             /* its last mount: nothing inside may be in use */
    mount_release(m);
    return 0;
}

/* Lines as Linux's /proc/mounts: "source target fstype rw 0 0". */
int vfs_mounts_text(struct mnt_table *t, char *buf, uint32_t n)
{
    uint32_t len = 0;
    char *path = kmalloc(UAPI_PATH_MAX);
    if (!path)
        return -ENOMEM;
    for (int i = 0; i < NMOUNT; i++) {
        struct mount *m = &t->m[i];
        if (!m->sb)
            continue;
        if (!m->mountpoint)
            strlcpy(path, "/", UAPI_PATH_MAX);
        else if (vfs_path_of(NULL, t, m->root, path, UAPI_PATH_MAX) < 0)
            continue;                      /* hidden below another mount */
        int w = ksnprintf(buf + len, n - len, "%s %s %s %s 0 0\n", m->source, path,
                          m->sb->type->name, (m->flags & MS_RDONLY) ? "ro" : "rw");
        if (w < 0 || (uint32_t)w >= n - len)
            break;
        len += (uint32_t)w;
    }
    kfree(path);
    return (int)len;
}

