/* The guest the gdb tests debug (built at -O0 so every variable lives in memory).
 * Run straight through it prints "counter=15" and exits with 0; the tests change its globals
 * from gdb and check that the change shows (exit code, output). */
#include "vxlib.h"

volatile uint32_t gdb_counter;
uint32_t gdb_table[4] = { 0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u };
/* Set from gdb to make the guest loop until interrupted (the Ctrl-C test). */
volatile uint32_t gdb_spin;
volatile uint32_t gdb_spins;

void gdb_bump(uint32_t by);
void gdb_bump(uint32_t by)
{
    gdb_counter += by;
}

int main(void)
{
    while (gdb_spin)
        gdb_spins++;
    for (int k = 0; k < 3; k++)
        gdb_bump(5);
    printf("counter=%u table0=%x\n", (unsigned)gdb_counter, (unsigned)gdb_table[0]);
    return gdb_counter == 15 ? 0 : 1;
}
