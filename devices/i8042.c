/* i8042 controller and PS/2 keyboard. Facts from the IBM PC/AT Technical Reference
 * (keyboard controller) and the IBM PS/2 keyboard technical reference. */
#include "devices/i8042.h"

#include <string.h>

#include "devices/devsnap.h"

#define I8042_SNAP_VERSION 1

/* Status bits: devices/i8042_abi.h. */
#define STATUS_OBF    I8042_STATUS_OBF
#define STATUS_SYS    I8042_STATUS_SYS
#define STATUS_CMD    I8042_STATUS_CMD
#define STATUS_UNLOCK I8042_STATUS_UNLOCK   /* keyboard not inhibited by the key lock */
#define CB_KBD_INT    0x01
#define CB_SYS        0x04
#define CB_KBD_OFF    0x10
#define CB_AUX_OFF    0x20
#define CB_XLATE      0x40

#define KBD_ACK    0xFA
#define KBD_RESEND 0xFE

static void update_irq(i8042 *d)
{
    bool level = d->out_full && (d->command_byte & CB_KBD_INT);
    if (level != d->irq_level) {
        d->irq_level = level;
        d->host->irq(d->host->ctx, I8042_IRQ, level);
    }
}

/* Move the next keyboard byte into the empty output buffer, unless the interface is off. */
static void fill_output(i8042 *d)
{
    if (d->out_full || !d->queue_count || (d->command_byte & CB_KBD_OFF)) return;
    d->out = d->queue[d->queue_head];
    d->queue_head = (uint16_t)((d->queue_head + 1) % I8042_QUEUE_SIZE);
    d->queue_count--;
    d->out_full = true;
}

static void keyboard_send(i8042 *d, uint8_t b)
{
    if (d->queue_count >= I8042_QUEUE_SIZE) {
        d->dropped++;
        return;
    }
    d->queue[(d->queue_head + d->queue_count) % I8042_QUEUE_SIZE] = b;
    d->queue_count++;
    fill_output(d);
}

/* A controller reply goes straight to the output buffer, ahead of queued keyboard bytes. */
static void controller_reply(i8042 *d, uint8_t b)
{
    if (d->out_full && d->queue_count < I8042_QUEUE_SIZE) {
        /* Put the unread keyboard byte back at the head of the queue rather than lose it. */
        d->queue_head = (uint16_t)((d->queue_head + I8042_QUEUE_SIZE - 1) % I8042_QUEUE_SIZE);
        d->queue[d->queue_head] = d->out;
        d->queue_count++;
    }
    d->out = b;
    d->out_full = true;
}

static void keyboard_defaults(i8042 *d)
{
    d->scanning = true;
    d->leds = 0;
    d->typematic = 0x2B;
    d->scancode_set = 2;           /* what the keyboard reports; translation presents set 1 */
}

void i8042_init(i8042 *d, const dev_host *host)
{
    memset(d, 0, sizeof *d);
    d->host = host;
    /* As firmware leaves it: keyboard interrupt on, POST passed (system flag), translation on. */
    d->command_byte = CB_KBD_INT | CB_SYS | CB_XLATE | CB_AUX_OFF;
    d->output_port = 0x03;         /* reset line inactive, A20 enabled */
    keyboard_defaults(d);
}

void i8042_key(i8042 *d, uint8_t scancode)
{
    if (!d->scanning) return;
    keyboard_send(d, scancode);
    update_irq(d);
}

bool i8042_take_reset_request(i8042 *d)
{
    bool r = d->reset_requested;
    d->reset_requested = false;
    return r;
}

