/* Bit-fields: packed and unpacked layouts, signed fields (sign extension), unsigned
 * wrap-around, fields straddling bytes, and hardware-style registers built from them.
 * Field types are fixed-width so the layout rules match on i386 and x86-64 (SysV). */
#include "suite.h"

typedef struct flags8 {
    uint8_t present : 1;
    uint8_t writable : 1;
    uint8_t user : 1;
    uint8_t level : 3;
    uint8_t spare : 2;
} flags8;

/* An x86 page-table entry, as labs will later show it. */
typedef struct pte {
    uint32_t present : 1, writable : 1, user : 1, write_through : 1, cache_disable : 1;
    uint32_t accessed : 1, dirty : 1, page_size : 1, global : 1, avail : 3;
    uint32_t frame : 20;
} pte;

typedef struct signed_fields {
    int32_t small : 3;      /* -4 .. 3 */
    int32_t medium : 11;    /* -1024 .. 1023 */
    int32_t large : 18;
} signed_fields;

typedef struct __attribute__((packed)) packed_header {
    uint8_t version : 4;
    uint8_t ihl : 4;
    uint16_t length;
    uint32_t straddle : 20;
    uint32_t tail : 12;
    uint8_t last;
} packed_header;

typedef struct mixed {
    uint8_t a : 5;
    uint16_t b : 9;          /* does not fit in what is left of a's byte */
    uint32_t c : 17;
    uint8_t d;
} mixed;

static uint32_t as_u32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

int main(void)
{
    printf("sizeof: flags8 %u pte %u signed %u packed %u mixed %u\n", (unsigned)sizeof(flags8),
           (unsigned)sizeof(pte), (unsigned)sizeof(signed_fields), (unsigned)sizeof(packed_header),
           (unsigned)sizeof(mixed));
    CHECK(sizeof(flags8) == 1 && sizeof(pte) == 4 && sizeof(packed_header) == 8);

    flags8 f;
    memset(&f, 0, sizeof f);
    f.present = 1;
    f.user = 1;
    f.level = 5;
    uint8_t raw;
    memcpy(&raw, &f, 1);
    printf("flags8: present %u user %u level %u raw %02x\n", (unsigned)f.present, (unsigned)f.user,
           (unsigned)f.level, (unsigned)raw);
    CHECK(raw == 0x2D);
    f.level = (uint8_t)(f.level + 4);        /* 9 wraps to 1 in a 3-bit field */
    CHECK(f.level == 1);

    pte e;
    memset(&e, 0, sizeof e);
    e.present = 1;
    e.writable = 1;
    e.accessed = 1;
    e.frame = 0xABCDE;
    printf("pte: %08x frame %05x\n", (unsigned)as_u32(&e), (unsigned)e.frame);
    CHECK(as_u32(&e) == 0xABCDE023u);
    uint32_t rawpte = 0x00400087u;           /* present, writable, user, 4 MiB page */
    memcpy(&e, &rawpte, sizeof e);
    printf("decoded: P%u W%u U%u PS%u frame %05x\n", (unsigned)e.present, (unsigned)e.writable,
           (unsigned)e.user, (unsigned)e.page_size, (unsigned)e.frame);
    CHECK(e.page_size == 1 && e.frame == 0x400 && e.dirty == 0);

    signed_fields s;
    memset(&s, 0, sizeof s);
    for (int32_t v = -6; v <= 6; v += 3) {
        s.small = v & 3;                      /* keep in range: the low bits only */
        s.medium = v * 150;
        s.large = v * 40000;
        printf("signed: small %2d medium %5d large %7d raw %08x\n", (int)s.small, (int)s.medium,
               (int)s.large, (unsigned)as_u32(&s));
    }
    s.small = -4;
    s.medium = -1024;
    s.large = -131072;
    CHECK(s.small == -4 && s.medium == -1024 && s.large == -131072);
    CHECK(as_u32(&s) == 0x80002004u);
    s.small = 3;
    CHECK(s.small + 1 == 4);                 /* promoted to int before the addition */

    packed_header h;
    memset(&h, 0, sizeof h);
    h.version = 4;
    h.ihl = 5;
    h.length = 0x1234;
    h.straddle = 0xFEDCB;
    h.tail = 0xA98;
    h.last = 0x77;
    const uint8_t *bytes = (const uint8_t *)&h;
    printf("packed bytes:");
    for (size_t i = 0; i < sizeof h; i++)
        printf(" %02x", (unsigned)bytes[i]);
    printf("\n");
    CHECK(bytes[0] == 0x54 && bytes[1] == 0x34 && bytes[7] == 0x77);

    mixed m;
    memset(&m, 0, sizeof m);
    m.a = 31;
    m.b = 511;
    m.c = 0x1FFFF;
    m.d = 0x5A;
    const uint8_t *mb = (const uint8_t *)&m;
    printf("mixed bytes:");
    for (size_t i = 0; i < sizeof m; i++)
        printf(" %02x", (unsigned)mb[i]);
    printf("\n");
    m.b++;                                   /* 512 wraps to 0 in 9 bits */
    CHECK(m.a == 31 && m.b == 0 && m.c == 0x1FFFF && m.d == 0x5A);

    /* Counting set fields across many values exercises extract/insert code paths. */
    uint32_t state = 99, total = 0;
    for (int i = 0; i < 1000; i++) {
        uint32_t r = suite_rand(&state);
        memcpy(&e, &r, sizeof e);
        total += e.present + e.writable + e.user + e.dirty + e.global + e.avail + (e.frame & 7);
    }
    printf("field sum over 1000 random entries: %u\n", (unsigned)total);
    return suite_finish("bitfields");
}
