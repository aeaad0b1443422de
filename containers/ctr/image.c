/* image.c -- images in an OCI image layout (the OCI image-spec: image-layout.md, image-index.md,
 * manifest.md, config.md): index.json names each image's manifest by digest (annotation
 * org.opencontainers.image.ref.name), the manifest names the config and the layers, every blob is
 * blobs/sha256/HEX. The files are the ones containers/images/build.sh writes, so a reader of
 * "sha256:" strings and quoted arrays is enough (a general JSON parser is not needed here).
 * A layer is a cpio "newc" archive; unpacking turns its OCI whiteouts into overlayfs' own, as
 * containerd's overlay snapshotter does: ".wh.NAME" -> character device 0/0 NAME,
 * ".wh..wh..opq" stays as the opaque marker the toy overlayfs reads (containers/overlayfs.c). */
#include "ctr.h"

/* The whole of a blob or file, NUL-terminated (malloc'd), or NULL. */
static char *slurp(const char *path, long *len)
{
    struct stat st;
    char *b = stat(path, &st) == 0 ? malloc((size_t)st.st_size + 1) : NULL;
    long n = b ? read_file(path, b, (int)st.st_size + 1) : -1;
    if (n < 0)
        free(b);
    if (len)
        *len = n;
    return n < 0 ? NULL : b;
}

char *blob(const char *digest, long *len)
{
    char path[160];
    snprintf(path, sizeof path, CTR_IMAGES "/blobs/sha256/%s", digest + 7);
    return slurp(path, len);
}

/* Copy the next "sha256:HEX" at or after s into out; the position after it, or NULL. */
static char *next_digest(char *s, char *out)
{
    char *d = strstr(s, "sha256:");
    if (!d || strlen(d) < 71)
        return NULL;
    memcpy(out, d, 71);
    out[71] = 0;
    return d + 71;
}

/* The quoted strings of the array after key ("Cmd":[...]) into v (malloc'd copies). */
static void str_array(const char *json, const char *key, char **v)
{
    const char *p = strstr(json, key);
    int n = 0;
    for (p = p ? strchr(p, '[') : NULL; p && *p != ']' && n < MAXARGS - 1; ) {
        const char *a = strchr(p, '"'), *b = a ? strchr(a + 1, '"') : NULL;
        const char *end = strchr(p, ']');
        if (!b || (end && a > end))
            break;
        v[n] = malloc((size_t)(b - a));
        memcpy(v[n], a + 1, (size_t)(b - a - 1));
        v[n++][b - a - 1] = 0;
        p = b + 1;
    }
    v[n] = NULL;
}

int image_find(const char *ref, struct image *img)
{
    char want[80];
    snprintf(want, sizeof want, "\"org.opencontainers.image.ref.name\":\"%s\"", ref);
    char *n = strchr(want + 37, ':');          /* "base:latest" is "base" */
    if (n && !strcmp(n, ":latest\""))
        strcpy(n, "\"");
    char *index = slurp(CTR_IMAGES "/index.json", NULL), *line = index, *m = NULL;
    memset(img, 0, sizeof *img);
    for (char *nl; line && *line && !m; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        if (strstr(line, want) && next_digest(line, img->manifest))
            m = blob(img->manifest, NULL);
    }
    free(index);
    if (!m)
        return -1;
    snprintf(img->name, sizeof img->name, "%s", ref);
    char *p = next_digest(m, img->config);
    while (p && img->nlayers < MAXLAYERS && (p = next_digest(p, img->layer[img->nlayers])) != NULL) {
        char *sz = strstr(p, "\"size\":");
        img->size += sz ? atol(sz + 7) : 0;
        img->nlayers++;
    }
    free(m);
    char *cfg = blob(img->config, NULL);
    if (!cfg)
        return -1;
    str_array(cfg, "\"Env\"", img->env);
    str_array(cfg, "\"Cmd\"", img->cmd);
    char *h = strstr(cfg, "\"Hostname\":\"");
    if (h)
        snprintf(img->hostname, sizeof img->hostname, "%.*s", (int)strcspn(h + 12, "\""), h + 12);
    free(cfg);
    return 0;
}

static unsigned long hex8(const char *s)
{
    unsigned long v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 4 | (unsigned long)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    return v;
}

/* Unpack layer `digest` into CTR_ROOT/layers/HEX once; later calls find it there. */
int image_unpack(const char *digest, char *dir, int n)
{
    struct stat st;
    snprintf(dir, (size_t)n, CTR_ROOT "/layers/%s", digest + 7);
    if (stat(dir, &st) == 0)
        return 0;                  /* stored once: every container shares this folder */
    long len;
    char *a = blob(digest, &len), tmp[160], path[400];
    if (!a)
        return -1;
    snprintf(tmp, sizeof tmp, "%s.tmp", dir);
    rm_tree(tmp);
    mkdir(tmp, 0755);
    mode_t old = umask(0);
    for (long off = 0; off + 110 <= len && !memcmp(a + off, "070701", 6); ) {
        const char *h = a + off;
        unsigned long mode = hex8(h + 14), size = hex8(h + 54), nsize = hex8(h + 94);
        const char *name = h + 110;
        long data = (off + 110 + (long)nsize + 3) & ~3L;
        off = (data + (long)size + 3) & ~3L;
        if (!strcmp(name, "TRAILER!!!"))
            break;
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        snprintf(path, sizeof path, "%s/%s", tmp, name);
        if (!strncmp(base, ".wh.", 4) && strcmp(base, ".wh..wh..opq")) {
            snprintf(path, sizeof path, "%s/%.*s%s", tmp, (int)(base - name), name, base + 4);
            mknod(path, S_IFCHR, 0);           /* OCI whiteout -> overlayfs whiteout */
        } else if (S_ISDIR(mode)) {
            mkdir(path, (mode_t)(mode & 07777));
        } else if (S_ISREG(mode)) {
            int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)(mode & 07777));
            if (fd < 0 || write(fd, a + data, size) != (ssize_t)size) {
                umask(old);
                free(a);
                return -1;
            }
            close(fd);
        }
    }
    umask(old);
    free(a);
    return rename(tmp, dir);
}

/* `ctr images`: Docker's columns; the image ID is the config's digest, as Docker's. */
int images_list(void)
{
    char *index = slurp(CTR_IMAGES "/index.json", NULL);
    if (!index)
        die(125, "ctr: no image store at %s", CTR_IMAGES);
    printf("%-12s %-8s %-14s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "SIZE");
    for (char *p = index; (p = strstr(p, "ref.name\":\"")) != NULL; p++) {
        char name[32];
        struct image img;
        snprintf(name, sizeof name, "%.*s", (int)strcspn(p + 11, "\""), p + 11);
        if (image_find(name, &img) == 0)
            printf("%-12s %-8s %.12s   %ldkB\n", name, "latest", img.config + 7, img.size / 1000);
    }
    free(index);
    return 0;
}
