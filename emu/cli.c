/* Option parsing for `vx86 run`: options may come before or after IMAGE, "--opt VALUE" and
 * "--opt=VALUE" are the same, "--" ends the options. */
#include "emu/errmsg.h"
#include "emu/cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


/* Leading decimal digits into *v; false on overflow or if there are none. */
static bool take_digits(const char **p, uint64_t *v, int *ndigits)
{
    *v = 0;
    *ndigits = 0;
    while (isdigit((unsigned char)**p)) {
        unsigned d = (unsigned)(**p - '0');
        if (*v > (UINT64_MAX - d) / 10)
            return false;
        *v = *v * 10 + d;
        (*p)++;
        (*ndigits)++;
    }
    return true;
}

bool cli_parse_count(const char *text, uint64_t *value, char *err, size_t errlen)
{
    const char *p = text;
    uint64_t mant, frac = 0, exp = 0;
    int nint, nfrac = 0, nexp;
    if (!take_digits(&p, &mant, &nint))
        return emu_say(err, errlen, "number '%s' is too large", text);
    if (*p == '.') {
        p++;
        if (!take_digits(&p, &frac, &nfrac) || nfrac > 19)
            return emu_say(err, errlen, "number '%s' has too many digits", text);
    }
    if (nint + nfrac == 0)
        return emu_say(err, errlen, "'%s' is not a number", text);
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+')
            p++;
        if (!take_digits(&p, &exp, &nexp) || nexp == 0 || exp > 30)
            return emu_say(err, errlen, "'%s' is not a number (bad exponent)", text);
    }
    if (*p != 0)
        return emu_say(err, errlen, "'%s' is not a number", text);
    /* value = (mant * 10^nfrac + frac) * 10^(exp - nfrac), which must be a whole number. */
    uint64_t v = mant;
    for (int i = 0; i < nfrac; i++) {
        if (v > UINT64_MAX / 10)
            return emu_say(err, errlen, "number '%s' is too large", text);
        v *= 10;
    }
    if (v > UINT64_MAX - frac)
        return emu_say(err, errlen, "number '%s' is too large", text);
    v += frac;
    int shift = (int)exp - nfrac;
    for (; shift > 0; shift--) {
        if (v > UINT64_MAX / 10)
            return emu_say(err, errlen, "number '%s' is too large", text);
        v *= 10;
    }
    for (; shift < 0; shift++) {
        if (v % 10 != 0)
            return emu_say(err, errlen, "'%s' is not a whole number", text);
        v /= 10;
    }
    *value = v;
    return true;
}

bool cli_parse_memory(const char *text, uint32_t *bytes, char *err, size_t errlen)
{
    const char *p = text;
    uint64_t n;
    int nd;
    if (!take_digits(&p, &n, &nd) || nd == 0)
        return emu_say(err, errlen, "bad memory size '%s' (examples: 64M, 512K, 1G)", text);
    uint64_t unit = 1024 * 1024;   /* a bare number is MiB, as in QEMU's -m */
    switch (toupper((unsigned char)*p)) {
    case 'K': unit = 1024; p++; break;
    case 'M': unit = 1024 * 1024; p++; break;
    case 'G': unit = 1024 * 1024 * 1024; p++; break;
    case 'B': unit = 1; break;
    default: break;
    }
    /* Allow "64MB", "64MiB" and "2097152B". */
    if (unit != 1 && (p[0] == 'i' || p[0] == 'I') && toupper((unsigned char)p[1]) == 'B')
        p += 2;
    else if (toupper((unsigned char)*p) == 'B')
        p++;
    if (*p != 0)
        return emu_say(err, errlen, "bad memory size '%s' (examples: 64M, 512K, 1G)", text);
    if (n > UINT64_MAX / unit || n * unit < CLI_MEMORY_MIN || n * unit > CLI_MEMORY_MAX)
        return emu_say(err, errlen, "memory size '%s' out of range: must be between 2M and 3G", text);
    if ((n * unit) % 4096 != 0)
        return emu_say(err, errlen, "memory size '%s' is not a multiple of 4K", text);
    *bytes = (uint32_t)(n * unit);
    return true;
}

bool cli_check_output_path(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return emu_say(err, errlen, "%s: cannot write: Is a directory", path);
    /* The directory must let us create a file (the snapshot writer makes PATH.tmp and renames). */
    const char *slash = strrchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : 0;
    char *dir = malloc(len + 2);
    if (!dir)
        return emu_say(err, errlen, "out of memory");
    if (!slash)
        strcpy(dir, ".");
    else if (len == 0)
        strcpy(dir, "/");
    else {
        memcpy(dir, path, len);
        dir[len] = 0;
    }
    bool ok = access(dir, W_OK | X_OK) == 0;
    int why = errno;
    free(dir);
    if (!ok)
        return emu_say(err, errlen, "%s: cannot write: %s", path, strerror(why));
    return true;
}

