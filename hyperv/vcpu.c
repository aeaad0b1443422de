/* vcpu.c: a vCPU is the task that calls VCPU_RUN (KVM's vcpu thread in KVM_RUN). Its loop:
 * VMRUN, handle the exit, repeat -- in the task's own time slice. The host timer interrupt exits
 * the guest (INTR intercept) and the loop offers the CPU to the scheduler (cond_resched), so a VM
 * is scheduled, weighted and (with cgroups) throttled exactly as any task.
 *
 * Per VM: its ASID, VMCB, IOPM and MSRPM (static per slot; guest RAM is frames, mem.c). Every
 * port and every MSR is intercepted; exits go through one table, code -> handler and name, with
 * exits and handler cycles counted per code (VM_GET_STATS, /proc/vm/N/stats).
 * The subset has no NRIP: IOIO's next RIP is EXITINFO2, the rest use a tiny
 * table of lengths (CPUID 2, HLT 1, VMMCALL 3, RDMSR/WRMSR 2). */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "arch/svm.h"
#include "hyperv/hv.h"

static uint8_t vmcb_page[NVM][VMCB_SIZE] __attribute__((aligned(4096)));
static uint8_t iopm_pages[NVM][3 * PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t msrpm_pages[NVM][2 * PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t host_save[PAGE_SIZE] __attribute__((aligned(4096)));   /* VMSAVE of the host */
static uint8_t hsave[PAGE_SIZE] __attribute__((aligned(4096)));       /* VM_HSAVE_PA */

static inline uint64_t rdtsc(void) { uint32_t lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return lo | (uint64_t)hi << 32; }
static inline void wrmsr(uint32_t msr, uint64_t v) { __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))); }
static inline uint64_t rdmsr(uint32_t msr) { uint32_t lo, hi; __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr)); return lo | (uint64_t)hi << 32; }

void vmcb_w32(struct vm *vm, uint32_t off, uint32_t v) { memcpy(vm->vmcb + off, &v, 4); }
uint32_t vmcb_r32(struct vm *vm, uint32_t off) { uint32_t v; memcpy(&v, vm->vmcb + off, 4); return v; }
static void vmcb_w64(struct vm *vm, uint32_t off, uint64_t v) { memcpy(vm->vmcb + off, &v, 8); }
static uint64_t vmcb_r64(struct vm *vm, uint32_t off) { uint64_t v; memcpy(&v, vm->vmcb + off, 8); return v; }

static void seg(struct vm *vm, uint32_t off, uint16_t sel, uint16_t attr)
{
    memcpy(vm->vmcb + off + VMCB_SEG_SEL, &sel, 2);
    memcpy(vm->vmcb + off + VMCB_SEG_ATTR, &attr, 2);
    vmcb_w32(vm, off + VMCB_SEG_LIMIT, 0xFFFFFFFFu);
    vmcb_w64(vm, off + VMCB_SEG_BASE, 0);
}

/* EFER.SVME once, and the host save area: the first VM turns SVM on. A CPU without SVM
 * (CPUID 8000_0001 ECX bit 2; QEMU without +svm) gets -ENODEV, never a #GP in the kernel. */
int hv_svm_enable(void)
{
    static int on;
    if (on)
        return 0;
    uint32_t a = 0x80000000u, b, c = 0, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (a < 0x8000000Au)
        return -ENODEV;
    a = 0x80000001u, c = 0;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    if (!(c & (1u << 2)))
        return -ENODEV;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, V2P(hsave));
    on = 1;
    return 0;
}

void hv_vm_setup(struct vm *vm, int slot)
{
    vm->asid = (uint32_t)slot + 1;
    vm->vmcb = vmcb_page[slot];
    vm->iopm = iopm_pages[slot];
    vm->msrpm = msrpm_pages[slot];
    memset(vm->vmcb, 0, VMCB_SIZE);
    memset(vm->iopm, 0xFF, 3 * PAGE_SIZE);     /* every port exits: the guest owns no device */
    memset(vm->msrpm, 0xFF, 2 * PAGE_SIZE);    /* every MSR exits */
}

/* VCPU_CREATE: the state a Multiboot loader hands over (Multiboot 0.6.96 §3.2): flat 32-bit
 * protected mode, paging and interrupts off; the VMM sets EAX, EBX, EIP with VCPU_SET_REGS. */
