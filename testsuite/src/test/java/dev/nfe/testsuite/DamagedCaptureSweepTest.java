package dev.nfe.testsuite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged captures through the real {@code nfe replay} process: corpus captures with bit flips,
 * truncation at random offsets, splices of two files, and huge length fields written into pcap
 * record headers and pcapng block headers. Whatever the damage, nfe must answer as the README
 * promises: exit 0 or 3 with its results (3 with one stderr line naming the file and the byte
 * offset), or exit 2 with exactly one clear stderr line when nothing could be read; never another
 * status, a stack trace or an exception name on stderr, or a hang.
 *
 * <p>By default a bounded sweep for CI ({@value #DEFAULT_MUTANTS} mutants, seed
 * {@value #DEFAULT_SEED}). The long mode is opt-in: {@code -Dnfe.sweep.mutants=5000
 * -Dnfe.sweep.seed=N}; every failure names the seed and mutant so it replays exactly.
 */
class DamagedCaptureSweepTest {
    static final int DEFAULT_MUTANTS = 150;
    static final long DEFAULT_SEED = 20261206L;
    /** Captures up to this size are mutated (98% of the corpus), so one replay stays short. */
    private static final long MAX_SOURCE = 256 << 10;
    private static final long TIMEOUT_SECONDS = 60;
    private static final int[] HUGE = {0x7fffffff, 0xffffffff, 0x80000000, 0x01000000, 0x00fffff0, 0x00040001};

    @TempDir
    Path dir;

    @Test
    void damagedCapturesGiveResultsOrOneClearLineNeverAStackTraceOrAHang() throws Exception {
        int mutants = Integer.getInteger("nfe.sweep.mutants", DEFAULT_MUTANTS);
        long seed = Long.getLong("nfe.sweep.seed", DEFAULT_SEED);
        List<Path> sources = sources();
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        int[] exits = new int[4];
        for (int i = 0; i < mutants; i++) {
            Path a = sources.get(random.nextInt(sources.size()));
            byte[] bytes = Files.readAllBytes(a);
            int kind = i % 4;
            String what;
            byte[] mutant;
            switch (kind) {
                case 0 -> {
                    mutant = bytes.clone();
                    int flips = 1 + random.nextInt(8);
                    for (int f = 0; f < flips; f++) {
                        int at = random.nextInt(mutant.length);
                        mutant[at] ^= (byte) (1 << random.nextInt(8));
                    }
                    what = flips + " bit flips";
                }
                case 1 -> {
                    // one in four inside the file header: nothing readable, exit 2
                    int cut = random.nextInt(4) == 0 ? random.nextInt(Math.min(32, bytes.length)) : random.nextInt(bytes.length);
                    mutant = Arrays.copyOf(bytes, cut);
                    what = "truncated at " + cut;
                }
                case 2 -> {
                    Path b = sources.get(random.nextInt(sources.size()));
                    byte[] other = Files.readAllBytes(b);
                    int from = random.nextInt(bytes.length);
                    int to = random.nextInt(other.length);
                    mutant = concat(Arrays.copyOf(bytes, from), Arrays.copyOfRange(other, to, other.length));
                    what = "first " + from + " bytes, then " + b.getFileName() + " from byte " + to;
                }
                default -> {
                    mutant = bytes.clone();
                    what = hugeLength(mutant, random);
                }
            }
            Path file = dir.resolve("mutant-" + i + (a.toString().endsWith(".pcapng") ? ".pcapng" : ".pcap"));
            Files.write(file, mutant);
            String label = "seed " + seed + " mutant " + i + " (" + Nfe.shared().resolve("corpus").relativize(a) + ": " + what + ")";
            Nfe.Run r = run(file);
            String problem = judge(r, file);
            if (problem != null) {
                failures.add(label + ": " + problem);
                // kept for replaying by hand: target/sweep-failures/<seed>-<mutant>
                Path keep = Files.createDirectories(Path.of("target", "sweep-failures"));
                Files.copy(file, keep.resolve(seed + "-" + i), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } else {
                exits[r.exit()]++;
            }
            Files.delete(file);
        }
        System.out.printf("damaged-capture sweep: %d mutants, exit 0: %d, exit 2: %d, exit 3: %d, failures: %d%n",
                mutants, exits[0], exits[2], exits[3], failures.size());
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertTrue(exits[3] > 0 && exits[2] > 0, "the sweep never hit exit 2 or exit 3: it tested nothing");
    }

    private static Nfe.Run run(Path file) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(Nfe.command());
        cmd.addAll(List.of("replay", "--sessions", "--format", "jsonl", file.toString()));
        try {
            return Nfe.exec(cmd, TIMEOUT_SECONDS);
        } catch (IllegalStateException timedOut) {
            return new Nfe.Run(-1, "", "hang: " + timedOut.getMessage());
        }
    }

    /** Null when the run kept the promise, else what went wrong. */
    static String judge(Nfe.Run r, Path file) {
        String err = r.stderr();
        if (r.exit() == -1) {
            return err;
        }
        if (err.contains("Exception") || err.contains("\tat ") || err.contains("Error:") || err.contains("internal error")) {
            return "exit " + r.exit() + " with a stack trace or exception on stderr:\n" + err;
        }
        List<String> errLines = err.isEmpty() ? List.of() : List.of(err.strip().split("\n"));
        return switch (r.exit()) {
            case 0 -> r.stdout().contains("\"record\":\"summary\"") ? null : "exit 0 without a summary record";
            case 3 -> errLines.size() == 1 && err.contains(file.toString()) && err.contains("byte")
                    && r.stdout().contains("\"record\":\"summary\"")
                    ? null : "exit 3 needs its results and one line naming the file and the byte: " + err;
            case 2 -> errLines.size() == 1 && err.contains(file.toString()) && r.stdout().isEmpty()
                    ? null : "exit 2 needs exactly one line naming the file and no output: " + err + r.stdout();
            default -> "exit " + r.exit() + ": " + err;
        };
    }

    /** A huge value in a length field: a pcap record's incl_len/orig_len, or a pcapng block's lengths. */
    static String hugeLength(byte[] b, Random random) {
        int value = HUGE[random.nextInt(HUGE.length)];
        if (b.length < 28) {
            return "too short for a length field";
        }
        int magic = ByteBuffer.wrap(b, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (magic == 0x0a0d0d0a) {
            ByteOrder order = ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() == 0x1a2b3c4d
                    ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            List<Integer> blocks = new ArrayList<>();
            int p = 0;
            while (p + 12 <= b.length) {
                blocks.add(p);
                int len = ByteBuffer.wrap(b, p + 4, 4).order(order).getInt();
                if (len < 12 || p + (long) len > b.length) {
                    break;
                }
                p += len;
            }
            int at = blocks.get(random.nextInt(blocks.size()));
            int type = ByteBuffer.wrap(b, at, 4).order(order).getInt();
            int field = type == 6 && random.nextBoolean() ? at + 20 : at + 4; // EPB captured length, or block length
            ByteBuffer.wrap(b, field, 4).order(order).putInt(value);
            return String.format("pcapng block type 0x%x at %d: %s = 0x%08x", type, at,
                    field == at + 4 ? "block total length" : "captured length", value);
        }
        ByteOrder order = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        List<Integer> records = new ArrayList<>();
        int p = 24;
        while (p + 16 <= b.length && records.size() < 10_000) {
            records.add(p);
            long caplen = ByteBuffer.wrap(b, p + 8, 4).order(order).getInt() & 0xffffffffL;
            p += 16 + (int) Math.min(caplen, Integer.MAX_VALUE - p - 16);
        }
        if (records.isEmpty()) {
            ByteBuffer.wrap(b, 16, 4).order(order).putInt(value);
            return String.format("pcap snaplen = 0x%08x", value);
        }
        int at = records.get(random.nextInt(records.size()));
        int field = random.nextBoolean() ? at + 8 : at + 12;
        ByteBuffer.wrap(b, field, 4).order(order).putInt(value);
        return String.format("pcap record at %d: %s = 0x%08x", at, field == at + 8 ? "incl_len" : "orig_len", value);
    }

    private static List<Path> sources() {
        try (Stream<Path> files = Files.walk(Nfe.shared().resolve("corpus"))) {
            List<Path> out = files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
                    .filter(p -> size(p) > 0 && size(p) <= MAX_SOURCE).sorted().toList();
            assertTrue(out.size() > 50, "corpus captures not found");
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[] x, byte[] y) {
        byte[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }
}
