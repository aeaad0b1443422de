/* The trace probe: copies guest records out of guest memory, bounded and validated. */
#include "devices/probe.h"

#include <string.h>

#include "devices/devsnap.h"

#define PROBE_SNAP_VERSION 1

void probe_init(probe *d, const dev_host *host, const probe_callbacks *cb)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    if (cb) d->cb = *cb;
}

static void report_error(probe *d, uint32_t pa, uint16_t kind, uint16_t length, uint32_t reason)
{
    d->errors++;
    if (!d->cb.record) return;
    /* Serialized field by field so the payload is little-endian whatever the host. */
    uint8_t p[sizeof(vx86_probe_error)];
    devsnap_writer w = { p, sizeof p, 0 };
    devsnap_put_u32(&w, pa);
    devsnap_put_u16(&w, kind);
    devsnap_put_u16(&w, length);
    devsnap_put_u32(&w, reason);
    d->cb.record(d->cb.ctx, VX86_PROBE_KIND_ERROR, p, (uint16_t)sizeof p);
}

/* VX86_PROBE_KIND_FORWARDED: {u32 vm, inner header, inner payload} (probe_abi.h). */
static bool take_forwarded(probe *d, uint32_t pa, const uint8_t *p, uint16_t len)
{
    uint16_t kind = len >= 8 ? (uint16_t)(p[4] | p[5] << 8) : 0;
    uint16_t inner = len >= 8 ? (uint16_t)(p[6] | p[7] << 8) : 0;
    if (len < 8 || inner != len - 8 || kind == 0 || kind == VX86_PROBE_KIND_ERROR ||
        kind == VX86_PROBE_KIND_FORWARDED) {
        report_error(d, pa, VX86_PROBE_KIND_FORWARDED, len, VX86_PROBE_ERR_BAD_KIND);
        return false;
    }
    uint32_t vm = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    d->records++;
    if (d->cb.record_vm) d->cb.record_vm(d->cb.ctx, vm, kind, p + 8, inner);
    else if (d->cb.record) d->cb.record(d->cb.ctx, kind, p + 8, inner);
    return true;
}

bool probe_take(probe *d, uint32_t pa)
{
    uint8_t header[VX86_PROBE_HEADER_SIZE];
    if (!d->cb.read_phys || pa > UINT32_MAX - VX86_PROBE_HEADER_SIZE ||
        !d->cb.read_phys(d->cb.ctx, pa, header, sizeof header)) {
        report_error(d, pa, 0, 0, VX86_PROBE_ERR_UNREADABLE);
        return false;
    }
    uint16_t kind = (uint16_t)(header[0] | header[1] << 8);
    uint16_t length = (uint16_t)(header[2] | header[3] << 8);
    if (kind == 0 || kind == VX86_PROBE_KIND_ERROR) {
        report_error(d, pa, kind, length, VX86_PROBE_ERR_BAD_KIND);
        return false;
    }
    if (length > VX86_PROBE_MAX_PAYLOAD) {
        report_error(d, pa, kind, length, VX86_PROBE_ERR_TOO_LONG);
        return false;
    }
    uint8_t payload[VX86_PROBE_MAX_PAYLOAD];
    uint32_t payload_pa = pa + VX86_PROBE_HEADER_SIZE;
    if (length && (payload_pa > UINT32_MAX - (length - 1u) ||
                   !d->cb.read_phys(d->cb.ctx, payload_pa, payload, length))) {
        report_error(d, pa, kind, length, VX86_PROBE_ERR_UNREADABLE);
        return false;
    }
    if (kind == VX86_PROBE_KIND_FORWARDED) return take_forwarded(d, pa, payload, length);
    d->records++;
    if (d->cb.record) d->cb.record(d->cb.ctx, kind, payload, length);
    return true;
}

static uint32_t size_mask(int size)
{
    return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

uint32_t probe_io_read(probe *d, uint16_t port, int size)
{
    if (port >= VX86_PROBE_PORT_MAGIC && port < VX86_PROBE_PORT_RECORD + VX86_PROBE_PORT_COUNT) {
        /* Narrow reads inside the magic see the matching bytes ("V", "X", "8", "6"). */
        uint64_t magic = (uint64_t)VX86_PROBE_MAGIC | 0xFFFFFFFF00000000ull;
        return (uint32_t)(magic >> (8 * (port - VX86_PROBE_PORT_MAGIC))) & size_mask(size);
    }
    if (port == VX86_PROBE_PORT_RECORD) return (uint32_t)d->records & size_mask(size);
    return 0xFFFFFFFFu & size_mask(size);
}

void probe_io_write(probe *d, uint16_t port, int size, uint32_t value)
{
    if (port == VX86_PROBE_PORT_RECORD) probe_take(d, value & size_mask(size));
}

size_t probe_save(const probe *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, PROBE_SNAP_VERSION);
    devsnap_put_u64(&w, d->records);
    devsnap_put_u64(&w, d->errors);
    return devsnap_finish(&w);
}

bool probe_load(probe *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != PROBE_SNAP_VERSION) return false;
    uint64_t records = devsnap_get_u64(&r), errors = devsnap_get_u64(&r);
    if (!devsnap_done(&r)) return false;
    d->records = records;
    d->errors = errors;
    return true;
}
