/* uapi/vm.h: the /dev/vm interface between the toy OS's hypervisor (hyperv/) and its user-space
 * VMM (hyperv/vm/). Shaped like Linux KVM's API (Documentation/virt/kvm/api.rst): the same steps
 * and names without the KVM_ prefix. One simplification: KVM returns a new file descriptor for
 * each VM and each vCPU; here one open of /dev/vm is one VM with one vCPU. */
#ifndef UAPI_VM_H
#define UAPI_VM_H

#include <stdint.h>

#define VM_IOC(n)  (0xAE00u | (n))     /* KVM's ioctl type is 0xAE too */

/* VM_CREATE (KVM_CREATE_VM): arg = struct vm_create *. Returns the VM id (1..), as the vm
 * number in /proc/vm/N and in trace records. */
#define VM_CREATE        VM_IOC(0x01)
#define VM_MODE_NPT      0              /* nested paging: the CPU walks guest and nested tables */
#define VM_MODE_SHADOW   1              /* shadow paging: the hypervisor walks the guest's tables (hyperv/shadow.c) */
#define VM_NAME_LEN      16
struct vm_create {
    uint32_t mode;                      /* VM_MODE_* */
    uint32_t timeout_ms;                /* end the VM (VM_END_TIMEOUT) after this much virtual time; 0 = never */
    char name[VM_NAME_LEN];             /* "" or a name no other VM has (-EEXIST), as QEMU's -name */
};

/* VM_ATTACH: arg = a VM's id. Makes this open of /dev/vm a second handle on a VM another process
 * runs -- for vm list/stats/console. It may VM_GET_STATS, VM_CONSOLE_INPUT and VM_CONSOLE_READ;
 * closing it leaves the VM alone. -ENOENT: no such VM. (KVM: the VM's fd, passed over a UNIX
 * socket; kvmtool's ~/.lkvm/NAME.sock is that rendezvous.) */
#define VM_ATTACH        VM_IOC(0x05)

/* VM_SET_MEMORY (KVM_SET_USER_MEMORY_REGION): guest RAM [0, size), from host frames owned by the
 * caller's pid (charged to it). Once per VM; size a multiple of 4 KiB, at most VM_MAX_MEMORY.
 * Eager by default: every frame is allocated, zeroed and charged here, and a memory.max that
 * cannot take them all fails the call (-ENOMEM) -- QEMU's -mem-prealloc, kept as the default
 * because lab 9 teaches "a VM's memory is reserved up front". VM_MEM_LAZY: demand-zero RAM, as
 * KVM's anonymous memory always is (KVM has no flag for it): no frame but the nested directory
 * now; the guest's first touch of a page (a nested #NPF) gets a zeroed frame, charged then. A
 * charge past memory.max at that point ends the VM with VM_END_OOM. Shadow paging wants eager
 * memory (-EINVAL): hyperv/README.md says why. */
#define VM_SET_MEMORY    VM_IOC(0x02)
#define VM_MAX_MEMORY    (256u << 20)
#define VM_MEM_LAZY      0x1u
struct vm_memory { uint32_t size, flags; };

/* VM_MAP_FILE: map len bytes of an open ramfs/tmpfs file from byte offset into guest RAM at gpa,
 * copy-on-write -- what mmap(MAP_PRIVATE) of a memory file before KVM_SET_USER_MEMORY_REGION
 * gives Firecracker's snapshot restore. All three page aligned, [gpa, gpa + len) inside guest
 * RAM, the file open for reading. Each page the file has is shared read-only with the file (no
 * copy, no charge) until the guest (or VM_WRITE_MEMORY) writes it: then the VM gets its own
 * copy, charged. A hole of the file reads as zeros (demand-zero under VM_MEM_LAZY). What was
 * mapped there before is dropped. -EINVAL: not a ramfs file, unaligned, outside RAM, or a
 * shadow-paging VM; -EBADF, -EACCES (write-only). Later writes to the file through write(2)
 * may or may not show in pages the VM has not written yet, as POSIX leaves it for MAP_PRIVATE;
 * deleting or truncating the file is safe (the VM keeps its references on the pages). */
