/* Limits the kernel and the C library agree on (include/uapi/linux/limits.h). */
#ifndef KERNEL_UAPI_LIMITS_H
#define KERNEL_UAPI_LIMITS_H

#define UAPI_PATH_MAX 4096   /* bytes in a path, including the NUL */
#define UAPI_NAME_MAX 255    /* bytes in a file name component */
#define UAPI_ARG_MAX  131072 /* bytes of argv + envp accepted by execve */
#define UAPI_PAGE_SIZE 4096

#endif
