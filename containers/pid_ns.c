/* pid_ns.c: nested PID namespaces (pid_namespaces(7)).
 *
 * A task has a pid at every level from the root namespace (nspid[0], the global pid the kernel
 * uses inside) down to the namespace it was born in (p->pidns, fixed for life). The first task
 * born in a namespace gets pid 1 and becomes its init ("reaper"): orphans of the namespace are
 * reparented to it, getppid() is 0 there (its parent is outside), and when it dies every other
 * task of the namespace and its descendants gets SIGKILL and later forks into it fail with
 * ENOMEM. Simplified: pids count up from 1 per namespace and are never reused within it. */
#include "containers/ns.h"
#include "kernel/kernel.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/signal.h"

struct pid_ns *task_active_pid_ns(struct proc *p) { return p->pidns ? p->pidns : &init_pid_ns; }

int pid_ns_is_ancestor(struct pid_ns *anc, struct pid_ns *ns)
{
    for (; ns; ns = ns->parent)
        if (ns == anc)
            return 1;
    return 0;
}

int task_pid_in(struct proc *p, struct pid_ns *ns)
{
    if (!p || p->state == P_UNUSED)
        return 0;
    struct pid_ns *own = task_active_pid_ns(p);
    if (!pid_ns_is_ancestor(ns, own))
        return 0;                          /* born outside ns's subtree: invisible from ns */
    return ns->level == 0 ? p->pid : p->nspid[ns->level];
}

int ns_proc_visible(struct proc *viewer, struct proc *p)
{
    return task_pid_in(p, task_active_pid_ns(viewer)) != 0;
}

struct proc *ns_find_task(int nr, struct pid_ns *ns)
{
    if (nr <= 0)
        return NULL;
    for (int i = 0; i < NPROC; i++)
        if (proc_table[i].state != P_UNUSED && task_pid_in(&proc_table[i], ns) == nr)
            return &proc_table[i];
    return NULL;
}

/* Process-group and session ids are kept as global pids; these translate at the system-call
 * boundary. A group whose leader has gone keeps its global number, shown as is at level 0 and
 * as 0 deeper (Linux keeps the leader's struct pid alive for that). */
int ns_global_pid(int nr)
{
    struct pid_ns *ns = task_active_pid_ns(current);
    if (ns->level == 0 || nr <= 0)
        return nr;
    struct proc *p = ns_find_task(nr, ns);
    return p ? p->pid : -1;
}

int ns_local_pid(int global)
{
    struct pid_ns *ns = task_active_pid_ns(current);
    struct proc *p = ns->level ? proc_find(global) : NULL;
    return ns->level == 0 ? global : task_pid_in(p, ns);
}

int pid_ns_attach(struct proc *child, struct pid_ns *ns)
{
    if (ns->dead)
        return -ENOMEM;                    /* the namespace's init has died: fork(2) ENOMEM */
    child->pidns = ns;
    ns->c.ref++;
    child->nspid[0] = child->pid;
    for (struct pid_ns *l = ns; l && l->level > 0; l = l->parent)
        child->nspid[l->level] = ++l->last_pid;
    if (!ns->reaper)
        ns->reaper = child;                /* pid 1 of a new namespace: its init */
    return 0;
}

/* The task that adopts p's children when p exits: the init of p's namespace, unless p is that
 * init (then its children are being killed; the parent namespace's init reaps them). The
 * init's death kills the whole namespace, as Linux's zap_pid_ns_processes. */
struct proc *ns_exit(struct proc *p)
{
    struct pid_ns *ns = task_active_pid_ns(p);
    if (ns->reaper == p && ns->level > 0) {
        ns->dead = 1;
        for (int i = 0; i < NPROC; i++) {
            struct proc *q = &proc_table[i];
            if (q != p && q->state != P_UNUSED && q->state != P_ZOMBIE && task_pid_in(q, ns))
                signal_send(q, SIGKILL);
        }
        ns = ns->parent;
    }
    while (ns->level > 0 && (ns->dead || !ns->reaper || ns->reaper == p))
        ns = ns->parent;
    return ns->level > 0 ? ns->reaper : initproc;
}