int hv_vcpu_create(struct vm *vm)
{
    if (vm->has_vcpu)
        return -EEXIST;
    if (!vm->npt)
        return -EINVAL;
    vmcb_w32(vm, VMCB_VEC3, V3_INTR | V3_CPUID | V3_HLT | V3_INVLPGA | V3_IOIO | V3_MSR | V3_SHUTDOWN);
    vmcb_w32(vm, VMCB_VEC4, V4_VMRUN | V4_VMMCALL | V4_VMLOAD | V4_VMSAVE | V4_STGI | V4_CLGI);
    vmcb_w64(vm, VMCB_IOPM, V2P(vm->iopm));
    vmcb_w64(vm, VMCB_MSRPM, V2P(vm->msrpm));
    vmcb_w32(vm, VMCB_ASID, vm->asid);
    vmcb_w32(vm, VMCB_V_INTR, V_INTR_MASKING);  /* host IF gates physical INTR: cli can't keep it */
    vm->vintr_irq = -1;
    vm->pic[0].imr = vm->pic[1].imr = 0xFF;     /* as firmware leaves them: all masked */
    if (vm->mode == VM_MODE_NPT) {
        vmcb_w64(vm, VMCB_NP_ENABLE, 1);
        vmcb_w64(vm, VMCB_N_CR3, V2P(vm->npt));
        vmcb_w64(vm, VMCB_G_PAT, 0x0007040600070406ull);
    }
    seg(vm, VMCB_CS, 0x08, 0x0C9B);
    seg(vm, VMCB_DS, 0x10, 0x0C93);
    seg(vm, VMCB_ES, 0x10, 0x0C93);
    seg(vm, VMCB_SS, 0x10, 0x0C93);
    seg(vm, VMCB_FS, 0x10, 0x0C93);
    seg(vm, VMCB_GS, 0x10, 0x0C93);
    vmcb_w32(vm, VMCB_TR + VMCB_SEG_ATTR, 0x008B);      /* a busy 32-bit TSS, base 0: VMLOAD wants one */
    vmcb_w32(vm, VMCB_TR + VMCB_SEG_LIMIT, 0x67);
    vmcb_w32(vm, VMCB_LDTR + VMCB_SEG_ATTR, 0x0082);
    vmcb_w64(vm, VMCB_EFER, EFER_SVME);
    vmcb_w64(vm, VMCB_CR0, CR0_PE | CR0_ET);
    vmcb_w64(vm, VMCB_DR6, 0xFFFF0FF0u);
    vmcb_w64(vm, VMCB_DR7, 0x400);
    vmcb_w64(vm, VMCB_RFLAGS, 0x2);
    if (vm->mode == VM_MODE_SHADOW) {
        int e = hv_shadow_init(vm);        /* CR0/CR3/CR4, INVLPG and #PF intercepts */
        if (e < 0)
            return e;
    }
    vm->has_vcpu = 1;
    return 0;
}

void hv_out(struct vm *vm, const char *p, uint32_t n)
{
    while (n-- && vm->out_len < VM_RUN_OUT)
        vm->out[vm->out_len++] = *p++;
}

void hv_vm_end(struct vm *vm, uint32_t how, uint32_t status)
{
    if (vm->end)
        return;
    vm->end = how;
    vm->status = status;
    vm->end_exit = vmcb_r32(vm, VMCB_EXITCODE);
    vm->end_info1 = vmcb_r32(vm, VMCB_EXITINFO1);
    vm->end_info2 = vmcb_r32(vm, VMCB_EXITINFO2);
    vm->end_rip = vmcb_r32(vm, VMCB_RIP);
}

static void skip(struct vm *vm, uint32_t len) { vmcb_w64(vm, VMCB_RIP, vmcb_r64(vm, VMCB_RIP) + len); }
static void set_eax(struct vm *vm, uint32_t v) { vmcb_w64(vm, VMCB_RAX, v); }

static void inject_gp(struct vm *vm)
{
    vmcb_w32(vm, VMCB_EVENTINJ, EVT_V | EVT_EV | EVT_TYPE(EVT_EXC) | EVT_VECTOR(EXC_GP));
    vmcb_w32(vm, VMCB_EVENTINJ + 4, 0);
}

