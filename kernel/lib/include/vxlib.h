/* vxlib: the freestanding runtime every vx86 guest program links with.
 *
 * A program defines `int main(void)`. The entry code (entry.S, runtime.c) sets up a stack,
 * initialises COM1, prints VX_BEGIN_MARKER, calls main and passes its return value to vx_exit.
 * The names below follow the C library where a C function exists, so guest code reads like
 * ordinary C; the header is named vxlib.h so it never shadows a host header. */
#ifndef VXLIB_H
#define VXLIB_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/multiboot.h"

/* First line kernel_entry prints, so tests can drop whatever firmware printed before it
 * (SeaBIOS on QEMU). */
#define VX_BEGIN_MARKER "--- vx86 guest begin ---"

#define VX_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* ---- program lifecycle ---- */
int main(void);
/* Stop the machine through the debug-exit port (QEMU/vx86 report (code << 1) | 1), then halt. */
__attribute__((noreturn)) void vx_exit(int code);
/* Print "panic: ..." and exit with code 0x7f. */
__attribute__((noreturn)) VX_PRINTF(1, 2) void vx_panic(const char *fmt, ...);
/* The exit code of an unexpected exception: kernel_entry installs a default GDT and IDT
 * (fault.c) whose handler prints "guest fault: #PF at eip=0x... cr2=0x... err=0x..." and calls
 * vx_exit(VX_EXIT_FAULT), so `vx86 run` ends with status (0x7e << 1) | 1 = 253. */
#define VX_EXIT_FAULT 0x7e
/* Load the runtime's flat GDT (code 0x08, data 0x10) and its exception IDT (vectors 0-31).
 * kernel_entry calls it before main; a program that loads its own tables replaces both. */
void vx_fault_init(void);
/* What the runtime's exception stubs saved: PUSHA's registers, the vector, the error code
 * (0 when the CPU pushes none), and the frame the CPU pushed (same privilege: no ESP/SS). */
struct vx_fault_frame {
    uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
};
/* A handler for one exception vector: return true when it dealt with the fault (execution
 * resumes at frame->eip, which it may change), false to let the runtime report it and exit. */
typedef bool (*vx_fault_fn)(struct vx_fault_frame *frame);
void vx_set_fault_handler(unsigned vector, vx_fault_fn fn);   /* fn NULL: back to the report */
/* Print "guest fault: ..." for this frame and vx_exit(VX_EXIT_FAULT). */
__attribute__((noreturn)) void vx_fault_report(const struct vx_fault_frame *frame);
/* CR2: the linear address of the last page fault. */
static inline uint32_t vx_read_cr2(void)
{
    uint32_t cr2;
    __asm__ volatile("movl %%cr2, %0" : "=r"(cr2));
    return cr2;
}

/* ---- boot information ---- */
/* The multiboot info the loader passed, or NULL if the magic in EAX was wrong. */
const struct multiboot_info *vx_multiboot(void);
/* The whole multiboot command line ("IMAGE-PATH ARGS"), or "" if none. */
const char *vx_cmdline(void);
/* The command line after the image path (leading spaces skipped), or "". */
const char *vx_cmdline_args(void);

/* ---- COM1 ---- */
void vx_serial_init(void);
void vx_serial_putc(char c);
void vx_serial_write(const char *s, size_t len);
/* Wait for a byte on COM1's receiver and return it (polled: interrupts stay off). */
int vx_serial_getc(void);

/* ---- stdio subset (output goes to COM1, bytes unchanged: no "\n" -> "\r\n") ---- */
int putchar(int c);
int getchar(void);   /* vx_serial_getc: blocks until a byte arrives */
int puts(const char *s);
VX_PRINTF(1, 2) int printf(const char *fmt, ...);
int vprintf(const char *fmt, va_list ap);
VX_PRINTF(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* ---- string.h subset ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
char *strcat(char *dst, const char *src);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);

/* ---- stdlib.h / ctype.h subset ---- */
int abs(int x);
long labs(long x);
long long llabs(long long x);
int isdigit(int c);
int isspace(int c);
int isalpha(int c);
int isalnum(int c);
int isxdigit(int c);
int isupper(int c);
int islower(int c);
int toupper(int c);
int tolower(int c);
/* Decimal, or hex with 0x, or octal with leading 0 when base is 0 (as strtol). */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int atoi(const char *s);

#endif
