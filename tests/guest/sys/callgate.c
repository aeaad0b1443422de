/* Call gates (SDM Vol. 3 §5.8.3-5.8.6): a far CALL from ring 3 through a DPL-3 gate to ring 0,
 * with the stack switch from the TSS and the gate's two parameters copied to the new stack;
 * RETF imm16 back to the outer ring, dropping the parameters from both stacks; a ring-0 call
 * through the same kind of gate without a stack switch; and the #GP cases: a gate whose DPL is
 * below the caller's CPL, and a far JMP through a gate to a more privileged ring. */
#include "lib/sys.h"

#define GATE_USER   (GDT_FIRST_SPARE + 0)   /* DPL 3 gate -> ring-0 code, 2 parameters */
#define GATE_KERNEL (GDT_FIRST_SPARE + 1)   /* DPL 0 gate -> ring-0 code, 2 parameters */

volatile uint32_t gate_cs, gate_ss, gate_p1, gate_p2, gate_old_ss, gate_old_esp_delta;

/* The gate's target, at ring 0: the new stack holds EIP, CS, the two copied parameters and, after
 * a privilege change, the caller's ESP and SS. It returns p1 + p2 with RETF 8. */
extern char gate_target[];
__asm__(".text\n.globl gate_target\ngate_target:\n"
        "  movl %cs, %eax\n  movl %eax, gate_cs\n"
        "  movl %ss, %eax\n  movl %eax, gate_ss\n"
        "  movl 8(%esp), %eax\n  movl %eax, gate_p1\n"
        "  movl 12(%esp), %eax\n  movl %eax, gate_p2\n"
        "  movl 20(%esp), %eax\n  movl %eax, gate_old_ss\n"
        "  movl gate_p1, %eax\n  addl gate_p2, %eax\n"
        "  lret $8\n");

static void set_call_gate(int slot, uint16_t target_sel, uint32_t offset, int dpl, int params)
{
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    volatile uint32_t *d = (volatile uint32_t *)(uintptr_t)(gdtr.base + (uint32_t)slot * 8);
    d[0] = (offset & 0xFFFF) | ((uint32_t)target_sel << 16);
    d[1] = (offset & 0xFFFF0000u) | 0x8000u | ((uint32_t)dpl << 13) | (0xCu << 8) | ((uint32_t)params & 0x1F);
}

/* lcall through selector `sel` with the parameters 1 and 2 pushed; returns the sum the target
 * computed, plus 0x100 if ESP afterwards equals ESP before the pushes (RETF 8 dropped them). */
static uint32_t far_call(uint32_t sel)
{
    struct { uint32_t offset; uint16_t sel; } __attribute__((packed)) target = { 0, (uint16_t)sel };
    uint32_t sum, before, after;
    __asm__ volatile("movl %%esp, %1\n\t"
                     "pushl $20\n\t"
                     "pushl $22\n\t"
                     "lcall *%3\n\t"
                     "movl %%esp, %2"
                     : "=a"(sum), "=&r"(before), "=&r"(after)
                     : "m"(target)
                     : "memory", "ecx", "edx");
    return sum + (before == after ? 0x100u : 0);
}

static uint32_t user_call_gate(uint32_t sel) { return far_call(sel); }

static uint32_t user_call_denied(uint32_t sel)
{
    struct { uint32_t offset; uint16_t sel; } __attribute__((packed)) target = { 0, (uint16_t)sel };
    SYS_PROBE("lcall *%0", : : "m"(target) : "memory");
    return (uint32_t)sys_last.vector << 16 | (sys_last.error & 0xFFFF);
}

static uint32_t user_jmp_denied(uint32_t sel)
{
    struct { uint32_t offset; uint16_t sel; } __attribute__((packed)) target = { 0, (uint16_t)sel };
    SYS_PROBE("ljmp *%0", : : "m"(target) : "memory");
    return (uint32_t)sys_last.vector << 16 | (sys_last.error & 0xFFFF);
}

int main(void)
{
    sys_init();
    set_call_gate(GATE_USER, SEL_KCODE, (uint32_t)(uintptr_t)gate_target, 3, 2);
    set_call_gate(GATE_KERNEL, SEL_KCODE, (uint32_t)(uintptr_t)gate_target, 0, 2);
    uint16_t user_gate = (uint16_t)(GATE_USER * 8 | 3), kernel_gate = (uint16_t)(GATE_KERNEL * 8);

    uint32_t r = sys_run_user(user_call_gate, user_gate, 0);
    printf("ring 3 -> DPL3 gate: target CPL %u, SS %#x (the TSS ring-0 stack), params %u %u, sum %u, "
           "caller's SS was %#x, parameters dropped on return: %s\n",
           (unsigned)(gate_cs & 3), (unsigned)gate_ss, (unsigned)gate_p1, (unsigned)gate_p2,
           (unsigned)(r & 0xFF), (unsigned)gate_old_ss, (r & 0x100) ? "yes" : "no");

    r = far_call(kernel_gate);
    printf("ring 0 -> DPL0 gate: target CPL %u, SS %#x (no stack switch), params %u %u, sum %u, "
           "parameters dropped on return: %s\n",
           (unsigned)(gate_cs & 3), (unsigned)gate_ss, (unsigned)gate_p1, (unsigned)gate_p2,
           (unsigned)(r & 0xFF), (r & 0x100) ? "yes" : "no");

    r = sys_run_user(user_call_denied, kernel_gate | 3, 0);
    printf("ring 3 -> DPL0 gate: %s error %#x (the gate selector)\n", sys_vector_name((int)(r >> 16)),
           (unsigned)(r & 0xFFFF));
    r = sys_run_user(user_jmp_denied, user_gate, 0);
    printf("ring 3 JMP through a gate to ring 0: %s error %#x (the code selector)\n",
           sys_vector_name((int)(r >> 16)), (unsigned)(r & 0xFFFF));
    return 0;
}
