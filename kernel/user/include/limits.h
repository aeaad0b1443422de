/* The compiler's limits (INT_MAX ...) plus the path limits Linux programs expect here. */
#ifndef _OS_LIMITS_H
#define _OS_LIMITS_H
#include_next <limits.h>
#include "../../uapi/limits.h"
#define PATH_MAX UAPI_PATH_MAX
#define NAME_MAX UAPI_NAME_MAX
#define ARG_MAX UAPI_ARG_MAX
#define PIPE_BUF 4096
#endif
