/* labvenom.c: A DELIBERATE HOLE in a virtual device, for the isolation lab's VENOM part
 * (labs/isolation; CVE-2015-3456, "VENOM": QEMU's floppy controller let a guest write past its
 * FIFO buffer into the host process's memory).
 *
 *   *** OFF unless the HOST kernel's command line says labbug=1 (kernel/labbug.c's flag). Without
 *   *** it the port below is an ordinary unclaimed port: writes are dropped, as hv_io_out does.
 *
 * A sketch of a floppy controller's data FIFO (the 82077AA's data register, port 0x3F5), reached by
 * any guest with OUT (every port exits to the host kernel, hyperv/vdev.c). Two commands:
 *   0x8E SEEK  p0 p1 p2 p3     the FIFO position = the 32-bit little-endian p (THE BUG: never
 *                              checked against the FIFO's 16 bytes)
 *   0x45 WRITE n  d1 .. dn     fifo[pos++] = d, n times
 * So a guest can write any bytes at fifo + p: any address of the host kernel. The guest needs the
 * host's addresses; the lab gives them from the kernel's symbol table (no randomization). */
#include "kernel/kernel.h"
#include "kernel/labbug.h"

struct labvenom_fdc {
    uint8_t fifo[16];
    uint32_t pos;                          /* where the next data byte goes: unchecked */
    uint8_t cmd, need, got;                /* the command being read and its bytes still due */
    uint32_t param;
};
struct labvenom_fdc labvenom_fdc;          /* one controller for every VM, as a global */

int labvenom_out(unsigned char v)
{
    struct labvenom_fdc *f = &labvenom_fdc;
    if (!labbug_enabled)
        return 0;
    if (!f->need) {                        /* a command byte */
        f->cmd = v;
        f->got = 0;
        f->param = 0;
        f->need = v == 0x8E ? 4 : v == 0x45 ? 1 : 0;
        return 0;
    }
    if (f->cmd == 0x8E) {
        f->param |= (uint32_t)v << (8 * f->got++);
        if (--f->need == 0)
            f->pos = f->param;
    } else if (f->cmd == 0x45 && f->got == 0) {
        f->got = 1;
        f->need = v;                       /* n data bytes follow */
    } else {
        f->fifo[f->pos++] = v;             /* THE BUG: pos may be anything */
        f->need--;
    }
    return 0;
}
