/* Structures: large structs passed and returned by value, assignment, arrays of structs,
 * nested structs, unions, compound literals and designated initialisers. Only fixed-width
 * members, so the layout is the same on i386 and x86-64. */
#include "suite.h"

typedef struct point { int32_t x, y; } point;

typedef struct big {
    uint32_t id;
    char name[20];
    point corners[4];
    uint8_t payload[200];
    uint16_t checks[10];
} big;

typedef struct record {
    char tag[8];
    uint16_t kind;
    uint8_t flags;
    uint8_t level;
    int32_t value;
    point where;
} record;

typedef union word {
    uint32_t u32;
    uint16_t u16[2];
    uint8_t u8[4];
} word;

static uint32_t big_hash(big b)           /* by value: the callee gets its own copy */
{
    uint32_t h = b.id;
    for (size_t i = 0; i < sizeof b.payload; i++)
        h = h * 31 + b.payload[i];
    for (int i = 0; i < 4; i++)
        h = h * 31 + (uint32_t)(b.corners[i].x * 7 + b.corners[i].y);
    for (int i = 0; i < 10; i++)
        h = h * 31 + b.checks[i];
    for (const char *p = b.name; *p != '\0'; p++)
        h = h * 31 + (uint8_t)*p;
    b.id = 0;                              /* must not affect the caller */
    memset(b.payload, 0xEE, sizeof b.payload);
    return h;
}

static big make_big(uint32_t id, const char *name)     /* returned by value (hidden pointer) */
{
    big b;
    memset(&b, 0, sizeof b);
    b.id = id;
    strncpy(b.name, name, sizeof b.name - 1);
    for (int i = 0; i < 4; i++)
        b.corners[i] = (point){ (int32_t)id * i - 50, 100 - (int32_t)id * i };
    for (size_t i = 0; i < sizeof b.payload; i++)
        b.payload[i] = (uint8_t)(id * 17 + i * 3);
    for (int i = 0; i < 10; i++)
        b.checks[i] = (uint16_t)(id * 1000 + (uint32_t)i);
    return b;
}

static big mirror(big b)
{
    for (int i = 0; i < 4; i++)
        b.corners[i] = (point){ -b.corners[i].y, -b.corners[i].x };
    for (size_t i = 0; i < sizeof b.payload / 2; i++) {
        uint8_t t = b.payload[i];
        b.payload[i] = b.payload[sizeof b.payload - 1 - i];
        b.payload[sizeof b.payload - 1 - i] = t;
    }
    return b;
}

static point add_points(point a, point b) { return (point){ a.x + b.x, a.y + b.y }; }

static int compare_records(const record *a, const record *b)
{
    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    return strcmp(a->tag, b->tag);
}

int main(void)
{
    printf("sizeof: point %u big %u record %u word %u\n", (unsigned)sizeof(point),
           (unsigned)sizeof(big), (unsigned)sizeof(record), (unsigned)sizeof(word));
    CHECK(sizeof(point) == 8 && sizeof(record) == 24 && sizeof(word) == 4);

    big a = make_big(7, "seven");
    big b = a;                                      /* struct assignment */
    uint32_t ha = big_hash(a);
    printf("big a: id %u name %s hash %08x\n", (unsigned)a.id, a.name, (unsigned)ha);
    CHECK(a.id == 7 && a.payload[0] == (uint8_t)(7 * 17));
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK(big_hash(b) == ha);

    big m = mirror(a);
    printf("mirror: corners (%d,%d) (%d,%d) payload[0]=%u hash %08x\n", (int)m.corners[0].x,
           (int)m.corners[0].y, (int)m.corners[3].x, (int)m.corners[3].y, (unsigned)m.payload[0],
           (unsigned)big_hash(m));
    big mm = mirror(m);
    CHECK(memcmp(&mm, &a, sizeof a) == 0);          /* mirroring twice gives the original */

    static big table[6];
    for (int i = 0; i < 6; i++)
        table[i] = make_big((uint32_t)(i + 1) * 3, i % 2 ? "odd" : "even");
    big tmp = table[0];                              /* rotate the array through a copy */
    for (int i = 0; i < 5; i++)
        table[i] = table[i + 1];
    table[5] = tmp;
    for (int i = 0; i < 6; i++)
        printf("table[%d]: id %2u %-4s hash %08x\n", i, (unsigned)table[i].id, table[i].name,
               (unsigned)big_hash(table[i]));
    CHECK(table[5].id == 3 && table[0].id == 6);

    record recs[] = {
        { .tag = "delta", .kind = 4, .level = 2, .value = -40, .where = { 1, 2 } },
        { .tag = "alpha", .kind = 1, .level = 1, .value = 10 },
        { .tag = "gamma", .kind = 3, .flags = 0x80, .level = 2, .value = 30 },
        { .tag = "beta", .kind = 2, .level = 1, .value = -20, .where = { -5, 5 } },
        { .tag = "eps", .kind = 5, .flags = 1, .level = 0, .value = 50 },
    };
    const int nrecs = (int)(sizeof recs / sizeof recs[0]);
    for (int i = 1; i < nrecs; i++) {                /* insertion sort by value copies */
        record r = recs[i];
        int j = i - 1;
        while (j >= 0 && compare_records(&recs[j], &r) > 0) {
            recs[j + 1] = recs[j];
            j--;
        }
        recs[j + 1] = r;
    }
    point total = { 0, 0 };
    for (int i = 0; i < nrecs; i++) {
        printf("record %-6s kind %u flags %02x level %u value %4d at (%d,%d)\n", recs[i].tag,
               (unsigned)recs[i].kind, (unsigned)recs[i].flags, (unsigned)recs[i].level,
               (int)recs[i].value, (int)recs[i].where.x, (int)recs[i].where.y);
        total = add_points(total, recs[i].where);
    }
    printf("sum of positions: (%d,%d)\n", (int)total.x, (int)total.y);
    CHECK(strcmp(recs[0].tag, "eps") == 0 && strcmp(recs[4].tag, "gamma") == 0);
    CHECK(total.x == -4 && total.y == 7);

    word w = { .u32 = 0x11223344u };
    printf("union: u32 %08x u16 %04x %04x u8 %02x %02x %02x %02x\n", (unsigned)w.u32,
           (unsigned)w.u16[0], (unsigned)w.u16[1], (unsigned)w.u8[0], (unsigned)w.u8[1],
           (unsigned)w.u8[2], (unsigned)w.u8[3]);
    CHECK(w.u8[0] == 0x44 && w.u16[1] == 0x1122);     /* little-endian everywhere */
    w.u8[3] = 0xAB;
    CHECK(w.u32 == 0xAB223344u);

    struct { point p[3]; int32_t n; } shape = { { { 1, 2 }, { 3, 4 }, { 5, 6 } }, 3 }, copy;
    copy = shape;
    copy.p[1].x = 99;
    printf("shape %d,%d copy %d,%d n %d\n", (int)shape.p[1].x, (int)shape.p[1].y,
           (int)copy.p[1].x, (int)copy.p[1].y, (int)copy.n);
    CHECK(shape.p[1].x == 3 && copy.p[1].x == 99);
    return suite_finish("structs");
}
