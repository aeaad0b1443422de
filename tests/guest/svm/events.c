/* svm-reference: qemu
 * Event injection (EVENTINJ): an external interrupt, an exception with error code and a software
 * interrupt, delivered through the guest IDT before the first guest instruction; an injection
 * whose delivery is intercepted reports it in EXITINTINFO. Virtual interrupts: V_IRQ delivery,
 * masking by guest IF, V_TPR priority, the VINTR intercept. The INTR intercept with the PIT.
 * Comparison masks (README.md): EVENTINJ after #VMEXIT is compared by bit 31 only; EXITINTINFO only when valid. */
#include "vx/svm.h"

static svm_vmcb vmcb __attribute__((aligned(4096)));
static uint8_t stack[4096] __attribute__((aligned(16)));

/* Guest handlers: EBX = vector, ECX and EDX = the top two words of the interrupt frame. */
SVM_GUEST(g_handlers,
    ".globl g_h30\n g_h30: movl $0x30, %ebx\n jmp 2f\n"
    ".globl g_h31\n g_h31: movl $0x31, %ebx\n jmp 2f\n"
    ".globl g_h0d\n g_h0d: movl $0x0d, %ebx\n jmp 2f\n"
    ".globl g_h50\n g_h50: movl $0x50, %ebx\n jmp 2f\n"
    "2: movl (%esp), %ecx\n movl 4(%esp), %edx\n vmmcall\n 1: jmp 1b\n"
    /* injection target; the virtual-interrupt guest: VMMCALL with IF=0 (pending), then STI; NOP */
    ".globl g_main\n g_main: nop\n nop\n vmmcall\n 1: jmp 1b\n"
    ".globl g_vintr\n g_vintr: cli\n vmmcall\n sti\n nop\n movl $0x99, %ebx\n vmmcall\n 1: jmp 1b\n"
    ".globl g_spin\n g_spin: 1: jmp 1b");
extern char g_h30[], g_h31[], g_h0d[], g_h50[], g_main[], g_vintr[], g_spin[];

static void show_regs(const char *name, const svm_gprs *g, const void *base)
{
    uint32_t b = (uint32_t)(uintptr_t)base;
    printf("%s: handler=%#x frame[0]=%#x frame[1]=%#x eventinj.v=%u v_irq=%u\n", name, (unsigned)g->ebx,
           (unsigned)(g->ecx >= b && g->ecx < b + 0x100 ? g->ecx - b : g->ecx),
           (unsigned)(g->edx >= b && g->edx < b + 0x100 ? g->edx - b : g->edx),
           (unsigned)(vmcb_r32(&vmcb, VMCB_EVENTINJ) >> 31), (unsigned)((vmcb_r32(&vmcb, VMCB_V_INTR) >> 8) & 1));
}

static void inject(const char *name, uint32_t event, uint32_t error)
{
    svm_guest_init(&vmcb, g_main, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_EVENTINJ, event);
    vmcb_w32(&vmcb, VMCB_EVENTINJ + 4, error);
    vmcb_w32(&vmcb, VMCB_EXC, 1u << 11);   /* #NP: a not-present gate */
    svm_gprs g = { 0, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    if ((uint32_t)vmcb_r64(&vmcb, VMCB_EXITCODE) == SVM_EXIT_EXC(11)) {
        /* QEMU never sets the EXT bit (bit 0) of an error code; vx86 and hardware do for an
         * injected external interrupt: compare it on vx86 only */
        printf("~%s: error code EXT=%u\n", name, (unsigned)(vmcb_r64(&vmcb, VMCB_EXITINFO1) & 1));
        vmcb_w64(&vmcb, VMCB_EXITINFO1, vmcb_r64(&vmcb, VMCB_EXITINFO1) & ~1ull);
    }
    svm_report(name, &vmcb, g_handlers);
    show_regs(name, &g, g_main);
}

static void vintr(const char *name, uint32_t v_intr, uint32_t vec3)
{
    svm_guest_init(&vmcb, g_vintr, stack + sizeof stack);
    vmcb_w64(&vmcb, VMCB_RFLAGS, 2);   /* IF=0 until the guest's STI */
    vmcb_w32(&vmcb, VMCB_V_INTR, v_intr);
    vmcb_w32(&vmcb, VMCB_V_VECTOR, 0x50);
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | vec3);
    svm_gprs g = { 0, 0, 0, 0, 0, 0 };
    svm_run(&vmcb, &g);
    svm_report(name, &vmcb, g_handlers);
    show_regs(name, &g, g_vintr);
    svm_skip(&vmcb, 3);
    g.ebx = 0;
    svm_run(&vmcb, &g);
    svm_report(name, &vmcb, g_handlers);
    if ((uint32_t)vmcb_r64(&vmcb, VMCB_EXITCODE) == SVM_EXIT_VMMCALL)
        show_regs(name, &g, g_vintr);
}

