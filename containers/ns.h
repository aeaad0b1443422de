/* ns.h: namespaces (namespaces(7)). A task points at an nsproxy, the set of namespaces it lives
 * in (shared until someone unshares, as Linux's struct nsproxy); each namespace is an object with
 * a type, an inode number (what /proc/PID/ns/TYPE shows as "type:[inode]") and a refcount.
 * PID namespaces nest: a task has a pid at each level from the root down to its own namespace. */
#ifndef CONTAINERS_NS_H
#define CONTAINERS_NS_H

#include <stdint.h>
#include "kernel/proc.h"

enum ns_type { NS_MNT, NS_UTS, NS_IPC, NS_PID, NS_CGROUP, NS_USER, NS_NTYPES };

struct ns_common {
    int type;                              /* enum ns_type */
    uint32_t inum;                         /* Linux's proc inode number of the namespace */
    int ref;
};

struct uts_ns {
    struct ns_common c;
    char nodename[65], domainname[65];     /* __NEW_UTS_LEN + 1 */
};

struct msg_ns;                             /* kernel/msg.c: the SysV message-queue table */
struct ipc_ns {
    struct ns_common c;
    struct msg_ns *msg;
};

struct mnt_table;
struct mnt_ns {
    struct ns_common c;
    struct mnt_table *table;               /* kernel/mount.c: this namespace's mounts */
};

struct pid_ns {
    struct ns_common c;
    int level;                             /* 0 for the root namespace */
    struct pid_ns *parent;
    struct proc *reaper;                   /* the namespace's init (its pid 1), NULL before */
    int last_pid;                          /* pids count up from 1 in each namespace */
    int dead;                              /* init died: no new tasks (fork gives ENOMEM) */
};

struct cgroup;
struct cgroup_ns {
    struct ns_common c;
    struct cgroup *root;                   /* the cgroup seen as "/" inside (CG's cgroup.c) */
};

/* user_namespaces(7): one uid_map extent "first lower count" (count 0: not written yet). */
struct user_ns {
    struct ns_common c;
    struct user_ns *parent;                /* NULL for the initial one (identity 0 0 4294967295) */
    uint32_t first, lower, count;
};

struct nsproxy {
    int ref;
    struct uts_ns *uts;
    struct ipc_ns *ipc;
    struct mnt_ns *mnt;
    struct pid_ns *pid_for_children;       /* where this task's children get their pids */
    struct cgroup_ns *cgroup;
    struct user_ns *user;                  /* Linux keeps it in the credentials */
};

extern struct nsproxy init_nsproxy;
extern struct pid_ns init_pid_ns;

/* The pid of p as seen from ns: 0 when p is not visible there (p lives outside ns's subtree). */
int task_pid_in(struct proc *p, struct pid_ns *ns);
struct pid_ns *task_active_pid_ns(struct proc *p);   /* where p's own pid lives */
struct proc *ns_find_task(int nr, struct pid_ns *ns); /* the live task with pid nr in ns, or NULL */
int ns_proc_visible(struct proc *viewer, struct proc *p);   /* may viewer see p at all? */

void ns_probe(uint16_t kind, const void *payload, uint32_t len);   /* a trace record, if a probe */
/* The caller's uid in its user namespace; /proc/PID/uid_map as text, and its one write. */
long ns_getuid(void);
int ns_uid_map_text(struct proc *p, char *b, uint32_t n);
int ns_uid_map_write(struct proc *p, char *s);

/* Life cycle, called from kernel/proc.c. */
void ns_init_task(struct proc *p);                    /* the first task: the init namespaces */
int ns_fork(struct proc *parent, struct proc *child, uint32_t clone_flags); /* 0 or -errno */
struct proc *ns_exit(struct proc *p);                 /* the reaper for p's orphans */
void ns_release(struct proc *p);                      /* the slot is freed: drop references */

void ns_put(struct ns_common *c);
struct ns_common *ns_of(struct proc *p, int type, int for_children);  /* p's namespace of type */
int ns_global_pid(int nr);       /* a pid or pgid of the caller's namespace -> global (-1: none) */
int ns_local_pid(int global);    /* global -> as the caller's namespace numbers it (0: invisible) */
int pid_ns_attach(struct proc *child, struct pid_ns *ns);  /* pids at every level, or -ENOMEM */
int pid_ns_is_ancestor(struct pid_ns *anc, struct pid_ns *ns);   /* anc == ns or above it */
struct cgroup *ns_cgroup_root(struct proc *p);        /* p's cgroup namespace root (NULL: none) */
const char *ns_hostname(struct proc *p);              /* uname's nodename in p's UTS namespace */
long ns_mount_propagation(uint32_t utarget, uint32_t flags);   /* mnt_ns.c */
int ns_umount_tree(struct mnt_table *t, struct inode *target);  /* MNT_DETACH */
void ns_trace_mount(const char *source, const char *target, const char *fstype);
struct ns_common *procfs_ns_of_inode(struct inode *ip);   /* an open ns file's namespace, or NULL */

const char *ns_type_name(int type);                   /* "mnt", "uts", "ipc", "pid", "cgroup" */
uint32_t ns_inum(struct proc *p, int type);           /* the inode number of p's namespace */

#endif