/* ---- exit handlers: 0 = run the guest again, 1 = return to the VMM ---- */

static int exit_intr(struct vm *vm)
{
    /* The interrupt itself was taken by the host IDT at STGI (svm_run.S). */
    if (vm->max_ticks && jiffies - vm->start_jiffies >= vm->max_ticks)
        hv_vm_end(vm, VM_END_TIMEOUT, VM_STATUS_TIMEOUT);
    return vm->out_len > 0;
}

/* IOIO (APM vol. 2 §15.10.2): the next RIP is in EXITINFO2, so no decoding. */
static int exit_ioio(struct vm *vm)
{
    uint32_t info = vmcb_r32(vm, VMCB_EXITINFO1);
    uint32_t port = IOIO_PORT(info);
    uint32_t size = info & IOIO_SZ32 ? 4 : info & IOIO_SZ16 ? 2 : 1;
    if (info & IOIO_STR) {                 /* INS/OUTS: not emulated */
        hv_vm_end(vm, VM_END_UNHANDLED, VM_STATUS_UNHANDLED);
        return 1;
    }
    int r;
    uint32_t mask = size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (info & IOIO_IN) {
        uint32_t v = 0xFFFFFFFFu;
        r = hv_io_in(vm, port, size, &v);
        uint32_t eax = vmcb_r32(vm, VMCB_RAX);
        set_eax(vm, (eax & ~mask) | (v & mask));
    } else {
        r = hv_io_out(vm, port, size, vmcb_r32(vm, VMCB_RAX) & mask);
    }
    vmcb_w64(vm, VMCB_RIP, vmcb_r64(vm, VMCB_EXITINFO2));
    return r;
}

/* A halted vCPU sleeps until the next host tick (its virtual PIT may have an edge then) or until
 * hv_vcpu_kick says input came for it, whichever is first: typed bytes reach a halted guest at
 * once, not a host tick later (KVM's kvm_vcpu_kick). -EINTR for a signal. */
static int halt_wait(struct vm *vm)
{
    struct proc *p = current;
    uint32_t f = irq_save();
    p->wake_at = jiffies + 1;
    vm->halted = p;
    sleep_on(&p->wake_at);
    vm->halted = NULL;
    p->wake_at = 0;
    irq_restore(f);
    return signal_pending(p) || p->killed ? -EINTR : 0;
}

void hv_vcpu_kick(struct vm *vm)
{
    if (vm->halted)
        wakeup(&vm->halted->wake_at);
}

/* HLT: with IF=0, or with no interrupt that could ever come, the guest has halted for good.
 * Otherwise the vCPU task sleeps a host tick at a time until the virtual PIC has something (a
 * halted VM costs the host nothing, as KVM's kvm_vcpu_block). Console output waiting for the
 * VMM goes out before the task sleeps. */
static int exit_hlt(struct vm *vm)
{
    if (vm->out_len)
        return 1;                              /* the VMM takes the output first (an idle guest's
                                                  echo would wait for the buffer to fill); the HLT
                                                  runs again at the next VMRUN */
    skip(vm, 1);
    if (!(vmcb_r32(vm, VMCB_RFLAGS) & F_IF) || !hv_intr_can_wake(vm)) {
        hv_vm_end(vm, VM_END_HALT, 0);
        return 1;
    }
    for (;;) {
        hv_intr_before_run(vm);
        if (vm->vintr_irq >= 0)
            return 0;
        if (halt_wait(vm) < 0)
            return 1;                          /* a signal: the VMM decides */
    }
}

/* CPUID: the host's answers, minus SVM (a guest sees no virtualization extension, as KVM's
 * default without nested=1), plus the hypervisor-present bit (leaf 1 ECX bit 31, reserved for
 * this use on both vendors; KVM sets it): how the toy OS knows VMMCALL has someone to answer it. */
static int exit_cpuid(struct vm *vm)
{
    uint32_t a = vmcb_r32(vm, VMCB_RAX), b, c = vm->g.ecx, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    uint32_t leaf = vmcb_r32(vm, VMCB_RAX);
    if (leaf == 1)
        c |= CPUID_1_ECX_HYPERVISOR;
    if (leaf == 0x80000001u)
        c &= ~(1u << 2);
    if (leaf == 0x8000000Au)
        a = b = c = d = 0;
    set_eax(vm, a);
    vm->g.ebx = b, vm->g.ecx = c, vm->g.edx = d;
    skip(vm, 2);
    return 0;
}

