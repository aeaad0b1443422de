/* A stand-in for `vx86 lab` / `vx86 grade` while emu/main.c does not dispatch them yet:
 * vx86-lab lab FILE ... and vx86-lab grade FILE ... call the same entry points. */
#include <stdio.h>
#include <string.h>

#include "emu/lua/vxlua.h"

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "lab") == 0) return lab_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "grade") == 0) return grade_main(argc - 1, argv + 1);
    fprintf(stderr, "usage: vx86-lab lab|grade LAB.lua ...\n");
    return 2;
}
