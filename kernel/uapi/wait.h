/* wait4(2)/waitpid(2) options (include/uapi/linux/wait.h) and the status word's encoding, which
 * the kernel produces and <sys/wait.h>'s macros decode: exit status in bits 8..15, terminating
 * signal in bits 0..6, 0x80 for a core dump, 0x7f in the low byte for a stopped child. */
#ifndef KERNEL_UAPI_WAIT_H
#define KERNEL_UAPI_WAIT_H

#define WNOHANG    0x00000001
#define WUNTRACED  0x00000002
#define WSTOPPED   WUNTRACED
#define WEXITED    0x00000004
#define WCONTINUED 0x00000008
#define WNOWAIT    0x01000000
#define __WNOTHREAD 0x20000000
#define __WALL     0x40000000
#define __WCLONE   0x80000000

#define W_EXITCODE(ret, sig) (((ret) & 0xff) << 8 | ((sig) & 0x7f))
#define W_STOPCODE(sig)      (((sig) << 8) | 0x7f)
#define WCOREFLAG 0x80

#endif
