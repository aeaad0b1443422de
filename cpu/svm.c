/* The virtualization extension: a faithful subset of AMD SVM (AMD64 APM vol. 2, ch. 15; the
 * subset and where it differs from QEMU are in cpu/README.md). The VMCB layout and exit codes are
 * arch/svm.h's. VMRUN loads a guest from the VMCB, #VMEXIT stores it back; intercepts are checked
 * where the intercepted instruction or event happens. */
#include "cpu/handlers.h"

#include <stdlib.h>

/* One table of the consistency checks a VMRUN makes, in the order it makes them. */
enum {
    CHK_NONE, CHK_VMRUN_INTERCEPT, CHK_ASID, CHK_SVME, CHK_CD_NW, CHK_CR0_HIGH, CHK_DR6_HIGH, CHK_DR7_HIGH,
    CHK_EFER_RESERVED, CHK_EFER_LONG, CHK_CR4_RESERVED, CHK_EVENTINJ, CHK_IOPM, CHK_MSRPM, CHK_NP_SEV,
    CHK_NP_HOST_PAGING, CHK_GPAT, CHK_COUNT
};
#define STR_(x) #x
#define STR(x) STR_(x)   /* "0x4D0" from VMCB_EFER: the messages quote arch/svm.h's offsets */
static const char *const check_names[CHK_COUNT] = {
    [CHK_NONE] = "none",
    [CHK_VMRUN_INTERCEPT] = "VMRUN intercept (VMCB " STR(VMCB_VEC4) " bit 0) is clear",
    [CHK_ASID] = "GUEST_ASID (VMCB " STR(VMCB_ASID) ") is 0",
    [CHK_SVME] = "guest EFER.SVME (VMCB " STR(VMCB_EFER) " bit 12) is 0",
    [CHK_CD_NW] = "guest CR0.CD=0 with CR0.NW=1",
    [CHK_CR0_HIGH] = "guest CR0 bits 63:32 are not zero",
    [CHK_DR6_HIGH] = "guest DR6 bits 63:32 are not zero",
    [CHK_DR7_HIGH] = "guest DR7 bits 63:32 are not zero",
    [CHK_EFER_RESERVED] = "guest EFER has reserved bits set",
    [CHK_EFER_LONG] = "guest EFER.LME/LMA set: vx86 has no long mode",
    [CHK_CR4_RESERVED] = "guest CR4 has reserved (or unimplemented: PAE) bits set",
    [CHK_EVENTINJ] = "EVENTINJ (VMCB " STR(VMCB_EVENTINJ) ") is illegal: reserved type, or exception vector 2 or > 31",
    [CHK_IOPM] = "IOPM_BASE_PA (VMCB " STR(VMCB_IOPM) ") is beyond the physical address space",
    [CHK_MSRPM] = "MSRPM_BASE_PA (VMCB " STR(VMCB_MSRPM) ") is beyond the physical address space",
    [CHK_NP_SEV] = "NP_ENABLE field (VMCB " STR(VMCB_NP_ENABLE) ") sets SEV/SEV-ES bits, which must be zero",
    [CHK_NP_HOST_PAGING] = "nested paging needs host paging: host CR0.PG is 0",
    [CHK_GPAT] = "G_PAT (VMCB " STR(VMCB_G_PAT) ") holds an invalid memory type",
};

const char *cpu_svm_check_name(int check) {
    return check >= 0 && check < CHK_COUNT ? check_names[check] : "unknown check";
}

const char *cpu_svm_exit_name(uint64_t code) { return svm_exit_name(code); }

void svm_init(cpu *c) { c->svm = calloc(1, sizeof *c->svm); }
void svm_free(cpu *c) {
    free(c->svm);
    c->svm = NULL;
}

bool cpu_in_guest(const cpu *c) { return c->guest_mode; }
uint32_t cpu_vmcb(const cpu *c) { return c->svm ? c->svm->vmcb : 0; }
uint32_t cpu_guest_asid(const cpu *c) { return c->svm ? c->svm->asid : 0; }

