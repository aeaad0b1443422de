/* The default demo (vx86 with no arguments), emu/demo.c. */
#ifndef VX86_DEMO_H
#define VX86_DEMO_H

/* Run the demo with the images under BINDIR (os/kernel.elf, os/initrd.img, guest/demo.elf);
 * VX86 is how the user called the binary, for the commands to try next. 0 when it ran to its end,
 * 1 when it failed (the reason on stderr). */
int demo_run(const char *bindir, const char *vx86);

#endif
