/* A stand-in for `vx86 run --gdb PORT IMAGE` until the CLI calls the stub: builds a machine from
 * IMAGE, serves one gdb session on 127.0.0.1:PORT (0 = any free port; the chosen one is printed
 * on stderr) and says how the guest ended:
 *   gdb-driver: exit status N | halted | triple fault | killed by gdb
 * Exit status: 0 when the session ended normally, 1 on usage or setup errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gdb/gdbstub.h"
#include "emu/machine.h"

static void serial_to_stdout(void *ctx, uint8_t byte)
{
    (void)ctx;
    putchar(byte);
    if (byte == '\n')
        fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: gdb-driver IMAGE [PORT]\n");
        return 1;
    }
    char *end;
    long port = argc == 3 ? strtol(argv[2], &end, 10) : 0;
    if (argc == 3 && (*end || end == argv[2])) {
        fprintf(stderr, "gdb-driver: bad port '%s'\n", argv[2]);
        return 1;
    }
    machine_config cfg = { .kernel = argv[1], .serial_out = serial_to_stdout };
    char err[512] = "";
    machine *m = machine_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "gdb-driver: %s\n", err);
        return 1;
    }
    int result = gdbstub_serve(m, (int)port, stderr);
    fflush(stdout);
    int status = 0;
    switch (result) {
    case GDBSTUB_SERVE_ERROR: status = 1; break;
    case GDBSTUB_SERVE_KILLED: fprintf(stderr, "gdb-driver: killed by gdb\n"); break;
    case MACHINE_STOP_EXIT: fprintf(stderr, "gdb-driver: exit status %d\n", machine_exit_status(m)); break;
    case MACHINE_STOP_HALTED: fprintf(stderr, "gdb-driver: halted\n"); break;
    case MACHINE_STOP_SHUTDOWN: fprintf(stderr, "gdb-driver: triple fault\n"); break;
    default: fprintf(stderr, "gdb-driver: unexpected end %d\n", result); status = 1; break;
    }
    machine_destroy(m);
    return status;
}