/* RDMSR/WRMSR: EFER (SVME hidden and kept), the TSC; anything else is #GP(0), as KVM does for
 * an MSR it does not know. */
static int exit_msr(struct vm *vm)
{
    int write = vmcb_r32(vm, VMCB_EXITINFO1) == 1;
    uint32_t msr = vm->g.ecx;
    uint64_t val = ((uint64_t)vm->g.edx << 32) | vmcb_r32(vm, VMCB_RAX);
    if (msr == MSR_EFER) {
        if (write && (val & ~(uint64_t)EFER_SVME))  /* no long mode, no NX in the subset */
            goto gp;
        if (write)
            vmcb_w64(vm, VMCB_EFER, EFER_SVME);
        else
            val = vmcb_r64(vm, VMCB_EFER) & ~(uint64_t)EFER_SVME;
    } else if (msr == 0x10 && !write) {                   /* IA32_TIME_STAMP_COUNTER */
        val = rdtsc();
    } else {
        goto gp;
    }
    if (!write) {
        set_eax(vm, (uint32_t)val);
        vm->g.edx = (uint32_t)(val >> 32);
    }
    skip(vm, 2);
    return 0;
gp:
    inject_gp(vm);
    return 0;
}

/* #NPF (APM vol. 2 §15.25.6): EXITINFO2 is the guest-physical address, EXITINFO1 a #PF-style
 * error code (cpu/mmu.c's nested walk: P set for a protection fault, W for a write -- the
 * guest's own page-table walks count as writes, they may set A/D bits -- U always, bits 32/33
 * final or table walk). Below mem_size it is a page of lazy RAM never touched (demand zero) or
 * a write to a page shared with a file (copy on write): mem.c makes it the VM's own and the
 * guest runs on. A page that cannot be had (memory.max of the VMM's cgroup, no frame left)
 * ends the VM with VM_END_OOM. Beyond mem_size the guest reaches for what is not its own:
 * the VM ends (bad access), as it does for a fault on a page that already allowed the access
 * (which cannot happen while every world switch flushes the TLB: resuming would loop). */
static int exit_npf(struct vm *vm)
{
    uint32_t err = vmcb_r32(vm, VMCB_EXITINFO1), gpa = vmcb_r32(vm, VMCB_EXITINFO2);
    int e = hv_gpa_fault(vm, gpa, (err & PF_W) != 0);
    if (e == 0)
        return 0;
    if (e == -ENOMEM)
        hv_vm_end(vm, VM_END_OOM, VM_STATUS_OOM);
    else
        hv_vm_end(vm, VM_END_BAD_ACCESS, VM_STATUS_BAD_ACCESS);
    return 1;
}

static int exit_vmmcall(struct vm *vm)
{
    int r = hv_hypercall(vm);
    skip(vm, 3);
    return r;
}

static int exit_shutdown(struct vm *vm)
{
    hv_vm_end(vm, VM_END_SHUTDOWN, VM_STATUS_SHUTDOWN);
    return 1;
}

/* VMRUN, VMLOAD, VMSAVE, STGI, CLGI, INVLPGA in the guest, VMEXIT_INVALID, or any other code:
 * no nested virtualization here, so the VM ends and the VMM is told which exit it was. */
static int exit_unhandled(struct vm *vm)
{
    hv_vm_end(vm, VM_END_UNHANDLED, VM_STATUS_UNHANDLED);
    return 1;
}

