/* Snapshot serialization helpers shared by the device models.
 * Every device state is written as explicit little-endian fields (never a struct dump), so a
 * snapshot means the same on every host and survives struct layout changes. */
#ifndef VX86_DEVSNAP_H
#define VX86_DEVSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writer: counts every byte; stores only while the buffer has room, so a first call with
 * buf == NULL tells the caller the size to allocate. */
typedef struct devsnap_writer {
    uint8_t *buf;
    size_t cap;
    size_t pos;
} devsnap_writer;

static inline void devsnap_put_u8(devsnap_writer *w, uint8_t v)
{
    if (w->buf && w->pos < w->cap) w->buf[w->pos] = v;
    w->pos++;
}

static inline void devsnap_put_u16(devsnap_writer *w, uint16_t v)
{
    devsnap_put_u8(w, (uint8_t)v);
    devsnap_put_u8(w, (uint8_t)(v >> 8));
}

static inline void devsnap_put_u32(devsnap_writer *w, uint32_t v)
{
    devsnap_put_u16(w, (uint16_t)v);
    devsnap_put_u16(w, (uint16_t)(v >> 16));
}

static inline void devsnap_put_u64(devsnap_writer *w, uint64_t v)
{
    devsnap_put_u32(w, (uint32_t)v);
    devsnap_put_u32(w, (uint32_t)(v >> 32));
}

static inline void devsnap_put_bytes(devsnap_writer *w, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) devsnap_put_u8(w, p[i]);
}

/* The size a save reports: bytes needed; written only if they all fit. */
static inline size_t devsnap_finish(const devsnap_writer *w)
{
    return w->pos;
}

/* Reader: once a read runs past the end, `ok` turns false and every later read yields 0. */
typedef struct devsnap_reader {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    bool ok;
} devsnap_reader;

static inline uint8_t devsnap_get_u8(devsnap_reader *r)
{
    if (!r->ok || r->pos >= r->len) {
        r->ok = false;
        return 0;
    }
    return r->buf[r->pos++];
}

static inline uint16_t devsnap_get_u16(devsnap_reader *r)
{
    uint16_t lo = devsnap_get_u8(r);
    return (uint16_t)(lo | (uint16_t)devsnap_get_u8(r) << 8);
}

static inline uint32_t devsnap_get_u32(devsnap_reader *r)
{
    uint32_t lo = devsnap_get_u16(r);
    return lo | (uint32_t)devsnap_get_u16(r) << 16;
}

static inline uint64_t devsnap_get_u64(devsnap_reader *r)
{
    uint64_t lo = devsnap_get_u32(r);
    return lo | (uint64_t)devsnap_get_u32(r) << 32;
}

static inline void devsnap_get_bytes(devsnap_reader *r, uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) p[i] = devsnap_get_u8(r);
}

/* A load succeeds only if every byte was consumed exactly: a short or long buffer means the
 * snapshot belongs to another device or version. */
static inline bool devsnap_done(const devsnap_reader *r)
{
    return r->ok && r->pos == r->len;
}

#endif
