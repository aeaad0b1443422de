#ifndef _TIME_H
#define _TIME_H
#include <sys/types.h>
#include "../../uapi/time.h"
struct timespec { time_t tv_sec; long tv_nsec; };
typedef int clockid_t;
time_t time(time_t *t);
int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_gettime(clockid_t clk, struct timespec *ts);
#endif