/* The exit table: code -> handler and name. The row index is the stats slot. */
static const struct exit_row {
    uint32_t code;
    int (*handle)(struct vm *vm);
    const char *name;
} exit_table[] = {
    { SVM_EXIT_INTR,     exit_intr,      "intr" },
    { SVM_EXIT_IOIO,     exit_ioio,      "ioio" },
    { SVM_EXIT_HLT,      exit_hlt,       "hlt" },
    { SVM_EXIT_CPUID,    exit_cpuid,     "cpuid" },
    { SVM_EXIT_MSR,      exit_msr,       "msr" },
    { SVM_EXIT_NPF,      exit_npf,       "npf" },
    { SVM_EXIT_VMMCALL,  exit_vmmcall,   "vmmcall" },
    { SVM_EXIT_SHUTDOWN, exit_shutdown,  "shutdown" },
    /* shadow paging only (shadow.c) */
    { SVM_EXIT_EXC(EXC_PF),     hv_exit_pf,     "pf" },
    { SVM_EXIT_CR_WRITE(3),     hv_exit_cr,     "cr3_write" },
    { SVM_EXIT_CR_READ(3),      hv_exit_cr,     "cr3_read" },
    { SVM_EXIT_INVLPG,          hv_exit_invlpg, "invlpg" },
    { SVM_EXIT_CR_WRITE(0),     hv_exit_cr,     "cr0_write" },
    { SVM_EXIT_CR_READ(0),      hv_exit_cr,     "cr0_read" },
    { SVM_EXIT_CR_WRITE(4),     hv_exit_cr,     "cr4_write" },
    { SVM_EXIT_VMRUN,    exit_unhandled, "vmrun" },
    { SVM_EXIT_VMLOAD,   exit_unhandled, "vmload" },
    { SVM_EXIT_VMSAVE,   exit_unhandled, "vmsave" },
    { SVM_EXIT_STGI,     exit_unhandled, "stgi" },
    { SVM_EXIT_CLGI,     exit_unhandled, "clgi" },
    { SVM_EXIT_INVLPGA,  exit_unhandled, "invlpga" },
    { 0xFFFFFFFFu,       exit_unhandled, "other" },   /* the last row catches the rest */
};
#define NEXIT ((int)ARRAY_SIZE(exit_table))
_Static_assert(ARRAY_SIZE(exit_table) <= VM_STAT_SLOTS, "one stats slot per exit-table row");

const char *hv_exit_slot_name(uint32_t slot) { return slot < (uint32_t)NEXIT ? exit_table[slot].name : "?"; }

static int exit_slot(uint32_t code)
{
    for (int i = 0; i < NEXIT - 1; i++)
        if (exit_table[i].code == code)
            return i;
    return NEXIT - 1;
}

/* An event the exit interrupted while the CPU delivered it (EXITINTINFO, APM vol. 2 §15.7.2) --
 * say a virtual interrupt whose stack page was not shadowed yet -- is delivered again at the
 * next VMRUN, unless the handler injects something itself. A software INTn is not: the guest
 * RIP is still at the INT instruction, which runs again (KVM does the same without NRIP). */
static void reinject(struct vm *vm)
{
    uint32_t info = vmcb_r32(vm, VMCB_EXITINTINFO);
    if (!(info & EVT_V) || (vmcb_r32(vm, VMCB_EVENTINJ) & EVT_V) || vm->end || ((info >> 8) & 7) == EVT_SOFT)
        return;
    if (((info >> 8) & 7) == EVT_EXC && (info & 0xFF) >= 32)   /* QEMU types interrupts as exceptions (SVM.md §3) */
        info = (info & ~(EVT_TYPE(7) | EVT_EV)) | EVT_TYPE(EVT_INTR);
    vmcb_w32(vm, VMCB_EVENTINJ, info);
    vmcb_w32(vm, VMCB_EVENTINJ + 4, vmcb_r32(vm, VMCB_EXITINTINFO + 4));
}

static long fill_run(struct vm *vm, uint32_t urun, uint32_t reason)
{
    if (reason == VM_EXIT_CONSOLE && vm->snap_hc)
        reason = VM_EXIT_SNAPSHOT;         /* the VMM saves the VM now, then runs it on */
    struct vm_run *r = kzalloc(sizeof *r);
    if (!r)
        return -ENOMEM;
    r->exit_reason = reason;
    r->end = vm->end, r->status = vm->status;
    r->hw_exit = vm->end_exit, r->info1 = vm->end_info1, r->info2 = vm->end_info2;
    r->rip = vm->end_rip;
    r->out_len = vm->out_len;
    memcpy(r->out, vm->out, vm->out_len);
    vm->out_len = 0;
    int e = copyout(urun, r, sizeof *r);
    kfree(r);
    return e;
}

