/* dev.c: /dev/vm (misc 10:232, KVM's number) and its ioctls, in the order a VMM calls them:
 * VM_CREATE, VM_SET_MEMORY, VM_WRITE_MEMORY, VCPU_CREATE, VCPU_SET_REGS, VCPU_RUN ... The VM
 * lives as long as the open file: closing it (or the VMM's exit) frees its frames. */
#include "kernel/kernel.h"
#include "kernel/fs.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "devices/probe_abi.h"
#include "arch/svm.h"
#include "hyperv/hv.h"

struct vm vms[NVM];
static int next_id = 1;

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
        memcpy(rec.u.c.name, current->name, VX86_PROBE_NAME_LEN < PROC_NAME_LEN ? VX86_PROBE_NAME_LEN : PROC_NAME_LEN);
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
        f->priv = vm;
        return vm->id;
    }
    return -EBUSY;
}

static void vm_release(struct file *f)
{
    struct vm *vm = f->priv;
    if (!vm)
        return;
    if (vm->has_vcpu)
        trace_vm(vm, 0);
    hv_mem_free(vm);
    vm->used = 0;
    f->priv = NULL;
}

static long vm_ioctl(struct file *f, uint32_t cmd, uint32_t arg)
{
    struct vm *vm = f->priv;
    if (cmd == VM_CREATE)
        return vm_create(f, arg);
    if (!vm)
        return -EINVAL;
    switch (cmd) {
    case VM_SET_MEMORY: {
        struct vm_memory m;
        if (copyin(&m, arg, sizeof m) < 0)
            return -EFAULT;
        if (vm->npt)
            return -EEXIST;
        if (m.size == 0 || m.size % PAGE_SIZE || m.size > VM_MAX_MEMORY)
            return -EINVAL;
        return hv_mem_alloc(vm, m.size);
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
    case VM_IRQ_LINE: {
        struct vm_irq_level l;
        if (copyin(&l, arg, sizeof l) < 0)
            return -EFAULT;
        if (l.irq > 15)
            return -EINVAL;
        hv_irq_line(vm, (int)l.irq, l.level != 0);
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

/* /proc/vms: one block per VM -- id, owner pid, ASID, memory, how it ended, then one line per
 * exit code with its count and the cycles its handler took (the text of VM_GET_STATS). */
int hv_proc_vms(char *b, uint32_t n)
{
    uint32_t len = 0;
    for (int i = 0; i < NVM && len < n; i++) {
        struct vm *vm = &vms[i];
        if (!vm->used)
            continue;
        len += (uint32_t)ksnprintf(b + len, n - len, "vm %d pid %d asid %u memory %u kB end %u status %u runs %u\n",
                                   vm->id, vm->owner, vm->asid, vm->mem_size >> 10, vm->end, vm->status,
                                   (unsigned)vm->stats.runs);
        for (int k = 0; k < VM_STAT_SLOTS && len < n; k++)
            if (vm->stats.slot[k].count)
                len += (uint32_t)ksnprintf(b + len, n - len, "  %-9s %8u exits %10u cycles\n",
                                           hv_exit_slot_name((uint32_t)k), vm->stats.slot[k].count,
                                           (unsigned)vm->stats.slot[k].cycles);
    }
    return (int)(len < n ? len : n - 1);
}

const struct file_ops vm_fops = { .release = vm_release, .ioctl = vm_ioctl };
