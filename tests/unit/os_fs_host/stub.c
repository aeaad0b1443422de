/* Host stand-ins for the kernel services the file layer uses (test_os_fs only): a fake user
 * address space for copyin/copyout (so EFAULT paths run), a small process table, a console
 * that records output, and the heap on malloc. Sleeping would hang a single-threaded test, so
 * sleep_on aborts: the tests use only non-blocking paths of pipes and the console. */
#include "os_fs_stub.h"

#include <stdlib.h>

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uaccess.h"
#include "kernel/vm.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/ioctl.h"

uint8_t host_umem[HOST_UMEM_SIZE];
struct proc host_procs[HOST_NPROC];
struct proc *host_cur;
int host_last_signal, host_last_signal_pid;
char host_console_out[4096];
uint32_t host_console_len;
const char *host_console_in;
int console_fg_pgrp;
uint32_t host_kmalloc_live;

void printk(const char *fmt, ...) { (void)fmt; }

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kernel panic: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

size_t host_strlcpy(char *d, const char *s, size_t n)
{
    size_t len = strlen(s);
    if (n) {
        size_t c = len < n - 1 ? len : n - 1;
        memcpy(d, s, c);
        d[c] = 0;
    }
    return len;
}

/* Every block carries its size so the test can check that nothing leaks. */
void *kmalloc(uint32_t n)
{
    if (n > PAGE_SIZE)
        return NULL;           /* as the kernel's kmalloc */
    uint32_t *p = malloc(n + 16);
    if (!p)
        return NULL;
    host_kmalloc_live++;
    return p + 4;
}
void *kzalloc(uint32_t n)
{
    void *p = kmalloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}
void kfree(void *p)
{
    if (!p)
        return;
    host_kmalloc_live--;
    free((uint32_t *)p - 4);
}
uint64_t ktime_ns(void) { return 12345678900ull; }

static int urange(uint32_t u, uint32_t n)
{
    return u >= HOST_UBASE && n <= HOST_UMEM_SIZE && u - HOST_UBASE <= HOST_UMEM_SIZE - n;
}
int copyin(void *kdst, uint32_t usrc, uint32_t n)
{
    if (!urange(usrc, n))
        return -EFAULT;
    memcpy(kdst, host_umem + (usrc - HOST_UBASE), n);
    return 0;
}
int copyout(uint32_t udst, const void *ksrc, uint32_t n)
{
    if (!urange(udst, n))
        return -EFAULT;
    memcpy(host_umem + (udst - HOST_UBASE), ksrc, n);
    return 0;
}
int copyinstr(char *kdst, uint32_t usrc, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++) {
        if (!urange(usrc + i, 1))
            return -EFAULT;
        kdst[i] = (char)host_umem[usrc + i - HOST_UBASE];
        if (!kdst[i])
            return (int)i;
    }
    return -ENAMETOOLONG;
}

struct proc *curproc(void) { return host_cur; }
struct proc *proc_find(int pid)
{
    for (int i = 0; i < HOST_NPROC; i++)
        if (host_procs[i].state != P_UNUSED && host_procs[i].pid == pid)
            return &host_procs[i];
    return NULL;
}
struct proc *proc_iter(int *cursor)
{
    while (*cursor < HOST_NPROC) {
        struct proc *p = &host_procs[(*cursor)++];
        if (p->state != P_UNUSED)
            return p;
    }
    return NULL;
}
const char *proc_state_name(int state)
{
    return state == P_RUNNING || state == P_RUNNABLE ? "R (running)" : "S (sleeping)";
}
void sleep_on(void *chan) { panic("sleep_on(%p) in the host test: it would block", chan); }
void wakeup(void *chan) { (void)chan; }
int signal_pending(struct proc *p) { (void)p; return 0; }
int signal_send(struct proc *p, int sig)
{
    host_last_signal = sig;
    host_last_signal_pid = p ? p->pid : 0;
    return 0;
}

int console_read(char *kbuf, int n)
{
    int len = 0;
    while (len < n && host_console_in && *host_console_in) {
        char c = *host_console_in++;
        kbuf[len++] = c;
        if (c == '\n')
            break;
    }
    return len;
}
int console_write(const char *kbuf, int n)
{
    for (int i = 0; i < n && host_console_len < sizeof host_console_out - 1; i++)
        host_console_out[host_console_len++] = kbuf[i];
    host_console_out[host_console_len] = 0;
    return n;
}

/* TCGETS/TCSETS: the flags console.c keeps (canonical at boot). */
void console_termios(struct termios *t, int set)
{
    static uint32_t lflag = ISIG | ICANON | ECHO | ECHOE, iflag = ICRNL;
    if (set) {
        lflag = t->c_lflag & (ISIG | ICANON | ECHO | ECHOE);
        iflag = t->c_iflag & ICRNL;
        return;
    }
    memset(t, 0, sizeof *t);
    t->c_iflag = iflag;
    t->c_oflag = OPOST | ONLCR;
    t->c_lflag = lflag;
    t->c_cc[VINTR] = 3;
    t->c_cc[VERASE] = 127;
    t->c_cc[VEOF] = 4;
    t->c_cc[VMIN] = 1;
}

void frame_get_stats(struct frame_stats *s)
{
    memset(s, 0, sizeof *s);
    s->total = 8192;           /* 32 MiB */
    s->free = 4096;
}
uint32_t vm_user_pages(uint32_t *pgdir) { (void)pgdir; return 3; }
