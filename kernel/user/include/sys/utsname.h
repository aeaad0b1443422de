#ifndef _SYS_UTSNAME_H
#define _SYS_UTSNAME_H
#include "../../../uapi/utsname.h"
struct utsname { UAPI_UTSNAME_FIELDS };
int uname(struct utsname *u);
#endif