/* VCPU_RUN (KVM_RUN). */
long hv_vcpu_run(struct vm *vm, uint32_t urun)
{
    if (!vm->has_vcpu)
        return -EINVAL;
    if (!vm->start_jiffies)
        vm->start_jiffies = jiffies;
    vm->snap_hc = 0;                       /* the VMM has had its chance to save the VM */
    for (;;) {
        if (vm->end)
            return fill_run(vm, urun, VM_EXIT_END);
        if (current->killed || signal_pending(current)) {
            long e = fill_run(vm, urun, VM_EXIT_SIGNAL);
            return e < 0 ? e : -EINTR;
        }
        cond_resched();                        /* the tick asked for the CPU: give it */
        hv_intr_before_run(vm);
        uint64_t t0 = rdtsc();
        hv_vmrun(V2P(vm->vmcb), &vm->g, V2P(host_save));
        uint64_t t1 = rdtsc();
        hv_intr_after_exit(vm);
        uint32_t code = vmcb_r32(vm, VMCB_EXITCODE);
        if (vmcb_r64(vm, VMCB_EXITCODE) == SVM_EXIT_INVALID)
            code = 0xFFFFFFFFu;
        int slot = exit_slot(code);
        int give = exit_table[slot].handle(vm);
        reinject(vm);
        uint64_t t2 = rdtsc();
        vm->stats.runs++;
        vm->stats.guest_cycles += t1 - t0;
        vm->stats.slot[slot].code = exit_table[slot].code;
        vm->stats.slot[slot].count++;
        vm->stats.slot[slot].cycles += t2 - t1;
        if (give || vm->out_len > VM_RUN_OUT - 64)
            return fill_run(vm, urun, vm->end ? VM_EXIT_END : VM_EXIT_CONSOLE);
    }
}

/* ---- VCPU_GET_SREGS / VCPU_SET_SREGS (KVM_GET_SREGS / KVM_SET_SREGS) ----
 * The VMCB's state-save area (APM vol. 2 table B-2) beyond struct vm_regs. SET checks what
 * VMRUN's consistency checks refuse (APM vol. 2 §15.5.1) and what the subset cannot run (no PAE,
 * no long mode, no real mode through /dev/vm), plus the descriptor checks KVM's VMX side makes
 * on a segment register (SDM vol. 3 §27.3.1.2) that SVM leaves to the guest: a snapshot file is
 * user input, and a bad one must end in -EINVAL, not in a guest that faults at its first
 * instruction -- or a host that does. */

/* The VMCB's attribute word is the descriptor's access byte (arch/x86.h's SEG_*) in bits 7:0
 * and its flags nibble (AVL, L, D/B, G) in bits 11:8. */
#define ATTR_TYPE(a)   ((a) & 0xFu)
#define ATTR_DPL(a)    (((a) >> 5) & 3u)
#define ATTR_L         0x200u
#define ATTR_G         0x800u
#define TSS32_BUSY     (SEG_TYPE_TSS32 | 0x2u)   /* the busy bit of a 32-bit TSS's type */
#define LDT_TYPE       0x2u
#define INT_SHADOW   1u                   /* VMCB_INT_SHADOW bit 0 */
#define CR0_KNOWN    (CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG)
#define CR4_KNOWN    (CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE)

static void get_seg(struct vm *vm, uint32_t off, struct vm_segment *s)
{
    memcpy(&s->selector, vm->vmcb + off + VMCB_SEG_SEL, 2);
    memcpy(&s->attrib, vm->vmcb + off + VMCB_SEG_ATTR, 2);
    s->limit = vmcb_r32(vm, off + VMCB_SEG_LIMIT);
    s->base = (uint32_t)vmcb_r64(vm, off + VMCB_SEG_BASE);
}

static void put_seg(struct vm *vm, uint32_t off, const struct vm_segment *s)
{
    memcpy(vm->vmcb + off + VMCB_SEG_SEL, &s->selector, 2);
    memcpy(vm->vmcb + off + VMCB_SEG_ATTR, &s->attrib, 2);
    vmcb_w32(vm, off + VMCB_SEG_LIMIT, s->limit);
    vmcb_w64(vm, off + VMCB_SEG_BASE, s->base);
}

/* A limit is what its descriptor's G bit can say: with G, the low 12 bits are ones. */
static int limit_ok(const struct vm_segment *s)
{
    return s->attrib & ATTR_G ? (s->limit & 0xFFFu) == 0xFFFu : s->limit <= 0xFFFFFu;
}

