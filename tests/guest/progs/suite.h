/* The one header every suite program includes. The same source is built two ways:
 *   guest:  clang for i386, freestanding, against kernel/lib (vxlib.h)
 *   native: the host compiler with -DSUITE_NATIVE, against the C library
 * and both builds must print the same bytes. So programs use fixed-width types, cast
 * printf arguments to int/unsigned/long long/unsigned long long, and never print pointers,
 * sizeof(long) or anything else that differs between i386 and x86-64. */
#ifndef SUITE_H
#define SUITE_H

#ifdef SUITE_NATIVE
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#else
#include "vxlib.h"
#endif

/* Count failed checks; each program ends with suite_finish(). */
static int suite_failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        if (!(cond)) {                                                           \
            printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
            suite_failures++;                                                    \
        }                                                                        \
    } while (0)

/* Check two unsigned values and print both when they differ. */
#define CHECK_EQ_U64(actual, expected)                                           \
    do {                                                                         \
        unsigned long long a_ = (actual), e_ = (expected);                      \
        if (a_ != e_) {                                                          \
            printf("FAIL %s:%d: %s = %llu, expected %llu\n", __FILE__, __LINE__,  \
                   #actual, a_, e_);                                             \
            suite_failures++;                                                    \
        }                                                                        \
    } while (0)

static inline int suite_finish(const char *name)
{
    if (suite_failures == 0)
        printf("%s: all checks passed\n", name);
    else
        printf("%s: %d checks FAILED\n", name, suite_failures);
    return suite_failures == 0 ? 0 : 1;
}

/* xorshift32: a tiny PRNG with the same sequence everywhere (seed must be nonzero). */
static inline uint32_t suite_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

#endif