/* ---- VMCB access: physical memory, little-endian ---- */

static uint64_t rd64(cpu *c, uint32_t pa) { return phys_read(c, pa, 4) | ((uint64_t)phys_read(c, pa + 4, 4) << 32); }
static void wr64(cpu *c, uint32_t pa, uint64_t v) {
    phys_write(c, pa, 4, (uint32_t)v);
    phys_write(c, pa + 4, 4, (uint32_t)(v >> 32));
}

static void seg_from_vmcb(cpu *c, int s, uint32_t pa) {
    c->seg[s].sel = (uint16_t)phys_read(c, pa, 2);
    c->seg[s].attr = (uint16_t)(phys_read(c, pa + 2, 2) & 0xFFF);
    c->seg[s].limit = phys_read(c, pa + 4, 4);
    c->seg[s].base = phys_read(c, pa + 8, 4);
    seg_update_flat(c, s);
}

static void seg_to_vmcb(cpu *c, int s, uint32_t pa) {
    phys_write(c, pa, 2, c->seg[s].sel);
    phys_write(c, pa + 2, 2, c->seg[s].attr);
    phys_write(c, pa + 4, 4, c->seg[s].limit);
    wr64(c, pa + 8, c->seg[s].base);
}

static void dtr_from_vmcb(cpu *c, cpu_dtr *t, uint32_t pa) {
    t->limit = (uint16_t)phys_read(c, pa + 4, 2);
    t->base = phys_read(c, pa + 8, 4);
}

static void dtr_to_vmcb(cpu *c, const cpu_dtr *t, uint32_t pa) {
    phys_write(c, pa + 4, 4, t->limit);
    wr64(c, pa + 8, t->base);
}

/* ---- the common checks of every SVM instruction (APM vol. 2 §15.5) ---- */

static void svm_insn_checks(cpu *c, int vec4_bit, bool check_rax) {
    if (!(c->efer & EFER_SVME)) RAISE(c, EXC_UD);
    if (c->cpl != 0) RAISE_GP0(c);
    svm_check4(c, vec4_bit);
    if (check_rax && ((c->regs[R_EAX] & 0xFFF) || (uint64_t)c->regs[R_EAX] + 4096 > c->bus.ram_size)) RAISE_GP0(c);
}

static void world_switch_flush(cpu *c) {
    tlb_flush_all(c, false);
    fetch_invalidate(c);
}

static void emit_svm(cpu *c, cpu_event_kind kind, uint32_t value, uint64_t code, uint64_t i1, uint64_t i2, uint64_t aux) {
    if (!c->bus.event) return;
    cpu_event ev = { kind, c->svm->asid, 0, false, c->eip, value, code, i1, i2, aux, NULL };
    c->bus.event(c->bus.ctx, &ev);
}

/* ---- VMRUN ---- */