#define VM_MAP_FILE      VM_IOC(0x06)
struct vm_map_file { int32_t fd; uint32_t offset, gpa, len; };

/* VM_WRITE_MEMORY / VM_READ_MEMORY: copy between the VMM and guest-physical memory. KVM has no
 * such call -- the VMM mmap()s guest RAM into itself -- but the toy OS has no mmap of frames. */
#define VM_WRITE_MEMORY  VM_IOC(0x03)
#define VM_READ_MEMORY   VM_IOC(0x04)
struct vm_copy { uint32_t gpa, len, buf; };   /* buf: a user address */

/* VCPU_CREATE (KVM_CREATE_VCPU): the one vCPU, in flat 32-bit protected mode, paging off. */
#define VCPU_CREATE      VM_IOC(0x41)

/* VCPU_RUN (KVM_RUN): run the guest in the caller's task until an exit the kernel leaves to the
 * VMM; arg = struct vm_run * (KVM's struct kvm_run, which KVM shares by mmap). */
#define VCPU_RUN         VM_IOC(0x80)
enum vm_exit_reason {
    VM_EXIT_CONSOLE = 1,                /* out[] holds guest console bytes (KVM_EXIT_IO of a UART) */
    VM_EXIT_END = 2,                    /* the VM has ended: end + status say how */
    VM_EXIT_SIGNAL = 3,                 /* a signal is pending for the VMM (KVM_EXIT_INTR, -EINTR) */
    VM_EXIT_SNAPSHOT = 4,               /* the guest made the VM_HC_SNAPSHOT hypercall: "freeze me now" */
};
enum vm_end {                           /* why a VM ended; vm(1) exits with the status below */
    VM_END_NONE = 0,
    VM_END_DEBUG_EXIT = 1,              /* the guest wrote v to the debug-exit port: status v & 0xFF */
    VM_END_HALT = 2,                    /* HLT with no interrupt able to wake it: status 0 */
    VM_END_SHUTDOWN = 3,                /* triple fault (SHUTDOWN intercept): status 125 */
    VM_END_BAD_ACCESS = 4,              /* guest-physical address beyond its RAM (#NPF): 126 */
    VM_END_UNHANDLED = 5,               /* an exit nothing handles (VMRUN in the guest ...): 127 */
    VM_END_TIMEOUT = 6,                 /* timeout_ms passed: 124, as timeout(1) */
    VM_END_STOPPED = 7,                 /* the VMM let go of it */
    VM_END_OOM = 8,                     /* a lazy page could not be had: memory.max or no frame: 137 */
};
#define VM_STATUS_OOM        137        /* as a shell reports a process the OOM killer ended (128 + SIGKILL) */
#define VM_STATUS_SHUTDOWN   125
#define VM_STATUS_BAD_ACCESS 126
#define VM_STATUS_UNHANDLED  127
#define VM_STATUS_TIMEOUT    124
#define VM_RUN_OUT 512
struct vm_run {
    uint32_t exit_reason;               /* enum vm_exit_reason */
    uint32_t end;                       /* enum vm_end, when exit_reason is VM_EXIT_END */
    uint32_t status;                    /* the exit status vm(1) passes on */
    uint32_t hw_exit;                   /* the SVM exit code that ended it (arch/svm.h) */
    uint32_t info1, info2, rip;         /* EXITINFO1/2 and the guest RIP at that exit */
    uint32_t out_len;                   /* bytes in out[] */
    char out[VM_RUN_OUT];
};

