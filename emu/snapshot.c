/* Machine snapshots: the whole machine (CPU, RAM, devices, pending timers, debug-exit state) as one
 * versioned, checksummed byte string, in memory or in a file. A restored machine continues exactly
 * as the uninterrupted one: same output, same cycle and instruction counts. */
#include "emu/snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/le.h"
#include "devices/dev.h"
#include "emu/cli.h"

#define PAGE 4096u
/* The largest snapshot a vx86 writes: the largest RAM (--memory 3G) plus room for the CPU's
 * bookkeeping and the devices. A file announcing more is not read. */
#define SNAPSHOT_MAX_BYTES ((uint64_t)CLI_MEMORY_MAX + (64ull << 20))

/* ---- CRC-32 ---- */

uint32_t snapshot_crc32(const uint8_t *data, size_t len) {
    static uint32_t table[256];
    static bool ready;
    if (!ready) {
        for (uint32_t n = 0; n < 256; n++) {
            uint32_t c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        ready = true;
    }
    uint32_t crc = 0xFFFFFFFFu;
    for (size_t i = 0; i < len; i++) crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFu;
}

/* ---- growing output buffer ---- */

typedef struct sbuf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
} sbuf;

/* Room for n more bytes, or NULL (and oom set) if memory ran out. */
static uint8_t *sb_grab(sbuf *b, size_t n) {
    if (b->oom) return NULL;
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 1u << 16;
        while (cap - b->len < n) cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    uint8_t *at = b->p + b->len;
    b->len += n;
    return at;
}

static void sb_put(sbuf *b, uint64_t v, int bytes) {
    uint8_t *p = sb_grab(b, (size_t)bytes);
    if (p) le_store_n(p, v, bytes);
}

static void sb_bytes(sbuf *b, const void *src, size_t n) {
    uint8_t *p = sb_grab(b, n);
    if (p) memcpy(p, src, n);
}

/* Start a section; returns its offset for section_end to patch in the payload length. */
static size_t section_begin(sbuf *b, const char tag[4]) {
    sb_bytes(b, tag, 4);
    sb_put(b, 0, 8);
    return b->len;
}

static void section_end(sbuf *b, size_t start) {
    if (!b->oom) le64_store(b->p + start - 8, b->len - start);
}

/* A device blob: the save functions report the size when given no buffer. */
#define SAVE_DEVICE(b, tag, fn, dev)                          \
    do {                                                      \
        size_t need_ = fn(dev, NULL, 0);                      \
        size_t at_ = section_begin(b, tag);                   \
        uint8_t *dst_ = sb_grab(b, need_);                    \
        if (dst_) fn(dev, dst_, need_);                       \
        section_end(b, at_);                                  \
    } while (0)

/* Device ids used for timers in the TIMR section. */
enum { DEV_NONE, DEV_PIC, DEV_PIT, DEV_UART, DEV_KBD, DEV_VGA, DEV_DBG, DEV_PROBE };

static int device_id(const machine_parts *p, const void *arg) {
    if (arg == p->pic) return DEV_PIC;
    if (arg == p->pit) return DEV_PIT;
    if (arg == p->uart) return DEV_UART;
    if (arg == p->kbd) return DEV_KBD;
    if (arg == p->vga) return DEV_VGA;
    if (arg == p->dbg) return DEV_DBG;
    if (arg == p->probe) return DEV_PROBE;
    return DEV_NONE;
}

static bool page_is_zero(const uint8_t *p, size_t n) {
    for (size_t k = 0; k + 8 <= n; k += 8) {
        uint64_t w;
        memcpy(&w, p + k, 8);
        if (w) return false;
    }
    for (size_t k = n & ~(size_t)7; k < n; k++)
        if (p[k]) return false;
    return true;
}

