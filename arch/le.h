/* The machine is little-endian: every byte image of it that vx86 reads or writes (VMCB fields,
 * Multiboot structures, snapshots of the CPU, the devices and the machine, GDB register packets)
 * goes through these, the one little-endian serialiser.
 *  - le16/32/64_load, le16/32/64_store: fixed-size fields at a pointer;
 *  - le_writer / le_reader: a stream of fields. The writer counts every byte and stores only while
 *    the buffer has room, so a first pass with buf == NULL measures the size; the reader turns
 *    `ok` false on the first read past the end and yields zeros from then on.
 * Freestanding: <stdbool.h>, <stddef.h>, <stdint.h> and static inline functions only. */
#ifndef VX86_ARCH_LE_H
#define VX86_ARCH_LE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint16_t le16_load(const uint8_t *p) { return (uint16_t)(p[0] | (uint16_t)p[1] << 8); }
static inline uint32_t le32_load(const uint8_t *p) { return le16_load(p) | (uint32_t)le16_load(p + 2) << 16; }
static inline uint64_t le64_load(const uint8_t *p) { return le32_load(p) | (uint64_t)le32_load(p + 4) << 32; }

static inline void le16_store(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void le32_store(uint8_t *p, uint32_t v) { le16_store(p, (uint16_t)v); le16_store(p + 2, (uint16_t)(v >> 16)); }
static inline void le64_store(uint8_t *p, uint64_t v) { le32_store(p, (uint32_t)v); le32_store(p + 4, (uint32_t)(v >> 32)); }

/* n bytes (1..8) of a field of that width. */
static inline uint64_t le_load_n(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int k = n - 1; k >= 0; k--) v = v << 8 | p[k];
    return v;
}
static inline void le_store_n(uint8_t *p, uint64_t v, int n)
{
    for (int k = 0; k < n; k++) p[k] = (uint8_t)(v >> (8 * k));
}

typedef struct le_writer {
    uint8_t *buf;
    size_t cap;
    size_t pos;
} le_writer;

static inline void le_put8(le_writer *w, uint8_t v)
{
    if (w->buf && w->pos < w->cap) w->buf[w->pos] = v;
    w->pos++;
}
static inline void le_put16(le_writer *w, uint16_t v) { le_put8(w, (uint8_t)v); le_put8(w, (uint8_t)(v >> 8)); }
static inline void le_put32(le_writer *w, uint32_t v) { le_put16(w, (uint16_t)v); le_put16(w, (uint16_t)(v >> 16)); }
static inline void le_put64(le_writer *w, uint64_t v) { le_put32(w, (uint32_t)v); le_put32(w, (uint32_t)(v >> 32)); }
static inline void le_put_bytes(le_writer *w, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) le_put8(w, p[i]);
}

typedef struct le_reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    bool ok;
} le_reader;

static inline uint8_t le_get8(le_reader *r)
{
    if (!r->ok || r->pos >= r->len) {
        r->ok = false;
        return 0;
    }
    return r->buf[r->pos++];
}
static inline uint16_t le_get16(le_reader *r) { uint16_t lo = le_get8(r); return (uint16_t)(lo | (uint16_t)le_get8(r) << 8); }
static inline uint32_t le_get32(le_reader *r) { uint32_t lo = le_get16(r); return lo | (uint32_t)le_get16(r) << 16; }
static inline uint64_t le_get64(le_reader *r) { uint64_t lo = le_get32(r); return lo | (uint64_t)le_get32(r) << 32; }
static inline void le_get_bytes(le_reader *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = le_get8(r);
}
/* Every byte consumed, none missing: a short or long buffer is someone else's data. */
static inline bool le_done(const le_reader *r) { return r->ok && r->pos == r->len; }

#endif
