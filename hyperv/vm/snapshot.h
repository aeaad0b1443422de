/* snapshot.h: vm's VM snapshots (snapshot.c), called from vm.c. */
#ifndef HYPERV_VM_SNAPSHOT_H
#define HYPERV_VM_SNAPSHOT_H
#include <stdint.h>

/* Save the VM behind vmfd (mem_size bytes of guest RAM) to path: its registers and every page
 * that is not all zeros. Returns 0, or vm's EX_RUN status after saying why on stderr. */
int vm_snapshot_save(int vmfd, uint32_t mem_size, const char *path);
/* `vm restore [--stats] [--timeout MS] FILE`: a new VM from a snapshot, run to its end; returns
 * the guest's status as `vm run` does. */
int vm_restore(int argc, char **argv);

#endif