static int consistency_check(cpu *c, uint32_t vmcb) {
    cpu_svm *s = c->svm;
    uint64_t efer = rd64(c, vmcb + VMCB_EFER), cr0 = rd64(c, vmcb + VMCB_CR0), cr4 = rd64(c, vmcb + VMCB_CR4);
    if (!(s->vec4 & V4_VMRUN)) return CHK_VMRUN_INTERCEPT;
    if (s->asid == 0) return CHK_ASID;
    if (!(efer & EFER_SVME)) return CHK_SVME;
    if ((cr0 & CR0_NW) && !(cr0 & CR0_CD)) return CHK_CD_NW;
    if (cr0 >> 32) return CHK_CR0_HIGH;
    if (rd64(c, vmcb + VMCB_DR6) >> 32) return CHK_DR6_HIGH;
    if (rd64(c, vmcb + VMCB_DR7) >> 32) return CHK_DR7_HIGH;
    if (efer & (EFER_LME | EFER_LMA)) return CHK_EFER_LONG;
    if (efer & ~(uint64_t)(EFER_SVME | EFER_SCE | EFER_NXE | EFER_LME | EFER_LMA)) return CHK_EFER_RESERVED;
    if ((cr4 >> 32) || (cr4 & ~(uint64_t)(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE)))
        return CHK_CR4_RESERVED;   /* PAE is not implemented either */
    uint32_t inj = phys_read(c, vmcb + VMCB_EVENTINJ, 4);
    if (inj & EVT_V) {
        uint32_t type = (inj >> 8) & 7, vec = inj & 0xFF;
        if (type == 1 || type > EVT_SOFT) return CHK_EVENTINJ;
        if (type == EVT_EXC && (vec == EXC_NMI || vec > 31)) return CHK_EVENTINJ;
    }
    if (rd64(c, vmcb + VMCB_IOPM) + 3 * 4096 > (1ull << 32)) return CHK_IOPM;
    if (rd64(c, vmcb + VMCB_MSRPM) + 2 * 4096 > (1ull << 32)) return CHK_MSRPM;
    uint64_t np = rd64(c, vmcb + VMCB_NP_ENABLE);
    if (np & 6) return CHK_NP_SEV;   /* bits 1-2: SEV, SEV-ES */
    if (np & 1) {
        if (!(c->cr0 & CR0_PG)) return CHK_NP_HOST_PAGING;
        uint64_t gpat = rd64(c, vmcb + VMCB_G_PAT);
        for (int k = 0; k < 8; k++) {
            uint32_t t = (uint32_t)(gpat >> (8 * k)) & 0xFF;
            if (t == 2 || t == 3 || t > 7) return CHK_GPAT;
        }
    }
    return CHK_NONE;
}

