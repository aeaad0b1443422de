/* dev.c: /dev/vm (misc 10:232, KVM's number) and its ioctls, in the order a VMM calls them:
 * VM_CREATE, VM_SET_MEMORY, VM_WRITE_MEMORY, VCPU_CREATE, VCPU_SET_REGS, VCPU_RUN ... The VM
 * lives as long as the open file: closing it (or the VMM's exit) frees its frames.
 *
 * The registry other processes find a VM by (vm list/stats/stop/console): its id and name, its
 * console ring, /proc/vms and /proc/vm/N/stats. Another open of /dev/vm becomes a second handle
 * on a running VM with VM_ATTACH (an "attach"); closing that leaves the VM alone. */
#include "kernel/kernel.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "containers/cgroup.h"
#include "containers/ns.h"
#include "devices/probe_abi.h"
#include "arch/svm.h"
#include "hyperv/hv.h"

struct vm vms[NVM];
static int next_id = 1;
static char names[NVM][VM_NAME_LEN];       /* per slot, as vm_create gave it */
static struct file *owner_file[NVM];       /* the open that made the VM: its release frees it */

/* The console ring per slot (QEMU's -chardev ringbuf): the last VM_CONSOLE_RING bytes the guest
 * wrote, counted by head since the VM was made; readers sleep on the ring. */
static struct cring { char buf[VM_CONSOLE_RING]; uint32_t head; int waiters, id; } rings[NVM];   /* id: whose */

/* A handle made by VM_ATTACH: the VM (checked against its id, since the slot may be reused) and
 * how far this reader has read the ring. f->priv of an attach points here, of the owner at vms[]. */
struct attach { struct vm *vm; int id; uint32_t cursor; };

static int slot_of(struct vm *vm) { return (int)(vm - vms); }
static int is_owner(struct file *f) { return f->priv >= (void *)vms && f->priv < (void *)(vms + NVM); }

void hv_console_log(struct vm *vm, const char *p, uint32_t n)
{
    struct cring *r = &rings[slot_of(vm)];
    for (uint32_t i = 0; i < n; i++)
        r->buf[r->head++ % VM_CONSOLE_RING] = p[i];
    if (n && r->waiters)
        wakeup(r);
}

/* A VM is seen -- in /proc/vms and /proc/vm, by VM_ATTACH -- only from where its VMM is: a task
 * sees the VMs whose vm process it could see in /proc (its PID namespace or one below), so a
 * container can neither list the host's VMs nor watch or type into their consoles (with KVM the
 * VM's fd, which a container never gets, is the only handle). Returns the VMM's pid as the
 * current task sees it, 0 when it does not see the VM. */
static int vmm_pid_seen(struct vm *vm)
{
    struct pid_ns *ns = task_active_pid_ns(current);
    struct proc *vmm = proc_find(vm->owner);
    if (!vmm)                              /* the VMM is gone: the VM is the host's business */
        return ns->level == 0 ? vm->owner : 0;
    return task_pid_in(vmm, ns);
}

static struct vm *vm_by_id(int id)
{
    for (int i = 0; i < NVM; i++)
        if (vms[i].used && vms[i].id == id)
            return vmm_pid_seen(&vms[i]) ? &vms[i] : NULL;
    return NULL;
}

static const char *vm_state(struct vm *vm)
{
    struct proc *p = proc_find(vm->owner);
    return vm->end ? "ended" : !vm->has_vcpu ? "created" : p && p->state == P_SLEEPING ? "halted" : "running";
}

static uint32_t vm_exits(struct vm *vm)
{
    uint32_t n = 0;
    for (int k = 0; k < VM_STAT_SLOTS; k++)
        n += vm->stats.slot[k].count;
    return n;
}

/* Eager VM_SET_MEMORY allocates every frame at once; a cgroup whose memory.max (here or above)
 * cannot take them all makes it fail with -ENOMEM before any is taken, rather than OOM-killing
 * inside the cgroup half way (the frames of a VM are charged like a task's pages:
 * kernel/frame.c). Lazy memory takes the nested directory only. */
static int vm_memory_fits(uint32_t size, uint32_t flags)
{
    uint32_t pages = size / PAGE_SIZE + (size + (4u << 20) - 1) / (4u << 20) + 1;   /* + nested tables */
    return mem_fits(current, flags & VM_MEM_LAZY ? 1 : pages);
}

