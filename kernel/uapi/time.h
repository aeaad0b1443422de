/* The 32-bit struct timespec of the i386 nanosleep (162) and clock_gettime (265) calls
 * (Linux's old_timespec32) and the clock ids (include/uapi/linux/time.h). */
#ifndef KERNEL_UAPI_TIME_H
#define KERNEL_UAPI_TIME_H

#include <stdint.h>

struct uapi_timespec {
    int32_t tv_sec;
    int32_t tv_nsec;
};

#define CLOCK_REALTIME  0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID  3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_BOOTTIME  7

#define NSEC_PER_SEC 1000000000L

#endif
