/* vpic.c: the in-kernel interrupt controller and timer of a VM, as KVM's i8259.c and i8254.c:
 * an 8259A master/slave pair (the slave on the master's IR2) and channel 0 of an 8254, counting
 * on the host's clock (ktime_ns, itself the PIT's virtual time on vx86), so a guest's timer runs
 * at its programmed rate whatever else the host is doing.
 *
 * Injection with V_IRQ (APM vol. 2 §15.21.4): before VMRUN the best deliverable IRQ is offered
 * in V_INTR_VECTOR; the CPU delivers it through the guest IDT when the guest's IF allows and
 * clears V_IRQ. After the next #VMEXIT a cleared V_IRQ means "taken": that is the INTA cycle,
 * IRR -> ISR. The guest cannot see the controller between the two, as it reads it only by
 * port I/O, which exits. Sources: Intel 8259A and 8254 data sheets; Linux arch/x86/kvm/i8259.c. */
#include "kernel/kernel.h"
#include "kernel/uapi/errno.h"
#include "arch/svm.h"
#include "devices/pic_abi.h"
#include "devices/pit_abi.h"
#include "devices/uart_abi.h"
#include "hyperv/hv.h"

/* ---- 8259A ---- */

static int lowest_bit(uint8_t v) { for (int i = 0; i < 8; i++) if (v & (1u << i)) return i; return 8; }

/* The IR line this PIC would interrupt with now (fully nested priority, IR0 highest), or -1. */
static int pic_best(struct vpic1 *p, uint8_t extra_irr)
{
    int req = lowest_bit((uint8_t)((p->irr | extra_irr) & ~p->imr));
    return req < 8 && req < lowest_bit(p->isr) ? req : -1;
}

/* The IRQ (0-15) the pair presents to the CPU, or -1. */
static int pair_best(struct vm *vm)
{
    int s = pic_best(&vm->pic[1], 0);
    int m = pic_best(&vm->pic[0], s >= 0 ? 1u << PIC_CASCADE_IRQ : 0);
    if (m == PIC_CASCADE_IRQ && s >= 0)
        return 8 + s;
    return m == PIC_CASCADE_IRQ ? -1 : m;
}

static uint8_t vector_of(struct vm *vm, int irq) { return (uint8_t)(vm->pic[irq >> 3].base + (irq & 7)); }

/* INTA: the IR bit moves from IRR to ISR (edge-triggered: the request is consumed). */
static void pic_ack(struct vm *vm, int irq)
{
    if (irq >= 8) {
        vm->pic[1].irr &= (uint8_t)~(1u << (irq - 8));
        vm->pic[1].isr |= (uint8_t)(1u << (irq - 8));
        irq = PIC_CASCADE_IRQ;
    }
    vm->pic[0].irr &= (uint8_t)~(1u << irq);
    vm->pic[0].isr |= (uint8_t)(1u << irq);
}

void hv_irq_line(struct vm *vm, int irq, int level)
{
    struct vpic1 *p = &vm->pic[irq >> 3];
    if (level)
        p->irr |= (uint8_t)(1u << (irq & 7));
    else
        p->irr &= (uint8_t)~(1u << (irq & 7));
}

static void pic_write(struct vpic1 *p, int cmd, uint8_t v)
{
    if (cmd && (v & 0x10)) {                         /* ICW1: start the init sequence */
        p->imr = p->isr = p->irr = 0;
        p->icw4 = v & ICW1_ICW4;
        p->init_step = 2;
        p->read_isr = 0;
        return;
    }
    if (!cmd) {
        if (p->init_step == 2) {                     /* ICW2: the vector base */
            p->base = v & 0xF8;
            p->init_step = 3;                        /* ICW3 (cascade wiring): always, a PC has two */
        } else if (p->init_step == 3) {
            p->init_step = p->icw4 ? 4 : 0;
        } else if (p->init_step == 4) {
            p->init_step = 0;                        /* ICW4: 8086 mode assumed */
        } else {
            p->imr = v;                              /* OCW1 */
        }
        return;
    }
    if (v & 0x08) {                                  /* OCW3: which register a read returns */
        if (v & 0x02)
            p->read_isr = v & 0x01;
        return;
    }
    switch (v & 0xE0) {                              /* OCW2 */
    case OCW2_EOI: {
        int b = lowest_bit(p->isr);
        if (b < 8)
            p->isr &= (uint8_t)~(1u << b);
        break;
    }
    case OCW2_SPECIFIC_EOI:
        p->isr &= (uint8_t)~(1u << (v & 7));
        break;
    default:
        break;                                       /* rotation modes: not modelled */
    }
}

