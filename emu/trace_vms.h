/* The VMs rebuilt from the trace: VM_CREATE / VM_EXIT records
 * from the guest's hypervisor name each VM, its ASID, the task running its vCPU and its memory;
 * the CPU's own VMRUN and #VMEXIT events (emu/trace.h: vector = the guest's ASID) give, per VM,
 * its runs and exits, and per exit code a count, the cycles the guest ran before those exits
 * (the #VMEXIT payload's guest_cycles) and the cycles the host spent handling them: from the
 * #VMEXIT to the next VMRUN (of any VM; an exit after which no VMRUN came yet, or after which
 * its VM ended, is counted but not "handled"). As a view model it is plain data, VMs by id with
 * their exit codes in code order; vm_exits_text draws the exit histogram with cycles and
 * vm_exits_svg its bars, and the TUI and SDL renderers read the same arrays.
 *
 * #VMEXITs go to the VM that VM_CREATE gave their ASID and that has not ended; an ASID no
 * VM_CREATE named gets a VM of id 0 named "asid N" (a hypervisor that sends no records). */
#ifndef VX86_TRACE_VMS_H
#define VX86_TRACE_VMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/probe_abi.h"

struct trace;

typedef struct vm_exit_stat {
    uint64_t code;                        /* the EXITCODE (arch/svm.h) */
    uint32_t count;                       /* exits with it */
    uint32_t handled;                     /* of those, followed by a VMRUN */
    uint64_t handle_cycles;               /* #VMEXIT to the next VMRUN, summed over `handled` */
    uint64_t guest_cycles;                /* the guest ran before them, summed */
} vm_exit_stat;

typedef struct vm_info {
    uint32_t vm, asid, pid, memory_kib;
    char name[VX86_PROBE_NAME_LEN + 1];
    bool created_seen, exited;
    int32_t status;                       /* VM_EXIT's */
    uint64_t created, exited_at;
    uint32_t runs, exits;                 /* VMRUNs, #VMEXITs */
    uint64_t guest_cycles, handle_cycles; /* totals of its codes */
    vm_exit_stat *codes;                  /* by code */
    size_t code_count, code_cap;
} vm_info;

typedef struct vm_table {
    vm_info *vms;                         /* by (vm id, asid) once vm_table_finish ran */
    size_t count, cap;
    long pending_vm;                      /* folding state: the exit waiting for its VMRUN */
    size_t pending_code;
    uint64_t pending_cycle;
    bool failed, partial;
} vm_table;

void vm_table_init(vm_table *vt);
void vm_table_free(vm_table *vt);
/* Fold VM_CREATE, VM_EXIT, VMRUN (asid) and VMEXIT (asid, exitcode, guest_cycles) in cycle order. */
void vm_table_create(vm_table *vt, uint64_t cycle, const vx86_probe_vm_create *c);
void vm_table_end(vm_table *vt, uint64_t cycle, uint32_t vm, int32_t status);
void vm_table_vmrun(vm_table *vt, uint64_t cycle, uint32_t asid);
void vm_table_vmexit(vm_table *vt, uint64_t cycle, uint32_t asid, uint64_t exitcode, uint64_t guest_cycles);
/* Sort; call once after the last record. */
void vm_table_finish(vm_table *vt);
bool vm_table_from_trace(vm_table *vt, const struct trace *t, uint64_t now);

/* Text: per VM a heading (id, name, ASID, vCPU task, memory, state, totals) and a line per exit
 * code: name, code, count with a bar scaled to the VM's most frequent code, handling cycles in
 * all and per handled exit, and guest cycles. malloc'd, NULL if out of memory. */
char *vm_exits_text(const vm_table *vt);
/* SVG 1.1: per VM a heading and a horizontal bar per exit code (length = count, tooltip with
 * the cycles), labelled with the name and the mean handling cycles. */
char *vm_exits_svg(const vm_table *vt, int width_px);

#endif
