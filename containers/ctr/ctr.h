/* ctr.h -- what the files of `ctr` share. A container is a folder /var/lib/ctr/containers/NAME:
 *   state     key=value lines (id, image, pid, status, exit, command, limits), rewritten whole
 *   upper/ work/   the overlay's writable layer and work directory (merged/ is the mount point)
 *   log       stdout and stderr of a detached (-d) container
 * Images are in /var/lib/ctr/images (an OCI image layout, image.c); each layer is unpacked once
 * into /var/lib/ctr/layers/HEX and shared, read-only, by every container that uses it. */
#ifndef CTR_H
#define CTR_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define CTR_ROOT    "/var/lib/ctr"
#define CTR_CGROUP  "/sys/fs/cgroup/ctr"
#define CTR_IMAGES  CTR_ROOT "/images"
#define MAXLAYERS   4
#define MAXARGS     32

struct image {                     /* from the manifest and config (image.c) */
    char name[32];
    char config[72], manifest[72]; /* "sha256:HEX" of each; the config's is the image ID */
    char layer[MAXLAYERS][72];     /* lowest first */
    int nlayers;
    long size;                     /* bytes of the layers */
    char *env[MAXARGS], *cmd[MAXARGS];
    char hostname[64];
};

struct ctr {                       /* one container's state file */
    char id[16], name[32], image[32], hostname[64], status[16], cmd[256], lower[512];
    long pid, exitcode, rm, detach;
    long memory, cpus_milli, shares, pids;
    char *env[MAXARGS], *argv[MAXARGS];
};

/* image.c */
int  image_find(const char *ref, struct image *img);          /* 0, or -1: not found */
int  image_unpack(const char *digest, char *dir, int n);      /* the layer's folder: 0 or -1 */
int  images_list(void);
char *blob(const char *digest, long *len);                    /* its bytes (malloc'd), or NULL */

/* state.c helpers (in ctr.c) */
int  state_load(const char *name, struct ctr *c);             /* 0, or -1: no such container */
void state_save(const struct ctr *c);
void mark(const char *step);                                  /* a trace record (trace_marker) */
void die(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
int  write_file(const char *path, const char *text);
int  read_file(const char *path, char *buf, int n);
void rm_tree(const char *path);
void remove_container(const char *name);                      /* cgroup and folder */
void upper_walk(const char *upper, const char *rel, void (*fn)(const char *sub, const char *path, struct stat *st));

/* seccomp.c: --security-opt seccomp=PROFILE */
void profile_load(const char *path);                           /* dies (125) on a bad profile */
void profile_apply(void);                                      /* in the init, before execve */

/* commit.c */
int  cmd_commit(struct ctr *c, const char *ref);               /* docker commit: a new image */

/* `ctr run`'s options, for ctr --help and ctr run --help */
#define CTR_RUN_USAGE "  run IMAGE [CMD]   create and run a container: [--rm] [-d] [--name N] [--hostname H]\n" \
    "                    [-e K=V] [--memory 64M] [--cpus 0.5] [--cpu-shares N] [--pids-limit N]\n" \
    "                    [--security-opt seccomp=PROFILE|unconfined]\n"

/* run.c */
int  cmd_run(int argc, char **argv);
int  cmd_exec(int argc, char **argv);

#endif
