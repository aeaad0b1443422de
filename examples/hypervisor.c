/* Hello, hypervisor: two virtual machines take turns on one CPU with AMD SVM.
 *
 *   build/vx86 run build/examples/hypervisor.elf
 *   build/vx86 run build/examples/hypervisor.elf --trace t.jsonl --trace-chrome t.json
 *   build/vx86 run build/examples/hypervisor.elf --cmdline broken --explain
 *
 * With "broken", VM 2's VMCB leaves the guest's EFER.SVME clear, which VMRUN refuses (APM vol. 2
 * §15.5.1, "canonicalization and consistency checks"): #VMEXIT with VMEXIT_INVALID, and vx86's
 * --explain names the check that failed.
 *
 * This program is the host. Each guest is a C function in the same image (physical = virtual,
 * no nested paging), run by VMRUN with its own VMCB (AMD APM vol. 2 §15.5). The guests cannot
 * print by themselves: their OUT to the serial port is intercepted (IOIO, §15.10.2) and the
 * host prints the byte, prefixed with the VM's name at each line start. After each line a guest
 * gives the CPU back with VMMCALL (§15.31) and the host runs the other one; HLT ends a guest.
 * The trace shows every VMRUN and #VMEXIT; in Perfetto each VM is a process whose "guest"
 * slices show when it ran. */
#include "vxlib.h"
#include "vx/io.h"

#include "arch/svm.h"
#include "arch/x86.h"
#include "devices/probe_abi.h"
#include "devices/uart_abi.h"

#define VMS        2
#define LINES      3
#define COM1_DATA  (UART_COM1_BASE + UART_THR)
#define VMMCALL_BYTES 3   /* 0F 01 D9: without NRIP support the host steps over it itself */

/* ---- the guests ---- */

/* What runs inside a VM: three lines out of the serial port, a VMMCALL after each. */
__attribute__((noreturn)) static void guest_main(int id)
{
    for (int line = 0; line < LINES; line++) {
        char text[48];
        int n = snprintf(text, sizeof text, "hello from VM %d, line %d\n", id, line + 1);
        for (int k = 0; k < n; k++)
            outb(COM1_DATA, (uint8_t)text[k]);   /* intercepted: the host prints it */
        __asm__ volatile("vmmcall");             /* your turn */
    }
    for (;;)
        __asm__ volatile("hlt");                 /* intercepted: this VM is done */
}

/* ---- the host's data: one VMCB and one stack per VM, the host save area, the I/O map ---- */

typedef uint8_t vmcb_t[VMCB_SIZE];
static vmcb_t vmcbs[VMS] __attribute__((aligned(4096)));
static uint8_t stacks[VMS][4096] __attribute__((aligned(16)));
static uint8_t host_save[4096] __attribute__((aligned(4096)));
static uint8_t iopm[3 * 4096] __attribute__((aligned(4096)));   /* one bit per port */
static uint8_t msrpm[2 * 4096] __attribute__((aligned(4096)));  /* all clear: no MSR exits */

/* The registers VMRUN leaves alone (it switches EAX, ESP, EIP, flags, segments and control
 * registers, §15.5.1): the host swaps them itself around VMRUN. */
struct gprs {
    uint32_t ebx, ecx, edx, esi, edi, ebp;
};

struct vm {
    vmcb_t *vmcb;
    struct gprs regs;
    bool at_line_start, done;
};

static struct vm vms[VMS];

static void vmcb_w16(vmcb_t *v, unsigned off, uint16_t x) { memcpy(&(*v)[off], &x, 2); }
static void vmcb_w32(vmcb_t *v, unsigned off, uint32_t x) { memcpy(&(*v)[off], &x, 4); }
static void vmcb_w64(vmcb_t *v, unsigned off, uint64_t x) { memcpy(&(*v)[off], &x, 8); }
static uint64_t vmcb_r64(vmcb_t *v, unsigned off)
{
    uint64_t x;
    memcpy(&x, &(*v)[off], 8);
    return x;
}