int main(void)
{
    svm_host_init();
    svm_guest_gate(0x30, g_h30);
    svm_guest_gate(0x31, g_h31);
    svm_guest_gate(0x0d, g_h0d);
    svm_guest_gate(0x50, g_h50);
    /* a gate with P=0: delivering 0x32 raises #NP(0x32 * 8 + 2 | EXT) */
    svm_guest_idt[0x32] = (uint64_t)SEL_CODE << 16 | (uint64_t)0x0E << 40;

    inject("inject_intr", EVT_V | EVT_TYPE(EVT_INTR) | 0x30, 0);
    inject("inject_exc_err", EVT_V | EVT_TYPE(EVT_EXC) | EVT_EV | 0x0d, 0x1234);
    inject("inject_soft", EVT_V | EVT_TYPE(EVT_SOFT) | 0x31, 0);
    inject("inject_not_present", EVT_V | EVT_TYPE(EVT_INTR) | 0x32, 0);

    /* V_IRQ with V_IGN_TPR and V_INTR_MASKING: held while guest IF=0, delivered after STI */
    vintr("virq", (1u << 8) | (1u << 20) | (1u << 24), 0);
    /* priority: V_INTR_PRIO 3 below V_TPR 5 stays pending; 6 above it is delivered */
    vintr("virq_tpr_low", (1u << 8) | (3u << 16) | 5u | (1u << 24), 0);
    vintr("virq_tpr_high", (1u << 8) | (6u << 16) | 5u | (1u << 24), 0);
    /* the VINTR intercept: exit 0x64 instead of delivery */
    vintr("vintr_intercept", (1u << 8) | (1u << 20) | (1u << 24), V3_VINTR);

    /* INTR intercept: the PIT (IRQ0) fires while the guest spins; with V_INTR_MASKING the host's
     * IF (1 at VMRUN, under GIF=0) gates it. The host takes it after STGI. */
    svm_guest_init(&vmcb, g_spin, stack + sizeof stack);
    vmcb_w32(&vmcb, VMCB_VEC3, vmcb_r32(&vmcb, VMCB_VEC3) | V3_INTR);
    vmcb_w32(&vmcb, VMCB_V_INTR, 1u << 24);
    svm_pit_periodic(1193);   /* 1 kHz */
    svm_pic_init(0xFE);
    svm_gprs g = { 0, 0, 0, 0, 0, 0 };
    __asm__ volatile("clgi\n sti" ::: "memory");
    svm_run(&vmcb, &g);
    svm_report("intr", &vmcb, g_handlers);
    uint32_t before = svm_timer_ticks;
    __asm__ volatile("stgi\n nop\n cli" ::: "memory");
    svm_pic_init(0xFF);
    /* How many ticks arrive between STGI and CLI is virtual time on vx86 (exactly one) but host
     * time on QEMU, where a loaded host delivers a burst: the count is vx86-only ("~"). */
    printf("~intr: host ticks %u -> %u\n", (unsigned)before, (unsigned)svm_timer_ticks);
    printf("intr: the host took the timer interrupt after STGI: %s\n", svm_timer_ticks > before ? "yes" : "no");
    return svm_done("events");
}
