/* The small hypervisor library for guest programs: see vx/svm.h. */
#include "vx/svm.h"
#include "devices/pic_abi.h"
#include "devices/pit_abi.h"
#include "devices/uart_abi.h"

/* GDT: null, ring-0 code/data, ring-3 code/data, all flat 4 GiB. */
static uint64_t host_gdt[5] = {
    0,
    0x00CF9A000000FFFFull,
    0x00CF92000000FFFFull,
    0x00CFFA000000FFFFull,
    0x00CFF2000000FFFFull,
};
static uint64_t host_idt[256];
uint64_t svm_guest_idt[256];
uint8_t svm_iopm[3 * 4096] __attribute__((aligned(4096)));
uint8_t svm_msrpm[2 * 4096] __attribute__((aligned(4096)));
static uint8_t hsave[4096] __attribute__((aligned(4096)));
static uint32_t host_pd[1024] __attribute__((aligned(4096)));

volatile uint32_t svm_fault_skip;
volatile int svm_fault_vector = -1;
volatile uint32_t svm_fault_error;
volatile uint32_t svm_timer_ticks;

struct __attribute__((packed)) dtr {
    uint16_t limit;
    uint32_t base;
};

/* Interrupt frame built by the stubs in svm_asm.S: PUSHAL, then vector and error code, then
 * what the CPU pushed. */
struct host_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};

extern char svm_host_exc_stubs[];   /* 32 stubs of 16 bytes each */
extern char svm_host_irq0[];
void svm_host_fault(struct host_frame *f);
void svm_host_tick(void);
void svm_load_segments(void);

static uint64_t gate(const void *handler, unsigned dpl)
{
    uint32_t off = (uint32_t)(uintptr_t)handler;
    return (uint64_t)(off & 0xFFFF) | ((uint64_t)SEL_CODE << 16) |
           ((uint64_t)(SEG_P | SEG_DPL(dpl) | SEG_TYPE_INTGATE32) << 40) | ((uint64_t)(off >> 16) << 48);
}

void svm_host_fault(struct host_frame *f)
{
    if (svm_fault_skip == 0)
        vx_panic("host exception %u (error %#x) at eip %#x", (unsigned)f->vector,
                 (unsigned)f->error, (unsigned)f->eip);
    svm_fault_vector = (int)f->vector;
    svm_fault_error = f->error;
    f->eip += svm_fault_skip;
}

void svm_host_tick(void)
{
    svm_timer_ticks++;
    outb(PIC_MASTER_CMD, OCW2_EOI);
}

uint64_t svm_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return lo | ((uint64_t)hi << 32);
}

void svm_wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

void svm_host_init(void)
{
    struct dtr g = { sizeof host_gdt - 1, (uint32_t)(uintptr_t)host_gdt };
    __asm__ volatile("lgdt %0" : : "m"(g));
    svm_load_segments();
    for (int v = 0; v < 32; v++)
        host_idt[v] = gate(svm_host_exc_stubs + 16 * v, 0);
    host_idt[0x20] = gate(svm_host_irq0, 0);
    struct dtr i = { sizeof host_idt - 1, (uint32_t)(uintptr_t)host_idt };
    __asm__ volatile("lidt %0" : : "m"(i));
    svm_pic_init(0xFF);   /* no physical interrupts unless a test asks: Bochs delivers them to guests differently */
    svm_wrmsr(MSR_EFER, svm_rdmsr(MSR_EFER) | EFER_SVME);
    svm_wrmsr(MSR_VM_HSAVE_PA, (uint32_t)(uintptr_t)hsave);
}

void svm_host_paging_on(void)
{
    for (uint32_t k = 0; k < 64; k++)
        host_pd[k] = (k << 22) | PTE_P | PTE_W | PTE_PS;
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4 | CR4_PSE));
    __asm__ volatile("mov %0, %%cr3" : : "r"(host_pd));
    uint32_t cr0;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    __asm__ volatile("mov %0, %%cr0" : : "r"(cr0 | CR0_PG) : "memory");
}