/* VCPU_GET_REGS / VCPU_SET_REGS (KVM_GET_REGS / KVM_SET_REGS, struct kvm_regs). */
#define VCPU_GET_REGS    VM_IOC(0x81)
#define VCPU_SET_REGS    VM_IOC(0x82)
struct vm_regs {
    uint32_t eax, ebx, ecx, edx, esi, edi, esp, ebp;
    uint32_t eip, eflags;
};

/* VM_IRQ_LINE (KVM_IRQ_LINE): raise (level 1) or lower (0) input irq (0-15) of the virtual
 * 8259A pair. */
#define VM_IRQ_LINE      VM_IOC(0x61)
struct vm_irq_level { uint32_t irq, level; };

/* VM_CONSOLE_INPUT: arg points to one byte for the virtual COM1's receiver; returns 1, or 0
 * when its 256-byte buffer is full (KVM leaves UARTs to the VMM; kvmtool's serial does this). */
#define VM_CONSOLE_INPUT VM_IOC(0x62)

/* VM_CONSOLE_READ: arg = struct vm_console_read *. The VM's console output is also kept in a
 * 4 KiB ring in the kernel (QEMU's -chardev ringbuf); a handle reads it from where it is, its
 * first read starting at the oldest byte kept. Blocks until there is a byte; 0 = the VM ended. */
#define VM_CONSOLE_READ  VM_IOC(0x63)
#define VM_CONSOLE_RING  4096
struct vm_console_read { uint32_t buf, len; };

/* VM_GET_STATS (KVM_GET_STATS_FD, in one struct): exits and cycles per exit code. */
#define VM_GET_STATS     VM_IOC(0x90)
#define VM_STAT_SLOTS    32
struct vm_stats {
    uint32_t vm, nslots;
    uint64_t guest_cycles;              /* cycles between VMRUN and #VMEXIT */
    uint64_t runs;                      /* VMRUNs */
    /* Shadow paging (VM_MODE_SHADOW; 0 with nested paging): #PF exits that filled a shadow
     * entry, of them first writes that set a guest D bit, #PFs injected as the guest's own;
     * CR3 loads that found their shadow directory cached (and resynced it) or built a new one. */
    uint32_t shadow_fills, shadow_dirty, shadow_injected, shadow_hits, shadow_misses;
    /* Guest RAM (hyperv/mem.c): pages given a zeroed frame at their first touch (VM_MEM_LAZY),
     * pages of a mapped file copied at their first write, pages still shared with a file now;
     * mem_pages: frames of RAM the VM holds privately now (without the nested tables). */
    uint32_t mem_zeroed, mem_cow, mem_shared, mem_pages;
    struct { uint32_t code, count; uint64_t cycles; } slot[VM_STAT_SLOTS];   /* handler cycles */
};

/* The paravirtual console (VMMCALL with EAX = VM_HC_CONSOLE_WRITE, EBX = guest-physical buffer,
 * ECX = length): one exit per buffer instead of one per byte. EAX returns the count or -1. */
#define VM_HC_CONSOLE_WRITE 1

/* ---- The rest of the vCPU and the VM's devices, for snapshots (hyperv/vm/vcpu_state.c) ---- */

/* The snapshot point (VMMCALL with EAX = VM_HC_SNAPSHOT): VCPU_RUN returns VM_EXIT_SNAPSHOT so
 * the VMM can save the VM, then runs it on (Firecracker: pause, snapshot, resume). EAX returns 0
 * in the VM that made the call; a VMM restoring the snapshot puts the clone's VM generation ID
 * there instead (vm restore --genid N, 1 by default), so the guest learns it is a clone. Only
 * the guest's kernel may ask: from CPL 1-3 the call returns -1 and nothing happens (KVM's
 * hypercalls answer -KVM_EPERM there). */
#define VM_HC_SNAPSHOT 2

