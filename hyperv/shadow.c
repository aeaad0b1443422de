/* shadow.c: shadow paging, the memory virtualisation of CPUs without nested paging (AMD APM
 * vol. 2 §15.2.1 "virtualizing paging"; KVM's arch/x86/kvm/mmu "shadow MMU"). The guest keeps
 * its own page tables, which map guest-virtual to guest-physical addresses; the CPU walks
 * instead a shadow table that the hypervisor builds from them, mapping guest-virtual straight
 * to host-physical through the VM's frames (mem.c). The shadow table is to the guest what a TLB
 * is to a CPU: filled on a miss, emptied where the guest says its tables changed. So:
 *
 *  - #PF is intercepted (exit 0x4E, §15.12): EXITINFO2 is the address, EXITINFO1 the error code.
 *    The handler walks the guest's tables; when they allow the access it sets their A bit (and
 *    D on a write) and fills the shadow entry; when they do not, the fault is the guest's own
 *    and is injected (EVENTINJ, §15.20) with the error code and CR2 it would have seen bare.
 *  - D bits: a clean page is shadowed read-only, so the first write faults and sets D. CR0.WP is
 *    therefore always 1 under the guest; a guest running with WP=0 gets supervisor-only
 *    writable entries where it writes to its read-only pages.
 *  - MOV CR3 (exit 0x13) switches shadow tables; INVLPG (exit 0x79) drops one entry; CR0/CR4
 *    writes (0x10, 0x14) that change PG, WP, PSE or PGE drop them all. CR0 and CR3 reads
 *    (0x00, 0x03) return the guest's values, not the real ones (§15.9 CR intercepts).
 *  - A small cache of shadow directories, one per guest CR3, makes switching between a few
 *    address spaces cheap. Since a CPU flushes its TLB at every CR3 load, a cached directory is
 *    checked against the guest's tables when it comes back ("resync", KVM's unsync pages):
 *    every shadow entry that its guest entry no longer justifies is dropped.
 *  - Guest paging off: the guest's addresses are guest-physical, so the shadow is the identity
 *    over guest RAM -- which is exactly the VM's guest-physical -> host table of mem.c.
 *
 * Shadow entries are always 4 KiB pages (a guest 4 MiB page is shadowed 4 KiB at a time) and
 * never global. The subset has no decode assists (SVM.md), so the CR and INVLPG handlers
 * decode the instruction themselves: MOV to/from CRn, CLTS, LMSW/SMSW (register forms) and
 * INVLPG with any 32-bit memory operand. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "arch/svm.h"
#include "hyperv/hv.h"

#define NSHADOW 4                          /* cached shadow directories per VM */
#define NO_CR3 0xFFFFFFFFu
#define SH_PDE (PTE_P | PTE_W | PTE_U)     /* permissions are decided in the shadow PTEs */
#define NLIVE 64

struct shadow_dir {
    uint32_t gcr3;                         /* the guest page directory (gpa) it shadows, or NO_CR3 */
    uint32_t *pd;                          /* the shadow page directory (kernel address) */
    uint32_t *gpde;                        /* for each shadow PDE: the guest PDE it was built from */
    uint32_t lru;
    uint16_t live[NLIVE];                  /* the PDEs that have a shadow table, so a resync */
    int nlive;                             /* looks at those only; NLIVE + 1 = too many, scan all */
};

struct hv_shadow {
    uint32_t cr0, cr3, cr4;                /* the guest's view of its control registers */
    struct shadow_dir dir[NSHADOW];
    struct shadow_dir *cur;                /* in use, or NULL while guest paging is off */
    uint32_t clock;
};

/* ---- frames and guest memory ---- */

static uint32_t *sh_frame(struct vm *vm)
{
    uint32_t pa = frame_alloc(FRAME_VM, vm->owner);
    return pa ? P2V(pa) : NULL;
}

