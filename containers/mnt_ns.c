/* mnt_ns.c: what a mount namespace adds to kernel/mount.c's tables: pivot_root(2), the
 * propagation calls runc makes (mount(2) with MS_PRIVATE/MS_SLAVE/MS_SHARED/MS_UNBINDABLE,
 * optionally MS_REC), and the lazy unmount of a whole subtree (umount2 MNT_DETACH) that
 * follows pivot_root. Simplified: propagation is always private (mount_namespaces(7): a new
 * namespace's mounts then never propagate); the flags are checked and accepted. */
#include "containers/ns.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/fcntl.h"
#include "kernel/uapi/mount.h"
#include "kernel/uapi/stat.h"

struct inode *upath_lookup(int dirfd, uint32_t upath, int follow, int empty_ok, int *err);

#define MS_PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

/* mount(2) changing propagation: exactly one type (plus MS_REC/MS_SILENT), on a mount point. */
long ns_mount_propagation(uint32_t utarget, uint32_t flags)
{
    uint32_t type = flags & MS_PROPAGATION;
    if ((type & (type - 1)) || (flags & ~(MS_PROPAGATION | MS_REC | MS_SILENT)))
        return -EINVAL;
    int err = 0;
    struct inode *ip = upath_lookup(AT_FDCWD, utarget, 1, 0, &err);
    if (!ip)
        return err;
    struct mnt_table *t = vfs_mnt_of(current);
    long r = (ip == current->root || mnt_rooted_at(t, ip)) ? 0 : -EINVAL;
    iput(ip);
    return r;
}

static int mount_index(struct mnt_table *t, struct mount *m) { return m ? (int)(m - t->m) : -1; }

/* Unmount m and every mount below it (children first): MNT_DETACH of a subtree. */
int ns_umount_tree(struct mnt_table *t, struct inode *target)
{
    struct mount *m = mnt_rooted_at(t, target);
    if (!m || !m->mountpoint)
        return target == t->m[0].root ? -EBUSY : -EINVAL;
    for (int again = 1; again;) {
        again = 0;
        for (int i = NMOUNT - 1; i > 0; i--) {
            struct mount *c = &t->m[i];
            if (!c->sb || c == m)
                continue;
            struct mount *up = c->parent;
            while (up && up != m)
                up = up->parent;
            int leaf = 1;
            for (int j = 1; j < NMOUNT; j++)
                leaf &= !(t->m[j].sb && t->m[j].parent == c);
            if (up == m && leaf) {
                struct super *sb = c->sb;
                iput(c->root);
                iput(c->mountpoint);
                memset(c, 0, sizeof *c);
                if (--sb->mounts == 0) {
                    if (sb->type->kill)
                        sb->type->kill(sb);
                    kfree(sb);
                }
                again = 1;
            }
        }
    }
    return vfs_umount(t, target);
}

/* pivot_root(2): the mount at new_root becomes the namespace's root mount, and the old root
 * mount is attached at put_old (which must be at or below new_root). Then every task of this
 * namespace whose root or cwd was the old root moves to the new one, as Linux does. Errors
 * in the man page's terms: EINVAL when new_root is not a mount point, put_old is not under
 * new_root, or new_root is the current root; EBUSY when either is on the root mount (not a
 * mount point of its own); ENOTDIR when either is not a directory. */
long sys_pivot_root(const struct syscall_args *a)
{
    struct proc *p = current;
    int err = 0;
    struct inode *nr = upath_lookup(AT_FDCWD, a->arg[0], 1, 0, &err), *po = NULL;
    if (!nr)
        return err;
    po = upath_lookup(AT_FDCWD, a->arg[1], 1, 0, &err);
    long r = err;
    struct mnt_table *t = vfs_mnt_of(p);
    struct mount *nm = mnt_rooted_at(t, nr);
    if (!po)
        goto out;
    r = -ENOTDIR;
    if (!S_ISDIR(nr->mode) || !S_ISDIR(po->mode))
        goto out;
    r = -EBUSY;                            /* new_root or put_old on the root mount */
    if ((nr->sb == t->m[0].sb && !nm) || (po->sb == t->m[0].sb && !mnt_rooted_at(t, po)))
        goto out;
    r = -EINVAL;
    if (nr == p->root || nr == t->m[0].root)
        goto out;                          /* new_root is already the root */
    if (!nm || !nm->mountpoint)
        goto out;                          /* new_root is not a mount point */
    if (po->sb != nr->sb && !(mnt_rooted_at(t, po) && mnt_rooted_at(t, po)->parent == nm))
        goto out;                          /* put_old is not at or under new_root */
    if (po != nr) {                        /* walk up from put_old to new_root */
        struct inode *cur = idup(po);
        while (cur != nr && cur->iop && cur->iop->parent) {
            struct inode *up = cur->iop->parent(cur);
            int stuck = up == cur;
            iput(cur);
            cur = up;
            if (stuck)
                break;
        }
        int under = cur == nr;
        iput(cur);
        if (!under)
            goto out;
    }
    /* Swap the slots: m[0] becomes the new root mount, nm's slot holds the old root. */
    int ni = mount_index(t, nm);
    struct mount old = t->m[0], neu = *nm;
    struct inode *old_root = old.root;
    iput(neu.mountpoint);                  /* new_root no longer covers anything */
    neu.mountpoint = NULL;
    neu.parent = NULL;
    old.mountpoint = idup(po);
    t->m[0] = neu;
    t->m[ni] = old;
    for (int i = 1; i < NMOUNT; i++) {
        if (!t->m[i].sb || i == ni)
            continue;
        if (t->m[i].parent == &t->m[0])
            t->m[i].parent = &t->m[ni];
        else if (t->m[i].parent == nm)
            t->m[i].parent = &t->m[0];
    }
    t->m[ni].parent = NULL;                /* the topmost mount of put_old's file system */
    for (int i = NMOUNT - 1; i >= 0; i--)
        if (i != ni && t->m[i].sb && t->m[i].sb == po->sb) {
            t->m[ni].parent = &t->m[i];
            break;
        }
    for (int i = 0; i < NPROC; i++) {
        struct proc *q = &proc_table[i];
        if (q->state == P_UNUSED || vfs_mnt_of(q) != t)
            continue;
        if (q->root == old_root) {
            iput(q->root);
            q->root = idup(nr);
        }
        if (q->cwd == old_root) {
            iput(q->cwd);
            q->cwd = idup(nr);
        }
    }
    r = 0;
    ns_trace_mount("pivot_root", "/", nr->sb->type->name);
out:
    iput(nr);
    if (po)
        iput(po);
    return r;
}
