package dev.nfe.pipeline.kafka.bench;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class MachineCpuTest {

    /** The machine's busy time grows by at least what this thread burns, and by no more than every CPU could. */
    @Test
    void countsTheCpuThisThreadBurns() throws Exception {
        long before = MachineCpu.busyNanos();
        assumeTrue(before >= 0, "no /proc/stat here");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long wall0 = System.nanoTime();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long x = 0;
        while (threads.getCurrentThreadCpuTime() - cpu0 < 400_000_000L) {
            for (int i = 0; i < 100_000; i++) {
                x += i * 31L ^ x;
            }
        }
        long burned = threads.getCurrentThreadCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        long delta = MachineCpu.busyNanos() - before;
        long cpus = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        // the kernel charges whole 10 ms ticks: allow a few either way
        assertTrue(delta >= burned - 50_000_000L, "machine busy " + delta + " ns, this thread alone " + burned + " ns (" + x + ")");
        assertTrue(delta <= wall * cpus + 50_000_000L, "machine busy " + delta + " ns in " + wall + " ns on " + cpus + " CPUs");
    }
}