bool machine_snapshot_to_buffer(machine *m, uint8_t **out, size_t *out_len, char *err, size_t errlen) {
    machine_parts p;
    machine_parts_get(m, &p);
    sbuf b = { 0 };
    sb_bytes(&b, SNAPSHOT_MAGIC, 8);
    sb_put(&b, SNAPSHOT_VERSION, 4);
    sb_put(&b, 0, 4);
    sb_put(&b, 0, 8);   /* total length, patched at the end */

    size_t at = section_begin(&b, "MCFG");
    sb_put(&b, p.ram_size, 4);
    sb_put(&b, *p.exited, 1);
    const char *kernel = *p.kernel_path ? *p.kernel_path : "";
    sb_put(&b, strlen(kernel), 4);
    sb_bytes(&b, kernel, strlen(kernel));
    section_end(&b, at);

    at = section_begin(&b, "CPU ");
    size_t need = cpu_snapshot_save(p.cpu, NULL, 0);
    uint8_t *dst = sb_grab(&b, need);
    if (dst) cpu_snapshot_save(p.cpu, dst, need);
    section_end(&b, at);

    /* RAM: a bitmap of the pages that are not all zero, then those pages in order. */
    at = section_begin(&b, "RAM ");
    uint32_t pages = (uint32_t)(((uint64_t)p.ram_size + PAGE - 1) / PAGE);
    sb_put(&b, pages, 4);
    size_t map_at = b.len;
    uint8_t *map = sb_grab(&b, (pages + 7) / 8);
    if (map) memset(map, 0, (pages + 7) / 8);
    for (uint32_t k = 0; k < pages; k++) {
        size_t off = (size_t)k * PAGE, n = p.ram_size - off < PAGE ? p.ram_size - off : PAGE;
        if (page_is_zero(p.ram + off, n)) continue;
        sb_bytes(&b, p.ram + off, n);
        if (!b.oom) b.p[map_at + k / 8] |= (uint8_t)(1u << (k % 8));   /* b.p may have moved */
    }
    section_end(&b, at);

    SAVE_DEVICE(&b, "PIC ", pic_save, p.pic);
    SAVE_DEVICE(&b, "PIT ", pit_save, p.pit);
    SAVE_DEVICE(&b, "UART", uart_save, p.uart);
    SAVE_DEVICE(&b, "KBD ", i8042_save, p.kbd);
    SAVE_DEVICE(&b, "VGA ", vga_save, p.vga);
    SAVE_DEVICE(&b, "DBGP", debugport_save, p.dbg);
    SAVE_DEVICE(&b, "PROB", probe_save, p.probe);

    at = section_begin(&b, "TIMR");
    sb_put(&b, (uint64_t)p.timer_count, 4);
    for (int k = 0; k < p.timer_count; k++) {
        int id = device_id(&p, p.timer_arg[k]);
        if (id == DEV_NONE) {
            free(b.p);
            snprintf(err, errlen, "snapshot: a pending timer belongs to no known device");
            return false;
        }
        sb_put(&b, (uint64_t)id, 4);
        sb_put(&b, p.timer_at[k], 8);
    }
    section_end(&b, at);

    sb_bytes(&b, "CRC ", 4);
    if (b.oom) {
        free(b.p);
        snprintf(err, errlen, "snapshot: out of memory");
        return false;
    }
    le64_store(b.p + 16, b.len + 4);
    sb_put(&b, snapshot_crc32(b.p, b.len), 4);
    if (b.oom) {
        free(b.p);
        snprintf(err, errlen, "snapshot: out of memory");
        return false;
    }
    *out = b.p;
    *out_len = b.len;
    return true;
}

/* ---- reading ---- */

typedef struct section {
    const uint8_t *data;
    size_t len;
} section;

enum { SEC_MCFG, SEC_CPU, SEC_RAM, SEC_PIC, SEC_PIT, SEC_UART, SEC_KBD, SEC_VGA, SEC_DBGP, SEC_PROB, SEC_TIMR,
       SEC_COUNT };
static const char SECTION_TAGS[SEC_COUNT][5] = { "MCFG", "CPU ", "RAM ", "PIC ", "PIT ", "UART",
                                                 "KBD ", "VGA ", "DBGP", "PROB", "TIMR" };

typedef struct parsed {
    section sec[SEC_COUNT];
    uint32_t ram_size;
    bool exited;
    const uint8_t *kernel;
    uint32_t kernel_len;
} parsed;