/* A guest page-table word the walk may set A/D bits in: resolved as a write. Shadow paging
 * runs on eager RAM only (dev.c refuses VM_MEM_LAZY and VM_MAP_FILE for it), so every page is
 * the VM's own and the resolver finds it; a shadow entry must never point at a page shared
 * with a file, since a copy on write would leave the other shadow entries on the old frame. */
static uint32_t *guest_word(struct vm *vm, uint32_t gpa) { return (uint32_t *)hv_gpa_frame(vm, gpa, 1); }

/* Drop shadow page table d of dir (the next access under it faults and refills it). */
static void zap_pt(struct shadow_dir *s, uint32_t d)
{
    if (s->pd[d] & PTE_P)
        frame_unref(s->pd[d] & PTE_ADDR);
    s->pd[d] = 0;
    s->gpde[d] = 0;
}

static void zap_dir(struct shadow_dir *s)
{
    if (s->pd && s->nlive > NLIVE)
        for (uint32_t d = 0; d < 1024; d++)
            zap_pt(s, d);
    else if (s->pd)
        for (int i = 0; i < s->nlive; i++)
            zap_pt(s, s->live[i]);
    s->gcr3 = NO_CR3;
    s->nlive = 0;
}

/* ---- the guest's view: what its own tables say ---- */

static int paging(struct hv_shadow *sh) { return (sh->cr0 & CR0_PG) != 0; }
static int pse(struct hv_shadow *sh) { return (sh->cr4 & CR4_PSE) != 0; }

/* The shadow permissions a guest PDE/PTE pair allows at most (Intel SDM vol. 3 §4.6 and APM
 * vol. 2 §5.6: U and W must be allowed at both levels). W only once the page is dirty. */
static int shadow_ok(struct hv_shadow *sh, uint32_t gpde, uint32_t gpte, uint32_t spte)
{
    uint32_t both = gpde & gpte;
    if (!(both & PTE_P) || !(gpte & PTE_A) || !(gpde & PTE_A))
        return 0;
    if ((spte & PTE_U) && !(both & PTE_U))
        return 0;
    if (spte & PTE_W) {
        if (!(gpte & PTE_D))
            return 0;
        /* a read-only guest page is writable only by the supervisor, and only with CR0.WP=0 */
        if (!(both & PTE_W) && ((sh->cr0 & CR0_WP) || (spte & PTE_U)))
            return 0;
    }
    return 1;
}

/* ---- the real CR0/CR3 the guest runs with ---- */

static void load_cr3(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    uint32_t cr3 = sh->cur ? V2P(sh->cur->pd) : V2P(vm->npt);   /* paging off: the identity */
    vmcb_w32(vm, VMCB_CR3, cr3);
    vmcb_w32(vm, VMCB_CR3 + 4, 0);
    vmcb_w32(vm, VMCB_TLB_CONTROL, 1);    /* flush: harmless where world switches flush anyway */
}

/* The guest always runs with paging and write protection on (§15.2.1); what it asked for is
 * in sh->cr0 and is what it reads back. */
static void load_cr0(struct vm *vm)
{
    vmcb_w32(vm, VMCB_CR0, vm->shadow->cr0 | CR0_PE | CR0_PG | CR0_WP);
}

/* Drop every cached directory: the guest's tables now mean something else (PG, WP, PSE). */
static void flush_all(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    for (int i = 0; i < NSHADOW; i++)
        zap_dir(&sh->dir[i]);
    sh->cur = NULL;
}

