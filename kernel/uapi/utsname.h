/* struct new_utsname, what uname (122) fills (include/uapi/linux/utsname.h): six 65-byte fields. */
#ifndef KERNEL_UAPI_UTSNAME_H
#define KERNEL_UAPI_UTSNAME_H

#define UTSNAME_LEN 65

#define UAPI_UTSNAME_FIELDS \
    char sysname[UTSNAME_LEN]; \
    char nodename[UTSNAME_LEN]; \
    char release[UTSNAME_LEN]; \
    char version[UTSNAME_LEN]; \
    char machine[UTSNAME_LEN]; \
    char domainname[UTSNAME_LEN];

struct new_utsname { UAPI_UTSNAME_FIELDS };

#endif