/* Header, length and checksum, then the section table and the machine configuration. */
static bool parse(const uint8_t *buf, size_t len, const char *name, parsed *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    size_t magic_len = strlen(SNAPSHOT_MAGIC);
    if (len == 0 || memcmp(buf, SNAPSHOT_MAGIC, len < magic_len ? len : magic_len) != 0) {
        snprintf(err, errlen, "%s: not a vx86 snapshot", name);
        return false;
    }
    if (len < SNAPSHOT_HEADER_SIZE) {
        snprintf(err, errlen, "%s: truncated (expected at least %u bytes, got %zu)", name, SNAPSHOT_HEADER_SIZE, len);
        return false;
    }
    uint32_t version = (uint32_t)le32_load(buf + 8);
    if (version != SNAPSHOT_VERSION) {
        snprintf(err, errlen, "%s: snapshot version %u, this vx86 reads version %u", name, version, SNAPSHOT_VERSION);
        return false;
    }
    uint64_t total = le64_load(buf + 16);
    if (total < SNAPSHOT_HEADER_SIZE + SNAPSHOT_TRAILER_SIZE) {
        snprintf(err, errlen, "%s: checksum mismatch (corrupted)", name);
        return false;
    }
    if (len < total) {
        snprintf(err, errlen, "%s: truncated (expected %llu bytes, got %zu)", name, (unsigned long long)total, len);
        return false;
    }
    if (len > total) {
        snprintf(err, errlen, "%s: %zu bytes of unexpected data after the snapshot (corrupted)", name,
                 len - (size_t)total);
        return false;
    }
    if (memcmp(buf + len - 8, "CRC ", 4) != 0 || le32_load(buf + len - 4) != snapshot_crc32(buf, len - 4)) {
        snprintf(err, errlen, "%s: checksum mismatch (corrupted)", name);
        return false;
    }
    /* The checksum holds, so what follows can only fail for a snapshot written by a buggy vx86. */
    size_t pos = SNAPSHOT_HEADER_SIZE, end = len - SNAPSHOT_TRAILER_SIZE;
    while (pos < end) {
        if (end - pos < 12 || le64_load(buf + pos + 4) > end - pos - 12) {
            snprintf(err, errlen, "%s: malformed section table", name);
            return false;
        }
        size_t n = (size_t)le64_load(buf + pos + 4);
        int id = -1;
        for (int k = 0; k < SEC_COUNT; k++)
            if (memcmp(buf + pos, SECTION_TAGS[k], 4) == 0) id = k;
        if (id < 0 || out->sec[id].data) {
            snprintf(err, errlen, "%s: unknown or repeated section '%.4s'", name, (const char *)buf + pos);
            return false;
        }
        out->sec[id] = (section){ buf + pos + 12, n };
        pos += 12 + n;
    }
    for (int k = 0; k < SEC_COUNT; k++) {
        if (!out->sec[k].data) {
            snprintf(err, errlen, "%s: section '%s' is missing", name, SECTION_TAGS[k]);
            return false;
        }
    }
    const section *cfg = &out->sec[SEC_MCFG];
    if (cfg->len < 9 || le32_load(cfg->data + 5) != cfg->len - 9) {
        snprintf(err, errlen, "%s: bad machine configuration section", name);
        return false;
    }
    out->ram_size = (uint32_t)le32_load(cfg->data);
    out->exited = cfg->data[4] != 0;
    out->kernel = cfg->data + 9;
    out->kernel_len = (uint32_t)(cfg->len - 9);
    /* A valid checksum says the bytes arrived as written, not that a vx86 wrote them: every value
     * is checked as strictly as the command line checks its own (a 4 GiB RAM size would take
     * seconds and gigabytes before anything else could fail). */
    if (out->ram_size < CLI_MEMORY_MIN || out->ram_size > CLI_MEMORY_MAX || out->ram_size % PAGE != 0) {
        snprintf(err, errlen, "%s: RAM size %u bytes out of range (vx86 machines have 2M..3G, a multiple of 4K)",
                 name, out->ram_size);
        return false;
    }
    if (cfg->data[4] > 1 || out->kernel_len > SNAPSHOT_MAX_PATH || memchr(out->kernel, 0, out->kernel_len)) {
        snprintf(err, errlen, "%s: bad machine configuration section", name);
        return false;
    }
    /* RAM: the bitmap must announce exactly the pages that follow. */
    const section *ram = &out->sec[SEC_RAM];
    uint32_t pages = out->ram_size / PAGE;
    size_t map_len = (pages + 7) / 8;
    if (ram->len < 4 + map_len || le32_load(ram->data) != pages) {
        snprintf(err, errlen, "%s: bad RAM section", name);
        return false;
    }
    uint64_t want = 4 + map_len;
    for (uint32_t k = 0; k < pages; k++)
        if (ram->data[4 + k / 8] >> (k % 8) & 1) want += PAGE;
    if (want != ram->len) {
        snprintf(err, errlen, "%s: bad RAM section", name);
        return false;
    }
    return true;
}