/* vm_run(vmcb, regs): load the guest's registers, VMRUN, and store them back at #VMEXIT. */
void vm_run(vmcb_t *vmcb, struct gprs *regs);
__asm__(".text\n"
        ".globl vm_run\n"
        "vm_run:\n"
        "pushl %ebp\n pushl %ebx\n pushl %esi\n pushl %edi\n"
        "movl 24(%esp), %edi\n"          /* regs */
        "pushl %edi\n"                   /* kept on the host stack across the run */
        "movl 24(%esp), %eax\n"          /* vmcb: VMRUN takes its physical address in EAX */
        "movl 0(%edi), %ebx\n movl 4(%edi), %ecx\n movl 8(%edi), %edx\n"
        "movl 12(%edi), %esi\n movl 20(%edi), %ebp\n movl 16(%edi), %edi\n"
        "vmrun\n"
        "xchgl %edi, (%esp)\n"           /* EDI = regs; the slot keeps the guest's EDI */
        "movl %ebx, 0(%edi)\n movl %ecx, 4(%edi)\n movl %edx, 8(%edi)\n"
        "movl %esi, 12(%edi)\n movl %ebp, 20(%edi)\n popl 16(%edi)\n"
        "popl %edi\n popl %esi\n popl %ebx\n popl %ebp\n"
        "ret\n");

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo | (uint64_t)hi << 32;
}

static void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

/* A VMCB segment record: selector, attributes (descriptor byte 5 in bits 7:0, the flags nibble
 * of byte 6 in 11:8), limit, base (APM vol. 2 table B-2). Flat 4 GiB, 32-bit, 4 KiB units. */
static void flat_segment(vmcb_t *v, unsigned off, uint16_t sel, unsigned access)
{
    vmcb_w16(v, off + VMCB_SEG_SEL, sel);
    vmcb_w16(v, off + VMCB_SEG_ATTR, (uint16_t)(access | 0xC00u));   /* G and D/B */
    vmcb_w32(v, off + VMCB_SEG_LIMIT, 0xFFFFFFFFu);
    vmcb_w64(v, off + VMCB_SEG_BASE, 0);
}

/* Name the VM in the trace (vx86's trace probe; QEMU and Bochs have none and read all ones). */
static void trace_vm_create(uint32_t vm, uint32_t asid, const char *name)
{
    if (inl(VX86_PROBE_PORT_MAGIC) != VX86_PROBE_MAGIC)
        return;
    static struct {
        vx86_probe_header h;
        vx86_probe_vm_create p;
    } record;
    memset(&record, 0, sizeof record);
    record.h.kind = VX86_PROBE_KIND_VM_CREATE;
    record.h.length = sizeof record.p;
    record.p.vm = vm;
    record.p.asid = asid;
    strncpy(record.p.name, name, sizeof record.p.name);
    outl(VX86_PROBE_PORT_RECORD, (uint32_t)(uintptr_t)&record);
}

/* A fresh VM: ring 0, flat segments sharing the host's GDT, paging off, starting in guest_main
 * on its own stack. ASID 0 is the host's: vms[id] is "VM id+1" and runs with ASID id + 1. */
