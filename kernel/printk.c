/* printk.c: formatted output for the kernel. Every message goes to the kernel log, a ring that
 * dmesg reads; it is also shown on the console unless the command line said quiet or cmd=
 * (Linux's console loglevel, reduced to on/off). */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/uaccess.h"
#include "kernel/uapi/errno.h"

#define KLOG_SIZE 16384

static char klog_buf[KLOG_SIZE];
static uint32_t klog_len;                  /* total bytes ever written; the ring keeps the last */
int printk_console = 1;

static void put(char **p, char *end, char c, int *count)
{
    if (*p < end)
        *(*p)++ = c;
    (*count)++;
}

/* %[-0][width][l|ll](d i u x X o s c p %) -- what the kernel needs, nothing more. */
int kvsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
    char *p = buf, *end = n ? buf + n - 1 : buf;
    int count = 0;
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&p, end, *fmt, &count);
            continue;
        }
        fmt++;
        int left = 0, zero = 0, width = 0, longs = 0;
        for (;; fmt++) {
            if (*fmt == '-') left = 1;
            else if (*fmt == '0') zero = 1;
            else break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            longs++, fmt++;
        char tmp[24];
        const char *s = tmp;
        int len = 0, neg = 0;
        uint64_t v = 0;
        switch (*fmt) {
        case 'd': case 'i': {
            int64_t sv = longs == 2 ? va_arg(ap, int64_t) : (int64_t)va_arg(ap, int32_t);
            neg = sv < 0;
            v = neg ? (uint64_t)-sv : (uint64_t)sv;
            goto number10;
        }
        case 'u':
            v = longs == 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
        number10:
            do { tmp[sizeof tmp - 1 - len++] = (char)('0' + v % 10); v /= 10; } while (v);
            if (neg) tmp[sizeof tmp - 1 - len++] = '-';
            s = tmp + sizeof tmp - len;
            break;
        case 'p':
            put(&p, end, '0', &count); put(&p, end, 'x', &count);
            zero = 1; width = 8;
            /* fall through */
        case 'x': case 'X': case 'o': {
            const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
            unsigned shift = *fmt == 'o' ? 3 : 4;
            v = longs == 2 ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
            do { tmp[sizeof tmp - 1 - len++] = digits[v & ((1u << shift) - 1)]; v >>= shift; } while (v);
            s = tmp + sizeof tmp - len;
            break;
        }
        case 's':
            s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            len = (int)strlen(s);
            zero = 0;
            break;
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            len = 1;
            break;
        case '%':
            tmp[0] = '%';
            len = 1;
            break;
        default:
            put(&p, end, '%', &count);
            if (!*fmt) goto done;
            put(&p, end, *fmt, &count);
            continue;
        }
        if (!left)
            for (int i = len; i < width; i++) put(&p, end, zero ? '0' : ' ', &count);
        for (int i = 0; i < len; i++) put(&p, end, s[i], &count);
        if (left)
            for (int i = len; i < width; i++) put(&p, end, ' ', &count);
    }
done:
    if (n)
        *p = 0;
    return count;
}

int ksnprintf(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = kvsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

static void vlog(int to_console, const char *fmt, va_list ap)
{
    char buf[256];
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    if (n > (int)sizeof buf - 1)
        n = sizeof buf - 1;
    uint32_t f = irq_save();
    for (int i = 0; i < n; i++)
        klog_buf[klog_len++ % KLOG_SIZE] = buf[i];
    if (to_console)
        console_write(buf, n);
    irq_restore(f);
}

void printk(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(printk_console, fmt, ap);
    va_end(ap);
}

void klog(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(0, fmt, ap);
    va_end(ap);
}

uint32_t klog_read(char *dst, uint32_t off, uint32_t n)
{
    uint32_t first = klog_len > KLOG_SIZE ? klog_len - KLOG_SIZE : 0;
    uint32_t avail = klog_len - first;
    if (off >= avail)
        return 0;
    if (n > avail - off)
        n = avail - off;
    for (uint32_t i = 0; i < n; i++)
        dst[i] = klog_buf[(first + off + i) % KLOG_SIZE];
    return n;
}

/* syslog(2), what dmesg calls (Linux's do_syslog): the actions on the log buffer. The toy keeps
 * no read position: READ (2) reads like READ_ALL; CLEAR forgets what was logged so far. */
#define SYSLOG_ACTION_READ       2
#define SYSLOG_ACTION_READ_ALL   3
#define SYSLOG_ACTION_READ_CLEAR 4
#define SYSLOG_ACTION_CLEAR      5
#define SYSLOG_ACTION_SIZE_UNREAD 9
#define SYSLOG_ACTION_SIZE_BUFFER 10
static uint32_t klog_cleared;              /* klog_len when last cleared */

static uint32_t klog_avail(void)
{
    uint32_t first = klog_len > KLOG_SIZE ? klog_len - KLOG_SIZE : 0;
    if (klog_cleared > first)
        first = klog_cleared;
    return klog_len - first;
}

long sys_syslog(const struct syscall_args *a)
{
    int type = (int)a->arg[0];
    uint32_t ubuf = a->arg[1];
    int len = (int)a->arg[2];
    switch (type) {
    case SYSLOG_ACTION_READ: case SYSLOG_ACTION_READ_ALL: case SYSLOG_ACTION_READ_CLEAR: {
        if (len < 0)
            return -EINVAL;
        uint32_t avail = klog_avail(), n = (uint32_t)len < avail ? (uint32_t)len : avail;
        char chunk[256];
        uint32_t skip = klog_len - avail - (klog_len > KLOG_SIZE ? klog_len - KLOG_SIZE : 0);
        skip += avail - n;                 /* READ_ALL gives the newest n bytes */
        for (uint32_t done = 0; done < n;) {
            uint32_t k = n - done < sizeof chunk ? n - done : sizeof chunk;
            klog_read(chunk, skip + done, k);
            if (copyout(ubuf + done, chunk, k) < 0)
                return -EFAULT;
            done += k;
        }
        if (type == SYSLOG_ACTION_READ_CLEAR)
            klog_cleared = klog_len;
        return (long)n;
    }
    case SYSLOG_ACTION_CLEAR:
        klog_cleared = klog_len;
        return 0;
    case SYSLOG_ACTION_SIZE_UNREAD:
        return (long)klog_avail();
    case SYSLOG_ACTION_SIZE_BUFFER:
        return KLOG_SIZE;
    case 0: case 1: case 6: case 7: case 8:   /* close, open, console off/on/level */
        return 0;
    default:
        return -EINVAL;
    }
}

_Noreturn void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    cli();
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *pre = "\nkernel panic: ";
    for (const char *s = pre; *s; s++) console_putc_raw(*s);
    for (const char *s = buf; *s; s++) console_putc_raw(*s);
    console_putc_raw('\n');
    machine_poweroff(255);
}