/* Devices are first loaded into copies wired to this host, which only records timers: a bad blob
 * is found before anything changes, and the timers the devices re-arm can be checked against the
 * TIMR section. */
typedef struct timer_log {
    const machine_parts *parts;
    const void *copy[DEV_PROBE + 1];   /* device id -> address of its trial copy */
    int count;
    int id[SNAPSHOT_MAX_TIMERS];
    uint64_t at[SNAPSHOT_MAX_TIMERS];
    bool overflow;
} timer_log;

static uint64_t quiet_now(void *ctx) { return ((timer_log *)ctx)->parts->cpu->cycles; }
static void quiet_irq(void *ctx, int line, bool level) { (void)ctx; (void)line; (void)level; }

static void quiet_set_timer(void *ctx, void (*fn)(void *arg), void *arg, uint64_t at) {
    (void)fn;
    timer_log *t = ctx;
    int id = DEV_NONE;
    for (int k = 1; k <= DEV_PROBE; k++)
        if (t->copy[k] == arg) id = k;
    for (int k = 0; k < t->count; k++) {
        if (t->id[k] != id) continue;
        t->at[k] = at;   /* replaces that device's earlier timer, as the machine does */
        return;
    }
    if (t->count == SNAPSHOT_MAX_TIMERS) { t->overflow = true; return; }
    t->id[t->count] = id;
    t->at[t->count++] = at;
}

#define TRY_DEVICE(kind, fn_load, field, secid, devid, label)                            \
    do {                                                                                 \
        kind copy_ = *p.field;                                                           \
        copy_.host = &quiet;                                                             \
        log.copy[devid] = &copy_;                                                        \
        if (!fn_load(&copy_, pr.sec[secid].data, pr.sec[secid].len)) {                   \
            snprintf(err, errlen, "%s: bad %s state in the snapshot", name, label);      \
            return false;                                                                \
        }                                                                                \
        log.copy[devid] = NULL;                                                          \
    } while (0)