/* VCPU_GET_SREGS / VCPU_SET_SREGS (KVM_GET_SREGS / KVM_SET_SREGS, struct kvm_sregs for i386):
 * what the VMCB's state-save area holds beyond struct vm_regs (AMD64 APM vol. 2 table B-2).
 * Segment attributes are in the VMCB's 12-bit format (type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9,
 * D/B 10, G 11). The CPL follows SS.DPL, as KVM's svm_set_segment does. SET checks what VMRUN
 * would refuse or what the subset cannot run, and answers -EINVAL: CR0 without PE, PG without PE,
 * NW without CD, unknown CR0/CR4 bits, CR4.PAE, EFER bits other than SVME (kept set; CR3's low
 * bits are ignored by 2-level paging, so any CR3 goes), segment attributes with bits 15:12 or L set, a CS that is not a present code
 * segment, an SS that is not a present writable data segment (or a DPL other than CS's), a
 * present data segment that is a system descriptor, a TR that is not a present 32-bit TSS, an
 * LDT that is present but not an LDT, a limit its G bit cannot express, an interrupt shadow
 * other than 0 or 1. With shadow paging (VM_MODE_SHADOW) the guest's CR0/CR3/CR4 live in the
 * hypervisor's shadow state, not in the VMCB: both calls answer -EINVAL there. */
#define VCPU_GET_SREGS   VM_IOC(0x83)
#define VCPU_SET_SREGS   VM_IOC(0x84)
struct vm_segment { uint32_t base, limit; uint16_t selector, attrib; };
struct vm_dtable { uint32_t base; uint16_t limit, pad; };
struct vm_sregs {
    struct vm_segment cs, ds, es, fs, gs, ss, tr, ldt;
    struct vm_dtable gdt, idt;
    uint32_t cr0, cr2, cr3, cr4;
    uint64_t efer;                      /* as the guest sees it: SVME hidden */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;   /* the MSRs VMLOAD/VMSAVE switch */
    uint32_t dr6, dr7;
    uint32_t int_shadow;                /* 1: the guest is in an STI/MOV SS interrupt shadow */
};

/* VM_GET_DEVICES / VM_SET_DEVICES (KVM_GET/SET_IRQCHIP + KVM_GET/SET_PIT2 + kvmtool's serial
 * state + KVM_GET/SET_VCPU_EVENTS' pending injection, in one struct): the virtual 8259A pair,
 * the 8254's channel 0, the 16550 at COM1 with its receive buffer, and an event waiting in
 * EVENTINJ. The PIT's time base is relative: phase_ticks is how far (in 1.193182 MHz ticks) the
 * current period had run, so a restore on a later host clock continues the same phase.
 * An IRQ offered by V_IRQ is never outstanding between two VCPU_RUNs (it was taken or withdrawn
 * at the exit, hyperv/vpic.c), so the PICs' IRR is the whole pending-interrupt state.
 * SET checks each field's range and answers -EINVAL. */
#define VM_GET_DEVICES   VM_IOC(0x64)
#define VM_SET_DEVICES   VM_IOC(0x65)
#define VM_DEV_RXBUF     256
#define VM_DEV_SNAPSHOT_HC 1u           /* flags: the vCPU is stopped in the VM_HC_SNAPSHOT hypercall */
struct vm_devices {
    struct { uint8_t irr, isr, imr, base, init_step, icw4, read_isr, pad; } pic[2];   /* master, slave */
    struct {
        uint8_t mode, access, write_hi, read_hi, latched, counting, fired, pad;
        uint16_t reload, latch;
        uint32_t phase_ticks;           /* ticks into the current period (counting only) */
    } pit;
    struct {
        uint8_t ier, lcr, mcr, scr, dll, dlm, pad[2];
        uint32_t rx_len;                /* bytes waiting in rx[], oldest first */
        uint8_t rx[VM_DEV_RXBUF];
    } uart;
    uint32_t eventinj, eventinj_err;    /* VMCB EVENTINJ: an event to deliver at the next VMRUN */
    uint32_t flags;                     /* VM_DEV_*: read-only */
};

#endif
