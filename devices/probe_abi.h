/* The vx86 trace probe ABI, shared by host (devices/probe.c, emu/) and guest code (kernel/,
 * hyperv/, containers/). Must compile hosted and freestanding: it includes only <stdint.h>.
 *
 * A guest builds a record in memory, {u16 kind, u16 length, payload[length]}, little-endian,
 * and writes its guest-physical address to port VX86_PROBE_PORT_RECORD with a 32-bit OUT.
 * The emulator copies it at once (so the buffer may be reused right after the OUT) and stamps
 * it with the cycle count and CPU context. Reading VX86_PROBE_PORT_MAGIC (32-bit IN) returns
 * VX86_PROBE_MAGIC on vx86; QEMU and Bochs return 0xFFFFFFFF, so the guest can skip tracing. */
#ifndef VX86_PROBE_ABI_H
#define VX86_PROBE_ABI_H

#include <stdint.h>

#define VX86_PROBE_ABI_VERSION   1
#define VX86_PROBE_PORT_RECORD   0x0E80   /* write: physical address of a record */
#define VX86_PROBE_PORT_MAGIC    0x0E84   /* read: VX86_PROBE_MAGIC */
#define VX86_PROBE_PORT_COUNT    8        /* the probe decodes 0x0E80-0x0E87 */
#define VX86_PROBE_MAGIC         0x36385856u   /* the bytes "VX86" read as a little-endian u32 */

#define VX86_PROBE_HEADER_SIZE   4
#define VX86_PROBE_MAX_RECORD    256      /* header included */
#define VX86_PROBE_MAX_PAYLOAD   (VX86_PROBE_MAX_RECORD - VX86_PROBE_HEADER_SIZE)

typedef struct vx86_probe_header {
    uint16_t kind;                        /* enum vx86_probe_kind */
    uint16_t length;                      /* payload bytes after the header, <= MAX_PAYLOAD */
} vx86_probe_header;

/* Record kinds: the one table of trace kinds the guest can emit. 0 is never valid (it catches
 * zeroed memory); VX86_PROBE_KIND_ERROR is produced by the emulator only. */
enum vx86_probe_kind {
    VX86_PROBE_KIND_TASK_CREATE     = 0x0001,
    VX86_PROBE_KIND_TASK_EXIT       = 0x0002,
    VX86_PROBE_KIND_SWITCH          = 0x0003,
    VX86_PROBE_KIND_NS_CREATE       = 0x0004,
    VX86_PROBE_KIND_CGROUP_ATTACH   = 0x0005,
    VX86_PROBE_KIND_CGROUP_THROTTLE = 0x0006,
    VX86_PROBE_KIND_CGROUP_OOM      = 0x0007,
    VX86_PROBE_KIND_MOUNT           = 0x0008,
    VX86_PROBE_KIND_HOSTNAME        = 0x0009,
    VX86_PROBE_KIND_VM_CREATE       = 0x000A,
    VX86_PROBE_KIND_VM_EXIT         = 0x000B,
    VX86_PROBE_KIND_LAB_MARK        = 0x000C,
    VX86_PROBE_KIND_CGROUP_STAT     = 0x000D,
    VX86_PROBE_KIND_LAST            = VX86_PROBE_KIND_CGROUP_STAT,
    VX86_PROBE_KIND_FORWARDED       = 0x00FE,   /* a wrapper the probe unwraps: see below */
    VX86_PROBE_KIND_ERROR           = 0xFFFF,
};

/* Suggested payloads (all fields naturally aligned, no padding; strings NUL-padded, not
 * necessarily NUL-terminated when full). A guest may send a shorter payload for a kind; the
 * decoder treats missing trailing fields as zero. */
#define VX86_PROBE_NAME_LEN 16

enum vx86_probe_ns_type {
    VX86_PROBE_NS_PID = 1, VX86_PROBE_NS_MNT = 2, VX86_PROBE_NS_UTS = 3,
    VX86_PROBE_NS_IPC = 4, VX86_PROBE_NS_USER = 5, VX86_PROBE_NS_NET = 6,
    VX86_PROBE_NS_CGROUP = 7,
};

typedef struct vx86_probe_task_create {
    uint32_t pid, parent_pid, ns_pid;     /* ns_pid: the pid inside its own PID namespace */
    uint32_t pid_ns, mnt_ns, uts_ns, ipc_ns;
    uint32_t cgroup, vm;                  /* vm 0 = the host */
    char name[VX86_PROBE_NAME_LEN];
} vx86_probe_task_create;

typedef struct vx86_probe_task_exit {
    uint32_t pid;
    int32_t status;
} vx86_probe_task_exit;

/* A task's state as switch records report it (prev_state): xv6's order, which the toy OS's
 * enum procstate follows, so the kernel can send its own number. */
enum vx86_probe_task_state {
    VX86_PROBE_TASK_UNUSED = 0, VX86_PROBE_TASK_EMBRYO = 1, VX86_PROBE_TASK_SLEEPING = 2,
    VX86_PROBE_TASK_RUNNABLE = 3, VX86_PROBE_TASK_RUNNING = 4, VX86_PROBE_TASK_ZOMBIE = 5,
    VX86_PROBE_TASK_STOPPED = 6,
};

typedef struct vx86_probe_switch {
    uint32_t prev_pid, next_pid;
    uint32_t prev_state;                  /* enum vx86_probe_task_state: why prev stopped running */
} vx86_probe_switch;

typedef struct vx86_probe_ns_create {
    uint32_t ns_id, ns_type;              /* enum vx86_probe_ns_type */
    uint32_t parent_ns, creator_pid;
} vx86_probe_ns_create;

typedef struct vx86_probe_cgroup_attach {
    uint32_t pid, cgroup;
    char path[64];
} vx86_probe_cgroup_attach;

