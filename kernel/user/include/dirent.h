#ifndef _DIRENT_H
#define _DIRENT_H
#include <sys/types.h>
#include "../../uapi/dirent.h"
struct dirent {
    ino_t d_ino;
    off64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[256];
};
typedef struct os_dir DIR;
DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);
int dirfd(DIR *d);
#endif
