/* Hashing: FNV-1a (32 and 64 bit), djb2, MurmurHash3's x86_32 variant and SHA-256, checked
 * against published test vectors and printed for a set of inputs. */
#include "suite.h"

static uint32_t fnv1a32(const uint8_t *p, size_t n)
{
    uint32_t h = 0x811C9DC5u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x01000193u;
    }
    return h;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001B3ull;
    }
    return h;
}

static uint32_t djb2(const uint8_t *p, size_t n)
{
    uint32_t h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + p[i];
    return h;
}

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t murmur3_32(const uint8_t *p, size_t n, uint32_t seed)
{
    const uint32_t c1 = 0xCC9E2D51u, c2 = 0x1B873593u;
    uint32_t h = seed;
    size_t blocks = n / 4;
    for (size_t i = 0; i < blocks; i++) {
        uint32_t k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xE6546B64u;
    }
    const uint8_t *tail = p + blocks * 4;
    uint32_t k = 0;
    switch (n & 3) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1:
        k ^= tail[0];
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
    }
    h ^= (uint32_t)n;
    h ^= h >> 16;
    h *= 0x85EBCA6Bu;
    h ^= h >> 13;
    h *= 0xC2B2AE35u;
    h ^= h >> 16;
    return h;
}

/* ---- SHA-256 (FIPS 180-4) ---- */
typedef struct sha256_ctx {
    uint32_t state[8];
    uint8_t block[64];
    uint32_t block_len;
    uint64_t total_len;
} sha256_ctx;

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t rotr32(uint32_t x, int r) { return (x >> r) | (x << (32 - r)); }

static void sha256_compress(sha256_ctx *c)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)c->block[4 * i] << 24 | (uint32_t)c->block[4 * i + 1] << 16 |
               (uint32_t)c->block[4 * i + 2] << 8 | c->block[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = rotr32(w[i - 15], 7) ^ rotr32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr32(w[i - 2], 17) ^ rotr32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->state[0], b = c->state[1], cc = c->state[2], d = c->state[3];
    uint32_t e = c->state[4], f = c->state[5], g = c->state[6], h = c->state[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + ((e & f) ^ (~e & g)) +
                      sha256_k[i] + w[i];
        uint32_t t2 = (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = b;
        b = a;
        a = t1 + t2;
    }
    c->state[0] += a; c->state[1] += b; c->state[2] += cc; c->state[3] += d;
    c->state[4] += e; c->state[5] += f; c->state[6] += g; c->state[7] += h;
}

static void sha256_init(sha256_ctx *c)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(c->state, iv, sizeof iv);
    c->block_len = 0;
    c->total_len = 0;
}

static void sha256_update(sha256_ctx *c, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        c->block[c->block_len++] = p[i];
        if (c->block_len == 64) {
            sha256_compress(c);
            c->block_len = 0;
        }
    }
    c->total_len += n;
}

static void sha256_final(sha256_ctx *c, char hex[65])
{
    uint64_t bits = c->total_len * 8;
    uint8_t pad = 0x80;
    sha256_update(c, &pad, 1);
    pad = 0;
    while (c->block_len != 56)
        sha256_update(c, &pad, 1);
    uint8_t len_be[8];
    for (int i = 0; i < 8; i++)
        len_be[i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(c, len_be, 8);
    for (int i = 0; i < 8; i++)
        snprintf(hex + 8 * i, 9, "%08x", (unsigned)c->state[i]);
}

static void sha256_hex(const char *text, size_t n, char hex[65])
{
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, (const uint8_t *)text, n);
    sha256_final(&c, hex);
}

int main(void)
{
    static const char *texts[] = {
        "", "a", "abc", "foobar", "hello, world", "message digest",
        "The quick brown fox jumps over the lazy dog",
        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
    };
    for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const uint8_t *p = (const uint8_t *)texts[i];
        size_t n = strlen(texts[i]);
        char hex[65];
        sha256_hex(texts[i], n, hex);
        printf("\"%.20s\"%*s fnv32 %08x fnv64 %016llx djb2 %08x murmur %08x/%08x\n", texts[i],
               (int)(n < 20 ? 20 - n : 0), "", (unsigned)fnv1a32(p, n),
               (unsigned long long)fnv1a64(p, n), (unsigned)djb2(p, n),
               (unsigned)murmur3_32(p, n, 0), (unsigned)murmur3_32(p, n, 0x9747B28Cu));
        printf("    sha256 %s\n", hex);
    }

    /* Published vectors. */
    CHECK_EQ_U64(fnv1a32((const uint8_t *)"a", 1), 0xE40C292Cu);
    CHECK_EQ_U64(fnv1a32((const uint8_t *)"foobar", 6), 0xBF9CF968u);
    CHECK_EQ_U64(fnv1a64((const uint8_t *)"a", 1), 0xAF63DC4C8601EC8Cull);
    CHECK_EQ_U64(fnv1a64((const uint8_t *)"foobar", 6), 0x85944171F73967E8ull);
    CHECK_EQ_U64(murmur3_32((const uint8_t *)"", 0, 1), 0x514E28B7u);
    CHECK_EQ_U64(murmur3_32((const uint8_t *)"", 0, 0xFFFFFFFFu), 0x81F16F39u);
    CHECK_EQ_U64(murmur3_32((const uint8_t *)"Hello, world!", 13, 0x9747B28Cu), 0x24884CBAu);
    CHECK_EQ_U64(murmur3_32((const uint8_t *)"The quick brown fox jumps over the lazy dog", 43,
                            0x9747B28Cu), 0x2FA826CDu);
    char hex[65];
    sha256_hex("abc", 3, hex);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    sha256_hex("", 0, hex);
    CHECK(strcmp(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == 0);
    sha256_hex(texts[7], strlen(texts[7]), hex);
    CHECK(strcmp(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1") == 0);

    /* One million 'a's, fed in uneven pieces (FIPS 180-2 appendix B.3). */
    static char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    sha256_ctx c;
    sha256_init(&c);
    for (int i = 0; i < 1000; i++)
        sha256_update(&c, (const uint8_t *)chunk, 1000);
    sha256_final(&c, hex);
    printf("sha256(1e6 x 'a') = %s\n", hex);
    CHECK(strcmp(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0") == 0);

    /* Avalanche: flipping one input bit changes about half the output bits. */
    uint32_t total_flips = 0;
    for (uint32_t v = 0; v < 256; v++) {
        uint8_t a[4] = { (uint8_t)v, 1, 2, 3 }, b[4] = { (uint8_t)(v ^ 1), 1, 2, 3 };
        uint32_t diff = murmur3_32(a, 4, 0) ^ murmur3_32(b, 4, 0);
        for (; diff != 0; diff &= diff - 1)
            total_flips++;
    }
    printf("murmur avalanche: %u bit flips over 256 pairs (about %u per pair)\n",
           (unsigned)total_flips, (unsigned)(total_flips / 256));
    CHECK(total_flips > 256 * 12 && total_flips < 256 * 20);
    return suite_finish("hash");
}
