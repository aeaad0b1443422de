/* PCG32 (M. E. O'Neill, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
 * Algorithms for Random Number Generation", 2014): a 64-bit LCG whose output is permuted by an
 * xorshift and a data-dependent rotation. Our own code, so that every lab number is the same on
 * every host and Lua version (math.random is neither). */
#include "emu/lua/vxlua.h"

#define PCG_MULT 6364136223846793005ull

void vxlua_rng_seed(vxlua_rng *r, uint64_t seed, uint64_t stream)
{
    r->state = 0;
    r->inc = (stream << 1) | 1u;
    vxlua_rng_next(r);
    r->state += seed;
    vxlua_rng_next(r);
}

uint32_t vxlua_rng_next(vxlua_rng *r)
{
    uint64_t old = r->state;
    r->state = old * PCG_MULT + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}

uint32_t vxlua_rng_range(vxlua_rng *r, uint32_t lo, uint32_t hi)
{
    uint64_t span = (uint64_t)hi - lo + 1;
    if (span > 0xFFFFFFFFull) return vxlua_rng_next(r);
    /* Reject the top partial bucket so every value is equally likely. */
    uint32_t limit = (uint32_t)(0x100000000ull - 0x100000000ull % span);
    for (;;) {
        uint32_t x = vxlua_rng_next(r);
        if (limit == 0 || x < limit) return lo + (uint32_t)(x % span);
    }
}
