/* The vx86 trace probe at ports 0x0E80-0x0E87 (ABI in devices/probe_abi.h).
 * A 32-bit write to 0x0E80 names the guest-physical address of a record; the probe copies the
 * header and at most VX86_PROBE_MAX_PAYLOAD payload bytes through `read_phys` and hands them
 * to `record`. A bad record (unreadable, too long, kind 0 or ERROR) is counted and reported to
 * the same sink as a VX86_PROBE_KIND_ERROR record carrying a vx86_probe_error payload.
 * Reads: 0x0E84 gives the magic, 0x0E80 the number of records taken (low 32 bits). */
#ifndef VX86_PROBE_H
#define VX86_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/dev.h"
#include "devices/probe_abi.h"

typedef struct probe_callbacks {
    void *ctx;
    /* Copy len bytes of guest-physical memory at pa into buf; false if any byte is not RAM. */
    bool (*read_phys)(void *ctx, uint32_t pa, void *buf, size_t len);
    /* A record taken from the guest (or an error record); payload is valid during the call. */
    void (*record)(void *ctx, uint16_t kind, const uint8_t *payload, uint16_t len);
    /* A record a hypervisor forwarded from VM `vm` (VX86_PROBE_KIND_FORWARDED, unwrapped); NULL:
     * it goes to record() as it is. */
    void (*record_vm)(void *ctx, uint32_t vm, uint16_t kind, const uint8_t *payload, uint16_t len);
} probe_callbacks;

typedef struct probe {
    uint64_t records;              /* good records delivered */
    uint64_t errors;               /* bad records reported */
    const dev_host *host;
    probe_callbacks cb;
} probe;

void probe_init(probe *d, const dev_host *host, const probe_callbacks *cb);
uint32_t probe_io_read(probe *d, uint16_t port, int size);
void probe_io_write(probe *d, uint16_t port, int size, uint32_t value);

/* Take the record at guest-physical address pa, exactly as a write to 0x0E80 does (the
 * hypervisor path in emu/ may call it directly). Returns true for a good record. */
bool probe_take(probe *d, uint32_t pa);

size_t probe_save(const probe *d, uint8_t *buf, size_t cap);
bool probe_load(probe *d, const uint8_t *buf, size_t len);

#endif