/* Resync a cached directory with the guest's tables (its CR3 was loaded again). */
static void resync(struct vm *vm, struct shadow_dir *s)
{
    struct hv_shadow *sh = vm->shadow;
    uint32_t *gpd = guest_word(vm, s->gcr3);
    int all = s->nlive > NLIVE, n = all ? 1024 : s->nlive, kept = 0;
    for (int i = 0; i < n; i++) {
        uint32_t d = all ? (uint32_t)i : s->live[i];
        if (!(s->pd[d] & PTE_P))
            continue;
        if (!all)
            s->live[kept++] = (uint16_t)d;
        if (!gpd || gpd[d] != s->gpde[d]) {
            zap_pt(s, d);
            continue;
        }
        if ((gpd[d] & PTE_PS) && pse(sh))
            continue;                      /* its PTEs come from this unchanged PDE alone */
        uint32_t *gpt = guest_word(vm, gpd[d] & PTE_ADDR);
        uint32_t *spt = P2V(s->pd[d] & PTE_ADDR);
        for (uint32_t t = 0; t < 1024; t++) {
            if (!(spt[t] & PTE_P))
                continue;
            uint8_t *hp = gpt ? hv_gpa_ptr(vm, gpt[t] & PTE_ADDR) : NULL;
            if (!hp || V2P(hp) != (spt[t] & PTE_ADDR) || !shadow_ok(sh, gpd[d], gpt[t], spt[t]))
                spt[t] = 0;
        }
    }
    if (!all)
        s->nlive = kept;
}

/* The shadow directory for guest CR3 cr3: cached, or the least recently used one emptied. */
static int switch_dir(struct vm *vm, uint32_t cr3)
{
    struct hv_shadow *sh = vm->shadow;
    struct shadow_dir *s = NULL, *old = &sh->dir[0];
    for (int i = 0; i < NSHADOW; i++) {
        if (sh->dir[i].gcr3 == cr3)
            s = &sh->dir[i];
        if (sh->dir[i].lru < old->lru)
            old = &sh->dir[i];
    }
    if (s) {
        vm->stats.shadow_hits++;
        resync(vm, s);
    } else {
        vm->stats.shadow_misses++;
        s = old;
        zap_dir(s);
        if (!s->pd && (!(s->pd = sh_frame(vm)) || !(s->gpde = sh_frame(vm))))
            return -ENOMEM;
        s->gcr3 = cr3;
    }
    s->lru = ++sh->clock;
    sh->cur = s;
    return 0;
}

/* Paging on or off, a new CR3: choose the shadow the CPU walks. */
static int update(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    sh->cur = NULL;
    int e = paging(sh) ? switch_dir(vm, sh->cr3 & PTE_ADDR) : 0;
    if (e == 0)
        load_cr3(vm);
    return e;
}

/* VCPU_CREATE in shadow mode: intercept what the guest's paging depends on (§15.9, §15.12). */
int hv_shadow_init(struct vm *vm)
{
    struct hv_shadow *sh = kzalloc(sizeof *sh);
    if (!sh)
        return -ENOMEM;
    for (int i = 0; i < NSHADOW; i++)
        sh->dir[i].gcr3 = NO_CR3;
    vm->shadow = sh;
    sh->cr0 = vmcb_r32(vm, VMCB_CR0);
    sh->cr4 = vmcb_r32(vm, VMCB_CR4);
    vmcb_w32(vm, VMCB_CR_READ, (1u << 0) | (1u << 3));
    vmcb_w32(vm, VMCB_CR_WRITE, (1u << 0) | (1u << 3) | (1u << 4));
    vmcb_w32(vm, VMCB_EXC, 1u << EXC_PF);
    vmcb_w32(vm, VMCB_VEC3, vmcb_r32(vm, VMCB_VEC3) | V3_INVLPG);
    load_cr0(vm);
    return update(vm);
}

void hv_shadow_free(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    if (!sh)
        return;
    for (int i = 0; i < NSHADOW; i++) {
        zap_dir(&sh->dir[i]);
        if (sh->dir[i].pd)
            frame_unref(V2P(sh->dir[i].pd));
        if (sh->dir[i].gpde)
            frame_unref(V2P(sh->dir[i].gpde));
    }
    kfree(sh);
    vm->shadow = NULL;
}

/* ---- #PF (exit 0x4E) ---- */

/* Inject the guest's own #PF (§15.20 EVENTINJ; CR2 is the guest's, in the VMCB). A #PF met while
 * delivering a #PF or a contributory exception is a #DF; while delivering a #DF, a triple
 * fault (Intel SDM vol. 3 table 6-5). */
