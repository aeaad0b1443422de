/* struct stat64 as Linux i386 returns it from stat64/lstat64/fstat64/fstatat64
 * (arch/x86/include/uapi/asm/stat.h), and the st_mode bits (include/uapi/linux/stat.h).
 * The i386 SysV ABI aligns 64-bit members to 4 inside structs, so the natural layout of these
 * fields is Linux's packed one (96 bytes); the C library's struct stat uses the same field list. */
#ifndef KERNEL_UAPI_STAT_H
#define KERNEL_UAPI_STAT_H

#include <stdint.h>

#define UAPI_STAT64_FIELDS \
    uint64_t st_dev; \
    uint32_t __pad0; \
    uint32_t __st_ino;          /* low 32 bits of st_ino, for old programs */ \
    uint32_t st_mode; \
    uint32_t st_nlink; \
    uint32_t st_uid; \
    uint32_t st_gid; \
    uint64_t st_rdev; \
    uint32_t __pad3; \
    int64_t  st_size; \
    uint32_t st_blksize; \
    uint64_t st_blocks;         /* 512-byte blocks */ \
    uint32_t st_atime; \
    uint32_t st_atime_nsec; \
    uint32_t st_mtime; \
    uint32_t st_mtime_nsec; \
    uint32_t st_ctime; \
    uint32_t st_ctime_nsec; \
    uint64_t st_ino;

struct stat64 { UAPI_STAT64_FIELDS };
#if !defined(__x86_64__)
_Static_assert(sizeof(struct stat64) == 96, "struct stat64 is 96 bytes on i386");
#endif

#define S_IFMT   0170000
#define S_IFSOCK 0140000
#define S_IFLNK  0120000
#define S_IFREG  0100000
#define S_IFBLK  0060000
#define S_IFDIR  0040000
#define S_IFCHR  0020000
#define S_IFIFO  0010000
#define S_ISUID  0004000
#define S_ISGID  0002000
#define S_ISVTX  0001000
#define S_IRWXU  00700
#define S_IRUSR  00400
#define S_IWUSR  00200
#define S_IXUSR  00100
#define S_IRWXG  00070
#define S_IRGRP  00040
#define S_IWGRP  00020
#define S_IXGRP  00010
#define S_IRWXO  00007
#define S_IROTH  00004
#define S_IWOTH  00002
#define S_IXOTH  00001
#define S_ISLNK(m)  (((m) & S_IFMT) == S_IFLNK)
#define S_ISREG(m)  (((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m) & S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m) & S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m) & S_IFMT) == S_IFSOCK)

#endif