static void keyboard_command(i8042 *d, uint8_t v)
{
    if (d->pending_keyboard) {
        uint8_t cmd = d->pending_keyboard;
        d->pending_keyboard = 0;
        if (cmd == 0xED) d->leds = v & 7;
        else if (cmd == 0xF3) d->typematic = v & 0x7F;
        else if (cmd == 0xF0) {
            keyboard_send(d, KBD_ACK);
            if (v == 0) keyboard_send(d, d->scancode_set);
            else if (v <= 3) d->scancode_set = v;
            return;
        }
        keyboard_send(d, KBD_ACK);
        return;
    }
    switch (v) {
    case 0xFF:
        keyboard_defaults(d);
        keyboard_send(d, KBD_ACK);
        keyboard_send(d, 0xAA);    /* basic assurance test passed */
        break;
    case 0xF4: d->scanning = true; keyboard_send(d, KBD_ACK); break;
    case 0xF5: keyboard_defaults(d); d->scanning = false; keyboard_send(d, KBD_ACK); break;
    case 0xF6: keyboard_defaults(d); keyboard_send(d, KBD_ACK); break;
    case 0xED: case 0xF3: case 0xF0:
        d->pending_keyboard = v;
        keyboard_send(d, KBD_ACK);
        break;
    case 0xF2:                     /* identify: MF2 keyboard, translated ID */
        keyboard_send(d, KBD_ACK);
        keyboard_send(d, 0xAB);
        keyboard_send(d, 0x41);
        break;
    case 0xEE: keyboard_send(d, 0xEE); break;
    default: keyboard_send(d, KBD_RESEND); break;
    }
}

static void controller_data(i8042 *d, uint8_t cmd, uint8_t v)
{
    switch (cmd) {
    case 0x60:
        d->command_byte = v;
        break;
    case 0xD1:
        d->output_port = v;
        if (!(v & 1)) d->reset_requested = true;
        break;
    case 0xD2:
        keyboard_send(d, v);
        break;
    default:                       /* 0xD4: no mouse; the byte goes nowhere */
        break;
    }
}

static void controller_command(i8042 *d, uint8_t v)
{
    switch (v) {
    case 0x20: controller_reply(d, d->command_byte); break;
    case 0x60: case 0xD1: case 0xD2: case 0xD4: d->pending_controller = v; break;
    case 0xA7: d->command_byte |= CB_AUX_OFF; break;
    case 0xA8: d->command_byte &= (uint8_t)~CB_AUX_OFF; break;
    case 0xA9: controller_reply(d, 0x00); break;   /* aux clock/data lines test: OK */
    case 0xAA:
        d->command_byte |= CB_SYS;
        controller_reply(d, 0x55);
        break;
    case 0xAB: controller_reply(d, 0x00); break;
    case 0xAD: d->command_byte |= CB_KBD_OFF; break;
    case 0xAE: d->command_byte &= (uint8_t)~CB_KBD_OFF; break;
    case 0xD0: controller_reply(d, d->output_port); break;
    case 0xFE: d->reset_requested = true; break;
    default:
        /* 0xF0-0xFF pulse output lines; bit 0 is reset (handled above). Others are ignored. */
        if (v >= 0xF0 && !(v & 1)) d->reset_requested = true;
        break;
    }
}

static uint8_t read_status(const i8042 *d)
{
    return (uint8_t)((d->out_full ? STATUS_OBF : 0) | ((d->command_byte & CB_SYS) ? STATUS_SYS : 0) |
                     (d->last_was_command ? STATUS_CMD : 0) | STATUS_UNLOCK);
}

uint32_t i8042_io_read(i8042 *d, uint16_t port, int size)
{
    uint8_t v = 0xFF;
    if (port == I8042_STATUS_PORT) {
        v = read_status(d);
    } else if (port == I8042_DATA_PORT) {
        /* Reading an empty buffer returns the last byte again, as the hardware does. */
        v = d->out;
        d->out_full = false;
        update_irq(d);             /* drop IRQ 1 so the next byte makes a fresh edge */
        fill_output(d);
        update_irq(d);
    }
    uint32_t wide = v;
    for (int i = 1; i < size && i < 4; i++) wide |= 0xFFu << (8 * i);
    return wide;
}

void i8042_io_write(i8042 *d, uint16_t port, int size, uint32_t value)
{
    (void)size;
    uint8_t v = (uint8_t)value;
    if (port == I8042_STATUS_PORT) {
        d->last_was_command = true;
        d->pending_controller = 0;
        controller_command(d, v);
    } else if (port == I8042_DATA_PORT) {
        d->last_was_command = false;
        if (d->pending_controller) {
            uint8_t cmd = d->pending_controller;
            d->pending_controller = 0;
            controller_data(d, cmd, v);
        } else {
            d->command_byte &= (uint8_t)~CB_KBD_OFF;   /* sending to the keyboard enables it */
            keyboard_command(d, v);
        }
    } else {
        return;
    }
    fill_output(d);
    update_irq(d);
}

