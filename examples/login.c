/* A login prompt that waits for a person: it prints "login: ", reads a line from the serial
 * port and greets whoever typed it. Feed it a file, typed only once the prompt is out:
 *
 *   printf 'ada\n' > in.txt
 *   build/vx86 run build/examples/login.elf --serial-input in.txt --input-after "login: "
 *
 * or type yourself: build/vx86 run build/examples/login.elf --serial-input -
 * Characters are echoed as a terminal would, so the output reads "login: ada". */
#include "vxlib.h"

/* Read one line (without its end) into buf, echoing each byte; backspace rubs out. */
static void read_line(char *buf, size_t size)
{
    size_t len = 0;
    for (;;) {
        int c = getchar();
        if (c == '\r' || c == '\n')
            break;
        if ((c == '\b' || c == 0x7f) && len > 0) {
            len--;
            printf("\b \b");
        } else if (c >= ' ' && c < 0x7f && len + 1 < size) {
            buf[len++] = (char)c;
            putchar(c);
        }
    }
    buf[len] = '\0';
    putchar('\n');
}

int main(void)
{
    char name[32];
    printf("vx86 example system\n\nlogin: ");
    read_line(name, sizeof name);
    if (name[0] == '\0')
        strcpy(name, "nobody");
    printf("welcome, %s. For a whole system with a shell, try: build/vx86 os\n", name);
    return 0;
}