/* 0 if the segment could have been loaded from a descriptor for this role, else -EINVAL. */
enum seg_role { SEG_ROLE_CS, SEG_ROLE_SS, SEG_ROLE_DATA, SEG_ROLE_TR, SEG_ROLE_LDT };
static int seg_ok(const struct vm_segment *s, enum seg_role role)
{
    uint32_t a = s->attrib, t = ATTR_TYPE(a);
    if (a & ~0xFFFu || a & ATTR_L)
        return -EINVAL;                    /* 12-bit format; no long mode */
    if (!(a & SEG_P))                      /* unusable: a null selector or an absent LDT */
        return role == SEG_ROLE_DATA || role == SEG_ROLE_LDT ? 0 : -EINVAL;
    if (!limit_ok(s))
        return -EINVAL;
    switch (role) {
    case SEG_ROLE_CS:   return a & SEG_S && t & SEG_CODE ? 0 : -EINVAL;
    case SEG_ROLE_SS:   return a & SEG_S && !(t & SEG_CODE) && t & SEG_RW ? 0 : -EINVAL;
    case SEG_ROLE_DATA: return a & SEG_S ? 0 : -EINVAL;
    case SEG_ROLE_TR:   return !(a & SEG_S) && (t == TSS32_BUSY || t == SEG_TYPE_TSS32) ? 0 : -EINVAL;
    case SEG_ROLE_LDT:  return !(a & SEG_S) && t == LDT_TYPE ? 0 : -EINVAL;
    }
    return -EINVAL;
}

int hv_get_sregs(struct vm *vm, struct vm_sregs *s)
{
    if (vm->mode == VM_MODE_SHADOW)
        return -EINVAL;                    /* CR0/CR3/CR4 are shadow.c's, see uapi/vm.h */
    memset(s, 0, sizeof *s);
    get_seg(vm, VMCB_CS, &s->cs), get_seg(vm, VMCB_DS, &s->ds), get_seg(vm, VMCB_ES, &s->es);
    get_seg(vm, VMCB_FS, &s->fs), get_seg(vm, VMCB_GS, &s->gs), get_seg(vm, VMCB_SS, &s->ss);
    get_seg(vm, VMCB_TR, &s->tr), get_seg(vm, VMCB_LDTR, &s->ldt);
    s->gdt.base = (uint32_t)vmcb_r64(vm, VMCB_GDTR + VMCB_SEG_BASE);
    s->gdt.limit = (uint16_t)vmcb_r32(vm, VMCB_GDTR + VMCB_SEG_LIMIT);
    s->idt.base = (uint32_t)vmcb_r64(vm, VMCB_IDTR + VMCB_SEG_BASE);
    s->idt.limit = (uint16_t)vmcb_r32(vm, VMCB_IDTR + VMCB_SEG_LIMIT);
    s->cr0 = (uint32_t)vmcb_r64(vm, VMCB_CR0);
    s->cr2 = (uint32_t)vmcb_r64(vm, VMCB_CR2);
    s->cr3 = (uint32_t)vmcb_r64(vm, VMCB_CR3);
    s->cr4 = (uint32_t)vmcb_r64(vm, VMCB_CR4);
    s->efer = vmcb_r64(vm, VMCB_EFER) & ~(uint64_t)EFER_SVME;   /* as RDMSR shows it (exit_msr) */
    s->sysenter_cs = (uint32_t)vmcb_r64(vm, VMCB_SYSENTER_CS);
    s->sysenter_esp = (uint32_t)vmcb_r64(vm, VMCB_SYSENTER_CS + 8);   /* ESP, EIP follow CS (table B-2) */
    s->sysenter_eip = (uint32_t)vmcb_r64(vm, VMCB_SYSENTER_CS + 16);
    s->dr6 = (uint32_t)vmcb_r64(vm, VMCB_DR6);
    s->dr7 = (uint32_t)vmcb_r64(vm, VMCB_DR7);
    s->int_shadow = vmcb_r32(vm, VMCB_INT_SHADOW) & INT_SHADOW;
    return 0;
}