/* ---- 8254 channel 0 ---- */

static uint64_t pit_ticks_since(struct vm *vm)
{
    return (ktime_ns() - vm->pit.start_ns) * PIT_HZ / 1000000000ull;
}

static uint16_t pit_count(struct vm *vm)
{
    struct vpit *t = &vm->pit;
    uint32_t reload = t->reload ? t->reload : 0x10000;
    if (!t->start_ns)
        return t->reload;
    return (uint16_t)(reload - (uint32_t)(pit_ticks_since(vm) % reload));
}

/* Whole periods since the load are IRQ0 edges not yet raised (mode 2 and 3 repeat; one-shot
 * mode 0 raises once). */
static void pit_update(struct vm *vm)
{
    struct vpit *t = &vm->pit;
    if (!t->start_ns)
        return;
    uint64_t periods = pit_ticks_since(vm) / (t->reload ? t->reload : 0x10000u);
    if (t->mode == 0 && periods > 1)
        periods = 1;
    if (periods > t->periods) {
        t->periods = periods;
        hv_irq_line(vm, PIT_IRQ, 1);
    }
}

static void pit_io(struct vm *vm, uint32_t port, int in, uint32_t *val)
{
    struct vpit *t = &vm->pit;
    if (port == PIT_CMD) {
        if (in || (*val >> 6) != 0)                  /* channels 1, 2 and read-back: ignored */
            return;
        if (((*val >> 4) & 3) == 0) {                /* counter latch */
            t->latch = pit_count(vm);
            t->latched = 1;
            t->read_hi = 0;
            return;
        }
        t->access = (*val >> 4) & 3;
        t->mode = (*val >> 1) & 7;
        t->write_hi = t->read_hi = 0;
        t->start_ns = 0;                             /* a new mode stops the count until loaded */
        return;
    }
    if (port != PIT_CH0)
        return;
    if (in) {
        uint16_t c = t->latched ? t->latch : pit_count(vm);
        int hi = t->access == 2 || (t->access == 3 && t->read_hi);
        *val = hi ? c >> 8 : c & 0xFF;
        if (t->access == 3)
            t->read_hi ^= 1;
        if (t->access != 3 || !t->read_hi)
            t->latched = 0;
        return;
    }
    if (t->access == 1 || (t->access == 3 && !t->write_hi))
        t->reload = (uint16_t)((t->reload & 0xFF00) | (*val & 0xFF));
    else
        t->reload = (uint16_t)((t->reload & 0x00FF) | ((*val & 0xFF) << 8));
    if (t->access == 3)
        t->write_hi ^= 1;
    if (t->access != 3 || !t->write_hi) {            /* the count is complete: start counting */
        t->start_ns = ktime_ns();
        t->periods = 0;
    }
}

int hv_pic_io(struct vm *vm, uint32_t port, int in, uint32_t *val)
{
    if (port == PIC_MASTER_CMD || port == PIC_MASTER_DATA || port == PIC_SLAVE_CMD || port == PIC_SLAVE_DATA) {
        struct vpic1 *p = &vm->pic[port >= PIC_SLAVE_BASE];
        int cmd = (port & 1) == 0;
        if (in) {
            if (cmd)
                pit_update(vm);                      /* a guest polling IRR sees the timer's edges */
            *val = cmd ? (p->read_isr ? p->isr : p->irr) : p->imr;
        } else {
            pic_write(p, cmd, (uint8_t)*val);
        }
        return 1;
    }
    if (port >= PIT_BASE && port <= PIT_CMD) {
        pit_io(vm, port, in, val);
        return 1;
    }
    return 0;
}

/* ---- injection ---- */

void hv_intr_after_exit(struct vm *vm)
{
    if (vm->vintr_irq < 0)
        return;
    uint32_t v = vmcb_r32(vm, VMCB_V_INTR);
    if (!(v & V_INTR_IRQ))
        pic_ack(vm, vm->vintr_irq);                  /* the CPU delivered it: INTA */
    vmcb_w32(vm, VMCB_V_INTR, v & ~V_INTR_IRQ);
    vm->vintr_irq = -1;
}