static int inject_pf(struct vm *vm, uint32_t va, uint32_t err)
{
    uint32_t was = vmcb_r32(vm, VMCB_EXITINTINFO);
    uint32_t v = was & 0xFF;
    int exc = (was & EVT_V) && ((was >> 8) & 7) == EVT_EXC;
    vmcb_w32(vm, VMCB_CR2, va);
    vmcb_w32(vm, VMCB_CR2 + 4, 0);
    vm->stats.shadow_injected++;
    if (exc && v == EXC_DF) {
        hv_vm_end(vm, VM_END_SHUTDOWN, VM_STATUS_SHUTDOWN);
        return 1;
    }
    if (exc && (v == EXC_PF || v == EXC_DE || (v >= EXC_TS && v <= EXC_GP)))
        v = EXC_DF, err = 0;
    else
        v = EXC_PF;
    vmcb_w32(vm, VMCB_EVENTINJ, EVT_V | EVT_EV | EVT_TYPE(EVT_EXC) | EVT_VECTOR(v));
    vmcb_w32(vm, VMCB_EVENTINJ + 4, err);
    return 0;
}

/* A shadow page table for the 4 MiB at va, built from guest PDE gpde. */
static uint32_t *shadow_pt(struct vm *vm, struct shadow_dir *s, uint32_t va, uint32_t gpde)
{
    uint32_t d = PDX(va);
    if ((s->pd[d] & PTE_P) && s->gpde[d] != gpde)
        zap_pt(s, d);                      /* the guest moved or changed this PDE */
    if (!(s->pd[d] & PTE_P)) {
        uint32_t *pt = sh_frame(vm);
        if (!pt)
            return NULL;
        s->pd[d] = V2P(pt) | SH_PDE;
        int i = 0;
        while (i < s->nlive && i < NLIVE && s->live[i] != d)
            i++;
        if (i == s->nlive && s->nlive <= NLIVE) {
            if (s->nlive < NLIVE)
                s->live[i] = (uint16_t)d;
            s->nlive++;
        }
    }
    s->gpde[d] = gpde;
    return P2V(s->pd[d] & PTE_ADDR);
}

int hv_exit_pf(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    uint32_t err = vmcb_r32(vm, VMCB_EXITINFO1), va = vmcb_r32(vm, VMCB_EXITINFO2);
    int write = (err & PF_W) != 0, user = (err & PF_U) != 0;
    if (!sh->cur) {
        /* paging off: the identity over guest RAM faults only beyond it */
        hv_vm_end(vm, VM_END_BAD_ACCESS, VM_STATUS_BAD_ACCESS);
        return 1;
    }
    /* The guest's walk (two levels, 4 MiB pages with CR4.PSE), as its CPU would do it. */
    uint32_t *pde = guest_word(vm, (sh->cr3 & PTE_ADDR) + 4 * PDX(va));
    if (!pde)
        goto beyond;
    if (!(*pde & PTE_P))
        return inject_pf(vm, va, err & (PF_W | PF_U));
    int big = (*pde & PTE_PS) && pse(sh);
    uint32_t *pte = pde, gpa;
    if (big) {
        gpa = (*pde & 0xFFC00000u) | (va & 0x003FF000u);
    } else {
        if (!(pte = guest_word(vm, (*pde & PTE_ADDR) + 4 * PTX(va))))
            goto beyond;
        if (!(*pte & PTE_P))
            return inject_pf(vm, va, err & (PF_W | PF_U));
        gpa = *pte & PTE_ADDR;
    }
    uint32_t both = *pde & *pte;
    if ((user && !(both & PTE_U)) || (write && !(both & PTE_W) && (user || (sh->cr0 & CR0_WP))))
        return inject_pf(vm, va, PF_P | (err & (PF_W | PF_U)));
    /* Allowed: the guest's A (and D) bits, as its CPU's walk would set them. */
    uint8_t *host = hv_gpa_frame(vm, gpa, 1);
    if (!host)
        goto beyond;
    *pde |= PTE_A;
    *pte |= PTE_A;
    if (write) {
        if (!(*pte & PTE_D))
            vm->stats.shadow_dirty++;
        *pte |= PTE_D;
    }
    uint32_t *spt = shadow_pt(vm, sh->cur, va, *pde);
    if (!spt) {
        hv_vm_end(vm, VM_END_UNHANDLED, VM_STATUS_UNHANDLED);
        return 1;
    }
    uint32_t spte = V2P(host) | PTE_P | (both & PTE_U);
    if ((*pte & PTE_D) && (both & PTE_W))
        spte |= PTE_W;
    else if ((*pte & PTE_D) && write && !user)
        spte = (spte | PTE_W) & ~PTE_U;    /* CR0.WP=0: the supervisor writes a read-only page */
    spt[PTX(va)] = spte;
    vm->stats.shadow_fills++;
    return 0;
beyond:
    hv_vm_end(vm, VM_END_BAD_ACCESS, VM_STATUS_BAD_ACCESS);
    return 1;
}

