/* A known VGA text screen for the GUI tests (tests/gui/run-gui-tests.sh): a title bar, the 16
 * colours, CP437 box drawing, and a line editor that shows what arrives on COM1 both on the screen
 * and back on COM1, so a test can type into the window and read what the guest got.
 * "quit" on a line of its own ends the program (status 1). */
#include "vxlib.h"
#include "devices/vga_abi.h"

static volatile uint16_t *const screen = (volatile uint16_t *)VGA_TEXT_ADDR;

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static void put(int row, int col, const char *s, uint8_t attr)
{
    for (; *s && col < VGA_COLS; s++, col++)
        screen[row * VGA_COLS + col] = (uint16_t)((uint8_t)*s | attr << 8);
}

/* The hardware cursor: CRTC registers 0x0E/0x0F hold its cell (IBM VGA Technical Reference). */
static void cursor(int row, int col)
{
    uint16_t at = (uint16_t)(row * VGA_COLS + col);
    outb(VGA_CRTC_INDEX, CRTC_CURSOR_HI);
    outb(VGA_CRTC_DATA, (uint8_t)(at >> 8));
    outb(VGA_CRTC_INDEX, CRTC_CURSOR_LO);
    outb(VGA_CRTC_DATA, (uint8_t)at);
}

int main(void)
{
    for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
        screen[i] = ' ' | 0x07 << 8;
    for (int c = 0; c < VGA_COLS; c++)
        screen[c] = ' ' | 0x1F << 8;
    put(0, 2, "vx86 VGA test screen", 0x1F);
    for (int k = 0; k < 16; k++) {
        char label[] = "colour 0x0";
        label[9] = "0123456789ABCDEF"[k];
        put(2 + k, 2, label, (uint8_t)k);                           /* foreground k on black */
        put(2 + k, 16, "          ", (uint8_t)(k << 4 & 0x70));     /* background k & 7 */
    }
    static const char box[] = { (char)0xC9, (char)0xCD, (char)0xCD, (char)0xCD, (char)0xBB, 0 };
    put(2, 30, box, 0x0E);
    put(3, 30, "\xBA\xB0\xB1\xB2\xBA", 0x0E);
    put(4, 30, "\xC8\xCD\xCD\xCD\xBC", 0x0E);
    put(20, 2, "type here:", 0x0A);
    cursor(20, 13);
    printf("vga screen ready\n");

    char line[128];
    size_t len = 0;
    int col = 13;
    for (;;) {
        int c = getchar();
        if (c == '\r' || c == '\n') {
            line[len] = 0;
            printf("got: %s\n", line);
            if (len == 4 && line[0] == 'q' && line[1] == 'u' && line[2] == 'i' && line[3] == 't')
                return 0;
            len = 0;
            for (int k = 13; k < VGA_COLS; k++)
                screen[20 * VGA_COLS + k] = ' ' | 0x07 << 8;
            col = 13;
        } else if (len + 1 < sizeof line) {
            line[len++] = (char)c;
            if (col < VGA_COLS - 1)
                screen[20 * VGA_COLS + col++] = (uint16_t)((uint8_t)c | 0x0F << 8);
        }
        cursor(20, col);
    }
}
