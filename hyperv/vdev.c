/* vdev.c: the devices a guest reaches by port I/O and by hypercall. Every port exits (IOPM all
 * ones), so a guest never touches a host device: what is not emulated here reads as all ones
 * and ignores writes, as an empty ISA bus does.
 *   COM1 (0x3F8-0x3FF)  a 16550 seen by polling drivers: THR bytes go to the VMM, RBR bytes come
 *                        from it (VM_CONSOLE_INPUT); one exit per byte.
 *   0xE9                 the debug console: bytes to the VMM, as COM1.
 *   0xF4                 the debug exit: ends the VM with the value written (vm exits with it).
 *   0xE80-0xE87          the trace probe: the guest's record is copied out of guest memory and
 *                        forwarded to the host's probe, task records tagged with the VM id.
 *   0x20-0x21, 0xA0-0xA1, 0x40-0x43  the 8259A pair and the 8254 (vpic.c).
 *   VMMCALL              the paravirtual console: one exit per buffer (compare COM1); the
 *                        snapshot point (VM_HC_SNAPSHOT: the VMM saves the VM, then runs it on).
 * VM_GET_DEVICES / VM_SET_DEVICES carry all of it (with vpic.c's part) for a snapshot. */
#include "kernel/kernel.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"
#include "devices/debugport_abi.h"
#include "kernel/labbug.h"
#include "devices/probe_abi.h"
#include "devices/uart_abi.h"
#include "arch/svm.h"
#include "hyperv/hv.h"

/* ---- COM1 ---- */

/* The UART's interrupt output, wired to IRQ 4 through OUT2 as on a PC: received data, when the
 * guest enabled that interrupt (transmit-empty interrupts are not modelled). */
int hv_uart_irq(struct vm *vm)
{
    struct vuart *u = &vm->uart;
    return (u->ier & IER_RDA) && (u->mcr & MCR_OUT2) && u->rx_head != u->rx_tail;
}
static uint32_t uart_in(struct vm *vm, uint32_t reg)
{
    struct vuart *u = &vm->uart;
    int dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case UART_RBR:
        if (dlab)
            return u->dll;
        if (u->rx_head == u->rx_tail)
            return 0;
        return u->rx[u->rx_tail++ % HV_RXBUF];
    case UART_IER: return dlab ? u->dlm : u->ier;
    case UART_IIR: return (hv_uart_irq(vm) ? IIR_RDA : IIR_NONE) | 0xC0;   /* FIFOs on */
    case UART_LCR: return u->lcr;
    case UART_MCR: return u->mcr;
    case UART_LSR: return LSR_THRE | LSR_TEMT | (u->rx_head != u->rx_tail ? LSR_DR : 0);
    case UART_MSR: return 0xB0;                       /* CTS, DSR, DCD: a cable is attached */
    default:       return u->scr;
    }
}

static int uart_out(struct vm *vm, uint32_t reg, uint8_t v)
{
    struct vuart *u = &vm->uart;
    int dlab = u->lcr & LCR_DLAB;
    switch (reg) {
    case UART_THR:
        if (dlab) {
            u->dll = v;
            return 0;
        }
        hv_out(vm, (const char *)&v, 1);
        hv_console_log(vm, (const char *)&v, 1);
        return 0;
    case UART_IER: if (dlab) u->dlm = v; else u->ier = v & 0x0F; return 0;
    case UART_FCR: if (v & FCR_CLEAR_RX) u->rx_tail = u->rx_head; return 0;
    case UART_LCR: u->lcr = v; return 0;
    case UART_MCR: u->mcr = v; return 0;
    case UART_SCR: u->scr = v; return 0;
    default: return 0;
    }
}

int hv_console_input(struct vm *vm, uint32_t ubuf, uint32_t len)
{
    struct vuart *u = &vm->uart;
    uint32_t n = 0;
    while (n < len && u->rx_head - u->rx_tail < HV_RXBUF) {
        uint8_t c;
        if (copyin(&c, ubuf + n, 1) < 0)
            return -EFAULT;
        u->rx[u->rx_head++ % HV_RXBUF] = c;
        n++;
    }
    if (n)
        hv_vcpu_kick(vm);
    return (int)n;
}

/* ---- the trace probe ----
 * A guest's record is at a guest-physical address: copied out of the VM's memory and handed to
 * the host's probe wrapped as VX86_PROBE_KIND_FORWARDED with the VM's id (devices/probe_abi.h),
 * since the OUT the host makes runs in the host's context. So every record of a kernel inside a
 * VM (task create/exit, switch, namespaces, cgroups ...) lands in the trace as that VM's. */
static struct {
    vx86_probe_header h;
    vx86_probe_forwarded f;
    uint8_t payload[VX86_PROBE_FORWARD_MAX_PAYLOAD];
} fwd __attribute__((aligned(16)));

static void probe_forward(struct vm *vm, uint32_t gpa)
{
    vx86_probe_header h;
    for (uint32_t i = 0; i < sizeof h; i++) {
        uint8_t *p = hv_gpa_ptr(vm, gpa + i);
        if (!p)
            return;
        ((uint8_t *)&h)[i] = *p;
    }
    if (h.length > VX86_PROBE_FORWARD_MAX_PAYLOAD)
        return;                                /* too long to wrap: dropped */
    for (uint32_t i = 0; i < h.length; i++) {
        uint8_t *p = hv_gpa_ptr(vm, gpa + sizeof h + i);
        if (!p)
            return;
        fwd.payload[i] = *p;
    }
    if (h.kind == VX86_PROBE_KIND_TASK_CREATE && h.length >= sizeof(vx86_probe_task_create)) {
        vx86_probe_task_create *tc = (void *)fwd.payload;
        tc->vm = (uint32_t)vm->id;             /* the task's own field says it too */
    }
    fwd.h.kind = VX86_PROBE_KIND_FORWARDED;
    fwd.h.length = (uint16_t)(sizeof fwd.f + h.length);
    fwd.f.vm = (uint32_t)vm->id;
    fwd.f.inner = h;
    outl(VX86_PROBE_PORT_RECORD, V2P(&fwd));
}

