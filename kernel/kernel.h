/* kernel.h: what every kernel file needs -- the memory layout, printk/panic, string helpers,
 * port I/O and the interrupt flag. Freestanding: only the compiler's <stdint.h>/<stddef.h>/
 * <stdarg.h>/<stdbool.h> and the project's arch/x86.h. */
#ifndef KERNEL_KERNEL_H
#define KERNEL_KERNEL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/x86.h"

/* Memory layout, as 32-bit Linux: users below 0xC0000000, the kernel above, with all of
 * physical memory (up to KERN_DIRECT_MAX) mapped at KERNBASE + physical address. */
#define KERNBASE        0xC0000000u
#define KERN_DIRECT_MAX 0x38000000u        /* 896 MiB, Linux's lowmem limit */
#define USER_BASE       0x08048000u        /* where static programs are linked */
#define USTACK_TOP      0xBFFFF000u        /* the user stack grows down from here */
#define USTACK_MAX      (8u << 20)         /* 8 MiB: demand-zero pages below USTACK_TOP */
#define P2V(pa) ((void *)((uint32_t)(pa) + KERNBASE))
#define V2P(va) ((uint32_t)(va) - KERNBASE)
#define PGROUNDUP(a)   (((uint32_t)(a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PGROUNDDOWN(a) ((uint32_t)(a) & ~(PAGE_SIZE - 1))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Segment selectors of the GDT that trap.c builds (index << 3 | RPL). */
#define SEG_KCODE 1
#define SEG_KDATA 2
#define SEG_UCODE 3
#define SEG_UDATA 4
#define SEG_TSS   5
#define KCODE_SEL (SEG_KCODE << 3)
#define KDATA_SEL (SEG_KDATA << 3)
#define UCODE_SEL ((SEG_UCODE << 3) | 3)
#define UDATA_SEL ((SEG_UDATA << 3) | 3)

/* ---- printk.c: the kernel log (dmesg) and the console ---- */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ksnprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
/* The kernel log ring (what dmesg reads through /proc or syslog): copies up to n bytes
 * starting at byte off of the log; returns the count. */
uint32_t klog_read(char *dst, uint32_t off, uint32_t n);
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* the log only */
extern int printk_console;                 /* 1: printk also goes to the console (not with quiet/cmd=) */

/* ---- klib.c: string and memory helpers ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *d, const char *s, size_t n);   /* always NUL-terminates when n > 0 */

/* ---- frame.c / kmalloc: kernel memory ---- */
void *kmalloc(uint32_t n);                 /* NULL when memory is exhausted; n <= PAGE_SIZE */
void *kzalloc(uint32_t n);                 /* kmalloc + zero */
void kfree(void *p);

/* ---- time (sched.c): virtual time from the PIT ---- */
extern volatile uint64_t jiffies;          /* timer ticks since boot */
extern uint32_t hz;                        /* ticks per second (cmdline hz=, default 100) */
uint64_t ktime_ns(void);                   /* nanoseconds since boot: ticks + the PIT's count */

/* ---- trap.c ---- */
void trap_init(void);
void tss_set_kstack(uint32_t esp0);
uint32_t pit_ns_since_tick(void);          /* sub-tick time from the 8254's counter */

/* ---- paravirt.c: the toy OS as a guest of hyperv/ (snapshot=ready) ---- */
extern int paravirt_snapshot_ready;
extern uint32_t paravirt_generation;
void paravirt_ready_point(void);

/* ---- power (main.c) ---- */
_Noreturn void machine_poweroff(int status);   /* debug-exit port with status, else halt */

/* ---- port I/O and the interrupt flag ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint32_t inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline uint32_t read_eflags(void) { uint32_t f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }
/* One CPU: a critical section is "interrupts off". Save, disable, restore. */
static inline uint32_t irq_save(void) { uint32_t f = read_eflags(); cli(); return f; }
static inline void irq_restore(uint32_t f) { if (f & F_IF) sti(); }
static inline void lcr3(uint32_t pa) { __asm__ volatile("movl %0, %%cr3" : : "r"(pa) : "memory"); }
static inline uint32_t rcr2(void) { uint32_t v; __asm__ volatile("movl %%cr2, %0" : "=r"(v)); return v; }
static inline void invlpg(uint32_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

#endif