static void vmrun(cpu *c) {
    cpu_svm *s = c->svm;
    uint32_t vmcb = c->regs[R_EAX];
    /* Save the host state; it resumes after the VMRUN. */
    for (int k = 0; k < 4; k++) s->h_seg[k] = c->seg[k];
    s->h_gdtr = c->gdtr;
    s->h_idtr = c->idtr;
    s->h_efer = c->efer;
    s->h_cr0 = c->cr0;
    s->h_cr3 = c->cr3;
    s->h_cr4 = c->cr4;
    s->h_eflags = cpu_get_eflags(c);
    s->h_esp = c->regs[R_ESP];
    s->h_eax = vmcb;
    s->h_eip = c->eip_next;
    s->h_tsc_offset = c->tsc_offset;
    /* Controls. */
    s->vmcb = vmcb;
    s->cr_read = (uint16_t)phys_read(c, vmcb + VMCB_CR_READ, 2);
    s->cr_write = (uint16_t)phys_read(c, vmcb + VMCB_CR_WRITE, 2);
    s->exc = phys_read(c, vmcb + VMCB_EXC, 4);
    s->vec3 = phys_read(c, vmcb + VMCB_VEC3, 4);
    s->vec4 = phys_read(c, vmcb + VMCB_VEC4, 4);
    s->iopm = (uint32_t)(rd64(c, vmcb + VMCB_IOPM) & ~0xFFFull);
    s->msrpm = (uint32_t)(rd64(c, vmcb + VMCB_MSRPM) & ~0xFFFull);
    s->asid = phys_read(c, vmcb + VMCB_ASID, 4);
    c->cycles += c->cost[COST_VMRUN];

    int check = consistency_check(c, vmcb);
    if (check != CHK_NONE) {
        wr64(c, vmcb + VMCB_EXITCODE, SVM_EXIT_INVALID);
        wr64(c, vmcb + VMCB_EXITINFO1, 0);
        wr64(c, vmcb + VMCB_EXITINFO2, 0);
        emit_svm(c, CPU_EV_VMRUN_INVALID, (uint32_t)check, SVM_EXIT_INVALID, 0, 0, 0);
        return;   /* the host continues after VMRUN */
    }
    uint32_t v_intr = phys_read(c, vmcb + VMCB_V_INTR, 4);
    s->v_tpr = v_intr & V_INTR_TPR_MASK;
    s->v_irq = (v_intr & V_INTR_IRQ) != 0;
    s->v_prio = (v_intr >> 16) & 0xF;
    s->v_ign_tpr = (v_intr & V_INTR_IGN_TPR) != 0;
    s->v_masking = (v_intr & V_INTR_MASKING) != 0;
    s->v_vector = (uint8_t)phys_read(c, vmcb + VMCB_V_VECTOR, 1);
    s->host_if = (s->h_eflags & F_IF) != 0;
    uint64_t np = rd64(c, vmcb + VMCB_NP_ENABLE);
    s->np = np & 1;
    s->ncr3 = (uint32_t)(rd64(c, vmcb + VMCB_N_CR3) & ~0xFFFull);
    s->npse = (c->cr4 & CR4_PSE) != 0;   /* the host paging mode decides the nested table format */

    /* Load the guest. */
    seg_from_vmcb(c, S_ES, vmcb + VMCB_ES);
    seg_from_vmcb(c, S_CS, vmcb + VMCB_CS);
    seg_from_vmcb(c, S_SS, vmcb + VMCB_SS);
    seg_from_vmcb(c, S_DS, vmcb + VMCB_DS);
    dtr_from_vmcb(c, &c->gdtr, vmcb + VMCB_GDTR);
    dtr_from_vmcb(c, &c->idtr, vmcb + VMCB_IDTR);
    c->efer = rd64(c, vmcb + VMCB_EFER);
    c->cr4 = (uint32_t)rd64(c, vmcb + VMCB_CR4);
    c->cr3 = (uint32_t)rd64(c, vmcb + VMCB_CR3);
    c->cr0 = (uint32_t)rd64(c, vmcb + VMCB_CR0) | CR0_ET;
    c->dr[7] = rd64(c, vmcb + VMCB_DR7);
    c->dr[6] = rd64(c, vmcb + VMCB_DR6);
    uint32_t rflags = (uint32_t)rd64(c, vmcb + VMCB_RFLAGS);
    c->eflags_rest = (rflags & ~F_ARITH) | 2u;
    flags_set_arith(c, rflags);
    c->regs[R_ESP] = (uint32_t)rd64(c, vmcb + VMCB_RSP);
    c->regs[R_EAX] = (uint32_t)rd64(c, vmcb + VMCB_RAX);
    c->cr2 = (uint32_t)rd64(c, vmcb + VMCB_CR2);
    c->cpl = phys_read(c, vmcb + VMCB_CPL, 1) & 3;
    c->tsc_offset = s->h_tsc_offset + rd64(c, vmcb + VMCB_TSC_OFFSET);
    c->inhibit_irq = phys_read(c, vmcb + VMCB_INT_SHADOW, 4) & 1;
    uint32_t guest_rip = (uint32_t)rd64(c, vmcb + VMCB_RIP);

    world_switch_flush(c);   /* no ASID tagging: every world switch flushes (TLB_CONTROL honoured trivially) */
    c->gif = true;
    c->guest_mode = true;
    s->entered_at = c->cycles;
    c->deadline = 0;
    emit_svm(c, CPU_EV_VMRUN, vmcb, 0, 0, 0, 0);

    c->eip = guest_rip;
    c->eip_next = guest_rip;
    uint32_t inj = phys_read(c, vmcb + VMCB_EVENTINJ, 4);
    if (inj & EVT_V) {
        /* Inject the event through the guest IDT before its first instruction, whatever its IF. */
        uint32_t type = (inj >> 8) & 7, vec = inj & 0xFF;
        uint32_t err = phys_read(c, vmcb + VMCB_EVENTINJ + 4, 4);
        bool has_err = (inj & EVT_EV) != 0;
        phys_write(c, vmcb + VMCB_EVENTINJ, 4, inj & ~EVT_V);
        c->delivering = (int)vec;
        c->deliver_info = inj & (0x7FFu | EVT_EV);   /* EXITINTINFO keeps EV: a re-injected #PF pushes its error code */
        c->deliver_error = err;
        cpu_deliver(c, (int)vec, err, has_err && type == EVT_EXC, type == EVT_SOFT ? DELIVER_SOFT : DELIVER_EXTERNAL, guest_rip);
        c->delivering = -1;
        c->eip_next = c->eip;
    }
}

