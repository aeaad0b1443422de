/* Debug console and debug exit, the conventions QEMU and Bochs share:
 * - port 0xE9: a byte written goes to the output callback; a read returns 0xE9 (Bochs), so a
 *   guest can tell the console is there. Bytes are collected and handed on in blocks (one host
 *   write per byte made a chatty guest 85 times slower), or a line at a time when the console
 *   is line-buffered (a terminal, as stdio does it); the machine also flushes at the end of
 *   every run slice and before it writes anything of its own to the same stream;
 * - ports 0xF4-0xF7: QEMU isa-debug-exit (iobase 0xF4, iosize 4): writing value v asks the
 *   emulator to exit with status (v << 1) | 1. The first request wins. */
#ifndef VX86_DEBUGPORT_H
#define VX86_DEBUGPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/debugport_abi.h"   /* the port numbers */
#include "devices/dev.h"

#define DEBUGPORT_BUFFER    4096    /* console bytes held before the output callback is called */

typedef struct debugport {
    bool exit_requested;
    uint32_t exit_status;
    const dev_host *host;
    void (*out)(void *ctx, const uint8_t *bytes, size_t len);
    void *out_ctx;
    bool line_buffered;                  /* hand each line on at its newline */
    size_t pending;                      /* console bytes in buf not yet handed to out */
    uint8_t buf[DEBUGPORT_BUFFER];
} debugport;

/* `out` (may be NULL) receives the bytes written to 0xE9, in order, in blocks of up to
 * DEBUGPORT_BUFFER bytes: when the buffer fills, at each debugport_flush, and after each newline
 * if line-buffered (off after init). */
void debugport_init(debugport *d, const dev_host *host, void (*out)(void *ctx, const uint8_t *bytes, size_t len),
                    void *ctx);
/* Hand every held console byte to the output callback now. */
void debugport_flush(debugport *d);
void debugport_set_line_buffered(debugport *d, bool on);
uint32_t debugport_io_read(debugport *d, uint16_t port, int size);
void debugport_io_write(debugport *d, uint16_t port, int size, uint32_t value);

bool debugport_exit_requested(const debugport *d);
/* (v << 1) | 1 for the value v written (a process exit status keeps its low 8 bits). */
uint32_t debugport_exit_status(const debugport *d);

size_t debugport_save(const debugport *d, uint8_t *buf, size_t cap);
bool debugport_load(debugport *d, const uint8_t *buf, size_t len);

#endif