/* ---- decoding the intercepted instruction (no decode assists in the subset) ---- */

/* The guest-physical address of guest-virtual va by the guest's tables (no A/D side effects),
 * or -1 when they do not map it. */
static int64_t virt_to_phys(struct vm *vm, uint32_t va)
{
    struct hv_shadow *sh = vm->shadow;
    if (!paging(sh))
        return va;
    uint32_t *pde = guest_word(vm, (sh->cr3 & PTE_ADDR) + 4 * PDX(va));
    if (!pde || !(*pde & PTE_P))
        return -1;
    if ((*pde & PTE_PS) && pse(sh))
        return (*pde & 0xFFC00000u) | (va & 0x003FFFFFu);
    uint32_t *pte = guest_word(vm, (*pde & PTE_ADDR) + 4 * PTX(va));
    if (!pte || !(*pte & PTE_P))
        return -1;
    return (*pte & PTE_ADDR) | (va & 0xFFFu);
}

/* Read n bytes at guest-virtual va, a page at a time. */
static int read_virt(struct vm *vm, uint32_t va, uint8_t *buf, uint32_t n)
{
    while (n) {
        uint32_t chunk = PAGE_SIZE - (va & 0xFFFu);
        if (chunk > n)
            chunk = n;
        int64_t gpa = virt_to_phys(vm, va);
        uint8_t *p = gpa < 0 ? NULL : hv_gpa_ptr(vm, (uint32_t)gpa);
        if (!p)
            return -1;
        memcpy(buf, p, chunk);
        buf += chunk, va += chunk, n -= chunk;
    }
    return 0;
}

/* The guest's general registers by their ModRM number (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI). */
static uint32_t *gpr(struct vm *vm, int n, uint32_t *tmp)
{
    switch (n & 7) {
    case 0: *tmp = vmcb_r32(vm, VMCB_RAX); return tmp;
    case 1: return &vm->g.ecx;
    case 2: return &vm->g.edx;
    case 3: return &vm->g.ebx;
    case 4: *tmp = vmcb_r32(vm, VMCB_RSP); return tmp;
    case 5: return &vm->g.ebp;
    case 6: return &vm->g.esi;
    default: return &vm->g.edi;
    }
}
static uint32_t get_reg(struct vm *vm, int n) { uint32_t t; return *gpr(vm, n, &t); }
static void set_reg(struct vm *vm, int n, uint32_t v)
{
    if ((n & 7) == 0)
        vmcb_w32(vm, VMCB_RAX, v);
    else if ((n & 7) == 4)
        vmcb_w32(vm, VMCB_RSP, v);
    else {
        uint32_t t;
        *gpr(vm, n, &t) = v;
    }
}

struct insn {
    uint8_t b[15];
    int len;                               /* bytes of prefixes + opcode so far */
    int seg;                               /* segment override: VMCB offset, or 0 */
    int a16;
};