static void vm_create(int id)
{
    struct vm *vm = &vms[id];
    vmcb_t *v = vm->vmcb = &vmcbs[id];
    memset(v, 0, sizeof *v);
    /* Intercepts: VMRUN (the CPU insists), VMMCALL, HLT, I/O (the map below), and SHUTDOWN so a
     * guest's triple fault ends that VM instead of the machine. */
    vmcb_w32(v, VMCB_VEC3, V3_IOIO | V3_HLT | V3_SHUTDOWN);
    vmcb_w32(v, VMCB_VEC4, V4_VMRUN | V4_VMMCALL);
    vmcb_w64(v, VMCB_IOPM, (uint32_t)(uintptr_t)iopm);
    vmcb_w64(v, VMCB_MSRPM, (uint32_t)(uintptr_t)msrpm);
    vmcb_w32(v, VMCB_ASID, (uint32_t)id + 1);

    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } gdtr;
    __asm__ volatile("sgdt %0" : "=m"(gdtr));
    uint16_t cs, ds;
    __asm__ volatile("movw %%cs, %0\n movw %%ds, %1" : "=r"(cs), "=r"(ds));
    flat_segment(v, VMCB_CS, cs, SEG_P | SEG_S | SEG_CODE | SEG_RW | 1);   /* 1: accessed */
    flat_segment(v, VMCB_SS, ds, SEG_P | SEG_S | SEG_RW | 1);
    flat_segment(v, VMCB_DS, ds, SEG_P | SEG_S | SEG_RW | 1);
    flat_segment(v, VMCB_ES, ds, SEG_P | SEG_S | SEG_RW | 1);
    vmcb_w32(v, VMCB_GDTR + VMCB_SEG_LIMIT, gdtr.limit);
    vmcb_w64(v, VMCB_GDTR + VMCB_SEG_BASE, gdtr.base);
    vmcb_w64(v, VMCB_EFER, EFER_SVME);          /* a guest EFER without SVME is refused */
    vmcb_w64(v, VMCB_CR0, CR0_PE | CR0_ET);
    vmcb_w64(v, VMCB_DR6, 0xFFFF0FF0u);         /* the architectural reset values */
    vmcb_w64(v, VMCB_DR7, 0x400);
    vmcb_w64(v, VMCB_G_PAT, 0x0007040600070406ull);
    vmcb_w64(v, VMCB_RFLAGS, 0x2);              /* bit 1 is always set; interrupts off */

    uint32_t *sp = (uint32_t *)(void *)(stacks[id] + sizeof stacks[id]) - 2;
    sp[0] = 0;            /* guest_main's return address: it never returns */
    sp[1] = (uint32_t)id + 1;   /* its argument: the VM's number, counted from 1 */
    vmcb_w64(v, VMCB_RIP, (uint32_t)(uintptr_t)guest_main);
    vmcb_w64(v, VMCB_RSP, (uint32_t)(uintptr_t)sp);
    vm->at_line_start = true;

    char name[16];
    snprintf(name, sizeof name, "VM %d", id + 1);
    trace_vm_create((uint32_t)id + 1, (uint32_t)id + 1, name);
}

/* Run a VM until it gives the CPU back; true when it has finished for good. */
static bool vm_turn(int id)
{
    struct vm *vm = &vms[id];
    for (;;) {
        vm_run(vm->vmcb, &vm->regs);
        uint64_t code = vmcb_r64(vm->vmcb, VMCB_EXITCODE);
        if (code == SVM_EXIT_IOIO) {
            /* The guest's OUT: AL is in the VMCB (RAX is switched), EXITINFO2 is the next RIP. */
            char c = (char)vmcb_r64(vm->vmcb, VMCB_RAX);
            if (vm->at_line_start)
                printf("[VM %d] ", id + 1);
            putchar(c);
            vm->at_line_start = c == '\n';
            vmcb_w64(vm->vmcb, VMCB_RIP, vmcb_r64(vm->vmcb, VMCB_EXITINFO2));
        } else if (code == SVM_EXIT_VMMCALL) {
            vmcb_w64(vm->vmcb, VMCB_RIP, vmcb_r64(vm->vmcb, VMCB_RIP) + VMMCALL_BYTES);
            return false;
        } else if (code == SVM_EXIT_INVALID) {
            printf("host: VMRUN refused VM %d's VMCB (VMEXIT_INVALID)\n", id + 1);
            return true;
        } else if (code == SVM_EXIT_HLT) {
            printf("host: VM %d halted\n", id + 1);
            return true;
        } else {
            printf("host: VM %d stopped with exit code %#llx\n", id + 1, (unsigned long long)code);
            return true;
        }
    }
}

int main(void)
{
    uint32_t eax, ebx, ecx, edx;
    __asm__ volatile("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(0x80000001u));
    if (!(ecx & (1u << 2))) {   /* CPUID Fn8000_0001 ECX bit 2: SVM */
        printf("host: this CPU has no SVM\n");
        return 1;
    }
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, (uint32_t)(uintptr_t)host_save);
    iopm[COM1_DATA / 8] |= (uint8_t)(1u << (COM1_DATA % 8));   /* intercept OUT to COM1 */

    for (int id = 0; id < VMS; id++)
        vm_create(id);
    if (strcmp(vx_cmdline_args(), "broken") == 0)
        vmcb_w64(vms[1].vmcb, VMCB_EFER, 0);   /* guest EFER.SVME = 0: an illegal guest state */
    printf("host: %d VMs, taking turns\n", VMS);
    int running = VMS;
    for (int id = 0; running > 0; id = (id + 1) % VMS) {
        if (!vms[id].done && vm_turn(id)) {
            vms[id].done = true;
            running--;
        }
    }
    printf("host: all VMs done\n");
    return 0;
}
