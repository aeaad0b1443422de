/* One file operation, run on the toy (test_os_fs.c) and on Linux (linux_ref.c). */
#ifndef LINUX_REF_H
#define LINUX_REF_H

enum fs_op_kind { OP_OPEN, OP_MKDIR, OP_RMDIR, OP_UNLINK, OP_RENAME, OP_CHDIR, OP_ACCESS,
                  OP_TRUNCATE, OP_WRITE, OP_STAT, OP_READLINK };
struct fs_op {
    enum fs_op_kind kind;
    const char *a, *b;   /* paths (b: the new name for rename, the text for write) */
    int arg;             /* open flags, access mode, truncate length */
};

int lx_begin(void);      /* make and enter a temporary directory: 0 or -1 */
void lx_end(void);       /* leave and remove it */
int lx_op(const struct fs_op *op);

#endif