void hv_intr_before_run(struct vm *vm)
{
    pit_update(vm);
    hv_irq_line(vm, UART_COM1_IRQ, hv_uart_irq(vm));
    int irq = pair_best(vm);
    uint32_t v = vmcb_r32(vm, VMCB_V_INTR) & ~V_INTR_IRQ;
    if (irq >= 0) {
        vmcb_w32(vm, VMCB_V_VECTOR, vector_of(vm, irq));
        v |= V_INTR_IRQ | V_INTR_IGN_TPR;
    }
    vmcb_w32(vm, VMCB_V_INTR, v);
    vm->vintr_irq = irq;
}

int hv_intr_can_wake(struct vm *vm)
{
    return pair_best(vm) >= 0 || (vm->pit.start_ns && !(vm->pic[0].imr & (1u << PIT_IRQ))) ||
           ((vm->uart.ier & IER_RDA) && !(vm->pic[0].imr & (1u << UART_COM1_IRQ)));
}

/* ---- VM_GET_DEVICES / VM_SET_DEVICES: the pair and the PIT (KVM_GET_IRQCHIP, KVM_GET_PIT2) ----
 * The PIT's count is kept relative: due edges are first raised into IRR (pit_update), then only
 * the phase of the running period is saved, so a restore on any later host clock goes on where
 * the period was rather than replaying the time the snapshot sat in a file. */
void hv_vpic_get(struct vm *vm, struct vm_devices *d)
{
    pit_update(vm);
    for (int k = 0; k < 2; k++) {
        struct vpic1 *p = &vm->pic[k];
        d->pic[k].irr = p->irr, d->pic[k].isr = p->isr, d->pic[k].imr = p->imr, d->pic[k].base = p->base;
        d->pic[k].init_step = p->init_step, d->pic[k].icw4 = p->icw4, d->pic[k].read_isr = p->read_isr;
    }
    struct vpit *t = &vm->pit;
    d->pit.mode = t->mode, d->pit.access = t->access, d->pit.write_hi = t->write_hi, d->pit.read_hi = t->read_hi;
    d->pit.latched = t->latched, d->pit.reload = t->reload, d->pit.latch = t->latch;
    d->pit.counting = t->start_ns != 0;
    d->pit.fired = t->mode == 0 && t->periods > 0;
    d->pit.phase_ticks = t->start_ns ? (uint32_t)(pit_ticks_since(vm) % (t->reload ? t->reload : 0x10000u)) : 0;
}

int hv_vpic_set(struct vm *vm, const struct vm_devices *d)
{
    for (int k = 0; k < 2; k++)
        if ((d->pic[k].base & 7) || d->pic[k].init_step == 1 || d->pic[k].init_step > 4 || d->pic[k].icw4 > ICW1_ICW4 ||
            d->pic[k].read_isr > 1)
            return -EINVAL;
    uint32_t period = d->pit.reload ? d->pit.reload : 0x10000u;
    if (d->pit.mode > 5 || d->pit.access > 3 || d->pit.write_hi > 1 || d->pit.read_hi > 1 || d->pit.latched > 1 ||
        d->pit.counting > 1 || d->pit.fired > 1 || d->pit.phase_ticks >= period)
        return -EINVAL;
    for (int k = 0; k < 2; k++) {
        struct vpic1 *p = &vm->pic[k];
        p->irr = d->pic[k].irr, p->isr = d->pic[k].isr, p->imr = d->pic[k].imr, p->base = d->pic[k].base;
        p->init_step = d->pic[k].init_step, p->icw4 = d->pic[k].icw4, p->read_isr = d->pic[k].read_isr;
    }
    struct vpit *t = &vm->pit;
    t->mode = d->pit.mode, t->access = d->pit.access, t->write_hi = d->pit.write_hi, t->read_hi = d->pit.read_hi;
    t->latched = d->pit.latched, t->reload = d->pit.reload, t->latch = d->pit.latch;
    t->start_ns = 0;
    t->periods = d->pit.fired;
    if (d->pit.counting) {
        /* The period began phase_ticks ago on the new clock (the tick rounded up to a whole ns). */
        uint64_t ago = ((uint64_t)d->pit.phase_ticks * 1000000000ull + PIT_HZ - 1) / PIT_HZ, now = ktime_ns();
        t->start_ns = now > ago ? now - ago : 1;
    }
    vm->vintr_irq = -1;                    /* between two VCPU_RUNs nothing is offered by V_IRQ */
    return 0;
}
