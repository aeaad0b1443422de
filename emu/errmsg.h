/* One-line error messages into a caller's buffer: the convention of every emu/ function that can
 * fail on bad input (returns false, message in err, no trailing newline, no "vx86: " prefix). */
#ifndef VX86_ERRMSG_H
#define VX86_ERRMSG_H

#include <stdbool.h>
#include <stddef.h>

/* Format into err (if err and errlen) and return false, so callers can `return emu_say(...)`. */
bool emu_say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
