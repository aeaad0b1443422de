/* svm-reference: bochs
 * "Hello hypervisor": two guests run round-robin on the PIT timer (INTR intercept), both with
 * nested paging (4 MiB identity pages), each printing through an intercepted serial port
 * (IOIO on 0x3F8) that the hypervisor forwards line by line. At the end the host prints an
 * exit-reason histogram. The interleaving and the counts depend on timing, so they are "~" lines
 * (vx86 only, where they are deterministic); references compare each guest's text, which the
 * host prints again per guest at the end. */
#include "vx/svm.h"
#include "devices/uart_abi.h"

#define GUESTS 2
#define LINES 3

static svm_vmcb vmcbs[GUESTS] __attribute__((aligned(4096)));
static uint8_t stacks[GUESTS][4096] __attribute__((aligned(16)));
static uint32_t npt_pd[1024] __attribute__((aligned(4096)));

/* Guest code: ordinary C in the same image, run under nested paging at ring 0. It only talks to
 * the (intercepted) UART data port and ends with VMMCALL. */
__attribute__((noinline, noreturn)) static void guest_main(const char *name)
{
    for (int line = 0; line < LINES; line++) {
        char text[48];
        int n = snprintf(text, sizeof text, "%s: hello hypervisor %d\n", name, line);
        for (int k = 0; k < n; k++) {
            outb(UART_COM1_BASE + UART_THR, (uint8_t)text[k]);
            for (volatile int spin = 0; spin < 2000; spin++)
                ;
        }
    }
    for (;;)
        __asm__ volatile("vmmcall");
}

struct guest {
    svm_vmcb *vmcb;
    svm_gprs regs;
    char line[64];
    unsigned len;
    char text[LINES * 64];   /* everything it printed, shown again at the end */
    unsigned text_len;
    bool done;
};

static unsigned histogram[0x401];

static void hist_add(uint32_t code)
{
    histogram[code <= 0x400 ? code : 0x400]++;
}

int main(void)
{
    static const char *const names[GUESTS] = { "guest A", "guest B" };
    static struct guest guests[GUESTS];
    svm_host_init();
    svm_host_paging_on();
    npt_map_4m(npt_pd);
    svm_maps_clear();
    svm_iopm_set(UART_COM1_BASE + UART_THR);
    for (int k = 0; k < GUESTS; k++) {
        struct guest *g = &guests[k];
        g->vmcb = &vmcbs[k];
        uint32_t *sp = (uint32_t *)(stacks[k] + sizeof stacks[k]) - 2;
        sp[0] = 0;                                 /* return address: never used */
        sp[1] = (uint32_t)(uintptr_t)names[k];     /* the argument */
        svm_guest_init(g->vmcb, (const void *)guest_main, sp);
        vmcb_w32(g->vmcb, VMCB_ASID, (uint32_t)k + 1);
        vmcb_w32(g->vmcb, VMCB_VEC3, vmcb_r32(g->vmcb, VMCB_VEC3) | V3_INTR | V3_IOIO);
        vmcb_w32(g->vmcb, VMCB_V_INTR, 1u << 24);   /* V_INTR_MASKING: host IF gates INTR */
        npt_enable(g->vmcb, npt_pd);
    }
    svm_pit_periodic(119);   /* about 10 kHz */
    svm_pic_init(0xFE);

    unsigned switches = 0, running = GUESTS;
    int cur = 0;
    while (running > 0) {
        struct guest *g = &guests[cur];
        __asm__ volatile("clgi\n sti" ::: "memory");
        svm_run(g->vmcb, &g->regs);
        /* take the pending timer interrupt in the host, if any, then mask again */
        __asm__ volatile("stgi\n nop\n cli" ::: "memory");
        uint32_t code = (uint32_t)vmcb_r64(g->vmcb, VMCB_EXITCODE);
        hist_add(code);
        bool next = false;
        if (code == SVM_EXIT_IOIO) {
            char c = (char)vmcb_r64(g->vmcb, VMCB_RAX);
            if (g->len < sizeof g->line - 1)
                g->line[g->len++] = c;
            if (c == '\n') {
                g->line[g->len] = '\0';
                /* live, in the order the schedule gives: vx86 only */
                printf("~%s", g->line);
                if (g->text_len + g->len < sizeof g->text) {
                    memcpy(g->text + g->text_len, g->line, g->len + 1);
                    g->text_len += g->len;
                }
                g->len = 0;
            }
            vmcb_w64(g->vmcb, VMCB_RIP, vmcb_r64(g->vmcb, VMCB_EXITINFO2));
        } else if (code == SVM_EXIT_INTR) {
            next = true;
        } else if (code == SVM_EXIT_VMMCALL) {
            g->done = true;
            running--;
            next = true;
        } else {
            svm_report("unexpected exit", g->vmcb, NULL);
            break;
        }
        if (next && running > 0) {
            int k = cur;
            do
                k = (k + 1) % GUESTS;
            while (guests[k].done);
            switches += k != cur;
            cur = k;
        }
    }
    svm_pic_init(0xFF);
    printf("hypervisor: all guests done\n");
    for (int k = 0; k < GUESTS; k++)
        printf("%s", guests[k].text);
    printf("~hypervisor: %u switches, %u timer ticks\n", switches, (unsigned)svm_timer_ticks);
    printf("~exit histogram:\n");
    for (uint32_t code = 0; code <= 0x400; code++)
        if (histogram[code])
            printf("~  %#5x %-8s %u\n", (unsigned)code,
                   code == SVM_EXIT_IOIO ? "ioio" : code == SVM_EXIT_INTR ? "intr" :
                   code == SVM_EXIT_VMMCALL ? "vmmcall" : "other", histogram[code]);
    return svm_done("hello");
}
