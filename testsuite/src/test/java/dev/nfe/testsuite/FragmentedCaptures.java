package dev.nfe.testsuite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes fragmented copies of real captures with {@code fragment_capture.py} (scapy, Debian's
 * python3-scapy; see the script for what it does) at test time, with a fixed seed, and reads the
 * frame map it writes: original frame number to the frame of the fragmented capture that
 * completes the same packet.
 */
final class FragmentedCaptures {
    private FragmentedCaptures() {
    }

    /**
     * A fragmented capture and its frame map.
     *
     * @param packets    packets cut into fragments
     * @param fragments  fragment frames written, duplicates included
     * @param duplicates fragments written twice
     */
    record Fragmented(Path capture, Map<Long, Long> frames, long packets, long fragments, long duplicates) {
        long map(long originalFrame) {
            Long f = frames.get(originalFrame);
            if (f == null) {
                throw new IllegalArgumentException("frame " + originalFrame + " is not in the original capture");
            }
            return f;
        }

        @Override
        public String toString() {
            return capture + ": " + packets + " packets cut into " + fragments + " fragments, " + duplicates
                    + " of them duplicates";
        }
    }

    /** Made once per original and seed in this JVM: the test classes share them. */
    private static final Map<String, Fragmented> MADE = new HashMap<>();
    private static Path dir;

    static synchronized Fragmented fragment(Path original, long seed) throws Exception {
        String key = original.toAbsolutePath() + "#" + seed;
        Fragmented f = MADE.get(key);
        if (f == null) {
            if (dir == null) {
                dir = Files.createTempDirectory("nfe-fragmented");
                dir.toFile().deleteOnExit();
            }
            f = make(original, dir, seed);
            MADE.put(key, f);
        }
        return f;
    }

    private static Fragmented make(Path original, Path dir, long seed) throws Exception {
        Path script = dir.resolve("fragment_capture.py");
        if (!Files.exists(script)) {
            try (InputStream in = FragmentedCaptures.class.getResourceAsStream("fragments/fragment_capture.py")) {
                if (in == null) {
                    throw new IllegalStateException("fragment_capture.py is missing from the test resources");
                }
                Files.copy(in, script);
            }
        }
        String name = original.getFileName().toString().replace(".pcap", "") + "-" + seed;
        Path out = dir.resolve(name + "-fragmented.pcap");
        Path map = dir.resolve(name + ".map");
        for (Path p : List.of(script, out, map)) {
            p.toFile().deleteOnExit(); // registered after the directory: deleted before it
        }
        Nfe.Run r = Nfe.exec(List.of(python(), script.toString(), original.toString(), out.toString(), map.toString(),
                "--seed", Long.toString(seed)), 300);
        if (r.exit() != 0) {
            throw new IllegalStateException("fragment_capture.py failed (" + r.exit() + "): " + r.stderr());
        }
        Map<Long, Long> frames = new HashMap<>();
        for (String line : Files.readAllLines(map)) {
            String[] f = line.split(" ");
            frames.put(Long.parseLong(f[0]), Long.parseLong(f[1]));
        }
        String[] counts = r.stdout().strip().split(" ");
        if (counts.length != 6 || !counts[0].equals("packets")) {
            throw new IllegalStateException("fragment_capture.py printed " + r.stdout());
        }
        return new Fragmented(out, frames, Long.parseLong(counts[1]), Long.parseLong(counts[3]), Long.parseLong(counts[5]));
    }

    /** Debian's python3 (which python3-scapy installs into), or whatever python3 on the PATH can import scapy. */
    static String python() throws IOException, InterruptedException {
        for (String p : List.of("/usr/bin/python3", "python3")) {
            try {
                if (Nfe.exec(List.of(p, "-c", "import scapy.all"), 60).exit() == 0) {
                    return p;
                }
            } catch (IOException e) {
                // not there: try the next
            }
        }
        throw new IllegalStateException("python3 with scapy is required: apt-get install python3-scapy "
                + "(scripts/ensure-tools test installs it)");
    }
}
