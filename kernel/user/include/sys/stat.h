#ifndef _SYS_STAT_H
#define _SYS_STAT_H
#include <sys/types.h>
#include "../../../uapi/stat.h"
/* The same fields and layout as the kernel's struct stat64 (kernel/uapi/stat.h). */
struct stat { UAPI_STAT64_FIELDS };
int stat(const char *path, struct stat *st);
int lstat(const char *path, struct stat *st);
int fstat(int fd, struct stat *st);
int mkdir(const char *path, mode_t mode);
int mknod(const char *path, mode_t mode, dev_t dev);
mode_t umask(mode_t mask);
#endif