/* Fetch the instruction at CS:EIP and skip its prefixes. */
static int fetch(struct vm *vm, struct insn *in)
{
    uint32_t lin = vmcb_r32(vm, VMCB_CS + VMCB_SEG_BASE) + vmcb_r32(vm, VMCB_RIP);
    memset(in, 0, sizeof *in);
    if (read_virt(vm, lin, in->b, sizeof in->b) < 0)
        return -1;
    static const struct { uint8_t p; uint16_t off; } segs[] = {
        { 0x26, VMCB_ES }, { 0x2E, VMCB_CS }, { 0x36, VMCB_SS }, { 0x3E, VMCB_DS }, { 0x64, VMCB_FS }, { 0x65, VMCB_GS },
    };
    for (; in->len < 14; in->len++) {
        uint8_t p = in->b[in->len];
        int known = p == 0x66 || p == 0xF2 || p == 0xF3 || p == 0xF0;
        if (p == 0x67)
            in->a16 = known = 1;
        for (unsigned k = 0; k < ARRAY_SIZE(segs); k++)
            if (p == segs[k].p)
                in->seg = segs[k].off, known = 1;
        if (!known)
            return 0;
    }
    return -1;
}

/* The linear address of a 32-bit ModRM memory operand starting at in->b[at]; sets *len. */
static int modrm_addr(struct vm *vm, struct insn *in, int at, uint32_t *lin, int *len)
{
    uint8_t m = in->b[at++];
    int mod = m >> 6, rm = m & 7, seg = VMCB_DS;
    uint32_t a = 0;
    if (mod == 3 || in->a16)
        return -1;                         /* a register, or 16-bit addressing: not an INVLPG we know */
    if (rm == 4) {
        uint8_t sib = in->b[at++];
        int base = sib & 7, index = (sib >> 3) & 7;
        if (index != 4)
            a = get_reg(vm, index) << (sib >> 6);
        if (base == 5 && mod == 0) {
            int32_t d; memcpy(&d, in->b + at, 4); a += (uint32_t)d; at += 4;
        } else {
            a += get_reg(vm, base);
            if (base == 4 || base == 5)
                seg = VMCB_SS;
        }
    } else if (rm == 5 && mod == 0) {
        int32_t d; memcpy(&d, in->b + at, 4); a = (uint32_t)d; at += 4;
    } else {
        a = get_reg(vm, rm);
        if (rm == 5)
            seg = VMCB_SS;
    }
    if (mod == 1)
        a += (uint32_t)(int32_t)(int8_t)in->b[at++];
    else if (mod == 2) {
        int32_t d; memcpy(&d, in->b + at, 4); a += (uint32_t)d; at += 4;
    }
    if (in->seg)
        seg = in->seg;
    *lin = vmcb_r32(vm, (uint32_t)seg + VMCB_SEG_BASE) + a;
    *len = at;
    return 0;
}

static int unhandled(struct vm *vm)
{
    hv_vm_end(vm, VM_END_UNHANDLED, VM_STATUS_UNHANDLED);
    return 1;
}

static int inject_gp(struct vm *vm)
{
    vmcb_w32(vm, VMCB_EVENTINJ, EVT_V | EVT_EV | EVT_TYPE(EVT_EXC) | EVT_VECTOR(EXC_GP));
    vmcb_w32(vm, VMCB_EVENTINJ + 4, 0);
    return 0;
}

/* ---- CR0, CR3, CR4 (exits 0x00, 0x03, 0x10, 0x13, 0x14) ---- */

static int write_cr(struct vm *vm, int cr, uint32_t v)
{
    struct hv_shadow *sh = vm->shadow;
    if (cr == 0) {
        /* the checks the CPU makes on MOV CR0 (Intel SDM vol. 3 §2.5; vx86 has no real mode) */
        if (!(v & CR0_PE) || ((v & CR0_NW) && !(v & CR0_CD)))
            return inject_gp(vm);
        uint32_t changed = sh->cr0 ^ v;
        sh->cr0 = v | CR0_ET;
        load_cr0(vm);
        if (changed & (CR0_PG | CR0_WP))
            flush_all(vm);
    } else if (cr == 3) {
        sh->cr3 = v;
    } else {
        uint32_t allowed = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE;
        if (v & ~allowed)                  /* PAE among them: the guest's tables stay 2-level */
            return inject_gp(vm);
        if ((sh->cr4 ^ v) & (CR4_PSE | CR4_PGE))
            flush_all(vm);
        sh->cr4 = v;
        vmcb_w32(vm, VMCB_CR4, v);
    }
    if (update(vm) < 0)
        return unhandled(vm);
    return 0;
}

