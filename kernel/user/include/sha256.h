/* sha256.h -- SHA-256 (FIPS 180-4), incremental: init, update any number of times with any
 * lengths, final. Not a standard C header (glibc has none); the toy OS's C library carries it for
 * sha256sum and for ctr, which names image blobs by their SHA-256 (the OCI image-spec). */
#ifndef _SHA256_H
#define _SHA256_H
#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32   /* bytes of a digest */
#define SHA256_BLOCK_SIZE  64   /* bytes of a message block */

struct sha256 {
    uint32_t h[8];                        /* the hash value H(i) so far */
    uint64_t len;                         /* message bytes seen */
    unsigned char buf[SHA256_BLOCK_SIZE]; /* the partial block: len % 64 bytes */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST_SIZE]);
/* The digest of n bytes at data, in one call. */
void sha256(const void *data, size_t n, unsigned char digest[SHA256_DIGEST_SIZE]);

#endif