/* Trace records for VM create and end, like trace.c's task records. */
static struct { vx86_probe_header h; union { vx86_probe_vm_create c; vx86_probe_vm_exit x; } u; } rec;
static void trace_vm(struct vm *vm, int create)
{
    if (inl(VX86_PROBE_PORT_MAGIC) != VX86_PROBE_MAGIC)
        return;
    uint32_t f = irq_save();
    memset(&rec, 0, sizeof rec);
    if (create) {
        rec.h.kind = VX86_PROBE_KIND_VM_CREATE, rec.h.length = sizeof rec.u.c;
        rec.u.c.vm = (uint32_t)vm->id, rec.u.c.asid = vm->asid, rec.u.c.pid = (uint32_t)current->pid;
        rec.u.c.memory_kib = vm->mem_size >> 10;
        const char *name = names[vm - vms][0] ? names[vm - vms] : current->name;   /* vm start's --name */
        strlcpy(rec.u.c.name, name, VX86_PROBE_NAME_LEN);
    } else {
        rec.h.kind = VX86_PROBE_KIND_VM_EXIT, rec.h.length = sizeof rec.u.x;
        rec.u.x.vm = (uint32_t)vm->id, rec.u.x.status = (int32_t)vm->status;
    }
    outl(VX86_PROBE_PORT_RECORD, V2P(&rec));
    irq_restore(f);
}

static long vm_create(struct file *f, uint32_t arg)
{
    struct vm_create c;
    if (f->priv)
        return -EEXIST;                    /* one VM per open, see uapi/vm.h */
    if (copyin(&c, arg, sizeof c) < 0)
        return -EFAULT;
    if (c.mode != VM_MODE_NPT && c.mode != VM_MODE_SHADOW)
        return -EINVAL;
    c.name[VM_NAME_LEN - 1] = 0;
    for (int i = 0; i < NVM && c.name[0]; i++)
        if (vms[i].used && strcmp(names[i], c.name) == 0)
            return -EEXIST;
    int e = hv_svm_enable();
    if (e < 0)
        return e;
    for (int i = 0; i < NVM; i++) {
        struct vm *vm = &vms[i];
        if (vm->used)
            continue;
        memset(vm, 0, sizeof *vm);
        vm->used = 1;
        vm->id = next_id++;
        vm->owner = current->pid;
        vm->mode = c.mode;
        vm->max_ticks = c.timeout_ms ? (c.timeout_ms * (uint64_t)hz + 999) / 1000 : 0;
        hv_vm_setup(vm, i);
        vm->stats.vm = (uint32_t)vm->id;
        memcpy(names[i], c.name, VM_NAME_LEN);
        rings[i].head = 0;
        rings[i].id = vm->id;
        owner_file[i] = f;
        f->priv = vm;
        return vm->id;
    }
    return -EBUSY;
}

static void vm_release(struct file *f)
{
    if (f->priv && !is_owner(f)) {
        kfree(f->priv);                    /* an attach: the VM goes on */
        f->priv = NULL;
        return;
    }
    struct vm *vm = f->priv;
    if (!vm)
        return;
    if (vm->has_vcpu)
        trace_vm(vm, 0);
    hv_mem_free(vm);
    vm->used = 0;
    owner_file[slot_of(vm)] = NULL;
    wakeup(&rings[slot_of(vm)]);           /* console readers see the end */
    f->priv = NULL;
}

/* VM_CONSOLE_READ on an attach: wait for bytes past the cursor (or the VM's end: 0). A reader
 * that fell more than a ring behind skips to the oldest byte kept. */
static long ring_read(struct attach *a, uint32_t arg)
{
    struct vm_console_read cr;
    if (copyin(&cr, arg, sizeof cr) < 0)
        return -EFAULT;
    struct cring *r = &rings[slot_of(a->vm)];
    uint32_t fl = irq_save();
    for (;;) {
        int gone = !a->vm->used || a->vm->id != a->id;   /* its last bytes stay readable till the slot is reused */
        if (r->id != a->id) {
            irq_restore(fl);
            return 0;
        }
        if (r->head - a->cursor > VM_CONSOLE_RING)
            a->cursor = r->head - VM_CONSOLE_RING;
        if (a->cursor != r->head || gone || a->vm->end || cr.len == 0)
            break;
        if (signal_pending(current) || current->killed) {
            irq_restore(fl);
            return -EINTR;
        }
        r->waiters++;
        sleep_on(r);
        r->waiters--;
    }
    uint32_t n = 0;
    while (n < cr.len && a->cursor != r->head) {
        uint32_t at = a->cursor % VM_CONSOLE_RING, chunk = VM_CONSOLE_RING - at;
        if (chunk > r->head - a->cursor)
            chunk = r->head - a->cursor;
        if (chunk > cr.len - n)
            chunk = cr.len - n;
        if (copyout(cr.buf + n, r->buf + at, chunk) < 0) {
            irq_restore(fl);
            return n ? (long)n : -EFAULT;
        }
        n += chunk;
        a->cursor += chunk;
    }
    irq_restore(fl);
    return (long)n;
}