/* Set-1 make codes for US-layout keys: unshifted and shifted characters per scancode. */
static const char set1_plain[0x3A] =
    "\0\x1b" "1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0\0\0 ";
static const char set1_shift[0x3A] =
    "\0\x1b" "!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0\0\0 ";

#define SC_LCTRL  0x1D
#define SC_LSHIFT 0x2A
#define SC_BREAK  0x80

size_t i8042_ascii_to_set1(char c, uint8_t out[8])
{
    if (c == 0) return 0;
    if (c == '\r') c = '\n';
    for (uint8_t sc = 1; sc < sizeof set1_plain; sc++) {
        if (set1_plain[sc] == c) {
            out[0] = sc;
            out[1] = sc | SC_BREAK;
            return 2;
        }
    }
    for (uint8_t sc = 1; sc < sizeof set1_shift; sc++) {
        if (set1_shift[sc] == c) {
            out[0] = SC_LSHIFT;
            out[1] = sc;
            out[2] = sc | SC_BREAK;
            out[3] = SC_LSHIFT | SC_BREAK;
            return 4;
        }
    }
    if (c >= 1 && c <= 26) {       /* Ctrl-A .. Ctrl-Z (Tab, LF, BS matched their own keys above) */
        uint8_t letter[8];
        if (i8042_ascii_to_set1((char)('a' + c - 1), letter) != 2) return 0;
        out[0] = SC_LCTRL;
        out[1] = letter[0];
        out[2] = letter[1];
        out[3] = SC_LCTRL | SC_BREAK;
        return 4;
    }
    return 0;
}

size_t i8042_type(i8042 *d, const char *text)
{
    size_t typed = 0;
    for (; *text; text++) {
        uint8_t codes[8];
        size_t n = i8042_ascii_to_set1(*text, codes);
        for (size_t i = 0; i < n; i++) i8042_key(d, codes[i]);
        if (n) typed++;
    }
    return typed;
}

size_t i8042_save(const i8042 *d, uint8_t *buf, size_t cap)
{
    devsnap_writer w = { buf, cap, 0 };
    devsnap_put_u8(&w, I8042_SNAP_VERSION);
    devsnap_put_u16(&w, d->queue_count);
    for (unsigned i = 0; i < d->queue_count; i++)
        devsnap_put_u8(&w, d->queue[(d->queue_head + i) % I8042_QUEUE_SIZE]);
    devsnap_put_u32(&w, d->dropped);
    devsnap_put_u8(&w, d->out);
    devsnap_put_u8(&w, d->command_byte);
    devsnap_put_u8(&w, d->output_port);
    devsnap_put_u8(&w, d->pending_controller);
    devsnap_put_u8(&w, d->pending_keyboard);
    devsnap_put_u8(&w, d->leds);
    devsnap_put_u8(&w, d->typematic);
    devsnap_put_u8(&w, d->scancode_set);
    devsnap_put_u8(&w, (uint8_t)(d->out_full | d->last_was_command << 1 | d->scanning << 2 |
                                 d->reset_requested << 3 | d->irq_level << 4));
    return devsnap_finish(&w);
}

bool i8042_load(i8042 *d, const uint8_t *buf, size_t len)
{
    devsnap_reader r = { buf, len, 0, true };
    if (devsnap_get_u8(&r) != I8042_SNAP_VERSION) return false;
    i8042 s = *d;
    s.queue_head = 0;
    s.queue_count = devsnap_get_u16(&r);
    if (s.queue_count > I8042_QUEUE_SIZE) return false;
    devsnap_get_bytes(&r, s.queue, s.queue_count);
    s.dropped = devsnap_get_u32(&r);
    s.out = devsnap_get_u8(&r);
    s.command_byte = devsnap_get_u8(&r);
    s.output_port = devsnap_get_u8(&r);
    s.pending_controller = devsnap_get_u8(&r);
    s.pending_keyboard = devsnap_get_u8(&r);
    s.leds = devsnap_get_u8(&r);
    s.typematic = devsnap_get_u8(&r);
    s.scancode_set = devsnap_get_u8(&r);
    uint8_t f = devsnap_get_u8(&r);
    s.out_full = f & 1;
    s.last_was_command = f & 2;
    s.scanning = f & 4;
    s.reset_requested = f & 8;
    s.irq_level = f & 16;
    if (!devsnap_done(&r)) return false;
    *d = s;
    return true;
}
