/* The host cost of reverse execution (emu/replay.c), to choose the checkpoint interval:
 *   bench-replay IMAGE [CMDLINE]
 * For each interval N and each point P (1e6, 1e8, 1e9 cycles into the run), the run goes forward to
 * P with history on, then steps back one instruction (restore the nearest checkpoint, re-execute
 * up to the target). Prints the forward time with and without history (the cost of taking
 * checkpoints), the step-back time, the work it did, and the memory the history holds.
 * A measurement, not a test (wall-clock numbers): `make bench-replay`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "emu/machine.h"
#include "emu/replay.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void quiet(void *ctx, uint8_t b) {
    (void)ctx;
    (void)b;
}

static machine *make(const char *image, const char *cmdline) {
    machine_config cfg = { .kernel = image, .cmdline = cmdline, .serial_out = quiet, .trace_capacity = 1024 };
    char err[256];
    machine *m = machine_create(&cfg, err, sizeof err);
    if (!m) {
        fprintf(stderr, "bench-replay: %s\n", err);
        exit(2);
    }
    return m;
}

/* Forward to exactly `at` cycles (or the guest's end); false if it ended first. */
static bool run_to(machine *m, uint64_t at) {
    while (machine_cycles(m) < at) {
        machine_stop why = machine_run(m, at - machine_cycles(m));
        if (why == MACHINE_STOP_EXIT || why == MACHINE_STOP_HALTED || why == MACHINE_STOP_SHUTDOWN) return false;
    }
    return true;
}

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench-replay IMAGE [CMDLINE]\n");
        return 2;
    }
    const char *image = argv[1], *cmdline = argc > 2 ? argv[2] : NULL;
    static const uint64_t POINTS[] = { 1000000ull, 100000000ull, 1000000000ull };
    static const uint64_t INTERVALS[] = { 2000000ull, 5000000ull, 10000000ull, 20000000ull, 50000000ull };
    /* (the 1e6 point's first step back also pays, once, for faulting in all guest RAM pages) */
    double plain[3];
    {
        machine *m = make(image, cmdline);
        double t0 = now();
        for (int p = 0; p < 3; p++) {
            if (!run_to(m, POINTS[p])) {
                fprintf(stderr, "bench-replay: %s ended before %llu cycles (give it more work)\n", image,
                        (unsigned long long)POINTS[p]);
                return 1;
            }
            plain[p] = now() - t0;
        }
        machine_destroy(m);
    }
    printf("%-12s %-12s %12s %12s %10s %14s %12s %12s %6s %10s %12s\n", "interval", "point", "fwd-plain-s",
           "fwd-hist-s", "overhead", "step-back-ms", "replayed", "restores", "ckpts", "hist-MiB", "2nd-back-ms");
    for (size_t i = 0; i < sizeof INTERVALS / sizeof INTERVALS[0]; i++) {
        machine *m = make(image, cmdline);
        char err[256];
        if (!machine_history_enable(m, INTERVALS[i], 0, err, sizeof err)) {
            fprintf(stderr, "bench-replay: %s\n", err);
            return 1;
        }
        double t0 = now();
        for (int p = 0; p < 3; p++) {
            run_to(m, POINTS[p]);
            double fwd = now() - t0;
            replay_stats before, after;
            replay_get_stats(m, &before);
            double s0 = now();
            machine_reverse r = machine_step_back(m, 1);
            double back = now() - s0;
            double first = back;
            replay_get_stats(m, &after);
            double s1 = now();
            machine_step_back(m, 1);   /* a second step back: from the checkpoint left on the way */
            double back2 = now() - s1;
            back += back2;
            machine_history_info h;
            machine_history_get(m, &h);
            printf("%-12llu %-12llu %12.3f %12.3f %9.1f%% %14.2f %12llu %12llu %6d %10.1f %12.2f%s\n",
                   (unsigned long long)INTERVALS[i], (unsigned long long)POINTS[p], plain[p], fwd,
                   100.0 * (fwd - plain[p]) / plain[p], first * 1e3,
                   (unsigned long long)(after.replayed_cycles - before.replayed_cycles),
                   (unsigned long long)(after.restores - before.restores), h.checkpoints,
                   (double)h.bytes / (1 << 20), back2 * 1e3, r == MACHINE_REVERSE_OK ? "" : "  (not OK)");
            /* back to the present: the forward timing goes on from there, without the going back */
            double f0 = now();
            run_to(m, POINTS[p]);
            t0 += now() - f0 + back;
        }
        if (i == 0) {
            /* one checkpoint's cost, taken and restored at the last point */
            uint8_t *buf;
            size_t len;
            double a = now();
            for (int k = 0; k < 10; k++) {
                machine_snapshot_to_buffer(m, &buf, &len, err, sizeof err);
                if (k < 9) free(buf);
            }
            double take = (now() - a) / 10;
            a = now();
            for (int k = 0; k < 10; k++) machine_snapshot_from_buffer(m, buf, len, NULL, err, sizeof err);
            double put = (now() - a) / 10;
            free(buf);
            printf("one snapshot at %llu cycles: %.1f KiB, take %.2f ms, restore %.2f ms\n",
                   (unsigned long long)machine_cycles(m), len / 1024.0, take * 1e3, put * 1e3);
        }
        machine_destroy(m);
    }
    return 0;
}
