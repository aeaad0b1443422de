/* A fake container host and hypervisor: no real namespaces, cgroups or processes, only the trace
 * records the toy OS's kernel (containers/) and hypervisor (hyperv/) send for them
 * (devices/probe_abi.h), so that the host side -- m:namespaces(), m:cgroups(), m:vms() and their
 * pictures -- can be tested before those exist, against answers this file states.
 *
 * The story: init (pid 1) and the container runtime ctr (2) live in the root namespaces; ctr
 * starts a container "web" (new PID, mount, UTS, IPC and net namespaces; cgroup /ctr/web) whose
 * init sh runs httpd, which nests a further PID namespace for worker (cgroup /ctr/web/inner);
 * then a container "db" whose hog is OOM-killed in cgroup /ctr/db. Each cgroup reports its
 * files with CGROUP_STAT. Last, task vcpu (cgroup /vms) runs two real SVM guests: alpha (ASID 1:
 * CPUID three times, HLT, VMMCALL) and beta (ASID 2: OUT to port 0x80 twice, CPUID, VMMCALL),
 * in turn, one exit each, after VM_CREATE records, and ends each with a VM_EXIT record. The
 * CPU's own VMRUN/#VMEXIT trace events carry the ASIDs. The program counts the exits it handled
 * by VMCB EXITCODE and prints them ("vm 1 alpha: cpuid 3 hlt 1 vmmcall 1"): the host's m:vms()
 * must agree. Without the probe (QEMU, Bochs) it sends nothing and runs the same guests.
 * Built with the SVM library (kernel/lib/svm) into build/guest/visible/visible.elf. */
#include "vx/svm.h"
#include "devices/probe_abi.h"

static bool probe_present;

/* ---- records: built in static memory (the probe reads them by physical address; paging is off) ---- */
static struct {
    vx86_probe_header h;
    union {
        vx86_probe_task_create create;
        vx86_probe_task_exit exit;
        vx86_probe_ns_create ns;
        vx86_probe_cgroup_attach attach;
        vx86_probe_cgroup_throttle throttle;
        vx86_probe_cgroup_oom oom;
        vx86_probe_cgroup_stat stat;
        vx86_probe_mount mount;
        vx86_probe_hostname hostname;
        vx86_probe_vm_create vm;
        vx86_probe_vm_exit vm_exit;
    } u;
} rec;

static void send(uint16_t kind, uint16_t length)
{
    if (!probe_present)
        return;
    rec.h.kind = kind;
    rec.h.length = length;
    outl(VX86_PROBE_PORT_RECORD, (uint32_t)(uintptr_t)&rec);
}

static void copy(char *dst, const char *src, size_t size)
{
    memset(dst, 0, size);
    for (size_t k = 0; k < size && src[k]; k++)
        dst[k] = src[k];
}

static void ns(uint32_t id, uint32_t type, uint32_t parent, uint32_t creator)
{
    rec.u.ns = (vx86_probe_ns_create){ .ns_id = id, .ns_type = type, .parent_ns = parent, .creator_pid = creator };
    send(VX86_PROBE_KIND_NS_CREATE, sizeof rec.u.ns);
}

/* The namespaces of a task: PID, mount, UTS, IPC (the four a TASK_CREATE carries). */
struct nsset { uint32_t pid, mnt, uts, ipc; };

static void task(uint32_t pid, uint32_t ppid, uint32_t ns_pid, struct nsset s, uint32_t cgroup, const char *name)
{
    vx86_probe_task_create *c = &rec.u.create;
    *c = (vx86_probe_task_create){ .pid = pid, .parent_pid = ppid, .ns_pid = ns_pid, .pid_ns = s.pid,
                                   .mnt_ns = s.mnt, .uts_ns = s.uts, .ipc_ns = s.ipc, .cgroup = cgroup };
    copy(c->name, name, sizeof c->name);
    send(VX86_PROBE_KIND_TASK_CREATE, sizeof *c);
}