static long attach_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct attach *a = f->priv;
    if (cmd == VM_CONSOLE_READ)
        return ring_read(a, arg);
    if (!a->vm->used || a->vm->id != a->id)
        return -ENOENT;                    /* the VM has gone */
    switch (cmd) {
    case VM_CONSOLE_INPUT:
        return hv_console_input(a->vm, arg, 1);
    case VM_GET_STATS:
        a->vm->stats.nslots = VM_STAT_SLOTS;
        return copyout(arg, &a->vm->stats, sizeof a->vm->stats);
    default:
        return -EPERM;                     /* running it is its owner's business */
    }
}

static long vm_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct vm *vm = f->priv;
    if (vm && !is_owner(f))
        return attach_ioctl(f, cmd, arg);
    if (cmd == VM_CREATE)
        return vm_create(f, arg);
    if (cmd == VM_ATTACH && !vm) {
        struct vm *to = vm_by_id((int)arg);
        struct attach *a = to ? kzalloc(sizeof *a) : NULL;
        if (!a)
            return to ? -ENOMEM : -ENOENT;
        a->vm = to, a->id = to->id;
        f->priv = a;
        return 0;
    }
    if (!vm)
        return -EINVAL;
    switch (cmd) {
    case VM_SET_MEMORY: {
        struct vm_memory m;
        if (copyin(&m, arg, sizeof m) < 0)
            return -EFAULT;
        if (vm->npt)
            return -EEXIST;
        if (m.size == 0 || m.size % PAGE_SIZE || m.size > VM_MAX_MEMORY || (m.flags & ~VM_MEM_LAZY))
            return -EINVAL;
        if ((m.flags & VM_MEM_LAZY) && vm->mode != VM_MODE_NPT)
            return -EINVAL;                /* shadow paging wants every page there: README.md */
        if (!vm_memory_fits(m.size, m.flags))
            return -ENOMEM;
        return hv_mem_alloc(vm, m.size, m.flags);
    }
    case VM_MAP_FILE: {
        struct vm_map_file mf;
        if (copyin(&mf, arg, sizeof mf) < 0)
            return -EFAULT;
        struct file *file = fd_get(current, mf.fd);
        if (!file || !file->ip)
            return -EBADF;
        if ((file->flags & O_ACCMODE) == O_WRONLY)
            return -EACCES;                /* as mmap(2) of a file not open for reading */
        return hv_map_file(vm, file->ip, mf.offset, mf.gpa, mf.len);
    }
    case VM_WRITE_MEMORY: case VM_READ_MEMORY: {
        struct vm_copy c;
        if (copyin(&c, arg, sizeof c) < 0)
            return -EFAULT;
        return hv_copy_user(vm, c.gpa, c.buf, c.len, cmd == VM_WRITE_MEMORY);
    }
    case VCPU_CREATE: {
        int r = hv_vcpu_create(vm);
        if (r == 0)
            trace_vm(vm, 1);
        return r;
    }
    case VCPU_RUN:
        return hv_vcpu_run(vm, arg);
    case VCPU_GET_REGS: case VCPU_SET_REGS: {
        struct vm_regs r;
        if (!vm->has_vcpu)
            return -EINVAL;
        if (cmd == VCPU_SET_REGS) {
            if (copyin(&r, arg, sizeof r) < 0)
                return -EFAULT;
            vm->g.ebx = r.ebx, vm->g.ecx = r.ecx, vm->g.edx = r.edx;
            vm->g.esi = r.esi, vm->g.edi = r.edi, vm->g.ebp = r.ebp;
            vmcb_w32(vm, VMCB_RAX, r.eax);
            vmcb_w32(vm, VMCB_RSP, r.esp);
            vmcb_w32(vm, VMCB_RIP, r.eip);
            vmcb_w32(vm, VMCB_RFLAGS, r.eflags | 0x2);
            return 0;
        }
        r.ebx = vm->g.ebx, r.ecx = vm->g.ecx, r.edx = vm->g.edx;
        r.esi = vm->g.esi, r.edi = vm->g.edi, r.ebp = vm->g.ebp;
        r.eax = vmcb_r32(vm, VMCB_RAX), r.esp = vmcb_r32(vm, VMCB_RSP);
        r.eip = vmcb_r32(vm, VMCB_RIP), r.eflags = vmcb_r32(vm, VMCB_RFLAGS);
        return copyout(arg, &r, sizeof r);
    }
    case VCPU_GET_SREGS: case VCPU_SET_SREGS: {
        struct vm_sregs s;
        if (!vm->has_vcpu)
            return -EINVAL;
        if (cmd == VCPU_SET_SREGS)
            return copyin(&s, arg, sizeof s) < 0 ? -EFAULT : hv_set_sregs(vm, &s);
        int e = hv_get_sregs(vm, &s);
        return e < 0 ? e : copyout(arg, &s, sizeof s);
    }
    case VM_GET_DEVICES: case VM_SET_DEVICES: {
        struct vm_devices *d = kzalloc(sizeof *d);   /* ~330 bytes: not on the kernel stack */
        long e;
        if (!d)
            return -ENOMEM;
        if (!vm->has_vcpu)
            e = -EINVAL;
        else if (cmd == VM_SET_DEVICES)
            e = copyin(d, arg, sizeof *d) < 0 ? -EFAULT : hv_set_devices(vm, d);
        else
            hv_get_devices(vm, d), e = copyout(arg, d, sizeof *d);
        kfree(d);
        return e;
    }
    case VM_IRQ_LINE: {
        struct vm_irq_level l;
        if (copyin(&l, arg, sizeof l) < 0)
            return -EFAULT;
        if (l.irq > 15)
            return -EINVAL;
        hv_irq_line(vm, (int)l.irq, l.level != 0);
        hv_vcpu_kick(vm);
        return 0;
    }
    case VM_CONSOLE_INPUT:
        return hv_console_input(vm, arg, 1);
    case VM_GET_STATS:
        vm->stats.nslots = VM_STAT_SLOTS;
        return copyout(arg, &vm->stats, sizeof vm->stats);
    default:
        return -ENOTTY;
    }
}

