/* Host stand-in for kernel/kernel.h, used only by the file layer's unit test (test_os_fs): the
 * same names, backed by the C library, without port I/O or interrupt-flag assembly. The real
 * header is picked up by the kernel build; this directory comes first on the test's include path. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define KERNBASE 0xC0000000u
#define PAGE_SIZE 4096u
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define ksnprintf snprintf
#define strlcpy host_strlcpy
size_t host_strlcpy(char *d, const char *s, size_t n);

void *kmalloc(uint32_t n);
void *kzalloc(uint32_t n);
void kfree(void *p);
uint64_t ktime_ns(void);

static inline uint32_t irq_save(void) { return 0; }
static inline void irq_restore(uint32_t f) { (void)f; }

#endif
