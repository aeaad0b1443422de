/* commit.c -- `ctr commit CONTAINER IMAGE`, as `docker commit`: the container's upper layer
 * becomes a new layer on top of its image's layers. The layer is a cpio "newc" archive of the
 * upper folder with overlayfs' whiteouts (character device 0/0) turned back into OCI whiteouts
 * (empty ".wh.NAME" files; opaque markers are already ".wh..wh..opq"), named by its SHA-256
 * (FIPS 180-4); a new config and manifest list the image's layers and this one, and index.json
 * gets the new name (the OCI image-spec's image-layout.md). Prints the image ID, as Docker. */
#include <stdint.h>
#include "ctr.h"

/* ---- SHA-256 (FIPS 180-4 §6.2) ---- */
static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
#define ROR(x, n) ((x) >> (n) | (x) << (32 - (n)))

static void sha256_block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64], s[8];
    for (int i = 0; i < 64; i++)
        w[i] = i < 16 ? (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3]
             : w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ w[i - 15] >> 3) + w[i - 7] +
               (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ w[i - 2] >> 10);
    memcpy(s, h, sizeof s);
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = s[7] + (ROR(s[4], 6) ^ ROR(s[4], 11) ^ ROR(s[4], 25)) + ((s[4] & s[5]) ^ (~s[4] & s[6])) + K[i] + w[i];
        uint32_t t2 = (ROR(s[0], 2) ^ ROR(s[0], 13) ^ ROR(s[0], 22)) + ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
        memmove(s + 1, s, 7 * sizeof *s);
        s[4] += t1;
        s[0] = t1 + t2;
    }
    for (int i = 0; i < 8; i++)
        h[i] += s[i];
}

/* Store n bytes at p as a blob; its "sha256:HEX" into digest[72]. */
static void store(const char *p, long n, char *digest)
{
    uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    unsigned char last[128] = { 0 };
    long full = n & ~63L;
    for (long i = 0; i < full; i += 64)
        sha256_block(h, (const unsigned char *)p + i);
    int r = (int)(n - full), len = r < 56 ? 64 : 128;
    memcpy(last, p + full, (size_t)r);
    last[r] = 0x80;                        /* then the length in bits, big-endian (n < 2^29) */
    for (int i = 0; i < 4; i++)
        last[len - 1 - i] = (unsigned char)((uint32_t)n << 3 >> (8 * i));
    for (int i = 0; i < len; i += 64)
        sha256_block(h, last + i);
    char path[160];
    int k = sprintf(digest, "sha256:");
    for (int i = 0; i < 8; i++)
        k += sprintf(digest + k, "%08x", (unsigned)h[i]);
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
