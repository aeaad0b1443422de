/* Host stand-ins for what the file layer asks of the containers and the hypervisor (test_os_fs
 * only): every task lives in the one initial namespace of each type, in the root cgroup, and
 * the overlay, tracefs and /dev/vm drivers are absent (registered, never mounted or opened), and
 * there are no VMs for /proc/vms. */
#include "os_fs_stub.h"

#include <stddef.h>

#include "containers/cgroup.h"
#include "containers/ns.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "kernel/uapi/errno.h"

struct pid_ns init_pid_ns;

int task_pid_in(struct proc *p, struct pid_ns *ns) { (void)ns; return p->pid; }
struct pid_ns *task_active_pid_ns(struct proc *p) { (void)p; return &init_pid_ns; }

struct proc *ns_find_task(int nr, struct pid_ns *ns)
{
    (void)ns;
    for (int k = 0; k < HOST_NPROC; k++)
        if (host_procs[k].state != P_UNUSED && host_procs[k].pid == nr)
            return &host_procs[k];
    return NULL;
}

void ns_put(struct ns_common *c) { (void)c; }
struct ns_common *ns_of(struct proc *p, int type, int for_children) { (void)p, (void)type, (void)for_children; return NULL; }
const char *ns_type_name(int type) { (void)type; return "none"; }
long ns_mount_propagation(uint32_t utarget, uint32_t flags) { (void)utarget, (void)flags; return 0; }
int ns_umount_tree(struct mnt_table *t, struct inode *target) { (void)t, (void)target; return -EINVAL; }
void ns_trace_mount(const char *source, const char *target, const char *fstype) { (void)source, (void)target, (void)fstype; }
int ns_uid_map_text(struct proc *p, char *b, uint32_t n) { (void)p; return n ? (b[0] = 0) : 0; }
int ns_uid_map_write(struct proc *p, char *s) { (void)p, (void)s; return -EPERM; }

struct cgroup *cgroup_of(struct proc *p) { (void)p; return NULL; }
const char *cgroup_path_relative(struct cgroup *cg, struct cgroup *ns_root, char *buf, int n)
{
    (void)cg, (void)ns_root, (void)n;
    buf[0] = '/', buf[1] = 0;
    return buf;
}

const struct fs_type overlay_type = { .name = "overlay" };
const struct fs_type tracefs_type = { .name = "tracefs" };
const struct file_ops vm_fops;

int hv_proc_vms(char *b, uint32_t n) { return n ? (b[0] = 0) : 0; }
int hv_proc_vm_stats(int id, char *b, uint32_t n) { (void)id, (void)b, (void)n; return -ENOENT; }
int hv_vm_next(int *cursor) { (void)cursor; return 0; }   /* no VMs on the host side */
