/* The GDB remote stub: lets `gdb IMAGE.elf -ex 'target remote :PORT'` debug guest code.
 *
 * Two layers:
 *   - the protocol core (gdbstub_create ... gdbstub_run_slice): bytes in, bytes out through a
 *     callback, no sockets, so unit tests drive it from memory;
 *   - the TCP server (gdbstub_server_*, gdbstub_serve): listens on 127.0.0.1 only, one client at a
 *     time, and feeds the core.
 * The stub drives the machine through emu/machine.h only. See emu/gdb/README.md for the packets. */
#ifndef VX86_GDBSTUB_H
#define VX86_GDBSTUB_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "emu/machine.h"

/* Longest packet body the stub accepts (advertised as PacketSize); longer ones get E01. */
#define GDBSTUB_PACKET_MAX 16384
/* Cycles the guest runs between two looks at the socket while gdb has it running (Ctrl-C). */
#define GDBSTUB_SLICE_CYCLES 200000u

typedef enum gdbstub_state {
    GDBSTUB_WAITING,    /* (server only) no debugger connected: the caller owns the machine */
    GDBSTUB_STOPPED,    /* gdb is connected and the guest is stopped */
    GDBSTUB_RUNNING,    /* gdb resumed the guest: keep calling gdbstub_run_slice / gdbstub_poll */
    GDBSTUB_DETACHED,   /* gdb detached or hung up: the guest may run freely */
    GDBSTUB_KILLED,     /* gdb sent 'k' */
    GDBSTUB_ENDED,      /* the guest ended (exit, halt, triple fault) and gdb was told */
} gdbstub_state;

/* ---- the protocol core ---- */

typedef struct gdbstub gdbstub;
/* Where the core's output goes (acks and packets, already framed). */
typedef void (*gdbstub_send_fn)(void *ctx, const void *bytes, size_t len);

/* A session on machine m, stopped. trace (may be NULL) gets one line per packet each way. */
gdbstub *gdbstub_create(machine *m, gdbstub_send_fn send, void *send_ctx, FILE *trace);
/* Ends the session: removes every breakpoint and watchpoint gdb set. */
void gdbstub_destroy(gdbstub *s);
/* Bytes received from gdb, any amount, split anywhere. Stopped-state requests (registers, memory,
 * single steps) are answered at once; 'c' only moves the state to GDBSTUB_RUNNING. */
void gdbstub_input(gdbstub *s, const void *bytes, size_t len);
gdbstub_state gdbstub_get_state(const gdbstub *s);
/* The run ends at machine cycle `at` (--max-cycles; UINT64_MAX, the default: never). Reaching it
 * while gdb runs or steps the guest ends the session with "X18" (SIGXCPU) and end reason
 * MACHINE_STOP_LIMIT. */
void gdbstub_set_cycle_limit(gdbstub *s, uint64_t at);
/* In GDBSTUB_RUNNING: run the guest up to `cycles` more (a pending Ctrl-C stops it first) and
 * send the stop reply if it stopped. Does nothing in other states. */
void gdbstub_run_slice(gdbstub *s, uint64_t cycles);
/* In GDBSTUB_ENDED: how the guest ended (MACHINE_STOP_EXIT, _HALTED, _SHUTDOWN, or _LIMIT at the
 * cycle limit). */
machine_stop gdbstub_end_reason(const gdbstub *s);

/* ---- the TCP server ---- */

typedef struct gdbstub_server gdbstub_server;
/* Listen on 127.0.0.1:port (0 picks a free port) and write
 * "vx86: gdb stub listening on 127.0.0.1:PORT" to log. NULL on failure, with a one-line message
 * in log. log may be NULL. */
gdbstub_server *gdbstub_server_open(machine *m, int port, FILE *log);
int gdbstub_server_port(const gdbstub_server *srv);
/* gdbstub_set_cycle_limit for this session and every later one. */
void gdbstub_server_set_cycle_limit(gdbstub_server *srv, uint64_t at);
/* One step of the server, for a front end's event loop (the TUI): accepts a connection, reads what
 * gdb sent, and runs one slice if gdb has the guest running. Waits at most timeout_ms (-1: until
 * something happens) when there is nothing to run. Returns the session state; DETACHED, KILLED and
 * ENDED are returned once, the connection is then closed and the next call is WAITING again.
 * While it returns STOPPED or RUNNING, gdb owns the machine: the caller must not run it. */
gdbstub_state gdbstub_poll(gdbstub_server *srv, int timeout_ms);
/* After ENDED: how the guest ended. */
machine_stop gdbstub_server_end_reason(const gdbstub_server *srv);
void gdbstub_server_close(gdbstub_server *srv);

/* `vx86 run --gdb PORT`: serve one gdb session on m from the start. After a detach (or a hang-up)
 * the guest runs freely to its end. Returns how the guest ended (MACHINE_STOP_EXIT, _HALTED,
 * _SHUTDOWN), GDBSTUB_SERVE_KILLED if gdb killed it, or GDBSTUB_SERVE_ERROR if the stub could
 * not listen (message in log). */
#define GDBSTUB_SERVE_ERROR  (-1)
#define GDBSTUB_SERVE_KILLED (-2)
#define GDBSTUB_SERVE_INTERRUPTED (-3)
int gdbstub_serve(machine *m, int port, FILE *log);
/* The same with the bounds of `vx86 run`: the run ends at machine cycle cycle_limit
 * (MACHINE_STOP_LIMIT) whether gdb is attached, detached or never came; and when *interrupted
 * turns non-zero (a signal handler sets it and calls machine_request_stop) the session is closed
 * and GDBSTUB_SERVE_INTERRUPTED returned. interrupted may be NULL. */
int gdbstub_serve_limited(machine *m, int port, uint64_t cycle_limit, volatile sig_atomic_t *interrupted, FILE *log);

#endif