int hv_set_sregs(struct vm *vm, const struct vm_sregs *s)
{
    if (vm->mode == VM_MODE_SHADOW)
        return -EINVAL;
    if (!(s->cr0 & CR0_PE) || (s->cr0 & ~CR0_KNOWN) || ((s->cr0 & CR0_NW) && !(s->cr0 & CR0_CD)))
        return -EINVAL;
    if ((s->cr4 & ~CR4_KNOWN) || (s->efer & ~(uint64_t)EFER_SVME) || s->int_shadow > 1)
        return -EINVAL;
    if (seg_ok(&s->cs, SEG_ROLE_CS) || seg_ok(&s->ss, SEG_ROLE_SS) || ATTR_DPL(s->ss.attrib) != ATTR_DPL(s->cs.attrib) ||
        seg_ok(&s->ds, SEG_ROLE_DATA) || seg_ok(&s->es, SEG_ROLE_DATA) || seg_ok(&s->fs, SEG_ROLE_DATA) ||
        seg_ok(&s->gs, SEG_ROLE_DATA) || seg_ok(&s->tr, SEG_ROLE_TR) || seg_ok(&s->ldt, SEG_ROLE_LDT))
        return -EINVAL;
    put_seg(vm, VMCB_CS, &s->cs), put_seg(vm, VMCB_DS, &s->ds), put_seg(vm, VMCB_ES, &s->es);
    put_seg(vm, VMCB_FS, &s->fs), put_seg(vm, VMCB_GS, &s->gs), put_seg(vm, VMCB_SS, &s->ss);
    put_seg(vm, VMCB_TR, &s->tr), put_seg(vm, VMCB_LDTR, &s->ldt);
    vm->vmcb[VMCB_CPL] = (uint8_t)ATTR_DPL(s->ss.attrib);   /* KVM's svm_set_segment: CPL = SS.DPL */
    vmcb_w64(vm, VMCB_GDTR + VMCB_SEG_BASE, s->gdt.base);
    vmcb_w32(vm, VMCB_GDTR + VMCB_SEG_LIMIT, s->gdt.limit);
    vmcb_w64(vm, VMCB_IDTR + VMCB_SEG_BASE, s->idt.base);
    vmcb_w32(vm, VMCB_IDTR + VMCB_SEG_LIMIT, s->idt.limit);
    vmcb_w64(vm, VMCB_CR0, s->cr0);
    vmcb_w64(vm, VMCB_CR2, s->cr2);
    vmcb_w64(vm, VMCB_CR3, s->cr3);
    vmcb_w64(vm, VMCB_CR4, s->cr4);
    vmcb_w64(vm, VMCB_EFER, EFER_SVME);    /* VMRUN wants SVME; the guest has no other bit (exit_msr) */
    vmcb_w64(vm, VMCB_SYSENTER_CS, s->sysenter_cs);
    vmcb_w64(vm, VMCB_SYSENTER_CS + 8, s->sysenter_esp);
    vmcb_w64(vm, VMCB_SYSENTER_CS + 16, s->sysenter_eip);
    vmcb_w64(vm, VMCB_DR6, s->dr6);
    vmcb_w64(vm, VMCB_DR7, s->dr7);
    vmcb_w32(vm, VMCB_INT_SHADOW, s->int_shadow);
    return 0;
}

/* The pending event of KVM_GET/SET_VCPU_EVENTS: what EVENTINJ will deliver at the next VMRUN.
 * SET refuses what VMRUN would (a reserved type, an exception vector 2 or above 31). */
void hv_get_event(struct vm *vm, uint32_t *inj, uint32_t *err)
{
    *inj = vmcb_r32(vm, VMCB_EVENTINJ);
    *err = vmcb_r32(vm, VMCB_EVENTINJ + 4);
}

int hv_set_event(struct vm *vm, uint32_t inj, uint32_t err)
{
    uint32_t type = (inj >> 8) & 7, vec = inj & 0xFF;
    if (inj & EVT_V) {
        if (inj & 0x7FFFF000u || type == 1 || type > EVT_SOFT || (type == EVT_EXC && (vec == EXC_NMI || vec > 31)))
            return -EINVAL;
    } else if (inj) {
        return -EINVAL;
    }
    vmcb_w32(vm, VMCB_EVENTINJ, inj);
    vmcb_w32(vm, VMCB_EVENTINJ + 4, err);
    return 0;
}
