/* The terminal as a live serial console, for `vx86 os`: raw mode so every byte (Ctrl-C included)
 * reaches the guest, whose line discipline echoes; Ctrl-] leaves, as telnet's escape does. */
#ifndef VX86_EMU_OSCON_H
#define VX86_EMU_OSCON_H

#include <stdbool.h>

#include "emu/machine.h"

#define OSCON_ESCAPE 0x1D                  /* Ctrl-] */

/* Put stdin (a terminal) in raw mode; restored by oscon_restore and at exit. False if not a tty. */
bool oscon_raw(void);
void oscon_restore(void);
/* Feed what was typed to COM1, without blocking; false when the user pressed the escape key. */
bool oscon_poll(machine *m);

#endif
