/* commit.c -- `ctr commit CONTAINER IMAGE`, as `docker commit`: the container's upper layer
 * becomes a new layer on top of its image's layers. The layer is a cpio "newc" archive of the
 * upper folder with overlayfs' whiteouts (character device 0/0) turned back into OCI whiteouts
 * (empty ".wh.NAME" files; opaque markers are already ".wh..wh..opq"), named by its SHA-256
 * (the C library's sha256.h); a new config and manifest list the image's layers and this one,
 * and index.json gets the new name (the OCI image-spec's image-layout.md). Prints the image ID,
 * as Docker. */
#include <sha256.h>
#include "ctr.h"

/* Store n bytes at p as a blob; its "sha256:HEX" into digest[72]. */
static void store(const char *p, long n, char *digest)
{
    unsigned char d[SHA256_DIGEST_SIZE];
    sha256(p, (size_t)n, d);
    int k = sprintf(digest, "sha256:");
    for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
        k += sprintf(digest + k, "%02x", d[i]);
    char path[160];
    snprintf(path, sizeof path, CTR_IMAGES "/blobs/sha256/%s", digest + 7);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, p, (size_t)n) != (ssize_t)n || close(fd) < 0)
        die(125, "ctr: write %s: %s", path, strerror(errno));
}

/* ---- the layer: a cpio "newc" archive in memory ---- */
static char *arc;
static long alen, acap;

static void put(const void *p, long n)
{
    if (alen + n > acap && !(arc = realloc(arc, (size_t)(acap = (alen + n) * 2 + 4096))))
        die(125, "ctr: commit: out of memory");
    memcpy(arc + alen, p, (size_t)n);
    alen += n;
}

static void entry(const char *name, unsigned mode, const char *data, long size)
{
    static unsigned ino = 1;
    char h[112];
    sprintf(h, "070701%08X%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08X%08X", ino++, mode, 0, 0,
            S_ISDIR(mode) ? 2 : 1, 0, (unsigned long)size, 0, 0, 0, 0, (unsigned)strlen(name) + 1, 0);
    put(h, 110);
    put(name, (long)strlen(name) + 1);
    put("\0\0\0", (4 - alen % 4) % 4);
    put(data, size);
    put("\0\0\0", (4 - alen % 4) % 4);
}

static void add(const char *sub, const char *path, struct stat *st)
{
    char name[300], *data = NULL;
    const char *base = strrchr(sub, '/') + 1;
    if (S_ISCHR(st->st_mode) && st->st_rdev == 0) {   /* whiteout -> ".wh.NAME" */
        snprintf(name, sizeof name, "%.*s.wh.%s", (int)(base - sub - 1), sub + 1, base);
        entry(name, S_IFREG | 0644, NULL, 0);
    } else if (S_ISDIR(st->st_mode) || S_ISREG(st->st_mode)) {
        long n = S_ISREG(st->st_mode) ? (long)st->st_size : 0;
        if (n && (!(data = malloc((size_t)n + 1)) || read_file(path, data, (int)n + 1) != n))
            die(125, "ctr: commit: cannot read %s", path);
        entry(sub + 1, (unsigned)st->st_mode, data, n);
        free(data);
    }
}

/* The image's config and manifest with the new layer added: its digest at the end of the
 * config's rootfs.diff_ids, its descriptor at the end of the manifest's layers. */
int cmd_commit(struct ctr *c, const char *ref)
{
    struct image img, exists;
    char upper[128], layer[72], config[72], manifest[72], *buf = malloc(16384), *cfg, *man, *d, *l;
    if (image_find(c->image, &img) < 0 || !(cfg = blob(img.config, NULL)) || !(man = blob(img.manifest, NULL)) ||
        !(d = strstr(cfg, "]}}")) || !(l = strstr(man, "\"layers\":[")))
        die(125, "ctr: image \"%s\" of %s not found", c->image, c->name);
    if (!ref[0] || strspn(ref, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(ref))
        die(125, "ctr: invalid reference format: \"%s\" (lowercase letters, digits, '.', '_', '-')", ref);
    if (image_find(ref, &exists) == 0)
        die(125, "ctr: image \"%s\" already exists", ref);
    snprintf(upper, sizeof upper, CTR_ROOT "/containers/%s/upper", c->name);
    upper_walk(upper, "", add);
    entry("TRAILER!!!", 0, NULL, 0);
    store(arc, alen, layer);
    int k = sprintf(buf, "%.*s,\"%s\"%s", (int)(d - cfg), cfg, layer, d);
    store(buf, k, config);
    k = sprintf(buf, "%.*s\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"%s\","
                "\"size\":%d},\n%.*s,\n{\"mediaType\":\"application/vnd.vx86.image.layer.v1.cpio\",\"digest\":\"%s\","
                "\"size\":%ld}]}\n", (int)(strstr(man, "\"config\"") - man), man, config, k,
                (int)(strrchr(man, ']') - l), l, layer, alen);
    store(buf, k, manifest);
    long n = read_file(CTR_IMAGES "/index.json", buf, 12288);
    char *end = n > 0 ? strstr(buf, "]}\n") : NULL;   /* the manifests array's end */
    if (!end)
        die(125, "ctr: no image index at " CTR_IMAGES "/index.json");
    sprintf(end, ",\n{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"%s\",\"size\":%d,"
            "\"annotations\":{\"org.opencontainers.image.ref.name\":\"%s\"}}]}\n", manifest, k, ref);
    write_file(CTR_IMAGES "/index.json", buf);
    printf("%s\n", config);
    return 0;
}