static void attach(uint32_t pid, uint32_t cgroup, const char *path)
{
    rec.u.attach = (vx86_probe_cgroup_attach){ .pid = pid, .cgroup = cgroup };
    copy(rec.u.attach.path, path, sizeof rec.u.attach.path);
    send(VX86_PROBE_KIND_CGROUP_ATTACH, sizeof rec.u.attach);
}

/* A cgroup's files: memory.current/max, pids.current/max, cpu.max, cpu.stat, the events. */
static void stat(uint32_t cgroup, const char *path, uint32_t mem, uint32_t mem_max, uint32_t pids, uint32_t pids_max,
                 uint32_t quota, uint32_t periods, uint32_t throttled)
{
    vx86_probe_cgroup_stat *s = &rec.u.stat;
    *s = (vx86_probe_cgroup_stat){ .cgroup = cgroup, .pids_current = pids, .pids_max = pids_max,
                                   .memory_current = mem, .memory_max = mem_max, .cpu_weight = 100,
                                   .cpu_usage_us = 1000u * periods, .cpu_quota_us = quota,
                                   .cpu_period_us = 100000, .nr_periods = periods, .nr_throttled = throttled,
                                   .throttled_us = 80000ull * throttled };
    copy(s->path, path, sizeof s->path);
    send(VX86_PROBE_KIND_CGROUP_STAT, sizeof *s);
}

static void mount(uint32_t mnt_ns, uint32_t pid, const char *fstype, const char *source, const char *target)
{
    vx86_probe_mount *m = &rec.u.mount;
    *m = (vx86_probe_mount){ .mnt_ns = mnt_ns, .pid = pid };
    copy(m->fstype, fstype, sizeof m->fstype);
    copy(m->source, source, sizeof m->source);
    copy(m->target, target, sizeof m->target);
    send(VX86_PROBE_KIND_MOUNT, sizeof *m);
}

static void hostname(uint32_t uts_ns, uint32_t pid, const char *name)
{
    rec.u.hostname = (vx86_probe_hostname){ .uts_ns = uts_ns, .pid = pid };
    copy(rec.u.hostname.name, name, sizeof rec.u.hostname.name);
    send(VX86_PROBE_KIND_HOSTNAME, sizeof rec.u.hostname);
}

/* ---- containers ---- */

enum { ROOT_PID = 1, ROOT_MNT = 2, ROOT_UTS = 3, ROOT_IPC = 4, ROOT_USER = 5, ROOT_NET = 6,
       WEB_PID = 10, WEB_MNT = 11, WEB_UTS = 12, WEB_IPC = 13, WEB_NET = 14, INNER_PID = 20,
       DB_PID = 30, DB_MNT = 31, DB_UTS = 32, DB_IPC = 33 };
enum { CG_ROOT = 1, CG_WEB = 2, CG_INNER = 3, CG_DB = 4, CG_VMS = 5, CG_CTR = 6 };
#define MAX VX86_PROBE_CGROUP_MAX

