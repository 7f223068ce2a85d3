package dev.nfe.pipeline.kafka.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time the whole machine has spent busy so far, every process (the broker, nfe, the rest), from
 * Linux's {@code /proc/stat}: on a machine that runs every role of the Kafka path, this is what
 * bounds its rate (segments/s can be at most cores / busy CPU per segment). Elsewhere: unknown.
 *
 * <pre>
 * cpu  user nice system idle iowait irq softirq steal guest guest_nice   (in USER_HZ ticks, 1/100 s)
 * </pre>
 * Busy is everything but idle and iowait; guest time is already inside user (proc(5)).
 */
final class MachineCpu {
    private static final Path STAT = Path.of("/proc/stat");
    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on every Linux ABI

    private MachineCpu() {
    }

    /** Busy CPU time of the whole machine so far in nanoseconds, or -1 when unknown (not Linux). */
    static long busyNanos() {
        try {
            String first;
            try (BufferedReader r = Files.newBufferedReader(STAT)) {
                first = r.readLine(); // only the total line: the rest (per CPU, interrupts) can be long
            }
            if (first == null) {
                return -1;
            }
            String[] f = first.trim().split("\\s+");
            if (!f[0].equals("cpu") || f.length < 9) {
                return -1;
            }
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
                busy += Long.parseLong(f[i]);
            }
            return busy * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