/* fresh: m was just made blank, its RAM is known to be all zero (no need to clear it again). */
static bool restore_into(machine *m, const uint8_t *buf, size_t len, const char *name, bool fresh, char *err,
                         size_t errlen) {
    if (!name) name = "snapshot";
    parsed pr;
    if (!parse(buf, len, name, &pr, err, errlen)) return false;
    machine_parts p;
    machine_parts_get(m, &p);
    if (pr.ram_size != p.ram_size) {
        snprintf(err, errlen, "%s: RAM size mismatch (the snapshot has %u KiB, the machine %u KiB)", name,
                 pr.ram_size >> 10, p.ram_size >> 10);
        return false;
    }
    const section *ram = &pr.sec[SEC_RAM];
    uint32_t pages = p.ram_size / PAGE;
    size_t map_len = (pages + 7) / 8;
    const uint8_t *map = ram->data + 4;

    /* The CPU blob and the cost table it carries, checked before anything changes. Costs out of
     * the --costs range would break virtual time: a zero-cost instruction class makes
     * --max-cycles never arrive. */
    uint64_t cost[COST_CLASS_COUNT];
    if (!cpu_snapshot_check(p.cpu, pr.sec[SEC_CPU].data, pr.sec[SEC_CPU].len, cost)) {
        snprintf(err, errlen, "%s: bad CPU state in the snapshot", name);
        return false;
    }
    costs trial;
    for (int k = 0; k < COST_CLASS_COUNT; k++) {
        char why[200];
        if (!costs_set(&trial, costs_table()[k].name, cost[k], why, sizeof why)) {
            snprintf(err, errlen, "%s: %s", name, why);
            return false;
        }
    }

    /* Trial loads: CPU on a scratch basis is validated inside cpu_snapshot_load itself. */
    timer_log log = { .parts = &p };
    dev_host quiet = { &log, quiet_now, quiet_set_timer, quiet_irq, p.pic->host->cycles_per_second };
    TRY_DEVICE(pic, pic_load, pic, SEC_PIC, DEV_PIC, "PIC");
    TRY_DEVICE(pit, pit_load, pit, SEC_PIT, DEV_PIT, "PIT");
    TRY_DEVICE(uart, uart_load, uart, SEC_UART, DEV_UART, "UART");
    TRY_DEVICE(i8042, i8042_load, kbd, SEC_KBD, DEV_KBD, "keyboard controller");
    TRY_DEVICE(vga, vga_load, vga, SEC_VGA, DEV_VGA, "VGA");
    TRY_DEVICE(debugport, debugport_load, dbg, SEC_DBGP, DEV_DBG, "debug port");
    TRY_DEVICE(probe, probe_load, probe, SEC_PROB, DEV_PROBE, "probe");

    /* The timers the devices re-arm must be the ones the machine had pending. */
    const section *tim = &pr.sec[SEC_TIMR];
    uint32_t saved = tim->len >= 4 ? (uint32_t)le32_load(tim->data) : UINT32_MAX;
    bool timers_ok = !log.overflow && saved <= SNAPSHOT_MAX_TIMERS && tim->len == 4 + (size_t)saved * 12;
    int armed = 0;
    for (int k = 0; k < log.count; k++) armed += log.at[k] != UINT64_MAX;
    timers_ok = timers_ok && armed == (int)saved;
    for (uint32_t k = 0; timers_ok && k < saved; k++) {
        int id = (int)le32_load(tim->data + 4 + k * 12);
        uint64_t at = le64_load(tim->data + 8 + k * 12);
        bool found = false;
        for (int j = 0; j < log.count; j++) found |= log.id[j] == id && log.at[j] == at;
        timers_ok = found;
    }
    if (!timers_ok) {
        snprintf(err, errlen, "%s: the devices' timers do not match the saved ones", name);
        return false;
    }

    char *kernel = NULL;
    if (pr.kernel_len) {
        kernel = malloc(pr.kernel_len + 1);
        if (!kernel) {
            snprintf(err, errlen, "%s: out of memory", name);
            return false;
        }
        memcpy(kernel, pr.kernel, pr.kernel_len);
        kernel[pr.kernel_len] = 0;
    }

    /* RAM before the CPU: the CPU blob rebuilds the decoded-code bookkeeping for these bytes. */
    const uint8_t *src = map + map_len;
    for (uint32_t k = 0; k < pages; k++) {
        size_t off = (size_t)k * PAGE;
        if (map[k / 8] >> (k % 8) & 1) {
            memcpy(p.ram + off, src, PAGE);
            src += PAGE;
        } else if (!fresh && !page_is_zero(p.ram + off, PAGE)) {
            memset(p.ram + off, 0, PAGE);   /* only pages that are not zero already: writing a page the
                                             * guest never touched makes the host allocate it */
        }
    }
    if (!cpu_snapshot_load(p.cpu, pr.sec[SEC_CPU].data, pr.sec[SEC_CPU].len)) {
        /* RAM is already replaced: say so rather than leave a half-restored machine unnoticed. */
        free(kernel);
        snprintf(err, errlen, "%s: bad CPU state in the snapshot (the machine's RAM was overwritten)", name);
        return false;
    }
    for (int k = 0; k < COST_CLASS_COUNT; k++) p.costs->cycles[k] = p.cpu->cost[k];
    machine_timers_clear(m);
    /* Every load below succeeded on a copy, so these cannot fail. */
    pic_load(p.pic, pr.sec[SEC_PIC].data, pr.sec[SEC_PIC].len);
    pit_load(p.pit, pr.sec[SEC_PIT].data, pr.sec[SEC_PIT].len);
    uart_load(p.uart, pr.sec[SEC_UART].data, pr.sec[SEC_UART].len);
    i8042_load(p.kbd, pr.sec[SEC_KBD].data, pr.sec[SEC_KBD].len);
    vga_load(p.vga, pr.sec[SEC_VGA].data, pr.sec[SEC_VGA].len);
    debugport_load(p.dbg, pr.sec[SEC_DBGP].data, pr.sec[SEC_DBGP].len);
    probe_load(p.probe, pr.sec[SEC_PROB].data, pr.sec[SEC_PROB].len);
    *p.exited = pr.exited;
    free(*p.kernel_path);
    *p.kernel_path = kernel;
    return true;
}