/* ---- #VMEXIT (APM vol. 2 §15.6) ---- */

void svm_vmexit(cpu *c, uint64_t code, uint64_t info1, uint64_t info2) {
    cpu_svm *s = c->svm;
    uint32_t vmcb = s->vmcb;
    wr64(c, vmcb + VMCB_EXITCODE, code);
    wr64(c, vmcb + VMCB_EXITINFO1, info1);
    wr64(c, vmcb + VMCB_EXITINFO2, info2);
    uint64_t intinfo = 0;
    if (c->delivering >= 0)
        intinfo = (uint64_t)(c->deliver_info | EVT_V) | ((uint64_t)c->deliver_error << 32);
    wr64(c, vmcb + VMCB_EXITINTINFO, intinfo);
    phys_write(c, vmcb + VMCB_EVENTINJ, 4, phys_read(c, vmcb + VMCB_EVENTINJ, 4) & ~EVT_V);
    phys_write(c, vmcb + VMCB_INT_SHADOW, 4, (phys_read(c, vmcb + VMCB_INT_SHADOW, 4) & ~1u) | (c->inhibit_irq ? 1u : 0u));
    uint32_t v_intr = phys_read(c, vmcb + VMCB_V_INTR, 4);
    v_intr = (v_intr & ~(V_INTR_TPR_MASK | V_INTR_IRQ)) | s->v_tpr | (s->v_irq ? V_INTR_IRQ : 0u);
    phys_write(c, vmcb + VMCB_V_INTR, 4, v_intr);
    /* Save the guest. */
    seg_to_vmcb(c, S_ES, vmcb + VMCB_ES);
    seg_to_vmcb(c, S_CS, vmcb + VMCB_CS);
    seg_to_vmcb(c, S_SS, vmcb + VMCB_SS);
    seg_to_vmcb(c, S_DS, vmcb + VMCB_DS);
    dtr_to_vmcb(c, &c->gdtr, vmcb + VMCB_GDTR);
    dtr_to_vmcb(c, &c->idtr, vmcb + VMCB_IDTR);
    phys_write(c, vmcb + VMCB_CPL, 1, (uint32_t)c->cpl);
    wr64(c, vmcb + VMCB_EFER, c->efer);
    wr64(c, vmcb + VMCB_CR4, c->cr4);
    wr64(c, vmcb + VMCB_CR3, c->cr3);
    wr64(c, vmcb + VMCB_CR0, c->cr0);
    wr64(c, vmcb + VMCB_DR7, c->dr[7]);
    wr64(c, vmcb + VMCB_DR6, c->dr[6]);
    wr64(c, vmcb + VMCB_RFLAGS, cpu_get_eflags(c));
    wr64(c, vmcb + VMCB_RIP, c->eip);
    wr64(c, vmcb + VMCB_RSP, c->regs[R_ESP]);
    wr64(c, vmcb + VMCB_RAX, c->regs[R_EAX]);
    wr64(c, vmcb + VMCB_CR2, c->cr2);
    /* Restore the host. */
    for (int k = 0; k < 4; k++) {
        c->seg[k] = s->h_seg[k];
        seg_update_flat(c, k);
    }
    c->gdtr = s->h_gdtr;
    c->idtr = s->h_idtr;
    c->efer = s->h_efer;
    c->cr0 = s->h_cr0 | CR0_PE;
    c->cr3 = s->h_cr3;
    c->cr4 = s->h_cr4;
    c->eflags_rest = (s->h_eflags & ~F_ARITH) | 2u;
    flags_set_arith(c, s->h_eflags);
    c->regs[R_ESP] = s->h_esp;
    c->regs[R_EAX] = s->h_eax;
    c->eip = s->h_eip;
    c->eip_next = s->h_eip;
    c->cpl = 0;
    c->dr[7] = 0x400;
    c->tsc_offset = s->h_tsc_offset;
    c->gif = false;
    c->guest_mode = false;
    c->inhibit_irq = 0;
    c->delivering = -1;
    c->halted = false;
    world_switch_flush(c);
    c->cycles += c->cost[COST_VMEXIT];
    c->deadline = 0;
    emit_svm(c, CPU_EV_VMEXIT, vmcb, code, info1, info2, c->cycles - s->entered_at);
}

