/* SHA-256, FIPS 180-4: padding §5.1.1, initial hash value §5.3.3, the constants §4.2.2, the
 * functions §4.1.2, the computation §6.2.2. Bytes are taken big-endian (§3.1). The state keeps
 * a partial block so update may be called with any lengths; final pads and writes H(N). */
#include <sha256.h>
#include <string.h>

static const uint32_t K[64] = {   /* §4.2.2: cube roots of the first 64 primes */
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };

#define ROTR(x, n) ((x) >> (n) | (x) << (32 - (n)))
#define CH(x, y, z)  (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ (x) >> 3)
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ (x) >> 10)

/* §6.2.2: one 512-bit block into the hash value. */
static void block(uint32_t h[8], const unsigned char *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 | p[4 * t + 3];
    for (int t = 16; t < 64; t++)
        w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = k + BSIG1(e) + CH(e, f, g) + K[t] + w[t];
        uint32_t t2 = BSIG0(a) + MAJ(a, b, c);
        k = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
    h[4] += e; h[5] += f; h[6] += g; h[7] += k;
}

void sha256_init(struct sha256 *s)
{
    static const uint32_t h0[8] = {   /* §5.3.3: square roots of the first 8 primes */
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;
    size_t used = (size_t)(s->len % SHA256_BLOCK_SIZE);
    s->len += n;
    if (used) {                                   /* finish the partial block first */
        size_t take = SHA256_BLOCK_SIZE - used < n ? SHA256_BLOCK_SIZE - used : n;
        memcpy(s->buf + used, p, take);
        p += take, n -= take;
        if (used + take < SHA256_BLOCK_SIZE)
            return;
        block(s->h, s->buf);
    }
    for (; n >= SHA256_BLOCK_SIZE; p += SHA256_BLOCK_SIZE, n -= SHA256_BLOCK_SIZE)
        block(s->h, p);
    memcpy(s->buf, p, n);
}

/* §5.1.1: a 1 bit, zeros to 56 bytes mod 64, then the length in bits as 64 bits big-endian. */
void sha256_final(struct sha256 *s, unsigned char digest[SHA256_DIGEST_SIZE])
{
    uint64_t bits = s->len * 8;
    size_t used = (size_t)(s->len % SHA256_BLOCK_SIZE);
    s->buf[used++] = 0x80;
    if (used > 56) {                              /* no room for the length: one more block */
        memset(s->buf + used, 0, SHA256_BLOCK_SIZE - used);
        block(s->h, s->buf);
        used = 0;
    }
    memset(s->buf + used, 0, 56 - used);
    for (int i = 0; i < 8; i++)
        s->buf[63 - i] = (unsigned char)(bits >> (8 * i));
    block(s->h, s->buf);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            digest[4 * i + j] = (unsigned char)(s->h[i] >> (24 - 8 * j));
}

void sha256(const void *data, size_t n, unsigned char digest[SHA256_DIGEST_SIZE])
{
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, data, n);
    sha256_final(&s, digest);
}
