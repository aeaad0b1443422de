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

/* Operations on descriptors held in numbered slots (each side keeps its own slot -> fd table;
 * an empty slot stands for a descriptor that is not open). */
enum fd_op_kind { FD_OPEN, FD_CLOSE, FD_READ, FD_WRITE, FD_LSEEK, FD_FTRUNCATE, FD_DUP2,
                  FD_FSTAT, FD_UNLINK, FD_PIPE, FD_KINDS };
#define FD_SLOTS 5
struct fd_op {
    enum fd_op_kind kind;
    int slot, slot2;     /* slot2: dup2's target; pipe: read end in slot, write end in slot2 */
    const char *path;    /* open, unlink; write: the text */
    int arg, arg2;       /* open flags; read count; lseek offset and whence; ftruncate length */
};
/* Result (count, 0, or -errno); a read's bytes go to data (64 bytes). */
int lx_fd_op(const struct fd_op *op, char *data);
void lx_fd_reset(void);  /* close every slot */

/* The tree under the temporary directory as sorted lines "path mode nlink size" (size of files). */
void lx_tree(char *out, int cap);
/* Sort the lines of a buffer in place (both trees use it). */
void lines_sort(char *buf);

int lx_symlink(const char *target, const char *name);
int lx_umask(void);      /* the test process's umask, for the toy to use the same */
int lx_begin(void);      /* make and enter a temporary directory: 0 or -1 */
void lx_end(void);       /* leave and remove it */
int lx_op(const struct fs_op *op);

#endif
