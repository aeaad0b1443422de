/* hv.h: the toy OS's hypervisor -- a VM, its vCPU and the functions over them. The shape is
 * KVM's: /dev/vm (dev.c) creates a VM and its memory (mem.c); VCPU_RUN runs the guest in the
 * calling task (vcpu.c: VMRUN, one exit table); the devices a guest pokes live in vdev.c.
 * Hardware facts come from arch/svm.h (AMD64 APM vol. 2 ch. 15). */
#ifndef HYPERV_HV_H
#define HYPERV_HV_H

#include <stdint.h>
#include "kernel/uapi/vm.h"

#define NVM 16                             /* VMs at once; ASID = slot + 1 (lab 5 runs a dozen) */
#define HV_RXBUF 256

/* The registers VMRUN does not switch (APM vol. 2 §15.5.1): swapped by hv_vmrun (svm_run.S).
 * EAX, ESP, EIP and EFLAGS live in the VMCB. */
struct hv_gprs { uint32_t ebx, ecx, edx, esi, edi, ebp; };

/* The virtual 16550 at COM1: only what polled and interrupt-free drivers use. */
struct vuart {
    uint8_t ier, lcr, mcr, scr, dll, dlm;
    uint8_t rx[HV_RXBUF];
    uint32_t rx_head, rx_tail;
};

/* The virtual 8259A pair and 8254 channel 0 (vpic.c). */
struct vpic1 {
    uint8_t irr, isr, imr, base;
    uint8_t init_step;                     /* 0: ready; 2, 3, 4: expecting ICW2, ICW3, ICW4 */
    uint8_t icw4, read_isr;
};
struct vpit {
    uint8_t mode, access, write_hi, read_hi, latched;
    uint16_t reload, latch;
    uint64_t start_ns;                     /* when the count was loaded; 0 = not counting */
    uint64_t periods;                      /* whole periods already turned into IRQ0 edges */
};

struct vm {
    int used, id, owner;                   /* owner: the VMM's pid, charged for the frames */
    uint32_t mode;                         /* VM_MODE_* */
    uint32_t asid;
    uint8_t *vmcb;                         /* 4 KiB, static per slot (vcpu.c) */
    uint8_t *iopm, *msrpm;                 /* 12 KiB and 8 KiB: every port, every MSR intercepted */
    uint32_t *npt;                         /* nested page directory (kernel address), or NULL */
    uint32_t mem_size;                     /* guest RAM [0, mem_size) */
    uint32_t mem_flags;                    /* VM_MEM_LAZY: demand-zero RAM (mem.c) */
    int has_vcpu;
    struct hv_gprs g;
    struct vuart uart;
    struct vpic1 pic[2];                   /* master, slave */
    struct vpit pit;
    int vintr_irq;                         /* the IRQ offered through V_IRQ, or -1 */
    uint32_t max_ticks;
    uint64_t start_jiffies;
    /* Output waiting for the VMM: bytes the guest wrote to COM1, 0xE9 or the paravirtual console. */
    char out[VM_RUN_OUT];
    uint32_t out_len;
    /* How it ended (enum vm_end), with the exit that did it. */
    uint32_t end, status, end_exit, end_info1, end_info2, end_rip;
    struct vm_stats stats;
    struct proc *halted;                   /* the vCPU's task while it sleeps in a HLT (vcpu.c) */
    struct hv_shadow *shadow;              /* shadow paging's state (shadow.c), or NULL with NPT */
    int snap_hc;                           /* stopped in VM_HC_SNAPSHOT until the next VCPU_RUN */
};

/* dev.c */
extern struct vm vms[NVM];
void hv_console_log(struct vm *vm, const char *p, uint32_t n);   /* console output: the ring too */

/* mem.c: guest RAM from FRAME_VM frames, mapped by nested page tables; eager, demand-zero
 * (VM_MEM_LAZY) or shared copy-on-write with a ramfs file (VM_MAP_FILE) */
struct inode;
int hv_mem_alloc(struct vm *vm, uint32_t size, uint32_t flags);   /* 0 or -ENOMEM */
void hv_mem_free(struct vm *vm);
int hv_map_file(struct vm *vm, struct inode *ip, uint32_t offset, uint32_t gpa, uint32_t len);
/* The one resolver of guest-physical addresses: the kernel address of gpa's byte as a guest
 * access sees it; write = 1 first gives the VM its own page (demand zero, copy on write), a read
 * of an untouched page sees a zero page. NULL beyond RAM or when no frame can be had. */
