/* Bochs 0xE9 console and QEMU isa-debug-exit. */
#include "devices/debugport.h"

#include <string.h>

#include "devices/devsnap.h"

#define DEBUGPORT_SNAP_VERSION 1

void debugport_init(debugport *d, const dev_host *host, void (*out)(void *ctx, const uint8_t *bytes, size_t len),
                    void *ctx)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    d->out = out;
    d->out_ctx = ctx;
}

void debugport_flush(debugport *d)
{
    if (d->pending && d->out) d->out(d->out_ctx, d->buf, d->pending);
    d->pending = 0;
}

void debugport_set_line_buffered(debugport *d, bool on)
{
    d->line_buffered = on;
}

static bool is_exit_port(uint16_t port)
{
    return port >= DEBUGPORT_EXIT && port < DEBUGPORT_EXIT + DEBUGPORT_EXIT_SIZE;
}

uint32_t debugport_io_read(debugport *d, uint16_t port, int size)
{
    (void)d;
    uint32_t mask = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
    if (port == DEBUGPORT_CONSOLE) return DEBUGPORT_CONSOLE & mask;   /* Bochs' presence check */
    return 0xFFFFFFFFu & mask;       /* debug-exit has no read side: an empty bus */
}

void debugport_io_write(debugport *d, uint16_t port, int size, uint32_t value)
{
    if (port == DEBUGPORT_CONSOLE) {
        /* A wider write sends each byte, as consecutive byte writes would. */
        for (int i = 0; i < size && i < 4 && d->out; i++) {
            uint8_t byte = (uint8_t)(value >> (8 * i));
            d->buf[d->pending++] = byte;
            if ((byte == '\n' && d->line_buffered) || d->pending == DEBUGPORT_BUFFER) debugport_flush(d);
        }
        return;
    }
    if (is_exit_port(port) && !d->exit_requested) {
        /* QEMU uses the written value whatever the offset or width inside the 4-byte window. */
        uint32_t mask = size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
        d->exit_requested = true;
        d->exit_status = ((value & mask) << 1) | 1;
    }
}

bool debugport_exit_requested(const debugport *d)
{
    return d->exit_requested;
}

uint32_t debugport_exit_status(const debugport *d)
{
    return d->exit_status;
}

size_t debugport_save(const debugport *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, DEBUGPORT_SNAP_VERSION);
    devsnap_put_u8(&w, d->exit_requested);
    devsnap_put_u32(&w, d->exit_status);
    return devsnap_finish(&w);
}

bool debugport_load(debugport *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != DEBUGPORT_SNAP_VERSION) return false;
    bool requested = devsnap_get_u8(&r);
    uint32_t status = devsnap_get_u32(&r);
    if (!devsnap_done(&r)) return false;
    d->exit_requested = requested;
    d->exit_status = status;
    return true;
}