/* 8259 pair: ICW1 edge/cascade/ICW4, vectors 0x20/0x28, cascade on IRQ2, 8086 mode. */
void svm_pic_init(uint8_t mask)
{
    outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4); outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
    outb(PIC_MASTER_DATA, 0x20); outb(PIC_SLAVE_DATA, 0x28);
    outb(PIC_MASTER_DATA, 1u << PIC_CASCADE_IRQ); outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ);
    outb(PIC_MASTER_DATA, ICW4_8086); outb(PIC_SLAVE_DATA, ICW4_8086);
    outb(PIC_MASTER_DATA, mask); outb(PIC_SLAVE_DATA, 0xFF);
}

void svm_pit_periodic(uint16_t divisor)
{
    outb(PIT_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE_RATE);
    outb(PIT_CH0, (uint8_t)divisor);
    outb(PIT_CH0, (uint8_t)(divisor >> 8));
}

void vmcb_set_seg(svm_vmcb *v, unsigned off, uint16_t sel, uint16_t attrib, uint32_t limit, uint32_t base)
{
    vmcb_w16(v, off, sel);
    vmcb_w16(v, off + 2, attrib);
    vmcb_w32(v, off + 4, limit);
    vmcb_w64(v, off + 8, base);
}

void svm_guest_init(svm_vmcb *v, const void *entry, void *stack_top)
{
    memset(v, 0, sizeof *v);
    vmcb_w32(v, VMCB_VEC3, V3_HLT | V3_SHUTDOWN);
    vmcb_w32(v, VMCB_VEC4, V4_VMRUN | V4_VMMCALL);
    vmcb_w64(v, VMCB_IOPM, (uint32_t)(uintptr_t)svm_iopm);
    vmcb_w64(v, VMCB_MSRPM, (uint32_t)(uintptr_t)svm_msrpm);
    vmcb_w32(v, VMCB_ASID, 1);
    vmcb_set_seg(v, VMCB_CS, SEL_CODE, ATTR_CODE32, 0xFFFFFFFFu, 0);
    vmcb_set_seg(v, VMCB_DS, SEL_DATA, ATTR_DATA32, 0xFFFFFFFFu, 0);
    vmcb_set_seg(v, VMCB_ES, SEL_DATA, ATTR_DATA32, 0xFFFFFFFFu, 0);
    vmcb_set_seg(v, VMCB_SS, SEL_DATA, ATTR_DATA32, 0xFFFFFFFFu, 0);
    vmcb_w32(v, VMCB_GDTR + 4, sizeof host_gdt - 1);
    vmcb_w64(v, VMCB_GDTR + 8, (uint32_t)(uintptr_t)host_gdt);
    vmcb_w32(v, VMCB_IDTR + 4, sizeof svm_guest_idt - 1);
    vmcb_w64(v, VMCB_IDTR + 8, (uint32_t)(uintptr_t)svm_guest_idt);
    vmcb_w8(v, VMCB_CPL, 0);
    vmcb_w64(v, VMCB_EFER, EFER_SVME);
    vmcb_w64(v, VMCB_CR0, CR0_PE | CR0_ET);
    vmcb_w64(v, VMCB_DR6, 0xFFFF0FF0u);
    vmcb_w64(v, VMCB_DR7, 0x400);
    /* IF=1: Bochs logs "HLT instruction with IF=0" even for an intercepted guest HLT, and
     * scripts/bochs/run-bochs ends the run on that line. The PIC is masked, so no INTR comes. */
    vmcb_w64(v, VMCB_RFLAGS, 0x202);
    vmcb_w64(v, VMCB_RIP, (uint32_t)(uintptr_t)entry);
    vmcb_w64(v, VMCB_RSP, (uint32_t)(uintptr_t)stack_top);
    vmcb_w64(v, VMCB_G_PAT, 0x0007040600070406ull);
}

void svm_guest_ring3(svm_vmcb *v)
{
    vmcb_set_seg(v, VMCB_CS, SEL_CODE3, ATTR_CODE32_3, 0xFFFFFFFFu, 0);
    vmcb_set_seg(v, VMCB_DS, SEL_DATA3, ATTR_DATA32_3, 0xFFFFFFFFu, 0);
    vmcb_set_seg(v, VMCB_ES, SEL_DATA3, ATTR_DATA32_3, 0xFFFFFFFFu, 0);
    vmcb_set_seg(v, VMCB_SS, SEL_DATA3, ATTR_DATA32_3, 0xFFFFFFFFu, 0);
    vmcb_w8(v, VMCB_CPL, 3);
}

void svm_guest_gate(int vec, const void *handler)
{
    svm_guest_idt[vec] = gate(handler, 3);
}

