/* initramfs.c -- unpack the boot module, a cpio archive in the "newc" (070701) or "crc" (070702)
 * format, into the root ramfs, as Linux's init/initramfs.c does (the format is the kernel's
 * Documentation/driver-api/early-userspace/buffer-format.rst):
 *
 *   initramfs    := ("\0" | cpio_archive)*
 *   cpio_file    := ALGN(4) + cpio_header + filename + "\0" + ALGN(4) + data
 *   cpio_trailer := ALGN(4) + cpio_header + "TRAILER!!!\0" + ALGN(4)
 *   cpio_header  := "070701" then 13 fields of 8 ASCII hex digits: ino mode uid gid nlink mtime
 *                   filesize devmajor devminor rdevmajor rdevminor namesize check
 * namesize counts the NUL. Directories, regular files and symbolic links (data = target) are
 * made; other types (device nodes, FIFOs) are skipped, since /dev is devfs here. Hard links
 * (nlink > 1 sharing an ino) are stored as separate copies. Compressed archives are EINVAL.
 * A damaged header stops the unpacking (EINVAL); an entry that cannot be created is skipped and
 * the rest still unpacked, the first such error returned at the end. */
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/limits.h"
#include "kernel/uapi/stat.h"

#define CPIO_HDR 110u

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_MAJ, F_MIN, F_RMAJ, F_RMIN,
       F_NAMESIZE, F_CHECK, NFIELDS };

static uint32_t align4(uint32_t x) { return (x + 3) & ~3u; }

/* Eight hex digits at s: 0 and the value, or -EINVAL. */
static int hex8(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -EINVAL;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

int initramfs_unpack(const void *cpio, uint32_t len)
{
    const char *buf = cpio;
    char *path = kmalloc(UAPI_PATH_MAX);
    if (!path)
        return -ENOMEM;
    uint32_t pos = 0;
    int r = 0, create_err = 0;
    while (pos < len) {
        if (buf[pos] == 0) {              /* padding between archives */
            pos++;
            continue;
        }
        pos = align4(pos);
        uint32_t f[NFIELDS];
        if (len - pos < CPIO_HDR || memcmp(buf + pos, "07070", 5) != 0 ||
            (buf[pos + 5] != '1' && buf[pos + 5] != '2')) {
            r = -EINVAL;                  /* truncated, compressed, or not newc */
            break;
        }
        for (int i = 0; i < NFIELDS && r == 0; i++)
            r = hex8(buf + pos + 6 + 8 * i, &f[i]);
        if (r < 0)
            break;
        uint32_t name_at = pos + CPIO_HDR, nsz = f[F_NAMESIZE];
        if (nsz == 0 || nsz > len - name_at || nsz > UAPI_PATH_MAX - 1 || buf[name_at + nsz - 1]) {
            r = -EINVAL;
            break;
        }
        const char *name = buf + name_at;
        uint32_t data_at = align4(name_at + nsz), size = f[F_FILESIZE];
        if (data_at > len || size > len - data_at) {
            r = -EINVAL;
            break;
        }
        pos = align4(data_at + size);
        if (strcmp(name, "TRAILER!!!") == 0)
            continue;                     /* another archive may follow */
        while (name[0] == '.' && name[1] == '/')
            name += 2;
        while (name[0] == '/')
            name++;
        if (name[0] == 0 || strcmp(name, ".") == 0)
            continue;                     /* the root itself */
        uint32_t mode = f[F_MODE];
        if (!S_ISDIR(mode) && !S_ISREG(mode) && !S_ISLNK(mode))
            continue;
        path[0] = '/';
        strlcpy(path + 1, name, UAPI_PATH_MAX - 1);
        int c = fs_create_file(path, buf + data_at, S_ISDIR(mode) ? 0 : size, mode);
        if (c < 0 && !create_err) {    /* e.g. a file under /proc: skip it, as Linux does, */
            printk("initramfs: %s: error %d\n", path, -c);   /* and report the first */
            create_err = c;
        }
    }
    kfree(path);
    return r < 0 ? r : create_err;
}
