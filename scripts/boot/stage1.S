/* Stage 1: the boot sector. The BIOS loads it to 0x7C00 and jumps here in real mode with the boot
 * drive in DL. It reads the sectors that follow (count patched in by the packer at
 * BOOT_LOAD_COUNT_OFFSET) to 0x7E00 with INT 13h and jumps to stage 2 at 0x8000.
 *
 * Reads go one sector at a time through CHS addressing with the geometry the BIOS reports
 * (INT 13h AH=08h), which works the same for floppies and hard disks, never crosses a 64 KiB
 * DMA boundary and never crosses a track. */
#include "bootparams.h"

    .code16
    .section .text
    .globl _start
_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %ss
    movw $0x7C00, %sp
    ljmp $0, $normalized            /* some BIOSes jump to 07C0:0000 */
normalized:
    sti
    cld
    movb %dl, boot_drive

    /* Geometry: sectors per track in CL[5:0], last head in DH. Keep the 1.44 MB defaults if
     * the BIOS does not answer. */
    movb $0x08, %ah
    xorw %di, %di
    movw %di, %es                   /* ES:DI = 0 works around BIOSes that look at it */
    int $0x13
    jc read_sectors
    andw $0x3F, %cx
    jz read_sectors
    movw %cx, sectors_per_track
    movb %dh, %dl
    xorb %dh, %dh
    incw %dx
    movw %dx, heads

read_sectors:
    movw $0x07E0, %bx               /* segment of the next sector's destination */
    movw $1, %si                    /* LBA of the next sector */
next_sector:
    cmpw load_count, %si
    ja loaded
    movb $4, tries
retry:
    /* LBA -> CHS: sector = lba % spt + 1, head = (lba / spt) % heads, cyl = lba / spt / heads */
    movw %si, %ax
    xorw %dx, %dx
    divw sectors_per_track
    incw %dx
    movw %dx, %cx                   /* CL = sector */
    xorw %dx, %dx
    divw heads                      /* AX = cylinder, DX = head */
    movb %dl, %dh
    movb %al, %ch                   /* cylinder bits 7:0 */
    shlb $6, %ah
    orb %ah, %cl                    /* cylinder bits 9:8 go to CL[7:6] */
    movb boot_drive, %dl
    movw %bx, %es
    xorw %bx, %bx
    movw $0x0201, %ax               /* read one sector to ES:BX */
    int $0x13
    movw %es, %bx
    jnc sector_done
    decb tries
    jz disk_error
    xorb %ah, %ah                   /* reset the controller, then try again */
    movb boot_drive, %dl
    int $0x13
    movw %es, %bx
    jmp retry
sector_done:
    addw $(BOOT_SECTOR_SIZE / 16), %bx
    incw %si
    jmp next_sector

loaded:
    movb boot_drive, %dl
    ljmp $0, $BOOT_STAGE2_ADDR

disk_error:
    movw $error_text, %si
print:
    lodsb
    testb %al, %al
    jz halt
    outb %al, $0xE9                 /* Bochs/QEMU debug console */
    movb $0x0E, %ah                 /* and the screen, via BIOS teletype */
    xorw %bx, %bx
    int $0x10
    jmp print
halt:
    cli
    hlt
    jmp halt

error_text:         .asciz "mkbootimg: disk read error\r\n"
sectors_per_track:  .word 18
heads:              .word 2
boot_drive:         .byte 0
tries:              .byte 0

    .org BOOT_LOAD_COUNT_OFFSET
load_count:         .word 0         /* patched by bootimg_pack: sectors after this one */
    .byte 0x55, 0xAA
