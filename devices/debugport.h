/* Debug console and debug exit, the conventions QEMU and Bochs share:
 * - port 0xE9: a byte written goes to the output callback; a read returns 0xE9 (Bochs), so a
 *   guest can tell the console is there;
 * - ports 0xF4-0xF7: QEMU isa-debug-exit (iobase 0xF4, iosize 4): writing value v asks the
 *   emulator to exit with status (v << 1) | 1. The first request wins. */
#ifndef VX86_DEBUGPORT_H
#define VX86_DEBUGPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/debugport_abi.h"   /* the port numbers */
#include "devices/dev.h"

typedef struct debugport {
    bool exit_requested;
    uint32_t exit_status;
    const dev_host *host;
    void (*out)(void *ctx, uint8_t byte);
    void *out_ctx;
} debugport;

/* `out` (may be NULL) receives bytes written to 0xE9. */
void debugport_init(debugport *d, const dev_host *host, void (*out)(void *ctx, uint8_t byte), void *ctx);
uint32_t debugport_io_read(debugport *d, uint16_t port, int size);
void debugport_io_write(debugport *d, uint16_t port, int size, uint32_t value);

bool debugport_exit_requested(const debugport *d);
/* (v << 1) | 1 for the value v written (a process exit status keeps its low 8 bits). */
uint32_t debugport_exit_status(const debugport *d);

size_t debugport_save(const debugport *d, uint8_t *buf, size_t cap);
bool debugport_load(debugport *d, const uint8_t *buf, size_t len);

#endif
