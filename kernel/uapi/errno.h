/* Linux errno values (include/uapi/asm-generic/errno-base.h and errno.h) with the message texts
 * glibc's strerror gives for them, so the toy OS's perror prints what Linux programs print.
 * Defined once for the kernel (which returns -E... from system calls) and the C library.
 *
 *   ERRNO_LIST(X) expands X(NAME, value, "text") once per errno. */
#ifndef KERNEL_UAPI_ERRNO_H
#define KERNEL_UAPI_ERRNO_H

#define ERRNO_LIST(X) \
    X(EPERM, 1, "Operation not permitted") \
    X(ENOENT, 2, "No such file or directory") \
    X(ESRCH, 3, "No such process") \
    X(EINTR, 4, "Interrupted system call") \
    X(EIO, 5, "Input/output error") \
    X(ENXIO, 6, "No such device or address") \
    X(E2BIG, 7, "Argument list too long") \
    X(ENOEXEC, 8, "Exec format error") \
    X(EBADF, 9, "Bad file descriptor") \
    X(ECHILD, 10, "No child processes") \
    X(EAGAIN, 11, "Resource temporarily unavailable") \
    X(ENOMEM, 12, "Cannot allocate memory") \
    X(EACCES, 13, "Permission denied") \
    X(EFAULT, 14, "Bad address") \
    X(ENOTBLK, 15, "Block device required") \
    X(EBUSY, 16, "Device or resource busy") \
    X(EEXIST, 17, "File exists") \
    X(EXDEV, 18, "Invalid cross-device link") \
    X(ENODEV, 19, "No such device") \
    X(ENOTDIR, 20, "Not a directory") \
    X(EISDIR, 21, "Is a directory") \
    X(EINVAL, 22, "Invalid argument") \
    X(ENFILE, 23, "Too many open files in system") \
    X(EMFILE, 24, "Too many open files") \
    X(ENOTTY, 25, "Inappropriate ioctl for device") \
    X(ETXTBSY, 26, "Text file busy") \
    X(EFBIG, 27, "File too large") \
    X(ENOSPC, 28, "No space left on device") \
    X(ESPIPE, 29, "Illegal seek") \
    X(EROFS, 30, "Read-only file system") \
    X(EMLINK, 31, "Too many links") \
    X(EPIPE, 32, "Broken pipe") \
    X(EDOM, 33, "Numerical argument out of domain") \
    X(ERANGE, 34, "Numerical result out of range") \
    X(EDEADLK, 35, "Resource deadlock avoided") \
    X(ENAMETOOLONG, 36, "File name too long") \
    X(ENOLCK, 37, "No locks available") \
    X(ENOSYS, 38, "Function not implemented") \
    X(ENOTEMPTY, 39, "Directory not empty") \
    X(ELOOP, 40, "Too many levels of symbolic links") \
    X(ENOMSG, 42, "No message of desired type") \
    X(EIDRM, 43, "Identifier removed") \
    X(ENODATA, 61, "No data available") \
    X(ETIME, 62, "Timer expired") \
    X(EOVERFLOW, 75, "Value too large for defined data type") \
    X(EOPNOTSUPP, 95, "Operation not supported") \
    X(ETIMEDOUT, 110, "Connection timed out")

enum {
#define UAPI_ERRNO_(name, val, text) name = val,
    ERRNO_LIST(UAPI_ERRNO_)
#undef UAPI_ERRNO_
};
#define EWOULDBLOCK EAGAIN
#define ENOTSUP EOPNOTSUPP
#define EDEADLOCK EDEADLK
#define ERRNO_MAX 4095   /* a system call's return in [-4095, -1] is -errno (Linux's MAX_ERRNO) */

#endif
