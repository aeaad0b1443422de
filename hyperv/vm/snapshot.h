/* snapshot.h: vm's VM snapshots (snapshot.c), called from vm.c. */
#ifndef HYPERV_VM_SNAPSHOT_H
#define HYPERV_VM_SNAPSHOT_H
#include <stdint.h>
#include <stdio.h>
#include "kernel/uapi/vm.h"

/* The first page of a snapshot file; the guest's pages follow at 4096 + gpa (the ones not all
 * zeros; the others are holes). snapdiff (labs/snapshots/os) reads the same layout. */
#define VM_SNAP_HEADER 4096u
#define VM_SNAP_MAGIC "VMSNAP2"
struct vm_snap_header {
    char magic[8];                          /* "VMSNAP2" */
    uint32_t mem_size;
    uint32_t state_len;                     /* bytes of vcpu_state in use; 0: none (shadow paging) */
    struct vm_regs regs;
    uint8_t vcpu_state[2048];               /* the rest of the vCPU and the devices (vcpu_state.c:
                                               control and segment registers, PIC/PIT/UART) */
};
_Static_assert(sizeof(struct vm_snap_header) <= VM_SNAP_HEADER, "the header fits its page");

/* Save the VM behind vmfd (mem_size bytes of guest RAM) to path: its registers and every page
 * that is not all zeros. Returns 0, or vm's EX_RUN status after saying why on stderr. */
int vm_snapshot_save(int vmfd, uint32_t mem_size, const char *path);
/* `vm restore [--stats] [--timeout MS] FILE`: a new VM from a snapshot, run to its end; returns
 * the guest's status as `vm run` does. */
int vm_restore(int argc, char **argv);
/* The memory line of --stats (struct vm_stats' mem_* counters); always, or only when not 0. */
void vm_print_mem_stats(FILE *to, const struct vm_stats *s, int always);
/* vm.c: run the VM behind fd on this console as vm run does (raw tty, stdin to its UART,
 * Ctrl-] stops it), saving it to snapshot_out (or NULL) at VM_HC_SNAPSHOT or a debug-exit end;
 * --stats printed at the end if want_stats. Returns vm's exit status. */
int vm_run_attached(int fd, uint32_t mem, const char *snapshot_out, int want_stats);

#endif
