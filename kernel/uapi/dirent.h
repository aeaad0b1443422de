/* The record getdents64(2) writes (include/linux/dirent.h) and the d_type values. d_reclen covers
 * the header, the NUL-terminated name and padding to 8 bytes. */
#ifndef KERNEL_UAPI_DIRENT_H
#define KERNEL_UAPI_DIRENT_H

#include <stdint.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t  d_off;
    uint16_t d_reclen;
    uint8_t  d_type;
    char     d_name[];
};
#define LINUX_DIRENT64_NAME_OFFSET 19

#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

#endif