void svm_iopm_set(uint32_t port)
{
    svm_iopm[port / 8] |= (uint8_t)(1u << (port % 8));
}

void svm_msrpm_set(uint32_t msr, bool read, bool write)
{
    uint32_t base = msr < 0x2000 ? 0 : msr < 0xC0002000u ? 0x800 : 0x1000;
    uint32_t bit = (msr & 0x1FFF) * 2;
    if (read)
        svm_msrpm[base + bit / 8] |= (uint8_t)(1u << (bit % 8));
    if (write)
        svm_msrpm[base + (bit + 1) / 8] |= (uint8_t)(1u << ((bit + 1) % 8));
}

void svm_maps_clear(void)
{
    memset(svm_iopm, 0, sizeof svm_iopm);
    memset(svm_msrpm, 0, sizeof svm_msrpm);
}

void svm_skip(svm_vmcb *v, uint32_t n)
{
    vmcb_w64(v, VMCB_RIP, vmcb_r64(v, VMCB_RIP) + n);
}

static void print_rel(const char *label, uint64_t value, const void *base)
{
    uint32_t b = (uint32_t)(uintptr_t)base;
    if (base != NULL && value >= b && value < b + 0x1000)
        printf(" %s=+%#x", label, (unsigned)(value - b));
    else
        printf(" %s=%#llx", label, (unsigned long long)value);
}

void svm_report(const char *name, const svm_vmcb *v, const void *base)
{
    uint32_t code = (uint32_t)vmcb_r64(v, VMCB_EXITCODE);
    uint64_t info1 = vmcb_r64(v, VMCB_EXITINFO1);
    uint64_t info2 = vmcb_r64(v, VMCB_EXITINFO2);
    uint32_t intinfo = vmcb_r32(v, VMCB_EXITINTINFO);
    printf("%s: exit=%#x", name, (unsigned)code);
    if (code == SVM_EXIT_IOIO)
        info1 &= ~(uint64_t)0x1F80;   /* address size and segment: QEMU leaves them 0 */
    printf(" info1=%#llx", (unsigned long long)info1);
    if (code == SVM_EXIT_IOIO)
        print_rel("info2", info2, base);
    else if (!(code >= SVM_EXIT_EXC(0) && code < SVM_EXIT_EXC(32) && code != SVM_EXIT_EXC(EXC_PF)))
        printf(" info2=%#llx", (unsigned long long)info2);
    if (code != SVM_EXIT_INVALID_LO && code != SVM_EXIT_SHUTDOWN)
        print_rel("rip", vmcb_r64(v, VMCB_RIP), base);
    /* QEMU copies an illegal EVENTINJ into EXITINTINFO on VMEXIT_INVALID: not compared */
    if ((intinfo & EVT_V) && code != SVM_EXIT_SHUTDOWN && code != SVM_EXIT_INVALID_LO)
        printf(" intinfo=%#x err=%#x", (unsigned)intinfo, (unsigned)vmcb_r32(v, VMCB_EXITINTINFO + 4));
    putchar('\n');
}

void npt_map_4m(uint32_t *pd)
{
    for (uint32_t k = 0; k < 1024; k++)
        pd[k] = k < 64 ? ((k << 22) | PTE_P | PTE_W | PTE_U | PTE_PS) : 0;
}

uint32_t *npt_split_4k(uint32_t *pd, uint32_t *pt, uint32_t gpa, uint32_t flags)
{
    uint32_t region = gpa & ~0x3FFFFFu;
    for (uint32_t k = 0; k < 1024; k++)
        pt[k] = (region + (k << 12)) | flags;
    pd[PDX(gpa)] = (uint32_t)(uintptr_t)pt | PTE_P | PTE_W | PTE_U;
    return &pt[PTX(gpa)];
}

void npt_enable(svm_vmcb *v, uint32_t *pd)
{
    vmcb_w64(v, VMCB_NP_ENABLE, 1);
    vmcb_w64(v, VMCB_N_CR3, (uint32_t)(uintptr_t)pd);
}

int svm_done(const char *test)
{
    printf("%s: done\n", test);
    /* Let the UART drain (LSR.TEMT) before the run ends: Bochs drops what is still queued. */
    while (!(inb(UART_COM1_BASE + UART_LSR) & LSR_TEMT))
        ;
    return 0;
}