void cli_run_options_free(cli_run_options *opts)
{
    for (int i = 0; i < MACHINE_MAX_MODULES; i++) {
        free(opts->owned[i]);
        opts->owned[i] = NULL;
    }
}

/* "FILE[,CMDLINE]": the first comma splits; the command line may hold spaces and commas. */
static bool add_module(cli_run_options *o, const char *spec, char *err, size_t errlen)
{
    if (o->module_count == MACHINE_MAX_MODULES)
        return emu_say(err, errlen, "too many --module options (at most %d)", MACHINE_MAX_MODULES);
    const char *comma = strchr(spec, ',');
    size_t len = comma ? (size_t)(comma - spec) : strlen(spec);
    if (len == 0)
        return emu_say(err, errlen, "--module needs a file name (--module FILE[,CMDLINE])");
    char *path = malloc(len + 1);
    if (!path)
        return emu_say(err, errlen, "out of memory");
    memcpy(path, spec, len);
    path[len] = 0;
    int i = o->module_count++;
    o->owned[i] = path;
    o->modules[i].path = path;
    o->modules[i].args = comma ? comma + 1 : NULL;
    return true;
}

enum {
    OPT_MODULE, OPT_CMDLINE, OPT_MEMORY, OPT_MAX_CYCLES, OPT_STATS, OPT_HELP, OPT_COSTS, OPT_TRACE,
    OPT_TRACE_CHROME, OPT_TRACE_SIZE, OPT_REALTIME,
    OPT_SNAPSHOT_AT, OPT_RESTORE, OPT_TRACE_WALKS, OPT_EXPLAIN, OPT_SERIAL_INPUT, OPT_KEYS, OPT_INPUT_AFTER, OPT_GDB,
};

static const struct {
    const char *name;
    int id;
    bool takes_value;
} RUN_OPTIONS[] = {
    { "--module", OPT_MODULE, true },         { "--cmdline", OPT_CMDLINE, true },
    { "--memory", OPT_MEMORY, true },         { "--max-cycles", OPT_MAX_CYCLES, true },
    { "--stats", OPT_STATS, false },          { "--help", OPT_HELP, false },
    { "--costs", OPT_COSTS, true },           { "--trace", OPT_TRACE, true },
    { "--trace-chrome", OPT_TRACE_CHROME, true }, { "--trace-size", OPT_TRACE_SIZE, true },
    { "--realtime", OPT_REALTIME, false },
    { "--snapshot-at", OPT_SNAPSHOT_AT, true }, { "--restore", OPT_RESTORE, true },
    { "--trace-walks", OPT_TRACE_WALKS, false }, { "--explain", OPT_EXPLAIN, false },
    { "--serial-input", OPT_SERIAL_INPUT, true }, { "--keys", OPT_KEYS, true },
    { "--input-after", OPT_INPUT_AFTER, true }, { "--gdb", OPT_GDB, true },
};