static void containers(void)
{
    static const uint32_t roots[][2] = { { ROOT_PID, VX86_PROBE_NS_PID }, { ROOT_MNT, VX86_PROBE_NS_MNT },
                                         { ROOT_UTS, VX86_PROBE_NS_UTS }, { ROOT_IPC, VX86_PROBE_NS_IPC },
                                         { ROOT_USER, VX86_PROBE_NS_USER }, { ROOT_NET, VX86_PROBE_NS_NET } };
    for (size_t k = 0; k < sizeof roots / sizeof roots[0]; k++)
        ns(roots[k][0], roots[k][1], 0, 0);
    const struct nsset root = { ROOT_PID, ROOT_MNT, ROOT_UTS, ROOT_IPC };
    hostname(ROOT_UTS, 1, "vx86");
    mount(ROOT_MNT, 1, "ext2", "/dev/hda", "/");
    task(1, 0, 1, root, CG_ROOT, "init");
    attach(1, CG_ROOT, "/");
    task(2, 1, 2, root, CG_ROOT, "ctr");

    /* ctr run web: namespaces first, then the cgroup, the mounts, the hostname, the task. */
    ns(WEB_PID, VX86_PROBE_NS_PID, ROOT_PID, 2);
    ns(WEB_MNT, VX86_PROBE_NS_MNT, ROOT_MNT, 2);
    ns(WEB_UTS, VX86_PROBE_NS_UTS, ROOT_UTS, 2);
    ns(WEB_IPC, VX86_PROBE_NS_IPC, ROOT_IPC, 2);
    ns(WEB_NET, VX86_PROBE_NS_NET, ROOT_NET, 2);
    stat(CG_CTR, "/ctr", 0, MAX, 0, MAX, MAX, 0, 0);
    mount(WEB_MNT, 2, "overlay", "overlay", "/");
    mount(WEB_MNT, 2, "proc", "proc", "/proc");
    hostname(WEB_UTS, 2, "web");
    const struct nsset web = { WEB_PID, WEB_MNT, WEB_UTS, WEB_IPC };
    task(3, 2, 1, web, CG_ROOT, "sh");
    attach(3, CG_WEB, "/ctr/web");
    task(4, 3, 2, web, CG_WEB, "httpd");
    /* httpd nests a PID namespace for its worker, in a child cgroup */
    ns(INNER_PID, VX86_PROBE_NS_PID, WEB_PID, 4);
    const struct nsset inner = { INNER_PID, WEB_MNT, WEB_UTS, WEB_IPC };
    task(5, 4, 1, inner, CG_WEB, "worker");
    attach(5, CG_INNER, "/ctr/web/inner");
    /* cpu.max "20000 100000": three periods throttled */
    for (int k = 0; k < 3; k++) {
        rec.u.throttle = (vx86_probe_cgroup_throttle){ .cgroup = CG_WEB, .pid = 4, .quota_us = 20000, .period_us = 100000 };
        send(VX86_PROBE_KIND_CGROUP_THROTTLE, sizeof rec.u.throttle);
    }
    stat(CG_WEB, "/ctr/web", 6u << 20, 16u << 20, 2, 8, 20000, 10, 3);
    stat(CG_INNER, "/ctr/web/inner", 1u << 20, MAX, 1, 4, MAX, 0, 0);

    /* ctr run db: its hog is OOM-killed */
    ns(DB_PID, VX86_PROBE_NS_PID, ROOT_PID, 2);
    ns(DB_MNT, VX86_PROBE_NS_MNT, ROOT_MNT, 2);
    ns(DB_UTS, VX86_PROBE_NS_UTS, ROOT_UTS, 2);
    ns(DB_IPC, VX86_PROBE_NS_IPC, ROOT_IPC, 2);
    mount(DB_MNT, 2, "overlay", "overlay", "/");
    hostname(DB_UTS, 2, "db");
    const struct nsset db = { DB_PID, DB_MNT, DB_UTS, DB_IPC };
    task(6, 2, 1, db, CG_ROOT, "db");
    attach(6, CG_DB, "/ctr/db");
    task(7, 6, 2, db, CG_DB, "hog");
    rec.u.oom = (vx86_probe_cgroup_oom){ .cgroup = CG_DB, .pid = 7, .usage_bytes = 4u << 20, .max_bytes = 4u << 20 };
    send(VX86_PROBE_KIND_CGROUP_OOM, sizeof rec.u.oom);
    rec.u.exit = (vx86_probe_task_exit){ .pid = 7, .status = 137 };
    send(VX86_PROBE_KIND_TASK_EXIT, sizeof rec.u.exit);
    stat(CG_DB, "/ctr/db", 3u << 20, 4u << 20, 1, MAX, MAX, 0, 0);
    printf("containers: web (pid ns %u, nested %u), db (pid ns %u)\n", WEB_PID, INNER_PID, DB_PID);
}

/* ---- VMs ---- */

static svm_vmcb vmcb[2] __attribute__((aligned(4096)));
static uint8_t stacks[2][4096] __attribute__((aligned(16)));

