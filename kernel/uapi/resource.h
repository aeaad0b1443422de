/* getpriority(2)/setpriority(2) (include/uapi/linux/resource.h): `which` values and the nice range.
 * The raw getpriority system call returns 20 - nice (1..40), so it is never negative. */
#ifndef KERNEL_UAPI_RESOURCE_H
#define KERNEL_UAPI_RESOURCE_H

#define PRIO_PROCESS 0
#define PRIO_PGRP    1
#define PRIO_USER    2
#define PRIO_MIN   (-20)
#define PRIO_MAX    20    /* nice values are PRIO_MIN .. PRIO_MAX - 1 */

#endif