static uint32_t hv_exit_lines(struct vm *vm, char *b, uint32_t n);

/* /proc/vms: one block per VM -- id, owner pid, ASID, memory, how it ended, then one line per
 * exit code with its count and the cycles its handler took (the text of VM_GET_STATS). */
int hv_proc_vms(char *b, uint32_t n)
{
    uint32_t len = 0;
    for (int i = 0; i < NVM && len < n; i++) {
        struct vm *vm = &vms[i];
        int pid = vm->used ? vmm_pid_seen(vm) : 0;
        if (!pid)
            continue;
        len += (uint32_t)ksnprintf(b + len, n - len, "vm %d pid %d asid %u memory %u kB end %u status %u runs %u"
                                   " exits %u mode %s state %s name %s\n",
                                   vm->id, pid, vm->asid, vm->mem_size >> 10, vm->end, vm->status,
                                   (unsigned)vm->stats.runs, vm_exits(vm), vm->mode == VM_MODE_NPT ? "npt" : "shadow",
                                   vm_state(vm), names[i][0] ? names[i] : "-");
        len += hv_exit_lines(vm, b + len, n - len);
    }
    return (int)(len < n ? len : n - 1);
}

/* The exit lines of one VM: name, count, handler cycles (64-bit), as vm stats prints them. */
static uint32_t hv_exit_lines(struct vm *vm, char *b, uint32_t n)
{
    uint32_t len = 0;
    for (int k = 0; k < VM_STAT_SLOTS && len < n; k++)
        if (vm->stats.slot[k].count)
            len += (uint32_t)ksnprintf(b + len, n - len, "  %-9s %8u exits %10llu cycles\n",
                                       hv_exit_slot_name((uint32_t)k), vm->stats.slot[k].count,
                                       (unsigned long long)vm->stats.slot[k].cycles);
    return len < n ? len : n;
}

/* /proc/vm/N/stats (kernel/procfs.c): the same counters as VM_GET_STATS, for VM id N. */
int hv_proc_vm_stats(int id, char *b, uint32_t n)
{
    struct vm *vm = vm_by_id(id);
    if (!vm)
        return -ENOENT;
    uint32_t len = (uint32_t)ksnprintf(b, n, "vm %d name %s pid %d runs %llu guest_cycles %llu exits %u\n", vm->id,
                                       names[slot_of(vm)][0] ? names[slot_of(vm)] : "-", vmm_pid_seen(vm),
                                       (unsigned long long)vm->stats.runs,
                                       (unsigned long long)vm->stats.guest_cycles, vm_exits(vm));
    if (len < n)                           /* guest RAM (mem.c): private frames, demand zero, copy on write, shared */
        len += (uint32_t)ksnprintf(b + len, n - len, "memory %s pages %u zeroed %u cow %u shared %u\n",
                                   vm->mem_flags & VM_MEM_LAZY ? "lazy" : "eager", vm->stats.mem_pages,
                                   vm->stats.mem_zeroed, vm->stats.mem_cow, vm->stats.mem_shared);
    if (len < n)
        len += hv_exit_lines(vm, b + len, n - len);
    return (int)(len < n ? len : n - 1);
}

/* For /proc/vm: the id of the next VM the current task sees from *cursor (a slot), or 0 at the end. */
int hv_vm_next(int *cursor)
{
    while (*cursor < NVM) {
        struct vm *vm = &vms[(*cursor)++];
        if (vm->used && vmm_pid_seen(vm))
            return vm->id;
    }
    return 0;
}

const struct file_ops vm_fops = { .release = vm_release, .ioctl = vm_ioctl };
