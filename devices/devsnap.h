/* Snapshot serialization helpers shared by the device models.
 * Every device state is written as explicit little-endian fields (never a struct dump), so a
 * snapshot means the same on every host and survives struct layout changes. */
#ifndef VX86_DEVSNAP_H
#define VX86_DEVSNAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/le.h"

/* The device models' names for arch/le.h's stream writer and reader (the one little-endian
 * serialiser of vx86): the writer counts every byte and stores only while the buffer has room,
 * so a first call with buf == NULL tells the caller the size to allocate; once a read runs past
 * the end, the reader's `ok` turns false and every later read yields 0. */
typedef le_writer devsnap_writer;
typedef le_reader devsnap_reader;
#define devsnap_put_u8 le_put8
#define devsnap_put_u16 le_put16
#define devsnap_put_u32 le_put32
#define devsnap_put_u64 le_put64
#define devsnap_put_bytes le_put_bytes
#define devsnap_get_u8 le_get8
#define devsnap_get_u16 le_get16
#define devsnap_get_u32 le_get32
#define devsnap_get_u64 le_get64
#define devsnap_get_bytes le_get_bytes
/* A load succeeds only if every byte was consumed exactly: a short or long buffer means the
 * snapshot belongs to another device or version. */
#define devsnap_done le_done

/* The size a save reports: bytes needed; written only if they all fit. */
static inline size_t devsnap_finish(const devsnap_writer *w)
{
    return w->pos;
}

#endif