/* An intercepted instruction or memory access: abandon the instruction and exit through the run
 * loop (which rolls the guest back to the start of the instruction). */
void svm_intercept(cpu *c, uint64_t code, uint64_t info1, uint64_t info2) {
    c->svm->pend_code = code;
    c->svm->pend_info1 = info1;
    c->svm->pend_info2 = info2;
    cpu_raise(c, VEC_SVM_EXIT, 0, false);
}

bool svm_exception_intercepted(cpu *c, int vector) {
    return c->guest_mode && vector < 32 && (c->svm->exc & (1u << vector));
}

/* Interrupts at an instruction boundary in guest mode (APM vol. 2 §15.21, virtual interrupts). */
bool svm_boundary(cpu *c) {
    cpu_svm *s = c->svm;
    bool guest_if = (c->eflags_rest & F_IF) != 0;
    if (c->intr_line && c->gif && (s->vec3 & V3_INTR)) {
        bool allowed = s->v_masking ? s->host_if : guest_if;
        if (allowed && !c->inhibit_irq) {
            svm_vmexit(c, SVM_EXIT_INTR, 0, 0);   /* the host acknowledges the PIC itself */
            return true;
        }
    }
    if (s->v_irq && c->gif && guest_if && !c->inhibit_irq && (s->v_ign_tpr || s->v_prio > s->v_tpr)) {
        if (s->vec3 & V3_VINTR) {
            svm_vmexit(c, SVM_EXIT_VINTR, 0, 0);
            return true;
        }
        s->v_irq = false;
        c->halted = false;
        c->delivering = s->v_vector;
        c->deliver_info = s->v_vector;
        c->deliver_error = 0;
        cpu_emit(c, CPU_EV_INTERRUPT, s->v_vector, 0, false, 1);
        cpu_deliver(c, s->v_vector, 0, false, DELIVER_EXTERNAL, c->eip);
        c->delivering = -1;
        return true;
    }
    return false;
}

/* ---- I/O and MSR permission maps ---- */

void svm_io_check(cpu *c, uint16_t port, int size, bool in, bool str, bool rep, bool a16) {
    if (!c->guest_mode || !(c->svm->vec3 & V3_IOIO)) return;
    bool hit = false;
    for (int k = 0; k < size; k++) {
        uint32_t p = (uint32_t)port + (uint32_t)k;   /* may run into the third IOPM page */
        if (phys_read(c, c->svm->iopm + p / 8, 1) & (1u << (p % 8))) hit = true;
    }
    if (!hit) return;
    uint64_t info = ((uint64_t)port << 16) | (in ? IOIO_IN : 0u) | (str ? IOIO_STR : 0u) | (rep ? IOIO_REP : 0u) |
                    (size == 1 ? IOIO_SZ8 : size == 2 ? IOIO_SZ16 : IOIO_SZ32) | (a16 ? IOIO_A16 : IOIO_A32);
    svm_intercept(c, SVM_EXIT_IOIO, info, c->eip_next);
}

void svm_msr_check(cpu *c, uint32_t msr, bool write) {
    if (!c->guest_mode || !(c->svm->vec3 & V3_MSR)) return;
    uint32_t base;
    if (msr <= 0x1FFF) base = 0;
    else if (msr >= 0xC0000000u && msr <= 0xC0001FFFu) base = 0x800;
    else if (msr >= 0xC0010000u && msr <= 0xC0011FFFu) base = 0x1000;
    else svm_intercept(c, SVM_EXIT_MSR, write, 0);   /* outside the map: always intercepted */
    uint32_t bit = (msr & 0x1FFF) * 2 + (write ? 1 : 0);
    if (phys_read(c, c->svm->msrpm + base + bit / 8, 1) & (1u << (bit % 8))) svm_intercept(c, SVM_EXIT_MSR, write, 0);
}

