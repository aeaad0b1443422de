/* Terminal ioctl numbers (include/uapi/asm-generic/ioctls.h), struct winsize and the kernel's
 * struct termios for TCGETS/TCSETS (include/uapi/asm-generic/termbits.h: NCCS = 19) with the
 * c_lflag bits the console's line discipline honours. */
#ifndef KERNEL_UAPI_IOCTL_H
#define KERNEL_UAPI_IOCTL_H

#include <stdint.h>

#define TCGETS     0x5401
#define TCSETS     0x5402
#define TCSETSW    0x5403
#define TCSETSF    0x5404
#define TIOCSCTTY  0x540E
#define TIOCGPGRP  0x540F
#define TIOCSPGRP  0x5410
#define TIOCGWINSZ 0x5413
#define TIOCSWINSZ 0x5414
#define FIONREAD   0x541B

struct winsize {
    uint16_t ws_row;
    uint16_t ws_col;
    uint16_t ws_xpixel;
    uint16_t ws_ypixel;
};

#define NCCS 19
struct termios {
    uint32_t c_iflag;
    uint32_t c_oflag;
    uint32_t c_cflag;
    uint32_t c_lflag;
    uint8_t  c_line;
    uint8_t  c_cc[NCCS];
};

/* c_cc indexes */
#define VINTR  0
#define VQUIT  1
#define VERASE 2
#define VKILL  3
#define VEOF   4
#define VMIN   6
/* c_lflag bits */
#define ISIG   0000001
#define ICANON 0000002
#define ECHO   0000010
#define ECHOE  0000020
/* c_iflag / c_oflag bits */
#define ICRNL  0000400
#define OPOST  0000001
#define ONLCR  0000004

#endif
