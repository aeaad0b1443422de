/* The terminal as a live serial console for `vx86 os` (see oscon.h). */
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "emu/oscon.h"

static struct termios saved;
static bool saved_valid;

void oscon_restore(void)
{
    if (saved_valid)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    saved_valid = false;
}

bool oscon_raw(void)
{
    if (tcgetattr(STDIN_FILENO, &saved) != 0)
        return false;
    saved_valid = true;
    atexit(oscon_restore);
    struct termios t = saved;
    t.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag &= ~(unsigned)OPOST;
    t.c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    return tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
}

bool oscon_poll(machine *m)
{
    struct pollfd pfd = { STDIN_FILENO, POLLIN, 0 };
    uint8_t buf[256];
    while (poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN)) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n <= 0)
            return true;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] == OSCON_ESCAPE)
                return false;
        machine_serial_input(m, buf, (size_t)n);
    }
    return true;
}
