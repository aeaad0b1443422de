/* Program lifecycle: from the entry stub to main and back out through the debug-exit port. */
#include "vxlib.h"
#include "vx/io.h"
#include "devices/debugport_abi.h"

/* QEMU's isa-debug-exit and vx86's debug-exit device (DEBUGPORT_EXIT): a write of V ends the
 * run with host exit status (V << 1) | 1. */
#define DEBUG_EXIT_PORT DEBUGPORT_EXIT

static const struct multiboot_info *boot_info;

void kernel_entry(uint32_t magic, const struct multiboot_info *mbi);

void kernel_entry(uint32_t magic, const struct multiboot_info *mbi)
{
    vx_fault_init();
    vx_serial_init();
    puts(VX_BEGIN_MARKER);
    if (magic == MULTIBOOT_BOOTLOADER_MAGIC)
        boot_info = mbi;
    else
        printf("vxlib: not started by a multiboot loader (eax=%#x)\n", (unsigned)magic);
    vx_exit(main());
}

void vx_exit(int code)
{
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
    /* Without a debug-exit device (Bochs, real hardware) stop here; with interrupts off
     * HLT never resumes, the loop only guards against an NMI. */
    for (;;) {
        cpu_cli();
        cpu_hlt();
    }
}

void vx_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("panic: ");
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    vx_exit(0x7f);
}

const struct multiboot_info *vx_multiboot(void)
{
    return boot_info;
}

const char *vx_cmdline(void)
{
    if (boot_info == NULL || !(boot_info->flags & MULTIBOOT_INFO_CMDLINE) || boot_info->cmdline == 0)
        return "";
    return (const char *)(uintptr_t)boot_info->cmdline;
}

const char *vx_cmdline_args(void)
{
    const char *s = vx_cmdline();
    while (*s != '\0' && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}
