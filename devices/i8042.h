/* i8042 keyboard controller with a PS/2 keyboard behind it: data port 0x60, status/command
 * port 0x64, IRQ 1. The keyboard speaks scancode set 1 directly (what the controller hands the
 * OS with translation on); no mouse is attached.
 * Controller commands: 0x20/0x60 read/write command byte, 0xAA self-test (0x55), 0xAB port
 * test, 0xAD/0xAE disable/enable keyboard, 0xA7/0xA8 aux disable/enable, 0xA9 aux test,
 * 0xD0/0xD1 read/write output port, 0xD2 write keyboard output, 0xD4 (byte to the absent mouse
 * is dropped), 0xFE/0xD1 with bit 0 clear request a system reset.
 * Keyboard commands are acknowledged with 0xFA: 0xFF reset (0xFA 0xAA), 0xF4/0xF5 enable/
 * disable scanning, 0xF6 defaults, 0xED LEDs, 0xF3 typematic, 0xF0 scancode set, 0xF2 identify,
 * 0xEE echo; anything else gets 0xFE (resend). */
#ifndef VX86_I8042_H
#define VX86_I8042_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/dev.h"
#include "devices/i8042_abi.h"   /* ports, IRQ, status bits */
#define I8042_QUEUE_SIZE  256      /* keyboard bytes waiting for the output buffer */

typedef struct i8042 {
    uint8_t queue[I8042_QUEUE_SIZE];
    uint16_t queue_head, queue_count;
    uint32_t dropped;              /* scancodes lost to a full queue */
    uint8_t out;                   /* output buffer */
    bool out_full;
    uint8_t command_byte;
    uint8_t output_port;
    uint8_t pending_controller;    /* controller command awaiting a data byte, 0 if none */
    uint8_t pending_keyboard;      /* keyboard command awaiting its argument, 0 if none */
    bool last_was_command;         /* status bit 3: last write went to 0x64 */
    bool scanning;                 /* keyboard enabled (0xF4/0xF5) */
    uint8_t leds, typematic, scancode_set;
    bool reset_requested;
    bool irq_level;
    const dev_host *host;
} i8042;

void i8042_init(i8042 *d, const dev_host *host);
uint32_t i8042_io_read(i8042 *d, uint16_t port, int size);
void i8042_io_write(i8042 *d, uint16_t port, int size, uint32_t value);

/* A scancode byte from the keyboard (make, break, or 0xE0 prefix); dropped while the keyboard
 * is not scanning. */
void i8042_key(i8042 *d, uint8_t scancode);
/* Set-1 make/break bytes typing ASCII character c (with Shift or Ctrl as needed) into out[8];
 * returns the number of bytes, 0 if the character has no key. */
size_t i8042_ascii_to_set1(char c, uint8_t out[8]);
/* Types a string through i8042_key; returns how many characters had a key. */
size_t i8042_type(i8042 *d, const char *text);

/* The guest asked the controller to pulse the CPU reset line (0xFE, or 0xD1 with bit 0 clear).
 * Reading clears the request. */
bool i8042_take_reset_request(i8042 *d);

/* Snapshot: bytes needed returned, written if cap suffices; load keeps the host. */
size_t i8042_save(const i8042 *d, uint8_t *buf, size_t cap);
bool i8042_load(i8042 *d, const uint8_t *buf, size_t len);

#endif
