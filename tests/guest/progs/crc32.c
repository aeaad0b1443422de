/* CRC-32 (IEEE 802.3, reflected), computed bit by bit and with a table; they must agree,
 * and with the published check value 0xCBF43926 for "123456789". Also CRC-32C and CRC-16. */
#include "suite.h"

static uint32_t crc_table[256];

static void build_table(uint32_t poly)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_bitwise(uint32_t poly, const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (poly & (0u - (crc & 1u)));
    }
    return ~crc;
}

static uint32_t crc32_update_table(uint32_t crc, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
    return ~crc32_update_table(0xFFFFFFFFu, p, n);
}

/* CRC-16/CCITT-FALSE: MSB-first, poly 0x1021, init 0xFFFF; check value 0x29B1. */
static uint16_t crc16_ccitt(const uint8_t *p, size_t n)
{
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++) {
        crc ^= (uint16_t)(p[i] << 8);
        for (int k = 0; k < 8; k++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
    }
    return crc;
}

static uint8_t data[4096];

int main(void)
{
    const uint8_t *check = (const uint8_t *)"123456789";
    const uint32_t ieee = 0xEDB88320u, castagnoli = 0x82F63B78u;

    build_table(ieee);
    printf("table[1]=%08x table[128]=%08x table[255]=%08x\n",
           (unsigned)crc_table[1], (unsigned)crc_table[128], (unsigned)crc_table[255]);
    CHECK_EQ_U64(crc32_bitwise(ieee, check, 9), 0xCBF43926u);
    CHECK_EQ_U64(crc32_table(check, 9), 0xCBF43926u);
    CHECK_EQ_U64(crc32_bitwise(castagnoli, check, 9), 0xE3069283u);
    CHECK_EQ_U64(crc16_ccitt(check, 9), 0x29B1u);
    CHECK_EQ_U64(crc32_table((const uint8_t *)"", 0), 0);
    printf("crc32(\"123456789\")  = %08x\n", (unsigned)crc32_table(check, 9));
    printf("crc32c(\"123456789\") = %08x\n", (unsigned)crc32_bitwise(castagnoli, check, 9));
    printf("crc16(\"123456789\")  = %04x\n", (unsigned)crc16_ccitt(check, 9));

    static const char *texts[] = {
        "", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
        "The quick brown fox jumps over the lazy dog",
        "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
    };
    for (unsigned i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        const uint8_t *p = (const uint8_t *)texts[i];
        size_t n = strlen(texts[i]);
        uint32_t a = crc32_bitwise(ieee, p, n), b = crc32_table(p, n);
        printf("crc32 %-12.12s len %2u: %08x %08X  crc16 %04x\n", texts[i], (unsigned)n,
               (unsigned)a, (unsigned)b, (unsigned)crc16_ccitt(p, n));
        CHECK(a == b);
    }
    CHECK_EQ_U64(crc32_table((const uint8_t *)texts[5], strlen(texts[5])), 0x414FA339u);

    /* Pseudo-random blocks: incremental CRC over chunks equals the one-shot CRC. */
    uint32_t state = 2463534242u;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(suite_rand(&state) >> 24);
    for (size_t len = 1; len <= sizeof data; len *= 4) {
        uint32_t whole = crc32_table(data, len);
        uint32_t running = 0xFFFFFFFFu;
        for (size_t off = 0; off < len; off += 7)
            running = crc32_update_table(running, data + off, len - off < 7 ? len - off : 7);
        printf("block %4u bytes: %08x\n", (unsigned)len, (unsigned)whole);
        CHECK(~running == whole);
        CHECK(crc32_bitwise(ieee, data, len) == whole);
    }
    /* Appending the little-endian CRC to a message gives the CRC-32 residue 0x2144DF1C. */
    uint8_t msg[16] = "residue check";
    uint32_t c = crc32_table(msg, 12);
    for (int i = 0; i < 4; i++)
        msg[12 + i] = (uint8_t)(c >> (8 * i));
    printf("residue: %08x\n", (unsigned)crc32_table(msg, 16));
    CHECK_EQ_U64(crc32_table(msg, 16), 0x2144DF1Cu);
    return suite_finish("crc32");
}