int hv_io_in(struct vm *vm, uint32_t port, uint32_t size, uint32_t *val)
{
    if (size == 1 && hv_pic_io(vm, port, 1, val))
        return 0;
    if (port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_PORT_COUNT && size == 1)
        *val = uart_in(vm, port - UART_COM1_BASE);
    else if (port == VX86_PROBE_PORT_MAGIC && size == 4)
        *val = inl(VX86_PROBE_PORT_MAGIC);            /* the host's probe, if there is one */
    return 0;
}

int hv_io_out(struct vm *vm, uint32_t port, uint32_t size, uint32_t val)
{
    if (size == 1 && hv_pic_io(vm, port, 0, &val))
        return 0;
    if (port >= UART_COM1_BASE && port < UART_COM1_BASE + UART_PORT_COUNT && size == 1)
        return uart_out(vm, port - UART_COM1_BASE, (uint8_t)val);
    if (port == DEBUGPORT_CONSOLE) {
        uint8_t c = (uint8_t)val;
        hv_out(vm, (const char *)&c, 1);
        hv_console_log(vm, (const char *)&c, 1);
        return 0;
    }
    if (port == DEBUGPORT_EXIT) {
        hv_vm_end(vm, VM_END_DEBUG_EXIT, val & 0xFF);
        return 1;
    }
    if (port == VX86_PROBE_PORT_RECORD && size == 4)
        probe_forward(vm, val);
    if (port == LABVENOM_PORT && size == 1)   /* the isolation lab's planted hole: off unless labbug=1 */
        return labvenom_out((uint8_t)val);
    return 0;
}

/* VMMCALL: EAX = function. The console write copies what fits in the VMM's buffer and returns
 * the count in EAX, so a guest loops until all is out: one exit per buffer, not per byte. */
int hv_hypercall(struct vm *vm)
{
    uint32_t fn = vmcb_r32(vm, VMCB_RAX);
    uint32_t ret = 0xFFFFFFFFu;
    if (fn == VM_HC_CONSOLE_WRITE) {
        uint32_t gpa = vm->g.ebx, len = vm->g.ecx, n = 0, from = vm->out_len;
        while (n < len && vm->out_len < VM_RUN_OUT) {
            uint8_t *p = hv_gpa_ptr(vm, gpa + n);
            if (!p)
                break;
            vm->out[vm->out_len++] = (char)*p;
            n++;
        }
        hv_console_log(vm, vm->out + from, n);
        ret = n;
    } else if (fn == VM_HC_SNAPSHOT && vm->vmcb[VMCB_CPL] == 0) {
        vm->snap_hc = 1;                       /* VCPU_RUN returns VM_EXIT_SNAPSHOT (vcpu.c) */
        ret = 0;                               /* a restored clone gets its generation ID instead */
    }                                          /* from CPL 1-3: -1, as KVM's hypercalls (-KVM_EPERM) */
    vmcb_w32(vm, VMCB_RAX, ret);
    vmcb_w32(vm, VMCB_RAX + 4, 0);
    return vm->out_len > 0 || vm->snap_hc;
}

/* ---- VM_GET_DEVICES / VM_SET_DEVICES (KVM_GET/SET_IRQCHIP, _PIT2, _VCPU_EVENTS and kvmtool's
 * serial state in one struct, kernel/uapi/vm.h) ---- */
void hv_get_devices(struct vm *vm, struct vm_devices *d)
{
    memset(d, 0, sizeof *d);
    hv_vpic_get(vm, d);
    struct vuart *u = &vm->uart;
    d->uart.ier = u->ier, d->uart.lcr = u->lcr, d->uart.mcr = u->mcr;
    d->uart.scr = u->scr, d->uart.dll = u->dll, d->uart.dlm = u->dlm;
    d->uart.rx_len = u->rx_head - u->rx_tail;
    for (uint32_t i = 0; i < d->uart.rx_len; i++)
        d->uart.rx[i] = u->rx[(u->rx_tail + i) % HV_RXBUF];
    hv_get_event(vm, &d->eventinj, &d->eventinj_err);
    d->flags = vm->snap_hc ? VM_DEV_SNAPSHOT_HC : 0;
}

int hv_set_devices(struct vm *vm, const struct vm_devices *d)
{
    _Static_assert(VM_DEV_RXBUF == HV_RXBUF, "the uapi receive buffer is the UART's");
    if (d->uart.rx_len > HV_RXBUF || (d->uart.ier & ~0x0Fu) || (d->flags & ~VM_DEV_SNAPSHOT_HC))
        return -EINVAL;
    uint32_t inj, err;
    hv_get_event(vm, &inj, &err);
    int e = hv_set_event(vm, d->eventinj, d->eventinj_err);
    if (e < 0)
        return e;
    if ((e = hv_vpic_set(vm, d)) < 0) {
        hv_set_event(vm, inj, err);            /* all or nothing */
        return e;
    }
    struct vuart *u = &vm->uart;
    u->ier = d->uart.ier, u->lcr = d->uart.lcr, u->mcr = d->uart.mcr;
    u->scr = d->uart.scr, u->dll = d->uart.dll, u->dlm = d->uart.dlm;
    u->rx_tail = 0, u->rx_head = d->uart.rx_len;
    memcpy(u->rx, d->uart.rx, d->uart.rx_len);
    return 0;
}