int cli_parse_run(int argc, char **argv, cli_run_options *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->memory_bytes = CLI_MEMORY_DEFAULT;
    out->trace_size = CLI_TRACE_SIZE_DEFAULT;
    out->gdb_port = -1;
    if (err && errlen)
        err[0] = 0;
    bool options_done = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || arg[1] == 0) {
            if (out->image) {
                emu_say(err, errlen, "unexpected argument '%s' (the image is already '%s')", arg, out->image);
                return CLI_EXIT_USAGE;
            }
            out->image = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0) {
            out->help = true;
            continue;
        }
        const char *eq = strchr(arg, '=');
        size_t name_len = eq ? (size_t)(eq - arg) : strlen(arg);
        int id = -1;
        bool takes_value = false;
        for (size_t k = 0; k < sizeof RUN_OPTIONS / sizeof RUN_OPTIONS[0]; k++) {
            if (strlen(RUN_OPTIONS[k].name) == name_len && strncmp(RUN_OPTIONS[k].name, arg, name_len) == 0) {
                id = RUN_OPTIONS[k].id;
                takes_value = RUN_OPTIONS[k].takes_value;
            }
        }
        if (id < 0) {
            emu_say(err, errlen, "unknown option '%.*s' for 'run'", (int)name_len, arg);
            return CLI_EXIT_USAGE;
        }
        const char *value = NULL;
        if (takes_value) {
            if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else {
                emu_say(err, errlen, "option '%s' needs an argument", arg);
                return CLI_EXIT_USAGE;
            }
        } else if (eq) {
            emu_say(err, errlen, "option '%.*s' takes no argument", (int)name_len, arg);
            return CLI_EXIT_USAGE;
        }
        char why[160];
        switch (id) {
        case OPT_MODULE:
            if (!add_module(out, value, err, errlen))
                return CLI_EXIT_USAGE;
            break;
        case OPT_CMDLINE:
            out->cmdline = value;
            break;
        case OPT_MEMORY:
            if (!cli_parse_memory(value, &out->memory_bytes, why, sizeof why)) {
                emu_say(err, errlen, "--memory: %s", why);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_MAX_CYCLES:
            if (!cli_parse_count(value, &out->max_cycles, why, sizeof why)) {
                emu_say(err, errlen, "--max-cycles: %s", why);
                return CLI_EXIT_USAGE;
            }
            if (out->max_cycles == 0) {
                emu_say(err, errlen, "--max-cycles: must be at least 1");
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_STATS:
            out->stats = true;
            break;
        case OPT_COSTS:
        case OPT_TRACE:
        case OPT_TRACE_CHROME:
            if (value[0] == 0) {
                emu_say(err, errlen, "option '%.*s' needs a file name", (int)name_len, arg);
                return CLI_EXIT_USAGE;
            }
            *(id == OPT_COSTS ? &out->costs_file : id == OPT_TRACE ? &out->trace_file : &out->trace_chrome_file) = value;
            break;
        case OPT_TRACE_SIZE:
            if (!cli_parse_count(value, &out->trace_size, why, sizeof why)) {
                emu_say(err, errlen, "--trace-size: %s", why);
                return CLI_EXIT_USAGE;
            }
            if (out->trace_size == 0 || out->trace_size > CLI_TRACE_SIZE_MAX) {
                emu_say(err, errlen, "--trace-size: must be between 1 and %llu events", (unsigned long long)CLI_TRACE_SIZE_MAX);
                return CLI_EXIT_USAGE;
            }
            break;
        case OPT_SNAPSHOT_AT:
            /* Two values: CYCLES (the option's own value) and then FILE. */
            if (!cli_parse_count(value, &out->snapshot_at, why, sizeof why)) {
                emu_say(err, errlen, "--snapshot-at: %s", why);
                return CLI_EXIT_USAGE;
            }
            if (i + 1 >= argc) {
                emu_say(err, errlen, "--snapshot-at needs CYCLES and FILE (--snapshot-at CYCLES FILE)");
                return CLI_EXIT_USAGE;
            }
            out->snapshot_file = argv[++i];
            break;
        case OPT_RESTORE:
            out->restore_file = value;
            break;
        case OPT_REALTIME:
            out->realtime = true;
            break;
        case OPT_TRACE_WALKS:
            out->trace_walks = true;
            break;
        case OPT_EXPLAIN:
            out->explain = true;
            break;
        case OPT_SERIAL_INPUT:
            out->serial_input_file = value;
            break;
        case OPT_KEYS:
            out->keys = value;
            break;
        case OPT_INPUT_AFTER:
            out->input_after = value;
            break;
        case OPT_GDB: {
            uint64_t port;
            if (!cli_parse_count(value, &port, why, sizeof why) || port > 65535) {
                emu_say(err, errlen, "--gdb: needs a TCP port from 0 to 65535 (0: any free port)");
                return CLI_EXIT_USAGE;
            }
            out->gdb_port = (int)port;
            break;
        }
        case OPT_HELP:
            out->help = true;
            break;
        }
    }
    if (!out->image && !out->help && !out->restore_file) {
        emu_say(err, errlen, "'run' needs an IMAGE (vx86 run IMAGE [options])");
        return CLI_EXIT_USAGE;
    }
    return 0;
}

/* --serial-input: the whole file (or stdin for "-") goes to COM1's receiver before the run. More
 * than CLI_SERIAL_INPUT_MAX (or stdin that never ends) is refused, not cut short. */
bool cli_queue_serial_input(machine *m, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "vx86: %s: cannot read serial input: %s\n", path, strerror(errno));
        return false;
    }
    uint8_t buf[4096];
    size_t n, total = 0;
    bool ok = true;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        total += n;
        if (total > CLI_SERIAL_INPUT_MAX) {
            fprintf(stderr, "vx86: %s: serial input longer than %u MiB (the --serial-input limit)\n", path,
                    CLI_SERIAL_INPUT_MAX >> 20);
            ok = false;
        } else if (!machine_serial_input(m, buf, n)) {
            fprintf(stderr, "vx86: %s: out of memory queueing serial input\n", path);
            ok = false;
        }
    }
    if (ok && ferror(f)) {
        fprintf(stderr, "vx86: %s: read error\n", path);
        ok = false;
    }
    if (f != stdin)
        fclose(f);
    return ok;
}