typedef struct vx86_probe_cgroup_throttle {
    uint32_t cgroup, pid;
    uint64_t quota_us, period_us;         /* the cpu.max in force */
} vx86_probe_cgroup_throttle;

typedef struct vx86_probe_cgroup_oom {
    uint32_t cgroup, pid;                 /* pid: the task killed */
    uint32_t usage_bytes, max_bytes;
} vx86_probe_cgroup_oom;

/* A cgroup's limits and usage as its interface files say them (cgroup-v2.rst), sent whenever the
 * kernel likes (on a change, or each period): pids.current/max, memory.current/max, cpu.weight,
 * cpu.max and cpu.stat, memory.events oom_kill, pids.events max. VX86_PROBE_CGROUP_MAX stands for
 * the files' "max" (no limit). path names the cgroup as CGROUP_ATTACH does. */
#define VX86_PROBE_CGROUP_MAX 0xFFFFFFFFu

typedef struct vx86_probe_cgroup_stat {
    uint32_t cgroup;
    uint32_t pids_current, pids_max;
    uint32_t memory_current, memory_max;  /* bytes */
    uint32_t cpu_weight;
    uint64_t cpu_usage_us;                /* cpu.stat usage_usec */
    uint32_t cpu_quota_us, cpu_period_us; /* cpu.max */
    uint32_t nr_periods, nr_throttled;    /* cpu.stat */
    uint64_t throttled_us;                /* cpu.stat throttled_usec */
    uint32_t oom_kills, pids_events_max;  /* memory.events oom_kill, pids.events max */
    char path[64];
} vx86_probe_cgroup_stat;

typedef struct vx86_probe_mount {
    uint32_t mnt_ns, pid;
    char fstype[VX86_PROBE_NAME_LEN];
    char source[48];
    char target[48];
} vx86_probe_mount;

typedef struct vx86_probe_hostname {
    uint32_t uts_ns, pid;
    char name[64];
} vx86_probe_hostname;

typedef struct vx86_probe_vm_create {
    uint32_t vm, asid, pid;               /* pid: the task that runs the vCPU */
    uint32_t memory_kib;
    char name[VX86_PROBE_NAME_LEN];
} vx86_probe_vm_create;

typedef struct vx86_probe_vm_exit {
    uint32_t vm;
    int32_t status;
} vx86_probe_vm_exit;

typedef struct vx86_probe_lab_mark {
    uint32_t id;
    char text[VX86_PROBE_MAX_PAYLOAD - 4];   /* send only the used part: length = 4 + strlen */
} vx86_probe_lab_mark;

/* A record a hypervisor forwards from one of its VMs: it intercepts its guests' probe port and
 * copies their records out of guest memory, so the OUT that reaches the probe runs in the host's
 * CPU context. The payload is the VM's id, then the guest's record (header and payload); the
 * probe unwraps it and the trace gets the inner record with `vm` as its VM tag. Not a trace kind
 * of its own; an inner record of kind 0, ERROR or FORWARDED, or whose length is not the rest of
 * the payload, is a BAD_KIND error. */
typedef struct vx86_probe_forwarded {
    uint32_t vm;
    vx86_probe_header inner;              /* then inner.length payload bytes */
} vx86_probe_forwarded;
#define VX86_PROBE_FORWARD_MAX_PAYLOAD (VX86_PROBE_MAX_PAYLOAD - 8)

/* Emitted by the emulator for a record it could not take. */
enum vx86_probe_error_reason {
    VX86_PROBE_ERR_UNREADABLE = 1,        /* the header or payload is outside guest memory */
    VX86_PROBE_ERR_TOO_LONG   = 2,        /* length > VX86_PROBE_MAX_PAYLOAD */
    VX86_PROBE_ERR_BAD_KIND   = 3,        /* kind 0 or VX86_PROBE_KIND_ERROR */
};

typedef struct vx86_probe_error {
    uint32_t address;                     /* what the guest wrote to the port */
    uint16_t kind, length;                /* the header as read (0 if unreadable) */
    uint32_t reason;                      /* enum vx86_probe_error_reason */
} vx86_probe_error;

/* Layouts are part of the ABI: fail the build if a compiler ever pads them. */
#define VX86_PROBE_ASSERT_SIZE(type, size) \
    typedef char vx86_probe_size_check_##type[(sizeof(type) == (size)) ? 1 : -1]
VX86_PROBE_ASSERT_SIZE(vx86_probe_header, 4);
VX86_PROBE_ASSERT_SIZE(vx86_probe_task_create, 52);
VX86_PROBE_ASSERT_SIZE(vx86_probe_task_exit, 8);
VX86_PROBE_ASSERT_SIZE(vx86_probe_switch, 12);
VX86_PROBE_ASSERT_SIZE(vx86_probe_ns_create, 16);
VX86_PROBE_ASSERT_SIZE(vx86_probe_cgroup_attach, 72);
VX86_PROBE_ASSERT_SIZE(vx86_probe_cgroup_throttle, 24);
VX86_PROBE_ASSERT_SIZE(vx86_probe_cgroup_oom, 16);
VX86_PROBE_ASSERT_SIZE(vx86_probe_cgroup_stat, 128);
VX86_PROBE_ASSERT_SIZE(vx86_probe_mount, 120);
VX86_PROBE_ASSERT_SIZE(vx86_probe_hostname, 72);
VX86_PROBE_ASSERT_SIZE(vx86_probe_vm_create, 32);
VX86_PROBE_ASSERT_SIZE(vx86_probe_vm_exit, 8);
VX86_PROBE_ASSERT_SIZE(vx86_probe_lab_mark, VX86_PROBE_MAX_PAYLOAD);
VX86_PROBE_ASSERT_SIZE(vx86_probe_error, 12);

#endif