bool machine_snapshot_from_buffer(machine *m, const uint8_t *buf, size_t len, const char *name, char *err,
                                  size_t errlen) {
    return restore_into(m, buf, len, name, false, err, errlen);
}

/* ---- files ---- */

bool machine_snapshot_save(machine *m, const char *path, char *err, size_t errlen) {
    uint8_t *buf;
    size_t len;
    if (!machine_snapshot_to_buffer(m, &buf, &len, err, errlen)) return false;
    /* Write beside the target and rename: a crash never leaves a half-written snapshot. */
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        free(buf);
        snprintf(err, errlen, "%s: out of memory", path);
        return false;
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    bool ok = f && fwrite(buf, 1, len, f) == len;
    int saved_errno = errno;
    if (f && fclose(f) != 0 && ok) {
        ok = false;
        saved_errno = errno;
    }
    if (ok && rename(tmp, path) != 0) {
        ok = false;
        saved_errno = errno;
    }
    if (!ok) {
        if (f) remove(tmp);
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(saved_errno));
    }
    free(tmp);
    free(buf);
    return ok;
}

/* Read a snapshot file, never more than its header announces (and never more than the largest
 * snapshot a vx86 writes): `--restore /dev/zero` or a huge file is refused after 24 bytes. A file
 * that is not a snapshot is handed back as read so that parse() names the problem. */
static uint8_t *read_file(const char *path, size_t *len, char *err, size_t errlen) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    uint8_t head[SNAPSHOT_HEADER_SIZE];
    size_t n = fread(head, 1, sizeof head, f);
    uint64_t total = n == sizeof head ? le64_load(head + 16) : n;
    bool ours = n == sizeof head && memcmp(head, SNAPSHOT_MAGIC, 8) == 0 && le32_load(head + 8) == SNAPSHOT_VERSION;
    if (!ours) total = n;   /* parse() says what is wrong with these bytes */
    if (ours && total > SNAPSHOT_MAX_BYTES) {
        fclose(f);
        snprintf(err, errlen, "%s: snapshot of %llu bytes announced, more than any vx86 writes (at most %llu)",
                 path, (unsigned long long)total, (unsigned long long)SNAPSHOT_MAX_BYTES);
        return NULL;
    }
    if (ours && total < n) total = n;
    uint8_t *buf = malloc((size_t)total ? (size_t)total : 1);
    if (!buf) {
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    memcpy(buf, head, n);
    if (ours) n += fread(buf + n, 1, (size_t)total - n, f);
    /* Anything after the announced end is damage: count it, up to a limit. */
    uint64_t extra = 0;
    if (ours && n == total) {
        uint8_t scratch[4096];
        size_t got;
        while (extra < SNAPSHOT_MAX_TRAILING && (got = fread(scratch, 1, sizeof scratch, f)) > 0) extra += got;
    }
    bool failed = ferror(f);
    fclose(f);
    if (failed) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        return NULL;
    }
    if (extra) {
        snprintf(err, errlen, "%s: %s%llu bytes of unexpected data after the snapshot (corrupted)", path,
                 extra >= SNAPSHOT_MAX_TRAILING ? "at least " : "", (unsigned long long)extra);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

machine *machine_snapshot_restore(const char *path, const machine_config *cfg, char *err, size_t errlen) {
    size_t len;
    uint8_t *buf = read_file(path, &len, err, errlen);
    if (!buf) return NULL;
    parsed pr;
    if (!parse(buf, len, path, &pr, err, errlen)) {
        free(buf);
        return NULL;
    }
    machine_config c = { 0 };
    if (cfg) c = *cfg;
    c.memory_bytes = pr.ram_size;   /* the snapshot decides the RAM size */
    machine *m = machine_create_blank(&c, err, errlen);
    if (m && !restore_into(m, buf, len, path, true, err, errlen)) {
        machine_destroy(m);
        m = NULL;
    }
    free(buf);
    return m;
}
