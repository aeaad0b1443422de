/* trace.c: task records for the vx86 trace probe (devices/probe_abi.h). A record is built in
 * memory and its physical address written to the probe port; the emulator stamps it with the
 * cycle count. On QEMU and Bochs the magic port reads 0xFFFFFFFF and nothing is sent. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "containers/cgroup.h"
#include "containers/ns.h"
#include "devices/probe_abi.h"

static int probe_present;
static struct {
    vx86_probe_header h;
    union {
        vx86_probe_task_create create;
        vx86_probe_task_exit exit;
        vx86_probe_switch sw;
    } u;
} rec;

void trace_init(void)
{
    probe_present = inl(VX86_PROBE_PORT_MAGIC) == VX86_PROBE_MAGIC;
}

static void send(uint16_t kind, uint16_t len)
{
    rec.h.kind = kind;
    rec.h.length = len;
    outl(VX86_PROBE_PORT_RECORD, V2P(&rec));
}

void trace_task_create(struct proc *p)
{
    if (!probe_present)
        return;
    uint32_t f = irq_save();
    memset(&rec.u.create, 0, sizeof rec.u.create);
    rec.u.create.pid = (uint32_t)p->pid;
    rec.u.create.parent_pid = p->parent ? (uint32_t)p->parent->pid : 0;
    struct nsproxy *ns = p->ns ? p->ns : &init_nsproxy;  /* containers/ns.h: its namespaces */
    struct pid_ns *pidns = task_active_pid_ns(p);
    rec.u.create.ns_pid = (uint32_t)p->nspid[pidns->level];
    rec.u.create.pid_ns = pidns->c.inum;
    rec.u.create.mnt_ns = ns->mnt->c.inum;
    rec.u.create.uts_ns = ns->uts->c.inum;
    rec.u.create.ipc_ns = ns->ipc->c.inum;
    rec.u.create.cgroup = (uint32_t)cgroup_of(p)->id;   /* the cgroup's id, as cgroup_attach records */
    memcpy(rec.u.create.name, p->name, VX86_PROBE_NAME_LEN);
    send(VX86_PROBE_KIND_TASK_CREATE, sizeof rec.u.create);
    irq_restore(f);
}

void trace_task_exit(struct proc *p, int status)
{
    if (!probe_present)
        return;
    uint32_t f = irq_save();
    rec.u.exit.pid = (uint32_t)p->pid;
    rec.u.exit.status = status;
    send(VX86_PROBE_KIND_TASK_EXIT, sizeof rec.u.exit);
    irq_restore(f);
}

void trace_switch(struct proc *prev, struct proc *next)
{
    if (!probe_present)
        return;
    uint32_t f = irq_save();
    rec.u.sw.prev_pid = (uint32_t)prev->pid;
    rec.u.sw.next_pid = (uint32_t)next->pid;
    rec.u.sw.prev_state = (uint32_t)prev->state;
    send(VX86_PROBE_KIND_SWITCH, sizeof rec.u.sw);
    irq_restore(f);
}