bool svm_rdmsr(cpu *c, uint32_t msr, uint64_t *v) {
    if (msr == MSR_VM_CR) *v = 0;
    else if (msr == MSR_VM_HSAVE_PA) *v = c->svm->hsave_pa;
    else return false;
    return true;
}

bool svm_wrmsr(cpu *c, uint32_t msr, uint64_t v) {
    if (msr == MSR_VM_CR) return true;   /* writes ignored: SVM is never disabled or locked */
    if (msr == MSR_VM_HSAVE_PA) {
        if ((v & 0xFFF) || (v >> 32)) RAISE_GP0(c);
        c->svm->hsave_pa = (uint32_t)v;
        return true;
    }
    return false;
}

/* ---- the instructions: 0F 01 D8-DF ---- */

static void vmload_vmsave(cpu *c, bool load) {
    uint32_t vmcb = c->regs[R_EAX];
    static const struct { int seg; uint32_t off; } segs[] = {
        { S_FS, VMCB_FS }, { S_GS, VMCB_GS }, { S_TR, VMCB_TR }, { S_LDTR, VMCB_LDTR },
    };
    for (size_t k = 0; k < 4; k++) {
        if (load) seg_from_vmcb(c, segs[k].seg, vmcb + segs[k].off);
        else seg_to_vmcb(c, segs[k].seg, vmcb + segs[k].off);
    }
    if (load) {
        for (int k = 0; k < 3; k++) c->msr_sysenter[k] = rd64(c, vmcb + VMCB_SYSENTER_CS + 8u * (uint32_t)k);
    } else {
        /* no SYSCALL on this 32-bit CPU: STAR..SFMASK and KernelGsBase read as 0 */
        for (uint32_t off = VMCB_STAR; off <= VMCB_KGSBASE; off += 8) wr64(c, vmcb + off, 0);
        for (int k = 0; k < 3; k++) wr64(c, vmcb + VMCB_SYSENTER_CS + 8u * (uint32_t)k, c->msr_sysenter[k]);
    }
}

void op_svm(cpu *c, const cpu_insn *i) {
    switch (i->rm) {
    case 0: /* VMRUN */
        svm_insn_checks(c, V4_BIT_VMRUN, true);
        vmrun(c);
        return;
    case 1: /* VMMCALL: only meaningful when intercepted */
        if (c->guest_mode && (c->svm->vec4 & V4_VMMCALL)) svm_intercept(c, SVM_EXIT_VMMCALL, 0, 0);
        RAISE(c, EXC_UD);
    case 2: /* VMLOAD */
        svm_insn_checks(c, V4_BIT_VMLOAD, true);
        vmload_vmsave(c, true);
        return;
    case 3: /* VMSAVE */
        svm_insn_checks(c, V4_BIT_VMSAVE, true);
        vmload_vmsave(c, false);
        return;
    case 4: /* STGI */
        svm_insn_checks(c, V4_BIT_STGI, false);
        c->gif = true;
        c->deadline = 0;
        return;
    case 5: /* CLGI */
        svm_insn_checks(c, V4_BIT_CLGI, false);
        c->gif = false;
        return;
    case 7: /* INVLPGA: the subset flushes the page for every ASID */
        if (!(c->efer & EFER_SVME)) RAISE(c, EXC_UD);
        if (c->cpl != 0) RAISE_GP0(c);
        svm_check3(c, V3_BIT_INVLPGA);
        tlb_flush_page(c, c->regs[R_EAX]);
        return;
    default: /* SKINIT and the rest: not in the subset */
        RAISE(c, EXC_UD);
    }
}