uint8_t *hv_gpa_frame(struct vm *vm, uint32_t gpa, int write);
int hv_gpa_fault(struct vm *vm, uint32_t gpa, int write);   /* the #NPF: 0 done, 1 nothing to do, -EFAULT, -ENOMEM */
uint8_t *hv_gpa_ptr(struct vm *vm, uint32_t gpa); /* hv_gpa_frame(vm, gpa, 0): a read's view */
int hv_copy_user(struct vm *vm, uint32_t gpa, uint32_t ubuf, uint32_t len, int to_guest);

/* shadow.c: shadow paging (VM_MODE_SHADOW); the exit handlers return as vcpu.c's do */
struct hv_shadow;
int hv_shadow_init(struct vm *vm);         /* at VCPU_CREATE: 0 or -ENOMEM */
void hv_shadow_free(struct vm *vm);
int hv_exit_pf(struct vm *vm);             /* #PF intercept */
int hv_exit_cr(struct vm *vm);             /* CR0/CR3 reads, CR0/CR3/CR4 writes */
int hv_exit_invlpg(struct vm *vm);

/* vcpu.c */
int hv_vcpu_create(struct vm *vm);
long hv_vcpu_run(struct vm *vm, uint32_t urun);
void hv_vm_end(struct vm *vm, uint32_t how, uint32_t status);
void hv_vcpu_kick(struct vm *vm);          /* input for a halted vCPU: wake it now */
void hv_vm_setup(struct vm *vm, int slot);
int hv_svm_enable(void);                   /* 0, or -ENODEV without SVM */
void vmcb_w32(struct vm *vm, uint32_t off, uint32_t v);
uint32_t vmcb_r32(struct vm *vm, uint32_t off);
void hv_out(struct vm *vm, const char *p, uint32_t n);   /* guest output for the VMM */
const char *hv_exit_slot_name(uint32_t slot);   /* the exit table's name for a stats slot */
int hv_get_sregs(struct vm *vm, struct vm_sregs *s);         /* VCPU_GET_SREGS: 0 or -EINVAL (shadow) */
int hv_set_sregs(struct vm *vm, const struct vm_sregs *s);   /* VCPU_SET_SREGS: 0 or -EINVAL */
void hv_get_event(struct vm *vm, uint32_t *inj, uint32_t *err);   /* EVENTINJ */
int hv_set_event(struct vm *vm, uint32_t inj, uint32_t err);

/* vdev.c: port I/O and hypercalls; 0 = continue, 1 = give the VMM control */
int hv_io_in(struct vm *vm, uint32_t port, uint32_t size, uint32_t *val);
int hv_io_out(struct vm *vm, uint32_t port, uint32_t size, uint32_t val);
int hv_hypercall(struct vm *vm);
int hv_console_input(struct vm *vm, uint32_t ubuf, uint32_t len);
int hv_uart_irq(struct vm *vm);            /* COM1's interrupt request (IRQ 4) */
void hv_get_devices(struct vm *vm, struct vm_devices *d);      /* VM_GET_DEVICES */
int hv_set_devices(struct vm *vm, const struct vm_devices *d); /* VM_SET_DEVICES: 0 or -EINVAL */

/* vpic.c: the virtual 8259A pair and 8254 on the host's clock, injected with V_IRQ */
int hv_pic_io(struct vm *vm, uint32_t port, int in, uint32_t *val);   /* 1 if the port is ours */
void hv_irq_line(struct vm *vm, int irq, int level);
void hv_intr_before_run(struct vm *vm);    /* time passes on the PIT; offer the best IRQ */
void hv_intr_after_exit(struct vm *vm);    /* was the offered IRQ taken? then acknowledge it */
int hv_intr_can_wake(struct vm *vm);       /* could an interrupt ever end a HLT? */
void hv_vpic_get(struct vm *vm, struct vm_devices *d);        /* the PICs and PIT for VM_GET_DEVICES */
int hv_vpic_set(struct vm *vm, const struct vm_devices *d);   /* ... and back: 0 or -EINVAL */

/* svm_run.S: cli; clgi; VMSAVE host; VMLOAD guest; VMRUN; VMSAVE guest; VMLOAD host; STGI */
void hv_vmrun(uint32_t vmcb_pa, struct hv_gprs *g, uint32_t host_save_pa);

#endif
