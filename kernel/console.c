/* console.c: the system console. Output goes to COM1 (polled: the 16550's transmitter is
 * fast next to the guest) and is mirrored on the VGA text screen; input comes from COM1's
 * receive interrupt (IRQ 4) and the PS/2 keyboard (IRQ 1) into one line discipline, Linux's
 * canonical mode in miniature: echo, backspace, ^U, ^D for end of file, ^C sends SIGINT to
 * the foreground process group, CR becomes NL (ICRNL) and NL goes out as CR NL (ONLCR).
 *
 * Simplification, said here once: bytes that arrive while no one is reading wait unechoed
 * in a raw queue and are edited and echoed when a reader comes (Linux echoes at once). Typed-
 * ahead input then echoes after the output of the command before it, so a scripted session
 * prints the same on every machine, whatever the timing of its input. ^C still acts at once. */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/ioctl.h"
#include "kernel/uapi/signal.h"

#define COM1 0x3F8
#define UART_RBR 0      /* receive buffer (read) / transmit holding (write) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DR   0x01   /* data ready */
#define LSR_THRE 0x20   /* transmit holding register empty */
#define KBD_DATA 0x60
#define KBD_STATUS 0x64
#define VGA_TEXT 0xB8000
#define VGA_COLS 80
#define VGA_ROWS 25
#define VGA_ATTR 0x0700

#define RAW_SIZE 8192                      /* typed-ahead bytes not yet seen by a reader */
#define LINE_SIZE 1024                     /* cooked input: committed lines + the line being edited */
#define CTRL(c) ((c) - '@')

static struct {
    uint8_t raw[RAW_SIZE];
    uint32_t rr, rw;                       /* raw queue: read and write counts */
    char line[LINE_SIZE];
    uint32_t r, w, e;                      /* read, committed (written), edit positions */
    int readers;
    int vga_pos;
    int shift;
} con;
int console_fg_pgrp;

/* The termios flags the discipline honours (TCGETS/TCSETS, termios(3)): ICANON off hands bytes
 * over as they come (no editing; a read returns what is there, ^D is a byte), ECHO off stops the
 * echo, ISIG off makes ^C a byte, ICRNL off keeps CR. Output flags are fixed (OPOST ONLCR).
 * vm run and vm console clear the four while attached, as QEMU's -nographic does to its tty. */
static uint32_t lflag = ISIG | ICANON | ECHO | ECHOE, iflag = ICRNL;

void console_putc_raw(int c)
{
    for (int spin = 0; spin < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); spin++)
        ;
    outb(COM1 + UART_RBR, (uint8_t)c);
}

static void vga_putc(int c)
{
    volatile uint16_t *vga = P2V(VGA_TEXT);
    if (c == '\n')
        con.vga_pos += VGA_COLS - con.vga_pos % VGA_COLS;
    else if (c == '\b') {
        if (con.vga_pos > 0)
            con.vga_pos--;
    } else if (c != '\r')
        vga[con.vga_pos++] = (uint16_t)(VGA_ATTR | (uint8_t)c);
    if (con.vga_pos >= VGA_COLS * VGA_ROWS) {
        memmove((void *)vga, (void *)(vga + VGA_COLS), 2 * VGA_COLS * (VGA_ROWS - 1));
        for (int i = 0; i < VGA_COLS; i++)
            vga[VGA_COLS * (VGA_ROWS - 1) + i] = VGA_ATTR | ' ';
        con.vga_pos -= VGA_COLS;
    }
}

static void putc_out(int c)
{
    if (c == '\n')
        console_putc_raw('\r');
    console_putc_raw(c);
    vga_putc(c);
}

/* Interrupts off while writing, so an echo from the receive interrupt never lands mid-write. */
int console_write(const char *kbuf, int n)
{
    uint32_t f = irq_save();
    for (int i = 0; i < n; i++)
        putc_out((uint8_t)kbuf[i]);
    irq_restore(f);
    return n;
}

/* Edit and echo raw bytes, up to the end of one line: called with interrupts off, when a
 * reader is there. The next line waits (unechoed) for the next read. */
static void process_raw(void)
{
    if (!(lflag & ICANON)) {               /* non-canonical: every byte is committed at once */
        while (con.rr != con.rw && con.e - con.r < LINE_SIZE) {
            int c = con.raw[con.rr++ % RAW_SIZE];
            if (c == '\r' && (iflag & ICRNL))
                c = '\n';
            con.line[con.e++ % LINE_SIZE] = (char)c;
            if (lflag & ECHO)
                putc_out(c);
        }
        if (con.w != con.e) {
            con.w = con.e;
            wakeup(&con.r);
        }
        return;
    }
    while (con.rr != con.rw && con.r == con.w) {
        int c = con.raw[con.rr++ % RAW_SIZE];
        if (c == '\r' && (iflag & ICRNL))
            c = '\n';
        if (c == 0x7F || c == '\b') {
            if (con.e != con.w) {
                con.e--;
                console_write("\b \b", 3);
            }
        } else if (c == CTRL('U')) {
            while (con.e != con.w) {
                con.e--;
                console_write("\b \b", 3);
            }
        } else if (c == '\n' || c == CTRL('D')) {
            if (con.e - con.r < LINE_SIZE) {
                con.line[con.e++ % LINE_SIZE] = (char)c;
                if (c == '\n')
                    putc_out('\n');
            }
            con.w = con.e;
            wakeup(&con.r);
        } else if (con.e - con.r < LINE_SIZE - 1) {    /* keep room for the newline */
            con.line[con.e++ % LINE_SIZE] = (char)c;
            putc_out(c);
        }
    }
}