int hv_exit_cr(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    uint32_t code = vmcb_r32(vm, VMCB_EXITCODE);
    struct insn in;
    if (fetch(vm, &in) < 0 || in.b[in.len] != 0x0F)
        return unhandled(vm);
    uint8_t op = in.b[in.len + 1], m = in.b[in.len + 2];
    int reg = (m >> 3) & 7, rm = m & 7, len = in.len + 3, r = 0;
    if (op == 0x20 && code == SVM_EXIT_CR_READ((uint32_t)reg)) {          /* MOV r32, CRn */
        set_reg(vm, rm, reg == 0 ? sh->cr0 : sh->cr3);
    } else if (op == 0x22 && code == SVM_EXIT_CR_WRITE((uint32_t)reg)) {  /* MOV CRn, r32 */
        r = write_cr(vm, reg, get_reg(vm, rm));
    } else if (op == 0x06 && code == SVM_EXIT_CR_WRITE(0)) {              /* CLTS */
        len = in.len + 2;
        r = write_cr(vm, 0, sh->cr0 & ~CR0_TS);
    } else if (op == 0x01 && (m >> 6) == 3 && reg == 6 && code == SVM_EXIT_CR_WRITE(0)) {
        /* LMSW r16: MP, EM, TS and PE (which it can set, never clear) */
        r = write_cr(vm, 0, (sh->cr0 & ~0xEu) | (get_reg(vm, rm) & 0xFu) | (sh->cr0 & CR0_PE));
    } else if (op == 0x01 && (m >> 6) == 3 && reg == 4 && code == SVM_EXIT_CR_READ(0)) {
        set_reg(vm, rm, sh->cr0);                                          /* SMSW r32 */
    } else {
        return unhandled(vm);              /* LMSW/SMSW with a memory operand: not emulated */
    }
    if (vmcb_r32(vm, VMCB_EVENTINJ) & EVT_V)
        return r;                          /* #GP: the instruction did not happen */
    vmcb_w32(vm, VMCB_RIP, vmcb_r32(vm, VMCB_RIP) + (uint32_t)len);
    return r;
}

/* ---- INVLPG (exit 0x79) ---- */

int hv_exit_invlpg(struct vm *vm)
{
    struct hv_shadow *sh = vm->shadow;
    struct insn in;
    uint32_t lin;
    int len;
    if (fetch(vm, &in) < 0 || in.b[in.len] != 0x0F || in.b[in.len + 1] != 0x01 ||
        ((in.b[in.len + 2] >> 3) & 7) != 7 || modrm_addr(vm, &in, in.len + 2, &lin, &len) < 0)
        return unhandled(vm);
    struct shadow_dir *s = sh->cur;
    uint32_t d = PDX(lin);
    if (s && (s->pd[d] & PTE_P)) {
        uint32_t *gpde = guest_word(vm, (sh->cr3 & PTE_ADDR) + 4 * d);
        if (!gpde || *gpde != s->gpde[d] || ((*gpde & PTE_PS) && pse(sh)))
            zap_pt(s, d);                  /* a changed PDE or a 4 MiB page: the whole table */
        else
            ((uint32_t *)P2V(s->pd[d] & PTE_ADDR))[PTX(lin)] = 0;
        vmcb_w32(vm, VMCB_TLB_CONTROL, 1);
    }
    vmcb_w32(vm, VMCB_RIP, vmcb_r32(vm, VMCB_RIP) + (uint32_t)len);
    return 0;
}