SVM_GUEST(g_alpha, "movl $0, %eax\n cpuid\n cpuid\n cpuid\n hlt\n vmmcall\n 1: jmp 1b");
SVM_GUEST(g_beta, "movb $1, %al\n outb %al, $0x80\n outb %al, $0x80\n xorl %eax, %eax\n cpuid\n vmmcall\n 1: jmp 1b");

struct vm {
    uint32_t id, asid;
    const char *name;
    const void *entry;
    uint32_t memory_kib;
    uint32_t cpuid, hlt, ioio, vmmcall, other;
    bool done;
};

static struct vm vms[2] = {
    { 1, 1, "alpha", g_alpha, 64, 0, 0, 0, 0, 0, false },
    { 2, 2, "beta", g_beta, 128, 0, 0, 0, 0, 0, false },
};

/* Handle one exit of v; true while the VM runs on. Skip lengths: CPUID 2, HLT 1, OUT imm8 2. */
static bool handle(struct vm *v, svm_vmcb *c)
{
    uint64_t code = vmcb_r64(c, VMCB_EXITCODE);
    if (code == SVM_EXIT_CPUID) { v->cpuid++; svm_skip(c, 2); return true; }
    if (code == SVM_EXIT_HLT) { v->hlt++; svm_skip(c, 1); return true; }
    if (code == SVM_EXIT_IOIO) { v->ioio++; svm_skip(c, 2); return true; }
    if (code == SVM_EXIT_VMMCALL) { v->vmmcall++; return false; }
    v->other++;
    return false;
}

static void run_vms(void)
{
    const struct nsset root = { ROOT_PID, ROOT_MNT, ROOT_UTS, ROOT_IPC };
    task(8, 2, 8, root, CG_ROOT, "vcpu");
    attach(8, CG_VMS, "/vms");
    svm_iopm_set(0x80);
    for (int i = 0; i < 2; i++) {
        struct vm *v = &vms[i];
        svm_guest_init(&vmcb[i], v->entry, stacks[i] + sizeof stacks[i]);
        vmcb_w32(&vmcb[i], VMCB_VEC3, vmcb_r32(&vmcb[i], VMCB_VEC3) | V3_CPUID | V3_IOIO);
        vmcb_w32(&vmcb[i], VMCB_ASID, v->asid);
        rec.u.vm = (vx86_probe_vm_create){ .vm = v->id, .asid = v->asid, .pid = 8, .memory_kib = v->memory_kib };
        copy(rec.u.vm.name, v->name, sizeof rec.u.vm.name);
        send(VX86_PROBE_KIND_VM_CREATE, sizeof rec.u.vm);
    }
    /* Round robin, one exit per turn, until both have made their VMMCALL. */
    for (int live = 2; live > 0;) {
        for (int i = 0; i < 2; i++) {
            struct vm *v = &vms[i];
            if (v->done)
                continue;
            svm_gprs g = { 0, 0, 0, 0, 0, 0 };
            svm_run(&vmcb[i], &g);
            if (!handle(v, &vmcb[i])) {
                v->done = true;
                live--;
                rec.u.vm_exit = (vx86_probe_vm_exit){ .vm = v->id, .status = (int32_t)v->other };
                send(VX86_PROBE_KIND_VM_EXIT, sizeof rec.u.vm_exit);
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        const struct vm *v = &vms[i];
        printf("vm %u %s: cpuid %u hlt %u ioio %u vmmcall %u other %u\n", v->id, v->name, v->cpuid, v->hlt, v->ioio,
               v->vmmcall, v->other);
    }
    stat(CG_VMS, "/vms", 192u << 10, 1u << 20, 1, 2, 50000, 4, 1);
    stat(CG_ROOT, "/", 12u << 20, MAX, 6, MAX, MAX, 0, 0);
}

int main(void)
{
    svm_host_init();
    probe_present = inl(VX86_PROBE_PORT_MAGIC) == VX86_PROBE_MAGIC;
    printf("probe: %s\n", probe_present ? "present" : "absent");
    containers();
    run_vms();
    return svm_done("visible");
}
