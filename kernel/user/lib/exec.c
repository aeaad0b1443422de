/* The exec family on top of execve; execvp searches $PATH (default /bin:/usr/bin) as POSIX says:
 * names with a slash are used as given, EACCES is remembered but the search goes on. */
#include <unistd.h>
#include <stdarg.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>

int execv(const char *path, char *const argv[]) { return execve(path, argv, environ); }

int execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (!*file) {
        errno = ENOENT;
        return -1;
    }
    if (strchr(file, '/'))
        return execve(file, argv, envp);
    const char *path = getenv("PATH");
    if (!path)
        path = "/bin:/usr/bin";
    int saw_eacces = 0;
    char buf[PATH_MAX];
    for (const char *p = path;; p++) {
        const char *colon = strchr(p, ':');
        size_t dlen = colon ? (size_t)(colon - p) : strlen(p);
        if (dlen + strlen(file) + 2 <= sizeof buf) {
            memcpy(buf, p, dlen);
            size_t at = dlen;
            if (dlen)
                buf[at++] = '/';
            strcpy(buf + at, file);
            execve(buf, argv, envp);
            if (errno == EACCES)
                saw_eacces = 1;
            else if (errno != ENOENT && errno != ENOTDIR)
                return -1;
        }
        if (!colon)
            break;
        p = colon;
    }
    errno = saw_eacces ? EACCES : ENOENT;
    return -1;
}
int execvp(const char *file, char *const argv[]) { return execvpe(file, argv, environ); }

#define EXECL_MAX 64
static int collect(const char *arg, va_list ap, char **argv)
{
    int n = 0;
    argv[n++] = (char *)arg;
    while (arg && n < EXECL_MAX)
        argv[n++] = (char *)(arg = va_arg(ap, char *));
    if (arg) {
        errno = E2BIG;
        return -1;
    }
    return 0;
}
int execl(const char *path, const char *arg, ...)
{
    char *argv[EXECL_MAX + 1];
    va_list ap;
    va_start(ap, arg);
    int r = collect(arg, ap, argv);
    va_end(ap);
    return r < 0 ? r : execv(path, argv);
}
int execlp(const char *file, const char *arg, ...)
{
    char *argv[EXECL_MAX + 1];
    va_list ap;
    va_start(ap, arg);
    int r = collect(arg, ap, argv);
    va_end(ap);
    return r < 0 ? r : execvp(file, argv);
}
