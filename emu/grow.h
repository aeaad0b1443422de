/* grow.h: room for one more element in a doubling array, the one way emu/'s tables grow.
 *
 *     if (!GROW(t->items, t->count, t->cap, 16)) { t->failed = true; return NULL; }
 *     t->items[t->count++] = ...;
 *
 * GROW is true when items has a free slot (doubling it, first to FIRST slots, if it was full);
 * false when memory ran out, leaving items and cap as they were. cap must be a size_t. */
#ifndef VX86_EMU_GROW_H
#define VX86_EMU_GROW_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline bool grow_array(void *itemsp, size_t count, size_t *cap, size_t elem, size_t first)
{
    if (count < *cap)
        return true;
    void *items;
    memcpy(&items, itemsp, sizeof items);        /* the caller's T *, read without aliasing it */
    size_t n = *cap ? *cap * 2 : first;
    void *bigger = realloc(items, n * elem);
    if (!bigger)
        return false;
    memcpy(itemsp, &bigger, sizeof bigger);
    *cap = n;
    return true;
}

#define GROW(items, count, cap, first) grow_array(&(items), (count), &(cap), sizeof *(items), (first))

#endif
