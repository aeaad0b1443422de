/* vcpu_state.h: the vCPU's state beyond struct vm_regs and the VM's devices, as one blob a
 * snapshot file carries (vcpu_state.c). */
#ifndef HYPERV_VM_VCPU_STATE_H
#define HYPERV_VM_VCPU_STATE_H
#include <stdint.h>

#define VCPU_STATE_MAX 2048u               /* the room a snapshot file keeps for it */

/* Reads VCPU_GET_SREGS and VM_GET_DEVICES of the VM behind vmfd into buf (size bytes).
 * Returns the blob's length; 0 when the VM keeps its control registers elsewhere (shadow
 * paging: the snapshot then restores only a guest in VCPU_CREATE's state, as before); -1 after
 * one line on stderr. */
int vcpu_state_save(int vmfd, void *buf, uint32_t size);

/* Gives a blob of vcpu_state_save back to a VM made with VCPU_CREATE (VCPU_SET_SREGS,
 * VM_SET_DEVICES). Returns 0, or -1 after one line on stderr naming `what` (the file) and the
 * problem: a blob of the wrong size or magic, or registers or devices the kernel refuses. */
int vcpu_state_load(int vmfd, const void *buf, uint32_t size, const char *what);

/* 1 if the blob was saved while the guest sat in the VM_HC_SNAPSHOT hypercall (a restore then
 * answers that hypercall with the clone's generation ID), else 0. */
int vcpu_state_in_snapshot_call(const void *buf, uint32_t size);

#endif