/* A byte from either input device, in interrupt context. */
static void input_byte(int c)
{
    if (c == CTRL('C') && (lflag & ISIG)) {
        con.rr = con.rw;                   /* drop typed-ahead input, as Linux's ISIG flush */
        con.e = con.w;
        console_write("^C", 2);           /* ECHOCTL; the shell starts the new line */
        if (console_fg_pgrp > 0)
            signal_send_group(console_fg_pgrp, SIGINT);
        return;
    }
    if (con.rw - con.rr < RAW_SIZE)
        con.raw[con.rw++ % RAW_SIZE] = (uint8_t)c;
    if (con.readers)
        process_raw();
}

void console_intr(void)
{
    while (inb(COM1 + UART_LSR) & LSR_DR)
        input_byte(inb(COM1 + UART_RBR));
}

/* Scan code set 1, as the i8042 translates for us: make codes below 0x3A. */
static const char kbd_map[2][0x3A] = {
    { 0, 0x1B, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
      'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n', 0, 'a', 's',
      'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\', 'z', 'x', 'c', 'v',
      'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ' },
    { 0, 0x1B, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
      'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n', 0, 'A', 'S',
      'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|', 'Z', 'X', 'C', 'V',
      'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ' },
};
#define SC_LSHIFT 0x2A
#define SC_RSHIFT 0x36
#define SC_CTRL   0x1D
#define SC_RELEASE 0x80
static int kbd_ctrl;

void console_kbd_intr(void)
{
    while (inb(KBD_STATUS) & 1) {
        int sc = inb(KBD_DATA);
        int code = sc & ~SC_RELEASE, down = !(sc & SC_RELEASE);
        if (code == SC_LSHIFT || code == SC_RSHIFT)
            con.shift = down;
        else if (code == SC_CTRL)
            kbd_ctrl = down;
        else if (down && code < 0x3A && kbd_map[con.shift][code]) {
            int c = kbd_map[con.shift][code];
            if (kbd_ctrl && c >= 'a' && c <= 'z')
                c -= 'a' - 1;
            input_byte(c);
        }
    }
}

int console_read(char *kbuf, int n)
{
    struct proc *p = curproc();
    uint32_t f = irq_save();
    con.readers++;
    process_raw();
    if (paravirt_snapshot_ready && con.r == con.w)
        paravirt_ready_point();            /* snapshot=ready: the first read that blocks (paravirt.c) */
    while (con.r == con.w) {
        if (signal_pending(p) || p->killed) {
            con.readers--;
            irq_restore(f);
            return -EINTR;
        }
        sleep_on(&con.r);
        process_raw();
    }
    con.readers--;
    int got = 0;
    while (got < n && con.r != con.w) {
        char c = con.line[con.r % LINE_SIZE];
        if (c == CTRL('D') && (lflag & ICANON)) {
            if (got == 0)
                con.r++;                   /* an empty read is end of file */
            break;
        }
        con.r++;
        kbuf[got++] = c;
        if (c == '\n' && (lflag & ICANON))
            break;
    }
    irq_restore(f);
    return got;
}

/* 115200 8N1, FIFOs on, receive interrupt on; OUT2 gates the UART's IRQ line on a PC. */
void console_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, 0x80);           /* DLAB: divisor 1 = 115200 baud */
    outb(COM1 + 0, 1);
    outb(COM1 + 1, 0);
    outb(COM1 + UART_LCR, 0x03);           /* 8 data bits, no parity, 1 stop bit */
    outb(COM1 + UART_FCR, 0x07);           /* FIFOs on and cleared */
    outb(COM1 + UART_MCR, 0x0B);           /* DTR, RTS, OUT2 */
    outb(COM1 + UART_IER, 0x01);           /* received data available */
    volatile uint16_t *vga = P2V(VGA_TEXT);
    for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
        vga[i] = VGA_ATTR | ' ';
    (void)inb(COM1 + UART_RBR);
}

/* TCGETS (set 0) and TCSETS (set 1): the flags above; the rest of struct termios as Linux's
 * defaults for a console. */
void console_termios(struct termios *t, int set)
{
    if (set) {
        uint32_t f = irq_save();
        lflag = t->c_lflag & (ISIG | ICANON | ECHO | ECHOE);
        iflag = t->c_iflag & ICRNL;
        process_raw();                     /* bytes already typed follow the new rules */
        irq_restore(f);
        return;
    }
    memset(t, 0, sizeof *t);
    t->c_iflag = iflag;
    t->c_oflag = OPOST | ONLCR;
    t->c_lflag = lflag;
    t->c_cc[VINTR] = 3;
    t->c_cc[VERASE] = 127;
    t->c_cc[VEOF] = 4;
    t->c_cc[VMIN] = 1;
}
